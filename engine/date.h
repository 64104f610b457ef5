// Calendar dates as day numbers, and parsing them in the formats users declare.
#ifndef PROBITY_ENGINE_DATE_H_
#define PROBITY_ENGINE_DATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace probity {

// Days since 1970-01-01 in the proleptic Gregorian calendar (negative before).
using DayNumber = int32_t;

struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
};

enum class DateFormat {
  kAuto,        // any of the below, detected per value (day-first for UK dates)
  kYYYY_MM_DD,  // 1990-08-07
  kDD_MM_YYYY_Slash,  // 07/08/1990
  kDD_MM_YYYY_Dash,   // 07-08-1990
  kDD_MM_YYYY_Dot,    // 07.08.1990
  kYYYYMMDD,    // 19900807
  kYYYY_MM_DD_Slash,  // 1990/08/07
  kMM_DD_YYYY_Slash,  // 08/07/1990 (US)
};

// Parses a format name as written in settings: "YYYY-MM-DD", "DD/MM/YYYY",
// "DD-MM-YYYY", "DD.MM.YYYY", "YYYYMMDD", "YYYY/MM/DD", "MM/DD/YYYY", "auto".
std::optional<DateFormat> ParseDateFormat(std::string_view name);
std::string_view DateFormatName(DateFormat format);

enum class DateParseResult {
  kOk,
  kEmpty,       // blank value: missing, not an error
  kMalformed,   // does not fit the format
  kImpossible,  // fits the format but no such day (31/02/1990, month 13)
};

// Parses `text` (surrounding spaces ignored). Day and month may have one or two
// digits in the separated formats. A time part after the date ("1990-08-07
// 00:00:00", "1990-08-07T00:00") is accepted and ignored. Years must be 4
// digits in 1800..2200 (a year outside that range is kMalformed). Anything
// else after the date is kMalformed ("1990-08-07x"). Never guesses: an
// impossible date is kImpossible. kAuto reads YYYY?MM?DD (? one of - / .),
// YYYYMMDD, or D?M?YYYY as day first. `*out` is written only on kOk.
DateParseResult ParseDate(std::string_view text, DateFormat format, DayNumber* out);

bool IsValidCivilDate(const CivilDate& date);
DayNumber ToDayNumber(const CivilDate& date);   // date must be valid
CivilDate FromDayNumber(DayNumber day);
std::string FormatIsoDate(DayNumber day);        // "YYYY-MM-DD"
DayNumber TodayDayNumber();                      // in UTC

}  // namespace probity

#endif  // PROBITY_ENGINE_DATE_H_
