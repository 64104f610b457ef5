// Why two records got their score: comparison by comparison, the level
// reached, its m and u, and the weight it adds (a waterfall).
#ifndef PROBITY_ENGINE_EXPLAIN_H_
#define PROBITY_ENGINE_EXPLAIN_H_

#include <string>
#include <vector>

#include "engine/fs_model.h"
#include "engine/link_data.h"

namespace probity {

struct ExplanationStep {
  std::string comparison;
  std::string level;
  double m = 0, u = 0;
  double weight = 0;         // total this comparison adds, TF adjustment included
  double tf_adjustment = 0;  // part of `weight` due to the value's frequency
  std::string left_values;   // the values compared, ';'-joined
  std::string right_values;
};

struct Explanation {
  double prior_weight = 0;
  std::vector<ExplanationStep> steps;
  double total_weight = 0;
  double probability = 0;
};

Explanation ExplainPair(const std::vector<ComparisonSpec>& specs, const LinkData& data,
                        const FsModel& model, uint32_t a, uint32_t b);

// A text waterfall, one line per comparison, with a running total.
std::string FormatExplanation(const Explanation& explanation);

// The values of a comparison's field for a record, ';'-joined (for display).
std::string FieldValuesForDisplay(const ComparisonSpec& spec, const LinkData& data, uint32_t r);

}  // namespace probity

#endif  // PROBITY_ENGINE_EXPLAIN_H_
