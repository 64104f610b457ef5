// Fuzzes Settings::Parse (JSON text to validated settings) and CheckHeader.
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "engine/settings.h"
#include "fuzz/harnesses.h"

namespace probity::fuzz {
namespace settings_fuzz {

bool SameMapping(const FieldMapping& a, const FieldMapping& b) {
  return a.kind == b.kind && a.name == b.name && a.column == b.column &&
         a.custom_type == b.custom_type && a.date_format == b.date_format &&
         a.separator == b.separator;
}

bool SameSettings(const Settings& a, const Settings& b) {
  if (a.link_type != b.link_type || a.threshold != b.threshold || a.one_to_one != b.one_to_one ||
      a.lambda != b.lambda || a.raw_json != b.raw_json || a.sources.size() != b.sources.size()) {
    return false;
  }
  for (size_t i = 0; i < a.sources.size(); ++i) {
    const SourceSettings& x = a.sources[i];
    const SourceSettings& y = b.sources[i];
    if (x.name != y.name || x.id_column != y.id_column || x.delimiter != y.delimiter ||
        x.trim_spaces != y.trim_spaces || x.fields.size() != y.fields.size()) {
      return false;
    }
    for (size_t j = 0; j < x.fields.size(); ++j) {
      if (!SameMapping(x.fields[j], y.fields[j])) return false;
    }
  }
  return true;
}

void CheckSource(const Settings& settings, const SourceSettings& source) {
  PROBITY_FUZZ_CHECK(!source.id_column.empty());
  PROBITY_FUZZ_CHECK(!source.fields.empty());
  PROBITY_FUZZ_CHECK(settings.FindSource(source.name) != nullptr);
  std::vector<std::string> header = {source.id_column};
  size_t custom = 0;
  for (const FieldMapping& m : source.fields) {
    PROBITY_FUZZ_CHECK(!m.column.empty());
    if (m.kind == FieldKind::kCustom) {
      ++custom;
      PROBITY_FUZZ_CHECK(!ParseFieldName(m.name).has_value());
    } else {
      PROBITY_FUZZ_CHECK(FieldName(m.kind) == m.name);
      PROBITY_FUZZ_CHECK(source.Find(m.kind) != nullptr);
    }
    header.push_back(m.column);
  }
  PROBITY_FUZZ_CHECK(source.CustomFields().size() == custom);
  // A header holding every mapped column passes; one without the id column
  // (unless a field reuses it) does not.
  PROBITY_FUZZ_CHECK(settings.CheckHeader(source, header, "fuzz.csv").ok());
  std::vector<std::string> without_id;
  for (size_t i = 1; i < header.size(); ++i) {
    if (header[i] != source.id_column) without_id.push_back(header[i]);
  }
  PROBITY_FUZZ_CHECK(!settings.CheckHeader(source, without_id, "fuzz.csv").ok());
}

}  // namespace settings_fuzz

int SettingsOneInput(const uint8_t* data, size_t size) {
  using namespace settings_fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<Settings> settings = Settings::Parse(text, "fuzz.json");
  if (!settings.ok()) {
    PROBITY_FUZZ_CHECK(settings.status().code() == absl::StatusCode::kInvalidArgument);
    // Every message names the file.
    PROBITY_FUZZ_CHECK(settings.status().message().substr(0, 11) == "fuzz.json: ");
    return 0;
  }
  const Settings& s = *settings;
  PROBITY_FUZZ_CHECK(s.raw_json == text);
  PROBITY_FUZZ_CHECK(s.file == "fuzz.json");
  PROBITY_FUZZ_CHECK(!s.sources.empty());
  if (s.link_type != LinkType::kDedupeOnly) PROBITY_FUZZ_CHECK(s.sources.size() >= 2);
  PROBITY_FUZZ_CHECK(s.threshold > 0.0 && s.threshold < 1.0);
  if (s.lambda.has_value()) PROBITY_FUZZ_CHECK(*s.lambda > 0.0 && *s.lambda < 1.0);
  if (s.one_to_one) PROBITY_FUZZ_CHECK(s.link_type == LinkType::kLinkOnly);
  for (const SourceSettings& source : s.sources) CheckSource(s, source);
  // Parsing is deterministic.
  const absl::StatusOr<Settings> again = Settings::Parse(s.raw_json, "fuzz.json");
  PROBITY_FUZZ_CHECK(again.ok() && SameSettings(s, *again));
  return 0;
}

}  // namespace probity::fuzz

#ifdef PROBITY_FUZZ_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return probity::fuzz::SettingsOneInput(data, size);
}
#endif
