// Turns one input row into a normalised Record, following a source's field
// mappings, and counts what normalisation could not use.
#ifndef PROBITY_ENGINE_RECORD_BUILDER_H_
#define PROBITY_ENGINE_RECORD_BUILDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/date.h"
#include "engine/name_cache.h"
#include "engine/record.h"
#include "engine/settings.h"

namespace probity {

// Per-mapping counts of values seen during normalisation.
struct FieldQuality {
  uint64_t present = 0;     // rows with at least one value (usable or not)
  uint64_t missing = 0;     // rows with no value at all
  uint64_t invalid = 0;     // values dropped or flagged: impossible or future dates,
                            // invalid postcodes, malformed identifiers
  uint64_t bad_check = 0;   // identifiers whose check letter disagrees (kept, flagged)
  void Add(const FieldQuality& other) {
    present += other.present;
    missing += other.missing;
    invalid += other.invalid;
    bad_check += other.bad_check;
  }
};

class RecordBuilder {
 public:
  // Resolves the source's columns against `header`; fails if one is missing.
  static absl::StatusOr<RecordBuilder> Create(const Settings& settings,
                                              const SourceSettings& source,
                                              const std::vector<std::string>& header,
                                              std::string_view input_file);

  // Index of the id column in the header.
  size_t id_column() const { return id_column_; }
  const SourceSettings& source() const { return *source_; }

  // Fills `record` (source and id included) from one row's fields; `quality`
  // has one entry per mapping of the source, in settings order. Names are
  // normalised through `names` when given (a thread's own cache, for loads).
  void Build(const std::vector<std::string_view>& fields, Record* record,
             std::vector<FieldQuality>* quality, NameCache* names = nullptr) const;
  // Starts loading the cache slots Build(fields, ..., names) will read for
  // single-valued name fields; call it a row ahead of Build.
  void PrefetchNames(const std::vector<std::string_view>& fields, const NameCache& names) const;

 private:
  RecordBuilder() = default;
  const SourceSettings* source_ = nullptr;
  size_t id_column_ = 0;
  std::vector<size_t> columns_;  // per mapping
  int current_year_ = 2026;
  DayNumber today_ = 0;
};

// Normalises one name value and derives its phonetic codes.
NameValue MakeNameValue(std::string_view raw);

}  // namespace probity

#endif  // PROBITY_ENGINE_RECORD_BUILDER_H_
