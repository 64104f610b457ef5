// Training the Fellegi-Sunter model without labels.
//
//  1. u: the level frequencies over a large random sample of record pairs
//     (almost all non-matches), deterministic for a seed whatever the thread
//     count.
//  2. m and the match share among candidate pairs: expectation maximisation
//     over the comparison patterns of all blocked pairs (counted, so EM runs
//     on thousands of patterns, not millions of pairs), with a free
//     non-match distribution for blocked pairs so that agreement forced by
//     blocking is not mistaken for evidence of a match.
//  3. lambda = (candidate pairs x match share) / all pairs, bounded so that a
//     link job never expects more matches than the smaller source has records.
//     EM over blocked pairs alone drifts towards "everything matches" when the
//     blocking is tight; this keeps lambda on the scale of all pairs.
// Degenerate results (m or u stuck at 0 or 1, EM not converging, classes
// swapped) are detected and reported as warnings in the model.
#ifndef PROBITY_ENGINE_TRAINING_H_
#define PROBITY_ENGINE_TRAINING_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/candidate_pairs.h"
#include "engine/fs_model.h"

namespace probity {

struct TrainingOptions {
  uint64_t u_sample_pairs = 2'000'000;
  uint64_t seed = 42;
  int max_em_iterations = 200;
  double em_tolerance = 1e-6;
  std::optional<double> fixed_lambda;  // from settings: skip estimating it
  CandidateOptions candidates;
  std::function<void(const std::string&)> log;  // progress lines (may be empty)
};

struct TrainingReport {
  BlockingStats blocking;
  uint64_t u_pairs_sampled = 0;
  double blocked_match_share = 0;  // EM's estimate among candidate pairs
  double total_pairs = 0;
  std::vector<double> em_changes;  // largest parameter change per iteration
};

absl::StatusOr<FsModel> TrainModel(const LinkData& data, const BlockKeyIndex& keys,
                                   const std::vector<BlockingRule>& rules,
                                   const std::vector<ComparisonSpec>& specs,
                                   const TrainingOptions& options, TrainingReport* report);

// Supervised training from known matches: `person_of[r]` is record r's
// person (kUnknownPerson when not labelled). m comes from every labelled
// matching pair the link type compares, u from random pairs as above, and
// lambda from the number of matching pairs over all pairs.
inline constexpr uint32_t kUnknownPerson = 0xffffffffu;
absl::StatusOr<FsModel> TrainFromLabels(const LinkData& data,
                                        const std::vector<ComparisonSpec>& specs,
                                        const std::vector<uint32_t>& person_of,
                                        const TrainingOptions& options, TrainingReport* report);

// Total number of record pairs the link type compares.
double TotalPairs(const LinkData& data, LinkType link_type);

// u per comparison level from `pairs` random pairs (exposed for tests).
std::vector<std::vector<double>> EstimateU(const LinkData& data,
                                           const std::vector<ComparisonSpec>& specs,
                                           LinkType link_type, uint64_t pairs, uint64_t seed,
                                           int threads, uint64_t* sampled);

// Pattern counts -> EM. Exposed for tests that recover known parameters.
struct EmResult {
  std::vector<std::vector<double>> m;
  std::vector<std::vector<double>> u;  // non-match distribution among the patterns' pairs
  double match_share = 0;
  int iterations = 0;
  bool converged = false;
  std::vector<double> changes;
  std::vector<std::string> warnings;
};
EmResult RunEm(const std::vector<std::pair<uint64_t, uint64_t>>& pattern_counts,
               const std::vector<size_t>& levels_per_comparison,
               const std::vector<std::vector<double>>& u_init, int max_iterations,
               double tolerance, double max_share = 1.0, bool fix_u = false,
               const EmResult* start = nullptr,
               // Per comparison and level: +1 decides a pair is a match, -1 a
               // non-match (a -1 wins), 0 leaves it to the model.
               const std::vector<std::vector<int8_t>>* anchors = nullptr);

// The most matches the data can plausibly hold: for link_only, the smaller
// source's records (one record per person per source); otherwise all pairs.
double MaxPlausibleMatches(const LinkData& data, LinkType link_type);

}  // namespace probity

#endif  // PROBITY_ENGINE_TRAINING_H_
