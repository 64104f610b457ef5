// Fuzzes the PNC, CRO and NINO normalisers and NormaliseSex.
//
// Byte 0 picks the "current year" for two-digit PNC years; the rest is the value.
#include <string>
#include <string_view>

#include "engine/identifiers.h"
#include "engine/record.h"  // operator== for Identifier
#include "fuzz/harnesses.h"

namespace probity::fuzz {
namespace identifiers_fuzz {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool Matches(std::string_view s, std::string_view pattern) {  // '9' digit, 'A' letter
  if (s.size() != pattern.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool ok = pattern[i] == '9'   ? IsDigit(s[i])
                    : pattern[i] == 'A' ? IsUpper(s[i])
                                        : s[i] == pattern[i];
    if (!ok) return false;
  }
  return true;
}

uint64_t Digits(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) {
    if (IsDigit(c)) v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (IsUpper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Properties every normaliser shares. `renormalise` maps a raw value to an Identifier.
template <typename Fn>
void CheckCommon(std::string_view raw, const Identifier& id, Fn renormalise) {
  bool blank = true;
  for (char c : raw) blank = blank && IsSpace(c);
  PROBITY_FUZZ_CHECK(blank == (id.status == IdStatus::kMissing));
  if (id.status == IdStatus::kMissing) PROBITY_FUZZ_CHECK(id.canonical.empty());
  // Case and whitespace do not matter.
  PROBITY_FUZZ_CHECK(renormalise(AsciiLower(raw)) == id);
  for (char c : id.canonical) PROBITY_FUZZ_CHECK(!IsSpace(c) && !(c >= 'a' && c <= 'z'));
  if (id.status == IdStatus::kValid || id.status == IdStatus::kBadCheck) {
    // The canonical form is a fixed point.
    PROBITY_FUZZ_CHECK(renormalise(id.canonical) == id);
  }
}

}  // namespace identifiers_fuzz

int IdentifiersOneInput(const uint8_t* data, size_t size) {
  using namespace identifiers_fuzz;
  if (size == 0) return 0;
  const int current_year = 1990 + data[0] % 100;
  const std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);

  const Identifier pnc = NormalisePnc(raw, current_year);
  CheckCommon(raw, pnc, [&](std::string_view s) { return NormalisePnc(s, current_year); });
  if (pnc.status == IdStatus::kValid || pnc.status == IdStatus::kBadCheck) {
    PROBITY_FUZZ_CHECK(Matches(pnc.canonical, "9999/9999999A"));
    // The year does not depend on the current year once it has four digits.
    PROBITY_FUZZ_CHECK(NormalisePnc(pnc.canonical, current_year + 37) == pnc);
    const std::string_view year = std::string_view(pnc.canonical).substr(0, 4);
    const uint64_t check = (Digits(year) % 100) * 10000000ULL +
                           Digits(std::string_view(pnc.canonical).substr(5, 7));
    PROBITY_FUZZ_CHECK((CheckLetter(check) == pnc.canonical[12]) ==
                       (pnc.status == IdStatus::kValid));
  }

  const Identifier cro = NormaliseCro(raw);
  CheckCommon(raw, cro, [](std::string_view s) { return NormaliseCro(s); });
  if (cro.status == IdStatus::kValid || cro.status == IdStatus::kBadCheck) {
    const std::string_view c = cro.canonical;
    uint64_t check = 0;
    if (Matches(c, "999999/99A")) {
      check = Digits(c.substr(7, 2)) * 1000000ULL + Digits(c.substr(0, 6));
    } else {
      PROBITY_FUZZ_CHECK(Matches(c, "SF99/999999A"));
      check = Digits(c.substr(2, 2)) * 1000000ULL + Digits(c.substr(5, 6));
    }
    PROBITY_FUZZ_CHECK((CheckLetter(check) == c.back()) == (cro.status == IdStatus::kValid));
  }

  const Identifier nino = NormaliseNino(raw);
  CheckCommon(raw, nino, [](std::string_view s) { return NormaliseNino(s); });
  PROBITY_FUZZ_CHECK(nino.status != IdStatus::kBadCheck);  // NINOs have no check letter
  if (nino.status == IdStatus::kValid) {
    PROBITY_FUZZ_CHECK(Matches(nino.canonical, "AA999999") ||
                       (Matches(nino.canonical, "AA999999A") && nino.canonical[8] <= 'D'));
  }

  const char sex = NormaliseSex(raw);
  PROBITY_FUZZ_CHECK(sex == 0 || sex == 'M' || sex == 'F' || sex == 'U');
  bool blank = true;
  for (char c : raw) blank = blank && IsSpace(c);
  PROBITY_FUZZ_CHECK((sex == 0) == blank);
  PROBITY_FUZZ_CHECK(NormaliseSex(AsciiLower(raw)) == sex);
  return 0;
}

}  // namespace probity::fuzz

#ifdef PROBITY_FUZZ_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return probity::fuzz::IdentifiersOneInput(data, size);
}
#endif
