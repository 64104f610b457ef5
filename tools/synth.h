// Synthetic probation and police data with ground truth, for tests, benchmarks
// and the demo.
//
// GenerateSyntheticData writes, into options.out_dir (created with mode 0700
// if missing; files are created 0600 and overwritten):
//   probation.csv   crn,forenames,surname,dob,sex,pnc,postcode,sentence_start,
//                   sentence_type,termination_reason   (dob DD/MM/YYYY)
//   police.csv      pnc_id,forenames,middle_names,surname,dob,sex,postcode
//                   (names upper case ASCII; ";" separates aliases and
//                   alternative dates of birth; dob YYYY-MM-DD)
//   disposals.csv   pnc_id,offence_date,disposal_date,disposal_type
//   inspections.csv crn,engaging,desistance,safety
//   truth.csv       source,record_id,person_id   (one row per probation and
//                   police row; the same person_id means the same person)
//   settings.json   the settings linking probation to police
//   outcomes_truth.json  realised completion and proven reoffending by
//                   supervision-quality group among inspected cases
//
// `people` is the number of distinct people on probation (the cohort). Every one
// of them has a police record; the police extract also holds about as many
// people who were never on probation, plus relatives (twins, siblings, a parent
// with the same name) who share a surname and address with someone in the
// data. Names, dates, postcodes and PNC ids are corrupted per record at rates
// set by `difficulty` (easy about half of normal, hard about double).
//
// Output is a pure function of (people, seed, difficulty): byte-identical on
// every platform and for any number of threads. The generator uses two threads.
// At most kMaxSynthPeople people (PNC serials must stay unique).
#ifndef PROBITY_TOOLS_SYNTH_H_
#define PROBITY_TOOLS_SYNTH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace probity {

enum class Difficulty { kEasy, kNormal, kHard };

inline constexpr uint64_t kMaxSynthPeople = 2'000'000;

struct SynthOptions {
  uint64_t people = 20000;
  uint64_t seed = 1;
  std::string out_dir;
  Difficulty difficulty = Difficulty::kNormal;
};

struct SynthSummary {
  uint64_t people = 0;           // distinct people on probation
  uint64_t probation_rows = 0;   // people, plus second records in hard mode
  uint64_t police_rows = 0;
  uint64_t disposal_rows = 0;
  uint64_t inspection_rows = 0;
};

// Errors: InvalidArgument for an empty out_dir or too many people; Internal
// (naming the file) when a directory or file cannot be created or written.
absl::StatusOr<SynthSummary> GenerateSyntheticData(const SynthOptions& options);

// "easy", "normal", "hard" (case-sensitive); nullopt otherwise.
std::optional<Difficulty> ParseDifficulty(std::string_view name);
std::string_view DifficultyName(Difficulty difficulty);

}  // namespace probity

#endif  // PROBITY_TOOLS_SYNTH_H_
