#include "engine/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace probity {
namespace {

using ::testing::HasSubstr;

constexpr const char* kDesignSettings = R"({
  "link_type": "link_only",
  "sources": {
    "probation": {
      "id": "crn",
      "fields": {
        "forename": "first_names",
        "surname": "last_name",
        "dob": {"column": "birth_date", "format": "DD/MM/YYYY"},
        "sex": "gender",
        "pnc": "pnc_number",
        "postcode": "postcode"
      }
    },
    "police": {
      "id": "pnc_id",
      "fields": {
        "forename": {"column": "forenames", "separator": ";"},
        "middle_names": "middle_names",
        "surname": "surname",
        "dob": {"column": "dob", "format": "YYYY-MM-DD"},
        "sex": "sex", "pnc": "pnc_id", "postcode": "address_postcode",
        "ethnicity": {"column": "eth", "type": "category"},
        "arrest_date": {"column": "arrested", "type": "date", "format": "auto"}
      }
    }
  },
  "threshold": 0.7
})";

std::string ErrorOf(std::string_view text) {
  absl::StatusOr<Settings> s = Settings::Parse(text, "s.json");
  return s.ok() ? "OK" : std::string(s.status().message());
}

TEST(SettingsTest, ParsesTheDesignExample) {
  absl::StatusOr<Settings> s = Settings::Parse(kDesignSettings, "s.json");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->link_type, LinkType::kLinkOnly);
  EXPECT_DOUBLE_EQ(s->threshold, 0.7);
  ASSERT_EQ(s->sources.size(), 2u);
  // Sources and fields keep the order the user wrote.
  EXPECT_EQ(s->sources[0].name, "probation");
  EXPECT_EQ(s->sources[0].fields[0].name, "forename");
  const SourceSettings* police = s->FindSource("police");
  ASSERT_NE(police, nullptr);
  EXPECT_EQ(police->id_column, "pnc_id");
  const FieldMapping* forename = police->Find(FieldKind::kForename);
  ASSERT_NE(forename, nullptr);
  EXPECT_EQ(forename->column, "forenames");
  EXPECT_EQ(forename->separator, ";");
  EXPECT_EQ(police->Find(FieldKind::kDob)->date_format, DateFormat::kYYYY_MM_DD);
  EXPECT_EQ(s->FindSource("probation")->Find(FieldKind::kDob)->date_format,
            DateFormat::kDD_MM_YYYY_Slash);
  const std::vector<const FieldMapping*> custom = police->CustomFields();
  ASSERT_EQ(custom.size(), 2u);
  EXPECT_EQ(custom[0]->name, "ethnicity");
  EXPECT_EQ(custom[0]->custom_type, CustomType::kCategory);
  EXPECT_EQ(custom[1]->custom_type, CustomType::kDate);
}

TEST(SettingsTest, RefusesUnknownCanonicalField) {
  EXPECT_THAT(ErrorOf(R"({"link_type": "dedupe_only",
      "sources": {"a": {"id": "id", "fields": {"forname": "f"}}}})"),
              HasSubstr("sources.a.fields.forname: unknown canonical field \"forname\""));
}

TEST(SettingsTest, RefusesUnknownCustomType) {
  EXPECT_THAT(ErrorOf(R"({"link_type": "dedupe_only",
      "sources": {"a": {"id": "id", "fields": {"x": {"column": "c", "type": "blob"}}}}})"),
              HasSubstr("unknown type \"blob\""));
}

TEST(SettingsTest, RefusesBadDateFormat) {
  EXPECT_THAT(ErrorOf(R"({"link_type": "dedupe_only",
      "sources": {"a": {"id": "id", "fields": {"dob": {"column": "d", "format": "DD/MM/YY"}}}}})"),
              HasSubstr("bad date format \"DD/MM/YY\""));
}

TEST(SettingsTest, RefusesMalformedJsonWithPosition) {
  EXPECT_THAT(ErrorOf("{\n  \"link_type\": \"link_only\",\n  \"sources\": {,}\n}"),
              HasSubstr("s.json: line 3, column 15: malformed JSON"));
}

TEST(SettingsTest, RefusesOtherMistakes) {
  EXPECT_THAT(ErrorOf(R"({"link_type": "link_all", "sources": {}})"), HasSubstr("link_type"));
  EXPECT_THAT(ErrorOf(R"({"sources": {"a": {"id": "i", "fields": {"surname": "s"}}}})"),
              HasSubstr("needs at least two sources"));
  EXPECT_THAT(ErrorOf(R"({"link_type": "dedupe_only", "sources": {"a": {"fields": {"surname": "s"}}}})"),
              HasSubstr("sources.a: needs \"id\""));
  EXPECT_THAT(ErrorOf(R"({"link_type": "dedupe_only", "tresholds": 1,
      "sources": {"a": {"id": "i", "fields": {"surname": "s"}}}})"),
              HasSubstr("unknown key \"tresholds\""));
  EXPECT_THAT(ErrorOf(R"({"link_type": "dedupe_only", "threshold": 1.5,
      "sources": {"a": {"id": "i", "fields": {"surname": "s"}}}})"),
              HasSubstr("threshold"));
  EXPECT_THAT(ErrorOf(R"({"link_type": "dedupe_only",
      "sources": {"a": {"id": "i", "fields": {"surname": {"column": "s", "format": "auto"}}}}})"),
              HasSubstr("\"format\" applies to dates only"));
  EXPECT_THAT(ErrorOf("[1, 2]"), HasSubstr("must be a JSON object"));
}

TEST(SettingsTest, CheckHeaderNamesTheMissingColumn) {
  absl::StatusOr<Settings> s = Settings::Parse(kDesignSettings, "s.json");
  ASSERT_TRUE(s.ok());
  const SourceSettings& probation = *s->FindSource("probation");
  EXPECT_TRUE(s->CheckHeader(probation,
                             {"crn", "first_names", "last_name", "birth_date", "gender",
                              "pnc_number", "postcode"},
                             "p.csv")
                  .ok());
  const absl::Status missing = s->CheckHeader(
      probation, {"crn", "first_names", "last_name", "birth_date", "gender", "postcode"}, "p.csv");
  EXPECT_THAT(std::string(missing.message()),
              HasSubstr("p.csv: line 1: no column \"pnc_number\" (source \"probation\", field pnc"));
}

TEST(SettingsTest, LoadReportsMissingFile) {
  absl::StatusOr<Settings> s = Settings::Load("/nonexistent/settings.json");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("/nonexistent/settings.json"));
}

}  // namespace
}  // namespace probity
