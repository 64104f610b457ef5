#include "engine/date.h"

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace probity {

namespace {

constexpr int kMinYear = 1800;
constexpr int kMaxYear = 2200;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

char ToUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string_view Trim(std::string_view s) {
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && IsSpace(s[begin])) ++begin;
  while (end > begin && IsSpace(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

bool IsLeapYear(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Reads between min_digits and max_digits decimal digits at s[*pos]. Stops at
// the first non-digit or after max_digits (a further digit is then left for the
// caller's next check to reject).
bool ReadNumber(std::string_view s, size_t* pos, int min_digits, int max_digits, int* value) {
  int digits = 0;
  int v = 0;
  size_t p = *pos;
  while (p < s.size() && digits < max_digits && IsDigit(s[p])) {
    v = v * 10 + (s[p] - '0');
    ++p;
    ++digits;
  }
  if (digits < min_digits) return false;
  *pos = p;
  *value = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

// The date ends at `pos`: either the end of the text or the start of a time
// part (a space or 'T' followed by anything), which is ignored.
bool AtEndOrTime(std::string_view s, size_t pos) {
  if (pos == s.size()) return true;
  const char c = s[pos];
  return c == ' ' || c == '\t' || c == 'T' || c == 't';
}

DateParseResult Finish(int year, int month, int day, DayNumber* out) {
  // A year outside the supported range does not fit the format (and sentinel
  // values such as 0001-01-01 or 9999-12-31 land here), so it is malformed.
  if (year < kMinYear || year > kMaxYear) return DateParseResult::kMalformed;
  const CivilDate date{year, month, day};
  if (!IsValidCivilDate(date)) return DateParseResult::kImpossible;
  *out = ToDayNumber(date);
  return DateParseResult::kOk;
}

enum class Order { kYmd, kDmy, kMdy };

DateParseResult ParseSeparated(std::string_view s, Order order, char sep, DayNumber* out) {
  size_t pos = 0;
  int a = 0, b = 0, c = 0;
  if (order == Order::kYmd) {
    if (!ReadNumber(s, &pos, 4, 4, &a) || !Expect(s, &pos, sep) ||
        !ReadNumber(s, &pos, 1, 2, &b) || !Expect(s, &pos, sep) ||
        !ReadNumber(s, &pos, 1, 2, &c)) {
      return DateParseResult::kMalformed;
    }
  } else {
    if (!ReadNumber(s, &pos, 1, 2, &a) || !Expect(s, &pos, sep) ||
        !ReadNumber(s, &pos, 1, 2, &b) || !Expect(s, &pos, sep) ||
        !ReadNumber(s, &pos, 4, 4, &c)) {
      return DateParseResult::kMalformed;
    }
  }
  if (!AtEndOrTime(s, pos)) return DateParseResult::kMalformed;
  switch (order) {
    case Order::kYmd:
      return Finish(a, b, c, out);
    case Order::kDmy:
      return Finish(c, b, a, out);
    case Order::kMdy:
      return Finish(c, a, b, out);
  }
  return DateParseResult::kMalformed;
}

DateParseResult ParseCompact(std::string_view s, DayNumber* out) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!ReadNumber(s, &pos, 4, 4, &year) || !ReadNumber(s, &pos, 2, 2, &month) ||
      !ReadNumber(s, &pos, 2, 2, &day) || !AtEndOrTime(s, pos)) {
    return DateParseResult::kMalformed;
  }
  return Finish(year, month, day, out);
}

bool IsDateSeparator(char c) { return c == '-' || c == '/' || c == '.'; }

// Detects the layout from the shape of the value: YYYY?MM?DD, YYYYMMDD or
// D?M?YYYY (day first: UK data).
DateParseResult ParseAuto(std::string_view s, DayNumber* out) {
  size_t digits = 0;
  while (digits < s.size() && digits < 9 && IsDigit(s[digits])) ++digits;
  if (digits == 8) return ParseCompact(s, out);
  if (digits >= s.size() || !IsDateSeparator(s[digits])) return DateParseResult::kMalformed;
  if (digits == 4) return ParseSeparated(s, Order::kYmd, s[digits], out);
  if (digits == 1 || digits == 2) return ParseSeparated(s, Order::kDmy, s[digits], out);
  return DateParseResult::kMalformed;
}

struct FormatEntry {
  DateFormat format;
  std::string_view name;
};

constexpr FormatEntry kFormats[] = {
    {DateFormat::kAuto, "auto"},
    {DateFormat::kYYYY_MM_DD, "YYYY-MM-DD"},
    {DateFormat::kDD_MM_YYYY_Slash, "DD/MM/YYYY"},
    {DateFormat::kDD_MM_YYYY_Dash, "DD-MM-YYYY"},
    {DateFormat::kDD_MM_YYYY_Dot, "DD.MM.YYYY"},
    {DateFormat::kYYYYMMDD, "YYYYMMDD"},
    {DateFormat::kYYYY_MM_DD_Slash, "YYYY/MM/DD"},
    {DateFormat::kMM_DD_YYYY_Slash, "MM/DD/YYYY"},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToUpper(a[i]) != ToUpper(b[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<DateFormat> ParseDateFormat(std::string_view name) {
  name = Trim(name);
  for (const FormatEntry& entry : kFormats) {
    if (EqualsIgnoreCase(name, entry.name)) return entry.format;
  }
  return std::nullopt;
}

std::string_view DateFormatName(DateFormat format) {
  for (const FormatEntry& entry : kFormats) {
    if (entry.format == format) return entry.name;
  }
  return "unknown";
}

DateParseResult ParseDate(std::string_view text, DateFormat format, DayNumber* out) {
  const std::string_view s = Trim(text);
  if (s.empty()) return DateParseResult::kEmpty;
  switch (format) {
    case DateFormat::kAuto:
      return ParseAuto(s, out);
    case DateFormat::kYYYY_MM_DD:
      return ParseSeparated(s, Order::kYmd, '-', out);
    case DateFormat::kDD_MM_YYYY_Slash:
      return ParseSeparated(s, Order::kDmy, '/', out);
    case DateFormat::kDD_MM_YYYY_Dash:
      return ParseSeparated(s, Order::kDmy, '-', out);
    case DateFormat::kDD_MM_YYYY_Dot:
      return ParseSeparated(s, Order::kDmy, '.', out);
    case DateFormat::kYYYYMMDD:
      return ParseCompact(s, out);
    case DateFormat::kYYYY_MM_DD_Slash:
      return ParseSeparated(s, Order::kYmd, '/', out);
    case DateFormat::kMM_DD_YYYY_Slash:
      return ParseSeparated(s, Order::kMdy, '/', out);
  }
  return DateParseResult::kMalformed;
}

bool IsValidCivilDate(const CivilDate& date) {
  if (date.month < 1 || date.month > 12) return false;
  return date.day >= 1 && date.day <= DaysInMonth(date.year, date.month);
}

// Howard Hinnant's days_from_civil: counts in 400-year eras of 146097 days,
// with years starting on 1 March so the leap day is the last day of the year.
DayNumber ToDayNumber(const CivilDate& date) {
  const int64_t y = static_cast<int64_t>(date.year) - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                           // [0, 399]
  const int64_t mp = date.month > 2 ? date.month - 3 : date.month + 9;         // [0, 11]
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;                       // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                   // [0, 146096]
  return static_cast<DayNumber>(era * 146097 + doe - 719468);  // 719468: 0000-03-01 to 1970-01-01
}

// Howard Hinnant's civil_from_days, the inverse of the above.
CivilDate FromDayNumber(DayNumber day) {
  const int64_t z = static_cast<int64_t>(day) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                        // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;   // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                 // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                      // [0, 11]
  CivilDate date;
  date.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  date.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  date.year = static_cast<int>(yoe + era * 400 + (date.month <= 2 ? 1 : 0));
  return date;
}

std::string FormatIsoDate(DayNumber day) {
  const CivilDate date = FromDayNumber(day);
  char buf[24];
  size_t n = 0;
  int64_t year = date.year;
  if (year < 0) {
    buf[n++] = '-';
    year = -year;
  }
  char digits[12];
  size_t num_digits = 0;
  do {
    digits[num_digits++] = static_cast<char>('0' + year % 10);
    year /= 10;
  } while (year > 0);
  for (size_t i = num_digits; i < 4; ++i) buf[n++] = '0';
  while (num_digits > 0) buf[n++] = digits[--num_digits];
  buf[n++] = '-';
  buf[n++] = static_cast<char>('0' + date.month / 10);
  buf[n++] = static_cast<char>('0' + date.month % 10);
  buf[n++] = '-';
  buf[n++] = static_cast<char>('0' + date.day / 10);
  buf[n++] = static_cast<char>('0' + date.day % 10);
  return std::string(buf, n);
}

DayNumber TodayDayNumber() {
  const auto now = std::chrono::system_clock::now();
  const auto days = std::chrono::floor<std::chrono::days>(now.time_since_epoch());
  return static_cast<DayNumber>(days.count());
}

}  // namespace probity
