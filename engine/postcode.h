// UK postcodes: canonical form and the area / district / sector hierarchy.
#ifndef PROBITY_ENGINE_POSTCODE_H_
#define PROBITY_ENGINE_POSTCODE_H_

#include <string>
#include <string_view>

namespace probity {

struct Postcode {
  // Upper case, one space before the inward code: "SW1A 1AA". For an invalid
  // postcode: upper case with spaces removed, as a best effort.
  std::string canonical;
  bool valid = false;
};

// Normalises a raw postcode ("sw1a1aa", " SW1A  1AA ", "cr3 6gy"). A valid
// postcode is an outward code (A9, A99, AA9, AA99, A9A, AA9A) and an inward code
// (9AA), or the special GIR 0AA. Empty input gives an empty canonical form.
Postcode NormalisePostcode(std::string_view raw);

// Parts of a valid canonical postcode "SW1A 1AA" (empty for invalid ones):
std::string_view PostcodeArea(std::string_view canonical);      // "SW"
std::string_view PostcodeDistrict(std::string_view canonical);  // "SW1A" (the outward code)
std::string_view PostcodeSector(std::string_view canonical);    // "SW1A 1"

}  // namespace probity

#endif  // PROBITY_ENGINE_POSTCODE_H_
