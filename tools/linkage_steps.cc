#include "tools/linkage_steps.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "engine/csv_reader.h"
#include "engine/record_builder.h"
#include "engine/rejects_writer.h"
#include "fmt/format.h"
#include "tools/pseudonym.h"

namespace probity {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

nlohmann::ordered_json BlockingJson(const BlockingStats& stats) {
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (size_t r = 0; r < stats.rule_names.size(); ++r) {
    rules.push_back({{"rule", stats.rule_names[r]}, {"new_pairs", stats.pairs_per_rule[r]}});
  }
  nlohmann::ordered_json oversized = nlohmann::ordered_json::array();
  for (const OversizedBlock& b : stats.oversized) {
    oversized.push_back({{"rule", b.rule}, {"blocks", b.blocks}, {"largest_block_records", b.largest}});
  }
  return {{"candidate_pairs", stats.total_pairs},
          {"rules", rules},
          {"oversized_blocks", oversized},
          {"rules_skipped_over_budget", stats.skipped_rules}};
}

}  // namespace

absl::Status CheckInputs(const Settings& settings, const std::vector<IngestInput>& inputs) {
  for (const IngestInput& input : inputs) {
    const SourceSettings* source = settings.FindSource(input.source);
    if (source == nullptr) continue;
    CsvOptions csv_options;  // as Ingest reads it
    csv_options.delimiter = source->delimiter;
    csv_options.trim_unquoted = source->trim_spaces;
    absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(input.path, csv_options);
    if (!reader.ok()) return reader.status();
    absl::StatusOr<RecordBuilder> builder =
        RecordBuilder::Create(settings, *source, (*reader)->header(), input.path);
    if (!builder.ok()) return builder.status();
    CsvRow row;
    if (!(*reader)->Next(&row)) {
      if (!(*reader)->status().ok()) return (*reader)->status();
      return absl::InvalidArgumentError(
          fmt::format("{}: header only, no data rows", input.path));
    }
  }
  return absl::OkStatus();
}

absl::Status MakePrivateDir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return absl::OkStatus();
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(fmt::format("{}: cannot create: {}", dir, ec.message()));
  ::chmod(dir.c_str(), 0700);
  return absl::OkStatus();
}

absl::Status WriteTextFile(const std::string& path, const std::string& text) {
  std::FILE* f = OpenPrivateFile(path);
  if (f == nullptr) {
    return absl::PermissionDeniedError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  }
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
  std::fclose(f);
  if (!ok) return absl::DataLossError(fmt::format("{}: write failed", path));
  return absl::OkStatus();
}

absl::StatusOr<FsModel> TrainAndSave(storage::Store& store, const LinkJob& job, uint64_t seed,
                                     uint64_t u_pairs, int threads, bool verbose,
                                     TrainingReport* report) {
  TrainingOptions options;
  options.seed = seed;
  options.u_sample_pairs = u_pairs;
  options.fixed_lambda = job.settings.lambda;
  options.candidates.link_type = job.settings.link_type;
  options.candidates.threads = threads;
  if (verbose) options.log = [](const std::string& line) { std::fprintf(stderr, "  %s\n", line.c_str()); };
  absl::StatusOr<FsModel> model =
      TrainModel(job.data, job.keys, job.rules, job.specs, options, report);
  if (!model.ok()) return model.status();
  if (absl::Status s = store.PutModel("default", model->ToJson()); !s.ok()) return s;
  // Real-time look-ups use the rules the batch kept: the skipped ones would
  // bring in far more candidates than the model was trained on.
  const nlohmann::json skipped = report->blocking.skipped_rules;
  if (absl::Status s = store.PutMeta("rules_skipped", skipped.dump()); !s.ok()) return s;
  return model;
}

absl::StatusOr<FsModel> LoadSavedModel(const storage::Store& store, const LinkJob& job) {
  absl::StatusOr<std::optional<std::string>> saved = store.GetModel("default");
  if (!saved.ok()) return saved.status();
  if (!saved->has_value()) {
    return absl::FailedPreconditionError(
        fmt::format("{}: no trained model in the store (run probity train first)", store.dir()));
  }
  return FsModel::FromJson(**saved, job.specs);
}

absl::StatusOr<RunOutcome> RunLinkage(const RunArgs& args) {
  const auto start = Clock::now();
  RunOutcome outcome;
  nlohmann::ordered_json timings;

  // Everything that can be refused is checked before any work.
  absl::StatusOr<Settings> settings = Settings::Load(args.settings);
  if (!settings.ok()) return settings.status();
  if (auto rules = BlockingRulesFromSettings(*settings); !rules.ok()) return rules.status();
  if (auto specs = ComparisonsFromSettings(*settings); !specs.ok()) return specs.status();
  std::vector<IngestInput> inputs;
  for (const std::string& spec : args.inputs) {
    absl::StatusOr<IngestInput> input = ParseInputSpec(spec);
    if (!input.ok()) return input.status();
    inputs.push_back(*input);
  }
  if (absl::Status s = CheckInputs(*settings, inputs); !s.ok()) return s;
  std::optional<Pseudonymiser> pseudonymiser;
  OutputIds output_ids;
  if (!args.pseudonym_key.empty()) {
    absl::StatusOr<Pseudonymiser> loaded = Pseudonymiser::FromKeyFile(args.pseudonym_key);
    if (!loaded.ok()) return loaded.status();
    pseudonymiser.emplace(*std::move(loaded));
    output_ids = pseudonymiser->ForOutputs();
  }
  if (absl::Status s = MakePrivateDir(args.out_dir); !s.ok()) return s;
  std::string db = args.db;
  if (db.empty()) {
    db = args.out_dir + "/store";
    std::error_code ec;
    if (std::filesystem::exists(db + "/CURRENT", ec)) {
      // Another run writing to the same folder holds its store: removing it
      // would pull the files from under that run.
      storage::StoreOptions existing;
      existing.create_if_missing = false;
      absl::StatusOr<std::unique_ptr<storage::Store>> held = storage::Store::Open(db, existing);
      if (!held.ok() && absl::StrContains(held.status().message(), "already open")) {
        return held.status();
      }
    }
    std::filesystem::remove_all(db, ec);  // a run starts from its inputs alone
  }
  const std::string rejects_path = args.out_dir + "/rejects.csv";
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(db);
  if (!store.ok()) return store.status();
  // The outputs are replaced as a set: a previous run's go first and
  // summary.json is written last, so a run that is killed or fails leaves no
  // summary.json, never a mix of two runs' files that looks complete.
  for (const char* name :
       {"summary.json", "pairs.csv", "clusters.csv", "model.json", "rejects.csv"}) {
    std::error_code ec;
    std::filesystem::remove(args.out_dir + "/" + name, ec);
  }

  // Ingest.
  auto stage = Clock::now();
  IngestOptions ingest_options;
  ingest_options.rejects_path = rejects_path;
  ingest_options.show_progress = !args.quiet;
  ingest_options.threads = args.threads;
  absl::StatusOr<IngestReport> ingest = Ingest(**store, *settings, inputs, ingest_options);
  if (!ingest.ok()) return ingest.status();
  outcome.ingest = *ingest;
  timings["ingest"] = Seconds(stage);

  // Load into memory.
  stage = Clock::now();
  absl::StatusOr<LinkJob> job = LoadLinkJob(**store, *settings);
  if (!job.ok()) return job.status();
  outcome.records = job->data.size();
  timings["load"] = Seconds(stage);

  // Train.
  stage = Clock::now();
  absl::StatusOr<FsModel> model =
      TrainAndSave(**store, *job, args.seed, args.u_pairs, args.threads, args.verbose,
                   &outcome.training);
  if (!model.ok()) return model.status();
  outcome.model = *model;
  if (absl::Status s = WriteTextFile(args.out_dir + "/model.json", model->ToJson() + "\n"); !s.ok()) {
    return s;
  }
  timings["train"] = Seconds(stage);

  // Link.
  stage = Clock::now();
  ScoreOptions score_options;
  score_options.floor = args.floor;
  score_options.candidates.link_type = settings->link_type;
  score_options.candidates.threads = args.threads;
  const std::vector<ScoredPair> pairs =
      ScoreCandidatePairs(*job, *model, score_options, &outcome.blocking);
  if (absl::Status s = WritePairsCsv(args.out_dir + "/pairs.csv", *job, pairs, output_ids); !s.ok()) return s;
  outcome.pairs_written = pairs.size();
  timings["link"] = Seconds(stage);

  // Cluster.
  stage = Clock::now();
  const double threshold = args.threshold.value_or(settings->threshold);
  const bool one_to_one = args.one_to_one || settings->one_to_one;
  for (const ScoredPair& p : pairs) outcome.links += p.probability >= threshold ? 1 : 0;
  const std::vector<uint64_t> clusters = ClusterRecords(*job, pairs, threshold, one_to_one);
  if (absl::Status s = WriteClustersCsv(args.out_dir + "/clusters.csv", *job, clusters, output_ids); !s.ok()) {
    return s;
  }
  // Cluster ids persist in the store, so real-time assignment carries on from them.
  std::vector<std::pair<std::pair<uint16_t, std::string>, uint64_t>> assignments;
  assignments.reserve(clusters.size());
  for (uint32_t r = 0; r < job->data.size(); ++r) {
    absl::StatusOr<uint16_t> code =
        (*store)->SourceCode(job->source_names[job->data.source(r)], /*create=*/false);
    if (!code.ok()) return code.status();
    assignments.push_back({{*code, std::string(job->data.id(r))}, clusters[r]});
  }
  if (absl::Status s = (*store)->PutClusters(assignments); !s.ok()) return s;
  std::vector<uint64_t> sorted = clusters;
  std::sort(sorted.begin(), sorted.end());
  outcome.clusters = static_cast<uint64_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
  timings["cluster"] = Seconds(stage);
  timings["total"] = Seconds(start);

  // Summary.
  uint64_t rows = 0;
  nlohmann::ordered_json sources = nlohmann::ordered_json::array();
  for (const SourceIngestReport& s : outcome.ingest.sources) {
    rows += s.rows;
    sources.push_back({{"source", s.source}, {"file", s.file}, {"rows", s.rows},
                       {"stored", s.stored}, {"rejected", s.rejected}});
  }
  nlohmann::ordered_json& summary = outcome.summary;
  summary["rows_read"] = rows;
  summary["pseudonymised_ids"] = pseudonymiser.has_value();
  summary["rows_rejected"] = outcome.ingest.rejected;
  summary["records"] = outcome.records;
  summary["sources"] = sources;
  summary["blocking"] = BlockingJson(outcome.blocking);
  summary["pairs_written"] = outcome.pairs_written;
  summary["pair_floor"] = args.floor;
  summary["threshold"] = threshold;
  summary["one_to_one"] = one_to_one;
  summary["links"] = outcome.links;
  summary["clusters"] = outcome.clusters;
  summary["lambda"] = outcome.model.lambda;
  summary["em_iterations"] = outcome.model.em_iterations;
  summary["em_converged"] = outcome.model.em_converged;
  summary["u_pairs_sampled"] = outcome.training.u_pairs_sampled;
  summary["warnings"] = outcome.model.warnings;
  for (const OversizedBlock& b : outcome.blocking.oversized) {
    summary["warnings"].push_back(fmt::format(
        "blocking rule {}: {} blocks over the cap skipped, the largest with {} records", b.rule,
        b.blocks, b.largest));
  }
  for (const std::string& rule : outcome.blocking.skipped_rules) {
    summary["warnings"].push_back(fmt::format(
        "optional blocking rule {} skipped: it would produce too many candidate pairs", rule));
  }
  summary["seconds"] = timings;
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  summary["peak_memory_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  if (absl::Status s = WriteTextFile(args.out_dir + "/summary.json", summary.dump(2) + "\n");
      !s.ok()) {
    return s;
  }

  std::string& text = outcome.summary_text;
  text += fmt::format("records     {} read, {} rejected{}\n", rows, outcome.ingest.rejected,
                      outcome.ingest.rejected > 0 ? " (see " + rejects_path + ")" : "");
  text += fmt::format("candidates  {} pairs from {} blocking rules\n", outcome.blocking.total_pairs,
                      outcome.blocking.rule_names.size());
  text += fmt::format("model       lambda {:.3g}, EM {} iterations{}\n", outcome.model.lambda,
                      outcome.model.em_iterations, outcome.model.em_converged ? "" : " (not converged)");
  text += fmt::format("links       {} pairs at probability >= {}, {} clusters\n", outcome.links,
                      threshold, outcome.clusters);
  for (const auto& w : summary["warnings"]) text += "warning     " + w.get<std::string>() + "\n";
  text += fmt::format("time        {:.2f} s (ingest {:.2f}, train {:.2f}, link {:.2f}, cluster {:.2f})\n",
                      timings["total"].get<double>(), timings["ingest"].get<double>(),
                      timings["train"].get<double>(), timings["link"].get<double>(),
                      timings["cluster"].get<double>());
  text += fmt::format("memory      {:.0f} MiB peak\n", summary["peak_memory_mib"].get<double>());
  text += fmt::format("outputs     {}/{{pairs.csv, clusters.csv, model.json, summary.json}}\n",
                      args.out_dir);
  return outcome;
}

}  // namespace probity
