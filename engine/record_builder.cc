#include "engine/record_builder.h"

#include <algorithm>

#include "absl/status/status.h"
#include "engine/double_metaphone.h"
#include "engine/name_normaliser.h"

namespace probity {
namespace {

// Calls fn for each non-blank value of a possibly multi-valued field.
template <typename Fn>
void ForEachValue(std::string_view field, std::string_view separator, Fn&& fn) {
  auto emit = [&](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    if (!v.empty()) fn(v);
  };
  if (separator.empty()) {
    emit(field);
    return;
  }
  size_t start = 0;
  while (true) {
    const size_t pos = field.find(separator, start);
    if (pos == std::string_view::npos) {
      emit(field.substr(start));
      return;
    }
    emit(field.substr(start, pos - start));
    start = pos + separator.size();
  }
}

// Copies or moves `value` in only when it is new.
template <typename T, typename V>
void AddUnique(std::vector<T>* values, V&& value) {
  if (std::find(values->begin(), values->end(), value) == values->end()) {
    values->push_back(std::forward<V>(value));
  }
}

void AddIdentifier(Identifier id, std::vector<Identifier>* ids, FieldQuality* q) {
  if (id.status == IdStatus::kMissing) return;
  if (id.status == IdStatus::kMalformed) {
    ++q->invalid;  // unusable for comparison: dropped, but counted
    return;
  }
  if (id.status == IdStatus::kBadCheck) ++q->bad_check;
  AddUnique(ids, std::move(id));
}

}  // namespace

NameValue MakeNameValue(std::string_view raw) {
  NameValue name;
  name.text = NormaliseName(raw);
  bool first = true;
  for (std::string_view token : NameTokens(name.text)) {
    const MetaphoneCodes codes = DoubleMetaphone(token);
    // One code per token, space-separated even when a code is empty ("H
    // JONES" -> " JNS"), so codes line up with tokens.
    if (!first) {
      name.metaphone.push_back(' ');
      name.metaphone_alt.push_back(' ');
    }
    first = false;
    name.metaphone += codes.primary;
    name.metaphone_alt += codes.alternate;
  }
  return name;
}

absl::StatusOr<RecordBuilder> RecordBuilder::Create(const Settings& settings,
                                                    const SourceSettings& source,
                                                    const std::vector<std::string>& header,
                                                    std::string_view input_file) {
  if (absl::Status status = settings.CheckHeader(source, header, input_file); !status.ok()) {
    return status;
  }
  auto index_of = [&](const std::string& column) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), column) - header.begin());
  };
  RecordBuilder builder;
  builder.source_ = &source;
  builder.id_column_ = index_of(source.id_column);
  for (const FieldMapping& mapping : source.fields) builder.columns_.push_back(index_of(mapping.column));
  builder.today_ = TodayDayNumber();
  builder.current_year_ = FromDayNumber(builder.today_).year;
  return builder;
}

void RecordBuilder::PrefetchNames(const std::vector<std::string_view>& fields,
                                  const NameCache& names) const {
  for (size_t m = 0; m < source_->fields.size(); ++m) {
    const FieldMapping& mapping = source_->fields[m];
    switch (mapping.kind) {
      case FieldKind::kForename:
      case FieldKind::kMiddleNames:
      case FieldKind::kSurname:
      case FieldKind::kFullName:
        if (mapping.separator.empty()) {
          ForEachValue(fields[columns_[m]], "", [&](std::string_view v) { names.Prefetch(v); });
        }
        break;
      default:
        break;
    }
  }
}

void RecordBuilder::Build(const std::vector<std::string_view>& fields, Record* record,
                          std::vector<FieldQuality>* quality, NameCache* names) const {
  Record& r = *record;
  r.Clear();
  r.source = source_->name;
  r.id.assign(fields[id_column_]);
  quality->resize(source_->fields.size());
  uint8_t custom_index = 0;
  for (size_t m = 0; m < source_->fields.size(); ++m) {
    const FieldMapping& mapping = source_->fields[m];
    FieldQuality& q = (*quality)[m];
    const std::string_view field = fields[columns_[m]];
    bool any_value = false;
    auto name_into = [&](std::vector<NameValue>* values) {
      ForEachValue(field, mapping.separator, [&](std::string_view v) {
        any_value = true;
        NameValue made;
        const NameValue& name = names != nullptr ? names->Get(v) : (made = MakeNameValue(v));
        if (name.text.empty()) {
          ++q.invalid;
        } else {
          AddUnique(values, name);
        }
      });
    };
    switch (mapping.kind) {
      case FieldKind::kForename: name_into(&r.forenames); break;
      case FieldKind::kMiddleNames: name_into(&r.middle_names); break;
      case FieldKind::kSurname: name_into(&r.surnames); break;
      case FieldKind::kFullName: name_into(&r.full_names); break;
      case FieldKind::kDob:
        ForEachValue(field, mapping.separator, [&](std::string_view v) {
          any_value = true;
          DayNumber day = 0;
          const DateParseResult result = ParseDate(v, mapping.date_format, &day);
          if (result == DateParseResult::kOk && day <= today_) {
            AddUnique(&r.dobs, day);
          } else if (result != DateParseResult::kEmpty) {
            ++q.invalid;  // impossible, malformed or in the future: missing, never guessed
          }
        });
        break;
      case FieldKind::kSex:
        ForEachValue(field, mapping.separator, [&](std::string_view v) {
          any_value = true;
          if (r.sex == 0) r.sex = NormaliseSex(v);
        });
        break;
      case FieldKind::kPostcode:
        ForEachValue(field, mapping.separator, [&](std::string_view v) {
          any_value = true;
          Postcode pc = NormalisePostcode(v);
          if (!pc.valid) ++q.invalid;
          if (!pc.canonical.empty()) AddUnique(&r.postcodes, std::move(pc));
        });
        break;
      case FieldKind::kAddress:
        ForEachValue(field, mapping.separator, [&](std::string_view v) {
          any_value = true;
          std::string text = NormaliseName(v);
          if (text.empty()) return;
          if (!r.address.empty()) r.address.push_back(' ');
          r.address += text;
        });
        break;
      case FieldKind::kPnc:
        ForEachValue(field, mapping.separator, [&](std::string_view v) {
          any_value = true;
          AddIdentifier(NormalisePnc(v, current_year_), &r.pncs, &q);
        });
        break;
      case FieldKind::kCro:
        ForEachValue(field, mapping.separator, [&](std::string_view v) {
          any_value = true;
          AddIdentifier(NormaliseCro(v), &r.cros, &q);
        });
        break;
      case FieldKind::kNino:
        ForEachValue(field, mapping.separator, [&](std::string_view v) {
          any_value = true;
          AddIdentifier(NormaliseNino(v), &r.ninos, &q);
        });
        break;
      case FieldKind::kCustom: {
        const uint8_t index = custom_index++;
        ForEachValue(field, mapping.separator, [&](std::string_view v) {
          any_value = true;
          CustomValue value;
          value.field = index;
          if (mapping.custom_type == CustomType::kDate) {
            if (ParseDate(v, mapping.date_format, &value.day) != DateParseResult::kOk) {
              ++q.invalid;
              return;
            }
          } else if (mapping.custom_type == CustomType::kText) {
            value.text = NormaliseName(v);
          } else {
            // Categories and identifiers compare exactly, ignoring case and spaces.
            for (char c : v) {
              if (c != ' ') value.text.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
            }
          }
          AddUnique(&r.custom, std::move(value));
        });
        break;
      }
    }
    if (any_value) {
      ++q.present;
    } else {
      ++q.missing;
    }
  }
}

}  // namespace probity
