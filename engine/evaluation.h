// Pairwise evaluation of scored pairs against ground truth.
//
// Truth CSV: header with at least `source,record_id,person_id` (other columns
// are ignored); one row per record; records with the same person_id are the
// same person. Pairs CSV: header with at least
// `source_l,id_l,source_r,id_r,match_weight,match_probability` (the format of
// `probity run`'s pairs.csv).
//
// Which pairs are true pairs:
//  - cross-source only (link_only): two records of the same person from
//    different sources;
//  - all (dedupe_only, link_and_dedupe): any two records of the same person.
// By default this is inferred: if every truth record is in one source, all;
// otherwise cross-source only, unless the pairs file holds a pair of two
// records of the same source.
//
// A pair is predicted (a link) when match_probability >= threshold. A pair
// listed more than once, in either orientation, counts once, with the row of
// highest probability (its weight goes with it). True pairs never present in
// the pairs file are false negatives counted as `missed_not_candidate`.
//
// Conventions where a ratio is undefined: precision is 0 with no links, recall
// is 0 with no true pairs, F1 is 0 when precision + recall is 0.
//
// Memory is linear in records + distinct pairs: true pairs are counted, never
// listed (sum over persons of k(k-1)/2, or of n_s * n_t over pairs of sources).
//
// Errors (absl::Status, "FILE:LINE: reason", no field values quoted): a file
// that cannot be read, a missing column, a malformed row, an empty field, a
// record listed twice in the truth file, a pair naming a record the truth file
// lacks, a pair of a record with itself, a weight or probability that is not a
// number (probability must lie in [0, 1]).
#ifndef PROBITY_ENGINE_EVALUATION_H_
#define PROBITY_ENGINE_EVALUATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace probity {

struct EvalOptions {
  double threshold = 0.5;  // in [0, 1]
  // true: only cross-source pairs are true pairs (link_only); false: all pairs
  // of one person (dedupe); unset: inferred as described above.
  std::optional<bool> cross_source_only;
  size_t top_n = 10;  // length of the false-link and missed-link lists
};

struct EvalLink {
  std::string source_l, id_l, source_r, id_r;
  double weight = 0;
  double probability = 0;
};

struct EvalPoint {
  double threshold = 0;
  uint64_t links = 0;  // pairs with probability >= threshold
  uint64_t true_positives = 0;
  uint64_t false_positives = 0;
  uint64_t false_negatives = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

struct EvalReport {
  std::string pairs_path;
  std::string truth_path;
  bool cross_source_only = false;
  bool semantics_inferred = false;

  uint64_t truth_records = 0;
  uint64_t truth_sources = 0;
  uint64_t persons = 0;
  uint64_t true_pairs = 0;  // all true pairs under the semantics

  uint64_t pair_rows = 0;          // data rows of the pairs file
  uint64_t scored_pairs = 0;       // distinct pairs
  uint64_t true_pairs_scored = 0;  // distinct pairs that are true pairs

  // At the chosen threshold.
  EvalPoint at_threshold;
  uint64_t missed_scored = 0;         // true pairs scored below the threshold
  uint64_t missed_not_candidate = 0;  // true pairs absent from the pairs file

  // 0.01, 0.05, 0.1, 0.2, ..., 0.9, 0.95, 0.99 and the chosen threshold, ascending.
  std::vector<EvalPoint> curve;

  // Highest weight first (ties: higher probability, then file order of the records).
  std::vector<EvalLink> top_false_links;   // links that are not true pairs
  std::vector<EvalLink> top_missed_links;  // true pairs scored below the threshold
};

absl::StatusOr<EvalReport> EvaluatePairs(const std::string& pairs_path,
                                         const std::string& truth_path,
                                         const EvalOptions& options = {});

// The report as a JSON document (pretty-printed, ends with a newline).
std::string EvalReportToJson(const EvalReport& report);
// A short human-readable report: totals, the curve as a table, the top false
// and missed links as source:id pairs with weight and probability.
std::string EvalReportToText(const EvalReport& report);

}  // namespace probity

#endif  // PROBITY_ENGINE_EVALUATION_H_
