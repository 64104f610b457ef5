// The steps of a batch linkage job shared by `run`, `demo` and the store
// subcommands (`train`, `link`, `cluster`).
#ifndef PROBITY_TOOLS_LINKAGE_STEPS_H_
#define PROBITY_TOOLS_LINKAGE_STEPS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/ingest.h"
#include "engine/linker.h"
#include "engine/training.h"
#include "nlohmann/json.hpp"
#include "tools/commands.h"

namespace probity {

struct RunOutcome {
  IngestReport ingest;
  TrainingReport training;
  BlockingStats blocking;
  FsModel model;
  uint64_t pairs_written = 0;
  uint64_t links = 0;
  uint64_t clusters = 0;
  uint64_t records = 0;
  nlohmann::ordered_json summary;
  std::string summary_text;
};

// The whole batch job of `probity run`.
absl::StatusOr<RunOutcome> RunLinkage(const RunArgs& args);

// Refuses, before anything is written, inputs Ingest would refuse (an
// unreadable or empty file, a missing column) and inputs that hold a header but
// no data rows (a failed export). Unknown sources are left to Ingest.
absl::Status CheckInputs(const Settings& settings, const std::vector<IngestInput>& inputs);

// Creates `dir` (and parents) private to the user if it does not exist.
absl::Status MakePrivateDir(const std::string& dir);

// Trains a model for a loaded job, saves it in the store.
absl::StatusOr<FsModel> TrainAndSave(storage::Store& store, const LinkJob& job, uint64_t seed,
                                     uint64_t u_pairs, int threads, bool verbose,
                                     TrainingReport* report);

// Loads the model saved in the store for this job's comparisons.
absl::StatusOr<FsModel> LoadSavedModel(const storage::Store& store, const LinkJob& job);

// Writes a text file private to the user.
absl::Status WriteTextFile(const std::string& path, const std::string& text);

}  // namespace probity

#endif  // PROBITY_TOOLS_LINKAGE_STEPS_H_
