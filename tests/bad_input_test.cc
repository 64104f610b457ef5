// The bad-input catalogue: every kind of bad input probity meets in practice,
// each run through the real `probity` binary on real files. Each one either
// fails with one line on stderr ("probity: FILE: [line N: ]reason", non-zero
// exit, nothing half-written) or, for a bad row in a usable file, lands in the
// rejects file with its line and reason while the other rows are stored.
// Messages name files, lines, columns and fields, never a value.
//
//   empty file, header only, no header      -> one-line error, nothing written
//   binary file                             -> one-line error
//   invalid UTF-8, NUL bytes                -> rejects (in the header: error)
//   a 10 MB field                           -> rejects (field over 64 KiB)
//   unterminated quote                      -> rejects, reading resumes
//   wrong field counts                      -> rejects
//   duplicate and empty ids                 -> rejects (the first copy stays)
//   impossible and future dates             -> stored with the date missing,
//                                              counted as invalid (not guessed)
//   settings: missing columns, unknown
//     fields or keys, malformed JSON        -> one-line error before any work
//   a store of a newer format version       -> refused, left as it is
//   a directory that is not a store         -> refused, left as it is
//   an unwritable output directory          -> one-line error
//   a full disk                             -> one-line error, the store intact
//   one store, two processes                -> the second is refused
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "storage/store.h"
#include "tests/test_util.h"

namespace probity {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::Lines;
using testing::OneLineError;
using testing::Quote;
using testing::ReadFile;
using testing::RunCommand;
using testing::RunProbity;
using testing::Split;
using testing::TempDir;
using testing::WriteFile;

// Generated data (300 people) shared by the catalogue.
class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CommandResult synth =
        RunProbity("synth --people 300 --seed 21 --out-dir " + Quote(dir_->File("data")));
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    lines_ = new std::vector<std::string>(Lines(ReadFile(Data("probation.csv"))));
  }
  static void TearDownTestSuite() {
    delete lines_;
    lines_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(lines_, nullptr); }

  static std::string Data(const std::string& name) { return dir_->File("data/" + name); }
  static std::string Settings() { return Data("settings.json"); }
  // probation.csv: crn,forenames,surname,dob,sex,pnc,postcode,sentence_start,...
  static const std::string& Header() { return (*lines_)[0]; }
  static std::vector<std::string> Rows(size_t n) {
    return std::vector<std::string>(lines_->begin() + 1, lines_->begin() + 1 + n);
  }
  // A real row with field `f` replaced.
  static std::string RowWith(size_t row, size_t f, const std::string& value) {
    std::vector<std::string> fields = Split((*lines_)[row], ',');
    fields[f] = value;
    std::string out;
    for (size_t i = 0; i < fields.size(); ++i) out += (i > 0 ? "," : "") + fields[i];
    return out;
  }
  static std::string Csv(const std::vector<std::string>& rows) {
    std::string text = Header() + "\n";
    for (const std::string& r : rows) text += r + "\n";
    return text;
  }

  // probity ingest of one probation file into `db`, rejects next to it.
  CommandResult Ingest(const std::string& db, const std::string& file,
                       const std::string& settings = Settings()) const {
    return RunProbity("ingest --db " + Quote(db) + " --settings " + Quote(settings) +
                      " --input probation=" + Quote(file) + " --rejects " +
                      Quote(db + ".rejects.csv"));
  }
  // probity run with a probation file and the generated police file.
  CommandResult Run(const std::string& out, const std::string& probation,
                    const std::string& settings = Settings(), const std::string& extra = "") const {
    return RunProbity("run --settings " + Quote(settings) + " --input probation=" +
                      Quote(probation) + " --input police=" + Quote(Data("police.csv")) +
                      " --out-dir " + Quote(out) + " --u-pairs 20000 " + extra);
  }
  // The rejects file's rows after its header, split into source, line, reason
  // (raw dropped).
  static std::vector<std::vector<std::string>> Rejects(const std::string& path) {
    std::vector<std::vector<std::string>> out;
    const std::vector<std::string> lines = Lines(ReadFile(path));
    for (size_t i = 1; i < lines.size(); ++i) {
      // source,line,reason,raw: the reason may be quoted and hold commas.
      const std::string& l = lines[i];
      const size_t a = l.find(',');
      const size_t b = l.find(',', a + 1);
      std::string rest = l.substr(b + 1);
      std::string reason;
      if (!rest.empty() && rest[0] == '"') {
        size_t j = 1;
        for (; j < rest.size(); ++j) {
          if (rest[j] == '"' && j + 1 < rest.size() && rest[j + 1] == '"') {
            reason += '"';
            ++j;
          } else if (rest[j] == '"') {
            break;
          } else {
            reason += rest[j];
          }
        }
      } else {
        reason = rest.substr(0, rest.find(','));
      }
      out.push_back({l.substr(0, a), l.substr(a + 1, b - a - 1), reason});
    }
    return out;
  }
  static std::string Export(const std::string& db) {
    const CommandResult r = RunProbity("export --db " + Quote(db) + " --source probation");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // The "invalid" count of a field in `probity stats`.
  static int InvalidCount(const std::string& db, const std::string& field) {
    const CommandResult stats = RunProbity("stats --db " + Quote(db));
    EXPECT_EQ(stats.exit_code, 0) << stats.err;
    for (const std::string& line : Lines(stats.out)) {
      if (line.rfind("  " + field + " ", 0) != 0) continue;
      std::vector<std::string> cols;  // field, missing, missing%, invalid, distinct
      for (const std::string& c : Split(line, ' ')) {
        if (!c.empty()) cols.push_back(c);
      }
      if (cols.size() >= 4) return std::stoi(cols[3]);
    }
    ADD_FAILURE() << "no line for " << field << " in\n" << stats.out;
    return -1;
  }
  // probity with each file it writes limited to `blocks` (ulimit -f counts
  // 512-byte blocks in dash, 1 KiB in bash) and SIGXFSZ ignored, so a write
  // past it fails with EFBIG like a full disk instead of killing the process.
  static CommandResult RunProbityWithFileLimit(int blocks, const std::string& args) {
    return RunCommand("sh -c \"trap '' XFSZ; ulimit -f " + std::to_string(blocks) + "; exec " +
                      std::string(PROBITY_BINARY) + " " + args + "\"");
  }
  // A write to store `db` that did not fit: one line naming the store.
  static void ExpectStoreFull(const CommandResult& r, const std::string& db) {
    EXPECT_TRUE(OneLineError(r));
    EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.rfind("probity: " + db + ": ", 0), 0u) << r.err;
  }
  // Generates `people` synthetic people into dir/data and returns the
  // --settings and --input arguments for `sources`; `rows` gets the number of
  // data rows of the first.
  static std::string SynthInputs(const TempDir& dir, int people, int seed,
                                 const std::vector<std::string>& sources, size_t* rows) {
    const CommandResult synth = RunProbity("synth --people " + std::to_string(people) + " --seed " +
                                           std::to_string(seed) + " --out-dir " +
                                           Quote(dir.File("data")));
    EXPECT_EQ(synth.exit_code, 0) << synth.err;
    std::string inputs = " --settings " + Quote(dir.File("data/settings.json"));
    for (const std::string& source : sources) {
      inputs += " --input " + source + "=" + Quote(dir.File("data/" + source + ".csv"));
    }
    *rows = Lines(ReadFile(dir.File("data/" + sources.at(0) + ".csv"))).size() - 1;
    return inputs;
  }
  static size_t StoredRecords(const std::string& db, const std::string& source) {
    const CommandResult r = RunProbity("export --db " + Quote(db) + " --source " + source);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Lines(r.out).size() - 1;
  }

  TempDir work_;
  static TempDir* dir_;
  static std::vector<std::string>* lines_;
};

TempDir* BadInputTest::dir_ = nullptr;
std::vector<std::string>* BadInputTest::lines_ = nullptr;

// The refusal of a whole file: one line, and neither a store nor outputs made.
void ExpectRefusedBeforeWriting(const CommandResult& ingest, const CommandResult& run,
                                const std::string& expected_error, const std::string& db,
                                const std::string& out) {
  EXPECT_TRUE(OneLineError(ingest));
  EXPECT_EQ(ingest.err, "probity: " + expected_error + "\n");
  EXPECT_FALSE(fs::exists(db)) << "a store was created";
  EXPECT_TRUE(OneLineError(run));
  EXPECT_EQ(run.err, "probity: " + expected_error + "\n");
  EXPECT_FALSE(fs::exists(out)) << "an output folder was created";
}

TEST_F(BadInputTest, EmptyFile) {
  const std::string file = work_.File("empty.csv");
  WriteFile(file, "");
  ExpectRefusedBeforeWriting(Ingest(work_.File("db"), file), Run(work_.File("out"), file),
                             file + ": empty file (no header row)", work_.File("db"),
                             work_.File("out"));
  WriteFile(file, "\n\r\n  \n");  // only blank lines
  EXPECT_EQ(Ingest(work_.File("db"), file).err,
            "probity: " + file + ": empty file (no header row)\n");
}

// A header with no rows is a failed export, not an empty source: refused
// (a run would otherwise "succeed" with no pairs).
TEST_F(BadInputTest, HeaderOnly) {
  const std::string file = work_.File("header.csv");
  WriteFile(file, Header() + "\n");
  ExpectRefusedBeforeWriting(Ingest(work_.File("db"), file), Run(work_.File("out"), file),
                             file + ": header only, no data rows", work_.File("db"),
                             work_.File("out"));
  // Rows that are all rejected are not "header only": they go to the rejects file.
  WriteFile(file, Header() + "\nX1,too,few\n");
  const CommandResult r = Ingest(work_.File("db2"), file);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Rejects(work_.File("db2.rejects.csv")).size(), 1u);
}

// The first data row read as a header names no column the settings want.
TEST_F(BadInputTest, NoHeader) {
  const std::string file = work_.File("noheader.csv");
  std::string text;
  for (const std::string& row : Rows(20)) text += row + "\n";
  WriteFile(file, text);
  const CommandResult ingest = Ingest(work_.File("db"), file);
  const CommandResult run = Run(work_.File("out"), file);
  for (const CommandResult* r : {&ingest, &run}) {
    EXPECT_TRUE(OneLineError(*r));
    EXPECT_EQ(r->err.rfind("probity: " + file + ": line 1: ", 0), 0u) << r->err;
  }
  EXPECT_FALSE(fs::exists(work_.File("db")));
  EXPECT_FALSE(fs::exists(work_.File("out")));
}

TEST_F(BadInputTest, BinaryFile) {
  const std::string gz = work_.File("extract.csv.gz");
  WriteFile(gz, std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xbd\x07`\x1cI", 16));
  ExpectRefusedBeforeWriting(Ingest(work_.File("db"), gz), Run(work_.File("out"), gz),
                             gz + ": line 1: not a text file (NUL byte)", work_.File("db"),
                             work_.File("out"));
  // Binary without a NUL in its first line: its "header" is not UTF-8.
  const std::string png = work_.File("photo.csv");
  WriteFile(png, std::string("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 16));
  EXPECT_EQ(Ingest(work_.File("db"), png).err,
            "probity: " + png + ": line 1: header is not valid UTF-8\n");
}

// Rows holding invalid UTF-8 (e.g. a Latin-1 export) are rejected with their
// line; the others are stored; stderr stays silent and names no value.
TEST_F(BadInputTest, InvalidUtf8) {
  const std::string file = work_.File("latin1.csv");
  std::vector<std::string> rows = Rows(10);
  rows[3] = RowWith(4, 2, "Mu\xf1oz");  // line 5
  WriteFile(file, Csv(rows));
  const CommandResult r = Ingest(work_.File("db"), file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("1 rejected rows written to " + work_.File("db.rejects.csv")),
            std::string::npos)
      << r.out;
  const auto rejects = Rejects(work_.File("db.rejects.csv"));
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0], (std::vector<std::string>{"probation", "5", "invalid UTF-8"}));
  EXPECT_EQ(StoredRecords(work_.File("db"), "probation"), 9u);

  WriteFile(file, "crn,forenames,surn\xe1me\n" + Rows(1)[0] + "\n");
  const CommandResult header = Ingest(work_.File("db2"), file);
  EXPECT_TRUE(OneLineError(header));
  EXPECT_EQ(header.err, "probity: " + file + ": line 1: header is not valid UTF-8\n");
}

TEST_F(BadInputTest, NulBytes) {
  const std::string file = work_.File("nul.csv");
  std::vector<std::string> rows = Rows(10);
  rows[0] = RowWith(1, 1, std::string("An\0na", 5));  // line 2
  WriteFile(file, Csv(rows));
  const CommandResult r = Ingest(work_.File("db"), file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rejects = Rejects(work_.File("db.rejects.csv"));
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0], (std::vector<std::string>{"probation", "2", "NUL byte"}));
  EXPECT_EQ(StoredRecords(work_.File("db"), "probation"), 9u);
}

// A 10 MB field is no name or address: the row is rejected (its raw text cut
// to 1 KiB in the rejects file), and the run stays fast (comparing such a
// value with every candidate would take minutes).
TEST_F(BadInputTest, TenMegabyteField) {
  const std::string file = work_.File("huge.csv");
  std::vector<std::string> rows = Rows(299);
  rows[6] = RowWith(7, 2, std::string(10 << 20, 'A'));  // line 8
  WriteFile(file, Csv(rows));
  const CommandResult r = Run(work_.File("out"), file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rejects = Rejects(work_.File("out/rejects.csv"));
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0], (std::vector<std::string>{"probation", "8",
                                                  "field 3 (surname) longer than 65536 bytes"}));
  EXPECT_LT(fs::file_size(work_.File("out/rejects.csv")), 2000u);
  const nlohmann::json summary = nlohmann::json::parse(ReadFile(work_.File("out/summary.json")));
  EXPECT_EQ(summary["rows_rejected"], 1);
  EXPECT_LT(summary["seconds"]["train"].get<double>(), 5.0);
}

// An opening quote never closed: only that line is rejected, reading resumes
// on the next line. In the header it is an error.
TEST_F(BadInputTest, UnterminatedQuote) {
  const std::string file = work_.File("quote.csv");
  std::vector<std::string> rows = Rows(10);
  rows[4] = RowWith(5, 1, "\"Ann");  // line 6
  WriteFile(file, Csv(rows));
  const CommandResult r = Ingest(work_.File("db"), file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rejects = Rejects(work_.File("db.rejects.csv"));
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0], (std::vector<std::string>{"probation", "6", "unterminated quoted field"}));
  EXPECT_EQ(StoredRecords(work_.File("db"), "probation"), 9u);

  WriteFile(file, "crn,\"forenames,surname\n" + Rows(1)[0] + "\n");
  const CommandResult header = Ingest(work_.File("db2"), file);
  EXPECT_TRUE(OneLineError(header));
  EXPECT_EQ(header.err,
            "probity: " + file + ": line 1: unterminated quoted field in the header row\n");
}

TEST_F(BadInputTest, WrongFieldCounts) {
  const std::string file = work_.File("fields.csv");
  std::vector<std::string> rows = Rows(10);
  const size_t n = Split(Header(), ',').size();
  rows[1] = "X1,too,few";        // line 3
  rows[7] = rows[7] + ",extra";  // line 9
  WriteFile(file, Csv(rows));
  const CommandResult r = Ingest(work_.File("db"), file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rejects = Rejects(work_.File("db.rejects.csv"));
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_EQ(rejects[0],
            (std::vector<std::string>{"probation", "3",
                                      "expected " + std::to_string(n) + " fields, found 3"}));
  EXPECT_EQ(rejects[1], (std::vector<std::string>{"probation", "9",
                                                  "expected " + std::to_string(n) +
                                                      " fields, found " + std::to_string(n + 1)}));
  EXPECT_EQ(StoredRecords(work_.File("db"), "probation"), 8u);
}

// The first row of an id is stored; a later one with the same id, and rows
// without one, are rejected (never merged, never dropped silently).
TEST_F(BadInputTest, DuplicateAndEmptyIds) {
  const std::string file = work_.File("ids.csv");
  std::vector<std::string> rows = Rows(10);
  const std::string first_id = Split(rows[0], ',')[0];
  rows.push_back(RowWith(3, 0, first_id));  // line 12
  rows.push_back(RowWith(4, 0, ""));        // line 13
  rows.push_back(RowWith(5, 0, "   "));     // line 14: only spaces
  WriteFile(file, Csv(rows));
  const CommandResult r = Ingest(work_.File("db"), file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rejects = Rejects(work_.File("db.rejects.csv"));
  ASSERT_EQ(rejects.size(), 3u);
  EXPECT_EQ(rejects[0],
            (std::vector<std::string>{"probation", "12", "duplicate id (column \"crn\")"}));
  EXPECT_EQ(rejects[1], (std::vector<std::string>{"probation", "13", "empty id"}));
  EXPECT_EQ(rejects[2], (std::vector<std::string>{"probation", "14", "empty id"}));
  // What is stored is exactly the ten good rows (the first copy of the id).
  WriteFile(work_.File("good.csv"), Csv(Rows(10)));
  ASSERT_EQ(Ingest(work_.File("good"), work_.File("good.csv")).exit_code, 0);
  EXPECT_EQ(Export(work_.File("db")), Export(work_.File("good")));
  EXPECT_EQ(Lines(Export(work_.File("db"))).size(), 11u);
}

// An impossible date (31 February) or a birth in the future is never guessed:
// the row is stored (its names and postcode still link) with the date
// missing, and the date is counted as invalid in the store's quality counts
// (`probity stats`), not rejected.
TEST_F(BadInputTest, ImpossibleAndFutureDates) {
  const std::string file = work_.File("dates.csv");
  std::vector<std::string> rows = Rows(10);
  rows[2] = RowWith(3, 3, "31/02/1990");
  rows[5] = RowWith(6, 3, "01/01/2990");
  rows[8] = RowWith(9, 3, "00/13/1985");
  WriteFile(file, Csv(rows));
  const CommandResult r = Ingest(work_.File("db"), file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(work_.File("db.rejects.csv")));
  EXPECT_EQ(StoredRecords(work_.File("db"), "probation"), 10u);
  // Against the same rows with their real dates: three more invalid dates,
  // and those three records have no date; the rest is the same.
  WriteFile(work_.File("good.csv"), Csv(Rows(10)));
  ASSERT_EQ(Ingest(work_.File("good"), work_.File("good.csv")).exit_code, 0);
  EXPECT_EQ(InvalidCount(work_.File("db"), "dob"), InvalidCount(work_.File("good"), "dob") + 3);
  const std::vector<std::string> bad = Lines(Export(work_.File("db")));
  const std::vector<std::string> good = Lines(Export(work_.File("good")));
  ASSERT_EQ(bad.size(), good.size());
  const std::vector<std::string> header = Split(bad[0], ',');
  const size_t dob =
      static_cast<size_t>(std::find(header.begin(), header.end(), "dob") - header.begin());
  ASSERT_LT(dob, header.size());
  const std::set<std::string> changed = {Split(rows[2], ',')[0], Split(rows[5], ',')[0],
                                         Split(rows[8], ',')[0]};
  for (size_t i = 1; i < bad.size(); ++i) {  // both in id order
    std::vector<std::string> expected = Split(good[i], ',');
    if (changed.contains(expected[0])) expected[dob] = "";
    EXPECT_EQ(Split(bad[i], ','), expected);
  }
}

// A memory budget too small to be useful, or negative, is refused before the
// store is created.
TEST_F(BadInputTest, IngestMemoryOutOfRange) {
  const std::string db = work_.File("db");
  for (const char* memory : {"3", "-3", "0"}) {
    SCOPED_TRACE(memory);
    const CommandResult r =
        RunProbity("ingest --db " + Quote(db) + " --settings " + Quote(Settings()) +
                   " --input probation=" + Quote(Data("probation.csv")) + " --memory " + memory);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, std::string("probity: --memory ") + memory +
                         ": expected MiB between 16 and 1048576\n");
    EXPECT_FALSE(std::filesystem::exists(db));
  }
}

// Settings naming a column the input lacks: refused before any work, naming
// the file, the column, the source and the field.
TEST_F(BadInputTest, SettingsNamingMissingColumns) {
  std::string settings = ReadFile(Settings());
  const std::string from = "\"postcode\": \"postcode\"";
  ASSERT_NE(settings.find(from), std::string::npos);
  settings.replace(settings.find(from), from.size(), "\"postcode\": \"post_code\"");
  const std::string path = work_.File("settings.json");
  WriteFile(path, settings);
  const std::string expected = Data("probation.csv") +
                               ": line 1: no column \"post_code\" (source \"probation\", field "
                               "postcode in " +
                               path + ")";
  ExpectRefusedBeforeWriting(Ingest(work_.File("db"), Data("probation.csv"), path),
                             Run(work_.File("out"), Data("probation.csv"), path), expected,
                             work_.File("db"), work_.File("out"));
}

// Unknown fields, keys, types and comparators: refused with the path to the
// offending key.
TEST_F(BadInputTest, SettingsWithUnknownFields) {
  const std::string base = ReadFile(Settings());
  const struct {
    std::string from, to, error;
  } cases[] = {
      {"\"sex\": \"sex\",", "\"sex\": \"sex\", \"shoe_size\": \"sex\",",
       "sources.probation.fields.shoe_size: unknown canonical field \"shoe_size\""},
      {"\"threshold\": 0.5", "\"threshold\": 0.5, \"treshold\": 0.4", "unknown key \"treshold\""},
      {"\"sex\": \"sex\",",
       "\"sex\": \"sex\", \"eth\": {\"column\": \"sex\", \"type\": \"colour\"},",
       "unknown type \"colour\""},
      {"\"threshold\": 0.5",
       "\"threshold\": 0.5, \"comparisons\": [{\"field\": \"surname\", \"comparator\": "
       "\"soundex\"}]",
       "soundex"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.to);
    std::string settings = base;
    ASSERT_NE(settings.find(c.from), std::string::npos);
    settings.replace(settings.find(c.from), c.from.size(), c.to);
    const std::string path = work_.File("settings.json");
    WriteFile(path, settings);
    const CommandResult ingest = Ingest(work_.File("db"), Data("probation.csv"), path);
    const CommandResult run = Run(work_.File("out"), Data("probation.csv"), path);
    for (const CommandResult* r : {&ingest, &run}) {
      EXPECT_TRUE(OneLineError(*r));
      EXPECT_EQ(r->err.rfind("probity: " + path + ": ", 0), 0u) << r->err;
      EXPECT_NE(r->err.find(c.error), std::string::npos) << r->err;
    }
    EXPECT_FALSE(fs::exists(work_.File("db")));
    EXPECT_FALSE(fs::exists(work_.File("out")));
  }
}

// Malformed JSON: line and column; never the raw bytes (they may be binary);
// a key given twice (one value would silently win); a directory.
TEST_F(BadInputTest, MalformedJson) {
  const std::string path = work_.File("settings.json");
  const std::string settings = ReadFile(Settings());
  const struct {
    std::string text, error;
  } cases[] = {
      {"{\n  \"link_type\": \"link_only\",\n  \"sources\": {,}\n}\n",
       "line 3, column 15: malformed JSON: syntax error while parsing object key"},
      {settings.substr(0, 200), ": malformed JSON: syntax error while parsing"},
      {std::string("\xff\xfe{\0\"\0", 6), "line 1, column 1: malformed JSON:"},
      {"{\"link_type\": \"link_\xe9only\"}", "line 1, column 22: malformed JSON:"},
      {"{\"link_type\": \"dedupe_only\", \"sources\": {\"a\": {\"id\": \"crn\", \"fields\": "
       "{\"surname\": \"surname\", \"surname\": \"forenames\"}}}}",
       "duplicate key \"sources.a.fields.surname\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.error);
    WriteFile(path, c.text);
    const CommandResult r = Ingest(work_.File("db"), Data("probation.csv"), path);
    EXPECT_TRUE(OneLineError(r));
    EXPECT_EQ(r.err.rfind("probity: " + path + ": ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << r.err;
    for (char ch : r.err) EXPECT_LT(static_cast<unsigned char>(ch), 0x80) << r.err;
    EXPECT_FALSE(fs::exists(work_.File("db")));
  }
  const CommandResult dir = Ingest(work_.File("db"), Data("probation.csv"), work_.path());
  EXPECT_EQ(dir.err, "probity: " + work_.path() + ": is a directory, not a settings file\n");
}

// A store written by a newer probity: refused by every command, untouched.
TEST_F(BadInputTest, StoreOfANewerFormatVersion) {
  const std::string db = work_.File("db");
  ASSERT_EQ(Ingest(db, Data("probation.csv")).exit_code, 0);
  {
    absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(db);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(
        (*store)->PutMeta("format_version", std::to_string(storage::kFormatVersion + 1)).ok());
  }
  const std::string expected = "probity: " + db + ": written by a newer probity (format " +
                               std::to_string(storage::kFormatVersion + 1) +
                               "; this build reads format " +
                               std::to_string(storage::kFormatVersion) + ")\n";
  for (const std::string& command :
       {"stats --db " + Quote(db), "export --db " + Quote(db) + " --source probation",
        "train --db " + Quote(db),
        "ingest --db " + Quote(db) + " --settings " + Quote(Settings()) + " --input probation=" +
            Quote(Data("probation.csv")) + " --rejects " + Quote(work_.File("r.csv")),
        "run --settings " + Quote(Settings()) + " --input probation=" +
            Quote(Data("probation.csv")) + " --input police=" + Quote(Data("police.csv")) +
            " --out-dir " + Quote(work_.File("out")) + " --db " + Quote(db)}) {
    SCOPED_TRACE(command);
    const CommandResult r = RunProbity(command);
    EXPECT_TRUE(OneLineError(r));
    EXPECT_EQ(r.err, expected);
  }
  const CommandResult service =
      RunCommand(std::string(PROBITY_SERVICE_BINARY) + " --db " + Quote(db));
  EXPECT_EQ(service.exit_code, 1);
  EXPECT_NE(service.err.find("written by a newer probity"), std::string::npos) << service.err;
  // Still the newer store (nothing "upgraded" or rewritten it).
  absl::StatusOr<std::unique_ptr<storage::Store>> again = storage::Store::Open(db);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("newer probity"), std::string::npos);
}

// A directory holding other files is never taken for a store (nor written to).
TEST_F(BadInputTest, DirectoryThatIsNotAStore) {
  const std::string dir = work_.File("documents");
  fs::create_directory(dir);
  WriteFile(dir + "/notes.txt", "keep me\n");
  const CommandResult ingest = Ingest(dir, Data("probation.csv"));
  const CommandResult run =
      Run(work_.File("out"), Data("probation.csv"), Settings(), "--db " + Quote(dir));
  for (const CommandResult* r : {&ingest, &run}) {
    EXPECT_TRUE(OneLineError(*r));
    EXPECT_EQ(r->err, "probity: " + dir + ": not a probity store (no RocksDB CURRENT file)\n");
  }
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"notes.txt"});
  EXPECT_EQ(ReadFile(dir + "/notes.txt"), "keep me\n");
  // A regular file given as the store.
  const CommandResult file = Ingest(dir + "/notes.txt", Data("probation.csv"));
  EXPECT_TRUE(OneLineError(file));
  EXPECT_EQ(file.err, "probity: " + dir + "/notes.txt: not a directory\n");
}

// Outputs that cannot be written: one line naming the path and the reason.
// Tests run as root here, and root ignores permission bits, so the outputs go
// under a regular file (ENOTDIR), which fails for every user; a mode-0500
// directory is tried too when not root.
TEST_F(BadInputTest, UnwritableOutputDirectory) {
  const std::string file = work_.File("a-file");
  WriteFile(file, "x\n");
  const CommandResult run = Run(file + "/out", Data("probation.csv"));
  EXPECT_TRUE(OneLineError(run));
  EXPECT_EQ(run.err, "probity: " + file + "/out: cannot create: Not a directory\n");

  std::vector<std::string> rows = Rows(5);
  rows.push_back("X1,too,few");
  WriteFile(work_.File("bad.csv"), Csv(rows));
  const CommandResult rejects =
      RunProbity("ingest --db " + Quote(work_.File("db")) + " --settings " + Quote(Settings()) +
                 " --input probation=" + Quote(work_.File("bad.csv")) + " --rejects " +
                 Quote(file + "/r.csv"));
  EXPECT_TRUE(OneLineError(rejects));
  EXPECT_EQ(rejects.err,
            "probity: " + file + "/r.csv: cannot write rejects file: Not a directory\n");

  const CommandResult exported = RunProbity("export --db " + Quote(work_.File("db")) +
                                            " --source probation --out " + Quote(file + "/e.csv"));
  EXPECT_TRUE(OneLineError(exported));

  if (::geteuid() != 0) {
    const std::string locked = work_.File("locked");
    fs::create_directory(locked);
    ::chmod(locked.c_str(), 0500);
    const CommandResult r = Run(locked, Data("probation.csv"));
    EXPECT_TRUE(OneLineError(r));
    EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
    ::chmod(locked.c_str(), 0700);
  }
}

// A full disk. Everywhere: RLIMIT_FSIZE (`ulimit -f`, with SIGXFSZ ignored so
// writes fail with EFBIG instead of killing the process). As root with mount
// namespaces: a real 1 MiB tmpfs (ENOSPC). The command fails with one line;
// the store still opens, and an ingest with room completes it.
TEST_F(BadInputTest, FullDisk) {
  TempDir big;
  size_t rows = 0;  // of probation.csv
  const std::string inputs = SynthInputs(big, 4000, 22, {"probation", "police"}, &rows);
  const std::string db = work_.File("db");
  ExpectStoreFull(RunProbityWithFileLimit(256, "ingest --db " + Quote(db) + inputs +
                                                   " --rejects " + Quote(work_.File("r.csv"))),
                  db);
  const CommandResult stats = RunProbity("stats --db " + Quote(db));
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  const CommandResult rerun =
      RunProbity("ingest --db " + Quote(db) + inputs + " --rejects " + Quote(work_.File("r.csv")));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(StoredRecords(db, "probation"), rows);

  // An output that does not fit: pairs.csv of `probity link`.
  ASSERT_EQ(RunProbity("train --db " + Quote(db) + " --u-pairs 20000").exit_code, 0);
  const CommandResult link = RunProbityWithFileLimit(
      64, "link --db " + Quote(db) + " --out-dir " + Quote(work_.File("out")));
  EXPECT_TRUE(OneLineError(link));
  EXPECT_EQ(link.err,
            "probity: " + work_.File("out/pairs.csv") + ": write failed: File too large\n");
  // No truncated file is left under the real name, nor a partial one beside it.
  EXPECT_FALSE(fs::exists(work_.File("out/pairs.csv")));
  EXPECT_FALSE(fs::exists(work_.File("out/pairs.csv.partial")));

  // ENOSPC on a real small file system, where the machine allows it.
  if (::geteuid() != 0 || RunCommand("unshare -m true").exit_code != 0) {
    GTEST_SKIP() << "no mount namespace here: the tmpfs part is skipped (RLIMIT_FSIZE ran)";
  }
  const std::string mnt = work_.File("mnt");
  fs::create_directory(mnt);
  const std::string bin = PROBITY_BINARY;
  const std::string script =
      "mount -t tmpfs -o size=1m tmpfs " + mnt + " || exit 99\n" + bin + " ingest --db " + mnt +
      "/db" + inputs + " --rejects " + mnt + "/r.csv 2>" + work_.File("enospc.err") +
      "; echo $? >" + work_.File("enospc.status") + "\n" + bin + " stats --db " + mnt +
      "/db >/dev/null 2>&1; echo $? >>" + work_.File("enospc.status") + "\n" +
      "mount -o remount,size=200m " + mnt + "\n" + bin + " ingest --db " + mnt + "/db" + inputs +
      " --rejects " + mnt + "/r.csv >/dev/null 2>&1; echo $? >>" + work_.File("enospc.status") +
      "\n" + bin + " export --db " + mnt + "/db --source probation | wc -l >>" +
      work_.File("enospc.status") + "\n";
  WriteFile(work_.File("enospc.sh"), script);
  const CommandResult ns = RunCommand("unshare -m sh " + Quote(work_.File("enospc.sh")));
  if (ns.exit_code == 99) GTEST_SKIP() << "cannot mount a tmpfs here: " << ns.err;
  const std::vector<std::string> status = Lines(ReadFile(work_.File("enospc.status")));
  ASSERT_EQ(status.size(), 4u) << ns.err;
  const CommandResult enospc{1, "", ReadFile(work_.File("enospc.err"))};
  EXPECT_TRUE(OneLineError(enospc));
  EXPECT_NE(enospc.err.find("No space left on device"), std::string::npos) << enospc.err;
  EXPECT_NE(status[0], "0") << "ingest on a full disk";
  EXPECT_EQ(status[1], "0") << "the store does not open after a full disk";
  EXPECT_EQ(status[2], "0") << "ingest with room again";
  EXPECT_EQ(status[3], std::to_string(rows + 1)) << "records after the full disk";
}

// A full disk while a run is written in the middle of a load (a small
// --memory makes several runs): the error reaches the reading thread, which
// stops with one line, and a rerun with room completes the store.
TEST_F(BadInputTest, FullDiskWhileARunIsWritten) {
  TempDir big;
  size_t rows = 0;
  const std::string inputs = SynthInputs(big, 20000, 23, {"police"}, &rows) + " --rejects " +
                             Quote(work_.File("r.csv"));
  const std::string db = work_.File("db");
  ExpectStoreFull(RunProbityWithFileLimit(2048, "ingest --memory 16 --db " + Quote(db) + inputs),
                  db);
  const CommandResult rerun = RunProbity("ingest --memory 16 --db " + Quote(db) + inputs);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(StoredRecords(db, "police"), rows);
}

// One store, two processes: a second writer is refused with one line, and the
// first is not disturbed. Read-only commands (stats, export) may read a store
// another process writes: they see it as of its last flush.
TEST_F(BadInputTest, SameStoreOpenedByTwoProcesses) {
  const std::string db = work_.File("db");
  ASSERT_EQ(Ingest(db, Data("probation.csv")).exit_code, 0);
  const size_t rows = Lines(ReadFile(Data("probation.csv"))).size() - 1;
  {
    // This test process holds the store, as a running ingest or service would.
    absl::StatusOr<std::unique_ptr<storage::Store>> holder = storage::Store::Open(db);
    ASSERT_TRUE(holder.ok()) << holder.status();
    const std::string expected = "probity: " + db + ": store is already open in another process\n";
    for (const CommandResult& r :
         {Ingest(db, Data("probation.csv")),
          Run(work_.File("out"), Data("probation.csv"), Settings(), "--db " + Quote(db)),
          RunProbity("train --db " + Quote(db))}) {
      EXPECT_TRUE(OneLineError(r));
      EXPECT_EQ(r.err, expected);
    }
    const CommandResult service =
        RunCommand(std::string(PROBITY_SERVICE_BINARY) + " --db " + Quote(db));
    EXPECT_EQ(service.exit_code, 1);
    EXPECT_NE(service.err.find("already open in another process"), std::string::npos)
        << service.err;
    const CommandResult stats = RunProbity("stats --db " + Quote(db));
    EXPECT_EQ(stats.exit_code, 0) << stats.err;
    EXPECT_TRUE((*holder)->Get(1, Split(Rows(1)[0], ',')[0]).ok());
  }
  EXPECT_EQ(StoredRecords(db, "probation"), rows);

  // Two runs into one output folder: the second must not delete the store the
  // first is using (OUT/store, rebuilt by every run).
  const std::string out = work_.File("out2");
  ASSERT_EQ(Run(out, Data("probation.csv")).exit_code, 0);
  {
    absl::StatusOr<std::unique_ptr<storage::Store>> first = storage::Store::Open(out + "/store");
    ASSERT_TRUE(first.ok()) << first.status();
    const CommandResult second = Run(out, Data("probation.csv"));
    EXPECT_TRUE(OneLineError(second));
    EXPECT_EQ(second.err, "probity: " + out + "/store: store is already open in another process\n");
    EXPECT_TRUE(fs::exists(out + "/store/CURRENT"));
    EXPECT_TRUE(fs::exists(out + "/summary.json")) << "the first run's outputs were removed";
    EXPECT_TRUE((*first)->PutMeta("still", "mine").ok());
  }
}

}  // namespace
}  // namespace probity
