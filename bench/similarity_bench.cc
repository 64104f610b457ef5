// Time per call of the string comparators, against textbook baselines run in
// the same binary. The "per_call" counter is seconds per comparison (e.g.
// "21.3n" = 21.3 ns).
//
// Datasets (benchmark argument):
//   0 = 200 surname pairs: 100 with one or two typos, 100 unrelated pairs (most
//       comparisons within a blocking key are non-matches);
//   1 = 50 pairs of 150-300 byte strings (multi-word), to time the fallbacks.
#include <algorithm>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "engine/string_similarity.h"

namespace probity {
namespace {

const char* const kSurnames[] = {
    "SMITH",    "JONES",        "WILLIAMS",   "TAYLOR",         "BROWN",
    "DAVIES",   "EVANS",        "WILSON",     "THOMAS",         "JOHNSON",
    "ROBERTS",  "ROBINSON",     "THOMPSON",   "WRIGHT",         "WALKER",
    "WHITE",    "EDWARDS",      "HUGHES",     "GREEN",          "HALL",
    "LEWIS",    "HARRIS",       "CLARKE",     "PATEL",          "JACKSON",
    "WOOD",     "TURNER",       "MARTIN",     "COOPER",         "HILL",
    "WARD",     "MORRIS",       "MOORE",      "CLARK",          "LEE",
    "KING",     "BAKER",        "HARRISON",   "MORGAN",         "ALLEN",
    "JAMES",    "SCOTT",        "PHILLIPS",   "WATSON",         "DAVIS",
    "PARKER",   "PRICE",        "BENNETT",    "YOUNG",          "GRIFFITHS",
    "MITCHELL", "KELLY",        "COOK",       "CARTER",         "RICHARDSON",
    "BAILEY",   "COLLINS",      "BELL",       "SHAW",           "MURPHY",
    "MILLER",   "COX",          "RICHARDS",   "KHAN",           "MARSHALL",
    "ANDERSON", "SIMPSON",      "ELLIS",      "ADAMS",          "SINGH",
    "BEGUM",    "WILKINSON",    "FOSTER",     "CHAPMAN",        "POWELL",
    "WEBB",     "ROGERS",       "GRAY",       "MASON",          "ALI",
    "HUNT",     "HUSSAIN",      "CAMPBELL",   "MATTHEWS",       "OWEN",
    "PALMER",   "HOLMES",       "MILLS",      "BARNES",         "KNIGHT",
    "LLOYD",    "BUTLER",       "RUSSELL",    "BARKER",         "FISHER",
    "STEVENS",  "JENKINS",      "MURRAY",     "DIXON",          "HARVEY",
    "GRAHAM",   "PEARSON",      "AHMED",      "FLETCHER",       "WALSH",
    "KAUR",     "GIBSON",       "HOWARD",     "ANDREWS",        "STEWART",
    "ELLIOTT",  "REYNOLDS",     "SAUNDERS",   "PAYNE",          "FOX",
    "FORD",     "PEARCE",       "DAY",        "BROOKS",         "WEST",
    "LAWRENCE", "COLE",         "ATKINSON",   "BRADLEY",        "SPENCER",
    "GILL",     "DAWSON",       "BALL",       "BURTON",         "O'BRIEN",
    "WATTS",    "ROSE",         "BOOTH",      "PERRY",          "RYAN",
    "GRANT",    "WELLS",        "ARMSTRONG",  "FRANCIS",        "REES",
    "HAYES",    "HART",         "HUDSON",     "NEWMAN",         "BARRETT",
    "WEBSTER",  "HUNTER",       "GREGORY",    "CARR",           "LOWE",
    "PAGE",     "MARSH",        "RILEY",      "DUNN",           "WOODS",
    "PARSONS",  "BERRY",        "STONE",      "REID",           "HOLLAND",
    "HAWKINS",  "HARDING",      "PORTER",     "ROBERTSON",      "NEWTON",
    "OLIVER",   "REED",         "KENNEDY",    "WILLIAMSON",     "BIRD",
    "GARDNER",  "SHAH",         "DODD",       "MACDONALD",      "MCDONALD",
    "ONEILL",   "VAN DER BERG", "DE LA CRUZ", "AL-HASSAN",      "FITZGERALD",
    "OKONKWO",  "NOWAK",        "KOWALSKI",   "SCHWARZENEGGER", "WOJCIECHOWSKI",
    "NGUYEN",   "MBEKI",        "OYELARAN",   "BHATTACHARYA",
};
constexpr int kNumSurnames = static_cast<int>(sizeof(kSurnames) / sizeof(kSurnames[0]));

std::string Typo(std::string s, std::mt19937& rng) {
  auto pick = [&](int n) {
    return static_cast<size_t>(std::uniform_int_distribution<int>(0, n - 1)(rng));
  };
  const int edits = 1 + static_cast<int>(pick(4) == 0);  // mostly one edit, some two
  for (int e = 0; e < edits && s.size() > 2; ++e) {
    const size_t pos = pick(static_cast<int>(s.size()) - 1);
    const char c = static_cast<char>('A' + pick(26));
    switch (pick(4)) {
      case 0:
        s[pos] = c;
        break;
      case 1:
        s.erase(pos, 1);
        break;
      case 2:
        s.insert(pos, 1, c);
        break;
      default:
        std::swap(s[pos], s[pos + 1]);
        break;
    }
  }
  return s;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs NamePairs() {
  std::mt19937 rng(12345);
  Pairs out;
  for (int i = 0; i < 100; ++i) {
    const std::string s = kSurnames[(i * 7) % kNumSurnames];
    out.emplace_back(s, Typo(s, rng));
  }
  for (int i = 0; i < 100; ++i) {
    const int x = static_cast<int>(rng() % kNumSurnames);
    const int y = (x + 1 + static_cast<int>(rng() % (kNumSurnames - 1))) % kNumSurnames;
    out.emplace_back(kSurnames[x], kSurnames[y]);
  }
  return out;
}

Pairs LongPairs() {
  std::mt19937 rng(777);
  Pairs out;
  for (int i = 0; i < 50; ++i) {
    std::string s;
    const size_t target = 150 + rng() % 151;
    while (s.size() < target) {
      if (!s.empty()) s += ' ';
      s += kSurnames[rng() % kNumSurnames];
    }
    std::string t = s;
    for (int e = 0; e < 4; ++e) t = Typo(t, rng);
    out.emplace_back(s, t);
  }
  return out;
}

const Pairs& Dataset(int which) {
  static const Pairs names = NamePairs();
  static const Pairs longs = LongPairs();
  return which == 0 ? names : longs;
}

// ---- Baselines: straightforward textbook code, as commonly written ----

int BaselineLevenshtein(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

int BaselineOsa(std::string_view a, std::string_view b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

double BaselineJaro(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() && b.empty() ? 1.0 : 0.0;
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  const int w = std::max(0, std::max(la, lb) / 2 - 1);
  std::vector<bool> fa(a.size()), fb(b.size());
  int m = 0;
  for (int i = 0; i < la; ++i) {
    for (int j = std::max(0, i - w); j <= std::min(lb - 1, i + w); ++j) {
      if (!fb[j] && a[i] == b[j]) {
        fa[i] = fb[j] = true;
        ++m;
        break;
      }
    }
  }
  if (m == 0) return 0.0;
  int t = 0;
  for (int i = 0, k = 0; i < la; ++i) {
    if (!fa[i]) continue;
    while (!fb[k]) ++k;
    t += a[i] != b[k];
    ++k;
  }
  t /= 2;
  return (static_cast<double>(m) / la + static_cast<double>(m) / lb +
          static_cast<double>(m - t) / m) /
         3.0;
}

template <typename F>
void Run(benchmark::State& state, F f) {
  const Pairs& pairs = Dataset(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    for (const auto& [a, b] : pairs) {
      auto r = f(a, b);
      benchmark::DoNotOptimize(r);
    }
  }
  state.counters["per_call"] = benchmark::Counter(
      static_cast<double>(pairs.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_Jaro(benchmark::State& s) {
  Run(s, [](std::string_view a, std::string_view b) { return Jaro(a, b); });
}
void BM_JaroWinkler(benchmark::State& s) {
  Run(s, [](std::string_view a, std::string_view b) { return JaroWinkler(a, b); });
}
void BM_Levenshtein(benchmark::State& s) {
  Run(s, [](std::string_view a, std::string_view b) { return Levenshtein(a, b); });
}
void BM_LevenshteinBounded2(benchmark::State& s) {
  Run(s, [](std::string_view a, std::string_view b) { return LevenshteinBounded(a, b, 2); });
}
void BM_DamerauLevenshteinOsa(benchmark::State& s) {
  Run(s, [](std::string_view a, std::string_view b) { return DamerauLevenshteinOsa(a, b); });
}
void BM_TokenJaccard(benchmark::State& s) {
  Run(s, [](std::string_view a, std::string_view b) { return TokenJaccard(a, b); });
}
// Our own allocation-free DP, i.e. the algorithmic gain without the allocation gain.
void BM_InternalLevenshteinDp(benchmark::State& s) {
  Run(s, [](std::string_view a, std::string_view b) {
    return similarity_internal::LevenshteinDp(a, b);
  });
}
void BM_InternalOsaDp(benchmark::State& s) {
  Run(s, [](std::string_view a, std::string_view b) { return similarity_internal::OsaDp(a, b); });
}
void BM_BaselineJaro(benchmark::State& s) { Run(s, BaselineJaro); }
void BM_BaselineLevenshteinDp(benchmark::State& s) { Run(s, BaselineLevenshtein); }
void BM_BaselineOsaDp(benchmark::State& s) { Run(s, BaselineOsa); }

BENCHMARK(BM_Jaro)->Arg(0)->Arg(1);
BENCHMARK(BM_BaselineJaro)->Arg(0)->Arg(1);
BENCHMARK(BM_JaroWinkler)->Arg(0)->Arg(1);
BENCHMARK(BM_Levenshtein)->Arg(0)->Arg(1);
BENCHMARK(BM_LevenshteinBounded2)->Arg(0)->Arg(1);
BENCHMARK(BM_InternalLevenshteinDp)->Arg(0)->Arg(1);
BENCHMARK(BM_BaselineLevenshteinDp)->Arg(0)->Arg(1);
BENCHMARK(BM_DamerauLevenshteinOsa)->Arg(0)->Arg(1);
BENCHMARK(BM_InternalOsaDp)->Arg(0)->Arg(1);
BENCHMARK(BM_BaselineOsaDp)->Arg(0)->Arg(1);
BENCHMARK(BM_TokenJaccard)->Arg(0)->Arg(1);

}  // namespace
}  // namespace probity
