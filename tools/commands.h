// The probity subcommands. Each returns the process exit status and prints a
// one-line reason on stderr when it fails.
#ifndef PROBITY_TOOLS_COMMANDS_H_
#define PROBITY_TOOLS_COMMANDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "storage/store.h"

namespace probity {

// Prints "probity: <message>" on stderr and returns 1.
int ReportFailure(const absl::Status& status);

struct IngestArgs {
  std::string db;
  std::string settings;
  std::vector<std::string> inputs;  // NAME=FILE
  std::string rejects = "rejects.csv";
  // MiB for records waiting to be written: the store's default.
  int64_t memory_mib =
      static_cast<int64_t>(storage::Store::BulkWriterOptions{}.memory_bytes >> 20);
};
int RunIngestCommand(const IngestArgs& args);

int RunStatsCommand(const std::string& db);

struct ExportArgs {
  std::string db;
  std::string source;
  std::string out;  // empty: stdout
};
int RunExportCommand(const ExportArgs& args);

struct RunArgs {
  std::string settings;
  std::vector<std::string> inputs;  // NAME=FILE
  std::string out_dir;
  std::string db;                  // empty: OUT/store, rebuilt each run
  std::optional<double> threshold;  // overrides the settings
  bool one_to_one = false;          // overrides the settings when set
  uint64_t seed = 42;
  uint64_t u_pairs = 2'000'000;  // random pairs that estimate u
  int threads = 0;
  double floor = 0.01;
  bool quiet = false;
  bool verbose = false;             // training log on stderr
  std::string pseudonym_key;        // key file: pseudonymised ids in pairs.csv and clusters.csv
};
int RunRunCommand(const RunArgs& args);

struct StoreJobArgs {
  std::string db;
  std::string out_dir;  // link/cluster outputs
  std::string pairs;    // cluster: pairs.csv to read (default OUT/pairs.csv)
  std::optional<double> threshold;
  bool one_to_one = false;
  uint64_t seed = 42;
  uint64_t u_pairs = 2'000'000;
  int threads = 0;
  double floor = 0.01;
  std::string model;  // train: also write the model here; link: use this model file
  std::string labels;  // train: known matches (source,record_id,person_id) instead of EM
  std::string pseudonym_key;  // cluster: key file, pseudonymised ids in clusters.csv
};
int RunTrainCommand(const StoreJobArgs& args);
int RunLinkCommand(const StoreJobArgs& args);
int RunClusterCommand(const StoreJobArgs& args);

// probity pseudonymise (see tools/pseudonym.h).
int RunPseudonymiseCommand(const std::string& key_file, const std::string& input,
                           const std::string& out, const std::string& column,
                           const std::string& source, const std::string& source_column);

struct ExplainArgs {
  std::string db;
  std::string left;   // SOURCE:ID
  std::string right;  // SOURCE:ID
};
int RunExplainCommand(const ExplainArgs& args);

struct MatchArgs {
  std::string db;
  std::string record;  // JSON: canonical field names, ISO dates; "source" defaults to the first
  size_t k = 10;       // candidates listed
  bool json = false;   // one JSON object instead of text
};
int RunMatchCommand(const MatchArgs& args);

struct EvalArgs {
  std::string pairs;
  std::string truth;
  double threshold = 0.5;
  std::string json;       // empty: no JSON report
  uint64_t top = 10;      // false and missed links listed
  std::string link_type;  // empty: infer which pairs are true pairs
  std::string db;         // with a store: explain each listed false and missed link
};
int RunEvalCommand(const EvalArgs& args);

struct SynthArgs {
  uint64_t people = 20000;
  uint64_t seed = 1;
  std::string out_dir;
  std::string difficulty = "normal";
};
int RunSynthCommand(const SynthArgs& args);

struct OutcomesArgs {
  std::string settings;     // with an "outcomes" section
  std::string pairs;        // pairs.csv of probity run
  std::string clusters;     // optional clusters.csv: an extra table
  std::string out_dir;
  std::optional<double> threshold;  // default: the settings' threshold
  std::string truth;        // optional outcomes_truth.json (planted truth): bias
  std::string link_truth;   // optional truth.csv: precision/recall, true-link table
  std::string model;        // default: model.json next to pairs.csv when present
  std::string db;           // default: the store next to pairs.csv when present
  std::string sentences;    // override the settings' file paths
  std::string inspections;
  std::string disposals;
  bool naive = false;       // also tabulate naive exact surname + dob matching (needs the store)
  bool quiet = false;
};
int RunOutcomesCommand(const OutcomesArgs& args);

struct DemoArgs {
  std::string dir = "probity-demo";
  uint64_t people = 20000;
  uint64_t seed = 1;
  std::string difficulty = "normal";
};
int RunDemoCommand(const DemoArgs& args);

}  // namespace probity

#endif  // PROBITY_TOOLS_COMMANDS_H_
