#include "engine/identifiers.h"

#include <cstddef>
#include <cstdint>

namespace probity {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return c >= 'A' && c <= 'Z'; }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// The input upper-cased with whitespace removed, kept on the stack. Every valid
// identifier fits in the buffer; `size` counts all characters, so a value
// longer than the buffer is known to be malformed.
struct Compact {
  static constexpr size_t kCapacity = 16;
  char buf[kCapacity];
  size_t size = 0;

  explicit Compact(std::string_view raw) {
    for (char c : raw) {
      if (IsSpace(c)) continue;
      if (size < kCapacity) buf[size] = ToUpper(c);
      ++size;
    }
  }
  bool Fits() const { return size <= kCapacity; }
};

// The canonical form of malformed input: upper case without whitespace.
std::string UpperNoSpaces(std::string_view raw, const Compact& compact) {
  if (compact.Fits()) return std::string(compact.buf, compact.size);
  std::string out;
  out.reserve(compact.size);
  for (char c : raw) {
    if (!IsSpace(c)) out.push_back(ToUpper(c));
  }
  return out;
}

Identifier Malformed(std::string_view raw, const Compact& compact) {
  return Identifier{UpperNoSpaces(raw, compact), IdStatus::kMalformed};
}

// Reads all of p[begin, end) as a decimal number of 1..max_digits digits.
bool ReadDigits(const char* p, size_t begin, size_t end, size_t max_digits, uint64_t* value) {
  if (end <= begin || end - begin > max_digits) return false;
  uint64_t v = 0;
  for (size_t i = begin; i < end; ++i) {
    if (!IsDigit(p[i])) return false;
    v = v * 10 + static_cast<uint64_t>(p[i] - '0');
  }
  *value = v;
  return true;
}

// Writes `value` as exactly `width` digits (zero padded) at out.
void PutDigits(uint64_t value, size_t width, char* out) {
  for (size_t i = width; i > 0; --i) {
    out[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

size_t FindSlash(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == '/') return i;
  }
  return n;
}

}  // namespace

char CheckLetter(unsigned long long number) {
  static constexpr char kLetters[] = "ZABCDEFGHJKLMNPQRTUVWXY";
  return kLetters[number % 23];
}

Identifier NormalisePnc(std::string_view raw, int current_year) {
  const Compact c(raw);
  if (c.size == 0) return Identifier{};
  // Longest valid form: "YYYY/NNNNNNNA".
  if (c.size > 13 || c.size < 3) return Malformed(raw, c);
  const char* p = c.buf;
  const size_t n = c.size;
  const char letter = p[n - 1];
  if (!IsLetter(letter)) return Malformed(raw, c);
  const size_t body = n - 1;

  uint64_t year = 0;
  uint64_t serial = 0;
  size_t year_digits = 0;
  const size_t slash = FindSlash(p, body);
  if (slash < body) {
    // "YYYY/N..." or "YY/N...": the serial may be short and is padded.
    year_digits = slash;
    if ((year_digits != 2 && year_digits != 4) || !ReadDigits(p, 0, slash, 4, &year) ||
        !ReadDigits(p, slash + 1, body, 7, &serial)) {
      return Malformed(raw, c);
    }
  } else {
    // Without a slash only a full 7-digit serial is unambiguous.
    if (body == 11) {
      year_digits = 4;
    } else if (body == 9) {
      year_digits = 2;
    } else {
      return Malformed(raw, c);
    }
    if (!ReadDigits(p, 0, year_digits, 4, &year) || !ReadDigits(p, year_digits, body, 7, &serial)) {
      return Malformed(raw, c);
    }
  }
  if (year_digits == 2) {
    const uint64_t pivot = static_cast<uint64_t>(current_year % 100);
    year += year > pivot ? 1900 : 2000;
  }

  char out[13];
  PutDigits(year, 4, out);
  out[4] = '/';
  PutDigits(serial, 7, out + 5);
  out[12] = letter;
  const uint64_t check_number = (year % 100) * 10000000ULL + serial;
  return Identifier{std::string(out, sizeof(out)),
                    CheckLetter(check_number) == letter ? IdStatus::kValid : IdStatus::kBadCheck};
}

Identifier NormaliseCro(std::string_view raw) {
  const Compact c(raw);
  if (c.size == 0) return Identifier{};
  // Longest valid form: "SFYY/NNNNNNA".
  if (c.size > 12 || c.size < 5) return Malformed(raw, c);
  const char* p = c.buf;
  const size_t n = c.size;
  const char letter = p[n - 1];
  if (!IsLetter(letter)) return Malformed(raw, c);
  const size_t body = n - 1;

  uint64_t year = 0;
  uint64_t serial = 0;
  if (p[0] == 'S' && p[1] == 'F') {
    // "SFYY/NNNNNNA": fingerprint-only record.
    if (body < 6 || p[4] != '/' || !ReadDigits(p, 2, 4, 2, &year) ||
        !ReadDigits(p, 5, body, 6, &serial)) {
      return Malformed(raw, c);
    }
    char out[12] = {'S', 'F'};
    PutDigits(year, 2, out + 2);
    out[4] = '/';
    PutDigits(serial, 6, out + 5);
    out[11] = letter;
    const uint64_t check_number = year * 1000000ULL + serial;
    return Identifier{std::string(out, sizeof(out)),
                      CheckLetter(check_number) == letter ? IdStatus::kValid : IdStatus::kBadCheck};
  }

  // "NNNNNN/YYA"
  const size_t slash = FindSlash(p, body);
  if (slash >= body || body - slash != 3 || !ReadDigits(p, 0, slash, 6, &serial) ||
      !ReadDigits(p, slash + 1, body, 2, &year)) {
    return Malformed(raw, c);
  }
  char out[10];
  PutDigits(serial, 6, out);
  out[6] = '/';
  PutDigits(year, 2, out + 7);
  out[9] = letter;
  const uint64_t check_number = year * 1000000ULL + serial;
  return Identifier{std::string(out, sizeof(out)),
                    CheckLetter(check_number) == letter ? IdStatus::kValid : IdStatus::kBadCheck};
}

Identifier NormaliseNino(std::string_view raw) {
  const Compact c(raw);
  if (c.size == 0) return Identifier{};
  if (c.size != 8 && c.size != 9) return Malformed(raw, c);
  const char* p = c.buf;
  const char a = p[0];
  const char b = p[1];
  if (!IsLetter(a) || !IsLetter(b)) return Malformed(raw, c);
  if (a == 'D' || a == 'F' || a == 'I' || a == 'Q' || a == 'U' || a == 'V') {
    return Malformed(raw, c);
  }
  if (b == 'D' || b == 'F' || b == 'I' || b == 'O' || b == 'Q' || b == 'U' || b == 'V') {
    return Malformed(raw, c);
  }
  static constexpr char kBannedPrefixes[][2] = {{'B', 'G'}, {'G', 'B'}, {'K', 'N'}, {'N', 'K'},
                                                {'N', 'T'}, {'T', 'N'}, {'Z', 'Z'}};
  for (const auto& banned : kBannedPrefixes) {
    if (a == banned[0] && b == banned[1]) return Malformed(raw, c);
  }
  for (size_t i = 2; i < 8; ++i) {
    if (!IsDigit(p[i])) return Malformed(raw, c);
  }
  if (c.size == 9 && (p[8] < 'A' || p[8] > 'D')) return Malformed(raw, c);
  return Identifier{std::string(p, c.size), IdStatus::kValid};
}

char NormaliseSex(std::string_view raw) {
  size_t begin = 0;
  size_t end = raw.size();
  while (begin < end && IsSpace(raw[begin])) ++begin;
  while (end > begin && IsSpace(raw[end - 1])) --end;
  if (begin == end) return 0;
  // Only the male and female spellings need matching: every other value,
  // including UNKNOWN / X / OTHER / NOT KNOWN / NOT STATED, gives 'U'.
  constexpr size_t kLongest = 6;  // "FEMALE"
  if (end - begin > kLongest) return 'U';
  char buf[kLongest];
  const size_t n = end - begin;
  for (size_t i = 0; i < n; ++i) buf[i] = ToUpper(raw[begin + i]);
  const std::string_view value(buf, n);
  if (value == "M" || value == "MALE" || value == "MAN" || value == "BOY" || value == "1") {
    return 'M';
  }
  if (value == "F" || value == "FEMALE" || value == "WOMAN" || value == "GIRL" || value == "2") {
    return 'F';
  }
  return 'U';
}

}  // namespace probity
