#include "engine/identifiers.h"

#include <string>

#include <gtest/gtest.h>

namespace probity {
namespace {

constexpr int kYear = 2026;

void ExpectId(const Identifier& id, const std::string& canonical, IdStatus status,
              const std::string& raw) {
  EXPECT_EQ(id.canonical, canonical) << raw;
  EXPECT_EQ(static_cast<int>(id.status), static_cast<int>(status)) << raw;
}

void ExpectPnc(const std::string& raw, const std::string& canonical, IdStatus status) {
  ExpectId(NormalisePnc(raw, kYear), canonical, status, raw);
}

void ExpectCro(const std::string& raw, const std::string& canonical, IdStatus status) {
  ExpectId(NormaliseCro(raw), canonical, status, raw);
}

void ExpectNino(const std::string& raw, const std::string& canonical, IdStatus status) {
  ExpectId(NormaliseNino(raw), canonical, status, raw);
}

TEST(CheckLetterTest, Alphabet) {
  EXPECT_EQ(CheckLetter(0), 'Z');
  EXPECT_EQ(CheckLetter(1), 'A');
  EXPECT_EQ(CheckLetter(8), 'H');
  EXPECT_EQ(CheckLetter(9), 'J');    // I is skipped
  EXPECT_EQ(CheckLetter(14), 'P');   // O is skipped
  EXPECT_EQ(CheckLetter(17), 'T');   // S is skipped
  EXPECT_EQ(CheckLetter(22), 'Y');
  EXPECT_EQ(CheckLetter(23), 'Z');
  EXPECT_EQ(CheckLetter(1234567), 'V');  // 1234567 = 23 * 53676 + 19
  EXPECT_EQ(CheckLetter(123456), 'Q');   // 123456 = 23 * 5367 + 15
  EXPECT_EQ(CheckLetter(18446744073709551615ULL), CheckLetter(18446744073709551615ULL % 23));
}

TEST(PncTest, ValidAndBadCheckLetters) {
  ExpectPnc("2000/1234567V", "2000/1234567V", IdStatus::kValid);
  ExpectPnc("2000/1234567W", "2000/1234567W", IdStatus::kBadCheck);
  ExpectPnc("2000/1234567I", "2000/1234567I", IdStatus::kBadCheck);
  // 99 * 10^7 + 12345 = 990012345 = 23 * 43044015: remainder 0 -> Z.
  ExpectPnc("1999/0012345Z", "1999/0012345Z", IdStatus::kValid);
  ExpectPnc("1999/0012345A", "1999/0012345A", IdStatus::kBadCheck);
  // A transposed serial is caught by the check letter.
  ExpectPnc("2000/1234576V", "2000/1234576V", IdStatus::kBadCheck);
  // The century does not enter the check number: 1900 and 2000 share it.
  ExpectPnc("1900/1234567V", "1900/1234567V", IdStatus::kValid);
}

TEST(PncTest, AcceptedSpellings) {
  ExpectPnc("2000/1234567v", "2000/1234567V", IdStatus::kValid);
  ExpectPnc(" 2000 / 1234567 V ", "2000/1234567V", IdStatus::kValid);
  ExpectPnc("20001234567V", "2000/1234567V", IdStatus::kValid);
  ExpectPnc("001234567V", "2000/1234567V", IdStatus::kValid);
  ExpectPnc("00/1234567V", "2000/1234567V", IdStatus::kValid);
  // Short serial, padded to 7 digits: 123 = 23 * 5 + 8 -> H.
  ExpectPnc("2000/123H", "2000/0000123H", IdStatus::kValid);
  ExpectPnc("2000/123V", "2000/0000123V", IdStatus::kBadCheck);
  ExpectPnc("00/123h", "2000/0000123H", IdStatus::kValid);
}

TEST(PncTest, TwoDigitYearPivot) {
  // With current year 2026: 27..99 are the 1900s, 00..26 the 2000s.
  ExpectPnc("27/1234567F", "1927/1234567F", IdStatus::kValid);
  ExpectPnc("26/1234567Q", "2026/1234567Q", IdStatus::kValid);
  ExpectPnc("271234567F", "1927/1234567F", IdStatus::kValid);
  ExpectPnc("85/45678T", "1985/0045678T", IdStatus::kValid);
  EXPECT_EQ(NormalisePnc("27/1234567F", 2030).canonical, "2027/1234567F");
  EXPECT_EQ(NormalisePnc("99/0012345Z", 2099).canonical, "2099/0012345Z");
  EXPECT_EQ(NormalisePnc("00/1234567V", 2099).canonical, "2000/1234567V");
}

TEST(PncTest, Malformed) {
  ExpectPnc("2000/1234567", "2000/1234567", IdStatus::kMalformed);     // no check letter
  ExpectPnc("2000/12A4567V", "2000/12A4567V", IdStatus::kMalformed);   // letter in serial
  ExpectPnc("2000/12345678V", "2000/12345678V", IdStatus::kMalformed); // serial > 7 digits
  ExpectPnc("200/1234567V", "200/1234567V", IdStatus::kMalformed);     // 3-digit year
  ExpectPnc("2/1234567V", "2/1234567V", IdStatus::kMalformed);
  ExpectPnc("20000/1234567V", "20000/1234567V", IdStatus::kMalformed);
  ExpectPnc("/1234567V", "/1234567V", IdStatus::kMalformed);
  ExpectPnc("2000/V", "2000/V", IdStatus::kMalformed);                 // no serial
  ExpectPnc("2000//1234567V", "2000//1234567V", IdStatus::kMalformed);
  ExpectPnc("2000123V", "2000123V", IdStatus::kMalformed);  // slashless needs 7 serial digits
  ExpectPnc("2000/1234567VV", "2000/1234567VV", IdStatus::kMalformed);
  ExpectPnc("2000-1234567V", "2000-1234567V", IdStatus::kMalformed);
  ExpectPnc("not a pnc", "NOTAPNC", IdStatus::kMalformed);
  ExpectPnc("x", "X", IdStatus::kMalformed);
  ExpectPnc("2000/1234567V and a great deal more text", "2000/1234567VANDAGREATDEALMORETEXT",
            IdStatus::kMalformed);
}

TEST(PncTest, Missing) {
  ExpectPnc("", "", IdStatus::kMissing);
  ExpectPnc("   ", "", IdStatus::kMissing);
  ExpectPnc("\t", "", IdStatus::kMissing);
}

TEST(CroTest, NumericForm) {
  ExpectCro("123456/00Q", "123456/00Q", IdStatus::kValid);
  ExpectCro("123456/00R", "123456/00R", IdStatus::kBadCheck);
  ExpectCro("123456/00q", "123456/00Q", IdStatus::kValid);
  ExpectCro(" 123456 / 00 Q", "123456/00Q", IdStatus::kValid);
  // Serial padded to 6: 95 * 10^6 + 123 = 95000123 -> C.
  ExpectCro("123/95C", "000123/95C", IdStatus::kValid);
  ExpectCro("654321/78B", "654321/78B", IdStatus::kValid);
}

TEST(CroTest, FingerprintForm) {
  // 95 * 10^6 + 123456 = 95123456 -> K.
  ExpectCro("SF95/123456K", "SF95/123456K", IdStatus::kValid);
  ExpectCro("sf95/123456k", "SF95/123456K", IdStatus::kValid);
  ExpectCro("SF95/123456A", "SF95/123456A", IdStatus::kBadCheck);
  ExpectCro("SF 05 / 42C", "SF05/000042C", IdStatus::kValid);
}

TEST(CroTest, MalformedAndMissing) {
  ExpectCro("", "", IdStatus::kMissing);
  ExpectCro("  ", "", IdStatus::kMissing);
  ExpectCro("123456/00", "123456/00", IdStatus::kMalformed);       // no letter
  ExpectCro("1234567/00Q", "1234567/00Q", IdStatus::kMalformed);   // serial > 6 digits
  ExpectCro("123456/2000Q", "123456/2000Q", IdStatus::kMalformed); // year not 2 digits
  ExpectCro("123456/0Q", "123456/0Q", IdStatus::kMalformed);
  ExpectCro("12345600Q", "12345600Q", IdStatus::kMalformed);       // no slash
  ExpectCro("/00Q", "/00Q", IdStatus::kMalformed);
  ExpectCro("SF95/1234567K", "SF95/1234567K", IdStatus::kMalformed);
  ExpectCro("SF951/23456K", "SF951/23456K", IdStatus::kMalformed);
  ExpectCro("SF5/123456K", "SF5/123456K", IdStatus::kMalformed);
  ExpectCro("SF95/K", "SF95/K", IdStatus::kMalformed);
  ExpectCro("XX95/123456K", "XX95/123456K", IdStatus::kMalformed);
  ExpectCro("12A456/00Q", "12A456/00Q", IdStatus::kMalformed);
}

TEST(NinoTest, Valid) {
  ExpectNino("AB123456C", "AB123456C", IdStatus::kValid);
  ExpectNino("AB 12 34 56 C", "AB123456C", IdStatus::kValid);
  ExpectNino("ab123456c", "AB123456C", IdStatus::kValid);
  ExpectNino("AB123456", "AB123456", IdStatus::kValid);  // suffix optional
  ExpectNino("AB123456D", "AB123456D", IdStatus::kValid);
  ExpectNino("OA123456A", "OA123456A", IdStatus::kValid);  // O may come first
  ExpectNino("ZY123456A", "ZY123456A", IdStatus::kValid);
}

TEST(NinoTest, InvalidPrefixes) {
  for (const char* prefix : {"DA", "FA", "IA", "QA", "UA", "VA",             // first letter
                             "AD", "AF", "AI", "AO", "AQ", "AU", "AV",       // second letter
                             "BG", "GB", "KN", "NK", "NT", "TN", "ZZ",       // excluded pairs
                             "A1", "1A", "A-"}) {
    const std::string raw = std::string(prefix) + "123456C";
    ExpectNino(raw, raw, IdStatus::kMalformed);
  }
}

TEST(NinoTest, MalformedAndMissing) {
  ExpectNino("", "", IdStatus::kMissing);
  ExpectNino(" ", "", IdStatus::kMissing);
  ExpectNino("AB123456E", "AB123456E", IdStatus::kMalformed);  // suffix A-D only
  ExpectNino("AB12345C", "AB12345C", IdStatus::kMalformed);
  ExpectNino("AB1234567C", "AB1234567C", IdStatus::kMalformed);
  ExpectNino("AB12345XC", "AB12345XC", IdStatus::kMalformed);
  ExpectNino("AB123456CC", "AB123456CC", IdStatus::kMalformed);
  ExpectNino("ab 123 456 e", "AB123456E", IdStatus::kMalformed);
}

TEST(SexTest, Spellings) {
  for (const char* raw : {"M", "m", "Male", "MALE", " male ", "man", "Boy", "1"}) {
    EXPECT_EQ(NormaliseSex(raw), 'M') << raw;
  }
  for (const char* raw : {"F", "f", "Female", "FEMALE", "\tfemale", "woman", "GIRL", "2"}) {
    EXPECT_EQ(NormaliseSex(raw), 'F') << raw;
  }
  for (const char* raw : {"U", "u", "Unknown", "X", "other", "Not Known", "NOT STATED", "0", "9",
                          "?", "males", "M F", "femal", "indeterminate"}) {
    EXPECT_EQ(NormaliseSex(raw), 'U') << raw;
  }
  for (const char* raw : {"", " ", "\t\r\n"}) {
    EXPECT_EQ(NormaliseSex(raw), 0) << "blank";
  }
}

}  // namespace
}  // namespace probity
