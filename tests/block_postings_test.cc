// The blocks column family's merge operator, applied directly: operands in
// order, against a plain model of a block's members.
#include "storage/block_postings.h"

#include <algorithm>
#include <cstdio>
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

std::string Operand(const std::vector<Op>& ops) {
  std::string out;
  for (const Op& op : ops) AppendPostingOp(&out, op.member, op.remove);
  return out;
}

// The members of a merged value, in order; fails on removes or bad bytes.
std::vector<std::string> Members(std::string_view value) {
  std::vector<std::string> out;
  const bool ok = ForEachPostingOp(value, [&](std::string_view member, bool remove) {
    EXPECT_FALSE(remove) << "a merged value holds adds only";
    out.emplace_back(member);
    return true;
  });
  EXPECT_TRUE(ok);
  return out;
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
  const std::string value = Operand({{member_a, false}, {long_member, true}});
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

TEST(BlockPostingsTest, MalformedBytesAreRefused) {
  const std::string good = Operand({{"r1", false}});
  // A length past the end, and a varint that never ends.
  const std::string truncated = good.substr(0, good.size() - 1);
  const std::string endless(11, '\xff');
  for (const std::string& bad : {truncated, endless}) {
    EXPECT_FALSE(ForEachPostingOp(bad, [](std::string_view, bool) { return true; }));
    EXPECT_FALSE(FullMerge(nullptr, {bad}).has_value());
    EXPECT_FALSE(FullMerge(&bad, {good}).has_value());
    EXPECT_FALSE(FullMerge(nullptr, {good, bad}).has_value());
  }
}

// Random operands over a few hundred members (large blocks switch to a hash
// index) against a model: a vector with the same rules.
TEST(BlockPostingsTest, LargeBlocksMatchAPlainModel) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    SCOPED_TRACE(trial);
    std::vector<std::string> model;
    const auto apply = [&model](const Op& op) {
      const auto it = std::find(model.begin(), model.end(), op.member);
      if (op.remove && it != model.end()) model.erase(it);
      if (!op.remove && it == model.end()) model.push_back(op.member);
    };
    const int universe = trial % 2 == 0 ? 40 : 400;
    std::uniform_int_distribution<int> pick(0, universe - 1);
    std::vector<Op> base_ops;
    for (int i = 0; i < universe / 2; ++i) {
      const Op op{Member(pick(rng)), false};
      if (std::find(model.begin(), model.end(), op.member) == model.end()) {
        base_ops.push_back(op);
        apply(op);
      }
    }
    const std::string base = Operand(base_ops);
    std::vector<std::string> operands;
    for (int k = 0; k < 5; ++k) {
      std::vector<Op> ops;
      for (int i = 0; i < universe / 3; ++i) {
        ops.push_back({Member(pick(rng)), rng() % 3 == 0});
        apply(ops.back());
      }
      operands.push_back(Operand(ops));
    }
    // Half the trials merge onto a stored value, half from operands alone.
    const std::string* existing = &base;
    if (trial % 4 >= 2) {
      operands.insert(operands.begin(), base);
      existing = nullptr;
    }
    const std::optional<std::string> merged = FullMerge(existing, operands);
    ASSERT_TRUE(merged.has_value());
    EXPECT_THAT(Members(*merged), ElementsAreArray(model));
  }
}

}  // namespace
}  // namespace probity::storage
