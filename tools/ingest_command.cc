#include <cstdio>

#include "engine/comparison.h"
#include "engine/ingest.h"
#include "fmt/format.h"
#include "storage/store.h"
#include "tools/commands.h"
#include "tools/linkage_steps.h"

namespace probity {

int ReportFailure(const absl::Status& status) {
  std::string message(status.message());
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';  // one line, always
  }
  std::fprintf(stderr, "probity: %s\n", message.c_str());
  return 1;
}

int RunIngestCommand(const IngestArgs& args) {
  if (args.memory_mib < 16 || args.memory_mib > (int64_t{1} << 20)) {
    return ReportFailure(absl::InvalidArgumentError(
        fmt::format("--memory {}: expected MiB between 16 and 1048576", args.memory_mib)));
  }
  absl::StatusOr<Settings> settings = Settings::Load(args.settings);
  if (!settings.ok()) return ReportFailure(settings.status());
  // Settings are checked whole before any work, as `run` does: a bad
  // comparison would otherwise surface only at `train`.
  if (auto rules = BlockingRulesFromSettings(*settings); !rules.ok()) {
    return ReportFailure(rules.status());
  }
  if (auto specs = ComparisonsFromSettings(*settings); !specs.ok()) {
    return ReportFailure(specs.status());
  }
  std::vector<IngestInput> inputs;
  for (const std::string& spec : args.inputs) {
    absl::StatusOr<IngestInput> input = ParseInputSpec(spec);
    if (!input.ok()) return ReportFailure(input.status());
    inputs.push_back(*input);
  }
  if (absl::Status s = CheckInputs(*settings, inputs); !s.ok()) return ReportFailure(s);
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(args.db);
  if (!store.ok()) return ReportFailure(store.status());
  IngestOptions options;
  options.rejects_path = args.rejects;
  options.show_progress = true;
  options.memory_bytes = static_cast<size_t>(args.memory_mib) << 20;
  absl::StatusOr<IngestReport> report = Ingest(**store, *settings, inputs, options);
  if (!report.ok()) return ReportFailure(report.status());
  for (const SourceIngestReport& s : report->sources) {
    std::printf("%-12s %s: %llu rows read, %llu stored, %llu rejected (%.2f s, %.0f rows/s)\n",
                s.source.c_str(), s.file.c_str(), static_cast<unsigned long long>(s.rows),
                static_cast<unsigned long long>(s.stored),
                static_cast<unsigned long long>(s.rejected), s.seconds,
                s.seconds > 0 ? static_cast<double>(s.rows) / s.seconds : 0.0);
  }
  if (!report->rejects_path.empty()) {
    std::printf("%llu rejected rows written to %s\n",
                static_cast<unsigned long long>(report->rejected), report->rejects_path.c_str());
  }
  uint64_t rows = 0;
  for (const SourceIngestReport& s : report->sources) rows += s.rows;
  std::printf("total        %llu rows in %.2f s (%.0f rows/s), written and indexed\n",
              static_cast<unsigned long long>(rows), report->seconds,
              report->seconds > 0 ? static_cast<double>(rows) / report->seconds : 0.0);
  std::printf("store: %s\n", args.db.c_str());
  return 0;
}

}  // namespace probity
