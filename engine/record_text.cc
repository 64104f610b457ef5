#include "engine/record_text.h"

namespace probity {
namespace {

const std::vector<NameValue>* NamesOf(const Record& r, FieldKind kind) {
  switch (kind) {
    case FieldKind::kForename: return &r.forenames;
    case FieldKind::kMiddleNames: return &r.middle_names;
    case FieldKind::kSurname: return &r.surnames;
    case FieldKind::kFullName: return &r.full_names;
    default: return nullptr;
  }
}

const std::vector<Identifier>* IdsOf(const Record& r, FieldKind kind) {
  switch (kind) {
    case FieldKind::kPnc: return &r.pncs;
    case FieldKind::kCro: return &r.cros;
    case FieldKind::kNino: return &r.ninos;
    default: return nullptr;
  }
}

std::string Join(const std::vector<std::string>& values) {
  std::string joined;
  for (const std::string& v : values) {
    if (!joined.empty()) joined += ';';
    joined += v;
  }
  return joined;
}

}  // namespace

std::string_view IdStatusName(IdStatus status) {
  switch (status) {
    case IdStatus::kMissing: return "missing";
    case IdStatus::kValid: return "valid";
    case IdStatus::kBadCheck: return "bad_check";
    case IdStatus::kMalformed: return "malformed";
  }
  return "missing";
}

std::vector<std::string> FieldValuesAsText(const Record& r, const FieldMapping& mapping,
                                           uint8_t custom_index) {
  std::vector<std::string> values;
  if (const auto* names = NamesOf(r, mapping.kind)) {
    for (const NameValue& n : *names) values.push_back(n.text);
  } else if (const auto* ids = IdsOf(r, mapping.kind)) {
    for (const Identifier& id : *ids) values.push_back(id.canonical);
  } else if (mapping.kind == FieldKind::kDob) {
    for (DayNumber day : r.dobs) values.push_back(FormatIsoDate(day));
  } else if (mapping.kind == FieldKind::kSex) {
    if (r.sex != 0) values.emplace_back(1, r.sex);
  } else if (mapping.kind == FieldKind::kPostcode) {
    for (const Postcode& pc : r.postcodes) values.push_back(pc.canonical);
  } else if (mapping.kind == FieldKind::kAddress) {
    if (!r.address.empty()) values.push_back(r.address);
  } else if (mapping.kind == FieldKind::kCustom) {
    for (const CustomValue& v : r.custom) {
      if (v.field != custom_index) continue;
      values.push_back(mapping.custom_type == CustomType::kDate ? FormatIsoDate(v.day) : v.text);
    }
  }
  return values;
}

std::vector<std::string> DerivedColumnNames(const FieldMapping& mapping) {
  if (NamesOf(Record(), mapping.kind) != nullptr) {
    return {mapping.name + "_metaphone", mapping.name + "_metaphone_alt"};
  }
  if (mapping.kind == FieldKind::kPostcode) return {"postcode_valid"};
  if (IdsOf(Record(), mapping.kind) != nullptr) return {mapping.name + "_check"};
  return {};
}

std::vector<std::string> DerivedValuesAsText(const Record& r, const FieldMapping& mapping) {
  if (const auto* names = NamesOf(r, mapping.kind)) {
    std::vector<std::string> primary, alternate;
    for (const NameValue& n : *names) {
      primary.push_back(n.metaphone);
      alternate.push_back(n.metaphone_alt);
    }
    return {Join(primary), Join(alternate)};
  }
  if (mapping.kind == FieldKind::kPostcode) {
    std::vector<std::string> valid;
    for (const Postcode& pc : r.postcodes) valid.push_back(pc.valid ? "yes" : "no");
    return {Join(valid)};
  }
  if (const auto* ids = IdsOf(r, mapping.kind)) {
    std::vector<std::string> status;
    for (const Identifier& id : *ids) status.emplace_back(IdStatusName(id.status));
    return {Join(status)};
  }
  return {};
}

}  // namespace probity
