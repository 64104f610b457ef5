#include "engine/date.h"

#include <ctime>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace probity {
namespace {

// Parses `text` and returns the ISO form, or a marker naming the failure.
std::string Parse(std::string_view text, DateFormat format) {
  DayNumber day = 123456;
  switch (ParseDate(text, format, &day)) {
    case DateParseResult::kOk:
      return FormatIsoDate(day);
    case DateParseResult::kEmpty:
      EXPECT_EQ(day, 123456) << "out written on failure";
      return "<empty>";
    case DateParseResult::kMalformed:
      EXPECT_EQ(day, 123456) << "out written on failure";
      return "<malformed>";
    case DateParseResult::kImpossible:
      EXPECT_EQ(day, 123456) << "out written on failure";
      return "<impossible>";
  }
  return "<bad result>";
}

TEST(DayNumberTest, KnownValues) {
  EXPECT_EQ(ToDayNumber({1970, 1, 1}), 0);
  EXPECT_EQ(ToDayNumber({1969, 12, 31}), -1);
  EXPECT_EQ(ToDayNumber({2000, 3, 1}), 11017);
  EXPECT_EQ(ToDayNumber({2000, 2, 29}), 11016);
  EXPECT_EQ(ToDayNumber({1990, 8, 7}), 7523);
  EXPECT_EQ(ToDayNumber({1900, 1, 1}), -25567);
  EXPECT_EQ(ToDayNumber({1800, 1, 1}), -62091);
  EXPECT_EQ(ToDayNumber({2200, 12, 31}), 84370);
  EXPECT_EQ(FormatIsoDate(0), "1970-01-01");
  EXPECT_EQ(FormatIsoDate(-1), "1969-12-31");
  EXPECT_EQ(FormatIsoDate(11017), "2000-03-01");
  EXPECT_EQ(FormatIsoDate(7523), "1990-08-07");
  const CivilDate date = FromDayNumber(11016);
  EXPECT_EQ(date.year, 2000);
  EXPECT_EQ(date.month, 2);
  EXPECT_EQ(date.day, 29);
}

TEST(DayNumberTest, RoundTripsEveryDayFrom1800To2200) {
  const DayNumber first = ToDayNumber({1800, 1, 1});
  const DayNumber last = ToDayNumber({2200, 12, 31});
  CivilDate expected{1800, 1, 1};
  for (DayNumber day = first; day <= last; ++day) {
    const CivilDate date = FromDayNumber(day);
    // Consecutive day numbers are consecutive calendar days.
    ASSERT_EQ(date.year, expected.year) << day;
    ASSERT_EQ(date.month, expected.month) << day;
    ASSERT_EQ(date.day, expected.day) << day;
    ASSERT_TRUE(IsValidCivilDate(date)) << day;
    ASSERT_EQ(ToDayNumber(date), day);
    ++expected.day;
    if (!IsValidCivilDate(expected)) {
      expected.day = 1;
      if (++expected.month > 12) {
        expected.month = 1;
        ++expected.year;
      }
    }
  }
  EXPECT_EQ(expected.year, 2201);
  // 401 years of 365 days plus 97 leap days (101 multiples of 4 less 1800, 1900, 2100, 2200).
  EXPECT_EQ(last - first + 1, 401 * 365 + 97);
}

TEST(DayNumberTest, FormatsYearsOutsideFourDigits) {
  EXPECT_EQ(FormatIsoDate(ToDayNumber({1, 1, 1})), "0001-01-01");
  EXPECT_EQ(FormatIsoDate(ToDayNumber({-1, 3, 1})), "-0001-03-01");
  EXPECT_EQ(FormatIsoDate(ToDayNumber({12345, 6, 7})), "12345-06-07");
}

TEST(CivilDateTest, Validity) {
  EXPECT_TRUE(IsValidCivilDate({2000, 2, 29}));   // divisible by 400
  EXPECT_FALSE(IsValidCivilDate({1900, 2, 29}));  // divisible by 100 only
  EXPECT_TRUE(IsValidCivilDate({1992, 2, 29}));
  EXPECT_FALSE(IsValidCivilDate({1991, 2, 29}));
  EXPECT_FALSE(IsValidCivilDate({1990, 4, 31}));
  EXPECT_TRUE(IsValidCivilDate({1990, 12, 31}));
  EXPECT_FALSE(IsValidCivilDate({1990, 13, 1}));
  EXPECT_FALSE(IsValidCivilDate({1990, 0, 1}));
  EXPECT_FALSE(IsValidCivilDate({1990, 1, 0}));
  EXPECT_FALSE(IsValidCivilDate({1990, 1, 32}));
}

TEST(ParseDateTest, EachFormat) {
  EXPECT_EQ(Parse("1990-08-07", DateFormat::kYYYY_MM_DD), "1990-08-07");
  EXPECT_EQ(Parse("07/08/1990", DateFormat::kDD_MM_YYYY_Slash), "1990-08-07");
  EXPECT_EQ(Parse("07-08-1990", DateFormat::kDD_MM_YYYY_Dash), "1990-08-07");
  EXPECT_EQ(Parse("07.08.1990", DateFormat::kDD_MM_YYYY_Dot), "1990-08-07");
  EXPECT_EQ(Parse("19900807", DateFormat::kYYYYMMDD), "1990-08-07");
  EXPECT_EQ(Parse("1990/08/07", DateFormat::kYYYY_MM_DD_Slash), "1990-08-07");
  EXPECT_EQ(Parse("08/07/1990", DateFormat::kMM_DD_YYYY_Slash), "1990-08-07");
  EXPECT_EQ(Parse("12/31/1990", DateFormat::kMM_DD_YYYY_Slash), "1990-12-31");
  EXPECT_EQ(Parse("31/12/1990", DateFormat::kMM_DD_YYYY_Slash), "<impossible>");
}

TEST(ParseDateTest, OneDigitDayAndMonth) {
  EXPECT_EQ(Parse("7/8/1990", DateFormat::kDD_MM_YYYY_Slash), "1990-08-07");
  EXPECT_EQ(Parse("7-08-1990", DateFormat::kDD_MM_YYYY_Dash), "1990-08-07");
  EXPECT_EQ(Parse("07.8.1990", DateFormat::kDD_MM_YYYY_Dot), "1990-08-07");
  EXPECT_EQ(Parse("1990-8-7", DateFormat::kYYYY_MM_DD), "1990-08-07");
  EXPECT_EQ(Parse("8/7/1990", DateFormat::kMM_DD_YYYY_Slash), "1990-08-07");
  // Three digits is too many; the compact form needs exactly two.
  EXPECT_EQ(Parse("007/08/1990", DateFormat::kDD_MM_YYYY_Slash), "<malformed>");
  EXPECT_EQ(Parse("1990-008-07", DateFormat::kYYYY_MM_DD), "<malformed>");
  EXPECT_EQ(Parse("1990087", DateFormat::kYYYYMMDD), "<malformed>");
}

TEST(ParseDateTest, SpacesAndTimePart) {
  EXPECT_EQ(Parse("  1990-08-07\t ", DateFormat::kYYYY_MM_DD), "1990-08-07");
  EXPECT_EQ(Parse("1990-08-07 00:00:00", DateFormat::kYYYY_MM_DD), "1990-08-07");
  EXPECT_EQ(Parse("1990-08-07T00:00", DateFormat::kYYYY_MM_DD), "1990-08-07");
  EXPECT_EQ(Parse("1990-08-07T23:59:59.999Z", DateFormat::kAuto), "1990-08-07");
  EXPECT_EQ(Parse("07/08/1990 12:30", DateFormat::kDD_MM_YYYY_Slash), "1990-08-07");
  EXPECT_EQ(Parse("19900807T120000", DateFormat::kYYYYMMDD), "1990-08-07");
  // A time part cannot rescue an impossible date.
  EXPECT_EQ(Parse("31/02/1990 00:00", DateFormat::kDD_MM_YYYY_Slash), "<impossible>");
}

TEST(ParseDateTest, Empty) {
  EXPECT_EQ(Parse("", DateFormat::kYYYY_MM_DD), "<empty>");
  EXPECT_EQ(Parse("   ", DateFormat::kAuto), "<empty>");
  EXPECT_EQ(Parse("\t", DateFormat::kDD_MM_YYYY_Slash), "<empty>");
}

TEST(ParseDateTest, LeapYears) {
  EXPECT_EQ(Parse("29/02/2000", DateFormat::kDD_MM_YYYY_Slash), "2000-02-29");
  EXPECT_EQ(Parse("29/02/1992", DateFormat::kDD_MM_YYYY_Slash), "1992-02-29");
  EXPECT_EQ(Parse("29/02/1900", DateFormat::kDD_MM_YYYY_Slash), "<impossible>");
  EXPECT_EQ(Parse("29/02/1991", DateFormat::kDD_MM_YYYY_Slash), "<impossible>");
  EXPECT_EQ(Parse("2100-02-29", DateFormat::kYYYY_MM_DD), "<impossible>");
  EXPECT_EQ(Parse("20000229", DateFormat::kYYYYMMDD), "2000-02-29");
}

TEST(ParseDateTest, ImpossibleDatesAreNeverGuessed) {
  EXPECT_EQ(Parse("31/02/1990", DateFormat::kDD_MM_YYYY_Slash), "<impossible>");
  EXPECT_EQ(Parse("31/04/1990", DateFormat::kDD_MM_YYYY_Slash), "<impossible>");
  EXPECT_EQ(Parse("01/13/1990", DateFormat::kDD_MM_YYYY_Slash), "<impossible>");
  EXPECT_EQ(Parse("00/01/1990", DateFormat::kDD_MM_YYYY_Slash), "<impossible>");
  EXPECT_EQ(Parse("01/00/1990", DateFormat::kDD_MM_YYYY_Slash), "<impossible>");
  EXPECT_EQ(Parse("1990-13-01", DateFormat::kYYYY_MM_DD), "<impossible>");
  EXPECT_EQ(Parse("19900132", DateFormat::kYYYYMMDD), "<impossible>");
  // Day-first data with a US-looking value: 08/13 is not swapped into 13/08.
  EXPECT_EQ(Parse("08/13/1990", DateFormat::kDD_MM_YYYY_Slash), "<impossible>");
  EXPECT_EQ(Parse("08/13/1990", DateFormat::kAuto), "<impossible>");
}

TEST(ParseDateTest, YearRange) {
  EXPECT_EQ(Parse("1800-01-01", DateFormat::kYYYY_MM_DD), "1800-01-01");
  EXPECT_EQ(Parse("2200-12-31", DateFormat::kYYYY_MM_DD), "2200-12-31");
  // Outside 1800..2200 (often sentinels) does not fit the format.
  EXPECT_EQ(Parse("1799-12-31", DateFormat::kYYYY_MM_DD), "<malformed>");
  EXPECT_EQ(Parse("2201-01-01", DateFormat::kYYYY_MM_DD), "<malformed>");
  EXPECT_EQ(Parse("0001-01-01", DateFormat::kAuto), "<malformed>");
  EXPECT_EQ(Parse("31/12/9999", DateFormat::kDD_MM_YYYY_Slash), "<malformed>");
  // Two-digit years are not expanded.
  EXPECT_EQ(Parse("07/08/90", DateFormat::kDD_MM_YYYY_Slash), "<malformed>");
  EXPECT_EQ(Parse("07/08/90", DateFormat::kAuto), "<malformed>");
}

TEST(ParseDateTest, Malformed) {
  EXPECT_EQ(Parse("1990-8", DateFormat::kYYYY_MM_DD), "<malformed>");
  EXPECT_EQ(Parse("1990-08", DateFormat::kAuto), "<malformed>");
  EXPECT_EQ(Parse("abc", DateFormat::kYYYY_MM_DD), "<malformed>");
  EXPECT_EQ(Parse("abc", DateFormat::kAuto), "<malformed>");
  // Trailing characters that are not a time part (space or 'T') are malformed.
  EXPECT_EQ(Parse("1990-08-07x", DateFormat::kYYYY_MM_DD), "<malformed>");
  EXPECT_EQ(Parse("1990-08-07x", DateFormat::kAuto), "<malformed>");
  EXPECT_EQ(Parse("07/08/1990/", DateFormat::kDD_MM_YYYY_Slash), "<malformed>");
  EXPECT_EQ(Parse("07/08/19901", DateFormat::kDD_MM_YYYY_Slash), "<malformed>");
  EXPECT_EQ(Parse("199008071", DateFormat::kYYYYMMDD), "<malformed>");
  EXPECT_EQ(Parse("199008071200", DateFormat::kYYYYMMDD), "<malformed>");
  // Wrong or mixed separators for a declared format.
  EXPECT_EQ(Parse("07-08-1990", DateFormat::kDD_MM_YYYY_Slash), "<malformed>");
  EXPECT_EQ(Parse("07/08-1990", DateFormat::kDD_MM_YYYY_Slash), "<malformed>");
  EXPECT_EQ(Parse("1990/08/07", DateFormat::kYYYY_MM_DD), "<malformed>");
  EXPECT_EQ(Parse("1990-08/07", DateFormat::kAuto), "<malformed>");
  // A declared layout is not re-detected.
  EXPECT_EQ(Parse("1990-08-07", DateFormat::kDD_MM_YYYY_Dash), "<malformed>");
  EXPECT_EQ(Parse("07/08/1990", DateFormat::kYYYY_MM_DD_Slash), "<malformed>");
  EXPECT_EQ(Parse("19900807", DateFormat::kYYYY_MM_DD), "<malformed>");
  EXPECT_EQ(Parse("-1990-08-07", DateFormat::kYYYY_MM_DD), "<malformed>");
  EXPECT_EQ(Parse("+7/8/1990", DateFormat::kDD_MM_YYYY_Slash), "<malformed>");
  EXPECT_EQ(Parse("7//1990", DateFormat::kDD_MM_YYYY_Slash), "<malformed>");
  EXPECT_EQ(Parse("07 08 1990", DateFormat::kAuto), "<malformed>");
}

TEST(ParseDateTest, AutoDetection) {
  EXPECT_EQ(Parse("1990-08-07", DateFormat::kAuto), "1990-08-07");
  EXPECT_EQ(Parse("1990/08/07", DateFormat::kAuto), "1990-08-07");
  EXPECT_EQ(Parse("1990.8.7", DateFormat::kAuto), "1990-08-07");
  EXPECT_EQ(Parse("19900807", DateFormat::kAuto), "1990-08-07");
  // Day first (UK) whatever the separator.
  EXPECT_EQ(Parse("07/08/1990", DateFormat::kAuto), "1990-08-07");
  EXPECT_EQ(Parse("07-08-1990", DateFormat::kAuto), "1990-08-07");
  EXPECT_EQ(Parse("07.08.1990", DateFormat::kAuto), "1990-08-07");
  EXPECT_EQ(Parse("7/8/1990", DateFormat::kAuto), "1990-08-07");
  EXPECT_EQ(Parse("31/12/1990", DateFormat::kAuto), "1990-12-31");
  EXPECT_EQ(Parse("29/02/1991", DateFormat::kAuto), "<impossible>");
  EXPECT_EQ(Parse("19900230", DateFormat::kAuto), "<impossible>");
  EXPECT_EQ(Parse("199/08/07", DateFormat::kAuto), "<malformed>");
  EXPECT_EQ(Parse("1990807", DateFormat::kAuto), "<malformed>");
}

TEST(DateFormatTest, NamesRoundTrip) {
  const DateFormat all[] = {DateFormat::kAuto,
                            DateFormat::kYYYY_MM_DD,
                            DateFormat::kDD_MM_YYYY_Slash,
                            DateFormat::kDD_MM_YYYY_Dash,
                            DateFormat::kDD_MM_YYYY_Dot,
                            DateFormat::kYYYYMMDD,
                            DateFormat::kYYYY_MM_DD_Slash,
                            DateFormat::kMM_DD_YYYY_Slash};
  for (DateFormat format : all) {
    const std::optional<DateFormat> parsed = ParseDateFormat(DateFormatName(format));
    ASSERT_TRUE(parsed.has_value()) << DateFormatName(format);
    EXPECT_EQ(*parsed, format) << DateFormatName(format);
  }
  EXPECT_EQ(DateFormatName(DateFormat::kDD_MM_YYYY_Slash), "DD/MM/YYYY");
  EXPECT_EQ(DateFormatName(DateFormat::kAuto), "auto");
  EXPECT_EQ(ParseDateFormat("YYYY-MM-DD"), DateFormat::kYYYY_MM_DD);
  EXPECT_EQ(ParseDateFormat("MM/DD/YYYY"), DateFormat::kMM_DD_YYYY_Slash);
  EXPECT_EQ(ParseDateFormat("dd.mm.yyyy"), DateFormat::kDD_MM_YYYY_Dot);
  EXPECT_EQ(ParseDateFormat("AUTO"), DateFormat::kAuto);
}

TEST(DateFormatTest, UnknownNames) {
  EXPECT_EQ(ParseDateFormat(""), std::nullopt);
  EXPECT_EQ(ParseDateFormat("DD/MM/YY"), std::nullopt);
  EXPECT_EQ(ParseDateFormat("YYYY-DD-MM"), std::nullopt);
  EXPECT_EQ(ParseDateFormat("iso"), std::nullopt);
  EXPECT_EQ(ParseDateFormat("DD/MM/YYYYX"), std::nullopt);
}

TEST(TodayTest, IsPlausible) {
  const DayNumber today = TodayDayNumber();
  // After 2024-01-01 and before 2100-01-01.
  EXPECT_GT(today, ToDayNumber({2024, 1, 1}));
  EXPECT_LT(today, ToDayNumber({2100, 1, 1}));
  const std::time_t now = std::time(nullptr);
  EXPECT_NEAR(today, static_cast<double>(now / 86400), 1.0);
}

}  // namespace
}  // namespace probity
