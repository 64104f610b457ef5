// Real-time Engine (engine/probity.h) over a store of about a million records.
//
// The store is built once by the batch path (synthetic data of
// PROBITY_BENCH_PEOPLE people, default 330,000: ~1M probation and police
// records; `RunLinkage` ingests and trains) and cached in
// $TMPDIR/probity_realtime_bench (or /tmp/...); delete it to rebuild. Building
// takes a minute or two. PROBITY_BENCH_SETTINGS names other settings to link
// the generated data with (e.g. other blocking rules).
//
// Figures:
//   BM_MatchLatency         per-call latency percentiles (p50/p99/p99.9, in us) of
//                           Match(record, k = 10) for real stored records
//   BM_MatchThroughput      matches per second with 1 and 2 threads
//   BM_MatchAndAssign       new records (real contents under new ids) matched,
//   BM_Upsert               clustered and stored / stored, on a hard-linked copy
//                           of the store, so the cached store stays as built
// Targets: p99 under 1 ms; at least 20,000 matches/s on 2 cores.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"
#include "engine/csv_reader.h"
#include "engine/date.h"
#include "engine/probity.h"
#include "engine/settings.h"
#include "storage/store.h"
#include "tools/linkage_steps.h"
#include "tools/synth.h"

namespace probity {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kMatchK = 10;
constexpr size_t kQueries = 40000;  // sampled evenly from both sources

std::string BenchDir() {
  const char* base = getenv("TMPDIR");
  return std::string(base != nullptr && *base ? base : "/tmp") + "/probity_realtime_bench";
}

// PROBITY_BENCH_SETTINGS: settings to link the generated data with instead of
// the generator's (e.g. other blocking rules); the store is rebuilt when it changes.
std::string SettingsOverride() {
  const char* settings = getenv("PROBITY_BENCH_SETTINGS");
  return settings != nullptr ? settings : "";
}

uint64_t People() {
  const char* people = getenv("PROBITY_BENCH_PEOPLE");
  return people != nullptr && *people ? std::strtoull(people, nullptr, 10) : 330000;
}

// Reads every `every`-th row of a source's CSV as an InputRecord (field names,
// aliases split, ISO dates), as a service would pass it.
std::vector<InputRecord> SampleInputs(const SourceSettings& source, const std::string& path,
                                      size_t every) {
  std::vector<InputRecord> out;
  auto reader = CsvReader::Open(path, CsvOptions{});
  if (!reader.ok()) return out;
  const std::vector<std::string>& header = (*reader)->header();
  auto column = [&](const std::string& name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const size_t id_column = column(source.id_column);
  CsvRow row;
  for (size_t n = 0; (*reader)->Next(&row); ++n) {
    if (n % every != 0 || !row.error.empty()) continue;
    InputRecord r;
    r.source = source.name;
    r.id = std::string(row.fields[id_column]);
    for (const FieldMapping& m : source.fields) {
      const std::string_view text = row.fields[column(m.column)];
      std::vector<std::string> values;
      if (m.separator.empty()) {
        values.emplace_back(text);
      } else {
        for (absl::string_view v : absl::StrSplit(absl::string_view(text.data(), text.size()),
                                                  m.separator)) {
          values.emplace_back(v);
        }
      }
      if (m.kind == FieldKind::kDob && m.date_format != DateFormat::kYYYY_MM_DD) {
        for (std::string& v : values) {
          DayNumber day = 0;
          v = ParseDate(v, m.date_format, &day) == DateParseResult::kOk ? FormatIsoDate(day)
                                                                        : std::string();
        }
      }
      r.fields.emplace_back(m.name, std::move(values));
    }
    out.push_back(std::move(r));
  }
  return out;
}

size_t CountLines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

// The cached store, its settings, and sampled query records.
struct Fixture {
  std::string dir;
  std::string store;
  std::vector<InputRecord> queries;
  std::unique_ptr<Engine> engine;  // on `store`, for the Match benchmarks
  bool ok = false;
};

bool BuildStore(const std::string& dir, uint64_t people, const std::string& settings) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  std::fprintf(stderr, "building the benchmark store in %s (%llu people)...\n", dir.c_str(),
               static_cast<unsigned long long>(people));
  const auto start = Clock::now();
  SynthOptions synth;
  synth.people = people;
  synth.out_dir = dir + "/data";
  if (absl::StatusOr<SynthSummary> s = GenerateSyntheticData(synth); !s.ok()) {
    std::fprintf(stderr, "synth: %s\n", std::string(s.status().message()).c_str());
    return false;
  }
  if (!settings.empty()) fs::copy_file(settings, dir + "/data/settings.json",
                                       fs::copy_options::overwrite_existing, ec);
  if (ec) return false;
  RunArgs args;
  args.settings = dir + "/data/settings.json";
  args.inputs = {"probation=" + dir + "/data/probation.csv", "police=" + dir + "/data/police.csv"};
  args.out_dir = dir + "/out";
  args.db = dir + "/store";
  args.quiet = true;
  absl::StatusOr<RunOutcome> run = RunLinkage(args);
  if (!run.ok()) {
    std::fprintf(stderr, "run: %s\n", std::string(run.status().message()).c_str());
    return false;
  }
  // pairs.csv is not needed and large.
  fs::remove(dir + "/out/pairs.csv", ec);
  std::ofstream(dir + "/ready") << people << " " << settings << " format "
                                << storage::kFormatVersion << "\n";
  std::fprintf(stderr, "built: %llu records in %.0f s\n",
               static_cast<unsigned long long>(run->records),
               std::chrono::duration<double>(Clock::now() - start).count());
  return true;
}

Fixture& GetFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    f->dir = BenchDir();
    f->store = f->dir + "/store";
    const uint64_t people = People();
    const std::string settings_file = SettingsOverride();
    // A store of another format version cannot be opened: rebuilt too.
    const std::string key = std::to_string(people) + " " + settings_file + " format " +
                            std::to_string(storage::kFormatVersion);
    std::string ready;
    std::getline(std::ifstream(f->dir + "/ready"), ready);
    if (ready != key && !BuildStore(f->dir, people, settings_file)) return f;
    absl::StatusOr<Settings> settings = Settings::Load(f->dir + "/data/settings.json");
    if (!settings.ok()) return f;
    for (const SourceSettings& source : settings->sources) {
      const std::string path = f->dir + "/data/" + source.name + ".csv";
      const size_t rows = CountLines(path);
      const size_t every = std::max<size_t>(1, rows / (kQueries / 2));
      std::vector<InputRecord> sample = SampleInputs(source, path, every);
      f->queries.insert(f->queries.end(), sample.begin(), sample.end());
    }
    // Interleave the sources so any prefix mixes both.
    std::vector<InputRecord> mixed;
    const size_t half = f->queries.size() / 2;
    for (size_t i = 0; i < half; ++i) {
      mixed.push_back(f->queries[i]);
      if (half + i < f->queries.size()) mixed.push_back(f->queries[half + i]);
    }
    f->queries = std::move(mixed);
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(f->store, {});
    if (!engine.ok()) {
      std::fprintf(stderr, "open: %s\n", std::string(engine.status().message()).c_str());
      return f;
    }
    f->engine = *std::move(engine);
    f->ok = !f->queries.empty();
    return f;
  }();
  return *fixture;
}

void ReportPercentiles(benchmark::State& state, std::vector<double> micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))];
  };
  double sum = 0;
  for (double m : micros) sum += m;
  state.counters["mean_us"] = sum / static_cast<double>(micros.size());
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["p99.9_us"] = at(0.999);
  state.counters["max_us"] = micros.back();
}

void BM_MatchLatency(benchmark::State& state) {
  Fixture& f = GetFixture();
  if (!f.ok) return state.SkipWithError("no benchmark store");
  std::vector<double> micros;
  micros.reserve(static_cast<size_t>(state.max_iterations));
  size_t i = 0, candidates = 0;
  for (auto _ : state) {
    const InputRecord& q = f.queries[i++ % f.queries.size()];
    const auto start = Clock::now();
    absl::StatusOr<std::vector<Candidate>> found = f.engine->Match(q, kMatchK);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!found.ok()) return state.SkipWithError(std::string(found.status().message()).c_str());
    candidates += found->size();
  }
  state.counters["returned"] =
      static_cast<double>(candidates) / static_cast<double>(std::max<size_t>(1, micros.size()));
  ReportPercentiles(state, std::move(micros));
  // How many stored records a look-up scores (every candidate, not just k).
  size_t scored = 0, capped = 0;
  constexpr size_t kSample = 500;
  for (size_t q = 0; q < kSample; ++q) {
    absl::StatusOr<std::vector<Candidate>> all =
        f.engine->Match(f.queries[q * f.queries.size() / kSample], size_t{1} << 30);
    if (!all.ok()) continue;
    scored += all->size();
    capped += all->size() >= EngineOptions().max_candidates ? 1 : 0;
  }
  state.counters["scored"] = static_cast<double>(scored) / kSample;
  state.counters["capped"] = static_cast<double>(capped) / kSample;
}
BENCHMARK(BM_MatchLatency)->Iterations(20000)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_MatchThroughput(benchmark::State& state) {
  Fixture& f = GetFixture();
  if (!f.ok) return state.SkipWithError("no benchmark store");
  // Threads start at different offsets so they do not query the same records.
  size_t i = static_cast<size_t>(state.thread_index()) * f.queries.size() / 2;
  for (auto _ : state) {
    absl::StatusOr<std::vector<Candidate>> found =
        f.engine->Match(f.queries[i++ % f.queries.size()], kMatchK);
    if (!found.ok()) return state.SkipWithError(std::string(found.status().message()).c_str());
    benchmark::DoNotOptimize(found->data());
  }
  state.counters["matches/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MatchThroughput)
    ->Threads(1)
    ->Threads(2)
    ->MinTime(5)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// A copy of the store sharing its (immutable) table files through hard links,
// so writes leave the cached store untouched. Valid for a closed store.
bool CopyStore(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::remove_all(to, ec);
  fs::create_directories(to, ec);
  if (ec) return false;
  fs::permissions(to, fs::perms::owner_all, ec);
  for (const fs::directory_entry& e : fs::directory_iterator(from, ec)) {
    if (!e.is_regular_file()) continue;
    const fs::path target = fs::path(to) / e.path().filename();
    if (e.path().extension() == ".sst") {
      fs::create_hard_link(e.path(), target, ec);
      if (!ec) continue;
      ec.clear();
    }
    fs::copy_file(e.path(), target, ec);
    if (ec) return false;
  }
  return !ec;
}

// Writes go to a copy opened while the Match engine is closed (one process
// per store applies to the copy too, but the two are different directories).
void RunWrites(benchmark::State& state, bool assign) {
  Fixture& f = GetFixture();
  if (!f.ok) return state.SkipWithError("no benchmark store");
  const std::string copy = f.dir + "/scratch";
  f.engine.reset();  // a consistent closed store to copy
  const bool copied = CopyStore(f.store, copy);
  absl::StatusOr<std::unique_ptr<Engine>> reopened = Engine::Open(f.store, {});
  if (reopened.ok()) f.engine = *std::move(reopened);
  if (!copied || f.engine == nullptr) return state.SkipWithError("cannot copy the store");
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(copy, {});
  if (!engine.ok()) return state.SkipWithError(std::string(engine.status().message()).c_str());

  std::vector<double> micros;
  size_t i = 0, links = 0;
  for (auto _ : state) {
    InputRecord r = f.queries[i % f.queries.size()];
    r.id = "bench-" + std::to_string(i++);
    const auto start = Clock::now();
    absl::Status s;
    if (assign) {
      absl::StatusOr<Assignment> a = (*engine)->MatchAndAssign(r);
      s = a.status();
      if (a.ok()) links += a->links.size();
    } else {
      s = (*engine)->Upsert(r);
    }
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!s.ok()) return state.SkipWithError(std::string(s.message()).c_str());
  }
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  if (assign) {
    state.counters["links"] =
        static_cast<double>(links) / static_cast<double>(std::max<size_t>(1, micros.size()));
  }
  ReportPercentiles(state, std::move(micros));
  engine->reset();
  std::error_code ec;
  fs::remove_all(copy, ec);
}

// Engine::Open on the 1M-record store: with the in-memory mirror (argument 1)
// it loads every record and the block index; without (0) it only opens.
void BM_Open(benchmark::State& state) {
  Fixture& f = GetFixture();
  if (!f.ok) return state.SkipWithError("no benchmark store");
  f.engine.reset();  // one process per store: the fixture's engine steps aside
  EngineOptions options;
  options.in_memory = state.range(0) != 0;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(f.store, options);
    if (!engine.ok()) return state.SkipWithError(std::string(engine.status().message()).c_str());
    state.PauseTiming();
    engine->reset();
    state.ResumeTiming();
  }
  absl::StatusOr<std::unique_ptr<Engine>> reopened = Engine::Open(f.store, {});
  if (reopened.ok()) f.engine = *std::move(reopened);
}
BENCHMARK(BM_Open)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MatchAndAssign(benchmark::State& state) { RunWrites(state, true); }
BENCHMARK(BM_MatchAndAssign)->Iterations(10000)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_Upsert(benchmark::State& state) { RunWrites(state, false); }
BENCHMARK(BM_Upsert)->Iterations(10000)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace probity
