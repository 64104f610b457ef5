// End-to-end tests of probity-service: JSON-line requests against a store built
// by `probity run --db` (and clustered by `probity cluster`) over generated
// data, checked line by line against the batch outputs.
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/clustering.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace probity {
namespace {

using testing::CommandResult;
using testing::Lines;
using testing::Split;
using testing::Quote;
using testing::ReadFile;
using testing::RunCommand;
using testing::RunProbity;
using testing::TempDir;
using testing::WriteFile;

// A stored probation record with exactly one link in the batch run.
struct Person {
  std::string crn;
  nlohmann::json fields;  // as an engine JSON record (ISO dob), without source and id
  std::string police_id;  // the police record it links to
  std::string cluster;    // their cluster in clusters.csv
};

const nlohmann::json kStranger = {
    {"forename", "Zebedee"}, {"surname", "Quillfeather"}, {"dob", "1901-02-03"},
    {"postcode", "ZE9 9ZZ"}};

class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string data = dir_->File("data/");
    const CommandResult synth = RunProbity("synth --people 300 --seed 7 --out-dir " + Quote(data));
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    const CommandResult run = RunProbity(
        "run --settings " + Quote(data + "settings.json") + " --input probation=" +
        Quote(data + "probation.csv") + " --input police=" + Quote(data + "police.csv") +
        " --out-dir " + Quote(dir_->File("out")) + " --db " + Quote(dir_->File("store")));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const CommandResult cluster = RunProbity("cluster --db " + Quote(dir_->File("store")) +
                                             " --out-dir " + Quote(dir_->File("out")));
    ASSERT_EQ(cluster.exit_code, 0) << cluster.err;
    person_ = new Person(FindPerson());
  }
  static void TearDownTestSuite() {
    delete person_;
    person_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  // Each test works on its own copy of the store.
  void SetUp() override {
    ASSERT_NE(person_, nullptr) << "setting up the store failed";
    ASSERT_FALSE(person_->crn.empty()) << "no probation record with exactly one sure link";
    std::filesystem::copy(dir_->File("store"), Db(), std::filesystem::copy_options::recursive);
  }

  std::string Db() const { return work_.File("store"); }

  static Person FindPerson() {
    const testing::SureLink link = testing::FindSureLink(dir_->File("out"), dir_->File("data"));
    Person p;
    if (link.crn.empty()) return p;
    p.crn = link.crn;
    // No pnc: the new record must be recognised by its name, birth date and address.
    p.fields = {{"forename", link.forenames},
                {"surname", link.surname},
                {"dob", link.dob_iso},
                {"postcode", link.postcode}};
    p.police_id = link.police_id;
    p.cluster = link.police_cluster;
    return p;
  }

  // Runs the service over `requests` (one per line); its stdout lines parsed.
  CommandResult Serve(const std::vector<std::string>& requests, const std::string& flags = "") {
    std::string text;
    for (const std::string& r : requests) text += r + "\n";
    const std::string input = work_.File("requests.jsonl");
    WriteFile(input, text);
    // The braces let the service read the file: RunCommand redirects stdin of the whole line.
    return RunCommand("{ " + std::string(PROBITY_SERVICE_BINARY) + " --db " + Quote(Db()) + " " +
                      flags + " <" + Quote(input) + "; }");
  }

  static std::vector<nlohmann::json> Responses(const CommandResult& r) {
    std::vector<nlohmann::json> out;
    for (const std::string& line : Lines(r.out)) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  static nlohmann::json Record(const nlohmann::json& fields, const std::string& source,
                              const std::string& id) {
    nlohmann::json record = fields;
    if (!source.empty()) record["source"] = source;
    if (!id.empty()) record["id"] = id;
    return record;
  }
  static std::string Request(const std::string& op, const nlohmann::json& record) {
    return nlohmann::json{{"op", op}, {"record", record}}.dump();
  }

  static TempDir* dir_;
  static Person* person_;
  TempDir work_;
};

TempDir* ServiceTest::dir_ = nullptr;
Person* ServiceTest::person_ = nullptr;

TEST_F(ServiceTest, AnswersEveryRequestInOrder) {
  const std::vector<std::string> requests = {
      // 1: a new record of a stored person joins that person's cluster.
      Request("assign", Record(person_->fields, "probation", "SVC-1")),
      // 2: a stranger starts a cluster (source defaults to probation).
      Request("assign", Record(kStranger, "", "SVC-2")),
      // 3: not JSON; 4 is blank and gets no answer.
      "{not json",
      "",
      // 5-7: bad requests.
      Request("assign", Record(person_->fields, "probation", "")),
      Request("assign", Record(person_->fields, "prison", "X-1")),
      R"({"op": "frobnicate"})",
      // 8: match ranks the stored person's police record first.
      nlohmann::json{{"op", "match"}, {"record", person_->fields}, {"k", 2}}.dump(),
      // 9: the new record's cluster persists.
      R"({"op": "cluster", "id": "SVC-1"})",
      // 10-14: a police record stored without clustering is found, then removed.
      Request("upsert", Record(kStranger, "police", "SVCP-1")),
      Request("match", Record(kStranger, "probation", "")),
      R"({"op": "remove", "source": "police", "id": "SVCP-1"})",
      Request("match", Record(kStranger, "probation", "")),
      R"({"op": "remove", "source": "police", "id": "never-stored"})",
      // 15-16: removing drops the cluster assignment.
      R"({"op": "remove", "id": "SVC-2"})",
      R"({"op": "cluster", "source": "probation", "id": "SVC-2"})",
      // 17: k must be positive.
      nlohmann::json{{"op", "match"}, {"record", person_->fields}, {"k", 0}}.dump(),
  };
  const CommandResult r = Serve(requests);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::vector<nlohmann::json> out = Responses(r);
  ASSERT_EQ(out.size(), requests.size() - 1) << r.out;
  std::map<int, nlohmann::json> by_line;
  for (size_t i = 0; i < out.size(); ++i) {
    const int line = out[i]["line"].get<int>();
    EXPECT_EQ(line, static_cast<int>(i < 3 ? i + 1 : i + 2)) << out[i];
    by_line[line] = out[i];
  }

  const nlohmann::json& joined = by_line[1];
  EXPECT_EQ(joined["op"], "assign");
  EXPECT_EQ(joined["id"], "SVC-1");
  EXPECT_EQ(joined["new_cluster"], false);
  EXPECT_EQ(joined["cluster_id"], person_->cluster);
  EXPECT_TRUE(joined["merged_clusters"].empty());
  ASSERT_EQ(joined["links"].size(), 1u) << joined;
  EXPECT_EQ(joined["links"][0]["source"], "police");
  EXPECT_EQ(joined["links"][0]["id"], person_->police_id);
  EXPECT_EQ(joined["links"][0]["cluster_id"], person_->cluster);
  EXPECT_GE(joined["links"][0]["match_probability"].get<double>(), 0.5);

  const nlohmann::json& stranger = by_line[2];
  EXPECT_EQ(stranger["source"], "probation");
  EXPECT_EQ(stranger["new_cluster"], true);
  EXPECT_TRUE(stranger["links"].empty());
  EXPECT_EQ(stranger["cluster_id"], std::to_string(ClusterIdOf("probation", "SVC-2")));

  EXPECT_EQ(by_line[3]["error"], "not valid JSON");
  EXPECT_EQ(by_line[3].size(), 2u);  // line and error only
  EXPECT_NE(by_line[5]["error"].get<std::string>().find("id"), std::string::npos) << by_line[5];
  EXPECT_NE(by_line[6]["error"].get<std::string>().find("prison"), std::string::npos)
      << by_line[6];
  EXPECT_NE(by_line[7]["error"].get<std::string>().find("unknown \"op\""), std::string::npos)
      << by_line[7];

  const nlohmann::json& match = by_line[8];
  ASSERT_TRUE(match.contains("candidates")) << match;
  ASSERT_GE(match["candidates"].size(), 1u);
  EXPECT_LE(match["candidates"].size(), 2u);
  EXPECT_EQ(match["candidates"][0]["id"], person_->police_id);
  EXPECT_EQ(match["candidates"][0]["cluster_id"], person_->cluster);

  EXPECT_EQ(by_line[9]["cluster_id"], person_->cluster);

  EXPECT_EQ(by_line[10]["ok"], true);
  ASSERT_EQ(by_line[11]["candidates"].size(), 1u) << by_line[11];
  EXPECT_EQ(by_line[11]["candidates"][0]["id"], "SVCP-1");
  EXPECT_TRUE(by_line[11]["candidates"][0]["cluster_id"].is_null());  // upsert does not cluster
  EXPECT_EQ(by_line[12]["ok"], true);
  EXPECT_TRUE(by_line[13]["candidates"].empty()) << by_line[13];
  EXPECT_EQ(by_line[14]["ok"], true);  // removing an absent record is fine

  EXPECT_EQ(by_line[15]["ok"], true);
  EXPECT_TRUE(by_line[16]["cluster_id"].is_null()) << by_line[16];
  EXPECT_NE(by_line[17]["error"].get<std::string>().find("\"k\""), std::string::npos);
}

TEST_F(ServiceTest, DecisionsPersistAcrossRuns) {
  const CommandResult first = Serve({Request("assign", Record(kStranger, "probation", "SVC-9"))});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string cluster = std::to_string(ClusterIdOf("probation", "SVC-9"));
  // A second process sees the stored record: a police record of the same
  // person joins its cluster.
  const CommandResult second = Serve({R"({"op": "cluster", "id": "SVC-9"})",
                                      Request("assign", Record(kStranger, "police", "SVCP-9"))});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const std::vector<nlohmann::json> out = Responses(second);
  ASSERT_EQ(out.size(), 2u) << second.out;
  EXPECT_EQ(out[0]["cluster_id"], cluster);
  EXPECT_EQ(out[1]["new_cluster"], false);
  ASSERT_EQ(out[1]["links"].size(), 1u) << out[1];
  EXPECT_EQ(out[1]["links"][0]["id"], "SVC-9");
  // The cluster id follows its smallest (source, id) member: police < probation.
  EXPECT_EQ(out[1]["cluster_id"], std::to_string(ClusterIdOf("police", "SVCP-9")));
}

TEST_F(ServiceTest, ThresholdOptionControlsLinking) {
  // At probability 1 nothing links: the stored person's new record starts a cluster.
  const CommandResult r =
      Serve({Request("assign", Record(person_->fields, "probation", "SVC-1"))}, "--threshold 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<nlohmann::json> out = Responses(r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["new_cluster"], true);
  EXPECT_TRUE(out[0]["links"].empty());
  EXPECT_EQ(out[0]["cluster_id"], std::to_string(ClusterIdOf("probation", "SVC-1")));
}

TEST_F(ServiceTest, FailsToStartWithOneLine) {
  const std::string bin = PROBITY_SERVICE_BINARY;
  const std::vector<std::string> bad = {"", " --db " + Quote(work_.File("no-such-store")), " --db",
                                        " --db " + Quote(Db()) + " --threshold 2",
                                        " --db " + Quote(Db()) + " --verbose"};
  for (const std::string& args : bad) {
    const CommandResult r = RunCommand(bin + args);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_EQ(r.err.rfind("probity-service: ", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
}

}  // namespace
}  // namespace probity
