#include "engine/string_similarity.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

// Counts heap allocations made while g_count_allocations is set, so the tests
// can check the "no allocation for short strings" contract.
namespace {
bool g_count_allocations = false;
int g_allocations = 0;
}  // namespace

// GCC pairs the inlined std::free below with operator new and warns; the
// pairing is correct because this operator new uses std::malloc.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  if (g_count_allocations) ++g_allocations;
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace probity {
namespace {

namespace si = similarity_internal;

// ---- Textbook references, written independently of the implementation ----

int RefLevenshtein(std::string_view a, std::string_view b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
  }
  return d[a.size()][b.size()];
}

int RefOsa(std::string_view a, std::string_view b) {
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

// Jaro as described by Winkler / Wikipedia, with floor-halved transpositions.
double RefJaro(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  const int window = std::max(0, std::max(la, lb) / 2 - 1);
  std::vector<bool> ma(a.size()), mb(b.size());
  int m = 0;
  for (int i = 0; i < la; ++i) {
    for (int j = std::max(0, i - window); j <= std::min(lb - 1, i + window); ++j) {
      if (!mb[j] && a[i] == b[j]) {
        ma[i] = mb[j] = true;
        ++m;
        break;
      }
    }
  }
  if (m == 0) return 0.0;
  std::string sa, sb;
  for (int i = 0; i < la; ++i) {
    if (ma[i]) sa += a[i];
  }
  for (int j = 0; j < lb; ++j) {
    if (mb[j]) sb += b[j];
  }
  int mismatched = 0;
  for (size_t k = 0; k < sa.size(); ++k) mismatched += sa[k] != sb[k];
  const int t = mismatched / 2;
  return (static_cast<double>(m) / la + static_cast<double>(m) / lb +
          static_cast<double>(m - t) / m) /
         3.0;
}

double RefJaccard(std::string_view a, std::string_view b) {
  auto tokens = [](std::string_view s) {
    std::set<std::string> out;
    std::string cur;
    for (char c : s) {
      if (c == ' ') {
        if (!cur.empty()) out.insert(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) out.insert(cur);
    return out;
  };
  const std::set<std::string> ta = tokens(a), tb = tokens(b);
  size_t common = 0;
  for (const std::string& t : ta) common += tb.count(t);
  const size_t uni = ta.size() + tb.size() - common;
  return uni == 0 ? 0.0 : static_cast<double>(common) / static_cast<double>(uni);
}

// ---- Known values ----

TEST(JaroTest, KnownValues) {
  EXPECT_NEAR(Jaro("MARTHA", "MARHTA"), 17.0 / 18.0, 1e-12);
  EXPECT_NEAR(Jaro("DWAYNE", "DUANE"), 0.822222, 1e-6);
  EXPECT_NEAR(Jaro("DIXON", "DICKSONX"), 0.766667, 1e-6);
  EXPECT_NEAR(Jaro("JELLYFISH", "SMELLYFISH"), 0.896296, 1e-6);
  EXPECT_DOUBLE_EQ(Jaro("SMITH", "SMITH"), 1.0);
  EXPECT_DOUBLE_EQ(Jaro("ABC", "XYZ"), 0.0);
}

TEST(JaroTest, EmptyAndSingleCharacter) {
  EXPECT_DOUBLE_EQ(Jaro("", ""), 1.0);
  EXPECT_DOUBLE_EQ(Jaro("", "A"), 0.0);
  EXPECT_DOUBLE_EQ(Jaro("A", ""), 0.0);
  EXPECT_DOUBLE_EQ(Jaro("A", "A"), 1.0);
  EXPECT_DOUBLE_EQ(Jaro("A", "B"), 0.0);
  // Window is max(0, 2/2 - 1) = 0: only same positions can match.
  EXPECT_DOUBLE_EQ(Jaro("AB", "BA"), 0.0);
  EXPECT_DOUBLE_EQ(Jaro("A", "BA"), 0.0);
}

TEST(JaroTest, OddTranspositionCountRoundsDown) {
  // All six bytes match; matched orders ABCXYZ vs BCAXYZ differ in 3 places,
  // so t = floor(3/2) = 1 and Jaro = (1 + 1 + 5/6) / 3, not (1 + 1 + 4.5/6) / 3.
  EXPECT_DOUBLE_EQ(Jaro("ABCXYZ", "BCAXYZ"), (2.0 + 5.0 / 6.0) / 3.0);
}

TEST(JaroTest, MatchWindowBoundary) {
  // |a| = |b| = 8, window 3: 'Z' three positions apart matches, four apart does not.
  EXPECT_DOUBLE_EQ(Jaro("ZAAAAAAA", "BBBZBBBB"), (1.0 / 8 + 1.0 / 8 + 1.0) / 3.0);
  EXPECT_DOUBLE_EQ(Jaro("ZAAAAAAA", "BBBBZBBB"), 0.0);
  EXPECT_DOUBLE_EQ(Jaro("BBBZBBBB", "ZAAAAAAA"), (1.0 / 8 + 1.0 / 8 + 1.0) / 3.0);
  // |a| = 3, |b| = 9: window 3 comes from the longer string.
  EXPECT_DOUBLE_EQ(Jaro("ZQQ", "BBBZBBBBB"), (1.0 / 3 + 1.0 / 9 + 1.0) / 3.0);
  EXPECT_DOUBLE_EQ(Jaro("ZQQ", "BBBBZBBBB"), 0.0);
}

TEST(JaroWinklerTest, KnownValues) {
  EXPECT_NEAR(JaroWinkler("MARTHA", "MARHTA"), 0.961111, 1e-6);
  EXPECT_NEAR(JaroWinkler("DWAYNE", "DUANE"), 0.84, 1e-6);
  EXPECT_NEAR(JaroWinkler("DIXON", "DICKSONX"), 0.813333, 1e-6);
  EXPECT_NEAR(JaroWinkler("JELLYFISH", "SMELLYFISH"), 0.896296, 1e-6);
  EXPECT_DOUBLE_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", "ABC"), 0.0);
}

TEST(JaroWinklerTest, PrefixCapAndScale) {
  // Common prefix ABCDEF is capped at max_prefix.
  const double j = Jaro("ABCDEFGH", "ABCDEFHG");
  EXPECT_DOUBLE_EQ(JaroWinkler("ABCDEFGH", "ABCDEFHG"), j + 4 * 0.1 * (1 - j));
  EXPECT_DOUBLE_EQ(JaroWinkler("ABCDEFGH", "ABCDEFHG", 0.1, 6), j + 6 * 0.1 * (1 - j));
  EXPECT_DOUBLE_EQ(JaroWinkler("ABCDEFGH", "ABCDEFHG", 0.05, 2), j + 2 * 0.05 * (1 - j));
  EXPECT_DOUBLE_EQ(JaroWinkler("ABCDEFGH", "ABCDEFHG", 0.1, -3), j);
  // Prefix is capped at the shorter length.
  EXPECT_DOUBLE_EQ(JaroWinkler("AB", "ABAB"),
                   Jaro("AB", "ABAB") + 2 * 0.1 * (1 - Jaro("AB", "ABAB")));
}

TEST(JaroWinklerTest, NoBoostAtOrBelowThreshold) {
  // Jaro("ABCDE", "ABXYZ") = (2/5 + 2/5 + 1) / 3 = 0.6, common prefix 2: no boost.
  EXPECT_DOUBLE_EQ(Jaro("ABCDE", "ABXYZ"), 0.6);
  EXPECT_DOUBLE_EQ(JaroWinkler("ABCDE", "ABXYZ"), 0.6);
  // Jaro("ABCDEF", "ABCXYZ") = 0.5 + ... = (0.5 + 0.5 + 1) / 3 = 2/3 < 0.7: no boost.
  EXPECT_DOUBLE_EQ(JaroWinkler("ABCDEF", "ABCXYZ"), Jaro("ABCDEF", "ABCXYZ"));
  // Just above: Jaro("ABCDEFG", "ABCDEXY") = (5/7 + 5/7 + 1) / 3 = 0.8095: boosted.
  const double j = Jaro("ABCDEFG", "ABCDEXY");
  EXPECT_GT(j, 0.7);
  EXPECT_DOUBLE_EQ(JaroWinkler("ABCDEFG", "ABCDEXY"), j + 0.4 * (1 - j));
}

TEST(LevenshteinTest, KnownValues) {
  EXPECT_EQ(Levenshtein("KITTEN", "SITTING"), 3);
  EXPECT_EQ(Levenshtein("FLAW", "LAWN"), 2);
  EXPECT_EQ(Levenshtein("", "ABC"), 3);
  EXPECT_EQ(Levenshtein("ABC", ""), 3);
  EXPECT_EQ(Levenshtein("", ""), 0);
  EXPECT_EQ(Levenshtein("SMITH", "SMITH"), 0);
  EXPECT_EQ(Levenshtein("SMITH", "SMYTHE"), 2);
  EXPECT_EQ(Levenshtein("CA", "ABC"), 3);
  EXPECT_EQ(Levenshtein("AB", "BA"), 2);
}

TEST(LevenshteinTest, BoundedKnownValues) {
  EXPECT_EQ(LevenshteinBounded("KITTEN", "SITTING", 0), 1);
  EXPECT_EQ(LevenshteinBounded("KITTEN", "SITTING", 1), 2);
  EXPECT_EQ(LevenshteinBounded("KITTEN", "SITTING", 2), 3);
  EXPECT_EQ(LevenshteinBounded("KITTEN", "SITTING", 3), 3);
  EXPECT_EQ(LevenshteinBounded("KITTEN", "SITTING", 100), 3);
  EXPECT_EQ(LevenshteinBounded("KITTEN", "SITTING", 2147483647), 3);
  EXPECT_EQ(LevenshteinBounded("SMITH", "SMITH", 0), 0);
  EXPECT_EQ(LevenshteinBounded("", "ABCDE", 2), 3);  // length difference alone
  EXPECT_EQ(LevenshteinBounded("", "ABCDE", 5), 5);
  EXPECT_EQ(LevenshteinBounded("A", "B", -4), 1);  // negative max acts as 0
  EXPECT_EQ(LevenshteinBounded("A", "A", -4), 0);
}

TEST(OsaTest, KnownValues) {
  EXPECT_EQ(DamerauLevenshteinOsa("CA", "ABC"), 3);  // unrestricted DL would give 2
  EXPECT_EQ(DamerauLevenshteinOsa("AB", "BA"), 1);
  EXPECT_EQ(DamerauLevenshteinOsa("ABCDEF", "ABDCEF"), 1);
  EXPECT_EQ(DamerauLevenshteinOsa("KITTEN", "SITTING"), 3);
  EXPECT_EQ(DamerauLevenshteinOsa("", "ABC"), 3);
  EXPECT_EQ(DamerauLevenshteinOsa("", ""), 0);
  EXPECT_EQ(DamerauLevenshteinOsa("MARTHA", "MARHTA"), 1);
  EXPECT_EQ(DamerauLevenshteinOsa("ABCD", "BADC"), 2);
  // Bit-parallel path directly, without the affix stripping of the public call.
  EXPECT_EQ(si::OsaBitParallel("CA", "ABC"), 3);
  EXPECT_EQ(si::OsaBitParallel("ABC", "CA"), 3);
  EXPECT_EQ(si::OsaBitParallel("ABCDEF", "ABDCEF"), 1);
  EXPECT_EQ(si::OsaDp("CA", "ABC"), 3);
}

TEST(TokenJaccardTest, KnownValues) {
  EXPECT_DOUBLE_EQ(TokenJaccard("JOHN PAUL SMITH", "PAUL JOHN SMITH"), 1.0);
  EXPECT_DOUBLE_EQ(TokenJaccard("JOHN SMITH", "JOHN SMYTH"), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(TokenJaccard("JOHN SMITH", "JOHN"), 0.5);
  EXPECT_DOUBLE_EQ(TokenJaccard("JOHN JOHN", "JOHN"), 1.0);  // set semantics
  EXPECT_DOUBLE_EQ(TokenJaccard("A B C D", "C D E"), 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(TokenJaccard("ANNE", "ANN"), 0.0);
  EXPECT_DOUBLE_EQ(TokenJaccard("", ""), 0.0);  // both missing is not a match
  EXPECT_DOUBLE_EQ(TokenJaccard("   ", ""), 0.0);
  EXPECT_DOUBLE_EQ(TokenJaccard("", "SMITH"), 0.0);
  EXPECT_DOUBLE_EQ(TokenJaccard(" JOHN  SMITH ", "SMITH JOHN"), 1.0);
}

TEST(TokenJaccardTest, ManyTokensPath) {
  std::string a, b;
  // Appended piecewise: GCC 12 gives a false -Wrestrict on "lit" + std::string.
  for (int i = 0; i < 50; ++i) a.append("T").append(std::to_string(i)).append(" ");
  for (int i = 25; i < 100; ++i) b.append("T").append(std::to_string(i)).append(" ");
  // Intersection T25..T49 (25), union T0..T99 (100).
  EXPECT_DOUBLE_EQ(TokenJaccard(a, b), 0.25);
  EXPECT_DOUBLE_EQ(TokenJaccard(b, a), 0.25);
  // One side small, other large.
  EXPECT_DOUBLE_EQ(TokenJaccard("T1 T2 XX", a), 2.0 / 51.0);
}

// ---- Paths at the 64-byte word boundary ----

TEST(BitParallelTest, WordBoundaryLengths) {
  for (int la : {62, 63, 64, 65}) {
    for (int lb : {1, 63, 64, 65, 130}) {
      std::string a(static_cast<size_t>(la), 'A');
      std::string b(static_cast<size_t>(lb), 'A');
      for (int i = 0; i < la; i += 3) a[static_cast<size_t>(i)] = 'B';
      for (int i = 1; i < lb; i += 4) b[static_cast<size_t>(i)] = 'B';
      if (la >= 2) std::swap(a[static_cast<size_t>(la - 1)], a[static_cast<size_t>(la - 2)]);
      a[static_cast<size_t>(la - 1)] = 'C';  // last pattern bit matters
      SCOPED_TRACE(::testing::Message() << la << "x" << lb);
      const int lev = RefLevenshtein(a, b);
      const int osa = RefOsa(a, b);
      EXPECT_EQ(Levenshtein(a, b), lev);
      EXPECT_EQ(DamerauLevenshteinOsa(a, b), osa);
      EXPECT_EQ(si::LevenshteinDp(a, b), lev);
      EXPECT_EQ(si::OsaDp(a, b), osa);
      if (la <= 64) {
        EXPECT_EQ(si::LevenshteinBitParallel(a, b), lev);
        EXPECT_EQ(si::OsaBitParallel(a, b), osa);
      }
      EXPECT_DOUBLE_EQ(Jaro(a, b), RefJaro(a, b));
      EXPECT_DOUBLE_EQ(si::JaroGeneric(a, b), RefJaro(a, b));
      if (lb <= 64) {
        EXPECT_DOUBLE_EQ(si::JaroBitParallel(a, b), RefJaro(a, b));
      }
    }
  }
}

TEST(AllocationTest, ShortStringsDoNotAllocate) {
  const std::string a(64, 'X');
  std::string b(64, 'Y');
  b[10] = 'X';
  // The DP fallbacks keep a few hundred bytes on the stack too.
  const std::string c(200, 'C');
  const std::string d(190, 'D');
  g_allocations = 0;
  g_count_allocations = true;
  int sink = 0;
  double dsink = 0;
  sink += Levenshtein(a, b);
  sink += LevenshteinBounded(a, b, 3);
  sink += DamerauLevenshteinOsa(a, b);
  dsink += Jaro(a, b);
  dsink += JaroWinkler("MARTHA", "MARHTA");
  dsink += TokenJaccard("JOHN PAUL SMITH", "PAUL SMITH");
  sink += Levenshtein(c, d);
  sink += DamerauLevenshteinOsa(c, d);
  dsink += Jaro(c, d);
  g_count_allocations = false;
  EXPECT_EQ(g_allocations, 0);
  EXPECT_EQ(sink, 63 + 4 + 63 + 200 + 200);
  EXPECT_GT(dsink, 0.0);
}

TEST(AllocationTest, VeryLongStringsStillCorrect) {
  std::mt19937_64 rng(7);
  std::string a, b;
  for (int i = 0; i < 600; ++i) a += static_cast<char>('A' + rng() % 3);
  b = a;
  b.erase(100, 5);
  b.insert(400, "QQ");
  std::swap(b[300], b[301]);
  b[7] = 'Z';
  EXPECT_EQ(Levenshtein(a, b), RefLevenshtein(a, b));
  EXPECT_EQ(DamerauLevenshteinOsa(a, b), RefOsa(a, b));
  EXPECT_EQ(si::LevenshteinDp(a, b), RefLevenshtein(a, b));
  EXPECT_EQ(si::OsaDp(a, b), RefOsa(a, b));
  EXPECT_DOUBLE_EQ(Jaro(a, b), RefJaro(a, b));
  const int d = RefLevenshtein(a, b);
  EXPECT_EQ(LevenshteinBounded(a, b, d), d);
  EXPECT_EQ(LevenshteinBounded(a, b, d - 1), d);
  EXPECT_EQ(si::LevenshteinDpBounded(a, b, d - 1), d);
}

// ---- Randomised comparison against the references ----

// Lengths 0..80, with the word-boundary lengths 63, 64, 65 and tiny lengths
// drawn often; small alphabets so matches, repeats and transpositions abound.
class RandomPairs {
 public:
  explicit RandomPairs(uint64_t seed) : rng_(seed) {}

  std::pair<std::string, std::string> Next() {
    const int alphabet = std::vector<int>{1, 2, 3, 4, 26}[Uniform(0, 4)];
    std::string a = RandomString(Length(), alphabet);
    std::string b;
    if (Uniform(0, 1) == 0) {
      b = RandomString(Length(), alphabet);
    } else {
      b = Mutate(a, alphabet);  // near pair: the interesting case for linkage
    }
    return {a, b};
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  int Length() {
    static const int kSpecial[] = {0, 1, 2, 63, 64, 65};
    return Uniform(0, 3) == 0 ? kSpecial[Uniform(0, 5)] : Uniform(0, 80);
  }
  std::string RandomString(int n, int alphabet) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('A' + Uniform(0, alphabet - 1));
    return s;
  }
  std::string Mutate(std::string s, int alphabet) {
    const int edits = Uniform(0, 6);
    for (int e = 0; e < edits; ++e) {
      const char c = static_cast<char>('A' + Uniform(0, alphabet - 1));
      const int op = Uniform(0, 3);
      if (s.empty() || op == 0) {
        s.insert(static_cast<size_t>(Uniform(0, static_cast<int>(s.size()))), 1, c);
      } else {
        const size_t pos = static_cast<size_t>(Uniform(0, static_cast<int>(s.size()) - 1));
        if (op == 1) {
          s.erase(pos, 1);
        } else if (op == 2) {
          s[pos] = c;
        } else if (pos + 1 < s.size()) {
          std::swap(s[pos], s[pos + 1]);
        }
      }
    }
    if (s.size() > 80) s.resize(80);
    return s;
  }

  std::mt19937_64 rng_;
};

TEST(RandomisedTest, MatchesReferencesAndIsSymmetric) {
  RandomPairs pairs(20240601);
  int bit_parallel_lev = 0;
  int dp_lev = 0;
  int boundary = 0;
  for (int n = 0; n < 20000; ++n) {
    const auto [a, b] = pairs.Next();
    SCOPED_TRACE(::testing::Message() << "a=" << a << " b=" << b);
    const int lev = RefLevenshtein(a, b);
    const int osa = RefOsa(a, b);
    const double jaro = RefJaro(a, b);

    ASSERT_EQ(Levenshtein(a, b), lev);
    ASSERT_EQ(Levenshtein(b, a), lev);
    ASSERT_EQ(DamerauLevenshteinOsa(a, b), osa);
    ASSERT_EQ(DamerauLevenshteinOsa(b, a), osa);
    ASSERT_EQ(si::LevenshteinDp(a, b), lev);
    ASSERT_EQ(si::OsaDp(a, b), osa);
    // Every path on the raw (unstripped) strings, both orientations.
    if (a.size() <= 64) {
      ASSERT_EQ(si::LevenshteinBitParallel(a, b), lev);
      ASSERT_EQ(si::OsaBitParallel(a, b), osa);
      ++bit_parallel_lev;
    }
    if (b.size() <= 64) {
      ASSERT_EQ(si::LevenshteinBitParallel(b, a), lev);
      ASSERT_EQ(si::OsaBitParallel(b, a), osa);
    }
    if (a.size() > 64 && b.size() > 64) ++dp_lev;
    if (a.size() >= 63 && a.size() <= 65) ++boundary;

    ASSERT_DOUBLE_EQ(Jaro(a, b), jaro);
    ASSERT_DOUBLE_EQ(si::JaroGeneric(a, b), jaro);
    if (b.size() <= 64) {
      ASSERT_DOUBLE_EQ(si::JaroBitParallel(a, b), jaro);
    }
    ASSERT_DOUBLE_EQ(Jaro(b, a), jaro);
    ASSERT_DOUBLE_EQ(JaroWinkler(a, b), JaroWinkler(b, a));
    ASSERT_GE(JaroWinkler(a, b), jaro);
    ASSERT_LE(JaroWinkler(a, b), 1.0);

    for (int max : {0, 1, 2, 3, 5, 8, lev - 1, lev, lev + 1}) {
      if (max < 0) continue;
      const int want = lev <= max ? lev : max + 1;
      ASSERT_EQ(LevenshteinBounded(a, b, max), want) << "max=" << max;
      ASSERT_EQ(LevenshteinBounded(b, a, max), want) << "max=" << max;
      ASSERT_EQ(si::LevenshteinDpBounded(a, b, max), want) << "max=" << max;
      if (a.size() <= 64) {
        ASSERT_EQ(si::LevenshteinBitParallelBounded(a, b, max), want) << "max=" << max;
      }
    }
  }
  // The generator really did exercise each path.
  EXPECT_GT(bit_parallel_lev, 10000);
  EXPECT_GT(dp_lev, 300);
  EXPECT_GT(boundary, 1000);
}

TEST(RandomisedTest, TokenJaccardMatchesReference) {
  std::mt19937_64 rng(99);
  const char* kWords[] = {"JOHN", "PAUL", "SMITH", "SMYTH", "ANNE", "MARIE", "O", "VAN", "DER"};
  for (int n = 0; n < 5000; ++n) {
    std::string a, b;
    const int na = static_cast<int>(rng() % 6);
    const int nb = static_cast<int>(rng() % 6);
    for (int i = 0; i < na; ++i) a.append(rng() % 4 == 0 ? "  " : " ").append(kWords[rng() % 9]);
    for (int i = 0; i < nb; ++i) b.append(kWords[rng() % 9]).append(" ");
    SCOPED_TRACE(::testing::Message() << "a=" << a << " b=" << b);
    ASSERT_DOUBLE_EQ(TokenJaccard(a, b), RefJaccard(a, b));
    ASSERT_DOUBLE_EQ(TokenJaccard(b, a), RefJaccard(a, b));
  }
}

}  // namespace
}  // namespace probity
