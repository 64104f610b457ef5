// Fuzzes ParseDate in every format and auto, ParseDateFormat, and the day
// number conversions.
#include <cstring>
#include <string>
#include <string_view>

#include "engine/date.h"
#include "fuzz/harnesses.h"

namespace probity::fuzz {
namespace date_fuzz {

constexpr DateFormat kAllFormats[] = {
    DateFormat::kAuto,           DateFormat::kYYYY_MM_DD,       DateFormat::kDD_MM_YYYY_Slash,
    DateFormat::kDD_MM_YYYY_Dash, DateFormat::kDD_MM_YYYY_Dot,  DateFormat::kYYYYMMDD,
    DateFormat::kYYYY_MM_DD_Slash, DateFormat::kMM_DD_YYYY_Slash,
};

void CheckDay(DayNumber day) {
  const CivilDate date = FromDayNumber(day);
  PROBITY_FUZZ_CHECK(IsValidCivilDate(date));
  PROBITY_FUZZ_CHECK(ToDayNumber(date) == day);
}

}  // namespace date_fuzz

int DateOneInput(const uint8_t* data, size_t size) {
  using namespace date_fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  DayNumber auto_day = 0;
  const DateParseResult auto_result = ParseDate(text, DateFormat::kAuto, &auto_day);
  for (DateFormat format : kAllFormats) {
    constexpr DayNumber kUnset = -123456789;
    DayNumber day = kUnset;
    const DateParseResult result = ParseDate(text, format, &day);
    if (result != DateParseResult::kOk) {
      PROBITY_FUZZ_CHECK(day == kUnset);  // written only on success
      PROBITY_FUZZ_CHECK((result == DateParseResult::kEmpty) ==
                         (auto_result == DateParseResult::kEmpty));
      continue;
    }
    const CivilDate date = FromDayNumber(day);
    PROBITY_FUZZ_CHECK(date.year >= 1800 && date.year <= 2200);
    CheckDay(day);
    // The ISO spelling reads back as the same day, explicitly and in auto.
    const std::string iso = FormatIsoDate(day);
    DayNumber again = 0;
    PROBITY_FUZZ_CHECK(ParseDate(iso, DateFormat::kYYYY_MM_DD, &again) == DateParseResult::kOk &&
                       again == day);
    PROBITY_FUZZ_CHECK(ParseDate(iso, DateFormat::kAuto, &again) == DateParseResult::kOk &&
                       again == day);
    // Auto reads every layout but the US one the same way.
    if (format != DateFormat::kMM_DD_YYYY_Slash) {
      PROBITY_FUZZ_CHECK(auto_result == DateParseResult::kOk && auto_day == day);
    }
  }

  // Format names: the input itself, and every name round trip.
  if (std::optional<DateFormat> f = ParseDateFormat(text)) {
    PROBITY_FUZZ_CHECK(ParseDateFormat(DateFormatName(*f)) == f);
  }
  for (DateFormat format : kAllFormats) {
    PROBITY_FUZZ_CHECK(ParseDateFormat(DateFormatName(format)) == format);
  }

  // Day numbers: any 32-bit value converts to a valid date and back.
  if (size >= 4) {
    DayNumber day = 0;
    std::memcpy(&day, data, sizeof(day));
    CheckDay(day);
    (void)FormatIsoDate(day);
  }
  return 0;
}

}  // namespace probity::fuzz

#ifdef PROBITY_FUZZ_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return probity::fuzz::DateOneInput(data, size);
}
#endif
