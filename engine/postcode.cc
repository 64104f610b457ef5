#include "engine/postcode.h"

#include <cstddef>

namespace probity {

namespace {

// A compact valid postcode has at most 7 characters ("SW1A1AA").
constexpr size_t kMaxCompact = 7;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return c >= 'A' && c <= 'Z'; }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// The two letters of a real inward code never include C I K M O V (they look
// like digits or other letters in handwriting).
bool IsInwardLetter(char c) {
  return IsLetter(c) && c != 'C' && c != 'I' && c != 'K' && c != 'M' && c != 'O' && c != 'V';
}

// Outward code: A9, A99, AA9, AA99, A9A, AA9A. Letters are not restricted per
// position: Royal Mail has widened those sets over time (N1C), and a stale
// rule would reject real postcodes.
bool IsValidOutward(const char* p, size_t n) {
  switch (n) {
    case 2:
      return IsLetter(p[0]) && IsDigit(p[1]);
    case 3:
      return IsLetter(p[0]) &&
             ((IsDigit(p[1]) && IsDigit(p[2])) ||    // A99
              (IsLetter(p[1]) && IsDigit(p[2])) ||   // AA9
              (IsDigit(p[1]) && IsLetter(p[2])));    // A9A
    case 4:
      return IsLetter(p[0]) && IsLetter(p[1]) && IsDigit(p[2]) &&
             (IsDigit(p[3]) || IsLetter(p[3]));      // AA99, AA9A
    default:
      return false;
  }
}

bool IsValidInward(const char* p) {
  return IsDigit(p[0]) && IsInwardLetter(p[1]) && IsInwardLetter(p[2]);
}

bool IsGiro(const char* outward, size_t outward_len, const char* inward) {
  return outward_len == 3 && outward[0] == 'G' && outward[1] == 'I' && outward[2] == 'R' &&
         inward[0] == '0' && inward[1] == 'A' && inward[2] == 'A';
}

bool IsValidParts(const char* outward, size_t outward_len, const char* inward) {
  return IsGiro(outward, outward_len, inward) ||
         (IsValidOutward(outward, outward_len) && IsValidInward(inward));
}

// Length of the whitespace at raw[i] (0 if none): ASCII whitespace, or a UTF-8
// no-break space (U+00A0), common in values pasted from spreadsheets.
size_t WhitespaceAt(std::string_view raw, size_t i) {
  if (IsSpace(raw[i])) return 1;
  if (raw[i] == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0') return 2;
  return 0;
}

// Checks a canonical "OUT IN" form; on success sets the outward length.
bool ParseCanonical(std::string_view canonical, size_t* outward_len) {
  const size_t n = canonical.size();
  if (n < 6 || n > kMaxCompact + 1 || canonical[n - 4] != ' ') return false;
  if (!IsValidParts(canonical.data(), n - 4, canonical.data() + n - 3)) return false;
  *outward_len = n - 4;
  return true;
}

}  // namespace

Postcode NormalisePostcode(std::string_view raw) {
  // Collect the compact form on the stack; only a postcode short enough to be
  // valid is needed there, longer input is copied out below.
  char buf[kMaxCompact];
  size_t n = 0;
  for (size_t i = 0; i < raw.size();) {
    const size_t space = WhitespaceAt(raw, i);
    if (space > 0) {
      i += space;
      continue;
    }
    if (n < kMaxCompact) buf[n] = ToUpper(raw[i]);
    ++n;
    ++i;
  }

  Postcode result;
  if (n >= 5 && n <= kMaxCompact && IsValidParts(buf, n - 3, buf + n - 3)) {
    result.valid = true;
    result.canonical.reserve(n + 1);
    result.canonical.append(buf, n - 3);
    result.canonical.push_back(' ');
    result.canonical.append(buf + n - 3, 3);
    return result;
  }
  if (n <= kMaxCompact) {
    result.canonical.assign(buf, n);
    return result;
  }
  result.canonical.reserve(n);
  for (size_t i = 0; i < raw.size();) {
    const size_t space = WhitespaceAt(raw, i);
    if (space > 0) {
      i += space;
      continue;
    }
    result.canonical.push_back(ToUpper(raw[i]));
    ++i;
  }
  return result;
}

std::string_view PostcodeArea(std::string_view canonical) {
  size_t outward_len = 0;
  if (!ParseCanonical(canonical, &outward_len)) return {};
  size_t letters = 0;
  while (letters < outward_len && IsLetter(canonical[letters])) ++letters;
  return canonical.substr(0, letters);
}

std::string_view PostcodeDistrict(std::string_view canonical) {
  size_t outward_len = 0;
  if (!ParseCanonical(canonical, &outward_len)) return {};
  return canonical.substr(0, outward_len);
}

std::string_view PostcodeSector(std::string_view canonical) {
  size_t outward_len = 0;
  if (!ParseCanonical(canonical, &outward_len)) return {};
  return canonical.substr(0, outward_len + 2);
}

}  // namespace probity
