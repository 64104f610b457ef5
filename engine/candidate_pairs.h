// Candidate pairs from blocking rules, on all cores.
//
// For each rule, records are grouped by block key; every pair within a group
// (of different sources for link_only) is a candidate. A pair found by rule k
// is skipped when the two records also share a key of an earlier rule, so each
// pair is produced exactly once without a global set of pairs. Blocks larger
// than the cap are skipped and reported.
#ifndef PROBITY_ENGINE_CANDIDATE_PAIRS_H_
#define PROBITY_ENGINE_CANDIDATE_PAIRS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/blocking.h"
#include "engine/link_data.h"
#include "engine/settings.h"

namespace probity {

// Every record's block keys, sorted by (rule, hash), CSR style.
struct BlockKeyIndex {
  std::vector<uint32_t> offsets{0};
  std::vector<storage::BlockKey> keys;
  void Add(const std::vector<BlockingRule>& rules, const Record& record);
  std::span<const storage::BlockKey> Of(uint32_t r) const {
    return {keys.data() + offsets[r], keys.data() + offsets[r + 1]};
  }
};

// Blocks of one rule skipped for being over the cap.
struct OversizedBlock {
  std::string rule;
  uint64_t blocks = 0;
  uint64_t largest = 0;  // records in the largest
};

struct BlockingStats {
  std::vector<std::string> rule_names;
  std::vector<uint64_t> pairs_per_rule;  // new pairs each rule contributed
  std::vector<OversizedBlock> oversized;
  std::vector<std::string> skipped_rules;  // optional rules over the pair budget
  uint64_t total_pairs = 0;
};

struct CandidateOptions {
  LinkType link_type = LinkType::kLinkOnly;
  uint32_t max_block_records = 5000;  // larger blocks are skipped with a warning
  int threads = 0;                    // 0: one per core
  // Optional rules are skipped when their blocks hold more pairs than
  // max(min_pair_budget, pair_budget_per_record x records).
  double pair_budget_per_record = 3;
  double min_pair_budget = 1e6;
};

// Calls fn(worker, rule, a, b) with a < b for every candidate pair, from
// `threads` workers at once (worker in [0, threads)); `rule` is the index in
// `rules` of the first rule that finds the pair. Returns per-rule counts.
BlockingStats ForEachCandidatePair(const LinkData& data, const BlockKeyIndex& keys,
                                   const std::vector<BlockingRule>& rules,
                                   const CandidateOptions& options,
                                   const std::function<void(int, size_t, uint32_t, uint32_t)>& fn);

int ResolveThreads(int threads);

}  // namespace probity

#endif  // PROBITY_ENGINE_CANDIDATE_PAIRS_H_
