// A person record after normalisation: canonical fields and the keys derived
// from them once, at ingest, so comparisons never re-parse strings.
#ifndef PROBITY_ENGINE_RECORD_H_
#define PROBITY_ENGINE_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/date.h"
#include "engine/identifiers.h"
#include "engine/postcode.h"

namespace probity {

inline bool operator==(const Postcode& a, const Postcode& b) {
  return a.canonical == b.canonical && a.valid == b.valid;
}
inline bool operator==(const Identifier& a, const Identifier& b) {
  return a.canonical == b.canonical && a.status == b.status;
}

// One normalised name value ("SMITH JONES") and the Double Metaphone codes of
// its tokens, space separated in token order ("SM0 JNS" / "XMT ANS").
struct NameValue {
  std::string text;
  std::string metaphone;
  std::string metaphone_alt;
  friend bool operator==(const NameValue&, const NameValue&) = default;
};

// A custom field's value: text for text/category/identifier, a day for dates.
struct CustomValue {
  uint8_t field = 0;  // index among the source's custom fields
  std::string text;
  DayNumber day = 0;
  friend bool operator==(const CustomValue&, const CustomValue&) = default;
};

// Every field may hold several values (aliases, alternative dates of birth);
// an empty vector means missing.
struct Record {
  std::string source;  // not encoded: the store keys records by source and id
  std::string id;      // not encoded
  std::vector<NameValue> forenames;
  std::vector<NameValue> middle_names;
  std::vector<NameValue> surnames;
  std::vector<NameValue> full_names;
  std::vector<DayNumber> dobs;
  char sex = 0;  // 'M', 'F', 'U', or 0 when missing
  std::vector<Postcode> postcodes;
  std::string address;  // normalised tokens, space separated
  std::vector<Identifier> pncs;
  std::vector<Identifier> cros;
  std::vector<Identifier> ninos;
  std::vector<CustomValue> custom;

  // Empties every field (equal to Record() after), keeping the vectors'
  // storage, so a record reused for row after row allocates little.
  void Clear() {
    source.clear();
    id.clear();
    forenames.clear();
    middle_names.clear();
    surnames.clear();
    full_names.clear();
    dobs.clear();
    sex = 0;
    postcodes.clear();
    address.clear();
    pncs.clear();
    cros.clear();
    ninos.clear();
    custom.clear();
  }

  friend bool operator==(const Record&, const Record&) = default;
};

// Compact binary encoding of a record's fields (not its source and id).
// Versioned; decoding rejects truncated or malformed input with an error
// instead of reading out of bounds.
std::string EncodeRecord(const Record& record);
void EncodeRecordTo(const Record& record, std::string* out);
absl::Status DecodeRecord(std::string_view data, Record* record);

}  // namespace probity

#endif  // PROBITY_ENGINE_RECORD_H_
