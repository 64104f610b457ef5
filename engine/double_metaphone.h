// Double Metaphone (Lawrence Philips, 2000): phonetic codes for a name.
#ifndef PROBITY_ENGINE_DOUBLE_METAPHONE_H_
#define PROBITY_ENGINE_DOUBLE_METAPHONE_H_

#include <string>
#include <string_view>

namespace probity {

struct MetaphoneCodes {
  std::string primary;    // at most 4 characters
  std::string alternate;  // at most 4 characters; equals primary when there is no alternative
};

// Computes the Double Metaphone codes of one word of ASCII letters (upper or
// lower case; other characters are ignored). Follows Philips' published
// algorithm, including its Germanic, Slavic, Spanish, Italian and Chinese
// special cases. Empty input gives empty codes.
MetaphoneCodes DoubleMetaphone(std::string_view word);

}  // namespace probity

#endif  // PROBITY_ENGINE_DOUBLE_METAPHONE_H_
