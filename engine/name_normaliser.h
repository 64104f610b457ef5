// Name normalisation: one canonical spelling per name, computed once at ingest.
//
// "Siobhán Ó Briain" -> "SIOBHAN OBRIAIN", "MR JOHN SMITH" -> "JOHN SMITH",
// "Smith-Jones" -> "SMITH JONES", "O'Neil" -> "ONEIL", "Łukasz" -> "LUKASZ".
#ifndef PROBITY_ENGINE_NAME_NORMALISER_H_
#define PROBITY_ENGINE_NAME_NORMALISER_H_

#include <string>
#include <string_view>
#include <vector>

namespace probity {

// Normalises one name value:
//  - Unicode NFKD with combining marks stripped, then letters folded to ASCII
//    upper case; letters with no decomposition (Ł, Ø, ß, Æ, Đ, Þ...) get their
//    usual ASCII transliteration (L, O, SS, AE, D, TH);
//  - apostrophes and similar marks (' ’ `) are removed without splitting
//    ("O'Neil" -> "ONEIL"); every other non-alphanumeric character, hyphens
//    included, separates tokens; digits are kept;
//  - a lone Irish/Scottish prefix token "O" (from "Ó Briain") is joined to the
//    next token ("OBRIAIN");
//  - titles (MR, MRS, MS, MISS, MX, DR, PROF, REV, SIR, DAME, LORD, LADY) are
//    removed when leading and at least one other token remains;
//  - tokens are joined by single spaces.
// Invalid UTF-8 bytes are dropped. Returns "" when nothing is left.
std::string NormaliseName(std::string_view raw);

// Splits a normalised name into its tokens (views into `normalised`).
std::vector<std::string_view> NameTokens(std::string_view normalised);

// Calls fn(token) for each token of NameTokens(normalised), in order, without
// building the vector (for per-record loops).
template <typename Fn>
void ForEachNameToken(std::string_view normalised, const Fn& fn) {
  size_t i = 0;
  while (i < normalised.size()) {
    if (normalised[i] == ' ') {
      ++i;
      continue;
    }
    size_t j = normalised.find(' ', i);
    if (j == std::string_view::npos) j = normalised.size();
    fn(normalised.substr(i, j - i));
    i = j;
  }
}

}  // namespace probity

#endif  // PROBITY_ENGINE_NAME_NORMALISER_H_
