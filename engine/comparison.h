// Comparisons: for one field, which level of agreement two records reach.
//
// Each comparison has ordered levels; level 0 is always "null" (a value is
// missing on either side; it adds weight 0), level 1 the strongest agreement,
// the last level "else" (disagreement). With several values per side
// (aliases), the best level over all value pairs counts.
#ifndef PROBITY_ENGINE_COMPARISON_H_
#define PROBITY_ENGINE_COMPARISON_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/link_data.h"
#include "engine/settings.h"

namespace probity {

enum class ComparisonKind : uint8_t {
  kForename,     // exact, jw>=0.92, nickname, metaphone, swapped/middle, initial, jw>=0.8
  kSurname,      // exact, jw>=0.92, shared token, metaphone, swapped, jw>=0.8
  kMiddleNames,  // exact, initial, jw>=0.88
  kFullName,     // exact, token jaccard>=0.6, jw>=0.9
  kDob,          // exact, transposed or one digit, within 31 days, within a year
  kSex,          // agree
  kPostcode,     // full, sector, district, area
  kAddress,      // exact, jaccard>=0.6, any shared token
  kIdentifier,   // exact, one edit, mismatch with a failed check letter, (else) mismatch of valid ids
  kCustomExact,  // exact
  kCustomText,   // exact, jw>=0.9
  kCustomDate,   // exact, within 31 days
  kGeneric,      // user-defined: exact, then a level per threshold
};

// For user-defined (generic) comparisons.
enum class Comparator : uint8_t { kExact, kJaroWinkler, kLevenshtein, kDamerauLevenshtein, kJaccard };

inline constexpr size_t kMaxComparisons = 16;
inline constexpr size_t kMaxLevels = 15;  // including null

struct ComparisonSpec {
  std::string name;          // "forename", "dob", or the custom field's name
  FieldKind field = FieldKind::kForename;
  ComparisonKind kind = ComparisonKind::kForename;
  uint8_t custom_field = 0;  // custom fields: index among the source's custom fields
  Comparator comparator = Comparator::kExact;  // generic only
  std::vector<double> thresholds;              // generic only
  std::vector<std::string> level_names;        // index 0 = "null", last = "else"
  // Levels whose weight is adjusted by the term frequency of the value.
  std::vector<bool> tf_adjusted;
  size_t levels() const { return level_names.size(); }
};

// The outcome of comparing two records.
struct Gamma {
  std::array<uint8_t, kMaxComparisons> level{};
  // For TF-adjusted levels: how common the agreeing value is (its count in the
  // data); 0 when not applicable.
  std::array<uint32_t, kMaxComparisons> tf_count{};
  // Pattern key for counting: 4 bits per comparison.
  uint64_t Pack(size_t comparisons) const {
    uint64_t key = 0;
    for (size_t c = 0; c < comparisons; ++c) key |= static_cast<uint64_t>(level[c]) << (4 * c);
    return key;
  }
};

// Fills the level names and TF flags of a spec from its kind.
void DescribeLevels(ComparisonSpec* spec);

// Default comparisons for the canonical and custom fields present in every
// source (link) or in the one source (dedupe).
std::vector<ComparisonSpec> DefaultComparisons(const Settings& settings);

// Comparisons from the settings' "comparisons" array, or the defaults when it
// is absent. Errors name the settings file and the entry.
absl::StatusOr<std::vector<ComparisonSpec>> ComparisonsFromSettings(const Settings& settings);

// Compares records a and b of `data` on every comparison.
void CompareRecords(const std::vector<ComparisonSpec>& specs, const LinkData& data, uint32_t a,
                    uint32_t b, Gamma* gamma);

// The denominator of term frequencies for a comparison's field (0 if none).
uint64_t TfTotal(const ComparisonSpec& spec, const LinkData& data);

}  // namespace probity

#endif  // PROBITY_ENGINE_COMPARISON_H_
