// End-to-end linkage accuracy against ground truth: the batch job of
// `probity run` on generated probation/police data, and on the public FEBRL4
// benchmark when the shared data is present. Also the output contract.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/csv_reader.h"
#include "engine/evaluation.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/commands.h"
#include "tools/linkage_steps.h"
#include "tools/synth.h"

namespace probity {
namespace {

using testing::ReadFile;
using testing::TempDir;

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Table ReadCsv(const std::string& path) {
  Table t;
  auto reader = CsvReader::Open(path, CsvOptions{});
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return t;
  t.header = (*reader)->header();
  CsvRow row;
  while ((*reader)->Next(&row)) {
    EXPECT_EQ(row.error, "") << path << " line " << row.line;
    t.rows.emplace_back(row.fields.begin(), row.fields.end());
  }
  EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
  return t;
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// (source, record_id) -> cluster_id
std::map<std::pair<std::string, std::string>, std::string> Clusters(const std::string& path) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (const auto& row : ReadCsv(path).rows) out[{row[0], row[1]}] = row[2];
  return out;
}

// Generated data (3000 people, normal difficulty) and one run over it, shared
// by the tests of this suite: the run is the expensive part.
class SyntheticLinkageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    SynthOptions synth;
    synth.people = 3000;
    synth.seed = 20260807;
    synth.difficulty = Difficulty::kNormal;
    synth.out_dir = dir_->File("data");
    absl::StatusOr<SynthSummary> summary = GenerateSyntheticData(synth);
    ASSERT_TRUE(summary.ok()) << summary.status();
    summary_ = *summary;
    absl::StatusOr<RunOutcome> run = Run(dir_->File("out"), 2);
    ASSERT_TRUE(run.ok()) << run.status();
    outcome_ = new RunOutcome(*std::move(run));
  }
  static void TearDownTestSuite() {
    delete outcome_;
    outcome_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  static absl::StatusOr<RunOutcome> Run(const std::string& out_dir, int threads) {
    RunArgs args;
    args.settings = dir_->File("data/settings.json");
    args.inputs = {"probation=" + dir_->File("data/probation.csv"),
                   "police=" + dir_->File("data/police.csv")};
    args.out_dir = out_dir;
    args.threads = threads;
    args.quiet = true;
    return RunLinkage(args);
  }

  void SetUp() override {
    ASSERT_NE(outcome_, nullptr) << "the shared run failed";
  }

  static std::string Out(const std::string& name) { return dir_->File("out/" + name); }

  static TempDir* dir_;
  static SynthSummary summary_;
  static RunOutcome* outcome_;
};

TempDir* SyntheticLinkageTest::dir_ = nullptr;
SynthSummary SyntheticLinkageTest::summary_;
RunOutcome* SyntheticLinkageTest::outcome_ = nullptr;

TEST_F(SyntheticLinkageTest, AccurateAgainstGroundTruth) {
  absl::StatusOr<EvalReport> report =
      EvaluatePairs(Out("pairs.csv"), dir_->File("data/truth.csv"));
  ASSERT_TRUE(report.ok()) << report.status();
  const EvalPoint& at = report->at_threshold;
  std::printf("synthetic 3000 people (normal): precision %.4f recall %.4f F1 %.4f "
              "(%llu links, %llu true pairs)\n",
              at.precision, at.recall, at.f1, static_cast<unsigned long long>(at.links),
              static_cast<unsigned long long>(report->true_pairs));
  EXPECT_TRUE(report->cross_source_only);
  // Every probation person has a police record: at least 3000 true pairs.
  EXPECT_GE(report->true_pairs, 3000u);
  // Measured: precision 0.9957, recall 0.9997, F1 0.9977 (seed 20260807).
  EXPECT_GE(at.precision, 0.985);
  EXPECT_GE(at.recall, 0.99);
  EXPECT_GE(at.f1, 0.99);
  // Candidate generation finds nearly every true pair.
  EXPECT_LE(report->missed_not_candidate, report->true_pairs / 100);
}

TEST_F(SyntheticLinkageTest, OutputsFollowTheContract) {
  EXPECT_EQ(FirstLine(Out("pairs.csv")),
            "source_l,id_l,source_r,id_r,match_weight,match_probability");
  EXPECT_EQ(FirstLine(Out("clusters.csv")), "source,record_id,cluster_id");

  // pairs.csv: link_only pairs of probation and police records, probability
  // consistent with the weight and at or above the default floor.
  const Table pairs = ReadCsv(Out("pairs.csv"));
  ASSERT_GT(pairs.rows.size(), 3000u);
  for (const auto& row : pairs.rows) {
    ASSERT_EQ(row.size(), 6u);
    EXPECT_NE(row[0], row[2]);
    const double weight = std::stod(row[4]);
    const double probability = std::stod(row[5]);
    EXPECT_GE(probability, 0.01 - 1e-6);
    EXPECT_NEAR(probability, 1.0 / (1.0 + std::exp2(-weight)), 2e-4) << row[1] << " " << row[3];
  }

  // clusters.csv: one row per input record, every record once.
  const Table clusters = ReadCsv(Out("clusters.csv"));
  EXPECT_EQ(clusters.rows.size(), summary_.probation_rows + summary_.police_rows);
  std::set<std::pair<std::string, std::string>> seen;
  std::set<std::string> ids;
  for (const auto& row : clusters.rows) {
    ASSERT_EQ(row.size(), 3u);
    EXPECT_TRUE(row[0] == "probation" || row[0] == "police") << row[0];
    EXPECT_TRUE(seen.insert({row[0], row[1]}).second) << "listed twice: " << row[1];
    ids.insert(row[2]);
  }
  EXPECT_EQ(seen.size(), clusters.rows.size());

  // model.json: lambda, and m and u for every level of every comparison.
  const nlohmann::json model = nlohmann::json::parse(ReadFile(Out("model.json")));
  ASSERT_TRUE(model.contains("lambda"));
  EXPECT_GT(model["lambda"].get<double>(), 0.0);
  EXPECT_LT(model["lambda"].get<double>(), 0.01);
  std::set<std::string> names;
  for (const auto& c : model["comparisons"]) {
    names.insert(c["name"].get<std::string>());
    ASSERT_GE(c["levels"].size(), 2u);
    for (const auto& level : c["levels"]) {
      EXPECT_TRUE(level["m"].is_number());
      EXPECT_TRUE(level["u"].is_number());
      EXPECT_GT(level["m"].get<double>(), 0.0);
      EXPECT_LE(level["u"].get<double>(), 1.0);
    }
    // Agreeing exactly is evidence for a match.
    EXPECT_GT(c["levels"][0]["m"].get<double>(), c["levels"][0]["u"].get<double>())
        << c["name"];
  }
  // middle_names is only in the police extract: not compared.
  EXPECT_EQ(names, (std::set<std::string>{"forename", "surname", "dob", "sex", "postcode", "pnc"}));

  // summary.json: counts and times.
  const nlohmann::json summary = nlohmann::json::parse(ReadFile(Out("summary.json")));
  EXPECT_EQ(summary["rows_read"].get<uint64_t>(), summary_.probation_rows + summary_.police_rows);
  EXPECT_EQ(summary["rows_rejected"].get<uint64_t>(), 0u);
  EXPECT_EQ(summary["blocking"]["candidate_pairs"].get<uint64_t>(),
            outcome_->blocking.total_pairs);
  EXPECT_GE(summary["blocking"]["candidate_pairs"].get<uint64_t>(), pairs.rows.size());
  EXPECT_EQ(summary["links"].get<uint64_t>(), outcome_->links);
  EXPECT_EQ(summary["clusters"].get<uint64_t>(), ids.size());
  EXPECT_LT(summary["clusters"].get<uint64_t>(), clusters.rows.size());
  ASSERT_TRUE(summary.contains("seconds"));
  EXPECT_GT(summary["seconds"]["total"].get<double>(), 0.0);
  for (const char* stage : {"ingest", "train", "link", "cluster"}) {
    EXPECT_TRUE(summary["seconds"].contains(stage)) << stage;
  }
  // No rows rejected: no rejects file.
  EXPECT_FALSE(std::filesystem::exists(Out("rejects.csv")));
}

TEST_F(SyntheticLinkageTest, SameOutputWhateverTheThreadCount) {
  absl::StatusOr<RunOutcome> single = Run(dir_->File("out1"), 1);
  ASSERT_TRUE(single.ok()) << single.status();
  EXPECT_EQ(single->links, outcome_->links);
  EXPECT_EQ(single->model.lambda, outcome_->model.lambda);
  const auto two = Clusters(Out("clusters.csv"));
  const auto one = Clusters(dir_->File("out1/clusters.csv"));
  ASSERT_EQ(one.size(), two.size());
  EXPECT_TRUE(one == two) << "cluster ids differ between 1 and 2 threads";
  EXPECT_EQ(ReadFile(dir_->File("out1/pairs.csv")), ReadFile(Out("pairs.csv")));
}

// FEBRL4: 5000 original records (dataset4a) and one duplicate of each
// (dataset4b); rec-N-org matches rec-N-dup-0.
TEST(Febrl4LinkageTest, AccurateAgainstGroundTruth) {
  const std::string shared = testing::SharedDataDir();
  if (shared.empty()) GTEST_SKIP() << "shared benchmark data not present";
  const std::string febrl = shared + "/benchmarks/febrl";
  const std::filesystem::path repo = std::filesystem::path(__FILE__).parent_path().parent_path();
  const std::string settings = (repo / "bench/datasets/febrl4.json").string();
  if (!std::filesystem::exists(febrl + "/dataset4a.csv") || !std::filesystem::exists(settings)) {
    GTEST_SKIP() << "FEBRL4 files or settings not present";
  }
  TempDir dir;
  // Truth from the record ids: rec-N-org / rec-N-dup-0 -> person N.
  std::string truth = "source,record_id,person_id\n";
  for (const auto& [source, file] : {std::pair<std::string, std::string>{"a", "dataset4a.csv"},
                                     {"b", "dataset4b.csv"}}) {
    const Table table = ReadCsv(febrl + "/" + file);
    ASSERT_EQ(table.header.at(0), "rec_id");
    ASSERT_EQ(table.rows.size(), 5000u) << file;
    for (const auto& row : table.rows) {
      const std::string& id = row[0];
      const size_t first = id.find('-'), second = id.find('-', first + 1);
      ASSERT_NE(second, std::string::npos) << id;
      truth += source + "," + id + "," + id.substr(first + 1, second - first - 1) + "\n";
    }
  }
  testing::WriteFile(dir.File("truth.csv"), truth);

  RunArgs args;
  args.settings = settings;
  args.inputs = {"a=" + febrl + "/dataset4a.csv", "b=" + febrl + "/dataset4b.csv"};
  args.out_dir = dir.File("out");
  args.quiet = true;
  absl::StatusOr<RunOutcome> run = RunLinkage(args);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->ingest.rejected, 0u);

  absl::StatusOr<EvalReport> report = EvaluatePairs(dir.File("out/pairs.csv"), dir.File("truth.csv"));
  ASSERT_TRUE(report.ok()) << report.status();
  const EvalPoint& at = report->at_threshold;
  std::printf("FEBRL4: precision %.4f recall %.4f F1 %.4f (%llu links)\n", at.precision, at.recall,
              at.f1, static_cast<unsigned long long>(at.links));
  EXPECT_EQ(report->true_pairs, 5000u);
  // Measured: precision 1.0000, recall 0.9978, F1 0.9989.
  EXPECT_GE(at.f1, 0.99);
  EXPECT_GE(at.precision, 0.99);
  EXPECT_GE(at.recall, 0.99);
}

}  // namespace
}  // namespace probity
