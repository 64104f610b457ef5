#include "engine/evaluation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace probity {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPairsHeader[] = "source_l,id_l,source_r,id_r,match_weight,match_probability\n";

// Two sources A and B; persons P1..P3 have one record in each (3 true
// cross-source pairs); a4 (P4) and b4 (P5) are different people.
constexpr char kTruth[] =
    "source,record_id,person_id\n"
    "A,a1,P1\nB,b1,P1\n"
    "A,a2,P2\nB,b2,P2\n"
    "A,a3,P3\nB,b3,P3\n"
    "A,a4,P4\nB,b4,P5\n";

class EvaluationTest : public ::testing::Test {
 protected:
  // Writes the files and evaluates; fails the test on error.
  EvalReport Evaluate(const std::string& truth, const std::string& pairs,
                      EvalOptions options = {}) {
    absl::StatusOr<EvalReport> report = TryEvaluate(truth, pairs, options);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : EvalReport{};
  }
  absl::StatusOr<EvalReport> TryEvaluate(const std::string& truth, const std::string& pairs,
                                         EvalOptions options = {}) {
    testing::WriteFile(TruthPath(), truth);
    testing::WriteFile(PairsPath(), pairs);
    return EvaluatePairs(PairsPath(), TruthPath(), options);
  }
  std::string TruthPath() const { return dir_.File("truth.csv"); }
  std::string PairsPath() const { return dir_.File("pairs.csv"); }

  testing::TempDir dir_;
};

// 4 links at 0.5 of which 2 are right; one true pair scored below the threshold.
std::string StandardPairs() {
  return std::string(kPairsHeader) +
         "A,a1,B,b1,10,0.9\n"
         "A,a2,B,b2,8,0.8\n"
         "A,a1,B,b2,5,0.7\n"
         "A,a4,B,b4,3,0.6\n"
         "A,a3,B,b3,-2,0.2\n";
}

TEST_F(EvaluationTest, PrecisionRecallF1AtThreshold) {
  EvalReport r = Evaluate(kTruth, StandardPairs());
  EXPECT_TRUE(r.cross_source_only);
  EXPECT_TRUE(r.semantics_inferred);
  EXPECT_EQ(r.truth_records, 8u);
  EXPECT_EQ(r.truth_sources, 2u);
  EXPECT_EQ(r.persons, 5u);
  EXPECT_EQ(r.true_pairs, 3u);
  EXPECT_EQ(r.pair_rows, 5u);
  EXPECT_EQ(r.scored_pairs, 5u);
  EXPECT_EQ(r.true_pairs_scored, 3u);
  EXPECT_EQ(r.at_threshold.threshold, 0.5);
  EXPECT_EQ(r.at_threshold.links, 4u);
  EXPECT_EQ(r.at_threshold.true_positives, 2u);
  EXPECT_EQ(r.at_threshold.false_positives, 2u);
  EXPECT_EQ(r.at_threshold.false_negatives, 1u);
  EXPECT_DOUBLE_EQ(r.at_threshold.precision, 0.5);
  EXPECT_DOUBLE_EQ(r.at_threshold.recall, 2.0 / 3.0);
  EXPECT_NEAR(r.at_threshold.f1, 0.5714, 1e-4);  // 2PR/(P+R) = (2/3)/(7/6) = 4/7
  EXPECT_EQ(r.missed_scored, 1u);
  EXPECT_EQ(r.missed_not_candidate, 0u);

  ASSERT_EQ(r.top_false_links.size(), 2u);
  EXPECT_EQ(r.top_false_links[0].id_l, "a1");
  EXPECT_EQ(r.top_false_links[0].id_r, "b2");
  EXPECT_EQ(r.top_false_links[0].weight, 5);
  EXPECT_EQ(r.top_false_links[0].probability, 0.7);
  EXPECT_EQ(r.top_false_links[1].id_l, "a4");
  EXPECT_EQ(r.top_false_links[1].id_r, "b4");
  ASSERT_EQ(r.top_missed_links.size(), 1u);
  EXPECT_EQ(r.top_missed_links[0].source_l, "A");
  EXPECT_EQ(r.top_missed_links[0].id_l, "a3");
  EXPECT_EQ(r.top_missed_links[0].source_r, "B");
  EXPECT_EQ(r.top_missed_links[0].id_r, "b3");
  EXPECT_EQ(r.top_missed_links[0].weight, -2);
}

TEST_F(EvaluationTest, Curve) {
  EvalReport r = Evaluate(kTruth, StandardPairs());
  // 13 standard thresholds; 0.5 is one of them.
  ASSERT_EQ(r.curve.size(), 13u);
  EXPECT_EQ(r.curve.front().threshold, 0.01);
  EXPECT_EQ(r.curve.back().threshold, 0.99);
  for (const EvalPoint& p : r.curve) {
    if (p.threshold == 0.1 || p.threshold == 0.2) {  // 0.2 itself counts (>=)
      EXPECT_EQ(p.links, 5u) << p.threshold;
      EXPECT_EQ(p.true_positives, 3u) << p.threshold;
      EXPECT_DOUBLE_EQ(p.precision, 0.6);
      EXPECT_DOUBLE_EQ(p.recall, 1.0);
      EXPECT_DOUBLE_EQ(p.f1, 0.75);
    } else if (p.threshold == 0.7) {
      EXPECT_EQ(p.links, 3u);
      EXPECT_EQ(p.true_positives, 2u);
      EXPECT_EQ(p.false_positives, 1u);
    } else if (p.threshold == 0.9) {
      EXPECT_EQ(p.links, 1u);
      EXPECT_DOUBLE_EQ(p.precision, 1.0);
      EXPECT_DOUBLE_EQ(p.recall, 1.0 / 3.0);
      EXPECT_DOUBLE_EQ(p.f1, 0.5);
    } else if (p.threshold == 0.95) {
      // No links: precision is defined as 0, and so is F1.
      EXPECT_EQ(p.links, 0u);
      EXPECT_EQ(p.false_negatives, 3u);
      EXPECT_EQ(p.precision, 0.0);
      EXPECT_EQ(p.recall, 0.0);
      EXPECT_EQ(p.f1, 0.0);
    }
  }
  // A threshold off the standard list is added in order.
  EvalOptions options;
  options.threshold = 0.65;
  r = Evaluate(kTruth, StandardPairs(), options);
  ASSERT_EQ(r.curve.size(), 14u);
  EXPECT_EQ(r.curve[8].threshold, 0.65);  // after 0.01 0.05 0.1 ... 0.6
  EXPECT_EQ(r.at_threshold.links, 3u);
  EXPECT_EQ(r.at_threshold.true_positives, 2u);
  ASSERT_EQ(r.top_false_links.size(), 1u);
  EXPECT_EQ(r.top_false_links[0].id_l, "a1");
}

TEST_F(EvaluationTest, ProbabilityEqualToThresholdIsALink) {
  EvalOptions options;
  options.threshold = 0.2;  // a3-b3 is scored exactly 0.2
  EvalReport r = Evaluate(kTruth, StandardPairs(), options);
  EXPECT_EQ(r.at_threshold.links, 5u);
  EXPECT_EQ(r.at_threshold.true_positives, 3u);
  EXPECT_EQ(r.missed_scored, 0u);
  EXPECT_TRUE(r.top_missed_links.empty());
  EXPECT_EQ(r.top_false_links.size(), 2u);
}

TEST_F(EvaluationTest, TrueNeverScoredPairsAreNotCandidates) {
  std::string pairs = std::string(kPairsHeader) +
                      "A,a1,B,b1,10,0.9\n"
                      "A,a2,B,b2,-1,0.3\n";
  EvalReport r = Evaluate(kTruth, pairs);
  EXPECT_EQ(r.true_pairs, 3u);
  EXPECT_EQ(r.true_pairs_scored, 2u);
  EXPECT_EQ(r.at_threshold.true_positives, 1u);
  EXPECT_EQ(r.at_threshold.false_negatives, 2u);
  EXPECT_EQ(r.missed_scored, 1u);         // a2-b2
  EXPECT_EQ(r.missed_not_candidate, 1u);  // a3-b3
  ASSERT_EQ(r.top_missed_links.size(), 1u);
  EXPECT_EQ(r.top_missed_links[0].id_l, "a2");
  EXPECT_DOUBLE_EQ(r.at_threshold.precision, 1.0);
  EXPECT_DOUBLE_EQ(r.at_threshold.recall, 1.0 / 3.0);
}

TEST_F(EvaluationTest, DedupeSemanticsInOneSource) {
  // P1 has 3 records (3 pairs), P2 two (1 pair), P3 one: 4 true pairs.
  std::string truth =
      "source,record_id,person_id\n"
      "S,r1,P1\nS,r2,P1\nS,r3,P1\nS,r4,P2\nS,r5,P2\nS,r6,P3\n";
  std::string pairs = std::string(kPairsHeader) +
                      "S,r1,S,r2,9,0.9\n"
                      "S,r2,S,r3,9,0.9\n"
                      "S,r1,S,r3,1,0.3\n"
                      "S,r4,S,r5,7,0.8\n"
                      "S,r5,S,r6,6,0.7\n";
  EvalReport r = Evaluate(truth, pairs);
  EXPECT_FALSE(r.cross_source_only);
  EXPECT_TRUE(r.semantics_inferred);
  EXPECT_EQ(r.true_pairs, 4u);
  EXPECT_EQ(r.at_threshold.links, 4u);
  EXPECT_EQ(r.at_threshold.true_positives, 3u);
  EXPECT_EQ(r.at_threshold.false_positives, 1u);
  EXPECT_DOUBLE_EQ(r.at_threshold.precision, 0.75);
  EXPECT_DOUBLE_EQ(r.at_threshold.recall, 0.75);
  EXPECT_DOUBLE_EQ(r.at_threshold.f1, 0.75);
  EXPECT_EQ(r.missed_scored, 1u);
  EXPECT_EQ(r.missed_not_candidate, 0u);
}

TEST_F(EvaluationTest, CrossSourceSemanticsIgnoresWithinSourcePairsOfAPerson) {
  // P1: x1, x2 in A and y1 in B: 2 cross-source pairs, 3 pairs in all.
  std::string truth =
      "source,record_id,person_id\n"
      "A,x1,P1\nA,x2,P1\nB,y1,P1\nB,y2,P2\n";
  std::string cross_pairs = std::string(kPairsHeader) + "A,x1,B,y1,8,0.9\n";
  EvalReport r = Evaluate(truth, cross_pairs);
  EXPECT_TRUE(r.cross_source_only);
  EXPECT_EQ(r.true_pairs, 2u);
  EXPECT_DOUBLE_EQ(r.at_threshold.recall, 0.5);

  // A same-source pair in the pairs file switches the inference to all pairs.
  std::string mixed_pairs = cross_pairs + "A,x1,A,x2,6,0.8\n";
  r = Evaluate(truth, mixed_pairs);
  EXPECT_FALSE(r.cross_source_only);
  EXPECT_TRUE(r.semantics_inferred);
  EXPECT_EQ(r.true_pairs, 3u);
  EXPECT_EQ(r.at_threshold.true_positives, 2u);

  // Forced cross-source: the same-source pair is a false link.
  EvalOptions options;
  options.cross_source_only = true;
  r = Evaluate(truth, mixed_pairs, options);
  EXPECT_TRUE(r.cross_source_only);
  EXPECT_FALSE(r.semantics_inferred);
  EXPECT_EQ(r.true_pairs, 2u);
  EXPECT_EQ(r.at_threshold.true_positives, 1u);
  EXPECT_EQ(r.at_threshold.false_positives, 1u);
  ASSERT_EQ(r.top_false_links.size(), 1u);
  EXPECT_EQ(r.top_false_links[0].id_r, "x2");

  // Forced all pairs without any same-source pair.
  options.cross_source_only = false;
  r = Evaluate(truth, cross_pairs, options);
  EXPECT_EQ(r.true_pairs, 3u);
  EXPECT_EQ(r.missed_not_candidate, 2u);
}

TEST_F(EvaluationTest, DuplicatePairsCountOnceWithMaxProbability) {
  std::string pairs = std::string(kPairsHeader) +
                      "A,a1,B,b1,-1,0.3\n"
                      "B,b1,A,a1,10,0.9\n"  // same pair, reversed, higher
                      "A,a1,B,b1,2,0.4\n"
                      "B,b3,A,a3,-3,0.1\n"
                      "A,a3,B,b3,-2,0.2\n";
  EvalReport r = Evaluate(kTruth, pairs);
  EXPECT_EQ(r.pair_rows, 5u);
  EXPECT_EQ(r.scored_pairs, 2u);
  EXPECT_EQ(r.true_pairs_scored, 2u);
  EXPECT_EQ(r.at_threshold.links, 1u);
  EXPECT_EQ(r.at_threshold.true_positives, 1u);
  EXPECT_EQ(r.missed_scored, 1u);
  EXPECT_EQ(r.missed_not_candidate, 1u);
  // The kept row is the one of highest probability, in its own orientation.
  ASSERT_EQ(r.top_missed_links.size(), 1u);
  EXPECT_EQ(r.top_missed_links[0].source_l, "A");
  EXPECT_EQ(r.top_missed_links[0].id_l, "a3");
  EXPECT_EQ(r.top_missed_links[0].weight, -2);
  EXPECT_EQ(r.top_missed_links[0].probability, 0.2);
  EXPECT_EQ(r.true_pairs, 3u);
}

TEST_F(EvaluationTest, TopListsAreOrderedAndCapped) {
  std::string truth = "source,record_id,person_id\n";
  std::string pairs = kPairsHeader;
  for (int i = 0; i < 15; ++i) {
    const std::string n = std::to_string(i);
    truth += "A,a" + n + ",PA" + n + "\nB,b" + n + ",PB" + n + "\n";
    pairs += "A,a" + n + ",B,b" + n + "," + std::to_string(i) + ",0.9\n";
  }
  EvalOptions options;
  options.top_n = 4;
  EvalReport r = Evaluate(truth, pairs, options);
  EXPECT_EQ(r.true_pairs, 0u);
  EXPECT_EQ(r.at_threshold.false_positives, 15u);
  EXPECT_EQ(r.at_threshold.recall, 0.0);
  ASSERT_EQ(r.top_false_links.size(), 4u);
  EXPECT_EQ(r.top_false_links[0].id_l, "a14");
  EXPECT_EQ(r.top_false_links[1].id_l, "a13");
  EXPECT_EQ(r.top_false_links[3].id_l, "a11");
}

TEST_F(EvaluationTest, UnknownRecordIsAnErrorNamingFileAndLine) {
  std::string pairs = std::string(kPairsHeader) +
                      "A,a1,B,b1,10,0.9\n"
                      "A,a2,B,secret_id_9,8,0.8\n";
  absl::StatusOr<EvalReport> r = TryEvaluate(kTruth, pairs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            PairsPath() + ":3: the record in source_r, id_r is not in the truth file");
  EXPECT_THAT(std::string(r.status().message()), Not(HasSubstr("secret_id_9")));

  // An unknown source is reported the same way.
  pairs = std::string(kPairsHeader) + "C,a1,B,b1,10,0.9\n";
  r = TryEvaluate(kTruth, pairs);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            PairsPath() + ":2: the record in source_l, id_l is not in the truth file");
}

TEST_F(EvaluationTest, MalformedInputs) {
  auto message = [&](const std::string& truth, const std::string& pairs) {
    absl::StatusOr<EvalReport> r = TryEvaluate(truth, pairs);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : std::string(r.status().message());
  };
  EXPECT_EQ(message("source,record_id\nA,a1\n", kPairsHeader),
            TruthPath() + ": missing column 'person_id' (expected columns "
                          "source,record_id,person_id)");
  EXPECT_THAT(message(kTruth, "source_l,id_l,source_r,id_r,match_weight\n"),
              HasSubstr(PairsPath() + ": missing column 'match_probability'"));
  EXPECT_EQ(message(std::string(kTruth) + "A,a1,P9\n", kPairsHeader),
            TruthPath() + ":10: record listed twice (same source and record_id)");
  EXPECT_EQ(message(std::string(kTruth) + "A,a9,\n", kPairsHeader),
            TruthPath() + ":10: empty person_id");
  EXPECT_EQ(message(kTruth, std::string(kPairsHeader) + "A,a1,B,b1,abc,0.9\n"),
            PairsPath() + ":2: match_weight is not a number");
  EXPECT_EQ(message(kTruth, std::string(kPairsHeader) + "A,a1,B,b1,1,1.5\n"),
            PairsPath() + ":2: match_probability is not a number in [0, 1]");
  EXPECT_EQ(message(kTruth, std::string(kPairsHeader) + "A,a1,B,b1,1,0.5x\n"),
            PairsPath() + ":2: match_probability is not a number in [0, 1]");
  EXPECT_EQ(message(kTruth, std::string(kPairsHeader) + "A,a1,A,a1,1,0.5\n"),
            PairsPath() + ":2: pair of a record with itself");
  EXPECT_EQ(message(kTruth, std::string(kPairsHeader) + "A,a1,B,b1,1\n"),
            PairsPath() + ":2: expected 6 fields, found 5");
  EXPECT_THAT(message(kTruth, ""), HasSubstr(PairsPath() + ": empty file"));

  testing::WriteFile(PairsPath(), kPairsHeader);
  absl::StatusOr<EvalReport> missing =
      EvaluatePairs(PairsPath(), dir_.File("nope.csv"), EvalOptions{});
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("nope.csv: cannot open"));

  EvalOptions bad;
  bad.threshold = 1.5;
  EXPECT_FALSE(TryEvaluate(kTruth, kPairsHeader, bad).ok());
}

TEST_F(EvaluationTest, ExtraColumnsAndSignedNumbersAreAccepted) {
  std::string truth =
      "person_id,name_ignored,record_id,source\n"
      "P1,x,a1,A\nP1,x,b1,B\n";
  std::string pairs =
      "match_probability,id_r,source_r,note,id_l,source_l,match_weight\n"
      "+0.75,b1,B,n,a1,A,+4.5\n";
  EvalReport r = Evaluate(truth, pairs);
  EXPECT_EQ(r.true_pairs, 1u);
  EXPECT_EQ(r.at_threshold.true_positives, 1u);
  EXPECT_DOUBLE_EQ(r.at_threshold.f1, 1.0);
}

TEST_F(EvaluationTest, JsonAndTextRenderings) {
  EvalReport r = Evaluate(kTruth, StandardPairs());
  nlohmann::json j = nlohmann::json::parse(EvalReportToJson(r));
  EXPECT_EQ(j["semantics"], "cross_source_only");
  EXPECT_EQ(j["semantics_inferred"], true);
  EXPECT_EQ(j["truth"]["true_pairs"], 3);
  EXPECT_EQ(j["pairs"]["distinct"], 5);
  EXPECT_EQ(j["at_threshold"]["true_positives"], 2);
  EXPECT_EQ(j["at_threshold"]["false_positives"], 2);
  EXPECT_EQ(j["at_threshold"]["missed_scored"], 1);
  EXPECT_EQ(j["at_threshold"]["missed_not_candidate"], 0);
  EXPECT_DOUBLE_EQ(j["at_threshold"]["precision"].get<double>(), 0.5);
  EXPECT_EQ(j["curve"].size(), 13u);
  ASSERT_EQ(j["top_false_links"].size(), 2u);
  EXPECT_EQ(j["top_false_links"][0]["id_l"], "a1");
  EXPECT_EQ(j["top_false_links"][0]["id_r"], "b2");
  EXPECT_EQ(j["top_false_links"][0]["match_weight"], 5.0);
  EXPECT_EQ(j["top_missed_links"][0]["id_r"], "b3");

  const std::string text = EvalReportToText(r);
  EXPECT_THAT(text, HasSubstr("3 true pairs (cross-source pairs only, inferred)"));
  EXPECT_THAT(text, HasSubstr("at threshold 0.5: precision 0.5000  recall 0.6667  F1 0.5714"));
  EXPECT_THAT(text, HasSubstr("1 scored below the threshold, 0 never candidates"));
  EXPECT_THAT(text, HasSubstr("A:a1  B:b2"));
  EXPECT_THAT(text, HasSubstr("A:a3  B:b3"));
  EXPECT_THAT(text, HasSubstr("      0.5          4          2          2    0.5000    0.6667"
                              "    0.5714  <"));
}

}  // namespace
}  // namespace probity
