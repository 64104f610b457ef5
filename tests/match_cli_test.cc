// End-to-end tests of `probity match`: a store built by `probity run --db` and
// clustered by `probity cluster` over generated data, queried with records
// whose best match and batch score are known from pairs.csv and clusters.csv.
#include <cmath>
#include <map>
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

// A probation record with exactly one link in the batch run, and that link.
struct KnownMatch {
  std::string crn;
  nlohmann::json fields;  // its fields as the engine's JSON record (ISO dob)
  std::string police_id;  // its one linked police record
  double batch_weight = 0;
  std::string police_cluster;  // from clusters.csv
};

class MatchCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CommandResult synth =
        RunProbity("synth --people 300 --seed 5 --out-dir " + Quote(dir_->File("data")));
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    const std::string data = dir_->File("data/");
    const CommandResult run = RunProbity(
        "run --settings " + Quote(data + "settings.json") + " --input probation=" +
        Quote(data + "probation.csv") + " --input police=" + Quote(data + "police.csv") +
        " --out-dir " + Quote(dir_->File("out")) + " --db " + Quote(Db()));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    // Persist the batch clusters in the store, so candidates carry them.
    const CommandResult cluster =
        RunProbity("cluster --db " + Quote(Db()) + " --out-dir " + Quote(dir_->File("out")));
    ASSERT_EQ(cluster.exit_code, 0) << cluster.err;
    known_ = new KnownMatch(FindKnownMatch());
  }
  static void TearDownTestSuite() {
    delete known_;
    known_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(known_, nullptr) << "setting up the store failed";
    ASSERT_FALSE(known_->crn.empty()) << "no probation record with exactly one sure link";
  }

  static std::string Db() { return dir_->File("store"); }

  static KnownMatch FindKnownMatch() {
    const testing::SureLink link = testing::FindSureLink(dir_->File("out"), dir_->File("data"));
    KnownMatch m;
    if (link.crn.empty()) return m;
    m.crn = link.crn;
    m.fields = {{"forename", link.forenames}, {"surname", link.surname},
                {"dob", link.dob_iso},        {"sex", link.sex},
                {"pnc", link.pnc},            {"postcode", link.postcode}};
    m.police_id = link.police_id;
    m.batch_weight = link.weight;
    m.police_cluster = link.police_cluster;
    return m;
  }

  // The known record as JSON, optionally with a source.
  static std::string Record(const std::string& source) {
    nlohmann::json record = known_->fields;
    if (!source.empty()) record["source"] = source;
    return record.dump();
  }

  static CommandResult Match(const std::string& record, const std::string& extra = "") {
    return RunProbity("match --db " + Quote(Db()) + " --record " + Quote(record) + " " + extra);
  }

  static TempDir* dir_;
  static KnownMatch* known_;
};

TempDir* MatchCliTest::dir_ = nullptr;
KnownMatch* MatchCliTest::known_ = nullptr;

TEST_F(MatchCliTest, TextRanksTheLinkedRecordFirstWithItsWaterfall) {
  const CommandResult r = Match(Record("probation"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_GE(lines.size(), 4u) << r.out;
  EXPECT_NE(lines[0].find("for this probation record"), std::string::npos) << lines[0];
  const std::string first = "#1  police:" + known_->police_id + "  weight ";
  ASSERT_EQ(lines[2].rfind(first, 0), 0u) << r.out;
  EXPECT_NE(lines[2].find("cluster " + known_->police_cluster), std::string::npos) << lines[2];
  // The waterfall follows: its header, the prior, and the total line.
  EXPECT_EQ(lines[3].rfind("comparison", 0), 0u) << r.out;
  EXPECT_EQ(lines[4].rfind("prior", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("total match weight"), std::string::npos);
  EXPECT_NE(r.out.find("surname"), std::string::npos);
}

TEST_F(MatchCliTest, JsonScoresAsTheBatchRunDid) {
  const CommandResult r = Match(Record("probation"), "--json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["source"], "probation");
  EXPECT_DOUBLE_EQ(out["threshold"].get<double>(), 0.5);
  const nlohmann::json& candidates = out["candidates"];
  ASSERT_GE(candidates.size(), 1u);
  ASSERT_LE(candidates.size(), 10u);
  const nlohmann::json& top = candidates[0];
  EXPECT_EQ(top["rank"], 1);
  EXPECT_EQ(top["source"], "police");
  EXPECT_EQ(top["id"], known_->police_id);
  EXPECT_EQ(top["cluster_id"], known_->police_cluster);
  // The query is the stored record itself: the batch score (pairs.csv has 4 decimals).
  EXPECT_NEAR(top["match_weight"].get<double>(), known_->batch_weight, 1e-3);
  EXPECT_GE(top["match_probability"].get<double>(), 0.999);
  // The explanation adds up to the weight.
  const nlohmann::json& x = top["explanation"];
  ASSERT_FALSE(x["steps"].empty());
  double sum = x["prior_weight"].get<double>();
  for (const nlohmann::json& step : x["steps"]) sum += step["weight"].get<double>();
  EXPECT_NEAR(sum, top["match_weight"].get<double>(), 1e-9);
  EXPECT_NEAR(x["total_weight"].get<double>(), top["match_weight"].get<double>(), 1e-9);
  // Ranked by weight, ranks counting up; link_only: police candidates only.
  for (size_t i = 0; i < candidates.size(); ++i) {
    EXPECT_EQ(candidates[i]["rank"], i + 1);
    EXPECT_EQ(candidates[i]["source"], "police");
    if (i > 0) {
      EXPECT_LE(candidates[i]["match_weight"].get<double>(),
                candidates[i - 1]["match_weight"].get<double>());
    }
  }
}

TEST_F(MatchCliTest, KBoundsTheList) {
  const CommandResult one = Match(Record("probation"), "--json --k 1");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const nlohmann::json out = nlohmann::json::parse(one.out);
  ASSERT_EQ(out["candidates"].size(), 1u);
  EXPECT_EQ(out["candidates"][0]["id"], known_->police_id);
  const CommandResult zero = Match(Record("probation"), "--k 0");
  EXPECT_NE(zero.exit_code, 0);
}

TEST_F(MatchCliTest, SourceDefaultsToTheSettingsFirstSource) {
  const CommandResult with = Match(Record("probation"), "--json");
  const CommandResult without = Match(Record(""), "--json");
  ASSERT_EQ(with.exit_code, 0) << with.err;
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(with.out, without.out);
  // From the police side the probation record is found instead.
  const CommandResult police = Match(Record("police"), "--json --k 1");
  ASSERT_EQ(police.exit_code, 0) << police.err;
  const nlohmann::json out = nlohmann::json::parse(police.out);
  ASSERT_EQ(out["candidates"].size(), 1u);
  EXPECT_EQ(out["candidates"][0]["source"], "probation");
  EXPECT_EQ(out["candidates"][0]["id"], known_->crn);
}

TEST_F(MatchCliTest, AStrangerHasNoCandidates) {
  const CommandResult r = Match(
      R"({"forename": "Zebedee", "surname": "Quillfeather", "dob": "1901-02-03", "postcode": "ZE9 9ZZ"})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "no candidates for this probation record\n");
}

TEST_F(MatchCliTest, ErrorsAreOneLine) {
  const CommandResult bad_json = Match("{not json");
  EXPECT_TRUE(OneLineError(bad_json));
  const CommandResult unknown_source = Match(R"({"source": "prison", "surname": "Smith"})");
  EXPECT_TRUE(OneLineError(unknown_source));
  EXPECT_NE(unknown_source.err.find("prison"), std::string::npos) << unknown_source.err;
  const CommandResult unknown_field = Match(R"({"shoe_size": "9"})");
  EXPECT_TRUE(OneLineError(unknown_field));
  EXPECT_NE(unknown_field.err.find("shoe_size"), std::string::npos) << unknown_field.err;
  const CommandResult no_store = RunProbity("match --db " + Quote(dir_->File("no-such-store")) +
                                            " --record " + Quote(Record("")));
  EXPECT_TRUE(OneLineError(no_store));
  EXPECT_NE(no_store.err.find("no such store"), std::string::npos) << no_store.err;
}

TEST_F(MatchCliTest, AStoreWithoutAModelIsRefused) {
  TempDir work;
  const std::string data = dir_->File("data/");
  const CommandResult ingest =
      RunProbity("ingest --db " + Quote(work.File("db")) + " --settings " +
                 Quote(data + "settings.json") + " --input police=" + Quote(data + "police.csv") +
                 " --rejects " + Quote(work.File("rejects.csv")));
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  const CommandResult r = RunProbity("match --db " + Quote(work.File("db")) + " --record " +
                                     Quote(Record("")));
  EXPECT_TRUE(OneLineError(r));
  EXPECT_NE(r.err.find("no trained model"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace probity
