#include "engine/clustering.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace probity {
namespace {

using ::testing::ElementsAre;

ScoredPair P(uint32_t a, uint32_t b, double probability, double weight = 0) {
  return ScoredPair{a, b, weight, probability};
}

TEST(ConnectedComponentsTest, ChainsMergeAndSingletonsStay) {
  std::vector<ScoredPair> pairs = {P(0, 1, 0.9), P(1, 2, 0.8), P(3, 4, 0.99)};
  EXPECT_THAT(ConnectedComponents(6, pairs, 0.5), ElementsAre(0, 0, 0, 1, 1, 2));
}

TEST(ConnectedComponentsTest, NumberedByLowestRecord) {
  std::vector<ScoredPair> pairs = {P(2, 4, 0.9), P(0, 3, 0.9)};
  // Components in order of their lowest member: {0,3}, {1}, {2,4}.
  EXPECT_THAT(ConnectedComponents(5, pairs, 0.5), ElementsAre(0, 1, 2, 0, 2));
}

TEST(ConnectedComponentsTest, ThresholdExcludesLowLinksAndIncludesEqual) {
  std::vector<ScoredPair> pairs = {P(0, 1, 0.5), P(1, 2, 0.49999), P(2, 3, 0.7)};
  EXPECT_THAT(ConnectedComponents(4, pairs, 0.5), ElementsAre(0, 0, 1, 1));
  EXPECT_THAT(ConnectedComponents(4, pairs, 0.4), ElementsAre(0, 0, 0, 0));
  EXPECT_THAT(ConnectedComponents(4, pairs, 0.8), ElementsAre(0, 1, 2, 3));
}

TEST(ConnectedComponentsTest, NanProbabilityAndOutOfRangeRecordsAreNotLinks) {
  std::vector<ScoredPair> pairs = {P(0, 1, std::numeric_limits<double>::quiet_NaN()),
                                   P(1, 7, 0.9)};
  EXPECT_THAT(ConnectedComponents(3, pairs, 0.5), ElementsAre(0, 1, 2));
}

TEST(ConnectedComponentsTest, EmptyInputs) {
  EXPECT_TRUE(ConnectedComponents(0, {}, 0.5).empty());
  EXPECT_THAT(ConnectedComponents(2, {}, 0.5), ElementsAre(0, 1));
}

TEST(ConnectedComponentsTest, IndependentOfPairOrder) {
  std::mt19937 rng(7);
  const uint32_t n = 2000;
  std::vector<ScoredPair> pairs;
  std::uniform_int_distribution<uint32_t> rec(0, n - 1);
  std::uniform_real_distribution<double> prob(0, 1);
  for (int i = 0; i < 1800; ++i) {
    uint32_t a = rec(rng), b = rec(rng);
    if (a == b) continue;
    pairs.push_back(P(std::min(a, b), std::max(a, b), prob(rng)));
  }
  const std::vector<uint32_t> expected = ConnectedComponents(n, pairs, 0.5);
  // A real mix: some merged components and some singletons.
  const uint32_t count = *std::max_element(expected.begin(), expected.end()) + 1;
  EXPECT_GT(count, 100u);
  EXPECT_LT(count, n - 100);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(pairs.begin(), pairs.end(), rng);
    EXPECT_EQ(ConnectedComponents(n, pairs, 0.5), expected);
  }
}

TEST(OneToOneTest, PicksBestWeightFirst) {
  // Records 0, 1 in source 0; 2, 3 in source 1.
  const std::vector<uint16_t> source = {0, 0, 1, 1};
  std::vector<ScoredPair> pairs = {P(0, 2, 0.9, 5), P(0, 3, 0.99, 8), P(1, 3, 0.95, 7),
                                   P(1, 2, 0.6, 2)};
  // Plain components put everyone together.
  EXPECT_THAT(ConnectedComponents(4, pairs, 0.5), ElementsAre(0, 0, 0, 0));
  // (0,3) w8 first; (1,3) and (0,2) are refused; (1,2) is kept.
  EXPECT_THAT(OneToOneComponents(4, pairs, 0.5, source), ElementsAre(0, 1, 1, 0));
  // Above the threshold only: (1,2) at 0.6 drops out at 0.7.
  EXPECT_THAT(OneToOneComponents(4, pairs, 0.7, source), ElementsAre(0, 1, 2, 0));
}

TEST(OneToOneTest, TiesBrokenByRecordNumbers) {
  const std::vector<uint16_t> source = {0, 0, 1};
  std::vector<ScoredPair> pairs = {P(1, 2, 0.9, 5), P(0, 2, 0.9, 5)};
  EXPECT_THAT(OneToOneComponents(3, pairs, 0.5, source), ElementsAre(0, 1, 0));
  std::swap(pairs[0], pairs[1]);
  EXPECT_THAT(OneToOneComponents(3, pairs, 0.5, source), ElementsAre(0, 1, 0));
}

TEST(OneToOneTest, NoClusterHoldsTwoRecordsOfOneSource) {
  // Three sources: 0-1 and 1-2 make {0,1,2} holding sources 0, 1, 2; record 3
  // (source 0) cannot join through 2 because 0 is already there.
  const std::vector<uint16_t> source = {0, 1, 2, 0};
  std::vector<ScoredPair> pairs = {P(0, 1, 0.9, 9), P(1, 2, 0.9, 8), P(2, 3, 0.9, 7)};
  EXPECT_THAT(OneToOneComponents(4, pairs, 0.5, source), ElementsAre(0, 0, 0, 1));
  // A same-source pair is never kept.
  std::vector<ScoredPair> same = {P(0, 3, 0.99, 20)};
  EXPECT_THAT(OneToOneComponents(4, same, 0.5, source), ElementsAre(0, 1, 2, 3));
}

TEST(OneToOneTest, ManySourcesPathAgreesWithMaskPath) {
  std::mt19937 rng(11);
  const uint32_t n = 600;
  std::vector<uint16_t> small(n), large(n);
  std::uniform_int_distribution<int> src(0, 3);
  for (uint32_t r = 0; r < n; ++r) {
    small[r] = static_cast<uint16_t>(src(rng));
    large[r] = static_cast<uint16_t>(1000 + 97 * small[r]);  // same partition, ids >= 64
  }
  std::vector<ScoredPair> pairs;
  std::uniform_int_distribution<uint32_t> rec(0, n - 1);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int i = 0; i < 3000; ++i) {
    uint32_t a = rec(rng), b = rec(rng);
    if (a == b) continue;
    pairs.push_back(P(std::min(a, b), std::max(a, b), unit(rng), std::round(unit(rng) * 20)));
  }
  const std::vector<uint32_t> expected = OneToOneComponents(n, pairs, 0.3, small);
  EXPECT_EQ(OneToOneComponents(n, pairs, 0.3, large), expected);
  // Every cluster holds at most one record per source, and some clusters have 3+ records.
  std::map<uint32_t, std::set<uint16_t>> sources_in;
  std::map<uint32_t, int> size;
  for (uint32_t r = 0; r < n; ++r) {
    EXPECT_TRUE(sources_in[expected[r]].insert(small[r]).second) << "record " << r;
    ++size[expected[r]];
  }
  EXPECT_GT(std::count_if(size.begin(), size.end(), [](auto& s) { return s.second >= 3; }), 0);
}

TEST(OneToOneTest, DeterministicUnderPermutation) {
  std::mt19937 rng(3);
  const uint32_t n = 1000;
  std::vector<uint16_t> source(n);
  for (uint32_t r = 0; r < n; ++r) source[r] = r % 2;
  std::vector<ScoredPair> pairs;
  std::uniform_int_distribution<uint32_t> rec(0, n / 2 - 1);
  std::uniform_int_distribution<int> weight(0, 5);  // few distinct weights: many ties
  for (int i = 0; i < 4000; ++i) {
    const uint32_t a = 2 * rec(rng), b = 2 * rec(rng) + 1;
    pairs.push_back(P(std::min(a, b), std::max(a, b), 0.9, weight(rng)));
  }
  const std::vector<uint32_t> expected = OneToOneComponents(n, pairs, 0.5, source);
  for (uint32_t r = 0; r < n; ++r) {
    // Two sources: every cluster is a singleton or one record of each.
    EXPECT_LE(std::count(expected.begin(), expected.end(), expected[r]), 2);
  }
  for (int round = 0; round < 5; ++round) {
    std::shuffle(pairs.begin(), pairs.end(), rng);
    EXPECT_EQ(OneToOneComponents(n, pairs, 0.5, source), expected);
  }
}

uint64_t ExpectedId(const std::string& source, const std::string& id) {
  std::string key = source;
  key.push_back('\x1f');
  key += id;
  return XXH3_64bits(key.data(), key.size()) & 0x7fffffffffffffffULL;
}

struct Rec {
  std::string source;
  std::string id;
  // Built with append: GCC 12 reports a false -Wrestrict for chained operator+.
  std::string Key() const {
    std::string key = source;
    key.push_back(':');
    key.append(id);
    return key;
  }
};

// Ids for records clustered by `group` (records with equal group share a cluster).
std::vector<uint64_t> IdsPerRecord(const std::vector<Rec>& recs, const std::vector<int>& group) {
  std::map<int, uint32_t> dense;
  std::vector<uint32_t> component;
  for (int g : group) {
    auto it = dense.try_emplace(g, static_cast<uint32_t>(dense.size())).first;
    component.push_back(it->second);
  }
  std::vector<uint64_t> ids = StableClusterIds(component, [&](uint32_t r) {
    return std::pair<std::string_view, std::string_view>(recs[r].source, recs[r].id);
  });
  EXPECT_EQ(ids.size(), recs.size());
  return ids;
}

TEST(StableClusterIdsTest, IdOfSmallestMember) {
  std::vector<Rec> recs = {{"probation", "X1"}, {"police", "B7"}, {"police", "A9"},
                           {"probation", "A0"}};
  std::vector<uint64_t> ids = IdsPerRecord(recs, {0, 0, 1, 1});
  // Source name first: police < probation, whatever the record ids.
  EXPECT_EQ(ids[0], ExpectedId("police", "B7"));
  EXPECT_EQ(ids[1], ids[0]);
  EXPECT_EQ(ids[2], ExpectedId("police", "A9"));
  EXPECT_EQ(ids[3], ids[2]);
  for (uint64_t id : ids) EXPECT_LE(id, uint64_t{std::numeric_limits<int64_t>::max()});
}

TEST(StableClusterIdsTest, SameUnderPermutationOfRecords) {
  std::mt19937 rng(5);
  std::vector<Rec> recs;
  std::vector<int> group;
  for (int i = 0; i < 300; ++i) {
    std::string id = "R";
    id.append(std::to_string(i * 7919 % 1000));
    recs.push_back({i % 3 == 0 ? "police" : "probation", id});
    group.push_back(i / 4);
  }
  std::vector<uint64_t> ids = IdsPerRecord(recs, group);
  std::map<std::string, uint64_t> by_key;
  for (size_t r = 0; r < recs.size(); ++r) by_key[recs[r].Key()] = ids[r];
  std::set<uint64_t> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), 75u);

  std::vector<size_t> order(recs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (int round = 0; round < 3; ++round) {
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<Rec> shuffled;
    std::vector<int> shuffled_group;
    for (size_t i : order) {
      shuffled.push_back(recs[i]);
      shuffled_group.push_back(group[i]);
    }
    std::vector<uint64_t> shuffled_ids = IdsPerRecord(shuffled, shuffled_group);
    for (size_t r = 0; r < shuffled.size(); ++r) {
      EXPECT_EQ(shuffled_ids[r], by_key[shuffled[r].Key()]);
    }
  }
}

TEST(StableClusterIdsTest, ChangesWhenSmallestMemberChanges) {
  std::vector<Rec> recs = {{"police", "P2"}, {"probation", "C1"}, {"police", "P1"}};
  const std::vector<uint64_t> before = IdsPerRecord(recs, {0, 0, 1});
  // P1 joins the cluster: it is now the smallest member, so the id changes.
  const std::vector<uint64_t> merged = IdsPerRecord(recs, {0, 0, 0});
  EXPECT_NE(merged[0], before[0]);
  EXPECT_EQ(merged[0], ExpectedId("police", "P1"));
  // P2 leaves: the cluster {C1} gets a new id too.
  const std::vector<uint64_t> split = IdsPerRecord(recs, {0, 1, 2});
  EXPECT_NE(split[1], before[1]);
  EXPECT_EQ(split[1], ExpectedId("probation", "C1"));
  // A record larger than the smallest member joining keeps the id (by design).
  const std::vector<uint64_t> grown = IdsPerRecord(recs, {0, 1, 1});
  EXPECT_EQ(grown[1], ExpectedId("police", "P1"));
  EXPECT_EQ(grown[2], before[2]);
}

TEST(StableClusterIdsTest, SeparatorKeepsKeysApart) {
  // ("ab", "c") and ("a", "bc") must not hash alike.
  std::vector<Rec> recs = {{"ab", "c"}, {"a", "bc"}};
  std::vector<uint64_t> ids = IdsPerRecord(recs, {0, 1});
  EXPECT_NE(ids[0], ids[1]);
}

TEST(StableClusterIdsTest, Empty) {
  EXPECT_TRUE(StableClusterIds({}, [](uint32_t) {
                return std::pair<std::string_view, std::string_view>();
              }).empty());
}

}  // namespace
}  // namespace probity
