// Tests of unsupervised training: EM recovers the parameters of a known
// two-class model, u estimation is deterministic for a seed whatever the
// thread count, and TrainModel puts the pieces together.
#include "engine/training.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/blocking.h"
#include "engine/candidate_pairs.h"
#include "engine/comparison.h"
#include "engine/date.h"
#include "engine/link_data.h"
#include "engine/record.h"
#include "engine/record_builder.h"
#include "gtest/gtest.h"

namespace probity {
namespace {

// Uniform in [0, 1) from the standardised 64-bit Mersenne Twister (the
// std:: distributions are not portable across standard libraries).
double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Draws a level in [1, p.size()) from probabilities p[1..].
size_t Draw(std::mt19937_64& rng, const std::vector<double>& p) {
  double x = Uniform(rng);
  for (size_t l = 1; l + 1 < p.size(); ++l) {
    if (x < p[l]) return l;
    x -= p[l];
  }
  return p.size() - 1;
}

struct TrueModel {
  std::vector<std::vector<double>> m, u;  // index 0 (null) unused
  std::vector<double> null_rate;          // per comparison, the same in both classes
  double share = 0;
};

TrueModel KnownModel() {
  TrueModel t;
  t.m = {{0, 0.85, 0.10, 0.05}, {0, 0.70, 0.15, 0.10, 0.05}, {0, 0.90, 0.07, 0.03}};
  t.u = {{0, 0.05, 0.15, 0.80}, {0, 0.02, 0.08, 0.20, 0.70}, {0, 0.10, 0.20, 0.70}};
  t.null_rate = {0.0, 0.10, 0.05};
  t.share = 0.2;
  return t;
}

std::vector<std::pair<uint64_t, uint64_t>> Simulate(const TrueModel& t, uint64_t pairs,
                                                    uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::map<uint64_t, uint64_t> counts;
  for (uint64_t i = 0; i < pairs; ++i) {
    const bool match = Uniform(rng) < t.share;
    uint64_t pattern = 0;
    for (size_t c = 0; c < t.m.size(); ++c) {
      size_t level = 0;
      if (Uniform(rng) >= t.null_rate[c]) level = Draw(rng, match ? t.m[c] : t.u[c]);
      pattern |= static_cast<uint64_t>(level) << (4 * c);
    }
    ++counts[pattern];
  }
  return {counts.begin(), counts.end()};
}

TEST(RunEmTest, RecoversKnownParameters) {
  const TrueModel truth = KnownModel();
  const auto patterns = Simulate(truth, 200'000, 20260101);
  const std::vector<size_t> levels = {4, 5, 4};
  // Start u far from the truth: uniform over the levels.
  std::vector<std::vector<double>> u_init;
  for (size_t n : levels) u_init.push_back(std::vector<double>(n, 1.0 / static_cast<double>(n - 1)));

  const EmResult em = RunEm(patterns, levels, u_init, 1000, 1e-9);
  EXPECT_TRUE(em.converged);
  EXPECT_TRUE(em.warnings.empty()) << em.warnings.front();
  EXPECT_NEAR(em.match_share, truth.share, 0.02);
  ASSERT_EQ(em.m.size(), 3u);
  for (size_t c = 0; c < levels.size(); ++c) {
    ASSERT_EQ(em.m[c].size(), levels[c]);
    ASSERT_EQ(em.u[c].size(), levels[c]);
    for (size_t l = 1; l < levels[c]; ++l) {
      EXPECT_NEAR(em.m[c][l], truth.m[c][l], 0.02) << "m comparison " << c << " level " << l;
      EXPECT_NEAR(em.u[c][l], truth.u[c][l], 0.02) << "u comparison " << c << " level " << l;
    }
  }
  // Largest parameter change per iteration, ending below the tolerance.
  ASSERT_EQ(em.changes.size(), static_cast<size_t>(em.iterations));
  EXPECT_LT(em.changes.back(), 1e-9);
  EXPECT_GT(em.changes.front(), em.changes.back());
}

TEST(RunEmTest, IterationCapIsReported) {
  const auto patterns = Simulate(KnownModel(), 20'000, 7);
  const std::vector<size_t> levels = {4, 5, 4};
  std::vector<std::vector<double>> u_init = KnownModel().u;
  for (auto& u : u_init) u[0] = 1;
  const EmResult em = RunEm(patterns, levels, u_init, 2, 1e-12);
  EXPECT_FALSE(em.converged);
  EXPECT_EQ(em.iterations, 2);
  ASSERT_FALSE(em.warnings.empty());
  EXPECT_NE(em.warnings.back().find("did not converge in 2 iterations"), std::string::npos);
}

// Two sources of `per_source` records. Forenames are drawn uniformly from ten
// names no two of which are similar, so a random pair agrees exactly on the
// forename with probability 1/10.
LinkData RandomData(uint32_t per_source, uint64_t seed) {
  static const char* kForenames[] = {"ALICE", "BORIS",  "CYRIL", "DELIA", "EDGAR",
                                     "FIONA", "GUSTAV", "HELGA", "IVOR",  "JUNO"};
  static const char* kSurnames[] = {"SMITH",  "JONES", "TAYLOR", "BROWN", "WILLIAMS", "WILSON",
                                    "JOHNSON", "DAVIES", "ROBINSON", "WRIGHT", "THOMPSON",
                                    "EVANS", "WALKER", "WHITE", "ROBERTS", "GREEN"};
  std::mt19937_64 rng(seed);
  LinkData data;
  for (uint16_t source = 0; source < 2; ++source) {
    for (uint32_t i = 0; i < per_source; ++i) {
      Record r;
      r.id = std::to_string(i);
      r.forenames = {MakeNameValue(kForenames[rng() % 10])};
      r.surnames = {MakeNameValue(kSurnames[rng() % 16])};
      r.dobs = {ToDayNumber(CivilDate{1960, 1, 1}) + static_cast<DayNumber>(rng() % 15000)};
      data.Add(source, r);
    }
  }
  data.Finish();
  return data;
}

ComparisonSpec Spec(const std::string& name, FieldKind field, ComparisonKind kind) {
  ComparisonSpec spec;
  spec.name = name;
  spec.field = field;
  spec.kind = kind;
  DescribeLevels(&spec);
  return spec;
}

std::vector<ComparisonSpec> NameDobSpecs() {
  return {Spec("forename", FieldKind::kForename, ComparisonKind::kForename),
          Spec("surname", FieldKind::kSurname, ComparisonKind::kSurname),
          Spec("dob", FieldKind::kDob, ComparisonKind::kDob)};
}

TEST(EstimateUTest, DeterministicForASeedWhateverTheThreads) {
  const LinkData data = RandomData(400, 5);
  const std::vector<ComparisonSpec> specs = NameDobSpecs();
  uint64_t sampled1 = 0, sampled2 = 0, sampled3 = 0;
  const auto u1 = EstimateU(data, specs, LinkType::kLinkOnly, 150'000, 7, 1, &sampled1);
  const auto u2 = EstimateU(data, specs, LinkType::kLinkOnly, 150'000, 7, 2, &sampled2);
  EXPECT_EQ(sampled1, 150'000u);
  EXPECT_EQ(sampled2, 150'000u);
  EXPECT_EQ(u1, u2);  // bit for bit

  const auto other = EstimateU(data, specs, LinkType::kLinkOnly, 150'000, 8, 2, &sampled3);
  EXPECT_EQ(sampled3, 150'000u);
  EXPECT_NE(u1, other);
  double largest_gap = 0;
  for (size_t c = 0; c < specs.size(); ++c) {
    ASSERT_EQ(u1[c].size(), specs[c].levels());
    double total = 0;
    for (size_t l = 1; l < u1[c].size(); ++l) {
      total += u1[c][l];
      largest_gap = std::max(largest_gap, std::abs(u1[c][l] - other[c][l]));
    }
    EXPECT_NEAR(total, 1.0, 1e-9) << specs[c].name;
  }
  EXPECT_GT(largest_gap, 0.0);
  EXPECT_LT(largest_gap, 0.015);

  // What u estimates: a random pair agrees on the forename one time in ten.
  EXPECT_NEAR(u1[0][1], 0.1, 0.01);
  // Dates spread over 15000 days: exact agreement is rare.
  EXPECT_LT(u1[2][1], 0.002);
}

TEST(EstimateUTest, SamplesPairsOfTheLinkType) {
  // Source 0 is all ALICE, source 1 all BORIS: across sources forenames never
  // agree, within a source they always do.
  LinkData data;
  for (uint16_t source = 0; source < 2; ++source) {
    for (int i = 0; i < 50; ++i) {
      Record r;
      r.forenames = {MakeNameValue(source == 0 ? "ALICE" : "BORIS")};
      data.Add(source, r);
    }
  }
  data.Finish();
  const std::vector<ComparisonSpec> specs = {
      Spec("forename", FieldKind::kForename, ComparisonKind::kForename)};
  uint64_t sampled = 0;
  const auto link = EstimateU(data, specs, LinkType::kLinkOnly, 2000, 1, 2, &sampled);
  EXPECT_EQ(sampled, 2000u);
  EXPECT_LT(link[0][1], 0.001);
  EXPECT_GT(link[0][8], 0.99);  // else
  const auto dedupe = EstimateU(data, specs, LinkType::kDedupeOnly, 2000, 1, 2, &sampled);
  EXPECT_GT(sampled, 1800u);  // pairs of a record with itself are dropped
  EXPECT_GT(dedupe[0][1], 0.99);

  EXPECT_EQ(TotalPairs(data, LinkType::kLinkOnly), 2500.0);
  EXPECT_EQ(TotalPairs(data, LinkType::kDedupeOnly), 2 * 1225.0);
  EXPECT_EQ(TotalPairs(data, LinkType::kLinkAndDedupe), 4950.0);
}

TEST(TrainModelTest, LearnsThatAgreementIsEvidence) {
  // 300 people recorded in both sources (exact copies); source 0 has 300 more
  // people, source 1 300 relatives (same surname, other forename and dob).
  static const char* kForenames[] = {"ALICE", "BORIS",  "CYRIL", "DELIA", "EDGAR",
                                     "FIONA", "GUSTAV", "HELGA", "IVOR",  "JUNO"};
  static const char* kSurnames[] = {"SMITH", "JONES", "TAYLOR", "BROWN", "WILSON", "EVANS"};
  std::mt19937_64 rng(3);
  std::vector<BlockingRule> rules(1);
  rules[0].id = 1;
  rules[0].name = "surname";
  rules[0].parts = {KeyPart::kSurname};
  LinkData data;
  BlockKeyIndex keys;
  std::vector<Record> people;
  for (int i = 0; i < 600; ++i) {
    Record r;
    r.id = std::to_string(i);
    r.forenames = {MakeNameValue(kForenames[rng() % 10])};
    r.surnames = {MakeNameValue(kSurnames[rng() % 6])};
    r.dobs = {ToDayNumber(CivilDate{1960, 1, 1}) + static_cast<DayNumber>(rng() % 15000)};
    people.push_back(r);
  }
  // Source 0: people 0..599. Source 1: people 0..299 again, then 300 new ones.
  for (const Record& r : people) {
    data.Add(0, r);
    keys.Add(rules, r);
  }
  for (int i = 0; i < 600; ++i) {
    Record r = people[static_cast<size_t>(i % 300)];
    if (i >= 300) {
      r.forenames = {MakeNameValue(kForenames[rng() % 10])};
      r.dobs = {ToDayNumber(CivilDate{1960, 1, 1}) + static_cast<DayNumber>(rng() % 15000)};
    }
    data.Add(1, r);
    keys.Add(rules, r);
  }
  data.Finish();

  TrainingOptions options;
  options.u_sample_pairs = 100'000;
  options.candidates.threads = 2;
  TrainingReport report;
  absl::StatusOr<FsModel> model = TrainModel(data, keys, rules, NameDobSpecs(), options, &report);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(report.u_pairs_sampled, 100'000u);
  EXPECT_EQ(report.total_pairs, 360'000.0);
  EXPECT_GT(report.blocking.total_pairs, 0u);
  ASSERT_EQ(model->comparisons.size(), 3u);
  for (const ComparisonModel& cm : model->comparisons) {
    // Agreeing exactly is evidence for a match, disagreeing against.
    // (u of an exact forename is about 1/10, of a surname about 1/6.)
    EXPECT_GT(std::log2(cm.levels[1].m / cm.levels[1].u), 2.0) << cm.spec.name;
    EXPECT_LT(cm.levels.back().m, cm.levels.back().u) << cm.spec.name;
  }
  // Term frequencies of dates of birth are counted over all 1200 values.
  EXPECT_EQ(model->comparisons[2].tf_total, 1200u);
  // About 300 true pairs among 360000: lambda near 300 / 360000.
  EXPECT_GT(model->lambda, 0.5 * 300 / 360'000.0);
  EXPECT_LT(model->lambda, 2.0 * 300 / 360'000.0);
  // Matches among the candidate pairs: the 300 copies over all same-surname pairs.
  const double expected_share = 300.0 / static_cast<double>(report.blocking.total_pairs);
  EXPECT_GT(report.blocked_match_share, 0.5 * expected_share);
  EXPECT_LT(report.blocked_match_share, 2.0 * expected_share);
  // A date of birth agreeing exactly is strong evidence: u is about 1/1100 (the
  // 300 true pairs among 360000 random pairs, plus chance agreement 1/15000).
  EXPECT_GT(model->LevelWeight(2, 1, 0), 8.0);

  options.fixed_lambda = 0.001;
  model = TrainModel(data, keys, rules, NameDobSpecs(), options, &report);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->lambda, 0.001);

  absl::StatusOr<FsModel> none = TrainModel(data, keys, rules, {}, options, &report);
  EXPECT_FALSE(none.ok());
}

}  // namespace
}  // namespace probity
