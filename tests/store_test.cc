// Tests of the RocksDB store on real directories.
#include "storage/store.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace probity::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

// prefix + decimal n. (Avoids "lit" + std::string, which trips GCC 12's -Wrestrict.)
std::string Num(std::string prefix, int n) {
  prefix += std::to_string(n);
  return prefix;
}

std::unique_ptr<Store> MustOpen(const std::string& dir, const StoreOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(dir, options);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

StoredRecord MakeRecord(uint16_t source, std::string id, std::string payload,
                        std::vector<BlockKey> keys, std::vector<TfTerm> terms) {
  StoredRecord r;
  r.source = source;
  r.id = std::move(id);
  r.payload = std::move(payload);
  r.block_keys = std::move(keys);
  r.tf_terms = std::move(terms);
  return r;
}

// Every (source, id) in a block, sorted.
std::vector<std::pair<uint16_t, std::string>> BlockMembers(const Store& store, BlockKey key) {
  std::vector<std::pair<uint16_t, std::string>> out;
  absl::Status s = store.ForEachInBlock(key, [&](uint16_t source, std::string_view id) {
    out.emplace_back(source, std::string(id));
    return true;
  });
  EXPECT_TRUE(s.ok()) << s;
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::string, int64_t> Terms(const Store& store, uint8_t field) {
  std::map<std::string, int64_t> out;
  absl::Status s = store.ForEachTerm(field, [&](std::string_view value, int64_t count) {
    out.emplace(std::string(value), count);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

int64_t Count(const Store& store, uint8_t field, std::string_view value) {
  absl::StatusOr<int64_t> n = store.TermCount(field, value);
  EXPECT_TRUE(n.ok()) << n.status();
  return n.ok() ? *n : -1;
}

void ExpectSameRecord(const StoredRecord& a, const StoredRecord& b) {
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.payload, b.payload);
  EXPECT_EQ(a.block_keys, b.block_keys);
  EXPECT_EQ(a.tf_terms, b.tf_terms);
}

TEST(StoreTest, PutGetRoundTrip) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->dir(), tmp.File("store"));

  absl::StatusOr<uint16_t> probation = store->SourceCode("probation", true);
  ASSERT_TRUE(probation.ok());
  EXPECT_EQ(*probation, 1);
  EXPECT_EQ(*store->SourceCode("police", true), 2);
  EXPECT_EQ(*store->SourceCode("probation", false), 1);
  EXPECT_EQ(store->SourceCode("courts", false).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->Sources(),
            (std::vector<std::pair<std::string, uint16_t>>{{"probation", 1}, {"police", 2}}));

  const std::string payload("pay\0load\xff", 9);
  const StoredRecord rec =
      MakeRecord(1, "P-001", payload, {{0, 42}, {3, ~uint64_t{0}}}, {{1, "smith"}, {2, "john"}});
  ASSERT_TRUE(store->Put(rec).ok());

  auto got = store->Get(1, "P-001");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  ExpectSameRecord(**got, rec);

  EXPECT_FALSE(store->Get(1, "P-002")->has_value());
  EXPECT_FALSE(store->Get(2, "P-001")->has_value());  // same id, other source

  EXPECT_THAT(BlockMembers(*store, {0, 42}),
              UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "P-001")));
  EXPECT_THAT(BlockMembers(*store, {3, ~uint64_t{0}}),
              UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "P-001")));
  EXPECT_TRUE(BlockMembers(*store, {0, 43}).empty());
  EXPECT_TRUE(BlockMembers(*store, {1, 42}).empty());
  EXPECT_EQ(Count(*store, 1, "smith"), 1);
  EXPECT_EQ(Count(*store, 2, "john"), 1);
  EXPECT_EQ(Count(*store, 1, "john"), 0);
  EXPECT_EQ(*store->CountRecords(1), 1u);
  EXPECT_EQ(*store->CountRecords(2), 0u);
}

TEST(StoreTest, ReopenKeepsRecordsSourcesMetaModelsClusters) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("store");
  {
    auto store = MustOpen(dir);
    ASSERT_NE(store, nullptr);
    ASSERT_EQ(*store->SourceCode("a", true), 1);
    ASSERT_EQ(*store->SourceCode("b", true), 2);
    ASSERT_TRUE(store->PutMeta("settings", "{\"x\":1}").ok());
    ASSERT_TRUE(store->Put(MakeRecord(1, "r1", "one", {{1, 7}}, {{5, "v"}})).ok());
    ASSERT_TRUE(store->Put(MakeRecord(2, "r2", "two", {{1, 7}}, {{5, "v"}})).ok());
    ASSERT_TRUE(store->PutModel("fs", std::string("model\0blob", 10)).ok());
    ASSERT_TRUE(store->PutClusters({{{1, "r1"}, 99}, {{2, "r2"}, 99}}).ok());
    EXPECT_EQ(store->PutMeta("source/evil", "7").code(), absl::StatusCode::kInvalidArgument);
  }
  auto store = MustOpen(dir);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Sources(), (std::vector<std::pair<std::string, uint16_t>>{{"a", 1}, {"b", 2}}));
  EXPECT_EQ(*store->SourceCode("c", true), 3);  // codes continue after reopen
  EXPECT_EQ(store->GetMeta("settings")->value_or(""), "{\"x\":1}");
  EXPECT_EQ(store->GetMeta("format_version")->value_or(""), "3");
  EXPECT_FALSE(store->GetMeta("nothing")->has_value());
  EXPECT_EQ((*store->Get(2, "r2"))->payload, "two");
  EXPECT_EQ(store->GetModel("fs")->value_or(""), std::string("model\0blob", 10));
  EXPECT_FALSE(store->GetModel("other")->has_value());
  EXPECT_EQ(store->GetCluster(1, "r1")->value_or(0), 99u);
  EXPECT_FALSE(store->GetCluster(1, "r2")->has_value());
  // Every assignment, in record key order, and none of the member-index keys.
  std::vector<std::tuple<uint16_t, std::string, uint64_t>> assignments;
  ASSERT_TRUE(store
                  ->ForEachClusterAssignment([&](uint16_t source, std::string_view id, uint64_t c) {
                    assignments.emplace_back(source, std::string(id), c);
                    return true;
                  })
                  .ok());
  EXPECT_EQ(assignments, (std::vector<std::tuple<uint16_t, std::string, uint64_t>>{
                             {1, "r1", 99}, {2, "r2", 99}}));
  EXPECT_EQ(Count(*store, 5, "v"), 2);
  EXPECT_THAT(BlockMembers(*store, {1, 7}),
              UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "r1"),
                                   std::pair<uint16_t, std::string>(2, "r2")));
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_GT(store->SizeOnDisk(), 0u);
}

TEST(StoreTest, RePutRetractsOldIndexEntriesAndTermCounts) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store->Put(MakeRecord(1, "x", "v1", {{0, 1}, {1, 100}}, {{1, "smith"}, {2, "ann"}})).ok());
  ASSERT_TRUE(store->Put(MakeRecord(1, "y", "y", {{0, 1}}, {{1, "smith"}})).ok());
  EXPECT_EQ(Count(*store, 1, "smith"), 2);

  // x moves out of block (1,100) into (1,200), keeps (0,1); surname changes.
  ASSERT_TRUE(
      store->Put(MakeRecord(1, "x", "v2", {{0, 1}, {1, 200}}, {{1, "smyth"}, {2, "ann"}})).ok());
  EXPECT_TRUE(BlockMembers(*store, {1, 100}).empty());
  EXPECT_THAT(BlockMembers(*store, {1, 200}),
              UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "x")));
  EXPECT_THAT(BlockMembers(*store, {0, 1}),
              UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "x"),
                                   std::pair<uint16_t, std::string>(1, "y")));
  EXPECT_EQ(Count(*store, 1, "smith"), 1);
  EXPECT_EQ(Count(*store, 1, "smyth"), 1);
  EXPECT_EQ(Count(*store, 2, "ann"), 1);
  EXPECT_EQ((*store->Get(1, "x"))->payload, "v2");

  // y drops "smith": its count reaches 0 and it is no longer listed.
  ASSERT_TRUE(store->Put(MakeRecord(1, "y", "y", {{0, 1}}, {{1, "jones"}})).ok());
  EXPECT_EQ(Count(*store, 1, "smith"), 0);
  EXPECT_EQ(Terms(*store, 1), (std::map<std::string, int64_t>{{"jones", 1}, {"smyth", 1}}));
  EXPECT_EQ(Terms(*store, 2), (std::map<std::string, int64_t>{{"ann", 1}}));
  EXPECT_TRUE(Terms(*store, 3).empty());

  // The same after compaction into files (merge operator on disk).
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(Count(*store, 1, "smyth"), 1);
  EXPECT_TRUE(BlockMembers(*store, {1, 100}).empty());
  EXPECT_EQ(*store->CountRecords(1), 2u);
}

// Term counts count occurrences (a record may list a term twice); block
// entries exist once however often a record lists the key.
TEST(StoreTest, RePutWithRepeatedTermsAndKeysKeepsCountsExact) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store->Put(MakeRecord(1, "x", "p", {{0, 1}, {0, 1}}, {{1, "a"}, {1, "a"}, {1, "b"}})).ok());
  EXPECT_EQ(Count(*store, 1, "a"), 2);
  EXPECT_EQ(BlockMembers(*store, {0, 1}).size(), 1u);
  // Unchanged: nothing moves.
  ASSERT_TRUE(
      store->Put(MakeRecord(1, "x", "q", {{0, 1}, {0, 1}}, {{1, "a"}, {1, "a"}, {1, "b"}})).ok());
  EXPECT_EQ(Count(*store, 1, "a"), 2);
  EXPECT_EQ(Count(*store, 1, "b"), 1);
  // One "a" fewer, one "b" more; the doubled key listed once.
  ASSERT_TRUE(store->Put(MakeRecord(1, "x", "r", {{0, 1}}, {{1, "b"}, {1, "a"}, {1, "b"}})).ok());
  EXPECT_EQ(Count(*store, 1, "a"), 1);
  EXPECT_EQ(Count(*store, 1, "b"), 2);
  EXPECT_EQ(BlockMembers(*store, {0, 1}).size(), 1u);
  ASSERT_TRUE(store->Delete(1, "x").ok());
  EXPECT_TRUE(Terms(*store, 1).empty());
  EXPECT_TRUE(BlockMembers(*store, {0, 1}).empty());
}

TEST(StoreTest, DeleteRemovesRecordIndexEntriesAndCluster) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Put(MakeRecord(1, "x", "p", {{0, 5}, {2, 6}}, {{1, "smith"}})).ok());
  ASSERT_TRUE(store->Put(MakeRecord(1, "z", "p", {{0, 5}}, {{1, "smith"}})).ok());
  ASSERT_TRUE(store->PutClusters({{{1, "x"}, 3}}).ok());
  ASSERT_TRUE(store->Delete(1, "x").ok());
  EXPECT_FALSE(store->Get(1, "x")->has_value());
  EXPECT_THAT(BlockMembers(*store, {0, 5}),
              UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "z")));
  EXPECT_TRUE(BlockMembers(*store, {2, 6}).empty());
  EXPECT_EQ(Count(*store, 1, "smith"), 1);
  EXPECT_FALSE(store->GetCluster(1, "x")->has_value());
  EXPECT_TRUE(store->Delete(1, "x").ok());  // absent: fine, nothing changes
  EXPECT_TRUE(store->Delete(7, "never").ok());
  EXPECT_EQ(Count(*store, 1, "smith"), 1);
  EXPECT_EQ(*store->CountRecords(1), 1u);
}

TEST(StoreTest, ForEachRecordBySourceAndStopsEarly) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  for (uint16_t source : {1, 2, 0xffff}) {
    for (const char* id : {"b", "a", "c"}) {
      ASSERT_TRUE(
          store->Put(MakeRecord(source, id, std::string(id).append("!"), {{0, source}}, {})).ok());
    }
  }
  std::vector<std::string> seen;
  ASSERT_TRUE(store
                  ->ForEachRecord(2,
                                  [&](const StoredRecord& r) {
                                    EXPECT_EQ(r.source, 2);
                                    EXPECT_EQ(r.payload, std::string(r.id).append("!"));
                                    seen.push_back(r.id);
                                    return true;
                                  })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c"}));
  seen.clear();
  ASSERT_TRUE(store
                  ->ForEachRecord(0xffff,
                                  [&](const StoredRecord& r) {
                                    seen.push_back(r.id);
                                    return true;
                                  })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c"}));
  int all = 0;
  ASSERT_TRUE(
      store->ForEachRecord(std::nullopt, [&](const StoredRecord&) { return ++all < 5; }).ok());
  EXPECT_EQ(all, 5);
  all = 0;
  ASSERT_TRUE(
      store->ForEachRecord(std::nullopt, [&](const StoredRecord&) { return ++all > 0; }).ok());
  EXPECT_EQ(all, 9);
  EXPECT_EQ(*store->CountRecords(0xffff), 3u);
  EXPECT_EQ(*store->CountRecords(3), 0u);
}

// Synthetic bulk record i: block (0, i % 1000) shared by 100 records, block
// (1, i) unique, term (1, "v" + i % 10).
StoredRecord BulkRecord(uint16_t source, int i) {
  return MakeRecord(source, Num("id", i), Num("payload-", i),
                    {{0, static_cast<uint64_t>(i % 1000)}, {1, static_cast<uint64_t>(i)}},
                    {{1, Num("v", i % 10)}});
}

// Bulk writer runs: by default 300k records are one run, written straight
// into the bottom level; limited by records or by memory, several runs that
// overlap, so the writer pauses compaction and then compacts once.
Store::BulkWriterOptions RunsOfRecords(size_t records) {
  Store::BulkWriterOptions options;
  options.max_run_records = records;
  return options;
}
Store::BulkWriterOptions RunsOfMemory(size_t bytes) {
  Store::BulkWriterOptions options;
  options.memory_bytes = bytes;
  return options;
}

class BulkWriterRunsTest : public ::testing::TestWithParam<Store::BulkWriterOptions> {};

std::string RunsName(const ::testing::TestParamInfo<Store::BulkWriterOptions>& param_info) {
  static const char* const kNames[] = {"OneRun", "RecordLimit", "MemoryLimit"};
  return kNames[param_info.index];
}

INSTANTIATE_TEST_SUITE_P(Runs, BulkWriterRunsTest,
                         ::testing::Values(Store::BulkWriterOptions{}, RunsOfRecords(65536),
                                           RunsOfMemory(size_t{12} << 20)),
                         RunsName);

TEST_P(BulkWriterRunsTest, LoadsManyRecordsThatSurviveReopen) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("store");
  constexpr int kN = 300000;
  {
    auto store = MustOpen(dir);
    ASSERT_NE(store, nullptr);
    ASSERT_EQ(*store->SourceCode("bulk", true), 1);
    auto writer = store->NewBulkWriter(GetParam());
    for (int i = 0; i < kN; ++i) ASSERT_TRUE(writer->Add(BulkRecord(1, i)).ok());
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(writer->Add(BulkRecord(1, 0)).code(), absl::StatusCode::kFailedPrecondition);
  }
  // One run is ingested into the bottom level and needs no compaction;
  // several runs overlap and Finish compacts them (RocksDB's LOG says which).
  const Store::BulkWriterOptions defaults;
  const bool one_run = GetParam().memory_bytes == defaults.memory_bytes &&
                       GetParam().max_run_records == defaults.max_run_records;
  const bool compacted = testing::ReadFile(dir + "/LOG").find(
                             "\"compaction_reason\": \"ManualCompaction\"") != std::string::npos;
  EXPECT_EQ(compacted, !one_run);
  auto store = MustOpen(dir);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->CountRecords(1), static_cast<uint64_t>(kN));
  for (uint64_t block : {0u, 7u, 999u}) {
    std::vector<std::pair<uint16_t, std::string>> expected;
    for (int i = static_cast<int>(block); i < kN; i += 1000) {
      expected.emplace_back(1, Num("id", i));
    }
    EXPECT_THAT(BlockMembers(*store, {0, block}), UnorderedElementsAreArray(expected));
  }
  EXPECT_THAT(BlockMembers(*store, {1, 254321}),
              UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "id254321")));
  EXPECT_TRUE(BlockMembers(*store, {0, 1000}).empty());
  for (int v = 0; v < 10; ++v) EXPECT_EQ(Count(*store, 1, Num("v", v)), kN / 10);
  for (int i : {0, 4095, 4096, 77777, 65535, 65536, 200001, kN - 1}) {
    auto got = store->Get(1, Num("id", i));
    ASSERT_TRUE(got.ok() && got->has_value()) << i;
    ExpectSameRecord(**got, BulkRecord(1, i));
  }
}

// Replacing through the bulk writer: small batches go through a WriteBatch,
// large ones through SST files; both must retract the old versions.
TEST(StoreTest, BulkWriterReplacesExistingIds) {
  for (const int n : {1000, 20000}) {
    SCOPED_TRACE(n);
    testing::TempDir tmp;
    auto store = MustOpen(tmp.File("store"));
    ASSERT_NE(store, nullptr);
    // n existing records with old keys and terms.
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(
          store
              ->Put(MakeRecord(1, Num("id", i), "old", {{5, 1}, {6, static_cast<uint64_t>(i)}},
                               {{1, "old"}, {2, "kept"}}))
              .ok());
    }
    // Bulk: ids n/2 .. n/2+n-1; the replaced ones keep (5, 1) and drop (6, i).
    auto writer = store->NewBulkWriter();
    for (int i = n / 2; i < n / 2 + n; ++i) {
      ASSERT_TRUE(
          writer
              ->Add(MakeRecord(1, Num("id", i), "new", {{5, 1}, {7, static_cast<uint64_t>(i)}},
                               {{1, "new"}, {2, "kept"}}))
              .ok());
    }
    ASSERT_TRUE(writer->Finish().ok());
    const auto total = static_cast<uint64_t>(n / 2 + n);
    EXPECT_EQ(*store->CountRecords(1), total);
    EXPECT_EQ(BlockMembers(*store, {5, 1}).size(), total);
    EXPECT_EQ(BlockMembers(*store, {6, static_cast<uint64_t>(n / 2 - 1)}).size(), 1u);
    EXPECT_TRUE(BlockMembers(*store, {6, static_cast<uint64_t>(n / 2)}).empty());
    EXPECT_TRUE(BlockMembers(*store, {6, static_cast<uint64_t>(n - 1)}).empty());
    EXPECT_EQ(BlockMembers(*store, {7, static_cast<uint64_t>(n - 1)}).size(), 1u);
    EXPECT_EQ(Count(*store, 1, "old"), n / 2);
    EXPECT_EQ(Count(*store, 1, "new"), n);
    EXPECT_EQ(Count(*store, 2, "kept"), n / 2 + n);
    EXPECT_EQ((*store->Get(1, Num("id", n / 2)))->payload, "new");
    EXPECT_EQ((*store->Get(1, Num("id", n / 2 - 1)))->payload, "old");
  }
}

// The other way round: a bulk-loaded block (one merge operand of many
// members) changed by Put and Delete, read before and after the changes reach
// disk, and after reopening.
TEST(StoreTest, PutAndDeleteAfterABulkLoadChangeItsBlocks) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("store");
  constexpr int kN = 5000;  // above the writer's threshold for SST files
  std::vector<std::pair<uint16_t, std::string>> expected;
  {
    auto store = MustOpen(dir);
    ASSERT_NE(store, nullptr);
    auto writer = store->NewBulkWriter();
    for (int i = 0; i < kN; ++i) {
      ASSERT_TRUE(writer->Add(MakeRecord(1, Num("id", i), "p", {{2, 5}, {3, 7}}, {})).ok());
    }
    ASSERT_TRUE(writer->Finish().ok());
    // Even ids below 100 leave block (2, 5) for (2, 6); ids 100..199 are
    // deleted; id 5 is stored unchanged (its memberships stay).
    for (int i = 0; i < 100; i += 2) {
      ASSERT_TRUE(store->Put(MakeRecord(1, Num("id", i), "q", {{2, 6}, {3, 7}}, {})).ok());
    }
    for (int i = 100; i < 200; ++i) ASSERT_TRUE(store->Delete(1, Num("id", i)).ok());
    ASSERT_TRUE(store->Put(MakeRecord(1, Num("id", 5), "p", {{2, 5}, {3, 7}}, {})).ok());
    for (int i = 0; i < kN; ++i) {
      if ((i < 100 && i % 2 == 1) || i >= 200) expected.emplace_back(1, Num("id", i));
    }
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(BlockMembers(*store, {2, 5}), expected);
    EXPECT_EQ(BlockMembers(*store, {2, 6}).size(), 50u);
    EXPECT_EQ(BlockMembers(*store, {3, 7}).size(), static_cast<size_t>(kN - 100));
    ASSERT_TRUE(store->Flush().ok());
    EXPECT_EQ(BlockMembers(*store, {2, 5}), expected);
  }
  auto store = MustOpen(dir);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(BlockMembers(*store, {2, 5}), expected);
  EXPECT_EQ(BlockMembers(*store, {2, 6}).size(), 50u);
  EXPECT_EQ(BlockMembers(*store, {3, 7}).size(), static_cast<size_t>(kN - 100));
}

// Repeated ids within a run (the earlier version dropped before it is
// written) and, with runs of 65536 records, across runs (the stored version
// retracted).
TEST_P(BulkWriterRunsTest, HandlesRepeatedIds) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  auto writer = store->NewBulkWriter(GetParam());
  // Repeated within one run (fresh source: no look-ups otherwise).
  ASSERT_TRUE(writer->Add(MakeRecord(1, "dup", "first", {{9, 1}, {9, 2}}, {{1, "a"}})).ok());
  ASSERT_TRUE(writer->Add(MakeRecord(1, "dup", "second", {{9, 2}, {9, 3}}, {{1, "b"}})).ok());
  // 70000 records in between: across runs when they are limited.
  ASSERT_TRUE(writer->Add(MakeRecord(1, "far", "first", {{9, 10}}, {{1, "a"}})).ok());
  for (int i = 0; i < 70000; ++i) ASSERT_TRUE(writer->Add(BulkRecord(1, i)).ok());
  ASSERT_TRUE(writer->Add(MakeRecord(1, "far", "second", {{9, 11}}, {{1, "c"}})).ok());
  ASSERT_TRUE(writer->Add(MakeRecord(1, "dup", "third", {{9, 3}}, {{1, "b"}})).ok());
  ASSERT_TRUE(writer->Finish().ok());

  EXPECT_EQ(*store->CountRecords(1), 70002u);
  EXPECT_EQ((*store->Get(1, "dup"))->payload, "third");
  EXPECT_EQ((*store->Get(1, "far"))->payload, "second");
  EXPECT_TRUE(BlockMembers(*store, {9, 1}).empty());
  EXPECT_TRUE(BlockMembers(*store, {9, 2}).empty());
  EXPECT_THAT(BlockMembers(*store, {9, 3}),
              UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "dup")));
  EXPECT_TRUE(BlockMembers(*store, {9, 10}).empty());
  EXPECT_THAT(BlockMembers(*store, {9, 11}),
              UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "far")));
  EXPECT_EQ(Count(*store, 1, "a"), 0);
  EXPECT_EQ(Count(*store, 1, "b"), 1);
  EXPECT_EQ(Count(*store, 1, "c"), 1);
  EXPECT_EQ(Count(*store, 1, "v3"), 7000);
}

// Records added in BulkBatches (encoded off the writer's thread) load exactly
// as the same records added one by one: repeated ids within a batch, across
// batches and across runs, and ids that replace stored versions.
TEST_P(BulkWriterRunsTest, BatchesLoadLikeSingleAdds) {
  std::vector<StoredRecord> records;
  records.push_back(MakeRecord(1, "dup", "first", {{9, 1}, {9, 2}}, {{1, "a"}}));
  records.push_back(MakeRecord(1, "dup", "second", {{9, 2}, {9, 3}}, {{1, "b"}, {1, "b"}}));
  records.push_back(MakeRecord(2, "other", "x", {{9, 3}}, {{2, "a"}}));
  for (int i = 0; i < 70000; ++i) records.push_back(BulkRecord(1, i));
  records.push_back(MakeRecord(1, "dup", "third", {{9, 3}}, {{1, "c"}}));
  records.push_back(MakeRecord(1, Num("id", 5), "again", {{9, 4}}, {}));

  struct Contents {
    std::vector<std::tuple<uint16_t, std::string, std::string>> records;
    std::map<std::string, int64_t> terms;
    std::vector<std::vector<std::pair<uint16_t, std::string>>> blocks;
  };
  const auto load = [&](const std::string& dir, bool batched) {
    auto store = MustOpen(dir);
    EXPECT_NE(store, nullptr);
    Contents out;
    if (store == nullptr) return out;
    // A stored version of some ids first, to be replaced.
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(store->Put(BulkRecord(1, i * 7)).ok());
    auto writer = store->NewBulkWriter(GetParam());
    Store::BulkBatch batch;
    for (size_t i = 0; i < records.size(); ++i) {
      if (!batched) {
        EXPECT_TRUE(writer->Add(records[i]).ok());
        continue;
      }
      batch.Add(records[i]);
      if (batch.size() == 1000 || i + 1 == records.size()) {
        EXPECT_TRUE(writer->Add(batch).ok());
        batch.Clear();
        EXPECT_EQ(batch.size(), 0u);
      }
    }
    EXPECT_TRUE(writer->Finish().ok());
    EXPECT_TRUE(store
                    ->ForEachRecord(std::nullopt,
                                    [&](const StoredRecord& r) {
                                      out.records.emplace_back(r.source, r.id, r.payload);
                                      return true;
                                    })
                    .ok());
    out.terms = Terms(*store, 1);
    for (const auto& [term, count] : Terms(*store, 2)) out.terms["2:" + term] = count;
    for (uint64_t hash = 1; hash <= 4; ++hash) out.blocks.push_back(BlockMembers(*store, {9, hash}));
    for (uint64_t hash : {0u, 5u, 999u}) out.blocks.push_back(BlockMembers(*store, {0, hash}));
    out.blocks.push_back(BlockMembers(*store, {1, 7}));
    return out;
  };
  testing::TempDir tmp;
  const Contents single = load(tmp.File("single"), false);
  const Contents batched = load(tmp.File("batched"), true);
  EXPECT_EQ(single.records.size(), 70002u);  // dup, other and the 70000
  EXPECT_EQ(batched.records, single.records);
  EXPECT_EQ(batched.terms, single.terms);
  EXPECT_EQ(batched.blocks, single.blocks);
  EXPECT_EQ(single.terms.at("c"), 1);
  EXPECT_EQ(single.terms.count("b"), 0u);
  EXPECT_THAT(single.blocks[2], UnorderedElementsAre(std::pair<uint16_t, std::string>(1, "dup"),
                                                     std::pair<uint16_t, std::string>(2, "other")));
}

// Term counts of a run are summed in a table that holds short terms in its
// slots and longer ones apart (a tf key is the field byte and the value, 12
// bytes fit): values on either side of that line count alike.
TEST_P(BulkWriterRunsTest, CountsShortAndLongTermsAlike) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  const std::vector<std::string> values = {"a", "elevenbytes", "twelve-bytes", "thirteen-bytes",
                                           "a much longer double-barrelled surname"};
  constexpr int kN = 100000;
  auto writer = store->NewBulkWriter(GetParam());
  Store::BulkBatch batch;
  for (int i = 0; i < kN; ++i) {
    const std::string& value = values[static_cast<size_t>(i) % values.size()];
    batch.Add(MakeRecord(1, Num("id", i), "p", {{1, static_cast<uint64_t>(i)}},
                         {{1, value}, {2, value + Num("-", i % 3)}}));
    if (batch.size() == 4096 || i + 1 == kN) {
      ASSERT_TRUE(writer->Add(batch).ok());
      batch.Clear();
    }
  }
  ASSERT_TRUE(writer->Finish().ok());
  for (const std::string& value : values) {
    EXPECT_EQ(Count(*store, 1, value), kN / 5) << value;
    EXPECT_EQ(Count(*store, 2, value + "-0") + Count(*store, 2, value + "-1") +
                  Count(*store, 2, value + "-2"),
              kN / 5)
        << value;
  }
  EXPECT_EQ(Count(*store, 1, "twelve-bytez"), 0);
}

// A run files records by key ranges chosen from its first batch; records of
// later batches outside those ranges (below, above, or not sharing the
// first batch's common prefix) are stored all the same, and in key order.
TEST(StoreTest, BulkWriterStoresKeysOutsideTheFirstBatchsRanges) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(Num("CRN00000", 5000 + i));  // the first batch
  for (int i = 0; i < 3000; ++i) ids.push_back(Num("A", i));
  for (int i = 0; i < 3000; ++i) ids.push_back(Num("CRN", i));
  for (int i = 0; i < 3000; ++i) ids.push_back(Num("ZZ", i));
  ids.push_back("");
  ids.push_back("CRN00000");
  auto writer = store->NewBulkWriter(Store::BulkWriterOptions{});
  Store::BulkBatch batch;
  for (size_t i = 0; i < ids.size(); ++i) {
    batch.Add(MakeRecord(1, ids[i], "payload " + ids[i], {{1, i % 50}}, {}));
    if (batch.size() == 1000 || i + 1 == ids.size()) {
      ASSERT_TRUE(writer->Add(batch).ok());
      batch.Clear();
    }
  }
  ASSERT_TRUE(writer->Finish().ok());
  std::vector<std::string> stored;
  ASSERT_TRUE(store
                  ->ForEachRecord(1,
                                  [&](const StoredRecord& r) {
                                    EXPECT_EQ(r.payload, "payload " + r.id);
                                    stored.push_back(r.id);
                                    return true;
                                  })
                  .ok());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(stored, ids);
}

// With unique_keys the writer keeps no index of its keys: a later load into a
// source already stored still replaces old versions (their entries leave),
// and a key given twice in one run fails the load with an error.
TEST(StoreTest, BulkWriterWithUniqueKeys) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  Store::BulkWriterOptions options;
  options.unique_keys = true;
  {
    auto writer = store->NewBulkWriter(options);
    for (int i = 0; i < 20000; ++i) ASSERT_TRUE(writer->Add(BulkRecord(1, i)).ok());
    ASSERT_TRUE(writer->Finish().ok());
  }
  {
    auto writer = store->NewBulkWriter(options);
    for (int i = 0; i < 20000; i += 2) {
      ASSERT_TRUE(writer->Add(MakeRecord(1, Num("id", i), "new", {{2, 5}}, {{1, "w"}})).ok());
    }
    ASSERT_TRUE(writer->Finish().ok());
  }
  EXPECT_EQ(*store->CountRecords(1), 20000u);
  EXPECT_EQ(BlockMembers(*store, {2, 5}).size(), 10000u);
  EXPECT_THAT(BlockMembers(*store, {0, 7}),
              UnorderedElementsAreArray([] {
                std::vector<std::pair<uint16_t, std::string>> odd;
                for (int i = 7; i < 20000; i += 1000) odd.emplace_back(1, Num("id", i));
                return odd;
              }()));
  EXPECT_EQ(Count(*store, 1, "w"), 10000);
  EXPECT_EQ(Count(*store, 1, "v4"), 0);  // ids ending in 4 were all replaced
  EXPECT_EQ(Count(*store, 1, "v5"), 2000);
  {
    auto writer = store->NewBulkWriter(options);
    absl::Status added = absl::OkStatus();
    for (int i = 0; i < 20000 && added.ok(); ++i) added = writer->Add(BulkRecord(2, i % 15000));
    absl::Status finished = added.ok() ? writer->Finish() : added;
    EXPECT_FALSE(finished.ok());
  }
}

// A rule whose only entries belong to a version replaced within the run has
// nothing left to write: its index file is skipped, not written empty (which
// RocksDB refuses).
TEST(StoreTest, BulkWriterSkipsARuleLeftWithoutEntries) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  auto writer = store->NewBulkWriter();
  for (int i = 0; i < 3000; ++i) ASSERT_TRUE(writer->Add(BulkRecord(1, i)).ok());
  ASSERT_TRUE(writer->Add(MakeRecord(1, "x", "first", {{250, 1}}, {{1, "a"}})).ok());
  ASSERT_TRUE(writer->Add(MakeRecord(1, "x", "second", {{0, 1}}, {{1, "b"}})).ok());
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(*store->CountRecords(1), 3001u);
  EXPECT_TRUE(BlockMembers(*store, {250, 1}).empty());
  EXPECT_EQ(BlockMembers(*store, {0, 1}).size(), 4u);  // ids 1, 1001, 2001 and x
  EXPECT_EQ(Count(*store, 1, "a"), 0);
  EXPECT_EQ(Count(*store, 1, "b"), 1);
}

// A writer destroyed without Finish keeps the whole runs it handed over,
// each record with its index entries, and drops the rest.
TEST(StoreTest, BulkWriterWithoutFinishKeepsWholeBatches) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("store");
  {
    auto store = MustOpen(dir);
    ASSERT_NE(store, nullptr);
    auto writer = store->NewBulkWriter(RunsOfRecords(65536));
    for (int i = 0; i < 70000; ++i) ASSERT_TRUE(writer->Add(BulkRecord(1, i)).ok());
  }
  auto store = MustOpen(dir);
  ASSERT_NE(store, nullptr);
  const uint64_t n = *store->CountRecords(1);
  EXPECT_EQ(n, 65536u);
  uint64_t entries = 0;
  for (uint64_t block = 0; block < 1000; ++block)
    entries += BlockMembers(*store, {0, block}).size();
  EXPECT_EQ(entries, n);
  int64_t terms = 0;
  for (const auto& [value, count] : Terms(*store, 1)) terms += count;
  EXPECT_EQ(terms, static_cast<int64_t>(n));
  // Every stored record is indexed under its own unique block.
  ASSERT_TRUE(store
                  ->ForEachRecord(1,
                                  [&](const StoredRecord& r) {
                                    EXPECT_EQ(BlockMembers(*store, r.block_keys[1]).size(), 1u)
                                        << r.id;
                                    return r.id < "id1";  // a sample is enough
                                  })
                  .ok());
}

TEST(StoreTest, SecondOpenInSameProcessFails) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("store");
  auto store = MustOpen(dir);
  ASSERT_NE(store, nullptr);
  absl::StatusOr<std::unique_ptr<Store>> again = Store::Open(dir);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr(dir + ": store is already open"));
  EXPECT_EQ(again.status().message().find('\n'), std::string::npos);
  // The first handle still works, and after closing it the store opens again.
  ASSERT_TRUE(store->Put(MakeRecord(1, "a", "p", {}, {})).ok());
  store.reset();
  store = MustOpen(dir);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Get(1, "a")->has_value());
}

TEST(StoreTest, OpenHeldByAnotherProcessFails) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("store");
  { ASSERT_NE(MustOpen(dir), nullptr); }  // create it
  // Fork before this process opens the store, so the child shares none of
  // RocksDB's in-process lock bookkeeping: it sees only the file lock.
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(go[1]);
    char byte = 0;
    if (read(go[0], &byte, 1) != 1) _exit(10);
    absl::StatusOr<std::unique_ptr<Store>> s = Store::Open(dir);
    if (s.ok()) _exit(1);
    if (s.status().code() != absl::StatusCode::kFailedPrecondition) _exit(2);
    if (s.status().message() != dir + ": store is already open in another process") _exit(3);
    _exit(0);
  }
  close(go[0]);
  auto store = MustOpen(dir);
  ASSERT_NE(store, nullptr);
  ASSERT_EQ(write(go[1], "x", 1), 1);
  close(go[1]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: opened, 2: wrong code, 3: wrong message";
}

TEST(StoreTest, ReadOnlyOpenReadsButDoesNotWrite) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("store");
  auto writer = MustOpen(dir);
  ASSERT_NE(writer, nullptr);
  ASSERT_EQ(*writer->SourceCode("s", true), 1);
  ASSERT_TRUE(writer->Put(MakeRecord(1, "a", "p", {{0, 1}}, {})).ok());
  ASSERT_TRUE(writer->Flush().ok());
  StoreOptions ro;
  ro.read_only = true;
  auto reader = MustOpen(dir, ro);  // no process lock for read-only opens
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ((*reader->Get(1, "a"))->payload, "p");
  EXPECT_EQ(reader->Sources().size(), 1u);
  EXPECT_FALSE(reader->Put(MakeRecord(1, "b", "p", {}, {})).ok());
  EXPECT_FALSE(Store::Open(tmp.File("missing"), ro).ok());
  EXPECT_FALSE(std::filesystem::exists(tmp.File("missing")));
}

TEST(StoreTest, RefusesDirectoriesThatAreNotStores) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.File("notes.txt"), "hello");
  absl::StatusOr<std::unique_ptr<Store>> s = Store::Open(tmp.path());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(), tmp.path() + ": not a probity store (no RocksDB CURRENT file)");
  EXPECT_EQ(testing::ReadFile(tmp.File("notes.txt")), "hello");

  // A file where the directory should be.
  EXPECT_FALSE(Store::Open(tmp.File("notes.txt")).ok());

  // A broken CURRENT file: an error, not a crash.
  std::filesystem::create_directory(tmp.File("broken"));
  testing::WriteFile(tmp.File("broken/CURRENT"), "MANIFEST-000099\n");
  s = Store::Open(tmp.File("broken"));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr(tmp.File("broken")));

  StoreOptions no_create;
  no_create.create_if_missing = false;
  s = Store::Open(tmp.File("absent"), no_create);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kNotFound);
}

// Stores of another format version are refused, an older one with what to do
// (formats 1 and 2 kept the block index in other keys: it would read as empty).
TEST(StoreTest, RefusesOtherFormatVersions) {
  const struct {
    const char* version;
    const char* message;  // after "<dir>: "
  } cases[] = {
      {"99", "written by a newer probity (format 99; this build reads format 3)"},
      {"2", "written by an older probity (format 2; this build reads format 3): ingest the "
            "data into a new store"},
      {"1", "written by an older probity (format 1; this build reads format 3): ingest the "
            "data into a new store"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.version);
    testing::TempDir tmp;
    const std::string dir = tmp.File("store");
    {
      auto store = MustOpen(dir);
      ASSERT_NE(store, nullptr);
      ASSERT_TRUE(store->PutMeta("format_version", c.version).ok());
    }
    absl::StatusOr<std::unique_ptr<Store>> s = Store::Open(dir);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(s.status().message(), dir + ": " + c.message);
  }
}

TEST(StoreTest, CreatesDirectoriesWithMode0700) {
  testing::TempDir tmp;
  const std::string dir = tmp.File("a/b/store");
  auto store = MustOpen(dir);
  ASSERT_NE(store, nullptr);
  for (const std::string& path : {tmp.File("a"), tmp.File("a/b"), dir}) {
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mode & 07777, 0700u) << path;
  }
}

TEST(StoreTest, ConcurrentPutsLeaveNoStaleIndexEntries) {
  testing::TempDir tmp;
  auto store = MustOpen(tmp.File("store"));
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 4;
  constexpr int kRounds = 600;
  constexpr int kIds = 40;
  // Thread t, round r writes id (r * 7 + t * 13) % kIds with a block key unique
  // to (t, r), one shared per id, and a term naming the thread; thread 3 also
  // deletes now and then.
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      for (int r = 0; r < kRounds; ++r) {
        const int id = (r * 7 + t * 13) % kIds;
        const std::string name = Num("id", id);
        absl::Status s;
        if (t == 3 && r % 10 == 0) {
          s = store->Delete(1, name);
        } else {
          s = store->Put(MakeRecord(
              1, name, "p",
              {{0, static_cast<uint64_t>(t * 100000 + r)}, {1, static_cast<uint64_t>(id)}},
              {{1, Num("t", t)}}));
        }
        ASSERT_TRUE(s.ok()) << s;
      }
    });
  }
  for (auto& th : threads) th.join();

  std::map<std::string, StoredRecord> records;
  ASSERT_TRUE(store
                  ->ForEachRecord(1,
                                  [&](const StoredRecord& r) {
                                    records.emplace(r.id, r);
                                    return true;
                                  })
                  .ok());
  ASSERT_FALSE(records.empty());
  // Every block entry belongs to a record that has that key, and every record
  // key has its entry.
  size_t entries = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int r = 0; r < kRounds; ++r) {
      const BlockKey key{0, static_cast<uint64_t>(t * 100000 + r)};
      for (const auto& [source, id] : BlockMembers(*store, key)) {
        ++entries;
        ASSERT_TRUE(records.count(id)) << "entry of a deleted record " << id;
        EXPECT_EQ(records[id].block_keys[0], key) << "stale entry for " << id;
      }
    }
  }
  for (int id = 0; id < kIds; ++id) {
    const std::string name = Num("id", id);
    const auto members = BlockMembers(*store, {1, static_cast<uint64_t>(id)});
    if (records.count(name)) {
      ++entries;
      EXPECT_EQ(members.size(), 1u) << name;
    } else {
      EXPECT_TRUE(members.empty()) << name;
    }
  }
  EXPECT_EQ(entries, records.size() * 2);
  // Term counts add up to the surviving records, by writer thread.
  std::map<std::string, int64_t> expected_terms;
  for (const auto& [id, r] : records) ++expected_terms[r.tf_terms[0].value];
  EXPECT_EQ(Terms(*store, 1), expected_terms);
}

}  // namespace
}  // namespace probity::storage
