// Ingest throughput: read, normalise, index and persist a person CSV.
//
// Generates a realistic probation CSV once with the synthetic data generator
// (PROBITY_BENCH_ROWS rows, default 1,000,000), then measures each stage
// separately so a regression shows where it happened:
//   BM_ReadCsv          CSV parsing only
//   BM_ReadNormalise    + normalisation of every field (one thread); /1 with a
//                       NameCache, as ingest normalises, /0 without
//   BM_BlockKeys        block keys and term-count terms of normalised records
//                       (the default rules of these settings), one thread
//   BM_IngestToStore    the whole pipeline into a fresh RocksDB store (all cores)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "engine/csv_reader.h"
#include "engine/ingest.h"
#include "engine/record_builder.h"
#include "fmt/format.h"
#include "tools/synth.h"

namespace probity {
namespace {

constexpr const char* kSettings = R"({"link_type": "dedupe_only", "sources": {"probation": {
  "id": "crn", "fields": {"forename": "forenames", "surname": "surname",
  "dob": {"column": "dob", "format": "DD/MM/YYYY"}, "sex": "sex", "pnc": "pnc",
  "postcode": "postcode"}}}})";

size_t BenchRows() {
  const char* env = std::getenv("PROBITY_BENCH_ROWS");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 1000000;
}

const std::string& BenchDir() {
  static const std::string dir = [] {
    std::string d = (std::filesystem::temp_directory_path() / "probity_ingest_bench").string();
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// The probation extract of `probity synth` (normal difficulty, seed 1):
// realistic name, date and postcode distributions, typos, aliases and missing
// values, so block sizes and term counts look like real data. Generated once
// per PROBITY_BENCH_ROWS and kept in the bench folder.
const std::string& CsvPath() {
  static const std::string path = [] {
    const std::string dir = fmt::format("{}/synth-{}", BenchDir(), BenchRows());
    const std::string csv = dir + "/probation.csv";
    if (!std::filesystem::exists(csv)) {
      SynthOptions options;
      options.people = BenchRows();
      options.out_dir = dir;
      absl::StatusOr<SynthSummary> made = GenerateSyntheticData(options);
      if (!made.ok()) {
        std::fprintf(stderr, "%s\n", std::string(made.status().message()).c_str());
        std::exit(1);
      }
      // Only the probation extract is measured; the rest is several times its size.
      for (const char* other : {"police.csv", "disposals.csv", "inspections.csv", "truth.csv"}) {
        std::filesystem::remove(dir + "/" + other);
      }
    }
    return csv;
  }();
  return path;
}

void BM_ReadCsv(benchmark::State& state) {
  const std::string& path = CsvPath();
  size_t rows = 0;
  for (auto _ : state) {
    auto reader = CsvReader::Open(path, CsvOptions{});
    CsvRow row;
    while ((*reader)->Next(&row)) ++rows;
  }
  state.SetItemsProcessed(static_cast<int64_t>(rows));
  state.SetBytesProcessed(static_cast<int64_t>(std::filesystem::file_size(path) *
                                               static_cast<uint64_t>(state.iterations())));
}
BENCHMARK(BM_ReadCsv)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ReadNormalise(benchmark::State& state) {
  const std::string& path = CsvPath();
  const Settings settings = *Settings::Parse(kSettings, "bench");
  size_t rows = 0;
  for (auto _ : state) {
    auto reader = CsvReader::Open(path, CsvOptions{});
    auto builder = RecordBuilder::Create(settings, settings.sources[0], (*reader)->header(), path);
    CsvRow row;
    Record record;
    std::vector<FieldQuality> quality;
    NameCache names;
    NameCache* cache = state.range(0) != 0 ? &names : nullptr;
    while ((*reader)->Next(&row)) {
      builder->Build(row.fields, &record, &quality, cache);
      ++rows;
    }
    benchmark::DoNotOptimize(record);
    if (cache != nullptr && names.hits() + names.misses() > 0) {
      state.counters["name_hits"] = static_cast<double>(names.hits()) /
                                    static_cast<double>(names.hits() + names.misses());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(rows));
}
BENCHMARK(BM_ReadNormalise)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_BlockKeys(benchmark::State& state) {
  const std::string& path = CsvPath();
  const Settings settings = *Settings::Parse(kSettings, "bench");
  const std::vector<BlockingRule> rules = *BlockingRulesFromSettings(settings);
  std::vector<Record> records;
  {
    auto reader = CsvReader::Open(path, CsvOptions{});
    auto builder = RecordBuilder::Create(settings, settings.sources[0], (*reader)->header(), path);
    CsvRow row;
    std::vector<FieldQuality> quality;
    while (records.size() < 200000 && (*reader)->Next(&row)) {
      records.emplace_back();
      builder->Build(row.fields, &records.back(), &quality);
    }
  }
  std::vector<storage::BlockKey> keys;
  std::vector<storage::TfTerm> terms;
  size_t made = 0;
  for (auto _ : state) {
    for (const Record& record : records) {
      keys.clear();
      AppendBlockKeys(rules, record, &keys);
      terms.clear();
      if (state.range(0) != 0) AppendTfTerms(record, &terms);
      made += keys.size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(records.size() * state.iterations()));
  state.counters["keys_per_record"] =
      static_cast<double>(made) / static_cast<double>(records.size() * state.iterations());
}
BENCHMARK(BM_BlockKeys)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_IngestToStore(benchmark::State& state) {
  const std::string& path = CsvPath();
  const Settings settings = *Settings::Parse(kSettings, "bench");
  size_t rows = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string db = BenchDir() + "/db";
    std::filesystem::remove_all(db);
    auto store = storage::Store::Open(db);
    state.ResumeTiming();
    IngestOptions options;
    options.rejects_path = BenchDir() + "/rejects.csv";
    auto report = Ingest(**store, settings, {IngestInput{"probation", path}}, options);
    if (!report.ok()) state.SkipWithError(std::string(report.status().message()).c_str());
    rows += report.ok() ? report->sources[0].stored : 0;
    state.PauseTiming();
    store->reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(rows));
}
BENCHMARK(BM_IngestToStore)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace
}  // namespace probity
