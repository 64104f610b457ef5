#include "engine/settings.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace probity {
namespace {

using json = nlohmann::ordered_json;  // keeps the user's field order

struct FieldNameEntry {
  FieldKind kind;
  std::string_view name;
};
constexpr FieldNameEntry kFieldNames[] = {
    {FieldKind::kForename, "forename"}, {FieldKind::kMiddleNames, "middle_names"},
    {FieldKind::kSurname, "surname"},   {FieldKind::kFullName, "full_name"},
    {FieldKind::kDob, "dob"},           {FieldKind::kSex, "sex"},
    {FieldKind::kPostcode, "postcode"}, {FieldKind::kAddress, "address"},
    {FieldKind::kPnc, "pnc"},           {FieldKind::kCro, "cro"},
    {FieldKind::kNino, "nino"},
};

absl::Status Invalid(std::string_view file, const std::string& message) {
  return absl::InvalidArgumentError(fmt::format("{}: {}", file, message));
}

// Line and column (1-based) of a byte offset, for JSON syntax errors.
std::pair<size_t, size_t> LineColumn(std::string_view text, size_t offset) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

absl::Status CheckKeys(std::string_view file, std::string_view where, const json& object,
                       std::initializer_list<std::string_view> allowed) {
  for (const auto& item : object.items()) {
    bool known = false;
    for (std::string_view key : allowed) known = known || item.key() == key;
    if (!known) {
      std::string list;
      for (std::string_view key : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", key);
      return Invalid(file, fmt::format("{}: unknown key \"{}\" (expected one of: {})", where,
                                       item.key(), list));
    }
  }
  return absl::OkStatus();
}

std::optional<CustomType> ParseCustomType(std::string_view name) {
  if (name == "text") return CustomType::kText;
  if (name == "category") return CustomType::kCategory;
  if (name == "identifier") return CustomType::kIdentifier;
  if (name == "date") return CustomType::kDate;
  return std::nullopt;
}

absl::StatusOr<FieldMapping> ParseFieldMapping(std::string_view file, const std::string& source,
                                               const std::string& field_name,
                                               const json& value) {
  const std::string where = fmt::format("sources.{}.fields.{}", source, field_name);
  FieldMapping mapping;
  mapping.name = field_name;
  const std::optional<FieldKind> kind = ParseFieldName(field_name);
  mapping.kind = kind.value_or(FieldKind::kCustom);

  if (value.is_string()) {
    mapping.column = value.get<std::string>();
  } else if (value.is_object()) {
    if (auto status = CheckKeys(file, where, value, {"column", "format", "separator", "type"});
        !status.ok()) {
      return status;
    }
    if (!value.contains("column") || !value["column"].is_string()) {
      return Invalid(file, where + ": needs a \"column\" string");
    }
    mapping.column = value["column"].get<std::string>();
    if (value.contains("separator")) {
      if (!value["separator"].is_string() || value["separator"].get<std::string>().empty()) {
        return Invalid(file, where + ": \"separator\" must be a non-empty string");
      }
      mapping.separator = value["separator"].get<std::string>();
    }
    if (value.contains("type")) {
      if (kind.has_value()) {
        return Invalid(file, where + ": \"type\" is only for custom fields; \"" + field_name +
                                 "\" is a canonical field");
      }
      if (!value["type"].is_string()) return Invalid(file, where + ": \"type\" must be a string");
      const std::string type_name = value["type"].get<std::string>();
      const std::optional<CustomType> type = ParseCustomType(type_name);
      if (!type.has_value()) {
        return Invalid(file, fmt::format("{}: unknown type \"{}\" (expected text, category, "
                                         "identifier or date)",
                                         where, type_name));
      }
      mapping.custom_type = *type;
    }
    if (value.contains("format")) {
      const bool is_date = mapping.kind == FieldKind::kDob ||
                           (!kind.has_value() && mapping.custom_type == CustomType::kDate);
      if (!is_date) return Invalid(file, where + ": \"format\" applies to dates only");
      if (!value["format"].is_string()) return Invalid(file, where + ": \"format\" must be a string");
      const std::string format_name = value["format"].get<std::string>();
      const std::optional<DateFormat> format = ParseDateFormat(format_name);
      if (!format.has_value()) {
        return Invalid(file, fmt::format("{}: bad date format \"{}\" (expected YYYY-MM-DD, "
                                         "DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY, YYYYMMDD, "
                                         "YYYY/MM/DD, MM/DD/YYYY or auto)",
                                         where, format_name));
      }
      mapping.date_format = *format;
    }
  } else {
    return Invalid(file, where + ": must be a column name or an object with \"column\"");
  }
  if (mapping.column.empty()) return Invalid(file, where + ": empty column name");
  if (!kind.has_value() && !value.is_object()) {
    return Invalid(file, fmt::format("{}: unknown canonical field \"{}\" (custom fields need "
                                     "{{\"column\": ..., \"type\": ...}})",
                                     where, field_name));
  }
  if (!kind.has_value() && !value.contains("type")) {
    return Invalid(file, fmt::format("{}: unknown canonical field \"{}\" (custom fields need a "
                                     "\"type\")",
                                     where, field_name));
  }
  return mapping;
}

absl::StatusOr<SourceSettings> ParseSource(std::string_view file, const std::string& name,
                                           const json& value) {
  const std::string where = "sources." + name;
  if (!value.is_object()) return Invalid(file, where + ": must be an object");
  if (auto status = CheckKeys(file, where, value, {"id", "fields", "delimiter", "trim_spaces"});
      !status.ok()) {
    return status;
  }
  SourceSettings source;
  source.name = name;
  if (!value.contains("id") || !value["id"].is_string() ||
      value["id"].get<std::string>().empty()) {
    return Invalid(file, where + ": needs \"id\", the name of the record id column");
  }
  source.id_column = value["id"].get<std::string>();
  if (value.contains("delimiter")) {
    const json& d = value["delimiter"];
    if (!d.is_string() || d.get<std::string>().size() != 1) {
      return Invalid(file, where + ": \"delimiter\" must be a single character such as \",\", "
                                   "\"\\t\", \"|\" or \";\"");
    }
    source.delimiter = d.get<std::string>()[0];
  }
  if (value.contains("trim_spaces")) {
    if (!value["trim_spaces"].is_boolean()) {
      return Invalid(file, where + ": \"trim_spaces\" must be true or false");
    }
    source.trim_spaces = value["trim_spaces"].get<bool>();
  }
  if (!value.contains("fields") || !value["fields"].is_object() || value["fields"].empty()) {
    return Invalid(file, where + ": needs \"fields\", an object mapping canonical fields to columns");
  }
  for (const auto& item : value["fields"].items()) {
    absl::StatusOr<FieldMapping> mapping = ParseFieldMapping(file, name, item.key(), item.value());
    if (!mapping.ok()) return mapping.status();
    source.fields.push_back(*std::move(mapping));
  }
  return source;
}

}  // namespace

std::string_view LinkTypeName(LinkType type) {
  switch (type) {
    case LinkType::kLinkOnly: return "link_only";
    case LinkType::kDedupeOnly: return "dedupe_only";
    case LinkType::kLinkAndDedupe: return "link_and_dedupe";
  }
  return "link_only";
}

std::string_view FieldName(FieldKind kind) {
  for (const FieldNameEntry& entry : kFieldNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "custom";
}

std::optional<FieldKind> ParseFieldName(std::string_view name) {
  for (const FieldNameEntry& entry : kFieldNames) {
    if (entry.name == name) return entry.kind;
  }
  return std::nullopt;
}

std::string_view CustomTypeName(CustomType type) {
  switch (type) {
    case CustomType::kText: return "text";
    case CustomType::kCategory: return "category";
    case CustomType::kIdentifier: return "identifier";
    case CustomType::kDate: return "date";
  }
  return "text";
}

const FieldMapping* SourceSettings::Find(FieldKind kind) const {
  for (const FieldMapping& mapping : fields) {
    if (mapping.kind == kind) return &mapping;
  }
  return nullptr;
}

std::vector<const FieldMapping*> SourceSettings::CustomFields() const {
  std::vector<const FieldMapping*> custom;
  for (const FieldMapping& mapping : fields) {
    if (mapping.kind == FieldKind::kCustom) custom.push_back(&mapping);
  }
  return custom;
}

absl::StatusOr<Settings> Settings::Parse(std::string_view json_text, std::string_view file) {
  json root;
  // A key given twice in one object would silently keep one of the values (a
  // field mapped twice, a threshold set twice): refused. The path names the
  // enclosing keys, e.g. sources.probation.fields.forename.
  struct Level {
    absl::flat_hash_set<std::string> keys;
    std::string last_key;
  };
  std::vector<Level> levels;
  std::string duplicate;
  const json::parser_callback_t check_duplicates = [&](int /*depth*/, json::parse_event_t event,
                                                       json& parsed) {
    if (event == json::parse_event_t::object_start) {
      levels.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!levels.empty()) levels.pop_back();
    } else if (event == json::parse_event_t::key && !levels.empty()) {
      std::string key = parsed.get<std::string>();
      if (!levels.back().keys.insert(key).second && duplicate.empty()) {
        for (size_t i = 0; i + 1 < levels.size(); ++i) duplicate += levels[i].last_key + ".";
        duplicate += key;
      }
      levels.back().last_key = std::move(key);
    }
    return true;
  };
  try {
    root = json::parse(json_text.begin(), json_text.end(), check_duplicates);
  } catch (const json::parse_error& e) {
    const size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    const auto [line, column] = LineColumn(json_text, offset);
    std::string what = e.what();
    // nlohmann prefixes "[json.exception.parse_error.101] parse error at line 1, column 2: ".
    if (const size_t colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    // ... and ends with the bytes it last read: they may be binary (not UTF-8).
    if (const size_t last = what.find("; last read: "); last != std::string::npos) {
      what.resize(last);
    }
    return Invalid(file, fmt::format("line {}, column {}: malformed JSON: {}", line, column, what));
  } catch (const json::exception& e) {
    // Not a syntax error but still unreadable: a number too large for a double
    // ("1e400") throws out_of_range.406 "number overflow parsing '1e400'".
    std::string what = e.what();
    if (const size_t bracket = what.find("] "); bracket != std::string::npos) {
      what = what.substr(bracket + 2);
    }
    return Invalid(file, fmt::format("malformed JSON: {}", what));
  }
  if (!duplicate.empty()) {
    return Invalid(file, fmt::format("duplicate key \"{}\" (each key may appear once)", duplicate));
  }
  if (!root.is_object()) return Invalid(file, "settings must be a JSON object");
  if (auto status = CheckKeys(file, "settings", root,
                              {"link_type", "sources", "threshold", "blocking_rules",
                               "comparisons", "one_to_one", "lambda", "outcomes"});
      !status.ok()) {
    return status;
  }
  Settings settings;
  settings.file = std::string(file);
  settings.raw_json = std::string(json_text);

  if (root.contains("link_type")) {
    const json& lt = root["link_type"];
    const std::string name = lt.is_string() ? lt.get<std::string>() : "";
    if (name == "link_only") {
      settings.link_type = LinkType::kLinkOnly;
    } else if (name == "dedupe_only") {
      settings.link_type = LinkType::kDedupeOnly;
    } else if (name == "link_and_dedupe") {
      settings.link_type = LinkType::kLinkAndDedupe;
    } else {
      return Invalid(file, "link_type must be \"link_only\", \"dedupe_only\" or "
                           "\"link_and_dedupe\"");
    }
  }
  if (!root.contains("sources") || !root["sources"].is_object() || root["sources"].empty()) {
    return Invalid(file, "needs \"sources\", an object with one entry per input source");
  }
  for (const auto& item : root["sources"].items()) {
    absl::StatusOr<SourceSettings> source = ParseSource(file, item.key(), item.value());
    if (!source.ok()) return source.status();
    settings.sources.push_back(*std::move(source));
  }
  if (settings.link_type != LinkType::kDedupeOnly && settings.sources.size() < 2) {
    return Invalid(file, fmt::format("link_type \"{}\" needs at least two sources",
                                     LinkTypeName(settings.link_type)));
  }
  if (root.contains("threshold")) {
    const json& t = root["threshold"];
    if (!t.is_number() || t.get<double>() <= 0.0 || t.get<double>() >= 1.0) {
      return Invalid(file, "threshold must be a match probability between 0 and 1 (exclusive)");
    }
    settings.threshold = t.get<double>();
  }
  if (root.contains("one_to_one")) {
    if (!root["one_to_one"].is_boolean()) return Invalid(file, "one_to_one must be true or false");
    settings.one_to_one = root["one_to_one"].get<bool>();
    if (settings.one_to_one && settings.link_type != LinkType::kLinkOnly) {
      return Invalid(file, "one_to_one needs link_type \"link_only\"");
    }
  }
  if (root.contains("lambda")) {
    const json& l = root["lambda"];
    if (!l.is_number() || l.get<double>() <= 0.0 || l.get<double>() >= 1.0) {
      return Invalid(file, "lambda must be a probability between 0 and 1 (exclusive)");
    }
    settings.lambda = l.get<double>();
  }
  for (std::string_view key : {"blocking_rules", "comparisons"}) {
    if (root.contains(key) && !root[std::string(key)].is_array()) {
      return Invalid(file, fmt::format("{} must be an array", key));
    }
  }
  return settings;
}

absl::StatusOr<Settings> Settings::Load(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(
        fmt::format("{}: is a directory, not a settings file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("{}: cannot open settings file", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::DataLossError(fmt::format("{}: cannot read settings file", path));
  return Parse(buffer.str(), path);
}

const SourceSettings* Settings::FindSource(std::string_view name) const {
  for (const SourceSettings& source : sources) {
    if (source.name == name) return &source;
  }
  return nullptr;
}

absl::Status Settings::CheckHeader(const SourceSettings& source,
                                   const std::vector<std::string>& header,
                                   std::string_view input_file) const {
  absl::flat_hash_set<std::string> columns(header.begin(), header.end());
  auto missing = [&](const std::string& column, std::string_view role) {
    return absl::InvalidArgumentError(
        fmt::format("{}: line 1: no column \"{}\" (source \"{}\", {} in {})", input_file, column,
                    source.name, role, file));
  };
  if (!columns.contains(source.id_column)) return missing(source.id_column, "id");
  for (const FieldMapping& mapping : source.fields) {
    if (!columns.contains(mapping.column)) return missing(mapping.column, "field " + mapping.name);
  }
  return absl::OkStatus();
}

}  // namespace probity
