// Wilson and Newcombe intervals against the worked values published in
// Newcombe (1998), "Two-sided confidence intervals for the single proportion"
// (Table I, method 3) and "Interval estimation for the difference between
// independent proportions" (Table II, method 10).
#include "engine/outcome_stats.h"

#include "gtest/gtest.h"

namespace probity {
namespace {

constexpr double kTol = 0.00005;  // published values have four decimals

struct WilsonCase {
  double x, n, lower, upper;
};

TEST(WilsonIntervalTest, MatchesNewcombeTableOne) {
  const WilsonCase cases[] = {
      {81, 263, 0.2553, 0.3662},
      {15, 148, 0.0624, 0.1605},
      {0, 20, 0.0, 0.1611},
      {1, 29, 0.0061, 0.1718},
      {29, 29, 0.8830, 1.0},
  };
  for (const WilsonCase& c : cases) {
    const Interval w = WilsonInterval(c.x, c.n);
    EXPECT_NEAR(w.lower, c.lower, kTol) << c.x << "/" << c.n;
    EXPECT_NEAR(w.upper, c.upper, kTol) << c.x << "/" << c.n;
  }
}

TEST(WilsonIntervalTest, EdgesAndFractionalCounts) {
  // Exactly 0 and 1 at the extremes, never outside [0, 1].
  EXPECT_EQ(WilsonInterval(0, 5).lower, 0.0);
  EXPECT_EQ(WilsonInterval(5, 5).upper, 1.0);
  // Nothing observed: nothing known.
  EXPECT_EQ(WilsonInterval(0, 0).lower, 0.0);
  EXPECT_EQ(WilsonInterval(0, 0).upper, 1.0);
  // Expected (fractional) counts lie between their whole neighbours.
  const Interval a = WilsonInterval(40, 100), b = WilsonInterval(40.5, 100), c = WilsonInterval(41, 100);
  EXPECT_LT(a.lower, b.lower);
  EXPECT_LT(b.lower, c.lower);
  EXPECT_LT(a.upper, b.upper);
  EXPECT_LT(b.upper, c.upper);
  // The interval narrows as n grows at the same proportion.
  const Interval small = WilsonInterval(30, 100), large = WilsonInterval(3000, 10000);
  EXPECT_LT(large.upper - large.lower, small.upper - small.lower);
  EXPECT_LT(large.lower, 0.3);
  EXPECT_GT(large.upper, 0.3);
}

struct DifferenceCase {
  double x1, n1, x2, n2, estimate, lower, upper;
};

TEST(NewcombeDifferenceTest, MatchesNewcombeTableTwoMethodTen) {
  // Note: 56/70 - 48/80 is 0.2000 (0.8 - 0.6), with the hybrid score interval
  // 0.0524 to 0.3339 as published.
  const DifferenceCase cases[] = {
      {56, 70, 48, 80, 0.2000, 0.0524, 0.3339},
      {9, 10, 3, 10, 0.6000, 0.1705, 0.8090},
      {6, 7, 2, 7, 0.5714, 0.0582, 0.8062},
      {5, 56, 0, 29, 0.0893, -0.0381, 0.1926},
      {0, 10, 0, 20, 0.0, -0.1611, 0.2775},
      {0, 10, 0, 10, 0.0, -0.2775, 0.2775},
      {10, 10, 0, 20, 1.0, 0.6791, 1.0},
      {10, 10, 0, 10, 1.0, 0.6075, 1.0},
  };
  for (const DifferenceCase& c : cases) {
    const Estimate d = NewcombeDifference(c.x1, c.n1, c.x2, c.n2);
    EXPECT_NEAR(d.value, c.estimate, kTol) << c.x1 << "/" << c.n1 << " - " << c.x2 << "/" << c.n2;
    EXPECT_NEAR(d.lower, c.lower, kTol) << c.x1 << "/" << c.n1 << " - " << c.x2 << "/" << c.n2;
    EXPECT_NEAR(d.upper, c.upper, kTol) << c.x1 << "/" << c.n1 << " - " << c.x2 << "/" << c.n2;
  }
}

TEST(NewcombeDifferenceTest, SwappingGroupsMirrorsTheInterval) {
  const Estimate ab = NewcombeDifference(3878, 13885, 4521, 10678);
  const Estimate ba = NewcombeDifference(4521, 10678, 3878, 13885);
  EXPECT_NEAR(ab.value, -ba.value, 1e-12);
  EXPECT_NEAR(ab.lower, -ba.upper, 1e-12);
  EXPECT_NEAR(ab.upper, -ba.lower, 1e-12);
  EXPECT_LT(ab.lower, ab.value);
  EXPECT_GT(ab.upper, ab.value);
}

TEST(NewcombeDifferenceTest, EmptyGroupIsUninformative) {
  const Estimate d = NewcombeDifference(5, 10, 0, 0);
  EXPECT_DOUBLE_EQ(d.value, 0.5);
  EXPECT_LE(d.lower, -0.4);  // the empty group's [0, 1] widens the interval
  EXPECT_GE(d.upper, 0.5);
  EXPECT_GE(d.lower, -1.0);
  EXPECT_LE(d.upper, 1.0);
}

}  // namespace
}  // namespace probity
