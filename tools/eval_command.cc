// probity eval: precision, recall and F1 of a pairs file against ground truth.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/evaluation.h"
#include "engine/rejects_writer.h"
#include "fmt/format.h"
#include "tools/commands.h"

namespace probity {

int RunEvalCommand(const EvalArgs& args) {
  EvalOptions options;
  options.threshold = args.threshold;
  options.top_n = static_cast<size_t>(args.top);
  if (args.link_type == "link_only") {
    options.cross_source_only = true;
  } else if (args.link_type == "dedupe_only" || args.link_type == "link_and_dedupe") {
    options.cross_source_only = false;
  } else if (!args.link_type.empty()) {
    return ReportFailure(absl::InvalidArgumentError(
        "--link-type must be link_only, dedupe_only or link_and_dedupe"));
  }
  absl::StatusOr<EvalReport> report = EvaluatePairs(args.pairs, args.truth, options);
  if (!report.ok()) return ReportFailure(report.status());

  if (!args.json.empty()) {
    // The report lists record ids, so the file is private like every output.
    std::FILE* out = OpenPrivateFile(args.json);
    if (out == nullptr) {
      return ReportFailure(absl::PermissionDeniedError(
          fmt::format("{}: cannot write: {}", args.json, std::strerror(errno))));
    }
    const std::string json = EvalReportToJson(*report);
    const bool written = std::fwrite(json.data(), 1, json.size(), out) == json.size();
    if (std::fclose(out) != 0 || !written) {
      return ReportFailure(absl::DataLossError(
          fmt::format("{}: cannot write: {}", args.json, std::strerror(errno))));
    }
  }
  const std::string text =
      fmt::format("probity eval: {} against {}\n", args.pairs, args.truth) +
      EvalReportToText(*report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace probity
