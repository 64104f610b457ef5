#include <gtest/gtest.h>

#include "engine/record.h"
#include "engine/record_builder.h"

namespace probity {
namespace {

Record FullRecord() {
  Record r;
  r.forenames = {MakeNameValue("William"), MakeNameValue("Bill")};
  r.middle_names = {MakeNameValue("John Paul")};
  r.surnames = {MakeNameValue("Smith-Jones")};
  r.full_names = {MakeNameValue("Mr William Smith")};
  r.dobs = {ToDayNumber({1990, 8, 7}), ToDayNumber({1960, 1, 1}), -5000};
  r.sex = 'M';
  r.postcodes = {NormalisePostcode("cr3 6gy"), NormalisePostcode("nonsense")};
  r.address = "1 HIGH STREET";
  r.pncs = {NormalisePnc("2000/1234567V", 2026)};
  r.cros = {NormaliseCro("123456/00Q")};
  r.ninos = {NormaliseNino("AB123456C")};
  r.custom = {CustomValue{0, "WHITE BRITISH", 0}, CustomValue{1, "", 12345}};
  return r;
}

TEST(RecordCodecTest, RoundTripsEveryField) {
  const Record original = FullRecord();
  Record decoded;
  ASSERT_TRUE(DecodeRecord(EncodeRecord(original), &decoded).ok());
  EXPECT_EQ(decoded, original);
  EXPECT_EQ(decoded.surnames[0].text, "SMITH JONES");
}

// Clear empties every field a full record has (FullRecord sets them all,
// source and id too), so a reused record carries nothing over.
TEST(RecordCodecTest, ClearLeavesADefaultRecord) {
  Record r = FullRecord();
  r.source = "probation";
  r.id = "X123456";
  ASSERT_NE(r, Record());
  r.Clear();
  EXPECT_EQ(r, Record());
}

TEST(RecordCodecTest, RoundTripsAnEmptyRecord) {
  Record decoded = FullRecord();
  ASSERT_TRUE(DecodeRecord(EncodeRecord(Record()), &decoded).ok());
  EXPECT_EQ(decoded, Record());
}

TEST(RecordCodecTest, NeverMistakesATruncationForTheRecord) {
  // A cut inside a field is an error; a cut between fields decodes to fewer
  // fields (the store's own checksums guard against that), never to the original.
  const Record original = FullRecord();
  const std::string encoded = EncodeRecord(original);
  int errors = 0;
  for (size_t n = 0; n < encoded.size(); ++n) {
    Record decoded;
    const bool ok = DecodeRecord(std::string_view(encoded).substr(0, n), &decoded).ok();
    errors += ok ? 0 : 1;
    if (ok) {
      EXPECT_NE(decoded, original) << n;
    }
  }
  EXPECT_GT(errors, static_cast<int>(encoded.size()) * 3 / 4);
}

TEST(RecordCodecTest, RejectsCorruptBytesWithoutCrashing) {
  const std::string encoded = EncodeRecord(FullRecord());
  int failures = 0;
  for (size_t i = 0; i < encoded.size(); ++i) {
    std::string corrupt = encoded;
    corrupt[i] = static_cast<char>(0xff);
    Record decoded;
    failures += DecodeRecord(corrupt, &decoded).ok() ? 0 : 1;
  }
  EXPECT_GT(failures, 0);
  Record decoded;
  EXPECT_FALSE(DecodeRecord("\x02", &decoded).ok());  // unknown version
}

}  // namespace
}  // namespace probity
