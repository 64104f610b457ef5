// Rendering a record's normalised values as text, for export and statistics.
#ifndef PROBITY_ENGINE_RECORD_TEXT_H_
#define PROBITY_ENGINE_RECORD_TEXT_H_

#include <string>
#include <vector>

#include "engine/record.h"
#include "engine/settings.h"

namespace probity {

// The normalised values of one mapped field, as text: names as normalised,
// dates as YYYY-MM-DD, postcodes and identifiers in canonical form. For a
// custom field, `custom_index` is its index among the source's custom fields.
std::vector<std::string> FieldValuesAsText(const Record& record, const FieldMapping& mapping,
                                           uint8_t custom_index);

// Extra derived columns shown by export: name -> its Double Metaphone codes,
// postcode -> valid flag, identifier -> check status. Empty when none.
std::vector<std::string> DerivedColumnNames(const FieldMapping& mapping);
std::vector<std::string> DerivedValuesAsText(const Record& record, const FieldMapping& mapping);

std::string_view IdStatusName(IdStatus status);

}  // namespace probity

#endif  // PROBITY_ENGINE_RECORD_TEXT_H_
