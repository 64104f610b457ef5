// Tests of candidate pair generation: every pair exactly once across rules and
// alias keys, the link type's source constraint, oversized blocks and
// optional rules over the pair budget.
#include "engine/candidate_pairs.h"

#include <algorithm>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/blocking.h"
#include "engine/date.h"
#include "engine/identifiers.h"
#include "engine/link_data.h"
#include "engine/postcode.h"
#include "engine/record.h"
#include "engine/record_builder.h"
#include "gtest/gtest.h"

namespace probity {
namespace {

using Pair = std::pair<uint32_t, uint32_t>;

BlockingRule Rule(uint8_t id, const std::string& name, std::vector<KeyPart> parts,
                  bool optional = false) {
  BlockingRule rule;
  rule.id = id;
  rule.name = name;
  rule.parts = std::move(parts);
  rule.optional = optional;
  return rule;
}

// surname, dob, forename: three rules.
std::vector<BlockingRule> ThreeRules() {
  return {Rule(1, "surname", {KeyPart::kSurname}), Rule(2, "dob", {KeyPart::kDob}),
          Rule(3, "forename", {KeyPart::kForename})};
}

DayNumber Day(int y, int m, int d) { return ToDayNumber(CivilDate{y, m, d}); }

Record Make(std::vector<const char*> forenames, std::vector<const char*> surnames,
            std::vector<DayNumber> dobs) {
  Record r;
  for (const char* f : forenames) r.forenames.push_back(MakeNameValue(f));
  for (const char* s : surnames) r.surnames.push_back(MakeNameValue(s));
  r.dobs = std::move(dobs);
  return r;
}

struct Dataset {
  LinkData data;
  BlockKeyIndex keys;
  void Add(uint16_t source, const std::vector<BlockingRule>& rules, Record r) {
    r.id = std::to_string(data.size());
    data.Add(source, r);
    keys.Add(rules, r);
  }
};

struct Collected {
  std::vector<Pair> pairs;  // every call, in call order
  BlockingStats stats;
  std::set<int> workers;
  bool ordered = true;  // a < b on every call
};

Collected Collect(const Dataset& d, const std::vector<BlockingRule>& rules,
                  const CandidateOptions& options) {
  Collected c;
  std::mutex mu;
  c.stats = ForEachCandidatePair(d.data, d.keys, rules, options, [&](int worker, size_t, uint32_t a,
                                                                     uint32_t b) {
    std::lock_guard<std::mutex> lock(mu);
    c.pairs.emplace_back(a, b);
    c.workers.insert(worker);
    if (!(a < b)) c.ordered = false;
  });
  return c;
}

std::vector<Pair> Sorted(std::vector<Pair> pairs) {
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

CandidateOptions Options(LinkType type, int threads = 2) {
  CandidateOptions options;
  options.link_type = type;
  options.threads = threads;
  return options;
}

// Every key part, alone and combined, and two custom fields.
std::vector<BlockingRule> EveryPartRules() {
  std::vector<BlockingRule> rules;
  const KeyPart single[] = {KeyPart::kPnc,           KeyPart::kCro,
                            KeyPart::kNino,          KeyPart::kSurname,
                            KeyPart::kSurnameMetaphone, KeyPart::kForename,
                            KeyPart::kForenameMetaphone, KeyPart::kForenameInitial,
                            KeyPart::kDob,           KeyPart::kDobYear,
                            KeyPart::kDobMonthDay,   KeyPart::kPostcode,
                            KeyPart::kPostcodeSector, KeyPart::kPostcodeDistrict,
                            KeyPart::kSex};
  for (KeyPart part : single) {
    rules.push_back(Rule(static_cast<uint8_t>(rules.size() + 1), "", {part}));
  }
  rules.push_back(Rule(static_cast<uint8_t>(rules.size() + 1), "",
                       {KeyPart::kSurname, KeyPart::kDobYear}));
  rules.push_back(Rule(static_cast<uint8_t>(rules.size() + 1), "",
                       {KeyPart::kForenameMetaphone, KeyPart::kDob, KeyPart::kSex}));
  for (uint8_t field : {0, 1, 0}) {
    BlockingRule custom = Rule(static_cast<uint8_t>(rules.size() + 1), "",
                               {KeyPart::kCustom, KeyPart::kDobMonthDay});
    custom.custom_field = field;
    rules.push_back(custom);
  }
  return rules;
}

TEST(BlockKeysTest, AllRulesAtOnceEqualRuleByRule) {
  const std::vector<BlockingRule> rules = EveryPartRules();
  Record full = Make({"Siobhán Mary", "Zoë"}, {"Smith-Jones", "O'Neil"},
                     {Day(1980, 2, 29), Day(1981, 2, 28)});
  full.sex = 'F';
  full.postcodes = {NormalisePostcode("m1 1ae"), NormalisePostcode("CR3 6GY")};
  full.pncs = {NormalisePnc("2000/1234567V", 2026)};
  full.cros = {NormaliseCro("123456/00Q")};
  full.ninos = {NormaliseNino("AB123456C")};
  full.custom = {CustomValue{0, "north", 0}, CustomValue{1, "", Day(2020, 1, 1)},
                 CustomValue{1, "", Day(2021, 1, 1)}};
  const Record sparse = Make({"Ann"}, {"Lee"}, {});  // no dates: no date keys
  for (const Record* record : std::vector<const Record*>{&full, &sparse, &full}) {
    std::vector<storage::BlockKey> rule_by_rule;
    for (const BlockingRule& rule : rules) AppendBlockKeys(rule, *record, &rule_by_rule);
    std::vector<storage::BlockKey> at_once;
    AppendBlockKeys(rules, *record, &at_once);
    EXPECT_EQ(at_once, rule_by_rule);
  }

  const auto count = [&](const Record& r, size_t rule) {
    std::vector<storage::BlockKey> keys;
    AppendBlockKeys(rules[rule], r, &keys);
    return keys.size();
  };
  EXPECT_EQ(count(full, 3), 3u);       // surname tokens SMITH, JONES, ONEIL
  EXPECT_EQ(count(full, 8), 2u);       // two dates of birth
  EXPECT_EQ(count(full, 15), 6u);      // 3 surname tokens x 2 years
  EXPECT_EQ(count(full, 17), 2u);      // custom field 0 once x 2 month-days
  EXPECT_EQ(count(full, 18), 4u);      // custom field 1 twice x 2 month-days
  EXPECT_EQ(count(sparse, 8), 0u);
  EXPECT_EQ(count(sparse, 15), 0u);
  std::vector<storage::BlockKey> sparse_keys;
  AppendBlockKeys(rules, sparse, &sparse_keys);
  for (const storage::BlockKey& key : sparse_keys) {
    EXPECT_NE(key.rule, rules[8].id) << "a date key for a record without a date";
  }
}

// Records 0 and 1 (different sources) share keys under all three rules, and
// two keys each under the surname and forename rules (aliases).
Dataset SmallDataset(const std::vector<BlockingRule>& rules) {
  const DayNumber d1 = Day(1990, 8, 7);
  Dataset d;
  d.Add(0, rules, Make({"JOHN", "JACK"}, {"SMITH", "SMYTHE"}, {d1}));         // 0
  d.Add(1, rules, Make({"JACK", "JOHN"}, {"SMYTHE", "SMITH"}, {d1}));         // 1
  d.Add(1, rules, Make({"MARY"}, {"BLOGGS"}, {d1}));                          // 2: dob with 0
  d.Add(0, rules, Make({"PETER"}, {"SMITH"}, {Day(1970, 1, 1)}));             // 3: surname with 1
  d.Add(1, rules, Make({"PAUL"}, {"ZED"}, {Day(1980, 2, 2)}));                // 4: nothing
  d.Add(0, rules, Make({"MARY"}, {"OTHER"}, {Day(1960, 3, 3)}));              // 5: forename with 2
  d.data.Finish();
  return d;
}

TEST(CandidatePairsTest, EachPairExactlyOnceAcrossRulesAndAliases) {
  const std::vector<BlockingRule> rules = ThreeRules();
  const Dataset d = SmallDataset(rules);
  // Record 0 has two surname keys, one dob key and two forename keys.
  EXPECT_EQ(d.keys.Of(0).size(), 5u);

  const Collected c = Collect(d, rules, Options(LinkType::kLinkOnly));
  EXPECT_TRUE(c.ordered);
  EXPECT_EQ(Sorted(c.pairs), (std::vector<Pair>{{0, 1}, {0, 2}, {1, 3}, {2, 5}}));
  EXPECT_EQ(c.stats.total_pairs, 4u);
  EXPECT_EQ(c.stats.rule_names, (std::vector<std::string>{"surname", "dob", "forename"}));
  // The first rule that finds a pair gets it.
  EXPECT_EQ(c.stats.pairs_per_rule, (std::vector<uint64_t>{2, 1, 1}));
  EXPECT_TRUE(c.stats.oversized.empty());
  EXPECT_TRUE(c.stats.skipped_rules.empty());
}

TEST(CandidatePairsTest, SameResultWhateverTheThreads) {
  const std::vector<BlockingRule> rules = ThreeRules();
  const Dataset d = SmallDataset(rules);
  const Collected one = Collect(d, rules, Options(LinkType::kLinkAndDedupe, 1));
  const Collected four = Collect(d, rules, Options(LinkType::kLinkAndDedupe, 4));
  EXPECT_EQ(one.workers, (std::set<int>{0}));
  for (int w : four.workers) {
    EXPECT_GE(w, 0);
    EXPECT_LT(w, 4);
  }
  EXPECT_EQ(Sorted(one.pairs), Sorted(four.pairs));
  EXPECT_EQ(one.stats.pairs_per_rule, four.stats.pairs_per_rule);
}

TEST(CandidatePairsTest, LinkTypeDecidesWhichSourcesPair) {
  const std::vector<BlockingRule> rules = ThreeRules();
  const Dataset d = SmallDataset(rules);
  EXPECT_EQ(Sorted(Collect(d, rules, Options(LinkType::kDedupeOnly)).pairs),
            (std::vector<Pair>{{0, 3}, {1, 2}}));
  EXPECT_EQ(Sorted(Collect(d, rules, Options(LinkType::kLinkAndDedupe)).pairs),
            (std::vector<Pair>{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 5}}));
}

// Random records with aliases; the candidates must be exactly the pairs that
// share at least one block key, once each.
TEST(CandidatePairsTest, MatchesBruteForceOnRandomData) {
  static const char* kNames[] = {"ANN", "BOB", "CAL", "DOT", "EVE", "FAY", "GUS", "HAL"};
  static const char* kSurnames[] = {"ASH", "BIRCH", "CEDAR", "DOGWOOD", "ELM",
                                    "FIR", "GORSE", "HAZEL", "IVY", "JUNIPER"};
  std::vector<BlockingRule> rules = ThreeRules();
  rules.push_back(Rule(4, "forename+dob", {KeyPart::kForename, KeyPart::kDob}));
  std::mt19937_64 rng(99);
  Dataset d;
  for (int i = 0; i < 240; ++i) {
    std::vector<const char*> forenames, surnames;
    std::vector<DayNumber> dobs;
    for (uint64_t k = 0, n = 1 + rng() % 2; k < n; ++k) forenames.push_back(kNames[rng() % 8]);
    for (uint64_t k = 0, n = rng() % 3; k < n; ++k) surnames.push_back(kSurnames[rng() % 10]);
    for (uint64_t k = 0, n = rng() % 3; k < n; ++k) {
      dobs.push_back(Day(1990, 1, 1) + static_cast<DayNumber>(rng() % 40));
    }
    d.Add(static_cast<uint16_t>(rng() % 3), rules, Make(forenames, surnames, dobs));
  }
  d.data.Finish();

  for (LinkType type : {LinkType::kLinkOnly, LinkType::kDedupeOnly, LinkType::kLinkAndDedupe}) {
    std::vector<Pair> expected;
    for (uint32_t a = 0; a < d.data.size(); ++a) {
      for (uint32_t b = a + 1; b < d.data.size(); ++b) {
        const bool same = d.data.source(a) == d.data.source(b);
        if (type == LinkType::kLinkOnly && same) continue;
        if (type == LinkType::kDedupeOnly && !same) continue;
        bool shared = false;
        for (const storage::BlockKey& x : d.keys.Of(a)) {
          for (const storage::BlockKey& y : d.keys.Of(b)) shared = shared || x == y;
        }
        if (shared) expected.emplace_back(a, b);
      }
    }
    ASSERT_GT(expected.size(), 1000u);
    const Collected c = Collect(d, rules, Options(type));
    EXPECT_TRUE(c.ordered);
    const std::vector<Pair> got = Sorted(c.pairs);
    EXPECT_EQ(std::adjacent_find(got.begin(), got.end()), got.end()) << "a pair came twice";
    EXPECT_EQ(got, expected) << "link type " << static_cast<int>(type);
    uint64_t sum = 0;
    for (uint64_t n : c.stats.pairs_per_rule) sum += n;
    EXPECT_EQ(sum, c.stats.total_pairs);
    EXPECT_EQ(c.stats.total_pairs, got.size());
    for (const Pair& p : got) {
      const bool same = d.data.source(p.first) == d.data.source(p.second);
      if (type == LinkType::kLinkOnly) {
        EXPECT_FALSE(same);
      }
      if (type == LinkType::kDedupeOnly) {
        EXPECT_TRUE(same);
      }
    }
  }
}

TEST(CandidatePairsTest, OversizedBlocksAreSkippedAndReported) {
  const std::vector<BlockingRule> rules = {Rule(1, "surname", {KeyPart::kSurname})};
  Dataset d;
  for (int i = 0; i < 5; ++i) {
    d.Add(static_cast<uint16_t>(i % 2), rules, Make({"A"}, {"SMITH"}, {}));  // 0..4
  }
  for (int i = 0; i < 4; ++i) {
    d.Add(static_cast<uint16_t>(i % 2), rules, Make({"A"}, {"JONES"}, {}));  // 5..8
  }
  d.Add(0, rules, Make({"A"}, {"BROWN"}, {}));  // 9
  d.Add(1, rules, Make({"A"}, {"BROWN"}, {}));  // 10
  d.data.Finish();
  CandidateOptions options = Options(LinkType::kLinkOnly);
  options.max_block_records = 3;
  const Collected c = Collect(d, rules, options);
  EXPECT_EQ(Sorted(c.pairs), (std::vector<Pair>{{9, 10}}));
  ASSERT_EQ(c.stats.oversized.size(), 1u);
  EXPECT_EQ(c.stats.oversized[0].rule, "surname");
  EXPECT_EQ(c.stats.oversized[0].blocks, 2u);
  EXPECT_EQ(c.stats.oversized[0].largest, 5u);
  EXPECT_EQ(c.stats.total_pairs, 1u);

  // At the cap the block is used.
  options.max_block_records = 5;
  const Collected all = Collect(d, rules, options);
  EXPECT_TRUE(all.stats.oversized.empty());
  EXPECT_EQ(all.stats.total_pairs, 6u + 4u + 1u);
}

// A pair sharing a key of an earlier rule whose block was skipped as oversized
// must still be produced by a later rule: records 0 and 1 share the surname
// SMITH (a block of 5 > cap 3, skipped) and a date of birth (a block of 2 under
// the dob rule). Expected pairs {(0, 1)}.
TEST(CandidatePairsTest, PairInOversizedBlockIsFoundByALaterRule) {
  const std::vector<BlockingRule> rules = {Rule(1, "surname", {KeyPart::kSurname}),
                                           Rule(2, "dob", {KeyPart::kDob})};
  Dataset d;
  d.Add(0, rules, Make({"A"}, {"SMITH"}, {Day(1990, 8, 7)}));
  d.Add(1, rules, Make({"A"}, {"SMITH"}, {Day(1990, 8, 7)}));
  for (int i = 0; i < 3; ++i) d.Add(static_cast<uint16_t>(i % 2), rules, Make({"A"}, {"SMITH"}, {}));
  d.data.Finish();
  CandidateOptions options = Options(LinkType::kLinkOnly);
  options.max_block_records = 3;
  const Collected c = Collect(d, rules, options);
  ASSERT_EQ(c.stats.oversized.size(), 1u);
  EXPECT_EQ(Sorted(c.pairs), (std::vector<Pair>{{0, 1}}));
  EXPECT_EQ(c.stats.pairs_per_rule, (std::vector<uint64_t>{0, 1}));
}

// 8 records named JOHN (4 per source) with distinct surnames.
Dataset JohnsDataset(const std::vector<BlockingRule>& rules) {
  static const char* kSurnames[] = {"ASH", "BIRCH", "CEDAR", "DOGWOOD",
                                    "ELM", "FIR",   "GORSE", "HAZEL"};
  Dataset d;
  for (int i = 0; i < 8; ++i) {
    d.Add(static_cast<uint16_t>(i % 2), rules, Make({"JOHN"}, {kSurnames[i]}, {Day(1990, 1, 1 + i)}));
  }
  d.data.Finish();
  return d;
}

TEST(CandidatePairsTest, OptionalRulesOverBudgetAreSkipped) {
  const std::vector<BlockingRule> rules = {Rule(1, "surname", {KeyPart::kSurname}),
                                           Rule(2, "forename", {KeyPart::kForename}, true)};
  const Dataset d = JohnsDataset(rules);
  CandidateOptions options = Options(LinkType::kLinkOnly);
  options.min_pair_budget = 10;  // the JOHN block holds 8 * 7 / 2 = 28 pairs
  options.pair_budget_per_record = 0;
  const Collected skipped = Collect(d, rules, options);
  EXPECT_EQ(skipped.stats.skipped_rules, (std::vector<std::string>{"forename"}));
  EXPECT_TRUE(skipped.pairs.empty());
  EXPECT_EQ(skipped.stats.pairs_per_rule, (std::vector<uint64_t>{0, 0}));

  // Within budget (records x pairs per record) the rule runs.
  options.pair_budget_per_record = 4;  // 8 records x 4 = 32 >= 28
  const Collected within = Collect(d, rules, options);
  EXPECT_TRUE(within.stats.skipped_rules.empty());
  EXPECT_EQ(within.pairs.size(), 16u);  // 4 x 4 across the sources

  // A rule that is not optional runs whatever the budget.
  const std::vector<BlockingRule> core = {Rule(1, "surname", {KeyPart::kSurname}),
                                          Rule(2, "forename", {KeyPart::kForename})};
  options.pair_budget_per_record = 0;
  const Collected forced = Collect(JohnsDataset(core), core, options);
  EXPECT_TRUE(forced.stats.skipped_rules.empty());
  EXPECT_EQ(forced.pairs.size(), 16u);
}

// Likewise for an optional rule skipped over its budget: 8 JOHNs, the optional
// forename rule is skipped; records 0 and 1 also share a date of birth under
// the later dob rule. Expected {(0, 1)}.
TEST(CandidatePairsTest, PairOfASkippedOptionalRuleIsFoundByALaterRule) {
  const std::vector<BlockingRule> rules = {Rule(1, "forename", {KeyPart::kForename}, true),
                                           Rule(2, "dob", {KeyPart::kDob})};
  Dataset d;
  d.Add(0, rules, Make({"JOHN"}, {"ASH"}, {Day(1990, 8, 7)}));
  d.Add(1, rules, Make({"JOHN"}, {"ASH"}, {Day(1990, 8, 7)}));
  for (int i = 0; i < 6; ++i) {
    d.Add(static_cast<uint16_t>(i % 2), rules, Make({"JOHN"}, {"X"}, {Day(1970, 1, 1 + i)}));
  }
  d.data.Finish();
  CandidateOptions options = Options(LinkType::kLinkOnly);
  options.min_pair_budget = 10;
  options.pair_budget_per_record = 0;
  const Collected c = Collect(d, rules, options);
  ASSERT_EQ(c.stats.skipped_rules, (std::vector<std::string>{"forename"}));
  EXPECT_EQ(Sorted(c.pairs), (std::vector<Pair>{{0, 1}}));
}

TEST(CandidatePairsTest, RecordsWithoutKeysPairWithNothing) {
  const std::vector<BlockingRule> rules = ThreeRules();
  Dataset d;
  d.Add(0, rules, Record{});
  d.Add(1, rules, Record{});
  d.Add(1, rules, Make({"JOHN"}, {}, {}));
  d.data.Finish();
  EXPECT_TRUE(d.keys.Of(0).empty());
  EXPECT_EQ(d.keys.Of(2).size(), 1u);
  const Collected c = Collect(d, rules, Options(LinkType::kLinkAndDedupe));
  EXPECT_TRUE(c.pairs.empty());
  EXPECT_EQ(c.stats.total_pairs, 0u);
}

}  // namespace
}  // namespace probity
