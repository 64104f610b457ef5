#include "engine/blocking.h"

#include <algorithm>
#include <array>
#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "engine/name_normaliser.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "engine/postcode.h"

namespace probity {
namespace {

struct KeyPartEntry {
  KeyPart part;
  std::string_view name;
};
constexpr KeyPartEntry kKeyParts[] = {
    {KeyPart::kPnc, "pnc"},
    {KeyPart::kCro, "cro"},
    {KeyPart::kNino, "nino"},
    {KeyPart::kSurname, "surname"},
    {KeyPart::kSurnameMetaphone, "surname_metaphone"},
    {KeyPart::kForename, "forename"},
    {KeyPart::kForenameMetaphone, "forename_metaphone"},
    {KeyPart::kForenameInitial, "forename_initial"},
    {KeyPart::kDob, "dob"},
    {KeyPart::kDobYear, "dob_year"},
    {KeyPart::kDobMonthDay, "dob_month_day"},
    {KeyPart::kPostcode, "postcode"},
    {KeyPart::kPostcodeSector, "postcode_sector"},
    {KeyPart::kPostcodeDistrict, "postcode_district"},
    {KeyPart::kSex, "sex"},
    {KeyPart::kCustom, "custom"},
};

// The values one key part takes for a record, as byte strings: views into the
// record, or up to 8 bytes computed from it (dates) held inline. Small and
// reused, so key derivation does not allocate per record once warmed up.
class PartValues {
 public:
  void Clear() { values_.clear(); }
  void Add(std::string_view v) {
    if (v.empty() || Contains(v)) return;
    values_.push_back(Value{v.data(), v.size(), {}});
  }
  // Adds a computed value of `n` <= 8 bytes.
  void AddBytes(const void* data, size_t n) {
    Value value{nullptr, n, {}};
    std::memcpy(value.inline_bytes, data, n);
    if (!Contains(value.view())) values_.push_back(value);
  }
  size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }
  std::string_view operator[](size_t i) const { return values_[i].view(); }

 private:
  struct Value {
    const char* external;  // null: the bytes are inline_bytes
    size_t size;
    char inline_bytes[8];
    std::string_view view() const {
      return std::string_view(external != nullptr ? external : inline_bytes, size);
    }
  };
  bool Contains(std::string_view v) const {
    for (const Value& existing : values_) {
      if (existing.view() == v) return true;
    }
    return false;
  }
  std::vector<Value> values_;
};

// Each key part's values for one record, collected on first use: the rules
// share parts (most use a date or a name code), so a part is derived once per
// record however many rules name it.
class PartCache {
 public:
  static constexpr size_t kParts = static_cast<size_t>(KeyPart::kCustom) + 1;
  void Reset() { collected_.fill(false); }
  // Values of `part` (for KeyPart::kCustom, of custom field `custom_field`).
  const PartValues& Get(KeyPart part, uint8_t custom_field, const Record& r) {
    const auto i = static_cast<size_t>(part);
    if (collected_[i] && part != KeyPart::kCustom) return values_[i];  // the rules share parts
    return Collect(part, custom_field, r);
  }

 private:
  const PartValues& Collect(KeyPart part, uint8_t custom_field, const Record& r);
  std::array<PartValues, kParts> values_;
  std::array<bool, kParts> collected_{};
  uint8_t custom_field_ = 0;  // whose values values_[kCustom] holds
};

std::string_view FirstToken(std::string_view s) { return s.substr(0, s.find(' ')); }

void CollectTokens(std::string_view s, PartValues* out) {
  ForEachNameToken(s, [out](std::string_view token) { out->Add(token); });
}

void CollectPart(KeyPart part, uint8_t custom_field, const Record& r, PartValues* out) {
  switch (part) {
    case KeyPart::kCustom:
      for (const CustomValue& v : r.custom) {
        if (v.field != custom_field) continue;
        if (!v.text.empty()) {
          out->Add(v.text);
        } else {
          out->AddBytes(&v.day, sizeof v.day);
        }
      }
      break;
    case KeyPart::kPnc:
      for (const Identifier& id : r.pncs) out->Add(id.canonical);
      break;
    case KeyPart::kCro:
      for (const Identifier& id : r.cros) out->Add(id.canonical);
      break;
    case KeyPart::kNino:
      for (const Identifier& id : r.ninos) out->Add(id.canonical);
      break;
    case KeyPart::kSurname:
      for (const NameValue& n : r.surnames) CollectTokens(n.text, out);
      break;
    case KeyPart::kSurnameMetaphone:
      for (const NameValue& n : r.surnames) CollectTokens(n.metaphone, out);
      break;
    case KeyPart::kForename:
      for (const NameValue& n : r.forenames) out->Add(FirstToken(n.text));
      break;
    case KeyPart::kForenameMetaphone:
      for (const NameValue& n : r.forenames) out->Add(FirstToken(n.metaphone));
      break;
    case KeyPart::kForenameInitial:
      for (const NameValue& n : r.forenames) out->Add(std::string_view(n.text).substr(0, 1));
      break;
    case KeyPart::kDob:
      for (DayNumber day : r.dobs) out->AddBytes(&day, sizeof day);
      break;
    case KeyPart::kDobYear:
    case KeyPart::kDobMonthDay:
      break;  // PartCache::Get collects both at once
    case KeyPart::kPostcode:
      for (const Postcode& pc : r.postcodes) {
        if (pc.valid) out->Add(pc.canonical);
      }
      break;
    case KeyPart::kPostcodeSector:
      for (const Postcode& pc : r.postcodes) out->Add(PostcodeSector(pc.canonical));
      break;
    case KeyPart::kPostcodeDistrict:
      for (const Postcode& pc : r.postcodes) out->Add(PostcodeDistrict(pc.canonical));
      break;
    case KeyPart::kSex:
      if (r.sex == 'M' || r.sex == 'F') out->Add(std::string_view(&r.sex, 1));
      break;
  }
}

const PartValues& PartCache::Collect(KeyPart part, uint8_t custom_field, const Record& r) {
  const auto i = static_cast<size_t>(part);
  if ((part == KeyPart::kDobYear || part == KeyPart::kDobMonthDay) && !collected_[i]) {
    // Both from one conversion of each date.
    PartValues& years = values_[static_cast<size_t>(KeyPart::kDobYear)];
    PartValues& month_days = values_[static_cast<size_t>(KeyPart::kDobMonthDay)];
    years.Clear();
    month_days.Clear();
    for (DayNumber day : r.dobs) {
      const CivilDate date = FromDayNumber(day);
      const int32_t year = date.year;
      const int32_t month_day = date.month * 100 + date.day;
      years.AddBytes(&year, sizeof year);
      month_days.AddBytes(&month_day, sizeof month_day);
    }
    collected_[static_cast<size_t>(KeyPart::kDobYear)] = true;
    collected_[static_cast<size_t>(KeyPart::kDobMonthDay)] = true;
    return values_[i];
  }
  if (!collected_[i] || (part == KeyPart::kCustom && custom_field != custom_field_)) {
    values_[i].Clear();
    CollectPart(part, custom_field, r, &values_[i]);
    collected_[i] = true;
    if (part == KeyPart::kCustom) custom_field_ = custom_field;
  }
  return values_[i];
}

// Appends one rule's keys for `record`, its parts' values taken from `cache`.
void AppendRuleKeys(const BlockingRule& rule, const Record& record, PartCache* cache,
                    std::vector<storage::BlockKey>* keys) {
  std::array<const PartValues*, 8> parts{};
  const size_t n = std::min(rule.parts.size(), parts.size());
  for (size_t i = 0; i < n; ++i) {
    parts[i] = &cache->Get(rule.parts[i], rule.custom_field, record);
    if (parts[i]->empty()) return;  // a missing part: no key for this rule
  }
  // Walk the cartesian product of part values, odometer style.
  std::array<size_t, 8> index{};
  const size_t first_key = keys->size();
  for (size_t produced = 0; produced < kMaxKeysPerRule; ++produced) {
    uint64_t hash = rule.id;
    for (size_t i = 0; i < n; ++i) {
      const std::string_view v = (*parts[i])[index[i]];
      hash = XXH3_64bits_withSeed(v.data(), v.size(), hash);
    }
    const storage::BlockKey key{rule.id, hash};
    if (std::find(keys->begin() + static_cast<std::ptrdiff_t>(first_key), keys->end(), key) ==
        keys->end()) {
      keys->push_back(key);
    }
    size_t i = 0;
    for (; i < n; ++i) {
      if (++index[i] < parts[i]->size()) break;
      index[i] = 0;
    }
    if (i == n) break;
  }
}

bool AllSourcesHave(const Settings& settings, FieldKind kind) {
  for (const SourceSettings& source : settings.sources) {
    if (source.Find(kind) == nullptr) return false;
  }
  return true;
}

}  // namespace

std::string_view KeyPartName(KeyPart part) {
  for (const KeyPartEntry& entry : kKeyParts) {
    if (entry.part == part) return entry.name;
  }
  return "?";
}

std::optional<KeyPart> ParseKeyPart(std::string_view name) {
  for (const KeyPartEntry& entry : kKeyParts) {
    if (entry.name == name) return entry.part;
  }
  return std::nullopt;
}

std::vector<BlockingRule> DefaultBlockingRules(const Settings& settings) {
  const auto has = [&](FieldKind kind) { return AllSourcesHave(settings, kind); };
  std::vector<BlockingRule> rules;
  auto add = [&](std::vector<KeyPart> parts, bool optional, uint8_t custom_field = 0,
                 std::string custom_name = "") {
    BlockingRule rule;
    rule.id = static_cast<uint8_t>(rules.size() + 1);
    for (KeyPart part : parts) {
      if (!rule.name.empty()) rule.name += "+";
      rule.name += part == KeyPart::kCustom ? "custom:" + custom_name : std::string(KeyPartName(part));
    }
    rule.parts = std::move(parts);
    rule.custom_field = custom_field;
    rule.optional = optional;
    rules.push_back(std::move(rule));
  };
  // Identifiers first: they find most true pairs at the least cost.
  if (has(FieldKind::kPnc)) add({KeyPart::kPnc}, false);
  if (has(FieldKind::kCro)) add({KeyPart::kCro}, false);
  if (has(FieldKind::kNino)) add({KeyPart::kNino}, false);
  const SourceSettings& first = settings.sources[0];
  uint8_t custom_index = 0;
  for (const FieldMapping& m : first.fields) {
    if (m.kind != FieldKind::kCustom) continue;
    bool everywhere = true;
    for (const SourceSettings& s : settings.sources) {
      uint8_t index = 0;
      bool same = false;
      for (const FieldMapping& other : s.fields) {
        if (other.kind != FieldKind::kCustom) continue;
        same = same || (other.name == m.name && index == custom_index &&
                        other.custom_type == m.custom_type);
        ++index;
      }
      everywhere = everywhere && same;
    }
    if (everywhere && m.custom_type == CustomType::kIdentifier) {
      add({KeyPart::kCustom}, false, custom_index, m.name);
    }
    ++custom_index;
  }
  const bool surname = has(FieldKind::kSurname);
  const bool forename = has(FieldKind::kForename);
  const bool dob = has(FieldKind::kDob);
  const bool postcode = has(FieldKind::kPostcode);
  // Each rule misses what the others catch: an error in any one field (name
  // typo, wrong date, moved house) leaves at least one rule that still agrees.
  if (surname && dob && forename) {
    add({KeyPart::kSurnameMetaphone, KeyPart::kDobYear, KeyPart::kForenameInitial}, false);
  } else if (surname && dob) {
    add({KeyPart::kSurnameMetaphone, KeyPart::kDobYear}, false);
  }
  if (forename && dob) add({KeyPart::kForenameMetaphone, KeyPart::kDob}, false);
  if (dob && postcode) add({KeyPart::kDob, KeyPart::kPostcodeDistrict}, false);
  if (surname && dob) add({KeyPart::kSurname, KeyPart::kDobMonthDay}, false);
  if (surname && postcode) add({KeyPart::kSurnameMetaphone, KeyPart::kPostcodeSector}, false);
  // Rules whose blocks grow with the data (common names, one date) are kept
  // only while the pairs they add stay within the budget.
  if (forename && surname) add({KeyPart::kForename, KeyPart::kSurname}, true);
  if (forename && surname) add({KeyPart::kForenameMetaphone, KeyPart::kSurnameMetaphone}, true);
  if (forename && surname) add({KeyPart::kForenameInitial, KeyPart::kSurname}, true);
  if (dob && forename) {
    add({KeyPart::kDob, KeyPart::kForenameInitial}, true);
  } else if (dob) {
    add({KeyPart::kDob}, true);
  }
  if (forename && postcode) add({KeyPart::kForename, KeyPart::kPostcodeSector}, true);
  if (forename && dob) add({KeyPart::kForename, KeyPart::kDobYear}, true);
  // Broader versions of the rules above, affordable on small data.
  if (surname && dob && forename) add({KeyPart::kSurnameMetaphone, KeyPart::kDobYear}, true);
  if (dob && forename) add({KeyPart::kDob}, true);
  return rules;
}

absl::StatusOr<std::vector<BlockingRule>> BlockingRulesFromSettings(const Settings& settings) {
  const nlohmann::json root = nlohmann::json::parse(settings.raw_json, nullptr, false);
  if (!root.is_object() || !root.contains("blocking_rules")) return DefaultBlockingRules(settings);
  std::vector<BlockingRule> rules;
  const nlohmann::json& list = root["blocking_rules"];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = fmt::format("{}: blocking_rules[{}]", settings.file, i);
    std::vector<std::string> names;
    if (list[i].is_string()) {
      const std::string text = list[i].get<std::string>();
      size_t start = 0;
      while (start <= text.size()) {
        const size_t plus = std::min(text.find('+', start), text.size());
        names.push_back(text.substr(start, plus - start));
        start = plus + 1;
      }
    } else if (list[i].is_array()) {
      for (const nlohmann::json& part : list[i]) {
        if (!part.is_string()) return absl::InvalidArgumentError(where + ": parts must be strings");
        names.push_back(part.get<std::string>());
      }
    } else {
      return absl::InvalidArgumentError(where + ": expected an array of key parts such as "
                                                "[\"surname_metaphone\", \"dob_year\"]");
    }
    BlockingRule rule;
    rule.id = static_cast<uint8_t>(rules.size() + 1);
    for (const std::string& name : names) {
      if (name.rfind("custom:", 0) == 0) {
        const std::string field = name.substr(7);
        bool found = false;
        uint8_t index = 0;
        for (const FieldMapping& m : settings.sources[0].fields) {
          if (m.kind != FieldKind::kCustom) continue;
          if (m.name == field) {
            found = true;
            break;
          }
          ++index;
        }
        if (!found) {
          return absl::InvalidArgumentError(
              fmt::format("{}: no custom field \"{}\" in the sources", where, field));
        }
        rule.custom_field = index;
        if (!rule.name.empty()) rule.name += "+";
        rule.name += name;
        rule.parts.push_back(KeyPart::kCustom);
        continue;
      }
      const std::optional<KeyPart> part = ParseKeyPart(name);
      if (!part.has_value()) {
        std::string known;
        for (const KeyPartEntry& entry : kKeyParts) {
          known += fmt::format("{}{}", known.empty() ? "" : ", ", entry.name);
        }
        return absl::InvalidArgumentError(
            fmt::format("{}: unknown key part \"{}\" (expected one of: {})", where, name, known));
      }
      if (!rule.name.empty()) rule.name += "+";
      rule.name += name;
      rule.parts.push_back(*part);
    }
    if (rule.parts.empty() || rule.parts.size() > 8) {
      return absl::InvalidArgumentError(where + ": a rule needs 1 to 8 key parts");
    }
    rules.push_back(std::move(rule));
  }
  if (rules.empty() || rules.size() > 250) {
    return absl::InvalidArgumentError(settings.file + ": blocking_rules needs 1 to 250 rules");
  }
  return rules;
}

void AppendBlockKeys(const BlockingRule& rule, const Record& record,
                     std::vector<storage::BlockKey>* keys) {
  thread_local PartCache cache;
  cache.Reset();
  AppendRuleKeys(rule, record, &cache, keys);
}

void AppendBlockKeys(const std::vector<BlockingRule>& rules, const Record& record,
                     std::vector<storage::BlockKey>* keys) {
  thread_local PartCache cache;
  cache.Reset();
  for (const BlockingRule& rule : rules) AppendRuleKeys(rule, record, &cache, keys);
}

void AppendTfTerms(const Record& record, std::vector<storage::TfTerm>* terms) {
  auto add = [&](FieldKind kind, std::string value) {
    storage::TfTerm term{static_cast<uint8_t>(kind), std::move(value)};
    if (std::find(terms->begin(), terms->end(), term) == terms->end()) terms->push_back(std::move(term));
  };
  for (const NameValue& n : record.surnames) add(FieldKind::kSurname, n.text);
  for (const NameValue& n : record.forenames) add(FieldKind::kForename, std::string(FirstToken(n.text)));
  for (DayNumber day : record.dobs) add(FieldKind::kDob, FormatIsoDate(day));
}

}  // namespace probity
