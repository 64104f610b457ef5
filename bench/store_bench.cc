// Store throughput: bulk loading, single Puts, block look-ups.
//
// Synthetic records look like the engine's: ~200-byte payload, 5 block keys
// (blocks of ~10, ~50 and ~2 records), 3 term-frequency terms from skewed
// vocabularies.
#include <algorithm>
#include <array>
#include <stdlib.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>

#include "benchmark/benchmark.h"
#include "storage/store.h"

namespace probity::storage {
namespace {

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class ScratchDir {
 public:
  ScratchDir() {
    const char* base = getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base ? base : "/tmp") + "/probity_bench_XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  std::string Store() const { return path_ + "/store"; }

 private:
  std::string path_;
};

// *out = prefix + decimal n, without allocating when the capacity suffices.
void SetNum(std::string* out, std::string_view prefix, uint64_t n) {
  char buf[20];
  const auto end = std::to_chars(buf, buf + sizeof(buf), n).ptr;
  out->assign(prefix.data(), prefix.size());
  out->append(buf, static_cast<size_t>(end - buf));
}

// Fills `r` with synthetic record `i` (reusing its storage).
void MakeRecord(uint64_t i, uint16_t source, StoredRecord* r) {
  static const std::string kFiller = [] {
    std::string s(4096, ' ');
    std::mt19937_64 rng(7);
    for (char& c : s) c = static_cast<char>('a' + rng() % 26);
    return s;
  }();
  r->source = source;
  SetNum(&r->id, "P", i);
  r->payload.assign(kFiller, Mix(i) % (kFiller.size() - 200), 200);
  r->block_keys.resize(5);
  const uint64_t buckets[5] = {i % 100000, i % 20000, Mix(i * 3 + 1) % 500000,
                               Mix(i * 3 + 2) % 500000, Mix(i * 3 + 3) % 500000};
  for (uint8_t rule = 0; rule < 5; ++rule) {
    r->block_keys[rule] = BlockKey{rule, Mix((uint64_t{rule} << 40) | buckets[rule])};
  }
  r->tf_terms.resize(3);
  const uint64_t h = Mix(i);
  // Skewed: squaring a uniform draw favours small indices.
  const auto skew = [](uint64_t x, uint64_t n) { return (x % n) * (x % n) / n; };
  r->tf_terms[0].field = 1;
  SetNum(&r->tf_terms[0].value, "surname", skew(h, 20000));
  r->tf_terms[1].field = 2;
  SetNum(&r->tf_terms[1].value, "first", skew(h >> 20, 2000));
  r->tf_terms[2].field = 3;
  SetNum(&r->tf_terms[2].value, "pc", (h >> 40) % 30000);
}

std::unique_ptr<Store> OpenOrDie(const std::string& dir, benchmark::State& state) {
  auto store = Store::Open(dir);
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return nullptr;
  }
  return std::move(*store);
}

void BM_MakeRecordOnly(benchmark::State& state) {
  StoredRecord r;
  uint64_t i = 0;
  for (auto _ : state) {
    MakeRecord(i++, 1, &r);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MakeRecordOnly);

// Initial load of state.range(0) records through the BulkWriter, Finish (flush)
// included. Record generation is included (see BM_MakeRecordOnly for its cost).
void BM_BulkLoad(benchmark::State& state) {
  const auto n = static_cast<uint64_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    ScratchDir dir;
    auto store = OpenOrDie(dir.Store(), state);
    if (store == nullptr) return;
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    auto writer = store->NewBulkWriter();
    StoredRecord r;
    for (uint64_t i = 0; i < n; ++i) {
      MakeRecord(i, 1, &r);
      if (!writer->Add(r).ok()) state.SkipWithError("Add failed");
    }
    const auto added = std::chrono::steady_clock::now();
    if (!writer->Finish().ok()) state.SkipWithError("Finish failed");
    const auto finished = std::chrono::steady_clock::now();
    state.PauseTiming();
    // Adds (batches written as they fill) and Finish (last batch, flush, the
    // one compaction) separately.
    state.counters["add_s"] = std::chrono::duration<double>(added - start).count();
    state.counters["finish_s"] = std::chrono::duration<double>(finished - added).count();
    state.counters["MB_on_disk"] = static_cast<double>(store->SizeOnDisk()) / 1e6;
    writer.reset();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
// Wall-clock rate (the writer and RocksDB use other threads); "CPU" is the
// whole process's.
BENCHMARK(BM_BulkLoad)
    ->Arg(100000)
    ->Arg(1000000)
    ->Iterations(1)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

// Bulk load over existing ids of the same source (every record is looked up
// and its old index entries retracted).
void BM_BulkReplace(benchmark::State& state) {
  const auto n = static_cast<uint64_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    ScratchDir dir;
    auto store = OpenOrDie(dir.Store(), state);
    if (store == nullptr) return;
    {
      auto writer = store->NewBulkWriter();
      StoredRecord r;
      for (uint64_t i = 0; i < n; ++i) {
        MakeRecord(i, 1, &r);
        if (!writer->Add(r).ok()) state.SkipWithError("Add failed");
      }
      if (!writer->Finish().ok()) state.SkipWithError("Finish failed");
    }
    state.ResumeTiming();
    auto writer = store->NewBulkWriter();
    StoredRecord r;
    for (uint64_t i = 0; i < n; ++i) {
      MakeRecord(i + n / 2, 1, &r);  // half replaced, half new
      if (!writer->Add(r).ok()) state.SkipWithError("Add failed");
    }
    if (!writer->Finish().ok()) state.SkipWithError("Finish failed");
    state.PauseTiming();
    writer.reset();
    store.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_BulkReplace)
    ->Arg(200000)
    ->Iterations(1)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

// Single-record Put (WAL on, no sync): new ids, then replacing ids.
void BM_Put(benchmark::State& state) {
  const bool replace = state.range(0) != 0;
  ScratchDir dir;
  auto store = OpenOrDie(dir.Store(), state);
  if (store == nullptr) return;
  constexpr uint64_t kIds = 50000;
  StoredRecord r;
  if (replace) {
    for (uint64_t i = 0; i < kIds; ++i) {
      MakeRecord(i, 1, &r);
      if (!store->Put(r).ok()) state.SkipWithError("Put failed");
    }
  }
  uint64_t i = 0;
  for (auto _ : state) {
    MakeRecord(replace ? Mix(i) % kIds : i, 1, &r);
    if (replace) r.block_keys[2].hash = Mix(i + 12345);  // a changed key
    ++i;
    if (!store->Put(r).ok()) state.SkipWithError("Put failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Put)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"replace"})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// ForEachInBlock over a store of 1M bulk-loaded records; args = rule (0:
// blocks of 10 records, 1: blocks of 50, 2: blocks of ~2) and a second load:
// 0 none; 1 the same records again (unchanged: no page changes); 2 another
// 1M records, joining the same blocks of rules 0 and 1 (their pages merge
// onto the stored ones, so that load ends by compacting the block index).
void BM_ForEachInBlock(benchmark::State& state) {
  // One store per load count, shared by the rules; closed by an exit handler
  // registered after RocksDB's own statics exist, so it runs before they are
  // destroyed.
  static std::array<ScratchDir*, 3> dirs{};
  static std::array<Store*, 3> stores{};
  constexpr uint64_t kN = 1000000;
  const auto second = static_cast<size_t>(std::clamp<int64_t>(state.range(1), 0, 2));
  Store*& store = stores[second];
  if (store == nullptr) {
    dirs[second] = new ScratchDir();
    store = OpenOrDie(dirs[second]->Store(), state).release();
    if (store == nullptr) return;
    static const bool at_exit = [] {
      std::atexit([] {
        for (size_t k = 0; k < stores.size(); ++k) {
          delete stores[k];
          delete dirs[k];
        }
      });
      return true;
    }();
    (void)at_exit;
    for (size_t load = 0; load <= (second > 0 ? 1 : 0); ++load) {
      const uint64_t first_id = load == 1 && second == 2 ? kN : 0;
      auto writer = store->NewBulkWriter();
      StoredRecord r;
      for (uint64_t i = first_id; i < first_id + kN; ++i) {
        MakeRecord(i, 1, &r);
        if (!writer->Add(r).ok()) state.SkipWithError("Add failed");
      }
      if (!writer->Finish().ok()) state.SkipWithError("Finish failed");
    }
  }
  const auto rule = static_cast<uint8_t>(state.range(0));
  StoredRecord r;
  uint64_t i = 0;
  int64_t found = 0;
  for (auto _ : state) {
    MakeRecord(Mix(i++) % kN, 1, &r);
    const absl::Status s =
        store->ForEachInBlock(r.block_keys[rule], [&](uint16_t, std::string_view) {
          ++found;
          return true;
        });
    if (!s.ok()) state.SkipWithError("ForEachInBlock failed");
  }
  state.counters["ids_per_block"] =
      static_cast<double>(found) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ForEachInBlock)
    ->ArgsProduct({{0, 1, 2}, {0, 1, 2}})
    ->ArgNames({"rule", "second_load"})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace probity::storage
