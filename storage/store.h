// The embedded persistent store: one RocksDB directory per store.
//
// The store knows nothing of linkage. It keeps, per record, an opaque payload
// (the engine's encoded record) together with the block-index keys and the
// term-frequency terms the engine derived from it, so that replacing or
// removing a record can retract exactly what it added.
//
// Layout (column families):
//   meta      key string -> value string (format version, settings, sources)
//   records   source(2, BE) + id  -> header(block keys, tf terms) + payload
//   blocks    rule(1) + top 16 bits of the hash (2, BE) -> a page of the
//             rule's blocks and their members (record keys); every change is
//             a merge operand that adds or removes members, so a record's
//             memberships change without reading the index (see
//             block_postings.h); a block is one point look-up of its page
//   tf        field(1) + value -> int64 count (little endian), merged by addition
//   model     name -> blob (trained models)
//   clusters  source(2, BE) + id -> cluster id (8, BE), and the members of a
//             cluster: FF FF + cluster id (8, BE) + source(2, BE) + id -> empty
//             (source code 0xFFFF is never assigned)
//
// Guarantees:
//   - Put/Delete write the record, its index entries and term counts in one
//     WriteBatch: all or nothing, and a record never has stale index entries.
//   - One process at a time: Open fails with a clear message if another process
//     (or this one) already holds the store.
//   - A store written by a newer format version is refused on open.
//   - The directory is created with mode 0700.
// Thread safety: a Store may be used from many threads at once. BulkWriter is
// for one thread.
#ifndef PROBITY_STORAGE_STORE_H_
#define PROBITY_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace probity::storage {

// Current on-disk format version; stores with another one are refused
// (format 1 kept one blocks key per member, format 2 one per block).
inline constexpr int kFormatVersion = 3;

struct BlockKey {
  uint8_t rule = 0;   // which blocking rule produced it
  uint64_t hash = 0;  // XXH3-64 of the rule's key bytes
  friend bool operator==(const BlockKey&, const BlockKey&) = default;
};

struct TfTerm {
  uint8_t field = 0;  // engine-defined field code
  std::string value;
  friend bool operator==(const TfTerm&, const TfTerm&) = default;
};

struct StoredRecord {
  uint16_t source = 0;
  std::string id;
  std::string payload;
  std::vector<BlockKey> block_keys;
  std::vector<TfTerm> tf_terms;
};

// A record's cluster (the person it belongs to).
struct ClusterAssignment {
  uint16_t source = 0;
  std::string id;
  uint64_t cluster_id = 0;
};

struct StoreOptions {
  bool create_if_missing = true;
  bool read_only = false;  // read-only opens do not take the process lock
  // Block cache shared by the column families (filled only as blocks are read).
  size_t block_cache_bytes = size_t{512} << 20;
};

class Store {
 public:
  // Opens (or creates) the store in `dir`. Errors name the directory and the
  // reason: "already open in another process", "not a probity store",
  // "written by a newer probity (format N; this build reads format M)", ...
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir,
                                                     const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& dir() const;

  // Source names map to small persistent codes. With `create`, an unknown name
  // gets the next free code; otherwise NotFound.
  absl::StatusOr<uint16_t> SourceCode(std::string_view name, bool create);
  // All sources, ordered by code.
  std::vector<std::pair<std::string, uint16_t>> Sources() const;

  absl::Status PutMeta(std::string_view key, std::string_view value);
  // nullopt when the key is absent.
  absl::StatusOr<std::optional<std::string>> GetMeta(std::string_view key) const;

  // Inserts or replaces one record atomically (see Guarantees).
  absl::Status Put(const StoredRecord& record);
  // Removes a record, its index entries and its cluster assignment; OK if it
  // was absent.
  absl::Status Delete(uint16_t source, std::string_view id);
  absl::StatusOr<std::optional<StoredRecord>> Get(uint16_t source, std::string_view id) const;

  // Fast loading of many records (millions). Records are gathered in memory
  // in runs, and each run is written sorted, as SST files ingested into the
  // store, without the write-ahead log; Finish() flushes all column families
  // atomically, so after a crash the store holds a prefix of whole runs and
  // never a record without its index entries. Replaces existing ids like Put
  // (an id added twice: the later version wins).
  //   - A full run is written by a background thread while Add() fills the
  //     next; a load of several runs pauses automatic compaction and Finish()
  //     compacts once before returning.
  //   - Must not run concurrently with Put/Delete of the same ids (other ids
  //     are fine), and must be destroyed before its Store. Destroying it
  //     without Finish() keeps the runs already handed over and drops the
  //     rest.
  //   - Memory: BulkWriterOptions::memory_bytes for pending records, plus ~16
  //     bytes per record of a source that held no records when the writer met
  //     it.
  //   - Add(BulkBatch) takes records prepared on other threads; a writer's
  //     own thread then only copies bytes.
  class BulkBatch;
  class BulkWriter {
   public:
    virtual ~BulkWriter() = default;
    virtual absl::Status Add(const StoredRecord& record) = 0;
    // Adds the batch's records in order, as Add of each would.
    virtual absl::Status Add(const BulkBatch& batch) = 0;
    virtual absl::Status Finish() = 0;
  };
  // Records prepared for a BulkWriter on any thread (such as the threads that
  // normalise them): Add encodes each record's key and value and hashes what
  // the writer looks up, so that work leaves the writer's thread. Reusable
  // after Clear(); one thread at a time; a moved-from batch may only be
  // assigned to or destroyed.
  class BulkBatch {
   public:
    BulkBatch();
    ~BulkBatch();
    BulkBatch(BulkBatch&&) noexcept;
    BulkBatch& operator=(BulkBatch&&) noexcept;
    void Add(const StoredRecord& record);
    size_t size() const;
    void Clear();
    // The encoded records, read by the store (defined in bulk_writer.cc only).
    struct Rep;
    const Rep& rep() const { return *rep_; }

   private:
    std::unique_ptr<Rep> rep_;
  };
  struct BulkWriterOptions {
    // Memory for records not yet written: a run being filled and the one
    // being written share it, and a run holds at most 4/5 of it. A load that
    // fits in one run goes straight into the bottom level, with nothing to
    // compact (the default holds about a million records with a dozen
    // blocking rules, ~450 bytes each); a larger load is several runs that
    // Finish merges in one compaction.
    size_t memory_bytes = size_t{640} << 20;
    // At most this many records per run.
    size_t max_run_records = size_t{1} << 24;
    // The caller adds each key at most once (ingest rejects repeated ids
    // before they get here), so the writer keeps no index of the keys it
    // was given. Adding a key twice then fails the run ("keys must be added
    // in strict ascending order") or, across runs, leaves the first
    // version's index entries behind: leave this false unless sure.
    bool unique_keys = false;
  };
  std::unique_ptr<BulkWriter> NewBulkWriter(const BulkWriterOptions& options);
  std::unique_ptr<BulkWriter> NewBulkWriter() { return NewBulkWriter(BulkWriterOptions{}); }

  // Calls `fn` for every record of `source` (or of every source when nullopt),
  // in key order, until it returns false.
  absl::Status ForEachRecord(std::optional<uint16_t> source,
                             const std::function<bool(const StoredRecord&)>& fn) const;
  // Number of records of one source.
  absl::StatusOr<uint64_t> CountRecords(uint16_t source) const;

  // Reads several records in one call; `out[i]` is nullopt when keys[i] is absent.
  absl::Status MultiGet(const std::vector<std::pair<uint16_t, std::string>>& keys,
                        std::vector<std::optional<StoredRecord>>* out) const;
  // The payloads of several records in one call, without copying or decoding
  // their index headers: fn(i, payload) per key in order, payload nullptr when
  // keys[i] is absent. The view is valid during the call only; a non-OK status
  // from fn stops the walk and is returned.
  absl::Status MultiGetPayloads(
      const std::vector<std::pair<uint16_t, std::string>>& keys,
      const std::function<absl::Status(size_t, const std::string_view*)>& fn) const;
  // The clusters of several records in one call (nullopt: not clustered).
  absl::Status GetClusters(const std::vector<std::pair<uint16_t, std::string>>& keys,
                           std::vector<std::optional<uint64_t>>* out) const;
  // ForEachInBlock over several keys with one MultiGet (of their pages); stops
  // at the first `fn` that returns false.
  absl::Status ForEachInBlocks(const std::vector<BlockKey>& keys,
                               const std::function<bool(uint16_t, std::string_view)>& fn) const;

  // Calls `fn(source, id)` for every record indexed under `key`, in the order
  // they joined the block (a bulk load's members in the order it was given them).
  absl::Status ForEachInBlock(const BlockKey& key,
                              const std::function<bool(uint16_t, std::string_view)>& fn) const;

  // Term frequency of `value` in `field` over all stored records (0 if none).
  absl::StatusOr<int64_t> TermCount(uint8_t field, std::string_view value) const;
  // Every (value, count) of one field with a positive count.
  absl::Status ForEachTerm(uint8_t field,
                           const std::function<bool(std::string_view, int64_t)>& fn) const;

  absl::Status PutModel(std::string_view name, std::string_view blob);
  absl::StatusOr<std::optional<std::string>> GetModel(std::string_view name) const;

  absl::Status PutClusters(const std::vector<std::pair<std::pair<uint16_t, std::string>, uint64_t>>& assignments);
  absl::StatusOr<std::optional<uint64_t>> GetCluster(uint16_t source, std::string_view id) const;
  // Inserts or replaces a record and sets cluster assignments (the record's
  // own and any it merges), all in one batch.
  absl::Status PutWithClusters(const StoredRecord& record,
                               const std::vector<ClusterAssignment>& assignments);
  // Calls fn(source, id, cluster_id) for every clustered record, in record key
  // order, until it returns false.
  absl::Status ForEachClusterAssignment(
      const std::function<bool(uint16_t, std::string_view, uint64_t)>& fn) const;
  // Calls fn(source, id) for every record assigned to `cluster_id`.
  absl::Status ForEachClusterMember(uint64_t cluster_id,
                                    const std::function<bool(uint16_t, std::string_view)>& fn) const;

  // Bytes used on disk by the store's files.
  uint64_t SizeOnDisk() const;
  // Flushes memtables of all column families to disk.
  absl::Status Flush();

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace probity::storage

#endif  // PROBITY_STORAGE_STORE_H_
