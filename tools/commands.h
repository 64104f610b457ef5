// The probity subcommands. Each returns the process exit status and prints a
// one-line reason on stderr when it fails.
#ifndef PROBITY_TOOLS_COMMANDS_H_
#define PROBITY_TOOLS_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace probity {

// Prints "probity: <message>" on stderr and returns 1.
int ReportFailure(const absl::Status& status);

struct IngestArgs {
  std::string db;
  std::string settings;
  std::vector<std::string> inputs;  // NAME=FILE
  std::string rejects = "rejects.csv";
};
int RunIngestCommand(const IngestArgs& args);

int RunStatsCommand(const std::string& db);

struct ExportArgs {
  std::string db;
  std::string source;
  std::string out;  // empty: stdout
};
int RunExportCommand(const ExportArgs& args);

struct DemoArgs {
  std::string dir = "probity-demo";
  uint64_t people = 2000;
  uint64_t seed = 1;
  std::string difficulty = "normal";
};
int RunDemoCommand(const DemoArgs& args);

}  // namespace probity

#endif  // PROBITY_TOOLS_COMMANDS_H_
