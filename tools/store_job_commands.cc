// probity train / link / cluster: the steps of `run`, one at a time, over a
// persistent store.
#include <cstdio>

#include "absl/container/flat_hash_map.h"
#include "engine/csv_reader.h"
#include "fmt/format.h"
#include "tools/commands.h"
#include "tools/linkage_steps.h"
#include "tools/pseudonym.h"
#include "tools/store_access.h"

namespace probity {
namespace {

struct OpenedJob {
  OpenedStore opened;
  LinkJob job;
};

absl::StatusOr<OpenedJob> OpenJob(const std::string& db, bool read_only) {
  absl::StatusOr<OpenedStore> opened = OpenExistingStore(db, read_only);
  if (!opened.ok()) return opened.status();
  absl::StatusOr<LinkJob> job = LoadLinkJob(*opened->store, opened->settings);
  if (!job.ok()) return job.status();
  return OpenedJob{*std::move(opened), *std::move(job)};
}

// Reads known matches (source,record_id,person_id) into a person per record.
absl::StatusOr<std::vector<uint32_t>> ReadLabels(const std::string& path, const LinkJob& job) {
  absl::flat_hash_map<std::string, uint32_t> index;
  for (uint32_t r = 0; r < job.data.size(); ++r) {
    index[fmt::format("{}\x1f{}", job.source_names[job.data.source(r)], job.data.id(r))] = r;
  }
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(path, CsvOptions{});
  if (!reader.ok()) return reader.status();
  const std::vector<std::string> expected = {"source", "record_id", "person_id"};
  if ((*reader)->header() != expected) {
    return absl::InvalidArgumentError(
        fmt::format("{}: line 1: expected the header source,record_id,person_id", path));
  }
  std::vector<uint32_t> person_of(job.data.size(), kUnknownPerson);
  absl::flat_hash_map<std::string, uint32_t> persons;
  CsvRow row;
  while ((*reader)->Next(&row)) {
    if (!row.error.empty()) {
      return absl::InvalidArgumentError(fmt::format("{}: line {}: {}", path, row.line, row.error));
    }
    auto it = index.find(fmt::format("{}\x1f{}", row.fields[0], row.fields[1]));
    if (it == index.end()) continue;  // labels may cover more records than the store
    const auto [person, inserted] =
        persons.try_emplace(std::string(row.fields[2]), static_cast<uint32_t>(persons.size()));
    person_of[it->second] = person->second;
  }
  if (!(*reader)->status().ok()) return (*reader)->status();
  return person_of;
}

}  // namespace

int RunTrainCommand(const StoreJobArgs& args) {
  absl::StatusOr<OpenedJob> opened = OpenJob(args.db, /*read_only=*/false);
  if (!opened.ok()) return ReportFailure(opened.status());
  TrainingReport report;
  absl::StatusOr<FsModel> model = absl::InternalError("unset");
  if (!args.labels.empty()) {
    absl::StatusOr<std::vector<uint32_t>> person_of = ReadLabels(args.labels, opened->job);
    if (!person_of.ok()) return ReportFailure(person_of.status());
    TrainingOptions options;
    options.seed = args.seed;
    options.u_sample_pairs = args.u_pairs;
    options.fixed_lambda = opened->job.settings.lambda;
    options.candidates.link_type = opened->job.settings.link_type;
    options.candidates.threads = args.threads;
    model = TrainFromLabels(opened->job.data, opened->job.specs, *person_of, options, &report);
    if (model.ok()) {
      if (absl::Status s = opened->opened.store->PutModel("default", model->ToJson()); !s.ok()) {
        return ReportFailure(s);
      }
    }
  } else {
    model = TrainAndSave(*opened->opened.store, opened->job, args.seed, args.u_pairs,
                         args.threads, /*verbose=*/true, &report);
  }
  if (!model.ok()) return ReportFailure(model.status());
  if (!args.model.empty()) {
    if (absl::Status s = WriteTextFile(args.model, model->ToJson() + "\n"); !s.ok()) {
      return ReportFailure(s);
    }
  }
  if (!args.labels.empty()) {
    std::printf("trained on the known matches in %s: lambda %.4g; model saved in %s\n",
                args.labels.c_str(), model->lambda, args.db.c_str());
    return 0;
  }
  std::printf("trained on %llu candidate pairs: lambda %.4g, %d EM iterations%s; model saved in %s\n",
              static_cast<unsigned long long>(report.blocking.total_pairs), model->lambda,
              model->em_iterations, model->em_converged ? "" : " (not converged)", args.db.c_str());
  return 0;
}

int RunLinkCommand(const StoreJobArgs& args) {
  absl::StatusOr<OpenedJob> opened = OpenJob(args.db, /*read_only=*/true);
  if (!opened.ok()) return ReportFailure(opened.status());
  absl::StatusOr<FsModel> model = absl::InternalError("unset");
  if (!args.model.empty()) {
    std::FILE* f = std::fopen(args.model.c_str(), "rb");
    if (f == nullptr) {
      return ReportFailure(absl::NotFoundError(fmt::format("{}: cannot open model file", args.model)));
    }
    std::string text;
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
    model = FsModel::FromJson(text, opened->job.specs);
    if (!model.ok()) {
      return ReportFailure(absl::InvalidArgumentError(
          fmt::format("{}: {}", args.model, std::string(model.status().message()))));
    }
  } else {
    model = LoadSavedModel(*opened->opened.store, opened->job);
  }
  if (!model.ok()) return ReportFailure(model.status());
  if (absl::Status s = MakePrivateDir(args.out_dir); !s.ok()) return ReportFailure(s);
  ScoreOptions options;
  options.floor = args.floor;
  options.candidates.link_type = opened->job.settings.link_type;
  options.candidates.threads = args.threads;
  BlockingStats stats;
  const std::vector<ScoredPair> pairs = ScoreCandidatePairs(opened->job, *model, options, &stats);
  const std::string path = args.out_dir + "/pairs.csv";
  if (absl::Status s = WritePairsCsv(path, opened->job, pairs); !s.ok()) return ReportFailure(s);
  std::printf("%llu candidate pairs scored, %zu at probability >= %g written to %s\n",
              static_cast<unsigned long long>(stats.total_pairs), pairs.size(), args.floor,
              path.c_str());
  return 0;
}

int RunClusterCommand(const StoreJobArgs& args) {
  std::optional<Pseudonymiser> pseudonymiser;
  OutputIds output_ids;
  if (!args.pseudonym_key.empty()) {
    absl::StatusOr<Pseudonymiser> loaded = Pseudonymiser::FromKeyFile(args.pseudonym_key);
    if (!loaded.ok()) return ReportFailure(loaded.status());
    pseudonymiser.emplace(*std::move(loaded));
    output_ids = pseudonymiser->ForOutputs();
  }
  absl::StatusOr<OpenedJob> opened = OpenJob(args.db, /*read_only=*/false);
  if (!opened.ok()) return ReportFailure(opened.status());
  const LinkJob& job = opened->job;
  const std::string pairs_path = args.pairs.empty() ? args.out_dir + "/pairs.csv" : args.pairs;

  absl::flat_hash_map<std::string, uint32_t> index;
  for (uint32_t r = 0; r < job.data.size(); ++r) {
    index[fmt::format("{}\x1f{}", job.source_names[job.data.source(r)], job.data.id(r))] = r;
  }
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(pairs_path, CsvOptions{});
  if (!reader.ok()) return ReportFailure(reader.status());
  const std::vector<std::string> expected = {"source_l", "id_l", "source_r", "id_r",
                                             "match_weight", "match_probability"};
  if ((*reader)->header() != expected) {
    return ReportFailure(absl::InvalidArgumentError(fmt::format(
        "{}: line 1: expected the header {}", pairs_path,
        "source_l,id_l,source_r,id_r,match_weight,match_probability")));
  }
  std::vector<ScoredPair> pairs;
  CsvRow row;
  while ((*reader)->Next(&row)) {
    if (!row.error.empty()) {
      return ReportFailure(absl::InvalidArgumentError(
          fmt::format("{}: line {}: {}", pairs_path, row.line, row.error)));
    }
    auto l = index.find(fmt::format("{}\x1f{}", row.fields[0], row.fields[1]));
    auto r = index.find(fmt::format("{}\x1f{}", row.fields[2], row.fields[3]));
    if (l == index.end() || r == index.end()) {
      return ReportFailure(absl::InvalidArgumentError(
          fmt::format("{}: line {}: record not in the store {}", pairs_path, row.line, args.db)));
    }
    char* end = nullptr;
    const std::string weight(row.fields[4]), probability(row.fields[5]);
    ScoredPair p{std::min(l->second, r->second), std::max(l->second, r->second),
                 std::strtod(weight.c_str(), &end), std::strtod(probability.c_str(), nullptr)};
    pairs.push_back(p);
  }
  if (!(*reader)->status().ok()) return ReportFailure((*reader)->status());
  const double threshold = args.threshold.value_or(job.settings.threshold);
  const std::vector<uint64_t> ids =
      ClusterRecords(job, pairs, threshold, args.one_to_one || job.settings.one_to_one);
  if (absl::Status s = MakePrivateDir(args.out_dir); !s.ok()) return ReportFailure(s);
  const std::string path = args.out_dir + "/clusters.csv";
  if (absl::Status s = WriteClustersCsv(path, job, ids, output_ids); !s.ok()) return ReportFailure(s);
  // Cluster ids persist in the store for later look-ups.
  std::vector<std::pair<std::pair<uint16_t, std::string>, uint64_t>> assignments;
  storage::Store& store = *opened->opened.store;
  for (uint32_t r = 0; r < job.data.size(); ++r) {
    absl::StatusOr<uint16_t> code = store.SourceCode(job.source_names[job.data.source(r)], false);
    if (!code.ok()) return ReportFailure(code.status());
    assignments.push_back({{*code, std::string(job.data.id(r))}, ids[r]});
  }
  if (absl::Status s = store.PutClusters(assignments); !s.ok()) return ReportFailure(s);
  std::vector<uint64_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  const size_t clusters = static_cast<size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
  std::printf("%zu records in %zu clusters written to %s\n", ids.size(), clusters, path.c_str());
  return 0;
}

}  // namespace probity
