// probity outcomes: completion and proven reoffending by supervision quality
// over a linkage's pairs (and clusters), with the linkage's uncertainty, as
// outcomes.json, outcomes.csv and a self-contained report.html.
//
// Inputs beyond the flags: the settings' "outcomes" section (engine/outcomes.h)
// names the sentences, inspections and disposals files and their columns;
// --sentences/--inspections/--disposals override its file paths. The model
// (m and u chart) defaults to model.json next to pairs.csv, and the store
// (waterfall charts, --naive) to the store folder next to it, when present.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/explain.h"
#include "engine/outcomes.h"
#include "engine/report_html.h"
#include "engine/version.h"
#include "fmt/format.h"
#include "tools/commands.h"
#include "tools/linkage_steps.h"
#include "tools/store_access.h"

namespace probity {
namespace {

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::string Sibling(const std::string& file, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(file).parent_path();
  return dir.empty() ? name : (dir / name).string();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot open", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The linkage store, loaded once: waterfalls for the example pairs, naive
// exact links, and the model when no model.json is given.
struct LoadedStore {
  LinkJob job;
  std::optional<FsModel> model;
};

absl::StatusOr<LoadedStore> LoadStore(const std::string& db) {
  absl::StatusOr<OpenedStore> opened = OpenExistingStore(db, /*read_only=*/true);
  if (!opened.ok()) return opened.status();
  absl::StatusOr<LinkJob> job = LoadLinkJob(*opened->store, opened->settings);
  if (!job.ok()) return job.status();
  LoadedStore loaded{*std::move(job), std::nullopt};
  absl::StatusOr<FsModel> model = LoadSavedModel(*opened->store, loaded.job);
  if (model.ok()) loaded.model = *std::move(model);
  return loaded;
}

std::optional<uint16_t> SourceIndex(const LinkJob& job, const std::string& name) {
  for (size_t s = 0; s < job.source_names.size(); ++s) {
    if (job.source_names[s] == name) return static_cast<uint16_t>(s);
  }
  return std::nullopt;
}

std::vector<WaterfallExample> Waterfalls(const LoadedStore& store,
                                         const std::vector<ExamplePair>& examples) {
  std::vector<WaterfallExample> out;
  if (!store.model.has_value()) return out;
  const LinkJob& job = store.job;
  // Record numbers of the example pairs' records, in one pass.
  std::vector<std::pair<std::optional<uint32_t>, std::optional<uint32_t>>> found(examples.size());
  for (uint32_t r = 0; r < job.data.size(); ++r) {
    const std::string& source = job.source_names[job.data.source(r)];
    const std::string_view id = job.data.id(r);
    for (size_t e = 0; e < examples.size(); ++e) {
      if (source == examples[e].source_l && id == examples[e].id_l) found[e].first = r;
      if (source == examples[e].source_r && id == examples[e].id_r) found[e].second = r;
    }
  }
  for (size_t e = 0; e < examples.size(); ++e) {
    if (!found[e].first || !found[e].second) continue;
    out.push_back({examples[e], ExplainPair(job.specs, job.data, *store.model, *found[e].first,
                                            *found[e].second)});
  }
  return out;
}

}  // namespace

int RunOutcomesCommand(const OutcomesArgs& args) {
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<Settings> settings = Settings::Load(args.settings);
  if (!settings.ok()) return ReportFailure(settings.status());
  absl::StatusOr<OutcomeSettings> outcome_settings = ParseOutcomeSettings(*settings);
  if (!outcome_settings.ok()) return ReportFailure(outcome_settings.status());
  if (!args.sentences.empty()) outcome_settings->sentences.file = args.sentences;
  if (!args.inspections.empty()) outcome_settings->inspections.file = args.inspections;
  if (!args.disposals.empty()) outcome_settings->disposals.file = args.disposals;
  const double threshold = args.threshold.value_or(settings->threshold);
  if (!(threshold > 0 && threshold <= 1)) {
    return ReportFailure(absl::InvalidArgumentError("--threshold must be in (0, 1]"));
  }

  // Optional inputs: explicit paths must exist; defaults are used when present.
  std::vector<std::string> notes;
  std::string model_path = args.model;
  if (model_path.empty() && Exists(Sibling(args.pairs, "model.json"))) {
    model_path = Sibling(args.pairs, "model.json");
  }
  std::string db = args.db;
  if (db.empty() && Exists(Sibling(args.pairs, "store"))) db = Sibling(args.pairs, "store");
  if (args.naive && db.empty()) {
    return ReportFailure(absl::InvalidArgumentError(
        "--naive needs the linkage store (--db, default: the store folder next to pairs.csv)"));
  }
  for (const std::string* path : {&args.db, &args.model, &args.clusters, &args.truth, &args.link_truth}) {
    if (!path->empty() && !Exists(*path)) {
      return ReportFailure(absl::NotFoundError(fmt::format("{}: no such file or folder", *path)));
    }
  }

  OutcomeOptions options;
  options.settings = *outcome_settings;
  options.pairs_path = args.pairs;
  options.clusters_path = args.clusters;
  options.link_truth_path = args.link_truth;
  options.outcome_truth_path = args.truth;
  options.threshold = threshold;

  std::optional<LoadedStore> store;
  if (!db.empty()) {
    absl::StatusOr<LoadedStore> loaded = LoadStore(db);
    if (loaded.ok()) {
      store = *std::move(loaded);
    } else if (args.naive || !args.db.empty()) {
      return ReportFailure(loaded.status());
    } else {
      notes.push_back(fmt::format("the store next to pairs.csv could not be read: {}",
                                  std::string(loaded.status().message())));
    }
  }
  if (args.naive) {
    const std::optional<uint16_t> probation = SourceIndex(store->job, outcome_settings->probation_source);
    const std::optional<uint16_t> police = SourceIndex(store->job, outcome_settings->police_source);
    if (!probation || !police) {
      return ReportFailure(absl::InvalidArgumentError(
          fmt::format("{}: the store holds no source \"{}\" or \"{}\"", db,
                      outcome_settings->probation_source, outcome_settings->police_source)));
    }
    options.extra.push_back(
        {"naive_exact",
         "naive exact matching: same surname and date of birth (first values, normalised)",
         NaiveExactLinks(store->job.data, *probation, *police)});
  }
  absl::StatusOr<OutcomeAnalysis> analysis = AnalyseOutcomes(options);
  if (!analysis.ok()) return ReportFailure(analysis.status());

  ReportInput report;
  report.analysis = &*analysis;
  report.generator = fmt::format("probity {}", Version());
  if (store.has_value()) {
    report.waterfalls = Waterfalls(*store, analysis->examples);
    if (store->model.has_value()) {
      absl::StatusOr<ModelSummary> summary = ParseModelJson(store->model->ToJson());
      if (summary.ok()) report.model = *std::move(summary);
    } else {
      notes.push_back("waterfall charts left out: the store holds no trained model");
    }
  } else {
    notes.push_back("waterfall charts left out: no linkage store (--db)");
  }
  if (!model_path.empty()) {
    absl::StatusOr<std::string> text = ReadWholeFile(model_path);
    if (!text.ok()) return ReportFailure(text.status());
    absl::StatusOr<ModelSummary> model = ParseModelJson(*text);
    if (!model.ok()) return ReportFailure(model.status());
    report.model = *std::move(model);
  }
  report.notes = std::move(notes);

  if (absl::Status s = MakePrivateDir(args.out_dir); !s.ok()) return ReportFailure(s);
  const std::string json_path = args.out_dir + "/outcomes.json";
  const std::string csv_path = args.out_dir + "/outcomes.csv";
  const std::string html_path = args.out_dir + "/report.html";
  if (absl::Status s = WriteTextFile(json_path, OutcomesToJson(*analysis)); !s.ok()) return ReportFailure(s);
  if (absl::Status s = WriteTextFile(csv_path, OutcomesToCsv(*analysis)); !s.ok()) return ReportFailure(s);
  if (absl::Status s = WriteTextFile(html_path, RenderReportHtml(report)); !s.ok()) return ReportFailure(s);

  if (!args.quiet) {
    std::fputs(OutcomesToText(*analysis).c_str(), stdout);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("\ntime        %.2f s\n", seconds);
    std::printf("outputs     %s, %s\n", json_path.c_str(), csv_path.c_str());
    std::printf("report      %s\n", html_path.c_str());
  }
  return 0;
}

}  // namespace probity
