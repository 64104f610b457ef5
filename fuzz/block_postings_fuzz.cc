// Fuzzes the block index's merge operator (storage/block_postings.h): a
// corrupted store can hand it any bytes.
//
// The input is a stored page and merge operands, separated by 0x1E (the
// first part is the stored page; an empty first part: none). A merge must
// fail cleanly or give a page in merged form: blocks in increasing hash
// order, adds only, no empty block, and no member twice in a block unless an
// input block had one twice (blocks no operand touches, and a lone operand
// of adds, are taken as they stand: writers never repeat a member). Merging
// that page again (as a stored page, or as the only operand) gives the same
// blocks and members back (byte for byte but for how lengths are encoded).
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/harnesses.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/slice.h"
#include "storage/block_postings.h"

namespace probity::fuzz {
namespace block_postings_fuzz {

namespace rdb = ::ROCKSDB_NAMESPACE;

// The merged page, or false when the operator refuses the input.
bool FullMerge(const std::string* existing, const std::vector<std::string>& operands,
               std::string* merged) {
  static const auto op = storage::NewBlockPostingsOperator();
  const rdb::Slice existing_slice = existing != nullptr ? rdb::Slice(*existing) : rdb::Slice();
  const std::vector<rdb::Slice> operand_slices(operands.begin(), operands.end());
  std::string new_value;
  rdb::Slice existing_operand(nullptr, 0);  // as RocksDB passes it
  const rdb::MergeOperator::MergeOperationInput in(
      rdb::Slice("page"), existing != nullptr ? &existing_slice : nullptr, operand_slices,
      nullptr);
  rdb::MergeOperator::MergeOperationOutput out(new_value, existing_operand);
  if (!op->FullMergeV2(in, &out)) return false;
  *merged = existing_operand.data() != nullptr ? existing_operand.ToString() : new_value;
  return true;
}

// True when some block of a page or operand lists a member twice (its
// malformed part ignored).
bool RepeatsAMember(std::string_view page) {
  bool repeats = false;
  storage::ForEachPageEntry(page, [&](uint64_t, std::string_view ops) {
    std::set<std::string_view> members;
    storage::ForEachPostingOp(ops, [&](std::string_view member, bool) {
      repeats = !members.insert(member).second || repeats;
      return true;
    });
    return true;
  });
  return repeats;
}

// A page's blocks and their ops, decoded (so two encodings of one length compare equal).
std::vector<std::pair<uint64_t, std::vector<std::pair<std::string, bool>>>> Decode(
    std::string_view page) {
  std::vector<std::pair<uint64_t, std::vector<std::pair<std::string, bool>>>> blocks;
  storage::ForEachPageEntry(page, [&](uint64_t hash, std::string_view ops) {
    blocks.emplace_back(hash, std::vector<std::pair<std::string, bool>>());
    storage::ForEachPostingOp(ops, [&](std::string_view member, bool remove) {
      blocks.back().second.emplace_back(std::string(member), remove);
      return true;
    });
    return true;
  });
  return blocks;
}

// Checks the merged form; true when some block lists a member twice.
bool CheckMergedForm(std::string_view page) {
  bool repeats = false;
  bool first = true;
  uint64_t last = 0;
  const bool well_formed = storage::ForEachPageEntry(page, [&](uint64_t hash, std::string_view ops) {
    PROBITY_FUZZ_CHECK(first || hash > last);
    first = false;
    last = hash;
    std::set<std::string_view> members;
    PROBITY_FUZZ_CHECK(storage::ForEachPostingOp(ops, [&](std::string_view member, bool remove) {
      PROBITY_FUZZ_CHECK(!remove);
      repeats = !members.insert(member).second || repeats;
      return true;
    }));
    PROBITY_FUZZ_CHECK(!members.empty());
    return true;
  });
  PROBITY_FUZZ_CHECK(well_formed);
  return repeats;
}

}  // namespace block_postings_fuzz

int BlockPostingsOneInput(const uint8_t* data, size_t size) {
  using namespace block_postings_fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t end = input.find('\x1e', start);
    parts.emplace_back(input.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  const std::string* existing = parts[0].empty() ? nullptr : &parts[0];
  const std::vector<std::string> operands(parts.begin() + 1, parts.end());
  std::string merged;
  // RocksDB calls the operator with at least one operand.
  if (operands.empty() || !FullMerge(existing, operands, &merged)) return 0;
  if (CheckMergedForm(merged)) {
    bool input_repeats = existing != nullptr && RepeatsAMember(*existing);
    for (const std::string& operand : operands) input_repeats = input_repeats || RepeatsAMember(operand);
    PROBITY_FUZZ_CHECK(input_repeats);
  }
  std::string again;
  PROBITY_FUZZ_CHECK(FullMerge(nullptr, {merged}, &again) && Decode(again) == Decode(merged));
  PROBITY_FUZZ_CHECK(FullMerge(&merged, {std::string()}, &again) &&
                     Decode(again) == Decode(merged));
  return 0;
}

}  // namespace probity::fuzz

#ifdef PROBITY_FUZZ_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return probity::fuzz::BlockPostingsOneInput(data, size);
}
#endif
