// The blocks column family's merge operator, applied directly: operands in
// order, against a plain model of a block's members.
#include "storage/block_postings.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/slice.h"

namespace probity::storage {
namespace {

namespace rdb = ::ROCKSDB_NAMESPACE;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

struct Op {
  std::string member;
  bool remove;
};

std::string Member(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "m%d", i);
  return buf;
}

std::string Ops(const std::vector<Op>& ops) {
  std::string out;
  for (const Op& op : ops) AppendPostingOp(&out, op.member, op.remove);
  return out;
}

// A page operand (or value) of blocks, given in the order listed.
std::string Page(const std::vector<std::pair<uint64_t, std::vector<Op>>>& blocks) {
  std::string out;
  for (const auto& [hash, ops] : blocks) AppendPageEntry(&out, hash, Ops(ops));
  return out;
}

constexpr uint64_t kHash = 0x2a00000000000001;

// A page operand of one block, kHash.
std::string Operand(const std::vector<Op>& ops) { return Page({{kHash, ops}}); }

// The blocks of a merged page and their members, in order; fails on removes,
// blocks out of order or bad bytes.
std::vector<std::pair<uint64_t, std::vector<std::string>>> Blocks(std::string_view page) {
  std::vector<std::pair<uint64_t, std::vector<std::string>>> out;
  const bool ok = ForEachPageEntry(page, [&](uint64_t hash, std::string_view ops) {
    if (!out.empty()) {
      EXPECT_LT(out.back().first, hash) << "blocks in hash order";
    }
    out.emplace_back(hash, std::vector<std::string>());
    EXPECT_TRUE(ForEachPostingOp(ops, [&](std::string_view member, bool remove) {
      EXPECT_FALSE(remove) << "a merged value holds adds only";
      out.back().second.emplace_back(member);
      return true;
    }));
    EXPECT_FALSE(out.back().second.empty()) << "no empty block";
    return true;
  });
  EXPECT_TRUE(ok);
  return out;
}

// The members of block kHash in a merged page (which holds no other block).
std::vector<std::string> Members(std::string_view page) {
  const auto blocks = Blocks(page);
  EXPECT_LE(blocks.size(), 1u);
  if (blocks.empty()) return {};
  EXPECT_EQ(blocks[0].first, kHash);
  return blocks[0].second;
}

// Runs the operator's full merge; nullopt when it refuses.
std::optional<std::string> FullMerge(const std::string* existing,
                                     const std::vector<std::string>& operands) {
  const auto op = NewBlockPostingsOperator();
  const rdb::Slice existing_slice = existing != nullptr ? rdb::Slice(*existing) : rdb::Slice();
  std::vector<rdb::Slice> operand_slices(operands.begin(), operands.end());
  std::string new_value;
  rdb::Slice existing_operand(nullptr, 0);  // as RocksDB passes it
  const rdb::MergeOperator::MergeOperationInput in(
      rdb::Slice("block"), existing != nullptr ? &existing_slice : nullptr, operand_slices,
      nullptr);
  rdb::MergeOperator::MergeOperationOutput out(new_value, existing_operand);
  if (!op->FullMergeV2(in, &out)) return std::nullopt;
  if (existing_operand.data() != nullptr) return existing_operand.ToString();
  return new_value;
}

TEST(BlockPostingsTest, OpsRoundTripWithTheirKind) {
  const std::string member_a("\x00\x01" "a", 3);
  const std::string long_member(300, 'x');  // a length over one varint byte
  const std::string value = Ops({{member_a, false}, {long_member, true}});
  std::vector<Op> seen;
  EXPECT_TRUE(ForEachPostingOp(value, [&](std::string_view member, bool remove) {
    seen.push_back({std::string(member), remove});
    return true;
  }));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].member, member_a);
  EXPECT_FALSE(seen[0].remove);
  EXPECT_EQ(seen[1].member, long_member);
  EXPECT_TRUE(seen[1].remove);
}

// The bulk writer's in-place entry writes the same bytes as ops built one by
// one, for keys whose length headers take one varint byte or two.
TEST(BlockPostingsTest, EntriesBuiltInPlaceEqualEntriesOfOps) {
  const std::vector<std::string> removes = {"a", std::string(70, 'r')};
  const std::vector<std::string> adds = {"", Member(7), std::string(300, 'x'), Member(12345)};
  std::string ops;
  for (const std::string& key : removes) AppendPostingOp(&ops, key, /*remove=*/true);
  for (const std::string& key : adds) AppendPostingOp(&ops, key, /*remove=*/false);
  std::string expected = "prefix";
  AppendPageEntry(&expected, 0x0123456789abcdefULL, ops);
  std::string built = "prefix";
  AppendPageEntryOf(&built, 0x0123456789abcdefULL, removes, adds);
  EXPECT_EQ(built, expected);
  std::string empty_expected;
  AppendPageEntry(&empty_expected, 7, "");
  std::string empty_built;
  AppendPageEntryOf(&empty_built, 7, std::vector<std::string>{}, std::vector<std::string>{});
  EXPECT_EQ(empty_built, empty_expected);
}

TEST(BlockPostingsTest, PageKeysGroupARulesBlocksByTheirTopHashBits) {
  std::string a, b, c, d;
  AppendPageKey(&a, 3, 0x1234000000000000);
  AppendPageKey(&b, 3, 0x1234ffffffffffff);
  AppendPageKey(&c, 3, 0x1235000000000000);
  AppendPageKey(&d, 4, 0x1234000000000000);
  EXPECT_EQ(a, std::string("\x03\x12\x34", 3));
  EXPECT_EQ(a, b);
  EXPECT_LT(b, c);  // page order follows (rule, hash) order
  EXPECT_LT(c, d);
}

TEST(BlockPostingsTest, OperandsApplyInOrder) {
  // A single operand of adds is the value as it stands.
  EXPECT_THAT(Members(*FullMerge(nullptr, {Operand({{"r1", false}, {"r2", false}})})),
              ElementsAre("r1", "r2"));
  // An add of a member already there changes nothing; a remove of an absent
  // member neither; a removed member added again goes last.
  const std::string base = Operand({{"r1", false}, {"r2", false}, {"r3", false}});
  EXPECT_THAT(Members(*FullMerge(&base, {Operand({{"r2", false}, {"r9", true}})})),
              ElementsAre("r1", "r2", "r3"));
  EXPECT_THAT(Members(*FullMerge(&base, {Operand({{"r1", true}}), Operand({{"r1", false}})})),
              ElementsAre("r2", "r3", "r1"));
  // Order across operands decides: add then remove leaves nothing.
  EXPECT_THAT(Members(*FullMerge(nullptr, {Operand({{"r4", false}}), Operand({{"r4", true}})})),
              ElementsAre());
  EXPECT_THAT(Members(*FullMerge(nullptr, {Operand({{"r4", true}}), Operand({{"r4", false}})})),
              ElementsAre("r4"));
  // Two records storing the same block in one batch: two operands, one each.
  EXPECT_THAT(Members(*FullMerge(nullptr, {Operand({{"r5", false}}), Operand({{"r5", false}})})),
              ElementsAre("r5"));
}

// Several blocks in a page: untouched blocks stay as they are, changed ones
// are rebuilt, emptied ones go, new ones take their place in hash order.
TEST(BlockPostingsTest, PagesMergeBlockByBlockInHashOrder) {
  const std::string stored = Page({{10, {{"a", false}}}, {30, {{"b", false}, {"c", false}}}, {50, {{"d", false}}}});
  const std::optional<std::string> merged =
      FullMerge(&stored, {Page({{30, {{"b", true}, {"c", true}}}, {20, {{"e", false}}}}),
                          Page({{60, {{"f", false}}}, {10, {{"g", false}}}})});
  ASSERT_TRUE(merged.has_value());
  using Block = std::pair<uint64_t, std::vector<std::string>>;
  EXPECT_THAT(Blocks(*merged), ElementsAre(Block{10, {"a", "g"}}, Block{20, {"e"}}, Block{50, {"d"}},
                                           Block{60, {"f"}}));
  // One operand of adds out of hash order is merged into order.
  EXPECT_THAT(Blocks(*FullMerge(nullptr, {Page({{9, {{"x", false}}}, {3, {{"y", false}}}})})),
              ElementsAre(Block{3, {"y"}}, Block{9, {"x"}}));
  // A page whose blocks all empty is an empty value.
  EXPECT_EQ(*FullMerge(&stored, {Page({{10, {{"a", true}}}, {30, {{"b", true}, {"c", true}}},
                                       {50, {{"d", true}}}})}),
            "");
}

TEST(BlockPostingsTest, MalformedBytesAreRefused) {
  const std::string good = Operand({{"r1", false}});
  // A length past the end, and a varint that never ends.
  const std::string truncated = good.substr(0, good.size() - 1);
  const std::string endless(11, '\xff');
  // A block entry cut inside its hash; stored blocks out of hash order.
  const std::string short_hash = good.substr(0, 5);
  const std::string unordered = Page({{9, {{"x", false}}}, {3, {{"y", false}}}});
  EXPECT_FALSE(FullMerge(&unordered, {good}).has_value());
  for (const std::string& bad : {truncated, endless, short_hash}) {
    EXPECT_FALSE(ForEachPostingOp(bad, [](std::string_view, bool) { return true; }));
    EXPECT_FALSE(FullMerge(nullptr, {bad}).has_value());
    EXPECT_FALSE(FullMerge(&bad, {good}).has_value());
    EXPECT_FALSE(FullMerge(nullptr, {good, bad}).has_value());
  }
}

// Random operands over three blocks of up to a few hundred members (large
// blocks switch to a hash index) against a model: vectors with the same rules.
TEST(BlockPostingsTest, LargeBlocksMatchAPlainModel) {
  std::mt19937 rng(7);
  const uint64_t hashes[] = {5, 7, 9};
  for (int trial = 0; trial < 20; ++trial) {
    SCOPED_TRACE(trial);
    std::map<uint64_t, std::vector<std::string>> model;
    const auto apply = [&model](uint64_t hash, const Op& op) {
      std::vector<std::string>& members = model[hash];
      const auto it = std::find(members.begin(), members.end(), op.member);
      if (op.remove && it != members.end()) members.erase(it);
      if (!op.remove && it == members.end()) members.push_back(op.member);
    };
    const int universe = trial % 2 == 0 ? 40 : 400;
    std::uniform_int_distribution<int> pick(0, universe - 1);
    std::vector<std::pair<uint64_t, std::vector<Op>>> base_blocks;
    for (uint64_t hash : hashes) {
      base_blocks.emplace_back(hash, std::vector<Op>());
      for (int i = 0; i < universe / 2; ++i) {
        const Op op{Member(pick(rng)), false};
        const std::vector<std::string>& members = model[hash];
        if (std::find(members.begin(), members.end(), op.member) == members.end()) {
          base_blocks.back().second.push_back(op);
          apply(hash, op);
        }
      }
    }
    const std::string base = Page(base_blocks);
    std::vector<std::string> operands;
    for (int k = 0; k < 5; ++k) {
      // Each operand changes the blocks in a random order.
      std::vector<std::pair<uint64_t, std::vector<Op>>> blocks;
      for (size_t h = rng() % 3, n = 0; n < 3; ++n, h = (h + 2) % 3) {
        blocks.emplace_back(hashes[h], std::vector<Op>());
        for (int i = 0; i < universe / 3; ++i) {
          blocks.back().second.push_back({Member(pick(rng)), rng() % 3 == 0});
          apply(hashes[h], blocks.back().second.back());
        }
      }
      operands.push_back(Page(blocks));
    }
    // Half the trials merge onto a stored value, half from operands alone.
    const std::string* existing = &base;
    if (trial % 4 >= 2) {
      operands.insert(operands.begin(), base);
      existing = nullptr;
    }
    const std::optional<std::string> merged = FullMerge(existing, operands);
    ASSERT_TRUE(merged.has_value());
    std::vector<std::pair<uint64_t, std::vector<std::string>>> expected;
    for (const auto& [hash, members] : model) {
      if (!members.empty()) expected.emplace_back(hash, members);
    }
    EXPECT_THAT(Blocks(*merged), ElementsAreArray(expected));
  }
}

}  // namespace
}  // namespace probity::storage
