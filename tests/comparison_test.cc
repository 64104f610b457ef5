// Tests of the comparisons: which level two records reach on each field, the
// default comparisons derived from the settings, and user-defined comparisons.
#include "engine/comparison.h"

#include <string>
#include <vector>

#include "engine/date.h"
#include "engine/identifiers.h"
#include "engine/link_data.h"
#include "engine/postcode.h"
#include "engine/record.h"
#include "engine/record_builder.h"
#include "engine/settings.h"
#include "gtest/gtest.h"

namespace probity {
namespace {

constexpr int kYear = 2026;

std::vector<NameValue> Names(std::initializer_list<const char*> raw) {
  std::vector<NameValue> out;
  for (const char* r : raw) out.push_back(MakeNameValue(r));
  return out;
}

DayNumber Day(int y, int m, int d) { return ToDayNumber(CivilDate{y, m, d}); }

std::vector<Postcode> Postcodes(std::initializer_list<const char*> raw) {
  std::vector<Postcode> out;
  for (const char* r : raw) out.push_back(NormalisePostcode(r));
  return out;
}

std::vector<Identifier> Pncs(std::initializer_list<const char*> raw) {
  std::vector<Identifier> out;
  for (const char* r : raw) out.push_back(NormalisePnc(r, kYear));
  return out;
}

ComparisonSpec Spec(const std::string& name, FieldKind field, ComparisonKind kind) {
  ComparisonSpec spec;
  spec.name = name;
  spec.field = field;
  spec.kind = kind;
  DescribeLevels(&spec);
  return spec;
}

// The level name records a (source 0) and b (source 1) reach on `spec`.
std::string LevelOf(const ComparisonSpec& spec, const Record& a, const Record& b) {
  LinkData data;
  data.Add(0, a);
  data.Add(1, b);
  data.Finish();
  Gamma gamma;
  CompareRecords({spec}, data, 0, 1, &gamma);
  EXPECT_LT(gamma.level[0], spec.levels());
  return spec.level_names[gamma.level[0]];
}

const ComparisonSpec& ForenameSpec() {
  static const ComparisonSpec spec =
      Spec("forename", FieldKind::kForename, ComparisonKind::kForename);
  return spec;
}
const ComparisonSpec& SurnameSpec() {
  static const ComparisonSpec spec = Spec("surname", FieldKind::kSurname, ComparisonKind::kSurname);
  return spec;
}
const ComparisonSpec& DobSpec() {
  static const ComparisonSpec spec = Spec("dob", FieldKind::kDob, ComparisonKind::kDob);
  return spec;
}
const ComparisonSpec& PostcodeSpec() {
  static const ComparisonSpec spec =
      Spec("postcode", FieldKind::kPostcode, ComparisonKind::kPostcode);
  return spec;
}
const ComparisonSpec& PncSpec() {
  static const ComparisonSpec spec = Spec("pnc", FieldKind::kPnc, ComparisonKind::kIdentifier);
  return spec;
}

Record Person(std::initializer_list<const char*> forenames,
              std::initializer_list<const char*> surnames) {
  Record r;
  r.forenames = Names(forenames);
  r.surnames = Names(surnames);
  return r;
}

std::string Forenames(const char* a, const char* b) {
  return LevelOf(ForenameSpec(), Person({a}, {"SMITH"}), Person({b}, {"SMITH"}));
}

std::string Surnames(const char* a, const char* b) {
  return LevelOf(SurnameSpec(), Person({"JOHN"}, {a}), Person({"JOHN"}, {b}));
}

std::string Dobs(DayNumber a, DayNumber b) {
  Record x, y;
  x.dobs = {a};
  y.dobs = {b};
  return LevelOf(DobSpec(), x, y);
}

std::string PostcodeLevel(const char* a, const char* b) {
  Record x, y;
  x.postcodes = Postcodes({a});
  y.postcodes = Postcodes({b});
  return LevelOf(PostcodeSpec(), x, y);
}

std::string PncLevel(const std::string& a, const std::string& b) {
  Record x, y;
  x.pncs = {NormalisePnc(a, kYear)};
  y.pncs = {NormalisePnc(b, kYear)};
  return LevelOf(PncSpec(), x, y);
}

// Forename frequencies are of first tokens, counted once per record, and the
// total they are divided by counts the same things (not whole forename values).
TEST(LinkDataTest, ForenameFrequenciesCountFirstTokensOncePerRecord) {
  LinkData d;
  Record a;
  a.forenames = {MakeNameValue("John Paul"), MakeNameValue("John")};
  Record b;
  b.forenames = {MakeNameValue("John")};
  Record c;
  c.forenames = {MakeNameValue("Mary")};
  d.Add(0, a);
  d.Add(1, b);
  d.Add(1, c);
  d.Finish();
  EXPECT_EQ(d.forename_values, 3u);  // JOHN (a), JOHN (b), MARY (c)
  for (const NameEntry& e : d.forenames.Of(0)) EXPECT_EQ(e.first_tf_count, 2u);
  EXPECT_EQ(d.forenames.Of(2)[0].first_tf_count, 1u);
}

TEST(LevelNamesTest, NullFirstElseLast) {
  EXPECT_EQ(ForenameSpec().level_names,
            (std::vector<std::string>{"null", "exact", "jaro_winkler>=0.92", "nickname",
                                      "metaphone", "swapped_or_middle", "initial",
                                      "jaro_winkler>=0.8", "else"}));
  EXPECT_EQ(DobSpec().level_names,
            (std::vector<std::string>{"null", "exact", "transposed_or_one_digit",
                                      "within_31_days", "within_1_year", "else"}));
  EXPECT_EQ(PncSpec().level_names,
            (std::vector<std::string>{"null", "exact", "one_edit", "mismatch_unverified",
                                      "mismatch_valid"}));
  EXPECT_EQ(ForenameSpec().tf_adjusted.size(), ForenameSpec().levels());
}

TEST(ForenameTest, Levels) {
  EXPECT_EQ(Forenames("John", "JOHN"), "exact");
  EXPECT_EQ(Forenames("JON", "JOHN"), "jaro_winkler>=0.92");
  EXPECT_EQ(Forenames("BILL", "WILLIAM"), "nickname");
  EXPECT_EQ(Forenames("WILLIAM", "BILL"), "nickname");
  // Same Double Metaphone (FLP), Jaro-Winkler about 0.82, not nicknames of each other.
  EXPECT_EQ(Forenames("PHILIP", "FILIP"), "metaphone");
  EXPECT_EQ(Forenames("J", "JOHN"), "initial");
  EXPECT_EQ(Forenames("JOHN", "J"), "initial");
  EXPECT_EQ(Forenames("MARTIN", "MARTHA"), "jaro_winkler>=0.8");
  EXPECT_EQ(Forenames("JOHN", "PETER"), "else");
}

TEST(ForenameTest, FirstTokenIsCompared) {
  // "JOHN PAUL" is compared on its first token.
  EXPECT_EQ(Forenames("JOHN PAUL", "JOHN"), "exact");
}

TEST(ForenameTest, SwappedWithSurname) {
  const Record a = Person({"JOHN"}, {"SMITH"});
  const Record b = Person({"SMITH"}, {"JOHN"});
  EXPECT_EQ(LevelOf(ForenameSpec(), a, b), "swapped_or_middle");
  EXPECT_EQ(LevelOf(ForenameSpec(), b, a), "swapped_or_middle");
  EXPECT_EQ(LevelOf(SurnameSpec(), a, b), "swapped");
}

TEST(ForenameTest, MiddleNameUsedAsForename) {
  // One source knows the middle name; the other records it as the forename.
  Record police = Person({"PETER"}, {"JONES"});
  police.middle_names = Names({"DAVID"});
  const Record probation = Person({"DAVID"}, {"JONES"});
  EXPECT_EQ(LevelOf(ForenameSpec(), probation, police), "swapped_or_middle");
  EXPECT_EQ(LevelOf(ForenameSpec(), police, probation), "swapped_or_middle");
  // Without the middle name the forenames simply disagree.
  const Record plain = Person({"PETER"}, {"JONES"});
  EXPECT_EQ(LevelOf(ForenameSpec(), probation, plain), "else");
}

TEST(SurnameTest, Levels) {
  EXPECT_EQ(Surnames("SMITH", "Smith"), "exact");
  EXPECT_EQ(Surnames("SMITH JONES", "JONES"), "shared_token");
  EXPECT_EQ(Surnames("JONES", "SMITH-JONES"), "shared_token");
  // Same Double Metaphone (FLPS), Jaro-Winkler about 0.82.
  EXPECT_EQ(Surnames("PHILLIPS", "FILIPS"), "metaphone");
  // MACDONALD and MCDONALD also share their metaphone code, but Jaro-Winkler is
  // 0.967 and that stronger level is checked first.
  EXPECT_EQ(Surnames("MACDONALD", "MCDONALD"), "jaro_winkler>=0.92");
  EXPECT_EQ(Surnames("JOHNSON", "JOHNSTONE"), "jaro_winkler>=0.92");
  EXPECT_EQ(Surnames("SMITH", "BROWN"), "else");
}

TEST(DobTest, Levels) {
  const DayNumber dob = Day(1990, 8, 7);
  EXPECT_EQ(Dobs(dob, Day(1990, 8, 7)), "exact");
  // Day and month swapped.
  EXPECT_EQ(Dobs(dob, Day(1990, 7, 8)), "transposed_or_one_digit");
  // One digit mistyped.
  EXPECT_EQ(Dobs(dob, Day(1990, 8, 1)), "transposed_or_one_digit");
  EXPECT_EQ(Dobs(dob, Day(1980, 8, 7)), "transposed_or_one_digit");
  // Two adjacent digits swapped: 1990 -> 1909.
  EXPECT_EQ(Dobs(dob, Day(1909, 8, 7)), "transposed_or_one_digit");
  EXPECT_EQ(Dobs(dob, Day(1990, 8, 20)), "within_31_days");
  EXPECT_EQ(Dobs(dob, Day(1990, 9, 5)), "within_31_days");
  EXPECT_EQ(Dobs(dob, Day(1991, 3, 15)), "within_1_year");
  EXPECT_EQ(Dobs(dob, Day(1985, 2, 11)), "else");
}

TEST(PostcodeTest, Levels) {
  EXPECT_EQ(PostcodeLevel("SW1A 1AA", "sw1a1aa"), "full");
  EXPECT_EQ(PostcodeLevel("SW1A 1AA", "SW1A 1BB"), "sector");
  EXPECT_EQ(PostcodeLevel("SW1A 1AA", "SW1A 2AA"), "district");
  EXPECT_EQ(PostcodeLevel("SW1A 1AA", "SW2 3AA"), "area");
  EXPECT_EQ(PostcodeLevel("SW1A 1AA", "M1 1AA"), "else");
}

TEST(PncTest, Levels) {
  const std::string valid = "2000/1234567V";
  ASSERT_EQ(NormalisePnc(valid, kYear).status, IdStatus::kValid);
  // 2000/7654321: 7654321 mod 23 = 13 -> N.
  const std::string other_valid = std::string("2000/7654321") + CheckLetter(7654321);
  EXPECT_EQ(other_valid, "2000/7654321N");
  ASSERT_EQ(NormalisePnc(other_valid, kYear).status, IdStatus::kValid);
  const std::string other_bad = "2000/7654321A";
  ASSERT_EQ(NormalisePnc(other_bad, kYear).status, IdStatus::kBadCheck);
  const std::string typo = "2000/1234567W";  // one character off, fails the check
  ASSERT_EQ(NormalisePnc(typo, kYear).status, IdStatus::kBadCheck);

  EXPECT_EQ(PncLevel(valid, "00/1234567v"), "exact");
  EXPECT_EQ(PncLevel(valid, typo), "one_edit");
  EXPECT_EQ(PncLevel(valid, other_bad), "mismatch_unverified");
  EXPECT_EQ(PncLevel(other_bad, valid), "mismatch_unverified");
  EXPECT_EQ(PncLevel(valid, other_valid), "mismatch_valid");
}

TEST(NullTest, MissingOnEitherSideIsNull) {
  const Record full = [] {
    Record r = Person({"JOHN"}, {"SMITH"});
    r.dobs = {Day(1990, 8, 7)};
    r.postcodes = Postcodes({"SW1A 1AA"});
    r.pncs = Pncs({"2000/1234567V"});
    r.sex = 'M';
    return r;
  }();
  const Record empty;
  const ComparisonSpec sex = Spec("sex", FieldKind::kSex, ComparisonKind::kSex);
  for (const ComparisonSpec* spec :
       {&ForenameSpec(), &SurnameSpec(), &DobSpec(), &PostcodeSpec(), &PncSpec(), &sex}) {
    EXPECT_EQ(LevelOf(*spec, full, empty), "null") << spec->name;
    EXPECT_EQ(LevelOf(*spec, empty, full), "null") << spec->name;
    EXPECT_EQ(LevelOf(*spec, empty, empty), "null") << spec->name;
  }
  // A malformed PNC does not count as a value.
  Record malformed;
  malformed.pncs = Pncs({"not a pnc"});
  EXPECT_EQ(LevelOf(PncSpec(), full, malformed), "null");
  // Sex "U" (stated unknown) is no evidence either way.
  Record unknown;
  unknown.sex = 'U';
  EXPECT_EQ(LevelOf(sex, full, unknown), "null");
}

TEST(MultiValueTest, BestLevelOverAllValuePairs) {
  // Aliases: the second surname of one side equals the first of the other.
  EXPECT_EQ(LevelOf(SurnameSpec(), Person({"JOHN"}, {"SMITH", "JONES"}),
                    Person({"JOHN"}, {"BROWN", "JONES"})),
            "exact");
  EXPECT_EQ(LevelOf(SurnameSpec(), Person({"JOHN"}, {"SMITH", "BROWNE"}),
                    Person({"JOHN"}, {"BROWN"})),
            "jaro_winkler>=0.92");
  EXPECT_EQ(LevelOf(ForenameSpec(), Person({"PETER", "BILL"}, {"X"}),
                    Person({"WILLIAM"}, {"Y"})),
            "nickname");
  // Alternative dates of birth.
  Record a, b;
  a.dobs = {Day(1970, 1, 1), Day(1990, 8, 7)};
  b.dobs = {Day(1990, 7, 8)};
  EXPECT_EQ(LevelOf(DobSpec(), a, b), "transposed_or_one_digit");
  b.dobs.push_back(Day(1970, 1, 1));
  EXPECT_EQ(LevelOf(DobSpec(), a, b), "exact");
  // Several postcodes: the closest pair counts.
  Record p, q;
  p.postcodes = Postcodes({"M1 1AA", "SW1A 1AA"});
  q.postcodes = Postcodes({"SW1A 1BB", "LS1 4DY"});
  EXPECT_EQ(LevelOf(PostcodeSpec(), p, q), "sector");
}

TEST(TfTest, ExactForenameCarriesItsFrequency) {
  LinkData data;
  for (int i = 0; i < 3; ++i) data.Add(0, Person({"JOHN"}, {"SMITH"}));
  data.Add(1, Person({"JOHN"}, {"SMITH"}));
  data.Add(1, Person({"ZEBEDEE"}, {"SMITH"}));
  data.Add(0, Person({"ZEBEDEE"}, {"SMITH"}));
  data.Finish();
  Gamma gamma;
  CompareRecords({ForenameSpec()}, data, 0, 3, &gamma);
  EXPECT_EQ(ForenameSpec().level_names[gamma.level[0]], "exact");
  EXPECT_EQ(gamma.tf_count[0], 4u);
  CompareRecords({ForenameSpec()}, data, 4, 5, &gamma);
  EXPECT_EQ(gamma.tf_count[0], 2u);
  // A level without TF adjustment carries no count.
  CompareRecords({ForenameSpec()}, data, 0, 4, &gamma);
  EXPECT_EQ(ForenameSpec().level_names[gamma.level[0]], "else");
  EXPECT_EQ(gamma.tf_count[0], 0u);
  EXPECT_EQ(TfTotal(ForenameSpec(), data), 6u);
}

// --- Comparisons from settings ---------------------------------------------

constexpr const char* kTwoSources = R"({
  "link_type": "link_only",
  "sources": {
    "alpha": {"id": "id", "fields": {
      "forename": "fn", "surname": "sn", "full_name": "name",
      "dob": {"column": "dob", "format": "YYYY-MM-DD"},
      "postcode": "pc", "pnc": "pnc"}},
    "beta": {"id": "id", "fields": {
      "forename": "fn", "surname": "sn", "full_name": "name",
      "dob": {"column": "dob", "format": "YYYY-MM-DD"},
      "sex": "sex"}}
  }%s
})";

Settings ParseSettings(const std::string& extra) {
  std::string text = kTwoSources;
  text.replace(text.find("%s"), 2, extra);
  absl::StatusOr<Settings> s = Settings::Parse(text, "s.json");
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : Settings{};
}

std::vector<std::string> NamesOf(const std::vector<ComparisonSpec>& specs) {
  std::vector<std::string> names;
  for (const ComparisonSpec& s : specs) names.push_back(s.name);
  return names;
}

TEST(DefaultComparisonsTest, OnlyFieldsMappedInEverySource) {
  const Settings settings = ParseSettings("");
  const std::vector<ComparisonSpec> specs = DefaultComparisons(settings);
  // postcode and pnc are only in alpha, sex only in beta; full_name is left out
  // because forename and surname say the same.
  EXPECT_EQ(NamesOf(specs), (std::vector<std::string>{"forename", "surname", "dob"}));
  EXPECT_EQ(specs[0].kind, ComparisonKind::kForename);
  EXPECT_EQ(specs[2].kind, ComparisonKind::kDob);
  EXPECT_EQ(specs[2].level_names.front(), "null");
  EXPECT_EQ(specs[2].level_names.back(), "else");
}

TEST(DefaultComparisonsTest, FullNameWhenNamesAreNotSplit) {
  absl::StatusOr<Settings> s = Settings::Parse(R"({
    "sources": {
      "a": {"id": "id", "fields": {"full_name": "name", "surname": "sn", "sex": "sex"}},
      "b": {"id": "id", "fields": {"full_name": "name", "surname": "sn", "sex": "sex"}}}})",
                                               "s.json");
  ASSERT_TRUE(s.ok()) << s.status();
  const std::vector<ComparisonSpec> specs = DefaultComparisons(*s);
  EXPECT_EQ(NamesOf(specs), (std::vector<std::string>{"surname", "full_name", "sex"}));
  EXPECT_EQ(specs[1].kind, ComparisonKind::kFullName);
}

TEST(DefaultComparisonsTest, CustomFieldsByType) {
  absl::StatusOr<Settings> s = Settings::Parse(R"({
    "sources": {
      "a": {"id": "id", "fields": {"surname": "sn",
            "town": {"column": "t", "type": "text"},
            "ref": {"column": "r", "type": "identifier"}}},
      "b": {"id": "id", "fields": {"surname": "sn",
            "town": {"column": "t", "type": "text"},
            "ref": {"column": "r", "type": "identifier"}}}}})",
                                               "s.json");
  ASSERT_TRUE(s.ok()) << s.status();
  const std::vector<ComparisonSpec> specs = DefaultComparisons(*s);
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].name, "surname");
  // Custom fields follow in settings order (nlohmann sorts object keys).
  for (size_t i = 1; i < 3; ++i) {
    if (specs[i].name == "town") {
      EXPECT_EQ(specs[i].kind, ComparisonKind::kCustomText);
    } else {
      EXPECT_EQ(specs[i].name, "ref");
      EXPECT_EQ(specs[i].kind, ComparisonKind::kCustomExact);
    }
  }
}

TEST(ComparisonsFromSettingsTest, DefaultsWithoutComparisons) {
  const Settings settings = ParseSettings("");
  absl::StatusOr<std::vector<ComparisonSpec>> specs = ComparisonsFromSettings(settings);
  ASSERT_TRUE(specs.ok()) << specs.status();
  EXPECT_EQ(NamesOf(*specs), NamesOf(DefaultComparisons(settings)));
}

TEST(ComparisonsFromSettingsTest, UserComparisons) {
  const Settings settings = ParseSettings(R"(,
  "comparisons": [
    {"field": "surname", "comparator": "jaro_winkler", "thresholds": [0.9, 0.8]},
    {"field": "dob"},
    {"field": "forename", "comparator": "exact"},
    {"field": "full_name", "comparator": "levenshtein", "thresholds": [1, 3]}
  ])");
  absl::StatusOr<std::vector<ComparisonSpec>> specs = ComparisonsFromSettings(settings);
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 4u);
  const ComparisonSpec& surname = (*specs)[0];
  EXPECT_EQ(surname.name, "surname");
  EXPECT_EQ(surname.kind, ComparisonKind::kGeneric);
  EXPECT_EQ(surname.level_names,
            (std::vector<std::string>{"null", "exact", "jaro_winkler>=0.9", "jaro_winkler>=0.8",
                                      "else"}));
  EXPECT_EQ((*specs)[1].kind, ComparisonKind::kDob);  // "default" comparator
  EXPECT_EQ((*specs)[2].level_names, (std::vector<std::string>{"null", "exact", "else"}));
  EXPECT_EQ((*specs)[3].level_names,
            (std::vector<std::string>{"null", "exact", "levenshtein<=1", "levenshtein<=3",
                                      "else"}));

  // The user's thresholds decide the levels.
  EXPECT_EQ(LevelOf(surname, Person({"A"}, {"SMITH"}), Person({"A"}, {"SMITH"})), "exact");
  // SMITH/SMYTH: Jaro 0.867, Winkler 0.893.
  EXPECT_EQ(LevelOf(surname, Person({"A"}, {"SMITH"}), Person({"A"}, {"SMYTH"})),
            "jaro_winkler>=0.8");
  EXPECT_EQ(LevelOf(surname, Person({"A"}, {"JOHNSON"}), Person({"A"}, {"JOHNSTON"})),
            "jaro_winkler>=0.9");
  EXPECT_EQ(LevelOf(surname, Person({"A"}, {"SMITH"}), Person({"A"}, {"BROWN"})), "else");
  EXPECT_EQ(LevelOf(surname, Person({"A"}, {"SMITH"}), Person({"A"}, {})), "null");
  EXPECT_EQ(LevelOf((*specs)[2], Person({"JON"}, {"X"}), Person({"JOHN"}, {"X"})), "else");
}

TEST(ComparisonsFromSettingsTest, Errors) {
  auto error = [](const std::string& extra) {
    absl::StatusOr<std::vector<ComparisonSpec>> specs =
        ComparisonsFromSettings(ParseSettings(extra));
    EXPECT_FALSE(specs.ok());
    return specs.ok() ? std::string() : std::string(specs.status().message());
  };
  std::string e = error(R"(, "comparisons": [{"field": "surname"},
                                             {"field": "surname", "comparator": "soundex"}])");
  EXPECT_NE(e.find("s.json"), std::string::npos) << e;
  EXPECT_NE(e.find("comparisons[1]"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown comparator \"soundex\""), std::string::npos) << e;

  e = error(R"(, "comparisons": [{"field": "pnc"}])");
  EXPECT_NE(e.find("comparisons[0]"), std::string::npos) << e;
  EXPECT_NE(e.find("field \"pnc\" is not mapped in every source"), std::string::npos) << e;

  e = error(R"(, "comparisons": [{"field": "shoe_size"}])");
  EXPECT_NE(e.find("\"shoe_size\" is not mapped"), std::string::npos) << e;

  e = error(R"(, "comparisons": [{"field": "surname", "comparator": "jaro_winkler"}])");
  EXPECT_NE(e.find("needs \"thresholds\""), std::string::npos) << e;

  e = error(R"(, "comparisons": [{"field": "surname", "comparator": "jaro_winkler",
                                  "thresholds": ["high"]}])");
  EXPECT_NE(e.find("\"thresholds\" must be numbers"), std::string::npos) << e;

  e = error(R"(, "comparisons": [{"comparator": "exact"}])");
  EXPECT_NE(e.find("needs a \"field\""), std::string::npos) << e;

  e = error(R"(, "comparisons": [])");
  EXPECT_NE(e.find("comparisons is empty"), std::string::npos) << e;
}

// A generic comparator on a custom *date* field compares the dates (as ISO
// text), not empty strings: 2020-01-01 vs 2021-06-30 is "else".
TEST(ComparisonsFromSettingsTest, GenericComparatorOnCustomDate) {
  absl::StatusOr<Settings> s = Settings::Parse(R"({
    "sources": {
      "a": {"id": "id", "fields": {"surname": "sn",
            "release": {"column": "r", "type": "date", "format": "YYYY-MM-DD"}}},
      "b": {"id": "id", "fields": {"surname": "sn",
            "release": {"column": "r", "type": "date", "format": "YYYY-MM-DD"}}}},
    "comparisons": [{"field": "release", "comparator": "exact"}]})",
                                               "s.json");
  ASSERT_TRUE(s.ok()) << s.status();
  absl::StatusOr<std::vector<ComparisonSpec>> specs = ComparisonsFromSettings(*s);
  ASSERT_TRUE(specs.ok()) << specs.status();
  ASSERT_EQ(specs->size(), 1u);
  Record a, b;
  a.custom = {CustomValue{0, "", Day(2020, 1, 1)}};
  b.custom = {CustomValue{0, "", Day(2020, 1, 1)}};
  EXPECT_EQ(LevelOf((*specs)[0], a, b), "exact");
  b.custom = {CustomValue{0, "", Day(2021, 6, 30)}};
  EXPECT_EQ(LevelOf((*specs)[0], a, b), "else");
}

std::string Thresholds(int n) {
  std::string list;
  for (int i = 0; i < n; ++i) list += (i ? ", " : "") + std::to_string(0.99 - 0.05 * i);
  return R"(, "comparisons": [{"field": "surname", "comparator": "jaro_winkler", "thresholds": [)" +
         list + "]}]";
}

TEST(ComparisonsFromSettingsTest, LevelLimit) {
  // null + exact + thresholds + else must fit in kMaxLevels (15): 12 thresholds.
  absl::StatusOr<std::vector<ComparisonSpec>> twelve =
      ComparisonsFromSettings(ParseSettings(Thresholds(12)));
  ASSERT_TRUE(twelve.ok()) << twelve.status();
  EXPECT_EQ((*twelve)[0].levels(), kMaxLevels);
  absl::StatusOr<std::vector<ComparisonSpec>> thirteen =
      ComparisonsFromSettings(ParseSettings(Thresholds(13)));
  ASSERT_FALSE(thirteen.ok());
  EXPECT_NE(thirteen.status().message().find("too many levels"), std::string::npos)
      << thirteen.status();
}

// The level limit and its message agree: 12 thresholds (null + exact + 12 +
// else = 15 levels) are accepted, 13 refused with "at most 12 thresholds".
TEST(ComparisonsFromSettingsTest, LevelLimitMessageStatesTheLimit) {
  absl::StatusOr<std::vector<ComparisonSpec>> thirteen =
      ComparisonsFromSettings(ParseSettings(Thresholds(13)));
  ASSERT_FALSE(thirteen.ok());
  EXPECT_NE(thirteen.status().message().find("at most 12 thresholds"), std::string::npos)
      << thirteen.status();
}

}  // namespace
}  // namespace probity
