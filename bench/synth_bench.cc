// Throughput of the synthetic data generator (people on probation per second,
// with their police records, disposals and truth written to disk).
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "benchmark/benchmark.h"
#include "tools/synth.h"

namespace probity {
namespace {

std::string MakeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/probity_synth_XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

void BM_GenerateSyntheticData(benchmark::State& state) {
  const std::string dir = MakeTempDir();
  if (dir.empty()) {
    state.SkipWithError("mkdtemp failed");
    return;
  }
  SynthOptions options;
  options.people = static_cast<uint64_t>(state.range(0));
  options.seed = 1;
  options.out_dir = dir + "/out";
  uint64_t rows = 0;
  for (auto _ : state) {
    auto summary = GenerateSyntheticData(options);
    if (!summary.ok()) {
      state.SkipWithError(std::string(summary.status().message()).c_str());
      break;
    }
    rows += summary->probation_rows + summary->police_rows + summary->disposal_rows;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.counters["rows_per_second"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_GenerateSyntheticData)->Arg(20'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GenerateSyntheticData)
    ->Arg(1'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace
}  // namespace probity
