// The in-memory columns bulk linkage runs on.
//
// Records are loaded once (from the store or directly) into compact arrays:
// one string arena, and per field a CSR layout (values of record r are
// entries [offset[r], offset[r+1])). Comparisons read these arrays only: no
// parsing, no allocation, no hashing of strings in the hot loop. Derived keys
// (first tokens, packed Double Metaphone codes, nickname groups, term
// frequencies) are computed here once.
#ifndef PROBITY_ENGINE_LINK_DATA_H_
#define PROBITY_ENGINE_LINK_DATA_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/record.h"
#include "engine/settings.h"

namespace probity {

// A string in the dataset's arena.
struct ArenaString {
  uint32_t offset = 0;
  uint32_t size = 0;
};

struct NameEntry {
  ArenaString text;         // "SMITH JONES"
  ArenaString first_token;  // "SMITH"
  ArenaString metaphone_all;  // primary codes of every token, "SM0 JNS"
  uint32_t metaphone = 0;   // packed primary code of the first token (0 if none)
  uint32_t metaphone_alt = 0;
  uint32_t tf_count = 0;    // records whose value equals `text` (surnames only)
  uint32_t first_tf_count = 0;  // same, for the first token among first tokens
  uint32_t nickname_offset = 0;  // nickname groups of the first token: [offset, offset+count)
  uint16_t nickname_count = 0;
  uint16_t token_count = 0;
};

struct IdEntry {
  ArenaString canonical;
  IdStatus status = IdStatus::kMissing;
};

struct PostcodeEntry {
  ArenaString canonical;  // "SW1A 1AA"
  uint8_t area = 0;       // lengths of the area, district and sector prefixes; 0 if invalid
  uint8_t district = 0;
  uint8_t sector = 0;
};

struct DobEntry {
  DayNumber day = 0;
  uint32_t tf_count = 0;
  char digits[8] = {};  // YYYYMMDD, for typo comparisons
};

struct CustomEntry {
  uint8_t field = 0;
  ArenaString text;
  DayNumber day = 0;
};

// Values of one field for every record, CSR style.
template <typename Entry>
struct FieldColumn {
  std::vector<uint32_t> offsets{0};  // size = records + 1
  std::vector<Entry> entries;
  std::span<const Entry> Of(uint32_t record) const {
    return {entries.data() + offsets[record], entries.data() + offsets[record + 1]};
  }
};

class LinkData {
 public:
  // Appends one record; `source_index` is the source's position in the settings.
  void Add(uint16_t source_index, const Record& record);
  // Computes term frequencies; call once after the last Add.
  void Finish();
  // Instead of Finish: takes the term frequencies from `count_of(field,
  // value)` (the store's index, for real-time matching). Values are keyed as
  // the store keys them: surname text, first forename token, ISO date of birth.
  void ApplyTermCounts(const std::function<uint32_t(FieldKind, std::string_view)>& count_of);

  uint32_t size() const { return static_cast<uint32_t>(source_.size()); }
  uint16_t source(uint32_t r) const { return source_[r]; }
  std::string_view id(uint32_t r) const { return Str(ids_[r]); }
  std::string_view Str(ArenaString s) const { return {arena_.data() + s.offset, s.size}; }

  FieldColumn<NameEntry> forenames, middle_names, surnames, full_names;
  FieldColumn<DobEntry> dobs;
  std::vector<char> sex;  // per record: 'M', 'F', or 0 (unknown or missing)
  FieldColumn<PostcodeEntry> postcodes;
  FieldColumn<ArenaString> addresses;
  FieldColumn<IdEntry> pncs, cros, ninos;
  FieldColumn<CustomEntry> custom;
  std::vector<uint32_t> nickname_groups;

  // Number of values each TF-tracked field holds (denominator of frequencies).
  uint64_t forename_values = 0, surname_values = 0, dob_values = 0;

 private:
  ArenaString Intern(std::string_view s);
  void AddNames(const std::vector<NameValue>& names, FieldColumn<NameEntry>* column);

  std::string arena_;
  std::vector<uint16_t> source_;
  std::vector<ArenaString> ids_;
};

// Packs up to 4 ASCII characters of a metaphone code (first token only).
uint32_t PackCode(std::string_view code);

}  // namespace probity

#endif  // PROBITY_ENGINE_LINK_DATA_H_
