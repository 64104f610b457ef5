#include "engine/explain.h"

#include "engine/date.h"
#include "fmt/format.h"

namespace probity {
namespace {

template <typename Entry, typename Fn>
std::string Join(std::span<const Entry> entries, Fn&& text) {
  std::string out;
  for (const Entry& e : entries) {
    if (!out.empty()) out += ';';
    out += text(e);
  }
  return out;
}

}  // namespace

std::string FieldValuesForDisplay(const ComparisonSpec& spec, const LinkData& d, uint32_t r) {
  auto name = [&](const NameEntry& e) { return std::string(d.Str(e.text)); };
  switch (spec.field) {
    case FieldKind::kForename: return Join(d.forenames.Of(r), name);
    case FieldKind::kMiddleNames: return Join(d.middle_names.Of(r), name);
    case FieldKind::kSurname: return Join(d.surnames.Of(r), name);
    case FieldKind::kFullName: return Join(d.full_names.Of(r), name);
    case FieldKind::kDob:
      return Join(d.dobs.Of(r), [](const DobEntry& e) { return FormatIsoDate(e.day); });
    case FieldKind::kSex: return d.sex[r] != 0 ? std::string(1, d.sex[r]) : "";
    case FieldKind::kPostcode:
      return Join(d.postcodes.Of(r), [&](const PostcodeEntry& e) { return std::string(d.Str(e.canonical)); });
    case FieldKind::kAddress:
      return Join(d.addresses.Of(r), [&](ArenaString s) { return std::string(d.Str(s)); });
    case FieldKind::kPnc:
    case FieldKind::kCro:
    case FieldKind::kNino: {
      const FieldColumn<IdEntry>& column =
          spec.field == FieldKind::kPnc ? d.pncs : spec.field == FieldKind::kCro ? d.cros : d.ninos;
      return Join(column.Of(r), [&](const IdEntry& e) { return std::string(d.Str(e.canonical)); });
    }
    case FieldKind::kCustom: {
      std::string out;
      for (const CustomEntry& e : d.custom.Of(r)) {
        if (e.field != spec.custom_field) continue;
        if (!out.empty()) out += ';';
        out += spec.kind == ComparisonKind::kCustomDate ? FormatIsoDate(e.day) : std::string(d.Str(e.text));
      }
      return out;
    }
  }
  return "";
}

Explanation ExplainPair(const std::vector<ComparisonSpec>& specs, const LinkData& data,
                        const FsModel& model, uint32_t a, uint32_t b) {
  Explanation x;
  Gamma gamma;
  CompareRecords(specs, data, a, b, &gamma);
  x.prior_weight = model.PriorWeight();
  x.total_weight = x.prior_weight;
  for (size_t c = 0; c < specs.size(); ++c) {
    ExplanationStep step;
    step.comparison = specs[c].name;
    const uint8_t level = gamma.level[c];
    step.level = specs[c].level_names[level];
    if (level != 0) {
      step.m = model.comparisons[c].levels[level].m;
      step.u = model.comparisons[c].levels[level].u;
    }
    step.tf_adjustment = model.TfAdjustment(c, level, gamma.tf_count[c]);
    step.weight = model.LevelWeight(c, level, gamma.tf_count[c]);
    step.left_values = FieldValuesForDisplay(specs[c], data, a);
    step.right_values = FieldValuesForDisplay(specs[c], data, b);
    x.total_weight += step.weight;
    x.steps.push_back(std::move(step));
  }
  x.probability = WeightToProbability(x.total_weight);
  return x;
}

std::string FormatExplanation(const Explanation& x) {
  std::string out = fmt::format("{:<14} {:<24} {:>9} {:>9} {:>8} {:>7} {:>8}  {}\n", "comparison",
                                "level", "m", "u", "weight", "tf_adj", "running", "values (left | right)");
  double running = x.prior_weight;
  out += fmt::format("{:<14} {:<24} {:>9} {:>9} {:>+8.2f} {:>7} {:>+8.2f}\n", "prior", "(lambda)", "",
                     "", x.prior_weight, "", running);
  for (const ExplanationStep& s : x.steps) {
    running += s.weight;
    const std::string m = s.level == "null" ? "" : fmt::format("{:.4g}", s.m);
    const std::string u = s.level == "null" ? "" : fmt::format("{:.4g}", s.u);
    const std::string tf = s.tf_adjustment != 0 ? fmt::format("{:+.2f}", s.tf_adjustment) : "";
    out += fmt::format("{:<14} {:<24} {:>9} {:>9} {:>+8.2f} {:>7} {:>+8.2f}  {} | {}\n", s.comparison,
                       s.level, m, u, s.weight, tf, running, s.left_values, s.right_values);
  }
  out += fmt::format("total match weight {:+.2f}, match probability {:.6f}\n", x.total_weight,
                     x.probability);
  return out;
}

}  // namespace probity
