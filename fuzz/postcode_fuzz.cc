// Fuzzes NormalisePostcode and the area / district / sector accessors.
#include <string>
#include <string_view>

#include "engine/csv_reader.h"
#include "engine/postcode.h"
#include "fuzz/harnesses.h"

namespace probity::fuzz {
namespace postcode_fuzz {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void CheckValid(const Postcode& pc) {
  const std::string& s = pc.canonical;
  // "OUT IN": outward 2..4 characters, a space, inward 9AA; upper-case ASCII only.
  PROBITY_FUZZ_CHECK(s.size() >= 6 && s.size() <= 8);
  PROBITY_FUZZ_CHECK(s[s.size() - 4] == ' ');
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == s.size() - 4) continue;
    PROBITY_FUZZ_CHECK(IsUpper(s[i]) || IsDigit(s[i]));
  }
  PROBITY_FUZZ_CHECK(IsDigit(s[s.size() - 3]));
  const std::string_view area = PostcodeArea(s);
  const std::string_view district = PostcodeDistrict(s);
  const std::string_view sector = PostcodeSector(s);
  PROBITY_FUZZ_CHECK(!area.empty() && (area.size() <= 2 || s == "GIR 0AA"));
  PROBITY_FUZZ_CHECK(district.size() == s.size() - 4);
  PROBITY_FUZZ_CHECK(sector.size() == s.size() - 2);
  PROBITY_FUZZ_CHECK(std::string_view(s).substr(0, district.size()) == district);
  PROBITY_FUZZ_CHECK(district.substr(0, area.size()) == area);
  PROBITY_FUZZ_CHECK(std::string_view(s).substr(0, sector.size()) == sector);
  // The canonical form and its compact spelling normalise to themselves.
  const Postcode again = NormalisePostcode(s);
  PROBITY_FUZZ_CHECK(again.valid && again.canonical == s);
  std::string compact = s;
  compact.erase(s.size() - 4, 1);
  const Postcode from_compact = NormalisePostcode(compact);
  PROBITY_FUZZ_CHECK(from_compact.valid && from_compact.canonical == s);
}

}  // namespace postcode_fuzz

int PostcodeOneInput(const uint8_t* data, size_t size) {
  using namespace postcode_fuzz;
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const Postcode pc = NormalisePostcode(raw);
  if (raw.empty()) PROBITY_FUZZ_CHECK(pc.canonical.empty() && !pc.valid);
  // Upper case with ASCII whitespace removed, valid or not.
  PROBITY_FUZZ_CHECK(pc.canonical.size() <= raw.size() + 1);
  for (char c : pc.canonical) {
    PROBITY_FUZZ_CHECK(!(c >= 'a' && c <= 'z'));
    if (!pc.valid) PROBITY_FUZZ_CHECK(!IsAsciiSpace(c));
  }
  if (pc.valid) {
    CheckValid(pc);
  } else {
    // An invalid canonical form has no space, so it has no parts.
    PROBITY_FUZZ_CHECK(PostcodeArea(pc.canonical).empty());
    PROBITY_FUZZ_CHECK(PostcodeDistrict(pc.canonical).empty());
    PROBITY_FUZZ_CHECK(PostcodeSector(pc.canonical).empty());
    // Normalising is idempotent for text (invalid UTF-8 can form a new no-break
    // space once the ASCII space between its two bytes is removed).
    if (IsValidUtf8(raw)) {
      const Postcode again = NormalisePostcode(pc.canonical);
      PROBITY_FUZZ_CHECK(!again.valid && again.canonical == pc.canonical);
    }
  }
  // The accessors accept any text, canonical or not.
  const std::string_view district = PostcodeDistrict(raw);
  if (!district.empty()) PROBITY_FUZZ_CHECK(pc.valid && pc.canonical == raw);
  (void)PostcodeArea(raw);
  (void)PostcodeSector(raw);
  return 0;
}

}  // namespace probity::fuzz

#ifdef PROBITY_FUZZ_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return probity::fuzz::PostcodeOneInput(data, size);
}
#endif
