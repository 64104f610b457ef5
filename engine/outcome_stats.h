// Confidence intervals for proportions and for the difference of two
// independent proportions, as used by the outcomes analysis.
//
// Counts are doubles so that expected counts (a sum of probabilities, from
// probability-weighted linkage) can be passed; with whole counts the results
// are the textbook ones.
//
// References:
//  - Wilson, E.B. (1927). Probable inference, the law of succession, and
//    statistical inference. JASA 22:209-212.
//  - Newcombe, R.G. (1998). Interval estimation for the difference between
//    independent proportions: comparison of eleven methods. Statistics in
//    Medicine 17:873-890 (method 10, the hybrid score interval).
#ifndef PROBITY_ENGINE_OUTCOME_STATS_H_
#define PROBITY_ENGINE_OUTCOME_STATS_H_

namespace probity {

// The standard normal quantile for a two-sided 95% interval.
inline constexpr double kZ95 = 1.959963984540054;

struct Interval {
  double lower = 0;
  double upper = 0;
};

struct Estimate {
  double value = 0;
  double lower = 0;
  double upper = 0;
};

// Wilson score interval for x successes out of n (0 <= x <= n). With n <= 0
// the interval is [0, 1] (nothing is known). The bounds lie in [0, 1].
Interval WilsonInterval(double x, double n, double z = kZ95);

// p1 - p2 with Newcombe's hybrid score interval (method 10): with Wilson
// intervals (l1, u1) and (l2, u2),
//   lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)
//   upper = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
// An empty group (n <= 0) has p = 0 and the uninformative interval [0, 1].
// Values are proportions (multiply by 100 for percentage points).
Estimate NewcombeDifference(double x1, double n1, double x2, double n2, double z = kZ95);

}  // namespace probity

#endif  // PROBITY_ENGINE_OUTCOME_STATS_H_
