// Outcomes after supervision: sentence completion and proven reoffending by
// quality of supervision, over linked probation and police data, with the
// uncertainty that the linkage itself brings (see DESIGN.md, "Outcome
// definitions").
//
// Inputs:
//  - sentences (one row per probation case): case id (the probation source's
//    record id), sentence start date, termination reason;
//  - inspection judgements (one row per inspected case): case id and the
//    judgements on engaging the person, supporting desistance and (optionally)
//    keeping others safe, each "sufficient" or "insufficient" (configurable;
//    any other value means not judged);
//  - police disposals: police record id (the police source's record id, e.g.
//    the PNC id), offence date, disposal date, optionally the disposal type;
//  - the linkage: pairs.csv of `probity run` (match probabilities), optionally
//    clusters.csv, truth.csv (synthetic data), or any list of id pairs.
//
// Definitions, per probation case with sentence start S:
//  - proven reoffence: a disposal of a linked police record whose offence date
//    is in [S, S + F months) and whose disposal date is before S + F + W months
//    (F = follow_up_months = 12, W = waiting_months = 6); if a type column is
//    named, only the listed types (default conviction, caution) count;
//  - proven reoffender: at least one proven reoffence;
//  - completion: the termination reason is one of the completed values
//    (compared case-insensitively, spaces trimmed); a blank reason is not
//    completed (and counted in the input summary).
//
// Which police records belong to a case:
//  (a) threshold: the police records paired with the case with match
//      probability >= threshold; the case reoffended if any of them shows a
//      proven reoffence, and its reoffences are summed over them;
//  (b) weighted: every candidate j with weight w_j = p_j / max(1, sum_k p_k),
//      i.e. the probabilities normalised to sum to at most 1 over the case's
//      candidates. The candidates are treated as mutually exclusive (at most
//      one is the person), so the expected indicator is
//      E[reoffended] = sum_j w_j r_j and E[reoffences] = sum_j w_j k_j. The
//      group rate is the sum of the expected indicators over n, with a Wilson
//      interval on that (fractional) count: the interval does not add the
//      linkage's own variance;
//  (c) sweep: (a) at each threshold of a list (0.1 .. 0.9).
//
// Groups (cases with an inspection row): both_sufficient, mixed,
// both_insufficient (engaging and desistance), then each judgement alone
// (engaging_*, desistance_*, safety_*), then inspected and cohort (every case).
// A case whose engaging or desistance judgement is unknown is left out of the
// three combined groups. Gaps are both_sufficient minus both_insufficient, in
// percentage points, with Newcombe's hybrid score interval.
#ifndef PROBITY_ENGINE_OUTCOMES_H_
#define PROBITY_ENGINE_OUTCOMES_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/date.h"
#include "engine/evaluation.h"
#include "engine/link_data.h"
#include "engine/outcome_stats.h"
#include "engine/settings.h"

namespace probity {

// The "outcomes" section of the settings file, e.g.
//   "outcomes": {
//     "probation_source": "probation", "police_source": "police",
//     "sentences": {"file": "probation.csv", "id": "crn",
//                   "start": {"column": "sentence_start", "format": "YYYY-MM-DD"},
//                   "termination": "termination_reason", "completed": ["completed"]},
//     "inspections": {"file": "inspections.csv", "id": "crn", "engaging": "engaging",
//                     "desistance": "desistance", "safety": "safety",
//                     "sufficient": ["sufficient"], "insufficient": ["insufficient"]},
//     "disposals": {"file": "disposals.csv", "id": "pnc_id",
//                   "offence_date": {"column": "offence_date", "format": "YYYY-MM-DD"},
//                   "disposal_date": {"column": "disposal_date", "format": "YYYY-MM-DD"},
//                   "type": "disposal_type", "proven": ["conviction", "caution"]},
//     "follow_up_months": 12, "waiting_months": 6
//   }
// Dates are a column name (format auto) or {"column", "format"} as for dob.
// Relative file paths are relative to the settings file's folder; "file" may
// be left out when the path is given on the command line. "safety", "type",
// the value lists and the month counts are optional (defaults shown).
struct OutcomeSettings {
  std::string probation_source = "probation";
  std::string police_source = "police";
  struct Sentences {
    std::string file;
    std::string id_column;
    std::string start_column;
    DateFormat start_format = DateFormat::kAuto;
    std::string termination_column;
    std::vector<std::string> completed_values{"completed"};
  } sentences;
  struct Inspections {
    std::string file;
    std::string id_column;
    std::string engaging_column;
    std::string desistance_column;
    std::string safety_column;  // empty: not available
    std::vector<std::string> sufficient_values{"sufficient"};
    std::vector<std::string> insufficient_values{"insufficient"};
  } inspections;
  struct Disposals {
    std::string file;
    std::string id_column;
    std::string offence_column;
    DateFormat offence_format = DateFormat::kAuto;
    std::string disposal_column;
    DateFormat disposal_format = DateFormat::kAuto;
    std::string type_column;  // empty: every row is a conviction or caution
    std::vector<std::string> proven_types{"conviction", "caution"};
  } disposals;
  int follow_up_months = 12;
  int waiting_months = 6;
};

// Reads settings.raw_json's "outcomes" section. Errors name the settings file
// and the key: a missing section or column name, an unknown key, a bad date
// format, a source that is not in the settings, the same source for both.
absl::StatusOr<OutcomeSettings> ParseOutcomeSettings(const Settings& settings);

enum class Judgement : int8_t { kUnknown = -1, kInsufficient = 0, kSufficient = 1 };

struct OutcomeCase {
  DayNumber start = 0;
  DayNumber follow_up_end = 0;  // offences before this day count
  DayNumber proven_by = 0;      // disposals before this day count
  bool completed = false;
  bool inspected = false;
  Judgement engaging = Judgement::kUnknown;
  Judgement desistance = Judgement::kUnknown;
  Judgement safety = Judgement::kUnknown;
};

struct DisposalDates {
  DayNumber offence = 0;
  DayNumber disposal = 0;  // max() when the disposal date is blank: never proven
};

// What reading one input file found. Rows that could not be used are skipped
// and counted; `problems` lists the first few as "FILE:LINE: reason".
struct InputCounts {
  std::string file;
  uint64_t rows = 0;
  uint64_t used = 0;
  uint64_t skipped = 0;
  std::vector<std::string> problems;
};

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const;
};
struct TransparentEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
using IdIndex = absl::flat_hash_map<std::string, uint32_t, TransparentHash, TransparentEq>;

// Sentences, judgements and disposals, loaded once.
struct OutcomeData {
  std::vector<std::string> case_ids;
  std::vector<OutcomeCase> cases;
  IdIndex case_index;
  // Police records that have disposals, and their disposals (CSR).
  IdIndex police_index;
  std::vector<uint32_t> disposal_offsets{0};
  std::vector<DisposalDates> disposals;

  InputCounts sentences, inspections, disposal_rows;
  uint64_t blank_terminations = 0;
  uint64_t duplicate_cases = 0;        // later sentence rows of a case id seen before
  uint64_t inspections_unknown_case = 0;

  static absl::StatusOr<OutcomeData> Load(const OutcomeSettings& settings);

  // Proven reoffences of `police` (an index of police_index) for case `c`.
  uint32_t ProvenReoffences(uint32_t c, uint32_t police) const;
};

// The police records each case is linked to, CSR by case index.
struct LinkCandidate {
  uint32_t police = 0;      // record number (records without disposals included)
  double probability = 1;   // match probability; 1 for deterministic links
  uint16_t reoffences = 0;  // proven reoffences of this record for the case
};

struct CaseLinks {
  std::vector<uint32_t> offsets;  // cases + 1
  std::vector<LinkCandidate> candidates;
  uint64_t links = 0;               // distinct (case, police record) pairs
  uint64_t unknown_case_links = 0;  // pairs whose probation id has no sentence row
};

// Collects (case id, police id, probability) links; a pair given twice keeps
// its highest probability.
class CaseLinksBuilder {
 public:
  explicit CaseLinksBuilder(const OutcomeData& data);
  // False (and counted) when the case id has no sentence row.
  bool Add(std::string_view case_id, std::string_view police_id, double probability);
  CaseLinks Finish();

 private:
  struct Raw {
    uint32_t c;
    uint32_t police;
    double probability;
  };
  const OutcomeData& data_;
  IdIndex extra_police_;  // police ids without disposals
  std::vector<Raw> raw_;
  uint64_t unknown_cases_ = 0;
};

// Match-weight histogram of the pairs file (bins of one bit).
struct WeightHistogram {
  double first_bin = 0;  // left edge of bin 0
  double bin_width = 1;
  std::vector<uint64_t> all;
  // With link truth: the same pairs split by whether they are the same person.
  bool has_truth = false;
  std::vector<uint64_t> matches;
  std::vector<uint64_t> non_matches;
};

// A pair picked to be explained in the report (a waterfall chart).
struct ExamplePair {
  std::string label;  // e.g. "strongest link", "just above the threshold"
  std::string source_l, id_l, source_r, id_r;
  double weight = 0;
  double probability = 0;
  std::optional<bool> true_match;  // with link truth
};

// One table of results: every group under one way of linking.
struct GroupOutcome {
  std::string name;
  uint64_t n = 0;
  uint64_t completed = 0;
  Estimate completion;   // proportion with Wilson interval
  double reoffenders = 0;  // expected count under (b)
  Estimate reoffending;  // proportion with Wilson interval
  double reoffences = 0;
  double reoffences_per_reoffender = 0;
  uint64_t linked = 0;  // cases with at least one police record used
};

struct OutcomeTable {
  std::string linkage;      // "threshold", "weighted", "sweep", "clusters", ...
  std::string description;  // one line for people
  std::optional<double> threshold;
  std::vector<GroupOutcome> groups;  // kOutcomeGroups order
  Estimate completion_gap;   // both_sufficient - both_insufficient, proportion
  Estimate reoffending_gap;
  uint64_t links_used = 0;   // (case, police record) pairs used (weighted: all candidates)

  const GroupOutcome* Find(std::string_view group) const;
};

inline constexpr const char* kOutcomeGroups[] = {
    "both_sufficient",         "mixed",                 "both_insufficient",
    "engaging_sufficient",     "engaging_insufficient", "desistance_sufficient",
    "desistance_insufficient", "safety_sufficient",     "safety_insufficient",
    "inspected",               "cohort"};
inline constexpr size_t kOutcomeGroupCount = std::size(kOutcomeGroups);
// "both sufficient" for "both_sufficient", etc.
std::string GroupLabel(std::string_view group);

enum class LinkRule { kThreshold, kWeighted };

// Rates for every group under one linkage rule. `threshold` applies to kThreshold.
OutcomeTable ComputeOutcomes(const OutcomeData& data, const CaseLinks& links, LinkRule rule,
                             double threshold);

// The planted truth of `probity synth` (outcomes_truth.json) as a table.
absl::StatusOr<OutcomeTable> LoadOutcomeTruth(const std::string& path);

// Naive exact linkage: every probation record paired with every police record
// with the same (normalised) first surname and first date of birth, as a join
// of the two extracts on those columns would. Returns (probation id, police id).
std::vector<std::pair<std::string, std::string>> NaiveExactLinks(const LinkData& data,
                                                                 uint16_t probation_source,
                                                                 uint16_t police_source);

struct OutcomeOptions {
  OutcomeSettings settings;  // file paths already resolved
  std::string pairs_path;    // required: pairs.csv
  std::string clusters_path;       // optional: clusters.csv, an extra table
  std::string link_truth_path;     // optional: truth.csv (source,record_id,person_id)
  std::string outcome_truth_path;  // optional: outcomes_truth.json
  double threshold = 0.5;
  std::vector<double> sweep{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
  // Further linkages to tabulate, e.g. naive exact matching: (probation id, police id).
  struct ExtraLinkage {
    std::string name;
    std::string description;
    std::vector<std::pair<std::string, std::string>> links;
  };
  std::vector<ExtraLinkage> extra;
};

struct OutcomeAnalysis {
  double threshold = 0.5;
  OutcomeTable headline;  // (a) at the threshold
  OutcomeTable weighted;  // (b)
  std::vector<OutcomeTable> sweep;  // (c)
  std::vector<OutcomeTable> extra;  // clusters, true links, naive exact, ...
  std::optional<OutcomeTable> truth;

  // Inputs.
  InputCounts sentences, inspections, disposals, pairs;
  uint64_t cases = 0;
  uint64_t inspected = 0;
  uint64_t blank_terminations = 0;
  uint64_t duplicate_cases = 0;
  uint64_t inspections_unknown_case = 0;
  uint64_t police_records_with_disposals = 0;
  uint64_t candidate_links = 0;        // distinct (case, police record) pairs in pairs.csv
  uint64_t pairs_unknown_case = 0;     // probation ids in pairs.csv without a sentence row
  uint64_t cases_with_candidates = 0;
  std::vector<std::string> warnings;

  // Linkage diagnostics for the report.
  WeightHistogram histogram;
  std::vector<ExamplePair> examples;
  std::optional<EvalReport> link_evaluation;  // with link truth

  double seconds = 0;
};

absl::StatusOr<OutcomeAnalysis> AnalyseOutcomes(const OutcomeOptions& options);

// outcomes.json: inputs, every table (with bias against the truth when given).
std::string OutcomesToJson(const OutcomeAnalysis& analysis);
// outcomes.csv, long format, one row per linkage x threshold x group x measure:
//   linkage,threshold,group,measure,n,events,value,ci_lower,ci_upper,truth,bias
// measures: completion_pct, proven_reoffending_pct, reoffences_per_reoffender
// (group rows); completion_gap_pp, proven_reoffending_gap_pp (group
// "both_sufficient-both_insufficient"). bias = value - truth, same unit.
std::string OutcomesToCsv(const OutcomeAnalysis& analysis);
// The headline table (and the linkage summary) as text for a terminal.
std::string OutcomesToText(const OutcomeAnalysis& analysis);

}  // namespace probity

#endif  // PROBITY_ENGINE_OUTCOMES_H_
