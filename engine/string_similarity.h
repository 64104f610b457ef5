// String comparators for the record-linkage hot loop: Jaro, Jaro-Winkler,
// Levenshtein (plain and bounded), optimal-string-alignment Damerau-Levenshtein
// and token-set Jaccard.
//
// All functions compare bytes: inputs are expected to be normalised ASCII
// (upper case, single spaces), but any byte values are handled correctly.
// They are pure, thread-safe and never throw. For strings of at most 64 bytes
// they do not allocate: Levenshtein and OSA use bit-parallel algorithms
// (Myers 1999 as formulated by Hyyro 2001; Hyyro 2003 for transpositions)
// whenever the shorter string (after removing the common prefix and suffix)
// fits in one 64-bit word, and Jaro uses per-character bitmasks when the
// second string is at most 64 bytes. Longer inputs use dynamic programming
// with a stack buffer for a few hundred bytes and the heap beyond that.
// String lengths must fit in an int.
#ifndef PROBITY_ENGINE_STRING_SIMILARITY_H_
#define PROBITY_ENGINE_STRING_SIMILARITY_H_

#include <string_view>

namespace probity {

// Jaro similarity in [0, 1], by the standard definition: two characters match
// when equal and at most floor(max(|a|,|b|)/2) - 1 positions apart (window
// clamped at 0), scanning a left to right and taking the first unmatched
// position of b; t = floor(number of matched pairs that differ in order / 2);
// result = (m/|a| + m/|b| + (m - t)/m) / 3. The halving is integer division,
// as in Winkler's strcmp95, jellyfish and rapidfuzz, so an odd count of
// out-of-order characters rounds down.
// Both empty -> 1.0; exactly one empty -> 0.0; no matches -> 0.0.
double Jaro(std::string_view a, std::string_view b);

// Jaro-Winkler similarity as defined by Winkler and implemented by jellyfish:
// with j = Jaro(a, b) and l = length of the common prefix, capped at
// max_prefix (and at the shorter length), the result is
//   j + l * prefix_scale * (1 - j)   if j > 0.7 (Winkler's boost threshold),
//   j                                otherwise.
// The result stays in [0, 1] when 0 <= prefix_scale * max_prefix <= 1 (the
// defaults give 0.4). A negative max_prefix is treated as 0.
double JaroWinkler(std::string_view a, std::string_view b, double prefix_scale = 0.1,
                   int max_prefix = 4);

// Levenshtein distance: minimum number of single-byte insertions, deletions
// and substitutions turning a into b.
int Levenshtein(std::string_view a, std::string_view b);

// Levenshtein(a, b) if it is <= max, otherwise exactly max + 1. Stops as soon
// as the distance is known to exceed max, so it is cheaper than Levenshtein
// for small max. A negative max is treated as 0.
int LevenshteinBounded(std::string_view a, std::string_view b, int max);

// Optimal-string-alignment (restricted Damerau-Levenshtein) distance:
// Levenshtein plus transposition of two adjacent bytes, with no substring
// edited more than once. So OSA("CA", "ABC") == 3, where unrestricted
// Damerau-Levenshtein gives 2.
int DamerauLevenshteinOsa(std::string_view a, std::string_view b);

// Jaccard similarity |A n B| / |A u B| of the token sets of a and b. Tokens are
// the maximal runs of non-space bytes (split on ' '; empty tokens from leading,
// trailing or repeated spaces are ignored); repeated tokens count once.
// When both sides have no tokens the result is 0.0, not 1.0: two missing
// values are not evidence of a match, and callers should treat missing
// fields upstream anyway.
double TokenJaccard(std::string_view a, std::string_view b);

// Individual algorithm paths, exposed so tests can check each one against a
// reference and benchmarks can time them. Production code should call the
// functions above, which pick the path.
namespace similarity_internal {

inline constexpr int kWordBits = 64;

// Myers/Hyyro bit-vector Levenshtein. Requires pattern.size() <= 64 (longer
// patterns are handed to LevenshteinDp); text may be of any length. No
// common-affix stripping.
int LevenshteinBitParallel(std::string_view pattern, std::string_view text);

// As above, but returns max + 1 (max >= 0) as soon as the distance must exceed
// max. Requires pattern.size() <= 64.
int LevenshteinBitParallelBounded(std::string_view pattern, std::string_view text, int max);

// Hyyro's bit-vector OSA distance. Requires pattern.size() <= 64 (longer
// patterns are handed to OsaDp).
int OsaBitParallel(std::string_view pattern, std::string_view text);

// Row-based dynamic programming; any lengths.
int LevenshteinDp(std::string_view a, std::string_view b);
// Banded (Ukkonen) DP: exact when the distance is <= max (max >= 0), else max + 1.
int LevenshteinDpBounded(std::string_view a, std::string_view b, int max);
int OsaDp(std::string_view a, std::string_view b);

// Jaro with bitmasks over b. Requires b.size() <= 64 (otherwise handed to
// JaroGeneric); a may be of any length.
double JaroBitParallel(std::string_view a, std::string_view b);
// Jaro with flag arrays; any lengths.
double JaroGeneric(std::string_view a, std::string_view b);

}  // namespace similarity_internal
}  // namespace probity

#endif  // PROBITY_ENGINE_STRING_SIMILARITY_H_
