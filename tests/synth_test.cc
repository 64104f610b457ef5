// Tests of the synthetic data generator: file shapes, ground truth, identifiers,
// determinism, the planted corruption and the planted outcome effect.
#include "tools/synth.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/csv_reader.h"
#include "engine/date.h"
#include "engine/identifiers.h"
#include "engine/name_normaliser.h"
#include "engine/settings.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace probity {
namespace {

using testing::ReadFile;
using testing::TempDir;

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::map<std::string, size_t> col;
  const std::string& At(size_t row, const std::string& name) const {
    return rows[row][col.at(name)];
  }
};

Table ReadCsv(const std::string& path) {
  Table t;
  CsvOptions options;
  options.delimiter = ',';
  auto reader = CsvReader::Open(path, options);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return t;
  t.header = (*reader)->header();
  for (size_t i = 0; i < t.header.size(); ++i) t.col[t.header[i]] = i;
  CsvRow row;
  while ((*reader)->Next(&row)) {
    EXPECT_EQ(row.error, "") << path << " line " << row.line;
    t.rows.emplace_back(row.fields.begin(), row.fields.end());
  }
  EXPECT_TRUE((*reader)->status().ok());
  return t;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

// The PNC check letter as the brief states it, independent of the engine.
char ExpectedCheck(int year, long long serial) {
  static const char kLetters[] = "ZABCDEFGHJKLMNPQRTUVWXY";
  return kLetters[((year % 100) * 10'000'000LL + serial) % 23];
}

bool CanonicalPncOk(const std::string& pnc) {
  if (pnc.size() != 13 || pnc[4] != '/') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11}) {
    if (pnc[i] < '0' || pnc[i] > '9') return false;
  }
  return pnc[12] == ExpectedCheck(std::stoi(pnc.substr(0, 4)), std::stoll(pnc.substr(5, 7)));
}

DayNumber Iso(const std::string& s) {
  DayNumber d = 0;
  EXPECT_EQ(ParseDate(s, DateFormat::kYYYY_MM_DD, &d), DateParseResult::kOk) << s;
  return d;
}

DayNumber PlusMonths(DayNumber day, int months) {
  CivilDate c = FromDayNumber(day);
  const int total = c.year * 12 + (c.month - 1) + months;
  CivilDate r{total / 12, total % 12 + 1, c.day};
  while (!IsValidCivilDate(r)) --r.day;
  return ToDayNumber(r);
}

// Everything generated into one directory, indexed.
struct Generated {
  SynthSummary summary;
  Table probation, police, disposals, inspections, truth;
  std::unordered_map<std::string, std::string> person_of_crn, person_of_pnc;
  std::unordered_map<std::string, std::string> police_pnc_of_person;
  std::unordered_map<std::string, std::vector<size_t>> disposals_of_pnc;
  nlohmann::json outcomes;
};

std::unique_ptr<Generated> Generate(const std::string& dir, uint64_t people, uint64_t seed,
                                    Difficulty difficulty) {
  auto g = std::make_unique<Generated>();
  SynthOptions options;
  options.people = people;
  options.seed = seed;
  options.out_dir = dir;
  options.difficulty = difficulty;
  auto summary = GenerateSyntheticData(options);
  EXPECT_TRUE(summary.ok()) << summary.status();
  if (!summary.ok()) return g;
  g->summary = *summary;
  g->probation = ReadCsv(dir + "/probation.csv");
  g->police = ReadCsv(dir + "/police.csv");
  g->disposals = ReadCsv(dir + "/disposals.csv");
  g->inspections = ReadCsv(dir + "/inspections.csv");
  g->truth = ReadCsv(dir + "/truth.csv");
  for (size_t i = 0; i < g->truth.rows.size(); ++i) {
    const std::string& source = g->truth.At(i, "source");
    const std::string& id = g->truth.At(i, "record_id");
    const std::string& person = g->truth.At(i, "person_id");
    if (source == "probation") g->person_of_crn[id] = person;
    if (source == "police") {
      g->person_of_pnc[id] = person;
      g->police_pnc_of_person[person] = id;
    }
  }
  for (size_t i = 0; i < g->disposals.rows.size(); ++i) {
    g->disposals_of_pnc[g->disposals.At(i, "pnc_id")].push_back(i);
  }
  g->outcomes = nlohmann::json::parse(ReadFile(dir + "/outcomes_truth.json"));
  return g;
}

std::string FirstToken(const std::string& normalised) {
  return normalised.substr(0, normalised.find(' '));
}

// Shares of probation rows whose normalised surname / first forename is not
// among the police record's values for the same person.
struct Disagreement {
  double surname = 0;
  double forename = 0;
};

Disagreement MeasureDisagreement(const Generated& g) {
  Disagreement d;
  std::unordered_map<std::string, size_t> police_row;
  for (size_t i = 0; i < g.police.rows.size(); ++i) police_row[g.police.At(i, "pnc_id")] = i;
  size_t surname = 0, forename = 0;
  const size_t n = g.probation.rows.size();
  for (size_t i = 0; i < n; ++i) {
    const std::string& person = g.person_of_crn.at(g.probation.At(i, "crn"));
    const size_t q = police_row.at(g.police_pnc_of_person.at(person));
    std::set<std::string> surnames, forenames;
    for (const auto& s : Split(g.police.At(q, "surname"), ';')) surnames.insert(NormaliseName(s));
    for (const auto& s : Split(g.police.At(q, "forenames"), ';')) {
      forenames.insert(NormaliseName(s));
    }
    if (!surnames.count(NormaliseName(g.probation.At(i, "surname")))) ++surname;
    if (!forenames.count(FirstToken(NormaliseName(g.probation.At(i, "forenames"))))) ++forename;
  }
  d.surname = static_cast<double>(surname) / static_cast<double>(n);
  d.forename = static_cast<double>(forename) / static_cast<double>(n);
  return d;
}

class SynthSmallTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    g_ = Generate(dir_->File("out"), 2000, 11, Difficulty::kNormal).release();
  }
  static void TearDownTestSuite() {
    delete g_;
    delete dir_;
  }
  static TempDir* dir_;
  static Generated* g_;
};
TempDir* SynthSmallTest::dir_ = nullptr;
Generated* SynthSmallTest::g_ = nullptr;

TEST(SynthDifficultyTest, ParsesNames) {
  EXPECT_EQ(ParseDifficulty("easy"), Difficulty::kEasy);
  EXPECT_EQ(ParseDifficulty("normal"), Difficulty::kNormal);
  EXPECT_EQ(ParseDifficulty("hard"), Difficulty::kHard);
  EXPECT_EQ(ParseDifficulty("Hard"), std::nullopt);
  EXPECT_EQ(ParseDifficulty(""), std::nullopt);
  EXPECT_EQ(DifficultyName(Difficulty::kHard), "hard");
}

TEST_F(SynthSmallTest, WritesFilesWithHeadersAndPrivateDirectory) {
  const std::string dir = dir_->File("out");
  struct stat st;
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(g_->probation.header,
            (std::vector<std::string>{"crn", "forenames", "surname", "dob", "sex", "pnc",
                                      "postcode", "sentence_start", "sentence_type",
                                      "termination_reason"}));
  EXPECT_EQ(g_->police.header,
            (std::vector<std::string>{"pnc_id", "forenames", "middle_names", "surname", "dob",
                                      "sex", "postcode"}));
  EXPECT_EQ(g_->disposals.header,
            (std::vector<std::string>{"pnc_id", "offence_date", "disposal_date",
                                      "disposal_type"}));
  EXPECT_EQ(g_->inspections.header,
            (std::vector<std::string>{"crn", "engaging", "desistance", "safety"}));
  EXPECT_EQ(g_->truth.header, (std::vector<std::string>{"source", "record_id", "person_id"}));

  EXPECT_EQ(g_->summary.people, 2000u);
  EXPECT_EQ(g_->summary.probation_rows, 2000u);
  EXPECT_EQ(g_->probation.rows.size(), 2000u);
  EXPECT_EQ(g_->police.rows.size(), g_->summary.police_rows);
  EXPECT_EQ(g_->disposals.rows.size(), g_->summary.disposal_rows);
  EXPECT_EQ(g_->inspections.rows.size(), g_->summary.inspection_rows);
  // The police hold everyone on probation and about as many others.
  EXPECT_GE(g_->police.rows.size(), 4000u);
  EXPECT_LE(g_->police.rows.size(), 4400u);
  // 30-40% of cases inspected.
  EXPECT_GE(g_->inspections.rows.size(), 600u);
  EXPECT_LE(g_->inspections.rows.size(), 800u);
}

TEST_F(SynthSmallTest, SettingsMatchTheFiles) {
  const std::string dir = dir_->File("out");
  auto settings = Settings::Load(dir + "/settings.json");
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->link_type, LinkType::kLinkOnly);
  EXPECT_DOUBLE_EQ(settings->threshold, 0.5);
  const SourceSettings* probation = settings->FindSource("probation");
  const SourceSettings* police = settings->FindSource("police");
  ASSERT_NE(probation, nullptr);
  ASSERT_NE(police, nullptr);
  EXPECT_EQ(probation->id_column, "crn");
  EXPECT_EQ(police->id_column, "pnc_id");
  EXPECT_TRUE(settings->CheckHeader(*probation, g_->probation.header, "probation.csv").ok());
  EXPECT_TRUE(settings->CheckHeader(*police, g_->police.header, "police.csv").ok());
  const FieldMapping* dob = police->Find(FieldKind::kDob);
  ASSERT_NE(dob, nullptr);
  EXPECT_EQ(dob->separator, ";");
  EXPECT_EQ(dob->date_format, DateFormat::kYYYY_MM_DD);
  EXPECT_EQ(probation->Find(FieldKind::kDob)->date_format, DateFormat::kDD_MM_YYYY_Slash);
}

TEST_F(SynthSmallTest, TruthCoversEveryRecordOnce) {
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < g_->truth.rows.size(); ++i) {
    EXPECT_TRUE(seen.emplace(g_->truth.At(i, "source"), g_->truth.At(i, "record_id")).second)
        << "duplicate truth row " << i;
  }
  EXPECT_EQ(seen.size(), g_->probation.rows.size() + g_->police.rows.size());
  std::set<std::string> crns, pncs;
  for (size_t i = 0; i < g_->probation.rows.size(); ++i) {
    const std::string& crn = g_->probation.At(i, "crn");
    EXPECT_TRUE(crns.insert(crn).second) << "duplicate crn";
    EXPECT_TRUE(seen.count({"probation", crn})) << crn;
    ASSERT_EQ(crn.size(), 7u);
    EXPECT_TRUE(crn[0] >= 'A' && crn[0] <= 'Z');
  }
  for (size_t i = 0; i < g_->police.rows.size(); ++i) {
    const std::string& pnc = g_->police.At(i, "pnc_id");
    EXPECT_TRUE(pncs.insert(pnc).second) << "duplicate pnc";
    EXPECT_TRUE(seen.count({"police", pnc})) << pnc;
  }
  // Everyone on probation has exactly one police record; about as many people
  // again are known only to the police.
  std::unordered_map<std::string, int> police_per_person;
  for (const auto& [pnc, person] : g_->person_of_pnc) ++police_per_person[person];
  std::unordered_set<std::string> probation_people;
  for (const auto& [crn, person] : g_->person_of_crn) {
    probation_people.insert(person);
    EXPECT_EQ(police_per_person[person], 1) << person;
  }
  EXPECT_EQ(probation_people.size(), 2000u);
  size_t police_only = 0;
  for (const auto& [person, count] : police_per_person) {
    EXPECT_EQ(count, 1);
    if (!probation_people.count(person)) ++police_only;
  }
  EXPECT_GE(police_only, 2000u);
  EXPECT_LE(police_only, 2400u);
}

TEST_F(SynthSmallTest, PoliceIdsAreCanonicalWithCorrectCheckLetters) {
  for (size_t i = 0; i < g_->police.rows.size(); ++i) {
    const std::string& pnc = g_->police.At(i, "pnc_id");
    EXPECT_TRUE(CanonicalPncOk(pnc)) << pnc;
    const Identifier id = NormalisePnc(pnc, 2025);
    EXPECT_EQ(id.status, IdStatus::kValid) << pnc;
    EXPECT_EQ(id.canonical, pnc);
  }
  // Disposals refer to police records only.
  for (const auto& [pnc, rows] : g_->disposals_of_pnc) {
    EXPECT_TRUE(g_->person_of_pnc.count(pnc)) << pnc;
  }
}

TEST_F(SynthSmallTest, ProbationPncsAreOftenMissingAndSometimesMistyped) {
  size_t missing = 0, same = 0, wrong = 0, bad_check = 0;
  for (size_t i = 0; i < g_->probation.rows.size(); ++i) {
    const std::string& raw = g_->probation.At(i, "pnc");
    if (raw.empty()) {
      ++missing;
      continue;
    }
    const Identifier id = NormalisePnc(raw, 2025);
    EXPECT_NE(id.status, IdStatus::kMalformed) << raw;
    if (id.status == IdStatus::kBadCheck) ++bad_check;
    const std::string& person = g_->person_of_crn.at(g_->probation.At(i, "crn"));
    if (id.canonical == g_->police_pnc_of_person.at(person)) {
      ++same;
    } else {
      ++wrong;
    }
  }
  const double n = 2000.0;
  EXPECT_GE(missing / n, 0.30);
  EXPECT_LE(missing / n, 0.40);
  EXPECT_GE(wrong / n, 0.003);  // ~2% of the 65% present
  EXPECT_LE(wrong / n, 0.03);
  EXPECT_GE(bad_check, 3u);
  EXPECT_GT(same, wrong * 20);
}

TEST_F(SynthSmallTest, FieldsHaveTheDeclaredFormats) {
  size_t impossible = 0, dob_missing = 0, accented = 0, quoted = 0;
  const std::set<std::string> types = {"community order", "suspended sentence order",
                                       "licence"};
  const std::set<std::string> endings = {"completed", "revoked for breach",
                                         "revoked for further offence", "other"};
  for (size_t i = 0; i < g_->probation.rows.size(); ++i) {
    const std::string& dob = g_->probation.At(i, "dob");
    DayNumber d = 0;
    const DateParseResult r = ParseDate(dob, DateFormat::kDD_MM_YYYY_Slash, &d);
    if (r == DateParseResult::kEmpty) ++dob_missing;
    if (r == DateParseResult::kImpossible) ++impossible;
    EXPECT_NE(r, DateParseResult::kMalformed) << dob;
    const DayNumber start = Iso(g_->probation.At(i, "sentence_start"));
    EXPECT_GE(start, ToDayNumber({2019, 1, 1}));
    EXPECT_LE(start, ToDayNumber({2022, 12, 31}));
    EXPECT_TRUE(types.count(g_->probation.At(i, "sentence_type")));
    EXPECT_TRUE(endings.count(g_->probation.At(i, "termination_reason")));
    const std::string& sex = g_->probation.At(i, "sex");
    EXPECT_TRUE(sex == "M" || sex == "F" || sex.empty()) << sex;
    const std::string names = g_->probation.At(i, "forenames") + g_->probation.At(i, "surname");
    for (char c : names) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        ++accented;
        break;
      }
    }
    if (names.find('"') != std::string::npos) ++quoted;
  }
  EXPECT_LE(impossible, 10u);
  EXPECT_GE(dob_missing, 5u);
  EXPECT_LE(dob_missing, 60u);
  EXPECT_GE(accented, 10u);  // Irish, Polish, Romanian names keep accents sometimes

  size_t alias_forenames = 0, alias_dobs = 0, alias_surnames = 0;
  for (size_t i = 0; i < g_->police.rows.size(); ++i) {
    for (const char* column : {"forenames", "middle_names", "surname"}) {
      for (char c : g_->police.At(i, column)) {
        EXPECT_LT(static_cast<unsigned char>(c), 0x80) << "police names are ASCII";
        EXPECT_FALSE(c >= 'a' && c <= 'z') << "police names are upper case";
      }
    }
    if (g_->police.At(i, "forenames").find(';') != std::string::npos) ++alias_forenames;
    if (g_->police.At(i, "surname").find(';') != std::string::npos) ++alias_surnames;
    const std::string& dobs = g_->police.At(i, "dob");
    if (dobs.find(';') != std::string::npos) ++alias_dobs;
    if (!dobs.empty()) {
      for (const auto& one : Split(dobs, ';')) {
        DayNumber d = 0;
        EXPECT_EQ(ParseDate(one, DateFormat::kYYYY_MM_DD, &d), DateParseResult::kOk) << one;
      }
    }
  }
  const double n = static_cast<double>(g_->police.rows.size());
  EXPECT_GE(alias_forenames / n, 0.08);
  EXPECT_LE(alias_forenames / n, 0.17);
  EXPECT_GE(alias_dobs / n, 0.04);
  EXPECT_LE(alias_dobs / n, 0.09);
  EXPECT_GE(alias_surnames / n, 0.03);

  for (size_t i = 0; i < g_->disposals.rows.size(); ++i) {
    const DayNumber offence = Iso(g_->disposals.At(i, "offence_date"));
    const DayNumber disposal = Iso(g_->disposals.At(i, "disposal_date"));
    EXPECT_LE(offence, disposal);
    const std::string& type = g_->disposals.At(i, "disposal_type");
    EXPECT_TRUE(type == "conviction" || type == "caution") << type;
  }
  for (size_t i = 0; i < g_->inspections.rows.size(); ++i) {
    EXPECT_TRUE(g_->person_of_crn.count(g_->inspections.At(i, "crn")));
    for (const char* column : {"engaging", "desistance", "safety"}) {
      const std::string& v = g_->inspections.At(i, column);
      EXPECT_TRUE(v == "sufficient" || v == "insufficient") << v;
    }
  }
}

TEST_F(SynthSmallTest, CorruptionIsPresentAtPlausibleRates) {
  const Disagreement d = MeasureDisagreement(*g_);
  EXPECT_GE(d.surname, 0.03);
  EXPECT_LE(d.surname, 0.15);
  EXPECT_GE(d.forename, 0.04);
  EXPECT_LE(d.forename, 0.20);

  size_t dob_differs = 0, postcode_differs = 0;
  std::unordered_map<std::string, size_t> police_row;
  for (size_t i = 0; i < g_->police.rows.size(); ++i) police_row[g_->police.At(i, "pnc_id")] = i;
  for (size_t i = 0; i < g_->probation.rows.size(); ++i) {
    const std::string& person = g_->person_of_crn.at(g_->probation.At(i, "crn"));
    const size_t q = police_row.at(g_->police_pnc_of_person.at(person));
    const std::string& dob = g_->probation.At(i, "dob");
    const std::string iso =
        dob.size() == 10 ? dob.substr(6, 4) + "-" + dob.substr(3, 2) + "-" + dob.substr(0, 2)
                         : "";
    const auto dobs = Split(g_->police.At(q, "dob"), ';');
    if (std::find(dobs.begin(), dobs.end(), iso) == dobs.end()) ++dob_differs;
    if (g_->probation.At(i, "postcode") != g_->police.At(q, "postcode")) ++postcode_differs;
  }
  EXPECT_GE(dob_differs, 60u);   // 3%
  EXPECT_LE(dob_differs, 300u);  // 15%
  EXPECT_GE(postcode_differs, 300u);
  EXPECT_LE(postcode_differs, 900u);
}

TEST_F(SynthSmallTest, HardNegativesArePresent) {
  // Different people sharing surname, dob and postcode (twins), and sharing
  // forename, surname and postcode (a parent and child of the same name).
  std::map<std::string, std::set<std::string>> by_surname_dob_postcode, by_name_postcode;
  for (size_t i = 0; i < g_->police.rows.size(); ++i) {
    const std::string& person = g_->person_of_pnc.at(g_->police.At(i, "pnc_id"));
    const std::string& postcode = g_->police.At(i, "postcode");
    if (postcode.empty()) continue;
    const std::string surname = Split(g_->police.At(i, "surname"), ';')[0];
    const std::string forename = Split(g_->police.At(i, "forenames"), ';')[0];
    by_surname_dob_postcode[surname + "|" + g_->police.At(i, "dob") + "|" + postcode].insert(
        person);
    by_name_postcode[forename + "|" + surname + "|" + postcode].insert(person);
  }
  size_t twins = 0, same_name = 0;
  for (const auto& [key, people] : by_surname_dob_postcode) twins += people.size() > 1;
  for (const auto& [key, people] : by_name_postcode) same_name += people.size() > 1;
  EXPECT_GE(twins, 3u);
  EXPECT_GE(same_name, 3u);
}

// Recomputes the outcome measures from the files and compares them with
// outcomes_truth.json exactly.
TEST_F(SynthSmallTest, OutcomesTruthMatchesTheFiles) {
  std::unordered_map<std::string, std::vector<std::string>> judgements;
  for (size_t i = 0; i < g_->inspections.rows.size(); ++i) {
    judgements[g_->inspections.At(i, "crn")] = {g_->inspections.At(i, "engaging"),
                                                g_->inspections.At(i, "desistance")};
  }
  struct Counts {
    uint64_t n = 0, completed = 0, reoffenders = 0, reoffences = 0;
  };
  std::map<std::string, Counts> counts;
  size_t further_offence = 0, late_or_outside = 0;
  for (size_t i = 0; i < g_->probation.rows.size(); ++i) {
    const std::string& crn = g_->probation.At(i, "crn");
    const DayNumber start = Iso(g_->probation.At(i, "sentence_start"));
    const DayNumber end12 = PlusMonths(start, 12);
    const DayNumber end18 = PlusMonths(start, 18);
    const std::string& pnc = g_->police_pnc_of_person.at(g_->person_of_crn.at(crn));
    uint64_t proven = 0;
    auto it = g_->disposals_of_pnc.find(pnc);
    if (it != g_->disposals_of_pnc.end()) {
      for (size_t r : it->second) {
        const DayNumber offence = Iso(g_->disposals.At(r, "offence_date"));
        const DayNumber disposal = Iso(g_->disposals.At(r, "disposal_date"));
        if (offence >= start && offence < end12 && disposal < end18) {
          ++proven;
        } else if (offence >= start) {
          ++late_or_outside;
        }
      }
    }
    const std::string& ending = g_->probation.At(i, "termination_reason");
    if (ending == "revoked for further offence") {
      ++further_offence;
      EXPECT_GT(proven, 0u) << "a revocation for a further offence needs a proven reoffence";
    }
    std::vector<std::string> groups = {"cohort"};
    auto j = judgements.find(crn);
    if (j != judgements.end()) {
      const bool e = j->second[0] == "sufficient", d = j->second[1] == "sufficient";
      groups.push_back("inspected");
      groups.push_back(e && d ? "both_sufficient" : e || d ? "mixed" : "both_insufficient");
    }
    for (const auto& group : groups) {
      Counts& c = counts[group];
      ++c.n;
      c.completed += ending == "completed";
      c.reoffenders += proven > 0;
      c.reoffences += proven;
    }
  }
  EXPECT_GT(further_offence, 20u);
  EXPECT_GT(late_or_outside, 200u);  // decoys the measure must not count
  const nlohmann::json& o = g_->outcomes;
  for (const auto& [group, c] : counts) {
    const nlohmann::json& j =
        group == "cohort" || group == "inspected" ? o[group] : o["groups"][group];
    EXPECT_EQ(j["n"].get<uint64_t>(), c.n) << group;
    EXPECT_EQ(j["completed"].get<uint64_t>(), c.completed) << group;
    EXPECT_EQ(j["reoffenders"].get<uint64_t>(), c.reoffenders) << group;
    EXPECT_EQ(j["reoffences"].get<uint64_t>(), c.reoffences) << group;
  }
  const double rate = o["cohort"]["proven_reoffending_rate"].get<double>();
  EXPECT_GT(rate, 0.25);
  EXPECT_LT(rate, 0.45);
  const double per = o["cohort"]["reoffences_per_reoffender"].get<double>();
  EXPECT_GT(per, 1.6);
  EXPECT_LT(per, 2.6);
  for (const char* g : {"engaging_sufficient", "engaging_insufficient", "desistance_sufficient",
                        "desistance_insufficient", "safety_sufficient", "safety_insufficient"}) {
    EXPECT_GT(o["groups"][g]["n"].get<uint64_t>(), 0u) << g;
  }
}

TEST(SynthTest, DeterministicForASeed) {
  TempDir tmp;
  SynthOptions options;
  options.people = 3000;  // two chunks, so both threads take part
  options.seed = 5;
  options.out_dir = tmp.File("a");
  ASSERT_TRUE(GenerateSyntheticData(options).ok());
  options.out_dir = tmp.File("b");
  ASSERT_TRUE(GenerateSyntheticData(options).ok());
  options.seed = 6;
  options.out_dir = tmp.File("c");
  ASSERT_TRUE(GenerateSyntheticData(options).ok());
  for (const char* f : {"probation.csv", "police.csv", "disposals.csv", "inspections.csv",
                        "truth.csv", "settings.json", "outcomes_truth.json"}) {
    const std::string a = ReadFile(tmp.File("a") + "/" + f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_EQ(a, ReadFile(tmp.File("b") + "/" + f)) << f;
  }
  for (const char* f : {"probation.csv", "police.csv", "disposals.csv", "truth.csv"}) {
    EXPECT_NE(ReadFile(tmp.File("a") + "/" + f), ReadFile(tmp.File("c") + "/" + f)) << f;
  }
}

TEST(SynthTest, DifficultyScalesCorruption) {
  TempDir tmp;
  auto easy = Generate(tmp.File("easy"), 2000, 3, Difficulty::kEasy);
  auto hard = Generate(tmp.File("hard"), 2000, 3, Difficulty::kHard);
  auto normal = Generate(tmp.File("normal"), 2000, 3, Difficulty::kNormal);
  const Disagreement e = MeasureDisagreement(*easy);
  const Disagreement n = MeasureDisagreement(*normal);
  const Disagreement h = MeasureDisagreement(*hard);
  EXPECT_LT(e.surname, n.surname);
  EXPECT_LT(n.surname, h.surname);
  EXPECT_LT(e.forename, n.forename);
  EXPECT_LT(n.forename, h.forename);
  // Hard mode registers a few people twice, under different CRNs.
  EXPECT_GT(hard->summary.probation_rows, 2000u);
  EXPECT_LT(hard->summary.probation_rows, 2060u);
  EXPECT_EQ(easy->summary.probation_rows, 2000u);
}

TEST(SynthTest, PlantedOutcomeGapsAppear) {
  TempDir tmp;
  auto g = Generate(tmp.File("out"), 20000, 17, Difficulty::kNormal);
  const nlohmann::json& gaps = g->outcomes["gaps_both_sufficient_minus_both_insufficient"];
  const double completion = gaps["completion_pp"].get<double>();
  const double reoffending = gaps["proven_reoffending_pp"].get<double>();
  EXPECT_GE(completion, 15.0);
  EXPECT_LE(completion, 33.0);
  EXPECT_GE(reoffending, -21.0);
  EXPECT_LE(reoffending, -7.0);
  const nlohmann::json& groups = g->outcomes["groups"];
  const double mixed = groups["mixed"]["completion_rate"].get<double>();
  EXPECT_GT(mixed, groups["both_insufficient"]["completion_rate"].get<double>());
  EXPECT_LT(mixed, groups["both_sufficient"]["completion_rate"].get<double>());
  const double mixed_r = groups["mixed"]["proven_reoffending_rate"].get<double>();
  EXPECT_LT(mixed_r, groups["both_insufficient"]["proven_reoffending_rate"].get<double>());
  EXPECT_GT(mixed_r, groups["both_sufficient"]["proven_reoffending_rate"].get<double>());
}

TEST(SynthTest, RefusesBadOptions) {
  SynthOptions options;
  options.people = 10;
  EXPECT_EQ(GenerateSyntheticData(options).status().code(), absl::StatusCode::kInvalidArgument);
  TempDir tmp;
  options.out_dir = tmp.File("x");
  options.people = kMaxSynthPeople + 1;
  EXPECT_EQ(GenerateSyntheticData(options).status().code(), absl::StatusCode::kInvalidArgument);
  // A directory cannot be made under a regular file.
  testing::WriteFile(tmp.File("file"), "x");
  options.people = 10;
  options.out_dir = tmp.File("file") + "/sub";
  EXPECT_FALSE(GenerateSyntheticData(options).ok());
}

TEST(SynthTest, ZeroPeopleWritesHeadersOnly) {
  TempDir tmp;
  SynthOptions options;
  options.people = 0;
  options.out_dir = tmp.File("empty");
  auto summary = GenerateSyntheticData(options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->police_rows, 0u);
  EXPECT_EQ(ReadFile(tmp.File("empty") + "/truth.csv"), "source,record_id,person_id\n");
}

}  // namespace
}  // namespace probity
