// Throughput of CsvReader on ~50 MB of synthetic person records (about 100
// bytes a row, mostly unquoted, some quoted addresses holding commas).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "benchmark/benchmark.h"
#include "engine/csv_reader.h"

namespace probity {
namespace {

constexpr size_t kTargetBytes = 50u << 20;

std::string MakePersonCsv() {
  static const char* const kForenames[] = {"Liam",  "Olivia", "Noah",    "Amelia", "Oliver",
                                           "Isla",  "George", "Ava",     "Arthur", "Mia",
                                           "Zoë",   "Seán",   "Muhammad", "Grace", "Jack"};
  static const char* const kSurnames[] = {"Smith", "Jones",    "Taylor", "Brown",   "Williams",
                                          "Wilson", "Johnson", "Davies", "O'Brien", "Patel",
                                          "Khan",  "Penbridge", "Evans", "Thomas",  "Roberts"};
  static const char* const kStreets[] = {"High Street", "Station Road", "Church Lane",
                                         "Victoria Road", "Mill Lane", "Park Avenue"};
  static const char* const kTowns[] = {"Croydon", "Leeds", "Bristol", "Norwich", "York"};
  std::mt19937 rng(42);
  std::string out = "person_id,forename,surname,dob,sex,postcode,address,pnc_id\n";
  out.reserve(kTargetBytes + 4096);
  char line[512];
  for (uint64_t id = 1; out.size() < kTargetBytes; ++id) {
    const char* forename = kForenames[rng() % std::size(kForenames)];
    const char* surname = kSurnames[rng() % std::size(kSurnames)];
    const unsigned year = 1940 + rng() % 65, month = 1 + rng() % 12, day = 1 + rng() % 28;
    const char sex = rng() % 2 ? 'M' : 'F';
    const unsigned number = 1 + rng() % 200;
    const char* street = kStreets[rng() % std::size(kStreets)];
    const char* town = kTowns[rng() % std::size(kTowns)];
    const char pc1 = static_cast<char>('A' + rng() % 26);
    const char pc2 = static_cast<char>('A' + rng() % 26);
    const unsigned pcn = rng() % 10;
    int n;
    if (rng() % 10 == 0) {  // one row in ten quotes its address
      n = std::snprintf(line, sizeof(line),
                        "P%09llu,%s,%s,%04u-%02u-%02u,%c,%c%c%u %u%c%c,\"%u %s, %s\",%02u/%06u%c\n",
                        static_cast<unsigned long long>(id), forename, surname, year, month, day,
                        sex, pc1, pc2, pcn, pcn, pc2, pc1, number, street, town, year % 100,
                        static_cast<unsigned>(id % 1000000), pc1);
    } else {
      n = std::snprintf(line, sizeof(line),
                        "P%09llu,%s,%s,%04u-%02u-%02u,%c,%c%c%u %u%c%c,%u %s %s,%02u/%06u%c\n",
                        static_cast<unsigned long long>(id), forename, surname, year, month, day,
                        sex, pc1, pc2, pcn, pcn, pc2, pc1, number, street, town, year % 100,
                        static_cast<unsigned>(id % 1000000), pc1);
    }
    out.append(line, static_cast<size_t>(n));
  }
  return out;
}

// The generated data, in memory and in a temporary file removed at exit.
struct Fixture {
  std::string data;
  std::string path;
  Fixture() : data(MakePersonCsv()) {
    const char* base = std::getenv("TMPDIR");
    path = std::string(base && *base ? base : "/tmp") + "/probity_csv_bench_XXXXXX";
    const int fd = mkstemp(path.data());
    if (fd < 0 || write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
      std::perror("csv_bench: cannot write temporary file");
      std::abort();
    }
    close(fd);
  }
  ~Fixture() { unlink(path.c_str()); }
};

const Fixture& GetFixture() {
  static const Fixture fixture;
  return fixture;
}

void Drain(benchmark::State& state, CsvReader* reader, size_t bytes) {
  CsvRow row;
  int64_t rows = 0, errors = 0;
  size_t field_bytes = 0;
  while (reader->Next(&row)) {
    ++rows;
    errors += row.error.empty() ? 0 : 1;
    field_bytes += row.fields[1].size();
  }
  benchmark::DoNotOptimize(field_bytes);
  if (!reader->status().ok() || errors != 0 || reader->bytes_read() != bytes) {
    state.SkipWithError("unexpected read errors");
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.SetItemsProcessed(state.items_processed() + rows);
}

// Reading the file: fread in 1 MiB chunks plus parsing (page cache warm).
void BM_CsvReadFile(benchmark::State& state) {
  const Fixture& f = GetFixture();
  for (auto _ : state) {
    auto reader = CsvReader::Open(f.path, {});
    if (!reader.ok()) {
      state.SkipWithError("open failed");
      return;
    }
    Drain(state, reader->get(), f.data.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.data.size()));
}
BENCHMARK(BM_CsvReadFile)->Unit(benchmark::kMillisecond);

// Parsing alone, from memory (includes copying the 50 MB string in).
void BM_CsvParseMemory(benchmark::State& state) {
  const Fixture& f = GetFixture();
  for (auto _ : state) {
    auto reader = CsvReader::FromString(f.data, {});
    if (!reader.ok()) {
      state.SkipWithError("open failed");
      return;
    }
    Drain(state, reader->get(), f.data.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.data.size()));
}
BENCHMARK(BM_CsvParseMemory)->Unit(benchmark::kMillisecond);

// Without UTF-8 validation, to show its share.
void BM_CsvReadFileNoValidation(benchmark::State& state) {
  const Fixture& f = GetFixture();
  CsvOptions options;
  options.validate_utf8 = false;
  for (auto _ : state) {
    auto reader = CsvReader::Open(f.path, options);
    if (!reader.ok()) {
      state.SkipWithError("open failed");
      return;
    }
    Drain(state, reader->get(), f.data.size());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.data.size()));
}
BENCHMARK(BM_CsvReadFileNoValidation)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace probity
