// Replays the fuzzing seed corpora (fuzz/corpus/<name>/) and every input a
// fuzzer once crashed on (fuzz/regressions/<name>/) through the harnesses, in
// the normal build: a regression comes back as a crash or a failed invariant
// (abort) here.
//
// The harness sources are included directly: the top-level CMakeLists.txt
// builds each tests/*_test.cc on its own, and the harnesses are plain
// functions (LLVMFuzzerTestOneInput exists only in the fuzz builds).
#include "fuzz/block_postings_fuzz.cc"
#include "fuzz/csv_reader_fuzz.cc"
#include "fuzz/date_fuzz.cc"
#include "fuzz/identifiers_fuzz.cc"
#include "fuzz/name_normaliser_fuzz.cc"
#include "fuzz/postcode_fuzz.cc"
#include "fuzz/record_codec_fuzz.cc"
#include "fuzz/settings_fuzz.cc"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/record.h"
#include "engine/record_builder.h"
#include "engine/settings.h"
#include "fuzz/harnesses.h"
#include "tests/test_util.h"

namespace probity {
namespace {

namespace fs = std::filesystem;

const fs::path kFuzzDir = fs::path(PROBITY_SOURCE_DIR) / "fuzz";

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) return files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

const fuzz::Harness* FindHarness(const std::string& name) {
  for (const fuzz::Harness& h : fuzz::kHarnesses) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

// Feeds every file of fuzz/<kind>/<harness>/ to its harness; returns how many.
size_t Replay(const std::string& kind) {
  size_t replayed = 0;
  const fs::path root = kFuzzDir / kind;
  if (!fs::is_directory(root)) return 0;
  for (const fs::directory_entry& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    const std::string name = dir.path().filename().string();
    const fuzz::Harness* harness = FindHarness(name);
    // A misnamed directory would silently never be replayed.
    EXPECT_NE(harness, nullptr) << "fuzz/" << kind << "/" << name << ": no harness of that name";
    if (harness == nullptr) continue;
    for (const fs::path& file : FilesIn(dir.path())) {
      SCOPED_TRACE(file.string());
      const std::string bytes = testing::ReadFile(file.string());
      EXPECT_EQ(harness->one_input(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
                0);
      ++replayed;
    }
  }
  return replayed;
}

TEST(FuzzReplayTest, EveryHarnessHasSeeds) {
  for (const fuzz::Harness& h : fuzz::kHarnesses) {
    EXPECT_GE(FilesIn(kFuzzDir / "corpus" / std::string(h.name)).size(), 3u) << h.name;
    EXPECT_TRUE(fs::exists(kFuzzDir / (std::string(h.name) + "_fuzz.cc"))) << h.name;
  }
}

TEST(FuzzReplayTest, SeedCorpora) { EXPECT_GE(Replay("corpus"), 8u * 3u); }

TEST(FuzzReplayTest, Regressions) { EXPECT_GE(Replay("regressions"), 1u); }

// Found by settings_fuzz (fuzz/regressions/settings/number_overflow_1e400.json):
// a number too large for a double escaped Settings::Parse as an exception.
TEST(FuzzReplayTest, SettingsNumberOverflowIsAnError) {
  const absl::StatusOr<Settings> s = Settings::Parse(
      R"({"link_type": "dedupe_only", "sources": {"a": {"id": "id", "fields": {"surname": "s"}}},
          "threshold": 1e400})",
      "s.json");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(), "s.json: malformed JSON: number overflow parsing '1e400'");
}

// The empty input and a few degenerate ones, for every harness.
TEST(FuzzReplayTest, DegenerateInputs) {
  const std::string inputs[] = {"", std::string(1, '\0'), "\xff", std::string(300, '"'),
                                "\x01\x01\x01", std::string(64, '\n')};
  for (const fuzz::Harness& h : fuzz::kHarnesses) {
    for (const std::string& in : inputs) {
      EXPECT_EQ(h.one_input(reinterpret_cast<const uint8_t*>(in.data()), in.size()), 0) << h.name;
    }
  }
}

// The record seed is what the encoder writes for this record, so the fuzzer
// starts from real encodings (and this notices an encoding change).
TEST(FuzzReplayTest, RecordSeedIsEncoderOutput) {
  Record r;
  r.forenames.push_back(MakeNameValue("John"));
  r.surnames.push_back(MakeNameValue("Smith"));
  DayNumber dob = 0;
  ASSERT_EQ(ParseDate("1990-08-07", DateFormat::kYYYY_MM_DD, &dob), DateParseResult::kOk);
  r.dobs.push_back(dob);
  r.sex = 'M';
  r.postcodes.push_back(NormalisePostcode("sw1a1aa"));
  r.address = "10 DOWNING STREET";
  r.pncs.push_back(NormalisePnc("2000/1234567V", 2026));
  r.cros.push_back(NormaliseCro("123456/00Q"));
  r.ninos.push_back(NormaliseNino("AB123456C"));
  r.custom.push_back(CustomValue{0, "WHITE BRITISH", 0});
  ASSERT_EQ(r.pncs[0].status, IdStatus::kValid);
  ASSERT_EQ(r.cros[0].status, IdStatus::kValid);
  const std::string seed =
      testing::ReadFile((kFuzzDir / "corpus" / "record_codec" / "encoded_john_smith.bin").string());
  EXPECT_EQ(EncodeRecord(r), seed);
  Record decoded;
  ASSERT_TRUE(DecodeRecord(seed, &decoded).ok());
  EXPECT_EQ(decoded, r);
}

}  // namespace
}  // namespace probity
