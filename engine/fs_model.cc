#include "engine/fs_model.h"

#include <algorithm>
#include <cmath>

#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace probity {

double WeightToProbability(double weight) { return 1.0 / (1.0 + std::exp2(-weight)); }

double ProbabilityToWeight(double p) {
  p = std::clamp(p, 1e-15, 1 - 1e-15);
  return std::log2(p / (1 - p));
}

double FsModel::PriorWeight() const { return ProbabilityToWeight(lambda); }

double FsModel::TfAdjustment(size_t c, uint8_t level, uint32_t tf_count) const {
  const ComparisonModel& cm = comparisons[c];
  if (tf_count == 0 || cm.tf_total == 0 || cm.tf_u_exact <= 0 || level == 0 ||
      !cm.spec.tf_adjusted[level]) {
    return 0;
  }
  const double frequency = static_cast<double>(tf_count) / static_cast<double>(cm.tf_total);
  return std::clamp(std::log2(cm.tf_u_exact / frequency), -kMaxTfAdjustment, kMaxTfAdjustment);
}

double FsModel::LevelWeight(size_t c, uint8_t level, uint32_t tf_count) const {
  if (level == 0) return 0;
  const LevelParameters& p = comparisons[c].levels[level];
  return std::log2(p.m / p.u) + TfAdjustment(c, level, tf_count);
}

double FsModel::Weight(const Gamma& gamma) const {
  double weight = PriorWeight();
  for (size_t c = 0; c < comparisons.size(); ++c) {
    weight += LevelWeight(c, gamma.level[c], gamma.tf_count[c]);
  }
  return weight;
}

std::string FsModel::ToJson() const {
  nlohmann::ordered_json root;
  root["lambda"] = lambda;
  root["prior_match_weight"] = PriorWeight();
  root["em_iterations"] = em_iterations;
  root["em_converged"] = em_converged;
  root["warnings"] = warnings;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ComparisonModel& cm : comparisons) {
    nlohmann::ordered_json c;
    c["name"] = cm.spec.name;
    c["tf_u_exact"] = cm.tf_u_exact;
    c["tf_total"] = cm.tf_total;
    nlohmann::ordered_json levels = nlohmann::ordered_json::array();
    for (size_t l = 1; l < cm.levels.size(); ++l) {
      levels.push_back({{"level", cm.spec.level_names[l]},
                        {"m", cm.levels[l].m},
                        {"u", cm.levels[l].u},
                        {"match_weight", std::log2(cm.levels[l].m / cm.levels[l].u)},
                        {"tf_adjusted", static_cast<bool>(cm.spec.tf_adjusted[l])}});
    }
    c["levels"] = std::move(levels);
    list.push_back(std::move(c));
  }
  root["comparisons"] = std::move(list);
  return root.dump(2);
}

absl::StatusOr<FsModel> FsModel::FromJson(std::string_view json,
                                          const std::vector<ComparisonSpec>& specs) {
  const nlohmann::json root = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  auto bad = [](const std::string& why) {
    return absl::InvalidArgumentError("model: " + why);
  };
  if (!root.is_object() || !root.contains("lambda") || !root["lambda"].is_number() ||
      !root.contains("comparisons") || !root["comparisons"].is_array()) {
    return bad("expected an object with \"lambda\" and \"comparisons\"");
  }
  FsModel model;
  model.lambda = root["lambda"].get<double>();
  if (!(model.lambda > 0 && model.lambda < 1)) return bad("lambda must be between 0 and 1");
  model.em_iterations = root.value("em_iterations", 0);
  model.em_converged = root.value("em_converged", false);
  for (const ComparisonSpec& spec : specs) {
    const nlohmann::json* found = nullptr;
    for (const nlohmann::json& c : root["comparisons"]) {
      if (c.is_object() && c.value("name", "") == spec.name) found = &c;
    }
    if (found == nullptr) return bad(fmt::format("no parameters for comparison \"{}\"", spec.name));
    ComparisonModel cm;
    cm.spec = spec;
    cm.tf_u_exact = found->value("tf_u_exact", 0.0);
    cm.tf_total = found->value("tf_total", uint64_t{0});
    cm.levels.resize(spec.levels());
    const nlohmann::json& levels = (*found)["levels"];
    if (!levels.is_array() || levels.size() + 1 != spec.levels()) {
      return bad(fmt::format("comparison \"{}\" needs {} levels", spec.name, spec.levels() - 1));
    }
    for (size_t l = 1; l < spec.levels(); ++l) {
      const nlohmann::json& level = levels[l - 1];
      if (!level.is_object() || level.value("level", "") != spec.level_names[l]) {
        return bad(fmt::format("comparison \"{}\" level {} must be \"{}\"", spec.name, l,
                               spec.level_names[l]));
      }
      if (!level.contains("m") || !level.contains("u") ||
          !level["m"].is_number() || !level["u"].is_number()) {
        return bad(fmt::format("comparison \"{}\" level {} needs numbers m and u", spec.name, l));
      }
      cm.levels[l].m = level["m"].get<double>();
      cm.levels[l].u = level["u"].get<double>();
      if (!(cm.levels[l].m > 0 && cm.levels[l].m <= 1 && cm.levels[l].u > 0 &&
            cm.levels[l].u <= 1)) {
        return bad(fmt::format("comparison \"{}\" level {}: m and u must be in (0, 1]", spec.name, l));
      }
    }
    model.comparisons.push_back(std::move(cm));
  }
  return model;
}

}  // namespace probity
