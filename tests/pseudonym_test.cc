// Pseudonymised ids: known HMAC-SHA256 values, key handling, and the CLI paths
// (run --pseudonym-key, cluster --pseudonym-key, probity pseudonymise) agreeing
// with each other and leaking no raw id.
#include "tools/pseudonym.h"

#include <sys/stat.h>

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace probity {
namespace {

using testing::CommandResult;
using testing::Lines;
using testing::OneLineError;
using testing::Quote;
using testing::ReadFile;
using testing::RunProbity;
using testing::Split;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kKey = "probity-test-key-0123456789";

bool IsPseudonym(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(PseudonymiserTest, KnownHmacSha256Values) {
  const Pseudonymiser p(kKey);
  // python3: hmac.new(key, b"record:9:probation:X0012345", sha256).hexdigest()[:32]
  EXPECT_EQ(p.Record("probation", "X0012345"), "7425a0bef2cecfd10445cbb7ff194ecd");
  // hmac.new(key, b"cluster:42", sha256).hexdigest()[:32]
  EXPECT_EQ(p.Cluster(42), "1ea487bdf95b0e76fbfa4aa20715e8b8");
}

TEST(PseudonymiserTest, StableUnderOneKeyDifferentAcrossKeysAndSources) {
  const Pseudonymiser p(kKey);
  const Pseudonymiser other("another-key-of-enough-length");
  EXPECT_EQ(p.Record("police", "2000/1234567V"), p.Record("police", "2000/1234567V"));
  EXPECT_NE(p.Record("police", "2000/1234567V"), other.Record("police", "2000/1234567V"));
  EXPECT_NE(p.Record("police", "X1"), p.Record("probation", "X1"));
  // The length prefix keeps ("ab", "c") and ("a", "b:c")-style splits apart.
  EXPECT_NE(p.Record("a", "b:c"), p.Record("a:b", "c"));
}

TEST(PseudonymiserTest, KeyFileRules) {
  TempDir dir;
  WriteFile(dir.File("short"), "tooshort\n");
  absl::StatusOr<Pseudonymiser> short_key = Pseudonymiser::FromKeyFile(dir.File("short"));
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.status().message().find(dir.File("short")), std::string::npos);
  EXPECT_NE(short_key.status().message().find("too short"), std::string::npos);
  EXPECT_EQ(short_key.status().message().find("tooshort"), std::string::npos) << "key leaked";

  EXPECT_FALSE(Pseudonymiser::FromKeyFile(dir.File("missing")).ok());

  // A final line end is not part of the key.
  WriteFile(dir.File("key"), std::string(kKey) + "\n");
  absl::StatusOr<Pseudonymiser> loaded = Pseudonymiser::FromKeyFile(dir.File("key"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Record("probation", "X0012345"), "7425a0bef2cecfd10445cbb7ff194ecd");
}

// One synthetic data set, a plain run and a pseudonymised run over it.
class PseudonymCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    WriteFile(dir_->File("key.txt"), std::string(kKey) + "\n");
    const CommandResult synth =
        RunProbity("synth --people 300 --seed 11 --out-dir " + Quote(dir_->File("data")));
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    const std::string args = "run --settings " + Quote(dir_->File("data/settings.json")) +
                             " --input probation=" + Quote(dir_->File("data/probation.csv")) +
                             " --input police=" + Quote(dir_->File("data/police.csv"));
    const CommandResult plain = RunProbity(args + " --out-dir " + Quote(dir_->File("plain")));
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    const CommandResult hidden = RunProbity(args + " --out-dir " + Quote(dir_->File("hidden")) +
                                            " --pseudonym-key " + Quote(dir_->File("key.txt")));
    ASSERT_EQ(hidden.exit_code, 0) << hidden.err;
    ready_ = true;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(ready_); }

  static TempDir* dir_;
  static bool ready_;
};
TempDir* PseudonymCliTest::dir_ = nullptr;
bool PseudonymCliTest::ready_ = false;

TEST_F(PseudonymCliTest, RunWritesPseudonymsAndNoRawIds) {
  std::set<std::string> raw_ids;
  for (const char* file : {"probation.csv", "police.csv"}) {
    const std::vector<std::string> lines = Lines(ReadFile(dir_->File(std::string("data/") + file)));
    for (size_t i = 1; i < lines.size(); ++i) raw_ids.insert(Split(lines[i], ',')[0]);
  }
  const std::string pairs = ReadFile(dir_->File("hidden/pairs.csv"));
  const std::vector<std::string> lines = Lines(pairs);
  ASSERT_GT(lines.size(), 10u);
  EXPECT_EQ(lines[0], "source_l,id_l,source_r,id_r,match_weight,match_probability");
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = Split(lines[i], ',');
    ASSERT_EQ(f.size(), 6u);
    EXPECT_TRUE(IsPseudonym(f[1])) << f[1];
    EXPECT_TRUE(IsPseudonym(f[3])) << f[3];
    EXPECT_EQ(raw_ids.count(f[1]) + raw_ids.count(f[3]), 0u);
  }
  for (const std::string& line : Lines(ReadFile(dir_->File("hidden/clusters.csv")))) {
    if (line.rfind("source,", 0) == 0) continue;
    const std::vector<std::string> f = Split(line, ',');
    ASSERT_EQ(f.size(), 3u);
    EXPECT_TRUE(IsPseudonym(f[1]) && IsPseudonym(f[2])) << line;
  }
  const nlohmann::json summary = nlohmann::json::parse(ReadFile(dir_->File("hidden/summary.json")));
  EXPECT_TRUE(summary.at("pseudonymised_ids").get<bool>());
  struct stat st {};
  ASSERT_EQ(::stat(dir_->File("hidden/pairs.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// Pseudonymising a plain run's outputs afterwards gives the pseudonymised
// run's outputs byte for byte: one scheme, so shared files join.
TEST_F(PseudonymCliTest, PseudonymiseCommandAgreesWithRun) {
  for (const char* file : {"pairs.csv", "clusters.csv"}) {
    const std::string out = dir_->File(std::string("copy-") + file);
    const CommandResult r =
        RunProbity("pseudonymise --key " + Quote(dir_->File("key.txt")) + " --input " +
                   Quote(dir_->File(std::string("plain/") + file)) + " --out " + Quote(out));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ReadFile(out), ReadFile(dir_->File(std::string("hidden/") + file))) << file;
  }
}

TEST_F(PseudonymCliTest, ClusterCommandWritesTheSamePseudonymisedClusters) {
  const CommandResult r = RunProbity(
      "cluster --db " + Quote(dir_->File("plain/store")) + " --out-dir " +
      Quote(dir_->File("recluster")) + " --pairs " + Quote(dir_->File("plain/pairs.csv")) +
      " --pseudonym-key " + Quote(dir_->File("key.txt")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir_->File("recluster/clusters.csv")),
            ReadFile(dir_->File("hidden/clusters.csv")));
}

// Any other CSV: name the column and its source, so an outcome extract can be
// shared joined to the pseudonymised linkage.
TEST_F(PseudonymCliTest, PseudonymiseNamedColumn) {
  WriteFile(dir_->File("outcomes.csv"), "crn,completed\nX0012345,1\n\"X00,9\",0\n,1\n");
  const CommandResult r = RunProbity(
      "pseudonymise --key " + Quote(dir_->File("key.txt")) + " --input " +
      Quote(dir_->File("outcomes.csv")) + " --out " + Quote(dir_->File("outcomes-p.csv")) +
      " --column crn --source probation");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Pseudonymiser p(kKey);
  EXPECT_EQ(ReadFile(dir_->File("outcomes-p.csv")),
            "crn,completed\n7425a0bef2cecfd10445cbb7ff194ecd,1\n" + p.Record("probation", "X00,9") +
                ",0\n,1\n");
}

// Whatever the umask, everything a run writes is private to the user: the
// store's own files (written by RocksDB) as well as the outputs.
TEST_F(PseudonymCliTest, RunWritesOnlyPrivateFiles) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_->File("plain"))) {
    struct stat st {};
    ASSERT_EQ(::lstat(entry.path().c_str(), &st), 0);
    if (S_ISDIR(st.st_mode)) {
      EXPECT_EQ(st.st_mode & 0777, 0700u) << entry.path();
    } else {
      EXPECT_EQ(st.st_mode & 0077, 0u) << entry.path() << " is readable by others";
      ++files;
    }
  }
  EXPECT_GT(files, 10u);  // outputs plus the store's SST, MANIFEST, LOG, OPTIONS files
}

TEST_F(PseudonymCliTest, BadPseudonymiseInputsFailWithOneLine) {
  WriteFile(dir_->File("short-key"), "abc\n");
  EXPECT_TRUE(OneLineError(RunProbity(
      "run --settings " + Quote(dir_->File("data/settings.json")) + " --input probation=" +
      Quote(dir_->File("data/probation.csv")) + " --out-dir " + Quote(dir_->File("never")) +
      " --pseudonym-key " + Quote(dir_->File("short-key")))));
  // Refused before anything was written.
  EXPECT_FALSE(std::filesystem::exists(dir_->File("never/pairs.csv")));
  WriteFile(dir_->File("other.csv"), "a,b\n1,2\n");
  const CommandResult unknown =
      RunProbity("pseudonymise --key " + Quote(dir_->File("key.txt")) + " --input " +
                 Quote(dir_->File("other.csv")) + " --out " + Quote(dir_->File("other-p.csv")));
  EXPECT_TRUE(OneLineError(unknown));
  EXPECT_NE(unknown.err.find("--column"), std::string::npos) << unknown.err;
  // A malformed row stops the copy and leaves no partial file.
  WriteFile(dir_->File("broken.csv"), "crn,x\nA1,1\nA2,1,extra\n");
  const CommandResult broken = RunProbity(
      "pseudonymise --key " + Quote(dir_->File("key.txt")) + " --input " +
      Quote(dir_->File("broken.csv")) + " --out " + Quote(dir_->File("broken-p.csv")) +
      " --column crn --source probation");
  EXPECT_TRUE(OneLineError(broken));
  EXPECT_NE(broken.err.find("line 3"), std::string::npos) << broken.err;
  EXPECT_FALSE(std::filesystem::exists(dir_->File("broken-p.csv")));
}

}  // namespace
}  // namespace probity
