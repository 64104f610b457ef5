#include "engine/postcode.h"

#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace probity {
namespace {

struct ValidCase {
  const char* raw;
  const char* canonical;
  const char* area;
  const char* district;
  const char* sector;
};

TEST(PostcodeTest, ValidPostcodesAndTheirParts) {
  const ValidCase cases[] = {
      {"sw1a1aa", "SW1A 1AA", "SW", "SW1A", "SW1A 1"},      // AA9A
      {" SW1A  1AA ", "SW1A 1AA", "SW", "SW1A", "SW1A 1"},
      {"cr3 6gy", "CR3 6GY", "CR", "CR3", "CR3 6"},         // AA9
      {"M1 1AE", "M1 1AE", "M", "M1", "M1 1"},              // A9
      {"B33 8TH", "B33 8TH", "B", "B33", "B33 8"},          // A99
      {"EC1A 1BB", "EC1A 1BB", "EC", "EC1A", "EC1A 1"},     // AA9A
      {"W1A 0AX", "W1A 0AX", "W", "W1A", "W1A 0"},          // A9A
      {"DN55 1PT", "DN55 1PT", "DN", "DN55", "DN55 1"},     // AA99
      {"GIR0AA", "GIR 0AA", "GIR", "GIR", "GIR 0"},         // the Girobank special case
      {"gir 0aa", "GIR 0AA", "GIR", "GIR", "GIR 0"},
      {"\tn1c\r\n4ag", "N1C 4AG", "N", "N1C", "N1C 4"},
      {"SW1A\xC2\xA0" "1AA", "SW1A 1AA", "SW", "SW1A", "SW1A 1"},  // no-break space
  };
  for (const ValidCase& c : cases) {
    const Postcode postcode = NormalisePostcode(c.raw);
    EXPECT_TRUE(postcode.valid) << c.raw;
    EXPECT_EQ(postcode.canonical, c.canonical) << c.raw;
    EXPECT_EQ(PostcodeArea(postcode.canonical), c.area) << c.raw;
    EXPECT_EQ(PostcodeDistrict(postcode.canonical), c.district) << c.raw;
    EXPECT_EQ(PostcodeSector(postcode.canonical), c.sector) << c.raw;
  }
}

TEST(PostcodeTest, InvalidPostcodesKeepABestEffortForm) {
  const std::pair<const char*, const char*> cases[] = {
      {"SW1A", "SW1A"},              // outward only
      {"12345", "12345"},
      {"ABC 123", "ABC123"},
      {"SW1A 1CA", "SW1A1CA"},       // C never appears in an inward code
      {"sw1a 1ai", "SW1A1AI"},       // nor I
      {"M1 1KE", "M11KE"},           // nor K
      {"M1 1AM", "M11AM"},           // nor M
      {"M1 1OA", "M11OA"},           // nor O
      {"M1 1AV", "M11AV"},           // nor V
      {"M1 AAE", "M1AAE"},           // inward must start with a digit
      {"1M 1AE", "1M1AE"},           // outward must start with a letter
      {"ABC1 1AA", "ABC11AA"},       // three letters
      {"SW1AB 1AA", "SW1AB1AA"},     // outward too long
      {"S1AA 1AA", "S1AA1AA"},       // A9AA is no pattern
      {"SW 1AA", "SW1AA"},           // no district digit
      {"GIR 0AB", "GIR0AB"},
      {"SW1A-1AA", "SW1A-1AA"},
      {"  not a postcode at all ", "NOTAPOSTCODEATALL"},
  };
  for (const auto& [raw, canonical] : cases) {
    const Postcode postcode = NormalisePostcode(raw);
    EXPECT_FALSE(postcode.valid) << raw;
    EXPECT_EQ(postcode.canonical, canonical) << raw;
    EXPECT_EQ(PostcodeArea(postcode.canonical), "") << raw;
    EXPECT_EQ(PostcodeDistrict(postcode.canonical), "") << raw;
    EXPECT_EQ(PostcodeSector(postcode.canonical), "") << raw;
  }
}

TEST(PostcodeTest, Empty) {
  for (const char* raw : {"", "   ", "\t\n"}) {
    const Postcode postcode = NormalisePostcode(raw);
    EXPECT_FALSE(postcode.valid);
    EXPECT_EQ(postcode.canonical, "");
  }
  EXPECT_EQ(PostcodeArea(""), "");
  EXPECT_EQ(PostcodeDistrict(""), "");
  EXPECT_EQ(PostcodeSector(""), "");
}

TEST(PostcodeTest, PartsNeedTheCanonicalForm) {
  // The part functions take canonical strings; raw spellings are not parsed.
  EXPECT_EQ(PostcodeArea("sw1a 1aa"), "");
  EXPECT_EQ(PostcodeDistrict("SW1A1AA"), "");
  EXPECT_EQ(PostcodeSector("SW1A  1AA"), "");
  EXPECT_EQ(PostcodeSector(" SW1A 1AA"), "");
  EXPECT_EQ(PostcodeDistrict("SW1A 1AA"), "SW1A");
}

TEST(PostcodeTest, CanonicalFormIsStable) {
  for (const char* raw : {"sw1a1aa", "cr3 6gy", "M1 1AE", "GIR0AA", "DN55 1PT"}) {
    const Postcode once = NormalisePostcode(raw);
    const Postcode twice = NormalisePostcode(once.canonical);
    EXPECT_TRUE(twice.valid) << raw;
    EXPECT_EQ(twice.canonical, once.canonical) << raw;
  }
}

}  // namespace
}  // namespace probity
