// Ingest throughput: read, normalise, index and persist a person CSV.
//
// Generates a realistic probation-style CSV once (PROBITY_BENCH_ROWS rows,
// default 1,000,000), then measures each stage separately so a regression
// shows where it happened:
//   BM_ReadCsv          CSV parsing only
//   BM_ReadNormalise    + normalisation of every field (one thread)
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

// A deterministic CSV with realistic variety: common and rare names, accents,
// a share of missing values, quoted fields.
const std::string& CsvPath() {
  static const std::string path = [] {
    const char* forenames[] = {"John", "Mohammed", "Siobhán", "Łukasz", "Olivia", "Chloé",
                               "David", "Aisha", "Oluwaseun", "Zoë", "James", "Sarah"};
    const char* surnames[] = {"Smith", "Khan", "Ó Briain", "Wróbel", "Jones", "Smith-Jones",
                              "O'Neil", "Okafor", "Patel", "MacDonald", "Williams", "Nguyễn"};
    const char* postcodes[] = {"SW1A 1AA", "cr3 6gy", "M1 1AE", "B33 8TH", "LS1 4AP", "CF10 1EP"};
    std::string p = BenchDir() + "/people.csv";
    std::FILE* f = std::fopen(p.c_str(), "wb");
    std::string buf = "crn,forenames,surname,dob,sex,pnc,postcode\n";
    uint64_t x = 88172645463325252ull;
    auto next = [&] {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      return x;
    };
    for (size_t i = 0; i < BenchRows(); ++i) {
      const uint64_t r = next();
      const int year = 1950 + static_cast<int>(r % 55);
      const int serial = static_cast<int>((r >> 8) % 9999999);
      buf += fmt::format("X{:07},{} {},\"{}\",{:02}/{:02}/{},{},{},{}\n", i,
                         forenames[r % 12], forenames[(r >> 4) % 12], surnames[(r >> 12) % 12],
                         1 + (r >> 20) % 28, 1 + (r >> 25) % 12, year, (r >> 30) % 2 ? "M" : "F",
                         (r >> 31) % 3 ? fmt::format("{}/{:07}A", year + 20, serial) : "",
                         (r >> 33) % 10 ? postcodes[(r >> 36) % 6] : "");
      if (buf.size() > (1 << 20)) {
        std::fwrite(buf.data(), 1, buf.size(), f);
        buf.clear();
      }
    }
    std::fwrite(buf.data(), 1, buf.size(), f);
    std::fclose(f);
    return p;
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
    while ((*reader)->Next(&row)) {
      builder->Build(row.fields, &record, &quality);
      ++rows;
    }
    benchmark::DoNotOptimize(record);
  }
  state.SetItemsProcessed(static_cast<int64_t>(rows));
}
BENCHMARK(BM_ReadNormalise)->Unit(benchmark::kMillisecond)->Iterations(2);

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
