// The Fellegi-Sunter model: lambda (the prior probability that two records
// match), and m and u for every level of every comparison.
//
//   match weight  = log2(lambda / (1 - lambda)) + sum over comparisons of
//                   log2(m[level] / u[level]) (+ a term-frequency adjustment)
//   probability   = 2^weight / (1 + 2^weight)
//
// The null level (a value missing on either side) always adds 0.
#ifndef PROBITY_ENGINE_FS_MODEL_H_
#define PROBITY_ENGINE_FS_MODEL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/comparison.h"

namespace probity {

struct LevelParameters {
  double m = 0.5;
  double u = 0.5;
};

struct ComparisonModel {
  ComparisonSpec spec;
  std::vector<LevelParameters> levels;  // index 0 (null) unused
  // Average u of the agreeing value for TF-adjusted levels: the u of the exact
  // level. A value whose frequency is f changes the weight by log2(u_exact / f).
  double tf_u_exact = 0;
  uint64_t tf_total = 0;  // number of values the frequencies are counted over
};

// Largest term-frequency adjustment, in bits, either way: a very rare value
// should not outweigh disagreement elsewhere.
inline constexpr double kMaxTfAdjustment = 6.0;

struct FsModel {
  double lambda = 1e-4;
  std::vector<ComparisonModel> comparisons;
  // Training diagnostics, saved with the model.
  int em_iterations = 0;
  bool em_converged = false;
  std::vector<std::string> warnings;

  double PriorWeight() const;
  // Weight of one comparison's level, with the TF adjustment for `tf_count`.
  double LevelWeight(size_t comparison, uint8_t level, uint32_t tf_count) const;
  double TfAdjustment(size_t comparison, uint8_t level, uint32_t tf_count) const;
  double Weight(const Gamma& gamma) const;

  // JSON (model.json): lambda, and per comparison its levels with m, u, weight.
  std::string ToJson() const;
  // Restores a model saved by ToJson; the specs must match `specs` by name and levels.
  static absl::StatusOr<FsModel> FromJson(std::string_view json,
                                          const std::vector<ComparisonSpec>& specs);
};

double WeightToProbability(double weight);
double ProbabilityToWeight(double probability);

}  // namespace probity

#endif  // PROBITY_ENGINE_FS_MODEL_H_
