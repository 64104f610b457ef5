// End-to-end tests of the probity command line: the batch job, the store
// subcommands in sequence, explain, stats, export, and the one-line errors.
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace probity {
namespace {

using testing::CommandResult;
using testing::Lines;
using testing::Split;
using testing::Quote;
using testing::OneLineError;
using testing::ReadFile;
using testing::RunProbity;
using testing::TempDir;
using testing::WriteFile;

// Generated data (500 people) and one `probity run` over it, shared by the suite.
class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CommandResult synth =
        RunProbity("synth --people 500 --seed 3 --out-dir " + Quote(Data("")));
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    run_ = new CommandResult(RunProbity("run " + RunArgs() + " --out-dir " + Quote(Out(""))));
  }
  static void TearDownTestSuite() {
    delete run_;
    run_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(run_, nullptr) << "synth failed"; }

  static std::string Data(const std::string& name) { return dir_->File("data/" + name); }
  static std::string Out(const std::string& name) { return dir_->File("out/" + name); }
  static std::string Inputs() {
    return "--input probation=" + Quote(Data("probation.csv")) + " --input police=" +
           Quote(Data("police.csv"));
  }
  static std::string RunArgs() { return "--settings " + Quote(Data("settings.json")) + " " + Inputs(); }

  // The first person of truth.csv with both a probation and a police record.
  static std::pair<std::string, std::string> TruePair() {
    std::map<std::string, std::string> probation, police;
    for (const std::string& line : Lines(ReadFile(Data("truth.csv")))) {
      const std::vector<std::string> f = Split(line, ',');
      if (f.size() != 3) continue;
      if (f[0] == "probation") probation[f[2]] = f[1];
      if (f[0] == "police") police[f[2]] = f[1];
    }
    for (const auto& [person, crn] : probation) {
      if (police.contains(person)) return {crn, police[person]};
    }
    return {};
  }

  static size_t DataRows(const std::string& file) { return Lines(ReadFile(Data(file))).size() - 1; }

  static TempDir* dir_;
  static CommandResult* run_;
};

TempDir* CliTest::dir_ = nullptr;
CommandResult* CliTest::run_ = nullptr;

TEST_F(CliTest, RunWritesTheOutputs) {
  ASSERT_EQ(run_->exit_code, 0) << run_->err;
  for (const char* file : {"pairs.csv", "clusters.csv", "model.json", "summary.json"}) {
    EXPECT_TRUE(std::filesystem::exists(Out(file))) << file;
  }
  EXPECT_TRUE(std::filesystem::is_directory(Out("store")));
  const std::vector<std::string> pairs = Lines(ReadFile(Out("pairs.csv")));
  ASSERT_GT(pairs.size(), 400u);
  EXPECT_EQ(pairs[0], "source_l,id_l,source_r,id_r,match_weight,match_probability");
  const std::vector<std::string> clusters = Lines(ReadFile(Out("clusters.csv")));
  EXPECT_EQ(clusters[0], "source,record_id,cluster_id");
  EXPECT_EQ(clusters.size() - 1, DataRows("probation.csv") + DataRows("police.csv"));
  const nlohmann::json summary = nlohmann::json::parse(ReadFile(Out("summary.json")));
  EXPECT_EQ(summary["rows_read"].get<size_t>(), clusters.size() - 1);
  // The summary on stdout names the outputs.
  EXPECT_NE(run_->out.find("pairs.csv"), std::string::npos) << run_->out;
}

TEST_F(CliTest, ExplainShowsTheWaterfall) {
  const auto [crn, pnc] = TruePair();
  ASSERT_FALSE(crn.empty());
  const CommandResult r = RunProbity("explain --db " + Quote(Out("store")) + " --left " +
                                     Quote("probation:" + crn) + " --right " +
                                     Quote("police:" + pnc));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("total match weight"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("match probability"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("prior"), std::string::npos) << r.out;
  const nlohmann::json model = nlohmann::json::parse(ReadFile(Out("model.json")));
  ASSERT_FALSE(model["comparisons"].empty());
  const std::vector<std::string> lines = Lines(r.out);
  for (const auto& c : model["comparisons"]) {
    const std::string name = c["name"].get<std::string>();
    bool found = false;
    for (const std::string& line : lines) found = found || line.rfind(name + " ", 0) == 0;
    EXPECT_TRUE(found) << "no line for comparison " << name << " in\n" << r.out;
  }
}

TEST_F(CliTest, ExplainUnknownRecordIsAnError) {
  const auto [crn, pnc] = TruePair();
  const CommandResult r = RunProbity("explain --db " + Quote(Out("store")) +
                                     " --left probation:NO-SUCH-CRN --right " +
                                     Quote("police:" + pnc));
  EXPECT_TRUE(OneLineError(r));
  EXPECT_NE(r.err.find("probation:NO-SUCH-CRN"), std::string::npos) << r.err;
}

TEST_F(CliTest, StoreSubcommandsInSequence) {
  TempDir work;
  const std::string db = work.File("store");
  const CommandResult ingest = RunProbity("ingest --db " + Quote(db) + " --settings " +
                                          Quote(Data("settings.json")) + " " + Inputs() +
                                          " --rejects " + Quote(work.File("rejects.csv")));
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;

  const CommandResult train =
      RunProbity("train --db " + Quote(db) + " --model-out " + Quote(work.File("model.json")));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const nlohmann::json model = nlohmann::json::parse(ReadFile(work.File("model.json")));
  EXPECT_TRUE(model.contains("lambda"));
  EXPECT_FALSE(model["comparisons"].empty());

  const CommandResult link = RunProbity("link --db " + Quote(db) + " --out-dir " + Quote(work.File("out")));
  ASSERT_EQ(link.exit_code, 0) << link.err;
  const CommandResult cluster =
      RunProbity("cluster --db " + Quote(db) + " --out-dir " + Quote(work.File("out")));
  ASSERT_EQ(cluster.exit_code, 0) << cluster.err;

  const std::vector<std::string> pairs = Lines(ReadFile(work.File("out/pairs.csv")));
  ASSERT_GT(pairs.size(), 400u);
  EXPECT_EQ(pairs[0], "source_l,id_l,source_r,id_r,match_weight,match_probability");
  const std::vector<std::string> clusters = Lines(ReadFile(work.File("out/clusters.csv")));
  ASSERT_FALSE(clusters.empty());
  EXPECT_EQ(clusters[0], "source,record_id,cluster_id");
  EXPECT_EQ(clusters.size() - 1, DataRows("probation.csv") + DataRows("police.csv"));
  // Same seed, same data: the same pairs and clusters as `probity run`.
  EXPECT_EQ(ReadFile(work.File("out/pairs.csv")), ReadFile(Out("pairs.csv")));
  EXPECT_EQ(ReadFile(work.File("out/clusters.csv")), ReadFile(Out("clusters.csv")));
}

TEST_F(CliTest, LinkWithoutTrainingIsAnError) {
  TempDir work;
  const std::string db = work.File("store");
  ASSERT_EQ(RunProbity("ingest --db " + Quote(db) + " --settings " + Quote(Data("settings.json")) +
                       " " + Inputs() + " --rejects " + Quote(work.File("rejects.csv")))
                .exit_code,
            0);
  const CommandResult link = RunProbity("link --db " + Quote(db) + " --out-dir " + Quote(work.File("out")));
  EXPECT_TRUE(OneLineError(link));
  EXPECT_NE(link.err.find("no trained model"), std::string::npos) << link.err;
}

TEST_F(CliTest, StatsListsSourcesAndFields) {
  const CommandResult r = RunProbity("stats --db " + Quote(Out("store")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("source probation: " + std::to_string(DataRows("probation.csv")) +
                       " records"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("source police: " + std::to_string(DataRows("police.csv")) + " records"),
            std::string::npos)
      << r.out;
  for (const char* field : {"forename", "middle_names", "surname", "dob", "sex", "pnc", "postcode"}) {
    bool found = false;
    for (const std::string& line : Lines(r.out)) {
      found = found || line.rfind(std::string("  ") + field + " ", 0) == 0;
    }
    EXPECT_TRUE(found) << field << " not listed in\n" << r.out;
  }
}

TEST_F(CliTest, ExportPrintsTheMappedFields) {
  const CommandResult r = RunProbity("export --db " + Quote(Out("store")) + " --source police");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  const std::vector<std::string> header = Split(lines[0], ',');
  EXPECT_EQ(header[0], "id");
  const std::set<std::string> columns(header.begin(), header.end());
  for (const char* field : {"forename", "middle_names", "surname", "dob", "sex", "pnc", "postcode"}) {
    EXPECT_TRUE(columns.contains(field)) << field << " missing from " << lines[0];
  }
  EXPECT_EQ(lines.size() - 1, DataRows("police.csv"));
  // The probation source has no middle names.
  const CommandResult p = RunProbity("export --db " + Quote(Out("store")) + " --source probation");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(Lines(p.out)[0].find("middle_names"), std::string::npos);

  const CommandResult unknown = RunProbity("export --db " + Quote(Out("store")) + " --source prison");
  EXPECT_TRUE(OneLineError(unknown));
  EXPECT_NE(unknown.err.find("prison"), std::string::npos) << unknown.err;
}

TEST_F(CliTest, MissingSettingsFile) {
  TempDir work;
  const std::string missing = work.File("nope.json");
  const CommandResult r = RunProbity("run --settings " + Quote(missing) + " " + Inputs() +
                                     " --out-dir " + Quote(work.File("out")));
  EXPECT_TRUE(OneLineError(r));
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
}

TEST_F(CliTest, MalformedSettingsNamesLineAndColumn) {
  TempDir work;
  const std::string settings = work.File("bad.json");
  WriteFile(settings, "{\n  \"link_type\": \"link_only\",\n  \"sources\": {,}\n}\n");
  const CommandResult r = RunProbity("run --settings " + Quote(settings) + " " + Inputs() +
                                     " --out-dir " + Quote(work.File("out")));
  EXPECT_TRUE(OneLineError(r));
  EXPECT_NE(r.err.find(settings), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 3, column 15"), std::string::npos) << r.err;
  // Nothing was written.
  EXPECT_FALSE(std::filesystem::exists(work.File("out/pairs.csv")));
}

TEST_F(CliTest, UnknownInputSource) {
  TempDir work;
  const CommandResult r =
      RunProbity("run --settings " + Quote(Data("settings.json")) + " --input prison=" +
                 Quote(Data("probation.csv")) + " --out-dir " + Quote(work.File("out")));
  EXPECT_TRUE(OneLineError(r));
  EXPECT_NE(r.err.find("prison"), std::string::npos) << r.err;
}

TEST_F(CliTest, InputMissingAColumn) {
  TempDir work;
  // probation.csv without its surname column (the third).
  std::string stripped;
  for (const std::string& line : Lines(ReadFile(Data("probation.csv")))) {
    std::vector<std::string> f = Split(line, ',');
    if (f.size() < 3) continue;
    f.erase(f.begin() + 2);
    std::string joined;
    for (const std::string& v : f) joined += (joined.empty() ? "" : ",") + v;
    stripped += joined + "\n";
  }
  ASSERT_EQ(Split(Lines(stripped)[0], ',')[1], "forenames");
  const std::string input = work.File("probation.csv");
  WriteFile(input, stripped);
  const CommandResult r = RunProbity("run --settings " + Quote(Data("settings.json")) +
                                     " --input probation=" + Quote(input) + " --input police=" +
                                     Quote(Data("police.csv")) + " --out-dir " +
                                     Quote(work.File("out")));
  EXPECT_TRUE(OneLineError(r));
  EXPECT_NE(r.err.find("no column \"surname\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(input), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(work.File("out/pairs.csv")));
}

TEST_F(CliTest, DirectoryThatIsNotAStore) {
  TempDir work;
  WriteFile(work.File("random.txt"), "not a store\n");
  for (const std::string& command :
       {"stats --db " + Quote(work.path()),
        "export --db " + Quote(work.path()) + " --source police",
        "train --db " + Quote(work.path()),
        "explain --db " + Quote(work.path()) + " --left probation:X --right police:Y"}) {
    const CommandResult r = RunProbity(command);
    EXPECT_TRUE(OneLineError(r)) << command;
  }
  // The directory is left as it was.
  EXPECT_TRUE(std::filesystem::exists(work.File("random.txt")));
  EXPECT_EQ(ReadFile(work.File("random.txt")), "not a store\n");
  const CommandResult missing = RunProbity("stats --db " + Quote(work.File("no-such-dir")));
  EXPECT_TRUE(OneLineError(missing));
  EXPECT_FALSE(std::filesystem::exists(work.File("no-such-dir")));
}

TEST_F(CliTest, EvalReportsPrecision) {
  const CommandResult help = RunProbity("--help");
  if (help.out.find("eval") == std::string::npos) {
    GTEST_SKIP() << "the eval subcommand is not in this build of tools/main.cc";
  }
  const CommandResult r = RunProbity("eval --pairs " + Quote(Out("pairs.csv")) + " --truth " +
                                     Quote(Data("truth.csv")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string marker = "at threshold 0.5: precision ";
  const size_t at = r.out.find(marker);
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_GE(std::stod(r.out.substr(at + marker.size())), 0.95) << r.out;

  const CommandResult missing = RunProbity("eval --pairs " + Quote(Out("no-such.csv")) +
                                           " --truth " + Quote(Data("truth.csv")));
  EXPECT_TRUE(OneLineError(missing));
  EXPECT_NE(missing.err.find("no-such.csv"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace probity
