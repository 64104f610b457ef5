// The settings file: which sources to link, their columns, and how they map
// onto probity's canonical fields (see DESIGN.md, "Settings").
//
// Settings are validated whole before any work starts; every problem is
// reported as one line naming the settings file and the offending key.
#ifndef PROBITY_ENGINE_SETTINGS_H_
#define PROBITY_ENGINE_SETTINGS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/date.h"

namespace probity {

enum class LinkType { kLinkOnly, kDedupeOnly, kLinkAndDedupe };
std::string_view LinkTypeName(LinkType type);

// Canonical fields. The numeric values are persisted (record encoding, term
// frequencies): append only.
enum class FieldKind : uint8_t {
  kForename = 1,
  kMiddleNames = 2,
  kSurname = 3,
  kFullName = 4,
  kDob = 5,
  kSex = 6,
  kPostcode = 7,
  kAddress = 8,
  kPnc = 9,
  kCro = 10,
  kNino = 11,
  kCustom = 12,
};
inline constexpr FieldKind kCanonicalFields[] = {
    FieldKind::kForename, FieldKind::kMiddleNames, FieldKind::kSurname, FieldKind::kFullName,
    FieldKind::kDob,      FieldKind::kSex,         FieldKind::kPostcode, FieldKind::kAddress,
    FieldKind::kPnc,      FieldKind::kCro,         FieldKind::kNino};
std::string_view FieldName(FieldKind kind);
std::optional<FieldKind> ParseFieldName(std::string_view name);  // canonical names only

enum class CustomType : uint8_t { kText = 1, kCategory = 2, kIdentifier = 3, kDate = 4 };
std::string_view CustomTypeName(CustomType type);

struct FieldMapping {
  FieldKind kind = FieldKind::kCustom;
  std::string name;    // canonical field name, or the custom field's own name
  std::string column;  // column of the input file
  CustomType custom_type = CustomType::kText;  // custom fields only
  DateFormat date_format = DateFormat::kAuto;  // dob and custom dates
  std::string separator;  // non-empty: the column holds several values (aliases)
};

struct SourceSettings {
  std::string name;
  std::string id_column;
  std::vector<FieldMapping> fields;
  char delimiter = 0;        // 0: detect from the header
  bool trim_spaces = true;   // trim spaces around unquoted fields

  const FieldMapping* Find(FieldKind kind) const;
  // Custom field mappings, in settings order; their index is the custom field id.
  std::vector<const FieldMapping*> CustomFields() const;
};

struct Settings {
  LinkType link_type = LinkType::kLinkOnly;
  std::vector<SourceSettings> sources;
  double threshold = 0.5;
  // link_only: link each record to at most one record of the other source.
  bool one_to_one = false;
  // Fixes lambda (the probability that two random records match) instead of
  // estimating it.
  std::optional<double> lambda;
  std::string file;      // where the settings came from, for messages
  std::string raw_json;  // the text as given (stored in the store's meta)

  // Parses and validates settings text. `file` names the source in messages.
  // Malformed JSON is reported with its line and column; a key given twice in
  // one object is refused (naming its path, e.g. sources.a.fields.surname).
  static absl::StatusOr<Settings> Parse(std::string_view json_text, std::string_view file);
  // Reads and parses a settings file.
  static absl::StatusOr<Settings> Load(const std::string& path);

  const SourceSettings* FindSource(std::string_view name) const;
  // Checks that every column the source's mapping names is in `header`.
  // Errors name the input file, the column and the source.
  absl::Status CheckHeader(const SourceSettings& source, const std::vector<std::string>& header,
                           std::string_view input_file) const;
};

}  // namespace probity

#endif  // PROBITY_ENGINE_SETTINGS_H_
