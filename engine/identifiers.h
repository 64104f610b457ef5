// Person identifiers: PNC id, CRO number, National Insurance number, and sex.
#ifndef PROBITY_ENGINE_IDENTIFIERS_H_
#define PROBITY_ENGINE_IDENTIFIERS_H_

#include <string>
#include <string_view>

namespace probity {

enum class IdStatus {
  kMissing,    // blank input
  kValid,      // well formed and (where a rule exists) the check letter agrees
  kBadCheck,   // well formed but the check letter disagrees (likely a typo)
  kMalformed,  // does not fit the format at all
};

struct Identifier {
  // Canonical form when well formed (valid or bad check); otherwise the input
  // upper-cased with spaces removed.
  std::string canonical;
  IdStatus status = IdStatus::kMissing;
};

// The check letter scheme shared by PNC and CRO: `number` mod 23 indexes
// "ZABCDEFGHJKLMNPQRTUVWXY".
char CheckLetter(unsigned long long number);

// Police National Computer id. Canonical "YYYY/NNNNNNNA" with the serial padded
// to 7 digits. Accepts "YY/NNNNNNNA", a missing slash, lower case and spaces.
// A 2-digit year is read as 19YY when YY is above the last two digits of
// `current_year`, else 20YY. The check letter is that of the number formed by
// the last two digits of the year followed by the 7-digit serial:
// 2000/1234567 takes V.
Identifier NormalisePnc(std::string_view raw, int current_year);

// Criminal Records Office number: "NNNNNN/YYA" (serial up to 6 digits, padded
// to 6) or "SFYY/NNNNNNA". Same check scheme over year then serial:
// 123456/00 takes Q.
Identifier NormaliseCro(std::string_view raw);

// National Insurance number: two prefix letters (first not D F I Q U V, second
// not D F I O Q U V, and not BG GB KN NK NT TN ZZ), six digits, suffix A-D.
// Canonical "AB123456C". A missing suffix is accepted (canonical without it).
Identifier NormaliseNino(std::string_view raw);

// Sex: 'M', 'F', 'U' (stated unknown / other), or 0 when blank. Accepts
// M/MALE/MAN/BOY, F/FEMALE/WOMAN/GIRL, 1/2 (ONS coding), U/UNKNOWN/X/OTHER/
// NOT KNOWN/NOT STATED, case-insensitively; anything else gives 'U'.
char NormaliseSex(std::string_view raw);

}  // namespace probity

#endif  // PROBITY_ENGINE_IDENTIFIERS_H_
