// probity run: ingest, train, link, cluster and write the outputs in one go.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "engine/ingest.h"
#include "engine/linker.h"
#include "engine/rejects_writer.h"
#include "engine/training.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "tools/commands.h"
#include "tools/linkage_steps.h"

namespace probity {

int RunRunCommand(const RunArgs& args) {
  absl::StatusOr<RunOutcome> outcome = RunLinkage(args);
  if (!outcome.ok()) return ReportFailure(outcome.status());
  if (!args.quiet) std::fputs(outcome->summary_text.c_str(), stdout);
  return 0;
}

}  // namespace probity
