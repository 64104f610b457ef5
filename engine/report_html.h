// The outcomes report: one self-contained HTML file (inline CSS, inline SVG
// charts drawn here, a few lines of inline script, no network, no fonts to
// fetch) holding
//  - the outcome table by supervision-quality group, with 95% intervals and
//    the gap between both-sufficient and both-insufficient;
//  - charts of the rates with intervals by group, under threshold and
//    probability-weighted linkage (and the planted truth when known);
//  - how the conclusion moves with the linkage: the gap across thresholds,
//    and every linkage tabulated side by side (with bias against the truth);
//  - linkage diagnostics: the match-weight histogram, m and u per comparison
//    level, waterfall charts for example pairs, precision and recall against
//    the threshold when link truth is given.
//
// For automated checks the page sets document.body.dataset.rendered = "ok"
// once loaded, and any script error is written into the element with id
// "script-errors" (empty and hidden otherwise).
#ifndef PROBITY_ENGINE_REPORT_HTML_H_
#define PROBITY_ENGINE_REPORT_HTML_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/explain.h"
#include "engine/outcomes.h"

namespace probity {

struct ModelLevel {
  std::string comparison;
  std::string level;
  double m = 0;
  double u = 0;
  double weight = 0;  // log2(m / u)
  bool tf_adjusted = false;
};

struct ModelSummary {
  double lambda = 0;
  std::vector<ModelLevel> levels;  // comparison order, strongest level first
};

// Reads the model.json written by `probity run` (FsModel::ToJson).
absl::StatusOr<ModelSummary> ParseModelJson(std::string_view json_text);

struct WaterfallExample {
  ExamplePair pair;
  Explanation explanation;
};

struct ReportInput {
  const OutcomeAnalysis* analysis = nullptr;  // required
  std::optional<ModelSummary> model;
  std::vector<WaterfallExample> waterfalls;
  // Shown under "Notes": e.g. why a diagnostic is missing.
  std::vector<std::string> notes;
  std::string generator = "probity";
};

std::string RenderReportHtml(const ReportInput& input);

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace probity

#endif  // PROBITY_ENGINE_REPORT_HTML_H_
