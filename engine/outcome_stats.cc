#include "engine/outcome_stats.h"

#include <algorithm>
#include <cmath>

namespace probity {

Interval WilsonInterval(double x, double n, double z) {
  if (!(n > 0)) return {0.0, 1.0};
  const double p = std::clamp(x / n, 0.0, 1.0);
  const double z2 = z * z;
  const double centre = p + z2 / (2 * n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  const double denominator = 1 + z2 / n;
  // The bounds are exact at p = 0 and p = 1; clamping only removes rounding.
  Interval interval{(centre - half) / denominator, (centre + half) / denominator};
  if (p == 0) interval.lower = 0;
  if (p == 1) interval.upper = 1;
  interval.lower = std::clamp(interval.lower, 0.0, 1.0);
  interval.upper = std::clamp(interval.upper, 0.0, 1.0);
  return interval;
}

Estimate NewcombeDifference(double x1, double n1, double x2, double n2, double z) {
  const double p1 = n1 > 0 ? std::clamp(x1 / n1, 0.0, 1.0) : 0.0;
  const double p2 = n2 > 0 ? std::clamp(x2 / n2, 0.0, 1.0) : 0.0;
  const Interval w1 = WilsonInterval(x1, n1, z);
  const Interval w2 = WilsonInterval(x2, n2, z);
  const double d = p1 - p2;
  Estimate e;
  e.value = d;
  e.lower = d - std::sqrt((p1 - w1.lower) * (p1 - w1.lower) + (w2.upper - p2) * (w2.upper - p2));
  e.upper = d + std::sqrt((w1.upper - p1) * (w1.upper - p1) + (p2 - w2.lower) * (p2 - w2.lower));
  e.lower = std::max(e.lower, -1.0);
  e.upper = std::min(e.upper, 1.0);
  return e;
}

}  // namespace probity
