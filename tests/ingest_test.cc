// End-to-end ingestion into a real RocksDB store on disk.
#include "engine/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "engine/record.h"
#include "tests/test_util.h"

namespace probity {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kSettings = R"({
  "link_type": "link_only",
  "sources": {
    "probation": {"id": "crn", "fields": {
      "forename": "first_names", "surname": "last_name",
      "dob": {"column": "birth_date", "format": "DD/MM/YYYY"},
      "sex": "gender", "pnc": "pnc_number", "postcode": "postcode"}},
    "police": {"id": "pnc_id", "fields": {
      "forename": {"column": "forename", "separator": ";"}, "surname": "surname",
      "dob": {"column": "dob", "format": "YYYY-MM-DD", "separator": ";"},
      "sex": "sex", "pnc": "pnc_id", "postcode": "address_postcode"}}
  }
})";

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Settings> s = Settings::Parse(kSettings, "settings.json");
    ASSERT_TRUE(s.ok()) << s.status();
    settings_ = *s;
    absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(dir_.File("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    options_.rejects_path = dir_.File("rejects.csv");
    options_.threads = 2;
  }

  absl::StatusOr<IngestReport> IngestCsv(const std::string& source, const std::string& csv) {
    const std::string path = dir_.File(source + ".csv");
    WriteFile(path, csv);
    return Ingest(*store_, settings_, {IngestInput{source, path}}, options_);
  }

  Record Get(const std::string& source, const std::string& id) {
    absl::StatusOr<uint16_t> code = store_->SourceCode(source, false);
    EXPECT_TRUE(code.ok());
    auto stored = store_->Get(*code, id);
    EXPECT_TRUE(stored.ok() && stored->has_value()) << id;
    Record r;
    if (stored.ok() && stored->has_value()) {
      EXPECT_TRUE(DecodeRecord((*stored)->payload, &r).ok());
    }
    return r;
  }

  TempDir dir_;
  Settings settings_;
  std::unique_ptr<storage::Store> store_;
  IngestOptions options_;
};

TEST_F(IngestTest, NormalisesAndStoresEveryUsableRow) {
  // Quoted fields, a comma inside quotes, CRLF, a BOM, spaces after commas, no final newline.
  const std::string csv =
      "\xEF\xBB\xBF" "crn, first_names, last_name, birth_date, gender, pnc_number, postcode\r\n"
      "X1, Siobhán, \"Ó Briain\", 07/08/1990, F, 2000/1234567V, sw1a1aa\r\n"
      "X2, \"MR JOHN\", Smith-Jones, 31/02/1990, m, 00/1234567W, CR3 6GY\r\n"
      "X3, Zoë, \"O'Neil, Jr\", 01/01/2090, female, , NOTAPOSTCODE";
  absl::StatusOr<IngestReport> report = IngestCsv("probation", csv);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->sources.size(), 1u);
  EXPECT_EQ(report->sources[0].rows, 3u);
  EXPECT_EQ(report->sources[0].stored, 3u);
  EXPECT_EQ(report->rejected, 0u);

  const Record x1 = Get("probation", "X1");
  ASSERT_EQ(x1.forenames.size(), 1u);
  EXPECT_EQ(x1.forenames[0].text, "SIOBHAN");
  EXPECT_EQ(x1.surnames[0].text, "OBRIAIN");
  EXPECT_EQ(x1.dobs, std::vector<DayNumber>{ToDayNumber({1990, 8, 7})});
  EXPECT_EQ(x1.sex, 'F');
  EXPECT_EQ(x1.postcodes[0].canonical, "SW1A 1AA");
  EXPECT_EQ(x1.pncs[0].canonical, "2000/1234567V");
  EXPECT_EQ(x1.pncs[0].status, IdStatus::kValid);

  const Record x2 = Get("probation", "X2");
  EXPECT_EQ(x2.forenames[0].text, "JOHN");
  EXPECT_EQ(x2.surnames[0].text, "SMITH JONES");
  EXPECT_TRUE(x2.dobs.empty());  // 31 February: missing, never guessed
  EXPECT_EQ(x2.pncs[0].status, IdStatus::kBadCheck);

  const Record x3 = Get("probation", "X3");
  EXPECT_EQ(x3.forenames[0].text, "ZOE");
  EXPECT_TRUE(x3.dobs.empty());  // in the future
  EXPECT_TRUE(x3.pncs.empty());
  EXPECT_FALSE(x3.postcodes[0].valid);

  // dob is the third mapping: two dates unusable, counted.
  const FieldQuality& dob = report->sources[0].quality[2];
  EXPECT_EQ(dob.invalid, 2u);
  EXPECT_EQ(dob.present, 3u);
  EXPECT_EQ(report->sources[0].quality[4].bad_check, 1u);  // pnc
}

TEST_F(IngestTest, MultiValuedFieldsKeepEveryAlias) {
  absl::StatusOr<IngestReport> report = IngestCsv(
      "police",
      "pnc_id,forename,surname,dob,sex,address_postcode\n"
      "2000/1234567V,William;Bill; ,Smith,1990-08-07;1990-07-08,M,M1 1AE\n");
  ASSERT_TRUE(report.ok()) << report.status();
  const Record r = Get("police", "2000/1234567V");
  ASSERT_EQ(r.forenames.size(), 2u);
  EXPECT_EQ(r.forenames[1].text, "BILL");
  EXPECT_EQ(r.dobs.size(), 2u);
}

TEST_F(IngestTest, RejectsUnusableRowsIntoTheRejectsFile) {
  absl::StatusOr<IngestReport> report = IngestCsv(
      "probation",
      "crn,first_names,last_name,birth_date,gender,pnc_number,postcode\n"
      "X1,Ann,Lee,01/02/1980,F,,\n"
      "X2,too,few\n"
      "X1,Dup,Lee,01/02/1980,F,,\n"
      ",No,Id,01/02/1980,F,,\n"
      "X3,Bad\xff,Utf,01/02/1980,F,,\n"
      "X4,\"multi\nline\",ok,01/02/1980,F,,\n");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->sources[0].rows, 6u);
  EXPECT_EQ(report->sources[0].stored, 2u);
  EXPECT_EQ(report->rejected, 4u);
  EXPECT_EQ(report->rejects_path, dir_.File("rejects.csv"));
  const std::string rejects = testing::ReadFile(dir_.File("rejects.csv"));
  EXPECT_THAT(rejects, HasSubstr("source,line,reason,raw\n"));
  EXPECT_THAT(rejects, HasSubstr("probation,3,\"expected 7 fields, found 3\",\"X2,too,few\"\n"));
  EXPECT_THAT(rejects, HasSubstr("probation,4,\"duplicate id (column \"\"crn\"\")\""));
  EXPECT_THAT(rejects, HasSubstr("probation,5,empty id,"));
  EXPECT_THAT(rejects, HasSubstr("probation,6,"));
  EXPECT_THAT(rejects, HasSubstr("UTF-8"));
  struct stat st {};
  ASSERT_EQ(::stat(dir_.File("rejects.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // holds personal data
  Get("probation", "X4");
}

TEST_F(IngestTest, ReingestReplacesRecordsAndTheirIndexEntries) {
  const std::string header = "crn,first_names,last_name,birth_date,gender,pnc_number,postcode\n";
  ASSERT_TRUE(IngestCsv("probation", header + "X1,Ann,Lee,01/02/1980,F,2000/1234567V,M1 1AE\n").ok());
  const std::vector<BlockingRule> rules = DefaultBlockingRules(settings_);
  const Record before = Get("probation", "X1");
  std::vector<storage::BlockKey> old_keys;
  for (const BlockingRule& rule : rules) AppendBlockKeys(rule, before, &old_keys);
  ASSERT_FALSE(old_keys.empty());

  ASSERT_TRUE(IngestCsv("probation", header + "X1,Ann,Zhao,02/03/1981,F,,B33 8TH\n").ok());
  const Record after = Get("probation", "X1");
  EXPECT_EQ(after.surnames[0].text, "ZHAO");
  std::vector<storage::BlockKey> new_keys;
  for (const BlockingRule& rule : rules) AppendBlockKeys(rule, after, &new_keys);
  for (const storage::BlockKey& key : old_keys) {
    if (std::find(new_keys.begin(), new_keys.end(), key) != new_keys.end()) continue;
    int hits = 0;
    ASSERT_TRUE(store_->ForEachInBlock(key, [&](uint16_t, std::string_view) {
      ++hits;
      return true;
    }).ok());
    EXPECT_EQ(hits, 0) << "stale index entry for rule " << int(key.rule);
  }
  for (const storage::BlockKey& key : new_keys) {
    int hits = 0;
    ASSERT_TRUE(store_->ForEachInBlock(key, [&](uint16_t, std::string_view id) {
      hits += id == "X1";
      return true;
    }).ok());
    EXPECT_EQ(hits, 1);
  }
  auto lee = store_->TermCount(static_cast<uint8_t>(FieldKind::kSurname), "LEE");
  auto zhao = store_->TermCount(static_cast<uint8_t>(FieldKind::kSurname), "ZHAO");
  ASSERT_TRUE(lee.ok() && zhao.ok());
  EXPECT_EQ(*lee, 0);
  EXPECT_EQ(*zhao, 1);
  EXPECT_EQ(*store_->CountRecords(*store_->SourceCode("probation", false)), 1u);
}

TEST_F(IngestTest, FailsBeforeWritingWhenAColumnIsMissing) {
  absl::StatusOr<IngestReport> report =
      IngestCsv("probation", "crn,first_names,last_name,birth_date,gender,postcode\nX1,a,b,,,\n");
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(std::string(report.status().message()),
              HasSubstr("probation.csv: line 1: no column \"pnc_number\""));
  EXPECT_FALSE(store_->SourceCode("probation", false).ok());
}

TEST_F(IngestTest, RefusesASourceNotInTheSettings) {
  absl::StatusOr<IngestReport> report = IngestCsv("prisons", "id\n1\n");
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(std::string(report.status().message()),
              HasSubstr("source \"prisons\" is not in settings.json"));
}

TEST(ParseInputSpecTest, SplitsNameAndFile) {
  absl::StatusOr<IngestInput> input = ParseInputSpec("police=data/a=b.csv");
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(input->source, "police");
  EXPECT_EQ(input->path, "data/a=b.csv");
  EXPECT_FALSE(ParseInputSpec("police.csv").ok());
  EXPECT_FALSE(ParseInputSpec("=x.csv").ok());
}

}  // namespace
}  // namespace probity
