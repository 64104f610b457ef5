// probity eval: precision, recall and F1 of a pairs file against ground truth.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "engine/evaluation.h"
#include "engine/explain.h"
#include "engine/rejects_writer.h"
#include "fmt/format.h"
#include "tools/commands.h"
#include "tools/linkage_steps.h"
#include "tools/store_access.h"

namespace probity {
namespace {

// With --db: the waterfall of each listed false and missed link, so the user
// sees why it was scored as it was.
absl::Status PrintExplanations(const std::string& db, const EvalReport& report) {
  absl::StatusOr<OpenedStore> opened = OpenExistingStore(db, /*read_only=*/true);
  if (!opened.ok()) return opened.status();
  absl::StatusOr<LinkJob> job = LoadLinkJob(*opened->store, opened->settings);
  if (!job.ok()) return job.status();
  absl::StatusOr<FsModel> model = LoadSavedModel(*opened->store, *job);
  if (!model.ok()) return model.status();
  absl::flat_hash_map<std::string, uint32_t> index;
  for (uint32_t r = 0; r < job->data.size(); ++r) {
    index[fmt::format("{}:{}", job->source_names[job->data.source(r)], job->data.id(r))] = r;
  }
  auto explain = [&](const char* title, const std::vector<EvalLink>& links) {
    for (const EvalLink& link : links) {
      const std::string left = link.source_l + ":" + link.id_l;
      const std::string right = link.source_r + ":" + link.id_r;
      auto l = index.find(left), r = index.find(right);
      if (l == index.end() || r == index.end()) continue;
      std::printf("\n%s %s vs %s\n", title, left.c_str(), right.c_str());
      std::fputs(FormatExplanation(ExplainPair(job->specs, job->data, *model, l->second, r->second)).c_str(),
                 stdout);
    }
  };
  explain("false link", report.top_false_links);
  explain("missed link", report.top_missed_links);
  return absl::OkStatus();
}

}  // namespace

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
  if (!args.db.empty()) {
    if (absl::Status s = PrintExplanations(args.db, *report); !s.ok()) return ReportFailure(s);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace probity
