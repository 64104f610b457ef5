#include "engine/string_similarity.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

namespace probity {
namespace {

using similarity_internal::kWordBits;

inline unsigned char Byte(char c) { return static_cast<unsigned char>(c); }
inline int Len(std::string_view s) { return static_cast<int>(s.size()); }

// Inline storage for up to N elements, heap beyond. Contents start
// uninitialised (inline) or zeroed (heap); callers write before reading.
template <typename T, size_t N>
class SmallBuffer {
 public:
  explicit SmallBuffer(size_t n) {
    if (n > N) heap_ = std::make_unique<T[]>(n);
  }
  SmallBuffer(const SmallBuffer&) = delete;
  SmallBuffer& operator=(const SmallBuffer&) = delete;
  T* data() { return heap_ ? heap_.get() : inline_; }

 private:
  T inline_[N];
  std::unique_ptr<T[]> heap_;
};

// Fills pm[c] with the positions of byte c in `pattern` (bit i = position i).
// Only the entries for bytes that occur in `pattern` or `text` are written:
// clearing those is much cheaper than clearing all 256 words for short
// strings, and they are the only entries the callers read.
inline void BuildMasks(uint64_t* pm, std::string_view pattern, std::string_view text) {
  for (char c : text) pm[Byte(c)] = 0;
  for (char c : pattern) pm[Byte(c)] = 0;
  uint64_t bit = 1;
  for (char c : pattern) {
    pm[Byte(c)] |= bit;
    bit <<= 1;
  }
}

// Removes the common prefix and suffix; neither changes Levenshtein or OSA
// distance, and the shorter remainders more often fit in one machine word.
inline void StripCommonAffixes(std::string_view& a, std::string_view& b) {
  size_t n = std::min(a.size(), b.size());
  size_t p = 0;
  while (p < n && a[p] == b[p]) ++p;
  a.remove_prefix(p);
  b.remove_prefix(p);
  n -= p;
  size_t s = 0;
  while (s < n && a[a.size() - 1 - s] == b[b.size() - 1 - s]) ++s;
  a.remove_suffix(s);
  b.remove_suffix(s);
}

inline double JaroFromCounts(int common, int half_transpositions, size_t la, size_t lb) {
  const double m = common;
  return (m / static_cast<double>(la) + m / static_cast<double>(lb) +
          (m - half_transpositions) / m) /
         3.0;
}

inline size_t JaroWindow(size_t la, size_t lb) {
  const size_t half = std::max(la, lb) / 2;
  return half > 0 ? half - 1 : 0;
}

// Tokens of s split on ' ', empties dropped. Returns false (having written at
// most `cap`) when s has more than `cap` tokens.
bool SplitTokens(std::string_view s, std::string_view* out, int cap, int* count) {
  int n = 0;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i == s.size()) break;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (n == cap) return false;
    out[n++] = s.substr(i, j - i);
    i = j;
  }
  *count = n;
  return true;
}

// Removes duplicates in place (order not kept); quadratic, for short lists.
int DedupeSmall(std::string_view* t, int n) {
  int kept = 0;
  for (int i = 0; i < n; ++i) {
    bool seen = false;
    for (int k = 0; k < kept; ++k) {
      if (t[k] == t[i]) {
        seen = true;
        break;
      }
    }
    if (!seen) t[kept++] = t[i];
  }
  return kept;
}

double JaccardFromCounts(size_t na, size_t nb, size_t common) {
  const size_t uni = na + nb - common;
  if (uni == 0) return 0.0;
  return static_cast<double>(common) / static_cast<double>(uni);
}

std::vector<std::string_view> SortedTokenSet(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i == s.size()) break;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

namespace similarity_internal {

int LevenshteinBitParallel(std::string_view pattern, std::string_view text) {
  const size_t m = pattern.size();
  if (m > static_cast<size_t>(kWordBits)) return LevenshteinDp(pattern, text);
  if (m == 0) return Len(text);
  uint64_t pm[256];
  BuildMasks(pm, pattern, text);
  // Bit i of pv/mv: vertical delta D[i+1][j] - D[i][j] is +1 / -1 in the
  // current column j. Bits above m-1 carry junk that never flows downwards
  // (additions and shifts only move information to higher bits).
  uint64_t pv = ~uint64_t{0};
  uint64_t mv = 0;
  const uint64_t last = uint64_t{1} << (m - 1);
  int score = static_cast<int>(m);
  for (char c : text) {
    const uint64_t eq = pm[Byte(c)];
    const uint64_t xv = eq | mv;
    const uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
    uint64_t ph = mv | ~(xh | pv);
    uint64_t mh = pv & xh;
    score += static_cast<int>((ph & last) != 0) - static_cast<int>((mh & last) != 0);
    // Row 0 is D[0][j] = j, so its horizontal delta is always +1.
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  return score;
}

int LevenshteinBitParallelBounded(std::string_view pattern, std::string_view text, int max) {
  const size_t m = pattern.size();
  if (max < 0) max = 0;
  if (m > static_cast<size_t>(kWordBits)) return LevenshteinDpBounded(pattern, text, max);
  const int n = Len(text);
  if (std::abs(n - static_cast<int>(m)) > max) return max + 1;
  if (m == 0) return n;
  uint64_t pm[256];
  BuildMasks(pm, pattern, text);
  uint64_t pv = ~uint64_t{0};
  uint64_t mv = 0;
  const uint64_t last = uint64_t{1} << (m - 1);
  int score = static_cast<int>(m);
  // The last row changes by at most 1 per column, so after column j the final
  // distance is at least score - (n - j): stop once that exceeds max. The
  // distance never exceeds max(m, n), so capping k there avoids overflow.
  const int k = std::min(max, std::max(n, static_cast<int>(m)));
  int slack = k + n;  // k + remaining columns
  for (char c : text) {
    const uint64_t eq = pm[Byte(c)];
    const uint64_t xv = eq | mv;
    const uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
    uint64_t ph = mv | ~(xh | pv);
    uint64_t mh = pv & xh;
    score += static_cast<int>((ph & last) != 0) - static_cast<int>((mh & last) != 0);
    --slack;
    if (score > slack) return max + 1;
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  return score <= k ? score : max + 1;
}

int OsaBitParallel(std::string_view pattern, std::string_view text) {
  const size_t m = pattern.size();
  if (m > static_cast<size_t>(kWordBits)) return OsaDp(pattern, text);
  if (m == 0) return Len(text);
  uint64_t pm[256];
  BuildMasks(pm, pattern, text);
  uint64_t pv = ~uint64_t{0};
  uint64_t mv = 0;
  uint64_t d0 = 0;       // diagonal zero-delta vector of the previous column
  uint64_t eq_prev = 0;  // match vector of the previous text byte
  const uint64_t last = uint64_t{1} << (m - 1);
  int score = static_cast<int>(m);
  for (char c : text) {
    const uint64_t eq = pm[Byte(c)];
    // Transposition (Hyyro 2003): p[i] == t[j-1] and p[i-1] == t[j] give
    // D[i][j] <= D[i-2][j-2] + 1, which equals D[i-1][j-1] exactly when the
    // previous diagonal delta at row i-1 was +1 (its d0 bit is clear).
    const uint64_t tr = (((~d0) & eq) << 1) & eq_prev;
    // A zero diagonal delta also propagates down through -1 horizontal deltas,
    // so transposition bits join the carry chain alongside the matches. (The
    // paper ORs tr in after the addition; both agree with the DP on all
    // ternary string pairs up to 7x8, and this form follows from the recurrence.)
    const uint64_t x = eq | tr;
    d0 = (((x & pv) + pv) ^ pv) | x | mv;
    uint64_t ph = mv | ~(d0 | pv);
    uint64_t mh = pv & d0;
    score += static_cast<int>((ph & last) != 0) - static_cast<int>((mh & last) != 0);
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(d0 | ph);
    mv = ph & d0;
    eq_prev = eq;
  }
  return score;
}

int LevenshteinDp(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);  // row over the shorter string
  const size_t lb = b.size();
  SmallBuffer<int, 260> buf(lb + 1);
  int* row = buf.data();
  for (size_t j = 0; j <= lb; ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    const char ac = a[i - 1];
    for (size_t j = 1; j <= lb; ++j) {
      const int up = row[j];
      row[j] = std::min(std::min(row[j - 1], up) + 1, diag + static_cast<int>(ac != b[j - 1]));
      diag = up;
    }
  }
  return row[lb];
}

int LevenshteinDpBounded(std::string_view a, std::string_view b, int max) {
  if (max < 0) max = 0;
  if (a.size() < b.size()) std::swap(a, b);
  const int la = Len(a);
  const int lb = Len(b);
  if (la - lb > max) return max + 1;
  const int k = std::min(max, la);  // distance never exceeds la
  const int inf = k + 1;            // stands for "more than k"
  SmallBuffer<int, 260> buf(static_cast<size_t>(lb) + 1);
  int* row = buf.data();
  for (int j = 0; j <= lb; ++j) row[j] = std::min(j, inf);
  // Cells with |i - j| > k are worth more than k and stay at inf: only the
  // band |i - j| <= k is computed. Values <= k inside it are exact.
  for (int i = 1; i <= la; ++i) {
    const int lo = std::max(1, i - k);
    const int hi = std::min(lb, i + k);
    int diag = row[lo - 1];
    row[lo - 1] = lo == 1 ? std::min(i, inf) : inf;
    int row_min = row[lo - 1];
    const char ac = a[i - 1];
    for (int j = lo; j <= hi; ++j) {
      const int up = row[j];
      int v = std::min(std::min(row[j - 1], up) + 1, diag + static_cast<int>(ac != b[j - 1]));
      v = std::min(v, inf);
      row[j] = v;
      row_min = std::min(row_min, v);
      diag = up;
    }
    // Row minima never decrease, so the distance is already known to exceed k.
    if (row_min > k) return max + 1;
  }
  return row[lb] <= k ? row[lb] : max + 1;
}

int OsaDp(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  const size_t lb = b.size();
  SmallBuffer<int, 3 * 260> buf(3 * (lb + 1));
  int* prev2 = buf.data();
  int* prev = prev2 + (lb + 1);
  int* cur = prev + (lb + 1);
  for (size_t j = 0; j <= lb; ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    const char ac = a[i - 1];
    for (size_t j = 1; j <= lb; ++j) {
      int v = std::min(std::min(prev[j], cur[j - 1]) + 1,
                       prev[j - 1] + static_cast<int>(ac != b[j - 1]));
      if (i > 1 && j > 1 && ac == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
    }
    int* t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb];
}

double JaroBitParallel(std::string_view a, std::string_view b) {
  const size_t la = a.size();
  const size_t lb = b.size();
  if (lb > static_cast<size_t>(kWordBits)) return JaroGeneric(a, b);
  if (la == 0 || lb == 0) return la == lb ? 1.0 : 0.0;
  uint64_t pm[256];
  BuildMasks(pm, b, a);
  const size_t w = JaroWindow(la, lb);
  // Window of b positions [i - w, i + w] for the current i, as a bitmask;
  // bits at or above lb never survive the AND with pm.
  uint64_t window =
      w + 1 >= static_cast<size_t>(kWordBits) ? ~uint64_t{0} : (uint64_t{1} << (w + 1)) - 1;
  uint64_t matched_b = 0;
  char a_matched[kWordBits];  // matched bytes of a, in order; at most lb of them
  int common = 0;
  const size_t limit = std::min(la, lb + w);  // beyond it the window is empty
  for (size_t i = 0; i < limit; ++i) {
    const uint64_t cand = pm[Byte(a[i])] & window & ~matched_b;
    if (cand != 0) {
      matched_b |= cand & (~cand + 1);  // lowest free position, as in the definition
      a_matched[common++] = a[i];
    }
    window = (window << 1) | static_cast<uint64_t>(i < w);
  }
  if (common == 0) return 0.0;
  int out_of_order = 0;
  uint64_t rest = matched_b;
  for (int k = 0; k < common; ++k) {
    out_of_order +=
        static_cast<int>(b[static_cast<size_t>(std::countr_zero(rest))] != a_matched[k]);
    rest &= rest - 1;
  }
  return JaroFromCounts(common, out_of_order / 2, la, lb);
}

double JaroGeneric(std::string_view a, std::string_view b) {
  const size_t la = a.size();
  const size_t lb = b.size();
  if (la == 0 || lb == 0) return la == lb ? 1.0 : 0.0;
  const size_t w = JaroWindow(la, lb);
  SmallBuffer<unsigned char, 512> buf(la + lb);
  unsigned char* fa = buf.data();
  unsigned char* fb = fa + la;
  std::fill(fa, fa + la + lb, static_cast<unsigned char>(0));
  int common = 0;
  for (size_t i = 0; i < la; ++i) {
    const size_t lo = i > w ? i - w : 0;
    const size_t hi = std::min(i + w + 1, lb);
    for (size_t j = lo; j < hi; ++j) {
      if (fb[j] == 0 && b[j] == a[i]) {
        fa[i] = fb[j] = 1;
        ++common;
        break;
      }
    }
  }
  if (common == 0) return 0.0;
  int out_of_order = 0;
  size_t j = 0;
  for (size_t i = 0; i < la; ++i) {
    if (fa[i] == 0) continue;
    while (fb[j] == 0) ++j;
    out_of_order += static_cast<int>(a[i] != b[j]);
    ++j;
  }
  return JaroFromCounts(common, out_of_order / 2, la, lb);
}

}  // namespace similarity_internal

double Jaro(std::string_view a, std::string_view b) {
  return b.size() <= static_cast<size_t>(kWordBits) ? similarity_internal::JaroBitParallel(a, b)
                                                    : similarity_internal::JaroGeneric(a, b);
}

double JaroWinkler(std::string_view a, std::string_view b, double prefix_scale, int max_prefix) {
  const double j = Jaro(a, b);
  if (!(j > 0.7)) return j;
  const size_t cap = std::min({static_cast<size_t>(std::max(max_prefix, 0)), a.size(), b.size()});
  size_t l = 0;
  while (l < cap && a[l] == b[l]) ++l;
  return j + static_cast<double>(l) * prefix_scale * (1.0 - j);
}

int Levenshtein(std::string_view a, std::string_view b) {
  StripCommonAffixes(a, b);
  if (a.size() > b.size()) std::swap(a, b);  // pattern = shorter
  if (a.empty()) return Len(b);
  if (a.size() <= static_cast<size_t>(kWordBits)) {
    return similarity_internal::LevenshteinBitParallel(a, b);
  }
  return similarity_internal::LevenshteinDp(a, b);
}

int LevenshteinBounded(std::string_view a, std::string_view b, int max) {
  if (max < 0) max = 0;
  const int diff = std::abs(Len(a) - Len(b));
  if (diff > max) return max + 1;
  StripCommonAffixes(a, b);
  if (a.size() > b.size()) std::swap(a, b);
  if (a.empty()) return Len(b);  // == diff <= max
  if (a.size() <= static_cast<size_t>(kWordBits)) {
    return similarity_internal::LevenshteinBitParallelBounded(a, b, max);
  }
  return similarity_internal::LevenshteinDpBounded(a, b, max);
}

int DamerauLevenshteinOsa(std::string_view a, std::string_view b) {
  StripCommonAffixes(a, b);
  if (a.size() > b.size()) std::swap(a, b);
  if (a.empty()) return Len(b);
  if (a.size() <= static_cast<size_t>(kWordBits)) {
    return similarity_internal::OsaBitParallel(a, b);
  }
  return similarity_internal::OsaDp(a, b);
}

double TokenJaccard(std::string_view a, std::string_view b) {
  constexpr int kMaxSmall = 32;
  std::string_view ta[kMaxSmall];
  std::string_view tb[kMaxSmall];
  int na = 0;
  int nb = 0;
  if (SplitTokens(a, ta, kMaxSmall, &na) && SplitTokens(b, tb, kMaxSmall, &nb)) {
    na = DedupeSmall(ta, na);
    nb = DedupeSmall(tb, nb);
    int common = 0;
    for (int i = 0; i < na; ++i) {
      for (int k = 0; k < nb; ++k) {
        if (ta[i] == tb[k]) {
          ++common;
          break;
        }
      }
    }
    return JaccardFromCounts(static_cast<size_t>(na), static_cast<size_t>(nb),
                             static_cast<size_t>(common));
  }
  // Many tokens: sort and merge instead of the quadratic scan.
  const std::vector<std::string_view> sa = SortedTokenSet(a);
  const std::vector<std::string_view> sb = SortedTokenSet(b);
  size_t common = 0;
  size_t i = 0;
  size_t k = 0;
  while (i < sa.size() && k < sb.size()) {
    if (sa[i] < sb[k]) {
      ++i;
    } else if (sb[k] < sa[i]) {
      ++k;
    } else {
      ++common;
      ++i;
      ++k;
    }
  }
  return JaccardFromCounts(sa.size(), sb.size(), common);
}

}  // namespace probity
