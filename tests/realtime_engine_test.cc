// The real-time Engine (engine/probity.h) against the batch path, on real
// RocksDB stores and generated probation/police data: scores equal batch
// scores, incremental clusters equal batch clusters, concurrent writers keep
// the store consistent, and a reopened store holds exactly what was written.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "engine/blocking.h"
#include "engine/candidate_pairs.h"
#include "engine/comparison.h"
#include "engine/csv_reader.h"
#include "engine/date.h"
#include "engine/fs_model.h"
#include "engine/ingest.h"
#include "engine/linker.h"
#include "engine/probity.h"
#include "engine/record.h"
#include "engine/settings.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "storage/store.h"
#include "tests/test_util.h"
#include "tools/linkage_steps.h"
#include "tools/synth.h"

namespace probity {
namespace {

using testing::ReadFile;
using testing::TempDir;

using Key = std::pair<std::string, std::string>;  // (source, id)

// Reads one source's CSV into InputRecords the way a service would pass them:
// field names instead of columns, aliases split, dates of birth in ISO form.
std::vector<InputRecord> ReadInputs(const SourceSettings& source, const std::string& path) {
  std::vector<InputRecord> out;
  auto reader = CsvReader::Open(path, CsvOptions{});
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return out;
  const std::vector<std::string>& header = (*reader)->header();
  auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << name;
    return static_cast<size_t>(it - header.begin());
  };
  const size_t id_column = column(source.id_column);
  CsvRow row;
  while ((*reader)->Next(&row)) {
    EXPECT_EQ(row.error, "") << path << " line " << row.line;
    InputRecord r;
    r.source = source.name;
    r.id = std::string(row.fields[id_column]);
    for (const FieldMapping& m : source.fields) {
      const std::string_view text = row.fields[column(m.column)];
      std::vector<std::string> values;
      if (m.separator.empty()) {
        values.emplace_back(text);
      } else {
        for (absl::string_view v : absl::StrSplit(absl::string_view(text.data(), text.size()),
                                                  m.separator)) {
          values.emplace_back(v);
        }
      }
      const bool is_date = m.kind == FieldKind::kDob || m.custom_type == CustomType::kDate;
      if (is_date && m.date_format != DateFormat::kYYYY_MM_DD) {
        for (std::string& v : values) {
          DayNumber day = 0;
          v = ParseDate(v, m.date_format, &day) == DateParseResult::kOk ? FormatIsoDate(day)
                                                                        : std::string();
        }
      }
      r.fields.emplace_back(m.name, std::move(values));
    }
    out.push_back(std::move(r));
  }
  EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
  return out;
}

// The model with every term-frequency adjustment switched off (FsModel ignores
// TF when tf_total is 0), so scores do not depend on what else is stored.
std::string WithoutTf(const std::string& model_json) {
  nlohmann::json model = nlohmann::json::parse(model_json);
  for (nlohmann::json& c : model["comparisons"]) c["tf_total"] = 0;
  return model.dump(2);
}

std::unique_ptr<Engine> OpenEngine(const std::string& dir, const EngineOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(dir, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? *std::move(engine) : nullptr;
}

// One generated dataset and its batch run, shared by the tests.
class RealtimeEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    SynthOptions synth;
    synth.people = 1000;
    synth.seed = 11;
    synth.out_dir = dir_->File("data");
    ASSERT_TRUE(GenerateSyntheticData(synth).ok());
    settings_json_ = new std::string(ReadFile(Data("settings.json")));
    absl::StatusOr<Settings> settings = Settings::Parse(*settings_json_, "settings.json");
    ASSERT_TRUE(settings.ok()) << settings.status();
    settings_ = new Settings(*settings);

    RunArgs args;
    args.settings = Data("settings.json");
    args.inputs = {"probation=" + Data("probation.csv"), "police=" + Data("police.csv")};
    args.out_dir = dir_->File("out");
    args.db = dir_->File("store");
    args.quiet = true;
    absl::StatusOr<RunOutcome> run = RunLinkage(args);
    ASSERT_TRUE(run.ok()) << run.status();
    ASSERT_EQ(run->ingest.rejected, 0u);
    model_json_ = new std::string(ReadFile(dir_->File("out/model.json")));

    inputs_ = new std::vector<InputRecord>();
    for (const char* name : {"probation", "police"}) {
      const SourceSettings* source = settings_->FindSource(name);
      ASSERT_NE(source, nullptr);
      for (InputRecord& r : ReadInputs(*source, Data(std::string(name) + ".csv"))) {
        inputs_->push_back(std::move(r));
      }
    }
    ASSERT_EQ(inputs_->size(), run->records);
    ready_ = true;
  }
  void SetUp() override { ASSERT_TRUE(ready_) << "the shared batch run failed"; }
  static void TearDownTestSuite() {
    delete inputs_;
    delete model_json_;
    delete settings_;
    delete settings_json_;
    delete dir_;
  }
  static std::string Data(const std::string& name) { return dir_->File("data/" + name); }
  static std::string BatchStore() { return dir_->File("store"); }
  // Options for reopening a store created with the batch run's model.
  static EngineOptions ModelOnly() {
    EngineOptions options;
    options.model_json = *model_json_;
    return options;
  }

  // Records of one source, in file order.
  static std::vector<const InputRecord*> Of(const std::string& source) {
    std::vector<const InputRecord*> out;
    for (const InputRecord& r : *inputs_) {
      if (r.source == source) out.push_back(&r);
    }
    return out;
  }

  static TempDir* dir_;
  static std::string* settings_json_;
  static Settings* settings_;
  static std::string* model_json_;
  static std::vector<InputRecord>* inputs_;
  static bool ready_;
};

TempDir* RealtimeEngineTest::dir_ = nullptr;
std::string* RealtimeEngineTest::settings_json_ = nullptr;
Settings* RealtimeEngineTest::settings_ = nullptr;
std::string* RealtimeEngineTest::model_json_ = nullptr;
std::vector<InputRecord>* RealtimeEngineTest::inputs_ = nullptr;
bool RealtimeEngineTest::ready_ = false;

struct BatchScore {
  double weight = 0;
  double probability = 0;
};

// Every stored record's candidates scored by Match equal pairs.csv of the
// batch run over the same store and model: the same pairs above the floor,
// the same weights and probabilities.
TEST_F(RealtimeEngineTest, MatchScoresEqualBatchScores) {
  // pairs.csv: source_l,id_l,source_r,id_r,match_weight,match_probability
  std::map<Key, std::map<Key, BatchScore>> batch;  // both directions
  {
    auto reader = CsvReader::Open(dir_->File("out/pairs.csv"), CsvOptions{});
    ASSERT_TRUE(reader.ok()) << reader.status();
    CsvRow row;
    while ((*reader)->Next(&row)) {
      ASSERT_EQ(row.fields.size(), 6u);
      const Key l{std::string(row.fields[0]), std::string(row.fields[1])};
      const Key r{std::string(row.fields[2]), std::string(row.fields[3])};
      const BatchScore s{std::stod(std::string(row.fields[4])),
                         std::stod(std::string(row.fields[5]))};
      batch[l][r] = s;
      batch[r][l] = s;
    }
  }
  ASSERT_GT(batch.size(), 500u);

  std::unique_ptr<Engine> engine = OpenEngine(BatchStore(), {});
  ASSERT_NE(engine, nullptr);
  const double floor_weight = ProbabilityToWeight(0.01);  // RunArgs.floor
  size_t checked_pairs = 0, queries = 0, links = 0;
  // Every third record of each source: a few hundred queries, both directions.
  for (size_t i = 0; i < inputs_->size(); i += 3) {
    const InputRecord& query = (*inputs_)[i];
    absl::StatusOr<std::vector<Candidate>> found = engine->Match(query, 100000);
    ASSERT_TRUE(found.ok()) << found.status();
    ++queries;
    const std::map<Key, BatchScore>& expected = batch[Key{query.source, query.id}];
    std::map<Key, const Candidate*> by_key;
    for (size_t c = 0; c < found->size(); ++c) {
      const Candidate& cand = (*found)[c];
      EXPECT_NE(cand.source, query.source) << "link_only: a record of the same source";
      if (c > 0) {
        EXPECT_GE((*found)[c - 1].match_weight, cand.match_weight) << "not sorted";
      }
      EXPECT_NEAR(cand.explanation.total_weight, cand.match_weight, 1e-9);
      EXPECT_NEAR(cand.match_probability, WeightToProbability(cand.match_weight), 1e-12);
      by_key[Key{cand.source, cand.id}] = &cand;
      // Nothing above the floor that batch scoring did not keep.
      if (cand.match_weight >= floor_weight + 1e-6) {
        EXPECT_TRUE(expected.contains(Key{cand.source, cand.id}))
            << query.source << ":" << query.id << " -> " << cand.source << ":" << cand.id
            << " weight " << cand.match_weight << " is not in pairs.csv";
      }
    }
    for (const auto& [key, score] : expected) {
      const auto it = by_key.find(key);
      ASSERT_NE(it, by_key.end()) << query.source << ":" << query.id << " -> " << key.first
                                  << ":" << key.second << " missing from Match";
      EXPECT_NEAR(it->second->match_weight, score.weight, 1e-4)
          << query.source << ":" << query.id << " -> " << key.first << ":" << key.second;
      EXPECT_NEAR(it->second->match_probability, score.probability, 1e-6)
          << query.source << ":" << query.id << " -> " << key.first << ":" << key.second;
      ++checked_pairs;
      if (score.probability >= 0.5) ++links;
    }
  }
  EXPECT_GT(queries, 300u);
  EXPECT_GT(checked_pairs, 300u);
  EXPECT_GT(links, 150u);

  // k limits the answer to the best candidates.
  const InputRecord& first = (*inputs_)[0];
  absl::StatusOr<std::vector<Candidate>> all = engine->Match(first, 100000);
  absl::StatusOr<std::vector<Candidate>> top = engine->Match(first, 1);
  ASSERT_TRUE(all.ok() && top.ok());
  ASSERT_FALSE(all->empty());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].id, (*all)[0].id);
  EXPECT_EQ((*top)[0].match_weight, (*all)[0].match_weight);
}

// Below the floor too: Match's candidates are exactly the batch candidate
// pairs of the record (same blocking), each with the batch weight.
TEST_F(RealtimeEngineTest, MatchCandidatesAreTheBatchCandidatePairs) {
  std::map<Key, std::map<Key, double>> batch;  // both directions
  {
    absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(BatchStore());
    ASSERT_TRUE(store.ok()) << store.status();
    absl::StatusOr<LinkJob> job = LoadLinkJob(**store, *settings_);
    ASSERT_TRUE(job.ok()) << job.status();
    absl::StatusOr<std::optional<std::string>> saved = (*store)->GetModel("default");
    ASSERT_TRUE(saved.ok() && saved->has_value());
    absl::StatusOr<FsModel> model = FsModel::FromJson(**saved, job->specs);
    ASSERT_TRUE(model.ok()) << model.status();
    // ScoreCandidatePairs without its floor: every candidate pair.
    CandidateOptions options;
    options.link_type = settings_->link_type;
    options.threads = 1;
    const BlockingStats stats = ForEachCandidatePair(
        job->data, job->keys, job->rules, options, [&](int, size_t, uint32_t x, uint32_t y) {
          Gamma gamma;
          CompareRecords(job->specs, job->data, x, y, &gamma);
          const Key a{job->source_names[job->data.source(x)], std::string(job->data.id(x))};
          const Key b{job->source_names[job->data.source(y)], std::string(job->data.id(y))};
          batch[a][b] = batch[b][a] = model->Weight(gamma);
        });
    ASSERT_TRUE(stats.oversized.empty());
    ASSERT_TRUE(stats.skipped_rules.empty());
  }
  // Both look-up paths: the in-memory mirror and the store's own index.
  for (const bool in_memory : {true, false}) {
    EngineOptions options;
    options.in_memory = in_memory;
    std::unique_ptr<Engine> engine = OpenEngine(BatchStore(), options);
    ASSERT_NE(engine, nullptr);
    size_t pairs = 0;
    for (size_t i = 0; i < inputs_->size(); i += 2) {
      const InputRecord& query = (*inputs_)[i];
      absl::StatusOr<std::vector<Candidate>> found = engine->Match(query, 100000);
      ASSERT_TRUE(found.ok()) << found.status();
      std::map<Key, double> got;
      for (const Candidate& c : *found) got[Key{c.source, c.id}] = c.match_weight;
      const std::map<Key, double>& expected = batch[Key{query.source, query.id}];
      ASSERT_EQ(got.size(), expected.size()) << query.source << ":" << query.id << " in_memory "
                                             << in_memory;
      for (const auto& [key, weight] : expected) {
        const auto it = got.find(key);
        ASSERT_NE(it, got.end()) << query.source << ":" << query.id << " -> " << key.second;
        EXPECT_NEAR(it->second, weight, 1e-9) << query.source << ":" << query.id << " -> "
                                              << key.second;
      }
      pairs += expected.size();
    }
    EXPECT_GT(pairs, 2000u);
  }
}

// A field mapped to the id column (police "pnc" is the pnc_id column) takes
// the record's id when the input does not give it, as batch ingestion does:
// a service need not repeat the id.
TEST_F(RealtimeEngineTest, FieldMappedToTheIdColumnDefaultsToTheId) {
  std::unique_ptr<Engine> engine = OpenEngine(BatchStore(), {});
  ASSERT_NE(engine, nullptr);
  size_t compared = 0;
  for (const InputRecord* r : Of("police")) {
    if (compared == 100) break;
    InputRecord without = *r;
    std::erase_if(without.fields, [](const auto& f) { return f.first == "pnc"; });
    ASSERT_EQ(without.fields.size() + 1, r->fields.size());
    absl::StatusOr<std::vector<Candidate>> with_pnc = engine->Match(*r, 50);
    absl::StatusOr<std::vector<Candidate>> without_pnc = engine->Match(without, 50);
    ASSERT_TRUE(with_pnc.ok() && without_pnc.ok());
    ASSERT_EQ(with_pnc->size(), without_pnc->size()) << r->id;
    for (size_t c = 0; c < with_pnc->size(); ++c) {
      EXPECT_EQ((*with_pnc)[c].id, (*without_pnc)[c].id) << r->id;
      EXPECT_EQ((*with_pnc)[c].match_weight, (*without_pnc)[c].match_weight) << r->id;
    }
    compared += with_pnc->empty() ? 0 : 1;
  }
  EXPECT_EQ(compared, 100u);
}

// MatchAndAssign of every record of `inputs`, one at a time into a fresh store,
// in file order and in a shuffled order, gives the clusters (and cluster ids)
// of batch scoring and clustering of all of them at once in `batch_store`.
// `model` must have no TF adjustment (batch counts terms over all records).
struct IncrementalStats {
  size_t merges = 0;        // assignments that merged clusters
  size_t big_clusters = 0;  // batch clusters of three records or more
};
IncrementalStats CheckIncrementalEqualsBatch(const std::string& settings_json, const Settings& settings,
                                   const std::string& batch_store, const std::string& model,
                                   const std::vector<InputRecord>& inputs) {
  std::map<Key, uint64_t> batch;
  {
    absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(batch_store);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return {};
    absl::StatusOr<LinkJob> job = LoadLinkJob(**store, settings);
    EXPECT_TRUE(job.ok()) << job.status();
    absl::StatusOr<FsModel> fs = FsModel::FromJson(model, job->specs);
    EXPECT_TRUE(fs.ok()) << fs.status();
    if (!job.ok() || !fs.ok()) return {};
    ScoreOptions options;
    options.candidates.link_type = settings.link_type;
    BlockingStats stats;
    const std::vector<ScoredPair> pairs = ScoreCandidatePairs(*job, *fs, options, &stats);
    EXPECT_TRUE(stats.skipped_rules.empty());
    EXPECT_TRUE(stats.oversized.empty());
    const std::vector<uint64_t> ids = ClusterRecords(*job, pairs, settings.threshold, false);
    for (uint32_t r = 0; r < job->data.size(); ++r) {
      batch[Key{job->source_names[job->data.source(r)], std::string(job->data.id(r))}] = ids[r];
    }
  }
  EXPECT_EQ(batch.size(), inputs.size());
  std::map<uint64_t, std::set<Key>> batch_groups;
  for (const auto& [key, id] : batch) batch_groups[id].insert(key);
  EXPECT_LT(batch_groups.size(), inputs.size() * 9 / 10);  // many links
  IncrementalStats stats;
  for (const auto& [id, members] : batch_groups) stats.big_clusters += members.size() >= 3 ? 1 : 0;

  std::vector<const InputRecord*> order;
  for (const InputRecord& r : inputs) order.push_back(&r);
  for (int pass = 0; pass < 2; ++pass) {
    SCOPED_TRACE(pass == 0 ? "file order" : "shuffled");
    if (pass == 1) std::shuffle(order.begin(), order.end(), std::mt19937_64(5));
    TempDir dir;
    EngineOptions options;
    options.settings_json = settings_json;
    options.model_json = model;
    std::unique_ptr<Engine> engine = OpenEngine(dir.File("store"), options);
    if (engine == nullptr) return stats;
    EXPECT_EQ(engine->threshold(), settings.threshold);
    size_t new_clusters = 0;
    for (const InputRecord* r : order) {
      absl::StatusOr<Assignment> a = engine->MatchAndAssign(*r);
      EXPECT_TRUE(a.ok()) << a.status();
      if (!a.ok()) return stats;
      for (const Candidate& link : a->links) {
        EXPECT_GE(link.match_probability, settings.threshold);
        EXPECT_TRUE(link.cluster_id.has_value());
      }
      EXPECT_EQ(a->new_cluster, a->links.empty());
      new_clusters += a->new_cluster ? 1 : 0;
      stats.merges += a->merged_clusters.empty() ? 0 : 1;
      absl::StatusOr<std::optional<uint64_t>> cluster = engine->ClusterOf(r->source, r->id);
      EXPECT_TRUE(cluster.ok()) << cluster.status();
      EXPECT_EQ(cluster.value_or(std::nullopt), std::optional<uint64_t>(a->cluster_id));
    }
    EXPECT_GE(new_clusters, batch_groups.size());

    // Partitions: cluster id -> members.
    std::map<uint64_t, std::set<Key>> incremental_groups;
    for (const InputRecord& r : inputs) {
      absl::StatusOr<std::optional<uint64_t>> cluster = engine->ClusterOf(r.source, r.id);
      EXPECT_TRUE(cluster.ok() && cluster->has_value()) << r.source << ":" << r.id;
      if (cluster.ok() && cluster->has_value()) {
        incremental_groups[**cluster].insert(Key{r.source, r.id});
      }
    }
    size_t differing = 0;
    for (const auto& [id, members] : batch_groups) {
      const auto it = incremental_groups.find(id);
      if (it == incremental_groups.end() || it->second != members) {
        if (++differing <= 5) {
          std::string text;
          for (const Key& k : members) text += " " + k.first + ":" + k.second;
          ADD_FAILURE() << "batch cluster " << id << " {" << text << " } differs incrementally";
        }
      }
    }
    EXPECT_EQ(differing, 0u);
    EXPECT_EQ(incremental_groups.size(), batch_groups.size());
  }
  return stats;
}

TEST_F(RealtimeEngineTest, IncrementalClustersEqualBatchClusters) {
  const IncrementalStats stats = CheckIncrementalEqualsBatch(
      *settings_json_, *settings_, BatchStore(), WithoutTf(*model_json_), *inputs_);
  EXPECT_GT(stats.merges, 0u);  // a record joining two clusters together
}

// The same with links within sources too, on hard data (second probation
// records, more corruption): more clusters of three and more, more merges.
TEST(RealtimeEngineDedupeTest, IncrementalClustersEqualBatchClustersLinkAndDedupe) {
  TempDir dir;
  SynthOptions synth;
  synth.people = 500;
  synth.seed = 3;
  synth.difficulty = Difficulty::kHard;
  synth.out_dir = dir.File("data");
  ASSERT_TRUE(GenerateSyntheticData(synth).ok());
  nlohmann::json settings_doc = nlohmann::json::parse(ReadFile(dir.File("data/settings.json")));
  settings_doc["link_type"] = "link_and_dedupe";
  const std::string settings_json = settings_doc.dump(2);
  testing::WriteFile(dir.File("settings.json"), settings_json);
  absl::StatusOr<Settings> settings = Settings::Parse(settings_json, "settings.json");
  ASSERT_TRUE(settings.ok()) << settings.status();
  ASSERT_EQ(settings->link_type, LinkType::kLinkAndDedupe);

  RunArgs args;
  args.settings = dir.File("settings.json");
  args.inputs = {"probation=" + dir.File("data/probation.csv"),
                 "police=" + dir.File("data/police.csv")};
  args.out_dir = dir.File("out");
  args.db = dir.File("store");
  args.quiet = true;
  absl::StatusOr<RunOutcome> run = RunLinkage(args);
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_EQ(run->ingest.rejected, 0u);

  std::vector<InputRecord> inputs;
  for (const char* name : {"probation", "police"}) {
    for (InputRecord& r : ReadInputs(*settings->FindSource(name),
                                     dir.File(std::string("data/") + name + ".csv"))) {
      inputs.push_back(std::move(r));
    }
  }
  ASSERT_EQ(inputs.size(), run->records);
  const IncrementalStats stats = CheckIncrementalEqualsBatch(
      settings_json, *settings, args.db, WithoutTf(ReadFile(dir.File("out/model.json"))), inputs);
  EXPECT_GT(stats.big_clusters, 0u);
}

// Everything the store holds after concurrent writes is consistent: each
// record's index entries and term counts are those of its payload, no index
// entry points at a missing or different record, clusters agree both ways.
void CheckStoreConsistent(const std::string& dir, const Settings& settings) {
  absl::StatusOr<std::unique_ptr<storage::Store>> opened = storage::Store::Open(dir);
  ASSERT_TRUE(opened.ok()) << opened.status();
  storage::Store& store = **opened;
  absl::StatusOr<std::vector<BlockingRule>> rules = BlockingRulesFromSettings(settings);
  ASSERT_TRUE(rules.ok());

  std::map<std::pair<uint16_t, std::string>, storage::StoredRecord> records;
  std::map<std::pair<uint8_t, std::string>, int64_t> recount;
  std::vector<storage::BlockKey> all_keys;
  absl::Status walk = store.ForEachRecord(std::nullopt, [&](const storage::StoredRecord& r) {
    Record decoded;
    const absl::Status s = DecodeRecord(r.payload, &decoded);
    EXPECT_TRUE(s.ok()) << "torn record " << r.id << ": " << s;
    decoded.id = r.id;
    const storage::StoredRecord expected = MakeStoredRecord(r.source, decoded, *rules);
    EXPECT_EQ(r.block_keys, expected.block_keys) << r.id;
    EXPECT_EQ(r.tf_terms, expected.tf_terms) << r.id;
    std::vector<storage::TfTerm> terms;
    AppendTfTerms(decoded, &terms);
    for (const storage::TfTerm& t : terms) ++recount[{t.field, t.value}];
    all_keys.insert(all_keys.end(), r.block_keys.begin(), r.block_keys.end());
    records[{r.source, r.id}] = r;
    return true;
  });
  ASSERT_TRUE(walk.ok()) << walk;
  ASSERT_GT(records.size(), 100u);

  // Block index: every record under each of its keys; no entry for a record
  // that is gone or no longer has that key.
  for (const auto& [key, r] : records) {
    for (const storage::BlockKey& bk : r.block_keys) {
      bool listed = false;
      ASSERT_TRUE(store
                      .ForEachInBlock(bk,
                                      [&](uint16_t source, std::string_view id) {
                                        listed |= source == key.first && id == key.second;
                                        return !listed;
                                      })
                      .ok());
      EXPECT_TRUE(listed) << r.id << " missing from one of its blocks";
    }
  }
  std::sort(all_keys.begin(), all_keys.end(), [](const auto& a, const auto& b) {
    return std::tie(a.rule, a.hash) < std::tie(b.rule, b.hash);
  });
  all_keys.erase(std::unique(all_keys.begin(), all_keys.end()), all_keys.end());
  size_t entries = 0;
  for (const storage::BlockKey& bk : all_keys) {
    ASSERT_TRUE(store
                    .ForEachInBlock(bk,
                                    [&](uint16_t source, std::string_view id) {
                                      ++entries;
                                      const auto it = records.find({source, std::string(id)});
                                      EXPECT_NE(it, records.end())
                                          << "block entry for a missing record " << id;
                                      if (it != records.end()) {
                                        EXPECT_NE(std::find(it->second.block_keys.begin(),
                                                            it->second.block_keys.end(), bk),
                                                  it->second.block_keys.end())
                                            << "stale block entry for " << id;
                                      }
                                      return true;
                                    })
                    .ok());
  }
  EXPECT_GE(entries, records.size());

  // Term counts equal a recount, and no other term has a positive count.
  for (const auto& [term, count] : recount) {
    absl::StatusOr<int64_t> stored = store.TermCount(term.first, term.second);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(*stored, count) << "field " << int{term.first};
  }
  size_t positive = 0;
  for (int field = 0; field < 256; ++field) {
    ASSERT_TRUE(store
                    .ForEachTerm(static_cast<uint8_t>(field),
                                 [&](std::string_view, int64_t) {
                                   ++positive;
                                   return true;
                                 })
                    .ok());
  }
  EXPECT_EQ(positive, recount.size());

  // Clusters: a record's cluster lists it, and every member of a cluster
  // exists and names that cluster.
  std::set<uint64_t> clusters;
  for (const auto& [key, r] : records) {
    absl::StatusOr<std::optional<uint64_t>> cluster = store.GetCluster(key.first, key.second);
    ASSERT_TRUE(cluster.ok());
    if (!cluster->has_value()) continue;
    clusters.insert(**cluster);
    bool listed = false;
    ASSERT_TRUE(store
                    .ForEachClusterMember(**cluster,
                                          [&](uint16_t source, std::string_view id) {
                                            listed |= source == key.first && id == key.second;
                                            return true;
                                          })
                    .ok());
    EXPECT_TRUE(listed) << key.second << " is not a member of its cluster";
  }
  EXPECT_FALSE(clusters.empty());
  for (uint64_t cluster : clusters) {
    ASSERT_TRUE(store
                    .ForEachClusterMember(cluster,
                                          [&](uint16_t source, std::string_view id) {
                                            const std::pair<uint16_t, std::string> key{
                                                source, std::string(id)};
                                            EXPECT_TRUE(records.contains(key))
                                                << "cluster member " << id << " is not stored";
                                            absl::StatusOr<std::optional<uint64_t>> of =
                                                store.GetCluster(source, id);
                                            EXPECT_TRUE(of.ok());
                                            if (of.ok()) {
                                              EXPECT_EQ(*of, std::optional<uint64_t>(cluster))
                                                  << id;
                                            }
                                            return true;
                                          })
                    .ok());
  }
}

// Four writers (disjoint ids, and ids they all rewrite or remove) while four
// readers match continuously.
TEST_F(RealtimeEngineTest, ConcurrentWritersAndReadersKeepTheStoreConsistent) {
  std::vector<const InputRecord*> pool;
  for (const std::string source : {"probation", "police"}) {
    std::vector<const InputRecord*> of = Of(source);
    pool.insert(pool.end(), of.begin(), of.begin() + std::min<size_t>(of.size(), 250));
  }
  TempDir dir;
  EngineOptions options;
  options.settings_json = *settings_json_;
  options.model_json = *model_json_;  // with TF: term counts must stay exact
  std::unique_ptr<Engine> engine = OpenEngine(dir.File("store"), options);
  ASSERT_NE(engine, nullptr);

  constexpr int kWriters = 4, kReaders = 4, kShared = 24;
  std::atomic<int> writers_left{kWriters};
  std::atomic<size_t> reads{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t) + 100);
      for (size_t i = static_cast<size_t>(t); i < pool.size(); i += kWriters) {
        // Own records: disjoint between writers.
        absl::Status s = i % 3 == 0 ? engine->Upsert(*pool[i])
                                    : engine->MatchAndAssign(*pool[i]).status();
        if (!s.ok()) {
          ADD_FAILURE() << s;
          ++failures;
        }
        // Shared ids: every writer rewrites them with other records' contents.
        InputRecord shared = *pool[rng() % pool.size()];
        shared.id = "shared-" + std::to_string(rng() % kShared);
        switch (rng() % 4) {
          case 0: s = engine->Upsert(shared); break;
          case 1: s = engine->Remove(shared.source, shared.id); break;
          default: s = engine->MatchAndAssign(shared).status(); break;
        }
        if (!s.ok()) {
          ADD_FAILURE() << s;
          ++failures;
        }
      }
      --writers_left;
    });
  }
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(static_cast<uint64_t>(t) + 200);
      while (writers_left.load() > 0) {
        InputRecord query = *pool[rng() % pool.size()];
        if (rng() % 2 == 0) query.id.clear();  // an unstored record
        absl::StatusOr<std::vector<Candidate>> found = engine->Match(query, 10);
        if (!found.ok()) {
          ADD_FAILURE() << found.status();
          ++failures;
          continue;
        }
        for (size_t c = 0; c < found->size(); ++c) {
          const Candidate& cand = (*found)[c];
          if (cand.source == query.source && cand.id == query.id) ++failures;
          if (c > 0 && (*found)[c - 1].match_weight < cand.match_weight) ++failures;
          if (std::fabs(cand.explanation.total_weight - cand.match_weight) > 1e-9) ++failures;
        }
        ++reads;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0u);
  EXPECT_GT(reads.load(), 20u);

  // The engine's in-memory term counts equal the stored ones: scores after
  // reopening (counts reloaded from the store) are the same.
  std::vector<std::vector<Candidate>> before;
  for (size_t i = 0; i < pool.size(); i += 10) {
    absl::StatusOr<std::vector<Candidate>> found = engine->Match(*pool[i], 20);
    ASSERT_TRUE(found.ok());
    before.push_back(*found);
  }
  // Reopened on the store's own index: the mirror the writers kept up to date
  // gave the same candidates as the store holds.
  engine.reset();
  EngineOptions from_store = ModelOnly();
  from_store.in_memory = false;
  engine = OpenEngine(dir.File("store"), from_store);
  ASSERT_NE(engine, nullptr);
  for (size_t i = 0, q = 0; i < pool.size(); i += 10, ++q) {
    absl::StatusOr<std::vector<Candidate>> found = engine->Match(*pool[i], 20);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), before[q].size()) << pool[i]->id;
    for (size_t c = 0; c < found->size(); ++c) {
      EXPECT_EQ((*found)[c].id, before[q][c].id);
      EXPECT_EQ((*found)[c].match_weight, before[q][c].match_weight) << (*found)[c].id;
    }
  }
  engine.reset();
  CheckStoreConsistent(dir.File("store"), *settings_);
}

// Upserts and removes survive a reopen: Match finds exactly the remaining
// records, never a removed one; a replaced record is its latest version.
TEST_F(RealtimeEngineTest, ReopenFindsExactlyTheRemainingRecords) {
  std::vector<const InputRecord*> stored;
  for (const std::string source : {"probation", "police"}) {
    std::vector<const InputRecord*> of = Of(source);
    stored.insert(stored.end(), of.begin(), of.begin() + 60);
  }
  TempDir dir;
  EngineOptions options;
  options.settings_json = *settings_json_;
  options.model_json = *model_json_;
  std::set<Key> remaining, removed;
  {
    std::unique_ptr<Engine> engine = OpenEngine(dir.File("store"), options);
    ASSERT_NE(engine, nullptr);
    for (const InputRecord* r : stored) ASSERT_TRUE(engine->Upsert(*r).ok());
    for (size_t i = 0; i < stored.size(); ++i) {
      const Key key{stored[i]->source, stored[i]->id};
      if (i % 3 == 1) {
        ASSERT_TRUE(engine->Remove(key.first, key.second).ok());
        removed.insert(key);
      } else {
        remaining.insert(key);
      }
    }
    ASSERT_TRUE(engine->Remove("police", "no such id").ok());  // absent: OK
    // "replaced" holds another record's contents, then the record's own.
    InputRecord replaced = *stored[0];
    replaced.id = "replaced";
    InputRecord other = *stored[3];
    other.id = "replaced";
    ASSERT_TRUE(engine->Upsert(other).ok());
    ASSERT_TRUE(engine->Upsert(replaced).ok());
    remaining.insert(Key{replaced.source, replaced.id});
  }
  // The settings are saved in the store; a model given at Open is not.
  std::unique_ptr<Engine> engine =
      OpenEngine(dir.File("store"), ModelOnly());
  ASSERT_NE(engine, nullptr);
  // link_only: a record is found by its own contents passed as the other
  // source (police has every probation field, and middle names besides).
  auto as_other = [](const InputRecord& r) {
    InputRecord q = r;
    q.id.clear();
    q.source = r.source == "probation" ? "police" : "probation";
    std::erase_if(q.fields, [](const auto& f) { return f.first == "middle_names"; });
    return q;
  };
  std::set<Key> found_keys;
  size_t compared = 0;
  for (const InputRecord* r : stored) {
    absl::StatusOr<std::vector<Candidate>> found = engine->Match(as_other(*r), 1000);
    ASSERT_TRUE(found.ok()) << found.status();
    std::optional<double> own;
    for (const Candidate& c : *found) {
      const Key key{c.source, c.id};
      EXPECT_FALSE(removed.contains(key)) << "removed record " << c.id << " found";
      EXPECT_TRUE(remaining.contains(key)) << c.id;
      found_keys.insert(key);
      if (c.source == r->source && c.id == r->id) own = c.match_weight;
    }
    if (remaining.contains(Key{r->source, r->id})) {
      ASSERT_TRUE(own.has_value()) << r->id << " not found by its own contents";
      EXPECT_EQ(*own, found->front().match_weight) << r->id << " is not the best candidate";
    }
  }
  EXPECT_EQ(found_keys, remaining);
  // "replaced" holds stored[0]'s contents now: it scores exactly as stored[0]
  // against every record of the other source.
  for (const InputRecord& r : *inputs_) {
    if (r.source == stored[0]->source) continue;
    InputRecord query = r;
    query.id.clear();
    absl::StatusOr<std::vector<Candidate>> found = engine->Match(query, 1000);
    ASSERT_TRUE(found.ok()) << found.status();
    std::optional<double> w_original, w_replaced;
    for (const Candidate& c : *found) {
      if (c.id == stored[0]->id) w_original = c.match_weight;
      if (c.id == "replaced") w_replaced = c.match_weight;
    }
    EXPECT_EQ(w_original, w_replaced) << r.id;
    compared += w_original.has_value() ? 1 : 0;
  }
  EXPECT_GE(compared, 1u);
  for (const Key& key : removed) {
    absl::StatusOr<std::optional<uint64_t>> cluster = engine->ClusterOf(key.first, key.second);
    ASSERT_TRUE(cluster.ok());
    EXPECT_FALSE(cluster->has_value());
  }
}

TEST(InputRecordFromJsonTest, ParsesStringsArraysAndNull) {
  absl::StatusOr<InputRecord> r = InputRecordFromJson(
      R"({"source": "police", "id": "2000/1234567V", "forename": ["William", "Bill"],
          "surname": "Smith", "dob": "1990-08-07", "postcode": null})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->source, "police");
  EXPECT_EQ(r->id, "2000/1234567V");
  std::map<std::string, std::vector<std::string>> fields(r->fields.begin(), r->fields.end());
  EXPECT_EQ(fields.size(), 3u);  // null: absent
  EXPECT_EQ(fields["forename"], (std::vector<std::string>{"William", "Bill"}));
  EXPECT_EQ(fields["surname"], (std::vector<std::string>{"Smith"}));
  EXPECT_EQ(fields["dob"], (std::vector<std::string>{"1990-08-07"}));
  EXPECT_FALSE(fields.contains("postcode"));

  absl::StatusOr<InputRecord> empty = InputRecordFromJson("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->source.empty() && empty->id.empty() && empty->fields.empty());
}

TEST(InputRecordFromJsonTest, RejectsOtherTypes) {
  for (const char* text : {R"({"surname": 3})", R"({"surname": {"a": "b"}})",
                           R"({"surname": ["a", 1]})", R"({"surname": true})",
                           R"({"id": 7})", R"({"source": null})", "[]", "\"x\"", "{",
                           "not json", ""}) {
    absl::StatusOr<InputRecord> r = InputRecordFromJson(text);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST_F(RealtimeEngineTest, RejectsBadInputAndStoresWithoutAModel) {
  TempDir dir;
  EngineOptions options;
  options.settings_json = *settings_json_;
  options.model_json = *model_json_;
  {
    std::unique_ptr<Engine> engine = OpenEngine(dir.File("store"), options);
    ASSERT_NE(engine, nullptr);
    InputRecord r = *Of("police")[0];
    r.fields.emplace_back("shoe_size", std::vector<std::string>{"9"});
    absl::StatusOr<std::vector<Candidate>> m = engine->Match(r, 5);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(m.status().message().find("shoe_size"), std::string_view::npos) << m.status();
    EXPECT_EQ(engine->Upsert(r).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(engine->MatchAndAssign(r).status().code(), absl::StatusCode::kInvalidArgument);

    InputRecord unknown = *Of("police")[0];
    unknown.source = "courts";
    m = engine->Match(unknown, 5);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(m.status().message().find("courts"), std::string_view::npos) << m.status();
    EXPECT_FALSE(engine->Upsert(unknown).ok());
    EXPECT_FALSE(engine->Remove("courts", "x").ok());
    EXPECT_FALSE(engine->ClusterOf("courts", "x").ok());

    InputRecord no_id = *Of("police")[0];
    no_id.id.clear();
    EXPECT_EQ(engine->Upsert(no_id).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(engine->MatchAndAssign(no_id).status().code(), absl::StatusCode::kInvalidArgument);

    // A second engine on the same store is refused while the first is open.
    absl::StatusOr<std::unique_ptr<Engine>> second = Engine::Open(dir.File("store"), {});
    EXPECT_FALSE(second.ok());
  }

  // A store with settings but no trained model, with and without settings given.
  TempDir empty;
  EngineOptions no_model;
  no_model.settings_json = *settings_json_;
  for (const EngineOptions& o : {no_model, EngineOptions{}}) {
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(empty.File("store"), o);
    EXPECT_EQ(engine.status().code(), absl::StatusCode::kFailedPrecondition) << engine.status();
    EXPECT_NE(engine.status().message().find("no trained model"), std::string_view::npos)
        << engine.status();
  }
  // No store at all and no settings to create one.
  absl::StatusOr<std::unique_ptr<Engine>> none = Engine::Open(empty.File("missing"), {});
  EXPECT_FALSE(none.ok());
  // A model that does not fit the settings' comparisons.
  EngineOptions bad_model = no_model;
  bad_model.model_json = R"({"lambda": 0.001, "comparisons": []})";
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(empty.File("store"), bad_model);
  EXPECT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument) << engine.status();
}

}  // namespace
}  // namespace probity
