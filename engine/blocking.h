// Blocking rules: which records are compared at all.
//
// A rule is a conjunction of key parts ("surname Double Metaphone" AND "year of
// birth"); two records are candidates under a rule when they share a key. A
// record with several values in a field (aliases) gets one key per
// combination, capped at kMaxKeysPerRule.
#ifndef PROBITY_ENGINE_BLOCKING_H_
#define PROBITY_ENGINE_BLOCKING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/record.h"
#include "engine/settings.h"
#include "storage/store.h"

namespace probity {

enum class KeyPart : uint8_t {
  kPnc,
  kCro,
  kNino,
  kSurname,              // each surname token, exact
  kSurnameMetaphone,     // Double Metaphone primary of each surname token
  kForename,             // first token of each forename value, exact
  kForenameMetaphone,    // Double Metaphone primary of the first forename token
  kForenameInitial,      // first letter of the first forename token
  kDob,                  // full date of birth
  kDobYear,              // year of birth
  kDobMonthDay,          // month and day of birth (catches a wrong year)
  kPostcode,             // full valid postcode
  kPostcodeSector,
  kPostcodeDistrict,
  kSex,
  kCustom,               // a custom field's value, exact (BlockingRule::custom_field)
};
std::string_view KeyPartName(KeyPart part);
std::optional<KeyPart> ParseKeyPart(std::string_view name);

inline constexpr size_t kMaxKeysPerRule = 32;

struct BlockingRule {
  uint8_t id = 0;      // persisted in the block index
  std::string name;    // e.g. "surname_metaphone+dob_year"
  std::vector<KeyPart> parts;
  uint8_t custom_field = 0;  // for KeyPart::kCustom: index among the source's custom fields
  // Default rules beyond the core set are optional: skipped (and reported)
  // when they would produce more candidate pairs than the budget.
  bool optional = false;
};

// Default rules for the canonical fields mapped in every source of `settings`
// (or, for dedupe, in its one source).
std::vector<BlockingRule> DefaultBlockingRules(const Settings& settings);

// Rules from the settings' "blocking_rules" (each an array of key part names,
// or a string joining them with '+'), or the defaults when absent. Errors name
// the settings file and the entry.
absl::StatusOr<std::vector<BlockingRule>> BlockingRulesFromSettings(const Settings& settings);

// Appends the rule's block keys for `record` (deduplicated within the rule).
void AppendBlockKeys(const BlockingRule& rule, const Record& record,
                     std::vector<storage::BlockKey>* keys);

// The same for every rule in turn, each key part derived once: the keys equal
// those of AppendBlockKeys called per rule, in the same order.
void AppendBlockKeys(const std::vector<BlockingRule>& rules, const Record& record,
                     std::vector<storage::BlockKey>* keys);

// Term-frequency terms a record contributes: surname values, first forename
// tokens and dates of birth.
void AppendTfTerms(const Record& record, std::vector<storage::TfTerm>* terms);

}  // namespace probity

#endif  // PROBITY_ENGINE_BLOCKING_H_
