#include "engine/link_data.h"

#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "engine/nicknames.h"
#include "engine/postcode.h"

namespace probity {
namespace {

// Hashing string_views with absl needs absl::string_view (see TOOLCHAIN.md).
struct ViewHash {
  size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
  }
};

// Counts, for each value, the records holding it (a value repeated within one
// record counts once, as in the store's term-frequency index), and writes the
// count into every entry holding that value.
template <typename Entry, typename Key, typename Count>
void CountValues(FieldColumn<Entry>& column, Key key, Count count_of, uint64_t* total) {
  absl::flat_hash_map<std::string_view, uint32_t, ViewHash> counts;
  counts.reserve(column.entries.size());
  const size_t records = column.offsets.size() - 1;
  for (size_t r = 0; r < records; ++r) {
    for (uint32_t i = column.offsets[r]; i < column.offsets[r + 1]; ++i) {
      const std::string_view k = key(column.entries[i]);
      bool repeated = k.empty();
      for (uint32_t j = column.offsets[r]; j < i && !repeated; ++j) repeated = key(column.entries[j]) == k;
      if (!repeated) ++counts[k];
    }
  }
  *total = 0;
  for (Entry& e : column.entries) {
    const std::string_view k = key(e);
    if (k.empty()) continue;
    count_of(e) = counts[k];
  }
  for (const auto& [value, count] : counts) *total += count;
}

}  // namespace

uint32_t PackCode(std::string_view code) {
  uint32_t packed = 0;
  for (size_t i = 0; i < 4 && i < code.size() && code[i] != ' '; ++i) {
    packed |= static_cast<uint32_t>(static_cast<uint8_t>(code[i])) << (8 * i);
  }
  return packed;
}

ArenaString LinkData::Intern(std::string_view s) {
  ArenaString a{static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(s.size())};
  arena_.append(s);
  return a;
}

void LinkData::AddNames(const std::vector<NameValue>& names, FieldColumn<NameEntry>* column) {
  const NicknameTable& nicknames = NicknameTable::Default();
  for (const NameValue& name : names) {
    if (name.text.empty()) continue;
    NameEntry e;
    e.text = Intern(name.text);
    const size_t space = name.text.find(' ');
    e.first_token = {e.text.offset,
                     static_cast<uint32_t>(space == std::string::npos ? name.text.size() : space)};
    e.token_count = static_cast<uint16_t>(1 + std::count(name.text.begin(), name.text.end(), ' '));
    e.metaphone_all = Intern(name.metaphone);
    e.metaphone = PackCode(name.metaphone);
    e.metaphone_alt = PackCode(name.metaphone_alt);
    const std::vector<uint32_t>& groups = nicknames.GroupsOf(Str(e.first_token));
    e.nickname_offset = static_cast<uint32_t>(nickname_groups.size());
    e.nickname_count = static_cast<uint16_t>(std::min<size_t>(groups.size(), 65535));
    nickname_groups.insert(nickname_groups.end(), groups.begin(), groups.begin() + e.nickname_count);
    column->entries.push_back(e);
  }
  column->offsets.push_back(static_cast<uint32_t>(column->entries.size()));
}

void LinkData::Add(uint16_t source_index, const Record& r) {
  source_.push_back(source_index);
  ids_.push_back(Intern(r.id));
  AddNames(r.forenames, &forenames);
  AddNames(r.middle_names, &middle_names);
  AddNames(r.surnames, &surnames);
  AddNames(r.full_names, &full_names);
  for (DayNumber day : r.dobs) {
    DobEntry e;
    e.day = day;
    const CivilDate d = FromDayNumber(day);
    const int parts[3] = {d.year, d.month, d.day};
    const int widths[3] = {4, 2, 2};
    int pos = 8;
    for (int p = 2; p >= 0; --p) {
      int v = parts[p];
      for (int w = 0; w < widths[p]; ++w) {
        e.digits[--pos] = static_cast<char>('0' + (v % 10 + 10) % 10);
        v /= 10;
      }
    }
    dobs.entries.push_back(e);
  }
  dobs.offsets.push_back(static_cast<uint32_t>(dobs.entries.size()));
  sex.push_back(r.sex == 'M' || r.sex == 'F' ? r.sex : 0);
  for (const Postcode& pc : r.postcodes) {
    PostcodeEntry e;
    e.canonical = Intern(pc.canonical);
    if (pc.valid) {
      e.area = static_cast<uint8_t>(PostcodeArea(pc.canonical).size());
      e.district = static_cast<uint8_t>(PostcodeDistrict(pc.canonical).size());
      e.sector = static_cast<uint8_t>(PostcodeSector(pc.canonical).size());
    }
    postcodes.entries.push_back(e);
  }
  postcodes.offsets.push_back(static_cast<uint32_t>(postcodes.entries.size()));
  if (!r.address.empty()) addresses.entries.push_back(Intern(r.address));
  addresses.offsets.push_back(static_cast<uint32_t>(addresses.entries.size()));
  auto add_ids = [&](const std::vector<Identifier>& ids, FieldColumn<IdEntry>* column) {
    for (const Identifier& id : ids) {
      if (id.status == IdStatus::kValid || id.status == IdStatus::kBadCheck) {
        column->entries.push_back(IdEntry{Intern(id.canonical), id.status});
      }
    }
    column->offsets.push_back(static_cast<uint32_t>(column->entries.size()));
  };
  add_ids(r.pncs, &pncs);
  add_ids(r.cros, &cros);
  add_ids(r.ninos, &ninos);
  for (const CustomValue& v : r.custom) custom.entries.push_back(CustomEntry{v.field, Intern(v.text), v.day});
  custom.offsets.push_back(static_cast<uint32_t>(custom.entries.size()));
}

void LinkData::Finish() {
  CountValues(
      surnames, [&](const NameEntry& e) { return Str(e.text); },
      [](NameEntry& e) -> uint32_t& { return e.tf_count; }, &surname_values);
  // Forenames are compared (and their frequencies taken) by first token.
  CountValues(
      forenames, [&](const NameEntry& e) { return Str(e.first_token); },
      [](NameEntry& e) -> uint32_t& { return e.first_tf_count; }, &forename_values);
  CountValues(
      dobs, [](const DobEntry& e) { return std::string_view(e.digits, 8); },
      [](DobEntry& e) -> uint32_t& { return e.tf_count; }, &dob_values);
}

void LinkData::ApplyTermCounts(
    const std::function<uint32_t(FieldKind, std::string_view)>& count_of) {
  for (NameEntry& e : surnames.entries) e.tf_count = count_of(FieldKind::kSurname, Str(e.text));
  for (NameEntry& e : forenames.entries) {
    e.first_tf_count = count_of(FieldKind::kForename, Str(e.first_token));
  }
  for (DobEntry& e : dobs.entries) e.tf_count = count_of(FieldKind::kDob, FormatIsoDate(e.day));
}

}  // namespace probity
