// Tests of the outcomes analysis: the settings section, the outcome
// definitions on hand-made data with known answers (window edges, waiting
// period, disposal types, leap days), the three linkage rules, the outputs,
// agreement with the synthetic generator's own tally, and the CLI.
#include "engine/outcomes.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/csv_reader.h"
#include "engine/settings.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/synth.h"

namespace probity {
namespace {

using ::testing::HasSubstr;
using testing::ReadFile;
using testing::RunProbity;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kSettings = R"({
  "link_type": "link_only",
  "sources": {
    "probation": {"id": "crn", "fields": {"surname": "surname"}},
    "police": {"id": "pnc_id", "fields": {"surname": "surname"}}
  },
  "threshold": 0.5,
  "outcomes": {
    "sentences": {"file": "sentences.csv", "id": "crn",
                  "start": {"column": "start", "format": "DD/MM/YYYY"},
                  "termination": "ended", "completed": ["Completed", "completed early"]},
    "inspections": {"file": "inspections.csv", "id": "crn", "engaging": "eng",
                    "desistance": "des", "safety": "safe",
                    "sufficient": ["Yes"], "insufficient": ["No"]},
    "disposals": {"file": "disposals.csv", "id": "pnc", "offence_date": "offence",
                  "disposal_date": {"column": "outcome", "format": "YYYY-MM-DD"},
                  "type": "kind"}
  }
})";

// C1 both sufficient, C2 both insufficient, C3 mixed (safety not judged), C4
// not inspected. Bad and duplicate rows are there to be skipped and counted.
constexpr const char* kSentences =
    "crn,start,ended\n"
    "C1,15/01/2020,completed\n"
    "C2,29/02/2020,revoked\n"
    "C3,01/06/2020,COMPLETED EARLY\n"
    "C4,01/06/2020,\n"
    "C5,not a date,completed\n"
    "C1,01/01/2021,completed\n";

constexpr const char* kInspections =
    "crn,eng,des,safe\n"
    "C1,Yes,Yes,Yes\n"
    "C2,No,No,No\n"
    "C3,yes,no,not assessed\n"
    "C9,Yes,Yes,Yes\n";

// C1 starts 2020-01-15: offences in [2020-01-15, 2021-01-15), disposals before
// 2021-07-15. C2 starts 2020-02-29: offences before 2021-02-28, disposals
// before 2021-08-29.
constexpr const char* kDisposals =
    "pnc,offence,outcome,kind\n"
    "P1,2020-01-15,2020-02-01,conviction\n"     // counts: offence on the start day
    "P1,2021-01-14,2021-07-14,caution\n"        // counts: last days of both periods
    "P1,2021-01-15,2021-02-01,conviction\n"     // offence after the 12 months
    "P1,2020-05-01,2021-07-15,conviction\n"     // proven after the waiting period
    "P1,2020-06-01,2020-07-01,penalty notice\n" // not a conviction or caution
    "P1,2019-12-01,2020-01-10,conviction\n"     // before the sentence
    "P1,2020-07-01,,conviction\n"               // not proven (no disposal date)
    "P2,2021-02-27,2021-03-01,conviction\n"     // counts for C2
    "P2,2021-02-28,2021-03-01,conviction\n"     // the 12 months ended (leap day start)
    "P2,2020-03-01,2020-04-01,Conviction\n"     // counts (type compared case-insensitively)
    "P3,2020-07-01,2020-08-01,conviction\n"     // counts for C2
    "P4,2020-07-01,2020-09-01,caution\n"        // counts for C3
    "P6,bad-date,2020-01-01,conviction\n";      // skipped

constexpr const char* kPairs =
    "source_l,id_l,source_r,id_r,match_weight,match_probability\n"
    "probation,C1,police,P1,10.0,0.95\n"
    "police,P1,probation,C1,9.0,0.90\n"  // the same pair again: the higher probability stays
    "probation,C2,police,P2,1.0,0.60\n"
    "probation,C2,police,P3,-1.2,0.30\n"
    "probation,C3,police,P4,2.0,0.80\n"
    "probation,C3,police,P5,1.2,0.70\n"  // P5 has no disposals
    "probation,C9,police,P1,5.0,0.99\n"  // no sentence row for C9
    "police,P4,police,P5,3.0,0.90\n"     // within one source: not a case link
    "probation,C4,police,P2,x,0.5\n";    // skipped

class OutcomesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("settings.json"), kSettings);
    WriteFile(dir_.File("sentences.csv"), kSentences);
    WriteFile(dir_.File("inspections.csv"), kInspections);
    WriteFile(dir_.File("disposals.csv"), kDisposals);
    WriteFile(dir_.File("pairs.csv"), kPairs);
  }

  OutcomeSettings LoadSettings() {
    absl::StatusOr<Settings> settings = Settings::Load(dir_.File("settings.json"));
    EXPECT_TRUE(settings.ok()) << settings.status();
    absl::StatusOr<OutcomeSettings> parsed = ParseOutcomeSettings(*settings);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return *parsed;
  }

  OutcomeAnalysis Analyse(const std::string& truth_path = "") {
    OutcomeOptions options;
    options.settings = LoadSettings();
    options.pairs_path = dir_.File("pairs.csv");
    options.outcome_truth_path = truth_path;
    absl::StatusOr<OutcomeAnalysis> analysis = AnalyseOutcomes(options);
    EXPECT_TRUE(analysis.ok()) << analysis.status();
    return *analysis;
  }

  TempDir dir_;
};

absl::Status ParseSection(const std::string& section) {
  const std::string text = R"({"sources": {"probation": {"id": "crn", "fields": {"surname": "s"}},
                                "police": {"id": "pnc", "fields": {"surname": "s"}}},
                               "outcomes": )" + section + "}";
  absl::StatusOr<Settings> settings = Settings::Parse(text, "s.json");
  if (!settings.ok()) return settings.status();
  return ParseOutcomeSettings(*settings).status();
}

TEST_F(OutcomesTest, ParsesTheSectionAndResolvesPaths) {
  const OutcomeSettings s = LoadSettings();
  EXPECT_EQ(s.probation_source, "probation");
  EXPECT_EQ(s.police_source, "police");
  EXPECT_EQ(s.sentences.file, dir_.File("sentences.csv"));
  EXPECT_EQ(s.sentences.start_column, "start");
  EXPECT_EQ(s.sentences.start_format, DateFormat::kDD_MM_YYYY_Slash);
  EXPECT_EQ(s.sentences.completed_values, (std::vector<std::string>{"Completed", "completed early"}));
  EXPECT_EQ(s.inspections.safety_column, "safe");
  EXPECT_EQ(s.disposals.offence_format, DateFormat::kAuto);
  EXPECT_EQ(s.disposals.disposal_format, DateFormat::kYYYY_MM_DD);
  EXPECT_EQ(s.disposals.proven_types, (std::vector<std::string>{"conviction", "caution"}));
  EXPECT_EQ(s.follow_up_months, 12);
  EXPECT_EQ(s.waiting_months, 6);
}

TEST(OutcomeSettingsTest, RefusesBadSections) {
  const std::string sentences = R"("sentences": {"id": "crn", "start": "s", "termination": "t"})";
  const std::string inspections = R"("inspections": {"id": "crn", "engaging": "e", "desistance": "d"})";
  const std::string disposals =
      R"("disposals": {"id": "pnc", "offence_date": "o", "disposal_date": "d"})";
  const std::string good = "{" + sentences + "," + inspections + "," + disposals;
  EXPECT_TRUE(ParseSection(good + "}").ok()) << ParseSection(good + "}");

  auto message = [](const absl::Status& s) { return std::string(s.message()); };
  EXPECT_THAT(message(ParseSection(good + R"(, "extra": 1})")), HasSubstr("unknown key \"extra\""));
  EXPECT_THAT(message(ParseSection("{" + inspections + "," + disposals + "}")),
              HasSubstr("outcomes: needs \"sentences\""));
  EXPECT_THAT(message(ParseSection(good + R"(, "police_source": "prison"})")),
              HasSubstr("source \"prison\" is not in \"sources\""));
  EXPECT_THAT(message(ParseSection(good + R"(, "police_source": "probation"})")),
              HasSubstr("must differ"));
  EXPECT_THAT(message(ParseSection(good + R"(, "follow_up_months": 0})")),
              HasSubstr("follow_up_months"));
  EXPECT_THAT(
      message(ParseSection(
          R"({"sentences": {"id": "crn", "start": {"column": "s", "format": "MM-YY"}, "termination": "t"},)" +
          inspections + "," + disposals + "}")),
      HasSubstr("outcomes.sentences.start.format: bad date format \"MM-YY\""));
  EXPECT_THAT(message(ParseSection(R"({"sentences": {"id": "crn", "start": "s"},)" + inspections +
                                   "," + disposals + "}")),
              HasSubstr("outcomes.sentences: needs \"termination\""));
  EXPECT_THAT(message(ParseSection(R"({"sentences": {"id": "crn", "start": "s", "termination": "t",
                                        "completed": []},)" +
                                   inspections + "," + disposals + "}")),
              HasSubstr("non-empty array of strings"));
  // No section at all.
  absl::StatusOr<Settings> plain = Settings::Parse(
      R"({"sources": {"a": {"id": "i", "fields": {"surname": "s"}}, "b": {"id": "i", "fields": {"surname": "s"}}}})",
      "plain.json");
  ASSERT_TRUE(plain.ok());
  EXPECT_THAT(message(ParseOutcomeSettings(*plain).status()), HasSubstr("plain.json: no \"outcomes\" section"));
}

TEST_F(OutcomesTest, LoadsCasesJudgementsAndDisposals) {
  absl::StatusOr<OutcomeData> data = OutcomeData::Load(LoadSettings());
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->cases.size(), 4u);
  EXPECT_EQ(data->sentences.rows, 6u);
  EXPECT_EQ(data->sentences.used, 4u);
  EXPECT_EQ(data->sentences.skipped, 2u);
  EXPECT_EQ(data->duplicate_cases, 1u);
  EXPECT_EQ(data->blank_terminations, 1u);
  ASSERT_EQ(data->sentences.problems.size(), 2u);
  EXPECT_THAT(data->sentences.problems[0], HasSubstr("sentences.csv:6: sentence start is not a date"));
  EXPECT_THAT(data->sentences.problems[1], HasSubstr("sentences.csv:7: case id seen before"));
  EXPECT_EQ(data->inspections.used, 3u);
  EXPECT_EQ(data->inspections_unknown_case, 1u);
  EXPECT_EQ(data->disposal_rows.rows, 13u);
  EXPECT_EQ(data->disposal_rows.skipped, 1u);

  const auto c = [&](const char* id) { return data->cases[data->case_index.at(id)]; };
  EXPECT_TRUE(c("C1").completed);
  EXPECT_FALSE(c("C2").completed);
  EXPECT_TRUE(c("C3").completed);  // "COMPLETED EARLY" matches "completed early"
  EXPECT_FALSE(c("C4").completed);
  EXPECT_EQ(c("C3").engaging, Judgement::kSufficient);
  EXPECT_EQ(c("C3").desistance, Judgement::kInsufficient);
  EXPECT_EQ(c("C3").safety, Judgement::kUnknown);
  EXPECT_FALSE(c("C4").inspected);
  // 2020-02-29 + 12 months is 2021-02-28; + 18 months is 2021-08-29.
  EXPECT_EQ(FormatIsoDate(c("C2").follow_up_end), "2021-02-28");
  EXPECT_EQ(FormatIsoDate(c("C2").proven_by), "2021-08-29");

  const uint32_t c1 = data->case_index.at("C1"), c2 = data->case_index.at("C2");
  EXPECT_EQ(data->ProvenReoffences(c1, data->police_index.at("P1")), 2u);
  EXPECT_EQ(data->ProvenReoffences(c2, data->police_index.at("P2")), 2u);
  EXPECT_EQ(data->ProvenReoffences(c2, data->police_index.at("P3")), 1u);
  EXPECT_EQ(data->ProvenReoffences(c1, data->police_index.at("P2")), 1u);  // only 2020-03-01
  EXPECT_FALSE(data->police_index.contains("P6"));
}

TEST_F(OutcomesTest, ThresholdWeightedAndSweep) {
  const OutcomeAnalysis a = Analyse();
  EXPECT_EQ(a.cases, 4u);
  EXPECT_EQ(a.inspected, 3u);
  EXPECT_EQ(a.candidate_links, 5u);
  EXPECT_EQ(a.pairs_unknown_case, 1u);
  EXPECT_EQ(a.pairs.rows, 9u);
  EXPECT_EQ(a.pairs.skipped, 1u);
  EXPECT_EQ(a.cases_with_candidates, 3u);

  // (a) at 0.5: C1 -> P1 (2 reoffences), C2 -> P2 (2), C3 -> P4 (1) and P5 (0).
  const OutcomeTable& h = a.headline;
  ASSERT_EQ(h.groups.size(), kOutcomeGroupCount);
  EXPECT_EQ(h.links_used, 4u);
  const GroupOutcome* cohort = h.Find("cohort");
  EXPECT_EQ(cohort->n, 4u);
  EXPECT_EQ(cohort->completed, 2u);
  EXPECT_DOUBLE_EQ(cohort->reoffenders, 3);
  EXPECT_DOUBLE_EQ(cohort->reoffences, 5);
  EXPECT_DOUBLE_EQ(cohort->reoffending.value, 0.75);
  EXPECT_DOUBLE_EQ(cohort->reoffences_per_reoffender, 5.0 / 3);
  EXPECT_EQ(cohort->linked, 3u);
  EXPECT_EQ(h.Find("both_sufficient")->n, 1u);
  EXPECT_DOUBLE_EQ(h.Find("both_sufficient")->reoffences, 2);
  EXPECT_EQ(h.Find("both_insufficient")->n, 1u);
  EXPECT_EQ(h.Find("mixed")->n, 1u);
  EXPECT_DOUBLE_EQ(h.Find("mixed")->reoffences, 1);
  EXPECT_EQ(h.Find("engaging_sufficient")->n, 2u);
  EXPECT_EQ(h.Find("desistance_insufficient")->n, 2u);
  EXPECT_EQ(h.Find("desistance_insufficient")->completed, 1u);
  EXPECT_EQ(h.Find("safety_sufficient")->n, 1u);
  EXPECT_EQ(h.Find("safety_insufficient")->n, 1u);  // C3's safety is not judged
  EXPECT_EQ(h.Find("inspected")->n, 3u);
  // Both sufficient completed (1/1), both insufficient did not (0/1); both reoffended.
  EXPECT_DOUBLE_EQ(h.completion_gap.value, 1.0);
  EXPECT_DOUBLE_EQ(h.reoffending_gap.value, 0.0);
  EXPECT_LT(h.reoffending_gap.lower, 0);
  EXPECT_GT(h.reoffending_gap.upper, 0);

  // (b): C1 0.95; C2 0.6 + 0.3 (sum 0.9, kept); C3 0.8 and 0.7 normalised by 1.5.
  const GroupOutcome* w = a.weighted.Find("cohort");
  EXPECT_NEAR(w->reoffenders, 0.95 + 0.9 + 0.8 / 1.5, 1e-9);
  EXPECT_NEAR(w->reoffences, 0.95 * 2 + (0.6 * 2 + 0.3 * 1) + 0.8 / 1.5, 1e-9);
  EXPECT_NEAR(a.weighted.Find("both_insufficient")->reoffenders, 0.9, 1e-9);
  EXPECT_EQ(a.weighted.links_used, 5u);

  // (c): 0.1 .. 0.9.
  ASSERT_EQ(a.sweep.size(), 9u);
  EXPECT_DOUBLE_EQ(*a.sweep[0].threshold, 0.1);
  EXPECT_DOUBLE_EQ(a.sweep[0].Find("cohort")->reoffences, 2 + 3 + 1);  // C2 also gets P3
  EXPECT_DOUBLE_EQ(a.sweep[6].Find("cohort")->reoffenders, 2);          // 0.7: C2 unlinked
  EXPECT_DOUBLE_EQ(a.sweep[8].Find("cohort")->reoffenders, 1);          // 0.9: only C1
  EXPECT_DOUBLE_EQ(a.sweep[8].Find("cohort")->reoffences, 2);

  // Histogram of every scored pair, one-bit bins from floor(-1.2) = -2 to 10.
  EXPECT_DOUBLE_EQ(a.histogram.first_bin, -2);
  ASSERT_EQ(a.histogram.all.size(), 13u);
  uint64_t total = 0;
  for (uint64_t c : a.histogram.all) total += c;
  EXPECT_EQ(total, 8u);
  EXPECT_EQ(a.histogram.all[0], 1u);   // -1.2
  EXPECT_EQ(a.histogram.all[12], 1u);  // 10.0

  // Example pairs for waterfalls.
  ASSERT_GE(a.examples.size(), 3u);
  EXPECT_EQ(a.examples[0].label, "strongest link");
  EXPECT_EQ(a.examples[0].id_l, "C1");
  EXPECT_EQ(a.examples[1].label, "just above the threshold");
  EXPECT_EQ(a.examples[1].id_r, "P2");
  EXPECT_EQ(a.examples[2].label, "just below the threshold");
  EXPECT_EQ(a.examples[2].id_r, "P3");
}

TEST_F(OutcomesTest, JsonCsvAndBiasAgainstTruth) {
  // A planted truth equal to (a) except one more reoffender in the cohort.
  nlohmann::json truth;
  auto group = [](int n, int completed, int reoffenders, int reoffences) {
    return nlohmann::json{{"n", n}, {"completed", completed}, {"reoffenders", reoffenders},
                          {"reoffences", reoffences}};
  };
  truth["cohort"] = group(4, 2, 4, 6);
  truth["inspected"] = group(3, 2, 3, 5);
  truth["groups"] = {{"both_sufficient", group(1, 1, 1, 2)},
                     {"mixed", group(1, 1, 1, 1)},
                     {"both_insufficient", group(1, 0, 1, 2)},
                     {"engaging_sufficient", group(2, 2, 2, 3)},
                     {"engaging_insufficient", group(1, 0, 1, 2)},
                     {"desistance_sufficient", group(1, 1, 1, 2)},
                     {"desistance_insufficient", group(2, 1, 2, 3)},
                     {"safety_sufficient", group(1, 1, 1, 2)},
                     {"safety_insufficient", group(1, 0, 1, 2)}};
  WriteFile(dir_.File("truth.json"), truth.dump());
  const OutcomeAnalysis a = Analyse(dir_.File("truth.json"));
  ASSERT_TRUE(a.truth.has_value());

  const nlohmann::json j = nlohmann::json::parse(OutcomesToJson(a));
  EXPECT_DOUBLE_EQ(j["headline"]["bias_pp"]["groups"]["cohort"]["proven_reoffending"].get<double>(), -25.0);
  EXPECT_DOUBLE_EQ(j["headline"]["bias_pp"]["groups"]["mixed"]["proven_reoffending"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["headline"]["bias_pp"]["max_abs_group_reoffending_bias"].get<double>(), 25.0);
  EXPECT_DOUBLE_EQ(j["headline"]["groups"]["cohort"]["proven_reoffending_rate"]["value"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(j["headline"]["gaps_pp"]["completion"]["value"].get<double>(), 100.0);
  EXPECT_EQ(j["sweep"].size(), 9u);
  EXPECT_EQ(j["inputs"]["sentences"]["skipped"].get<int>(), 2);
  EXPECT_EQ(j["planted_truth"]["groups"]["cohort"]["n"].get<int>(), 4);

  const std::string csv = OutcomesToCsv(a);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "linkage,threshold,group,measure,n,events,value,ci_lower,ci_upper,truth,bias");
  EXPECT_THAT(csv, HasSubstr("\nthreshold,0.5,cohort,proven_reoffending_pct,4,3.0000,75.0000,"));
  EXPECT_THAT(csv, HasSubstr(",100.0000,-25.0000\n"));  // cohort truth and bias
  EXPECT_THAT(csv, HasSubstr("\nthreshold,0.5,both_sufficient-both_insufficient,completion_gap_pp,2,"));
  EXPECT_THAT(csv, HasSubstr("\nweighted,,cohort,"));
  EXPECT_THAT(csv, HasSubstr("\nsweep,0.9,cohort,proven_reoffending_pct,4,1.0000,25.0000,"));
  // Every data row has the 11 columns.
  size_t rows = 0;
  size_t start = csv.find('\n') + 1;
  while (start < csv.size()) {
    const size_t end = csv.find('\n', start);
    const std::string line = csv.substr(start, end - start);
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 10) << line;
    ++rows;
    start = end + 1;
  }
  // (a), (b), 9 sweep tables and the truth: 12 tables x (11 groups x 3 + 2 gaps).
  EXPECT_EQ(rows, 12u * 35u);

  const std::string text = OutcomesToText(a);
  EXPECT_THAT(text, HasSubstr("both sufficient"));
  EXPECT_THAT(text, HasSubstr("(b) probability-weighted"));
  EXPECT_THAT(text, HasSubstr("planted truth"));
}

TEST_F(OutcomesTest, MissingInputsAreErrorsNamingTheFile) {
  OutcomeOptions options;
  options.settings = LoadSettings();
  options.pairs_path = dir_.File("nope.csv");
  absl::StatusOr<OutcomeAnalysis> a = AnalyseOutcomes(options);
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(std::string(a.status().message()), HasSubstr("nope.csv"));

  WriteFile(dir_.File("sentences.csv"), "crn,begin,ended\nC1,15/01/2020,completed\n");
  options.pairs_path = dir_.File("pairs.csv");
  a = AnalyseOutcomes(options);
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(std::string(a.status().message()),
              HasSubstr("sentences.csv: line 1: no column \"start\" (outcomes.sentences.start)"));
}

TEST_F(OutcomesTest, BuilderKeepsTheHighestProbabilityOfAPair) {
  absl::StatusOr<OutcomeData> data = OutcomeData::Load(LoadSettings());
  ASSERT_TRUE(data.ok());
  CaseLinksBuilder b(*data);
  EXPECT_TRUE(b.Add("C1", "P1", 0.4));
  EXPECT_TRUE(b.Add("C1", "P1", 0.7));
  EXPECT_TRUE(b.Add("C1", "NEW", 0.2));
  EXPECT_FALSE(b.Add("C42", "P1", 0.9));
  const CaseLinks links = b.Finish();
  EXPECT_EQ(links.links, 2u);
  EXPECT_EQ(links.unknown_case_links, 1u);
  const uint32_t c1 = data->case_index.at("C1");
  ASSERT_EQ(links.offsets[c1 + 1] - links.offsets[c1], 2u);
  const LinkCandidate& p1 = links.candidates[links.offsets[c1]];
  EXPECT_DOUBLE_EQ(p1.probability, 0.7);
  EXPECT_EQ(p1.reoffences, 2);
  EXPECT_EQ(links.candidates[links.offsets[c1] + 1].reoffences, 0);  // no disposals
}

// The definitions agree with the synthetic generator's own tally: with the
// true links, every group's counts equal outcomes_truth.json exactly.
TEST(OutcomesSynthTest, TrueLinksReproduceThePlantedTruth) {
  TempDir dir;
  SynthOptions synth;
  synth.people = 3000;
  synth.seed = 7;
  synth.out_dir = dir.path();
  ASSERT_TRUE(GenerateSyntheticData(synth).ok());

  absl::StatusOr<Settings> settings = Settings::Load(dir.File("settings.json"));
  ASSERT_TRUE(settings.ok()) << settings.status();
  absl::StatusOr<OutcomeSettings> os = ParseOutcomeSettings(*settings);
  ASSERT_TRUE(os.ok()) << os.status();
  absl::StatusOr<OutcomeData> data = OutcomeData::Load(*os);
  ASSERT_TRUE(data.ok()) << data.status();

  // Link every probation record to the police records of the same person.
  std::map<std::string, std::vector<std::string>> police_of, probation_of;
  CsvOptions csv;
  auto reader = CsvReader::Open(dir.File("truth.csv"), csv);
  ASSERT_TRUE(reader.ok());
  CsvRow row;
  while ((*reader)->Next(&row)) {
    const std::string person(row.fields[2]);
    (row.fields[0] == "police" ? police_of : probation_of)[person].emplace_back(row.fields[1]);
  }
  CaseLinksBuilder builder(*data);
  for (const auto& [person, crns] : probation_of) {
    for (const std::string& crn : crns) {
      for (const std::string& pnc : police_of[person]) builder.Add(crn, pnc, 1.0);
    }
  }
  const OutcomeTable table = ComputeOutcomes(*data, builder.Finish(), LinkRule::kThreshold, 0.5);
  absl::StatusOr<OutcomeTable> truth = LoadOutcomeTruth(dir.File("outcomes_truth.json"));
  ASSERT_TRUE(truth.ok()) << truth.status();
  for (const GroupOutcome& g : table.groups) {
    const GroupOutcome* t = truth->Find(g.name);
    ASSERT_NE(t, nullptr) << g.name;
    EXPECT_EQ(g.n, t->n) << g.name;
    EXPECT_EQ(g.completed, t->completed) << g.name;
    EXPECT_DOUBLE_EQ(g.reoffenders, t->reoffenders) << g.name;
    EXPECT_DOUBLE_EQ(g.reoffences, t->reoffences) << g.name;
  }
  EXPECT_GT(truth->Find("both_sufficient")->n, 100u);
  EXPECT_DOUBLE_EQ(table.reoffending_gap.value, truth->reoffending_gap.value);
}

TEST(OutcomesCliTest, SynthRunOutcomes) {
  TempDir dir;
  const std::string data = dir.File("data"), out = dir.File("out"), res = dir.File("res");
  ASSERT_EQ(RunProbity("synth --people 1500 --seed 3 --out-dir " + data).exit_code, 0);
  testing::CommandResult run =
      RunProbity("run --settings " + data + "/settings.json --input probation=" + data +
                 "/probation.csv --input police=" + data + "/police.csv --out-dir " + out);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  testing::CommandResult r = RunProbity(
      "outcomes --settings " + data + "/settings.json --pairs " + out + "/pairs.csv --clusters " +
      out + "/clusters.csv --out-dir " + res + " --truth " + data + "/outcomes_truth.json" +
      " --link-truth " + data + "/truth.csv --naive");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("both sufficient"));
  EXPECT_THAT(r.out, HasSubstr("report      " + res + "/report.html"));

  const nlohmann::json j = nlohmann::json::parse(ReadFile(res + "/outcomes.json"));
  EXPECT_EQ(j["inputs"]["cases"].get<int>(), 1500);
  EXPECT_EQ(j["headline"]["groups"]["cohort"]["n"].get<int>(), 1500);
  std::vector<std::string> other;
  for (const auto& t : j["other_linkages"]) other.push_back(t["linkage"].get<std::string>());
  EXPECT_EQ(other, (std::vector<std::string>{"clusters", "naive_exact", "true_links"}));
  // With the true links there is no linkage error at all.
  EXPECT_DOUBLE_EQ(j["other_linkages"][2]["bias_pp"]["max_abs_group_reoffending_bias"].get<double>(), 0.0);
  EXPECT_TRUE(j.contains("link_accuracy"));
  EXPECT_FALSE(ReadFile(res + "/outcomes.csv").empty());
  const std::string html = ReadFile(res + "/report.html");
  EXPECT_THAT(html, HasSubstr("id=\"script-errors\""));
  EXPECT_THAT(html, HasSubstr("Waterfall"));
  EXPECT_THAT(html, HasSubstr("m: P(level | match)"));

  // Refusals: a missing explicit input, and --naive without a store.
  r = RunProbity("outcomes --settings " + data + "/settings.json --pairs " + out +
                 "/pairs.csv --out-dir " + res + " --truth " + dir.File("none.json"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("none.json"));
  std::filesystem::copy_file(out + "/pairs.csv", dir.File("pairs.csv"));
  r = RunProbity("outcomes --settings " + data + "/settings.json --pairs " + dir.File("pairs.csv") +
                 " --out-dir " + res + " --naive");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--naive needs the linkage store"));
}

}  // namespace
}  // namespace probity
