#include <cstdio>

#include "fmt/format.h"
#include "tools/commands.h"
#include "tools/synth.h"

namespace probity {

int RunSynthCommand(const SynthArgs& args) {
  const std::optional<Difficulty> difficulty = ParseDifficulty(args.difficulty);
  if (!difficulty.has_value()) {
    return ReportFailure(absl::InvalidArgumentError(
        fmt::format("--difficulty {}: expected easy, normal or hard", args.difficulty)));
  }
  SynthOptions options;
  options.people = args.people;
  options.seed = args.seed;
  options.out_dir = args.out_dir;
  options.difficulty = *difficulty;
  absl::StatusOr<SynthSummary> summary = GenerateSyntheticData(options);
  if (!summary.ok()) return ReportFailure(summary.status());
  std::printf("%llu probation rows, %llu police rows, %llu disposals, %llu inspections written to %s\n",
              static_cast<unsigned long long>(summary->probation_rows),
              static_cast<unsigned long long>(summary->police_rows),
              static_cast<unsigned long long>(summary->disposal_rows),
              static_cast<unsigned long long>(summary->inspection_rows), args.out_dir.c_str());
  return 0;
}

}  // namespace probity
