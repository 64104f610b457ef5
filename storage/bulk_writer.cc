// Store::BulkWriter and Store::BulkBatch: see store.h for the contract.
#include <sys/types.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/write_batch.h"
#include "storage/block_postings.h"
#include "storage/store.h"
#include "storage/store_format.h"
#include "storage/store_impl.h"

namespace probity::storage {
namespace {

// Smaller runs go through a WriteBatch instead of SST files.
constexpr size_t kBulkIngestMinRecords = 2048;
// Finish compacts when the writer ingested at least this many runs (they
// overlap in level 0).
constexpr int kBulkCompactMinRuns = 2;
// Block-index files per bulk run (at most: a file holds whole rules): enough
// that three threads share the work evenly, few enough to stay large files.
constexpr size_t kBlockFileParts = 16;

// Open-addressing set of 64-bit hashes (0 is the empty slot). Used by the bulk
// writer to notice repeated ids without keeping the ids: 12-23 bytes per id.
class HashSet64 {
 public:
  explicit HashSet64(size_t expected = 8) {
    size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    slots_.assign(capacity, 0);
  }
  bool Contains(uint64_t h) const {
    h = Fix(h);
    for (size_t i = h & Mask();; i = (i + 1) & Mask()) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }
  void Insert(uint64_t h) {
    if ((size_ + 1) * 10 > slots_.size() * 7) Grow();  // load factor <= 0.7
    InsertNoGrow(Fix(h));
  }
  // Starts loading the slot where `h` would be (a look-up soon after hits cache).
  void Prefetch(uint64_t h) const { __builtin_prefetch(&slots_[Fix(h) & Mask()]); }

 private:
  static uint64_t Fix(uint64_t h) { return h == 0 ? 1 : h; }
  size_t Mask() const { return slots_.size() - 1; }
  void InsertNoGrow(uint64_t h) {
    for (size_t i = h & Mask();; i = (i + 1) & Mask()) {
      if (slots_[i] == h) return;
      if (slots_[i] == 0) {
        slots_[i] = h;
        ++size_;
        return;
      }
    }
  }
  void Grow() {
    std::vector<uint64_t> old(slots_.size() * 2, 0);
    old.swap(slots_);
    size_ = 0;
    for (uint64_t h : old) {
      if (h != 0) InsertNoGrow(h);
    }
  }
  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

// Open-addressing map from 64-bit hash to a batch index (0 is the empty key);
// grows as needed (load factor <= 0.5).
class HashIndex64 {
 public:
  HashIndex64() : keys_(16, 0), values_(16, 0) {}
  // The value stored for `h`, or -1.
  int64_t Find(uint64_t h) const {
    h = h == 0 ? 1 : h;
    for (size_t i = h & Mask();; i = (i + 1) & Mask()) {
      if (keys_[i] == h) return values_[i];
      if (keys_[i] == 0) return -1;
    }
  }
  // Starts loading the slot where `h` would be (a look-up soon after hits cache).
  void Prefetch(uint64_t h) const {
    const size_t i = (h == 0 ? 1 : h) & Mask();
    __builtin_prefetch(&keys_[i]);
    __builtin_prefetch(&values_[i]);
  }
  // Inserts `h` or replaces its value.
  void Set(uint64_t h, uint32_t value) {
    if ((size_ + 1) * 2 > keys_.size()) Grow();
    SetNoGrow(h == 0 ? 1 : h, value);
  }
  void Clear() {
    if (size_ == 0) return;
    std::fill(keys_.begin(), keys_.end(), 0);
    size_ = 0;
  }

 private:
  size_t Mask() const { return keys_.size() - 1; }
  void SetNoGrow(uint64_t h, uint32_t value) {
    size_t i = h & Mask();
    while (keys_[i] != 0 && keys_[i] != h) i = (i + 1) & Mask();
    if (keys_[i] == 0) ++size_;
    keys_[i] = h;
    values_[i] = value;
  }
  void Grow() {
    std::vector<uint64_t> old_keys(keys_.size() * 2, 0);
    std::vector<uint32_t> old_values(values_.size() * 2, 0);
    old_keys.swap(keys_);
    old_values.swap(values_);
    size_ = 0;
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] != 0) SetNoGrow(old_keys[i], old_values[i]);
    }
  }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> values_;
  size_t size_ = 0;
};

// The hash TermDeltas files a term under (BulkBatch computes it off the
// writer's thread).
uint64_t TermHash(uint8_t field, std::string_view value) {
  return XXH3_64bits_withSeed(value.data(), value.size(), field);
}

// Sums a batch's term-count deltas by tf key (field + value): open addressing
// over XXH3 hashes, a key of up to 16 bytes (most names and dates) held in
// its slot, so a look-up reads one cache line; longer keys sit in an arena.

class TermDeltas {
 public:
  void Add(uint8_t field, std::string_view value, int64_t delta) {
    AddHashed(field, value, TermHash(field, value), delta);
  }
  // Add with `hash` == TermHash(field, value), computed by the caller.
  void AddHashed(uint8_t field, std::string_view value, uint64_t hash, int64_t delta) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const size_t len = value.size() + 1;  // stored as field, then value: the tf key
    const size_t mask = slots_.size() - 1;
    // A short key as its slot holds it (zero-padded), compared in one go.
    char inline_key[Slot::kInline] = {};
    if (len <= Slot::kInline) {
      inline_key[0] = static_cast<char>(field);
      std::memcpy(inline_key + 1, value.data(), value.size());
    }
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (len <= Slot::kInline && slot.hash == hash && slot.size == len &&
          std::memcmp(slot.bytes, inline_key, Slot::kInline) == 0) {
        slot.delta += delta;
        return;
      }
      if (slot.size == kEmpty) {
        slot.hash = hash;
        slot.size = static_cast<uint32_t>(len);
        slot.delta = delta;
        char* key = slot.bytes;
        if (len > Slot::kInline) {
          const auto offset = static_cast<uint32_t>(arena_.size());
          std::memcpy(slot.bytes, &offset, sizeof offset);
          arena_.resize(arena_.size() + len);
          key = arena_.data() + offset;
        }
        key[0] = static_cast<char>(field);
        std::memcpy(key + 1, value.data(), value.size());
        ++size_;
        return;
      }
      if (len > Slot::kInline && slot.hash == hash && slot.size == len) {
        const char* key = Key(slot);
        if (key[0] == static_cast<char>(field) &&
            std::memcmp(key + 1, value.data(), value.size()) == 0) {
          slot.delta += delta;
          return;
        }
      }
    }
  }
  // Starts loading the slot a term of `hash` probes first (the table is far
  // larger than the caches).
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  // Fills sorted() with the non-zero sums in key order.
  void Finalize() {
    sorted_.clear();
    for (const Slot& slot : slots_) {
      if (slot.size != kEmpty && slot.delta != 0) {
        sorted_.emplace_back(std::string_view(Key(slot), slot.size), slot.delta);
      }
    }
    std::sort(sorted_.begin(), sorted_.end());
  }
  // Valid until the next Add or Clear.
  const std::vector<std::pair<std::string_view, int64_t>>& sorted() const { return sorted_; }
  void Clear() {
    if (size_ > 0) std::fill(slots_.begin(), slots_.end(), Slot{});
    size_ = 0;
    arena_.clear();
    sorted_.clear();
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct alignas(32) Slot {
    static constexpr size_t kInline = 12;
    uint64_t hash = 0;
    int64_t delta = 0;
    uint32_t size = kEmpty;  // of the key
    char bytes[kInline] = {};  // the key if it fits, else its arena offset
  };
  static_assert(sizeof(Slot) == 32);
  const char* Key(const Slot& slot) const {
    if (slot.size <= Slot::kInline) return slot.bytes;
    uint32_t offset;
    std::memcpy(&offset, slot.bytes, sizeof offset);
    return arena_.data() + offset;
  }
  void Grow() {
    std::vector<Slot> old(std::max<size_t>(slots_.size() * 2, 1024));
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.size == kEmpty) continue;
      size_t i = slot.hash & mask;
      while (slots_[i].size != kEmpty) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
  std::string arena_;
  std::vector<std::pair<std::string_view, int64_t>> sorted_;
};

}  // namespace

// ---- BulkBatch ----

struct Store::BulkBatch::Rep {
  struct Term {
    uint8_t field;
    size_t offset;  // of the value in `bytes`
    size_t size;
    uint64_t hash;  // TermHash
  };
  struct Record {
    size_t offset;  // of the key in `bytes`; the value follows it
    uint32_t key_size;
    uint32_t value_size;
    uint64_t key_hash;  // HashKey of the key
    uint32_t first_block_key;
    uint32_t first_term;
  };
  std::string bytes;
  std::vector<Record> records;
  std::vector<BlockKey> block_keys;  // of records[i]: [first_block_key, next's)
  std::vector<Term> terms;           // likewise by first_term
  std::vector<size_t> term_offsets;  // scratch

  std::string_view Key(const Record& r) const { return {bytes.data() + r.offset, r.key_size}; }
  std::string_view Value(const Record& r) const {
    return {bytes.data() + r.offset + r.key_size, r.value_size};
  }
  size_t EndBlockKey(size_t i) const {
    return i + 1 < records.size() ? records[i + 1].first_block_key : block_keys.size();
  }
  size_t EndTerm(size_t i) const {
    return i + 1 < records.size() ? records[i + 1].first_term : terms.size();
  }
};

Store::BulkBatch::BulkBatch() : rep_(std::make_unique<Rep>()) {}
Store::BulkBatch::~BulkBatch() = default;
Store::BulkBatch::BulkBatch(BulkBatch&&) noexcept = default;
Store::BulkBatch& Store::BulkBatch::operator=(BulkBatch&&) noexcept = default;

void Store::BulkBatch::Add(const StoredRecord& record) {
  Rep& rep = *rep_;
  const size_t offset = rep.bytes.size();
  AppendRecordKey(&rep.bytes, record.source, record.id);
  const size_t key_size = rep.bytes.size() - offset;
  rep.term_offsets.clear();
  EncodeRecordHeader(record.block_keys, record.tf_terms, &rep.bytes, &rep.term_offsets);
  rep.bytes.append(record.payload);
  rep.records.push_back(Rep::Record{
      offset, static_cast<uint32_t>(key_size),
      static_cast<uint32_t>(rep.bytes.size() - offset - key_size),
      HashKey(std::string_view(rep.bytes.data() + offset, key_size)),
      static_cast<uint32_t>(rep.block_keys.size()), static_cast<uint32_t>(rep.terms.size())});
  rep.block_keys.insert(rep.block_keys.end(), record.block_keys.begin(), record.block_keys.end());
  for (size_t t = 0; t < record.tf_terms.size(); ++t) {
    const TfTerm& term = record.tf_terms[t];
    rep.terms.push_back(Rep::Term{term.field, rep.term_offsets[t], term.value.size(),
                                  TermHash(term.field, term.value)});
  }
}

size_t Store::BulkBatch::size() const { return rep_->records.size(); }

void Store::BulkBatch::Clear() {
  rep_->bytes.clear();
  rep_->records.clear();
  rep_->block_keys.clear();
  rep_->terms.clear();
}

// ---- BulkWriter ----

// The bulk writer. The caller's thread appends each record, encoded and hashed
// beforehand in a BulkBatch, to a run: its key and value to one arena, its
// block memberships (hash and record number, 12 bytes) to one list per rule,
// its term counts to a hash table (a repeated id replaces its pending
// version). A worker thread writes a full run while the caller fills the next.
// A run is written with every column family's entries in key order, the
// memberships as one merge operand per page of blocks (block_postings.h):
//   - large runs as SST files (one for records, up to kBlockFileParts rule
//     ranges for blocks, one for terms), ingested atomically (IngestExternalFiles):
//     no memtable, no WAL, durable once ingested. A run is as large as the
//     memory budget allows (BulkWriterOptions), so a load of about a million
//     records is one run, ingested straight into the bottom level with
//     nothing to compact. Larger
//     loads are several overlapping runs in level 0: automatic compaction
//     pauses meanwhile (Impl::BeginBulk) and Finish compacts once. Index and
//     term files that Finish is sure to compact are written without filters.
//   - small runs (a remainder at Finish) as one WriteBatch without WAL.
class Store::Impl::BulkWriterImpl final : public Store::BulkWriter {
 public:
  // A run is written when it holds 4/5 of options.memory_bytes (records,
  // encoded, and 12 bytes per block membership), less what the run being
  // written holds, or options.max_run_records records.
  BulkWriterImpl(Store::Impl* impl, const BulkWriterOptions& options)
      : impl_(impl),
        memory_bytes_(std::max<size_t>(options.memory_bytes, 1)),
        max_run_records_(std::clamp<size_t>(options.max_run_records, 1, size_t{1} << 24)),
        unique_keys_(options.unique_keys),
        source_state_(size_t{1} << 16, kUnknown) {}

  ~BulkWriterImpl() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    if (bulk_mode_) impl_->EndBulk().IgnoreError();
  }

  absl::Status Add(const StoredRecord& record) override {
    single_.Clear();
    single_.Add(record);
    return Add(single_);
  }

  absl::Status Add(const BulkBatch& batch) override {
    const BulkBatch::Rep& rep = batch.rep();
    // The hash tables are far larger than the caches: load the slots of the
    // record kPrefetchAhead on (its id's and its terms') while this one is
    // added.
    constexpr size_t kPrefetchAhead = 8;
    if (!filling_.arena.has_splits() && rep.records.size() >= kMinSplitSample) {
      std::vector<std::string_view> sample;
      sample.reserve(rep.records.size());
      for (const BulkBatch::Rep::Record& record : rep.records) sample.push_back(rep.Key(record));
      filling_.arena.Split(sample);
    }
    for (size_t i = 0; i < rep.records.size(); ++i) {
      if (i + kPrefetchAhead < rep.records.size()) {
        const uint64_t ahead = rep.records[i + kPrefetchAhead].key_hash;
        if (!unique_keys_) {
          run_index_.Prefetch(ahead);
          written_ids_.Prefetch(ahead);
        }
        for (size_t t = rep.records[i + kPrefetchAhead].first_term;
             t < rep.EndTerm(i + kPrefetchAhead); ++t) {
          filling_.tf.Prefetch(rep.terms[t].hash);
        }
      }
      if (absl::Status st = AddOne(rep, i); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    if (finished_) return absl::FailedPreconditionError(impl_->dir + ": BulkWriter finished");
    finished_ = true;
    if (!status_.ok()) return status_;
    status_ = Submit();
    if (status_.ok()) status_ = WaitIdle();
    if (!status_.ok()) return status_;
    rdb::FlushOptions flush_options;
    flush_options.wait = true;
    status_ = impl_->Error(impl_->db->Flush(flush_options, impl_->handles));
    if (!status_.ok() || !bulk_mode_) return status_;
    if (ingested_runs_ >= kBulkCompactMinRuns) {
      status_ = impl_->CompactBulkFamilies();
      if (!status_.ok()) return status_;
    } else if (pages_overlap_) {
      // The load's pages are merge operands over stored ones: every read of
      // a page would merge them (about 2.5x slower look-ups) until RocksDB
      // chose to compact, so merge them now.
      rdb::CompactRangeOptions compact;
      compact.max_subcompactions = 2;
      status_ = impl_->Error(impl_->db->CompactRange(compact, impl_->cf(kCfBlocks), nullptr, nullptr));
      if (!status_.ok()) return status_;
    }
    bulk_mode_ = false;
    status_ = impl_->EndBulk();
    return status_;
  }

 private:
  enum SourceState : int8_t { kUnknown = 0, kFresh, kHasRecords };
  // Fewest keys of a batch a run's key ranges are chosen from.
  static constexpr size_t kMinSplitSample = 256;
  // Most key bytes (with their headers) a run holds: entries address them in 32 bits.
  static constexpr size_t kMaxRunKeyBytes = size_t{3} << 30;

  // A block-index entry of one rule (the run keeps a list per rule): its
  // hash and where the record's key starts in the run's `keys`, 12 bytes.
  // Entries of one rule sort by hash, then that number, which grows as
  // records arrive: a block's members are written in the order they were
  // added (as the merge operator keeps them), and sorting touches no key bytes.
  struct EntryRef {
    uint32_t hash_hi;
    uint32_t hash_lo;
    uint32_t number;  // Run::keys offset of the record's key (RecordRef::key_at)
    uint64_t hash() const { return (uint64_t{hash_hi} << 32) | hash_lo; }
    friend bool operator<(const EntryRef& a, const EntryRef& b) {
      if (a.hash_hi != b.hash_hi) return a.hash_hi < b.hash_hi;
      if (a.hash_lo != b.hash_lo) return a.hash_lo < b.hash_lo;
      return a.number < b.number;
    }
    friend bool operator==(const EntryRef&, const EntryRef&) = default;
    static EntryRef Make(uint64_t hash, uint32_t number) {
      return EntryRef{static_cast<uint32_t>(hash >> 32), static_cast<uint32_t>(hash), number};
    }
  };
  static_assert(sizeof(EntryRef) == 12);

  // One rule's entries of a run, in chunks (no reallocation, no slack).
  class EntryList {
   public:
    void push_back(const EntryRef& ref) {
      if (chunks_.empty() || chunks_.back().size() == kChunk) {
        chunks_.emplace_back();
        chunks_.back().reserve(kChunk);
      }
      chunks_.back().push_back(ref);
      ++size_;
    }
    size_t size() const { return size_; }
    const std::vector<std::vector<EntryRef>>& chunks() const { return chunks_; }
    void clear() {
      chunks_.clear();
      size_ = 0;
    }

   private:
    static constexpr size_t kChunk = 4096;
    std::vector<std::vector<EntryRef>> chunks_;
    size_t size_ = 0;
  };

  // A key's first 8 bytes, big-endian, zero-padded: ordered as the keys are.
  static uint64_t SortPrefix(std::string_view key) {
    unsigned char b[8] = {};
    std::memcpy(b, key.data(), std::min<size_t>(8, key.size()));
    uint64_t v = 0;
    for (unsigned char c : b) v = (v << 8) | c;
    return v;
  }

  // Bytes in blocks of 1 MiB that never move (a growing string would copy
  // everything, and hold twice the memory, at each doubling). Blocks are not
  // zeroed: their pages are touched only as records fill them.
  class Arena {
   public:
    // Copies `a` then `b` into one contiguous place and returns it.
    const char* Append(std::string_view a, std::string_view b) {
      const size_t n = a.size() + b.size();
      if (blocks_.empty() || used_ + n > block_size_) {
        block_size_ = std::max(kBlockSize, n);
        blocks_.emplace_back(new char[block_size_]);
        used_ = 0;
      }
      char* p = blocks_.back().get() + used_;
      std::memcpy(p, a.data(), a.size());
      std::memcpy(p + a.size(), b.data(), b.size());
      used_ += n;
      bytes_ += n;
      return p;
    }
    size_t bytes() const { return bytes_; }  // appended so far
    void clear() {
      blocks_.clear();
      used_ = block_size_ = bytes_ = 0;
    }

   private:
    static constexpr size_t kBlockSize = size_t{1} << 20;
    std::vector<std::unique_ptr<char[]>> blocks_;
    size_t used_ = 0;
    size_t block_size_ = 0;
    size_t bytes_ = 0;
  };

  // A run's records by key range: kKeyRanges arenas split at keys sampled
  // from the run's first batch. Writing a run visits records in key order;
  // with one arena in arrival order that is a random walk over hundreds of
  // megabytes (a TLB miss per record), with ranges it walks one arena of a
  // few megabytes at a time. Which arena a record lands in never matters for
  // correctness: keys sorted on arrival, or all alike, cost what one arena did.
  class RangedArena {
   public:
    static constexpr size_t kKeyRanges = 64;
    RangedArena() : arenas_(kKeyRanges) {}
    bool has_splits() const { return !splits_.empty(); }
    // Splits at kKeyRanges - 1 evenly spaced keys of `sample` (sorted here),
    // compared by their 8 bytes after the prefix all the sample shares.
    void Split(std::vector<std::string_view>& sample) {
      if (sample.empty()) return;
      std::sort(sample.begin(), sample.end());
      const std::string_view first = sample.front();
      const std::string_view last = sample.back();
      size_t shared = 0;
      while (shared < first.size() && shared < last.size() && first[shared] == last[shared]) ++shared;
      shared_.assign(first.substr(0, shared));
      splits_.clear();
      for (size_t r = 1; r < kKeyRanges; ++r) {
        const uint64_t split = SortPrefix(sample[r * sample.size() / kKeyRanges].substr(shared));
        if (splits_.empty() || splits_.back() != split) splits_.push_back(split);
      }
    }
    const char* Append(std::string_view key, std::string_view value) {
      bytes_ += key.size() + value.size();
      return arenas_[Range(key)].Append(key, value);
    }
    size_t bytes() const { return bytes_; }
    void clear() {
      for (Arena& arena : arenas_) arena.clear();
      splits_.clear();
      shared_.clear();
      bytes_ = 0;
    }

   private:
    // The range of `key`: monotone in key order.
    size_t Range(std::string_view key) const {
      if (splits_.empty()) return 0;
      const std::string_view head = key.substr(0, shared_.size());
      if (head != shared_) return head < shared_ ? 0 : splits_.size();
      const uint64_t v = SortPrefix(key.substr(shared_.size()));
      return static_cast<size_t>(std::upper_bound(splits_.begin(), splits_.end(), v) - splits_.begin());
    }
    std::vector<Arena> arenas_;
    std::string shared_;            // the prefix the sample's keys share
    std::vector<uint64_t> splits_;  // ascending
    size_t bytes_ = 0;
  };

  // Where a record's key and value sit in the run's arena.
  struct RecordRef {
    const char* data;  // key bytes, then value bytes
    uint32_t key_size;
    uint32_t value_size;
    uint64_t sort_prefix;  // the key's first 8 bytes, big-endian, zero-padded
    uint32_t key_at;       // where the run's `keys` holds the key (its entries' number)
    bool lookup;           // may replace a stored version
    bool dead;             // replaced by a later version in the same run
  };

  struct Run {
    RangedArena arena;
    std::vector<RecordRef> records;
    std::array<EntryList, 256> entries;  // by rule
    std::array<EntryList, 256> deletes;  // by rule: retracted entries of old versions
    // By rule: entries the stored version already has, not written again (a
    // record loaded again unchanged changes no page).
    std::array<EntryList, 256> kept;
    size_t entry_count = 0;
    // Every record's key as dead flag(1) + varint(length) + key, in arrival
    // order; a block-index entry's number is where its record's key starts.
    // Blocks in hash order read member keys at random: one read here rather
    // than in the far larger arenas.
    std::string keys;
    TermDeltas tf;
    size_t dead = 0;
    size_t lookups = 0;  // records that may replace a stored version
    // Filled by the worker:
    std::vector<uint32_t> order;  // live records indices in key order
    // Live records in key order, so writing them reads no RecordRef.
    struct Span {
      const char* data;
      uint32_t key_size;
      uint32_t value_size;
    };
    std::vector<Span> ranked;

    enum EntryKind { kAdd, kRemove, kKeep };
    void AddEntry(const BlockKey& bk, uint32_t number, EntryKind kind) {
      std::array<EntryList, 256>& lists = kind == kAdd ? entries : kind == kRemove ? deletes : kept;
      lists[bk.rule].push_back(EntryRef::Make(bk.hash, number));
      ++entry_count;
    }

    size_t RuleSize(size_t rule) const {
      return entries[rule].size() + deletes[rule].size() + kept[rule].size();
    }
    size_t live() const { return records.size() - dead; }
    size_t bytes() const {
      return arena.bytes() + keys.size() + records.size() * sizeof(RecordRef) +
             entry_count * sizeof(EntryRef);
    }
    std::string_view Key(uint32_t i) const {
      return std::string_view(records[i].data, records[i].key_size);
    }
    std::string_view Value(uint32_t i) const {
      return std::string_view(records[i].data + records[i].key_size, records[i].value_size);
    }
    // The key whose entry starts at `at`.
    std::string_view KeyAt(uint32_t at) const {
      const auto first = static_cast<unsigned char>(keys[at + 1]);
      if (first < 0x80) return std::string_view(keys.data() + at + 2, first);  // most keys
      std::string_view rest(keys.data() + at + 1, keys.size() - at - 1);
      uint64_t length = 0;
      GetVarint(&rest, &length);  // written by Append: it decodes
      return rest.substr(0, length);
    }
    bool DeadAt(uint32_t at) const { return keys[at] != 0; }
    // Drops a pending record: its entries are dropped when sorted, its terms now.
    void Kill(uint32_t i) {
      std::vector<BlockKey> block_keys;
      std::vector<TfTerm> terms;
      std::string_view payload;
      // The value was encoded by Append, so it decodes.
      if (DecodeRecordValue(Value(i), &block_keys, &terms, &payload)) {
        for (const TfTerm& term : terms) tf.Add(term.field, term.value, -1);
      }
      records[i].dead = true;
      keys[records[i].key_at] = 1;
      ++dead;
    }
    void Clear() {
      arena.clear();
      records.clear();
      for (EntryList& list : entries) list.clear();
      for (EntryList& list : deletes) list.clear();
      for (EntryList& list : kept) list.clear();
      entry_count = 0;
      tf.Clear();
      dead = 0;
      lookups = 0;
      order.clear();
      keys.clear();
      ranked.clear();
    }
  };


  // One SST file of a run, removed unless ingested (RocksDB moves it).
  class SstFile {
   public:
    SstFile(Store::Impl* impl, Cf cf, bool no_filters) : impl_(impl) {
      static std::atomic<uint64_t> sequence{0};
      path_ = impl->dir + "/" + std::string(kBulkFilePrefix) + std::to_string(::getpid()) + "-" +
              std::to_string(sequence.fetch_add(1)) + ".sst";
      // Written back to disk as it grows (sync_file_range every MiB), so the
      // sync when the file is finished has little left to wait for.
      rdb::EnvOptions env_options;
      env_options.bytes_per_sync = size_t{1} << 20;
      writer_ = std::make_unique<rdb::SstFileWriter>(
          env_options, impl->SstOptions(cf), impl->cf(cf), /*invalidate_page_cache=*/false,
          rdb::Env::IOPriority::IO_TOTAL, /*skip_filters=*/no_filters && cf != kCfRecords);
      status_ = writer_->Open(path_);
    }
    ~SstFile() {
      writer_.reset();
      ::unlink(path_.c_str());  // gone already when ingested
    }
    void Put(std::string_view key, std::string_view value) {
      if (status_.ok()) status_ = writer_->Put(ToSlice(key), ToSlice(value));
      ++entries_;
    }
    void Merge(std::string_view key, const rdb::Slice& value) {
      if (status_.ok()) status_ = writer_->Merge(ToSlice(key), value);
      ++entries_;
    }
    // Finishes the file (writes its index and syncs it), on the thread that
    // wrote it. A file that got no entries (its rules' entries all belonged
    // to replaced versions) is left out, as RocksDB refuses empty files.
    void Close() {
      if (status_.ok() && entries_ > 0 && !closed_) status_ = writer_->Finish();
      closed_ = true;
    }
    // Closes the file if need be and adds its path to `files` if it has entries.
    absl::Status Finish(std::vector<std::string>* files) {
      Close();
      if (!status_.ok()) return impl_->Error(status_);
      if (entries_ > 0) files->push_back(path_);
      return absl::OkStatus();
    }

   private:
    Store::Impl* impl_;
    std::string path_;
    std::unique_ptr<rdb::SstFileWriter> writer_;
    rdb::Status status_;
    size_t entries_ = 0;
    bool closed_ = false;
  };

  // ---- Caller side ----

  // Adds record `i` of a batch.
  absl::Status AddOne(const BulkBatch::Rep& rep, size_t i) {
    if (finished_) return absl::FailedPreconditionError(impl_->dir + ": BulkWriter finished");
    if (!status_.ok()) return status_;
    const BulkBatch::Rep::Record& record = rep.records[i];
    const std::string_view key = rep.Key(record);
    const uint64_t h = record.key_hash;
    if (unique_keys_) {
      // The caller vouches that no key comes twice: only keys stored before
      // the writer started can have an old version.
      const bool lookup = !SourceIsFresh(GetBE16(key.data()));
      if (!status_.ok()) return status_;
      return Append(rep, i, lookup);
    }
    bool lookup = true;
    if (const int64_t found = run_index_.Find(h); found >= 0) {
      const auto earlier = static_cast<uint32_t>(found);
      if (filling_.Key(earlier) == key) {
        // The later version wins. The earlier one was never written, so its
        // look-up flag (about the store before this run) still holds.
        lookup = filling_.records[earlier].lookup;
        filling_.Kill(earlier);
        return Append(rep, i, lookup);
      }
      status_ = Submit();  // two ids with one hash: rare, keep them apart
      if (!status_.ok()) return status_;
    }
    if (SourceIsFresh(GetBE16(key.data()))) {
      // Nothing of this source existed when the writer started: only ids this
      // writer wrote before can have an old version.
      lookup = written_ids_.Contains(h);
      written_ids_.Insert(h);
    }
    if (!status_.ok()) return status_;
    return Append(rep, i, lookup);
  }

  absl::Status Append(const BulkBatch::Rep& rep, size_t i, bool lookup) {
    Run& run = filling_;
    const auto index = static_cast<uint32_t>(run.records.size());
    const BulkBatch::Rep::Record& record = rep.records[i];
    const std::string_view key = rep.Key(record);
    const std::string_view value = rep.Value(record);
    const auto key_at = static_cast<uint32_t>(run.keys.size());
    run.records.push_back(RecordRef{run.arena.Append(key, value),
                                    static_cast<uint32_t>(key.size()),
                                    static_cast<uint32_t>(value.size()), SortPrefix(key), key_at,
                                    lookup, false});
    if (lookup) ++run.lookups;
    run.keys.push_back(0);
    PutVarint(&run.keys, key.size());
    run.keys.append(key);
    for (size_t k = record.first_block_key; k < rep.EndBlockKey(i); ++k) {
      run.AddEntry(rep.block_keys[k], key_at, Run::kAdd);
    }
    for (size_t t = record.first_term; t < rep.EndTerm(i); ++t) {
      const BulkBatch::Rep::Term& term = rep.terms[t];
      run.tf.AddHashed(term.field, std::string_view(rep.bytes.data() + term.offset, term.size),
                       term.hash, 1);
    }
    if (!unique_keys_) run_index_.Set(record.key_hash, index);
    // The run being written and this one share memory_bytes_.
    const size_t writing = writing_bytes_.load();
    const size_t limit =
        std::min(memory_bytes_ / 5 * 4, memory_bytes_ > writing ? memory_bytes_ - writing : 0);
    // Entries number records by where their keys start: keep that in 32 bits.
    if (run.bytes() >= limit || run.records.size() >= max_run_records_ ||
        run.keys.size() >= kMaxRunKeyBytes) {
      status_ = Submit();
    }
    return status_;
  }

  // Hands the filling run to the worker once it has finished the previous one.
  absl::Status Submit() {
    if (filling_.live() == 0) {
      filling_.Clear();
      run_index_.Clear();
      return absl::OkStatus();
    }
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !has_work_; });
      if (!worker_status_.ok()) return worker_status_;
      std::swap(filling_, writing_);  // filling_ gets the run the worker cleared
      writing_bytes_ = writing_.bytes();
      has_work_ = true;
    }
    cv_.notify_all();
    run_index_.Clear();
    if (worker_.joinable()) return absl::OkStatus();
    try {
      worker_ = std::thread([this] { WorkerLoop(); });
    } catch (const std::system_error&) {
      // No thread to be had: write the run here.
      absl::Status st = WriteRun(writing_);
      writing_.Clear();
      std::lock_guard<std::mutex> lock(mu_);
      has_work_ = false;
      if (!st.ok()) worker_status_ = st;
      return st;
    }
    return absl::OkStatus();
  }

  absl::Status WaitIdle() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !has_work_; });
    return worker_status_;
  }

  bool SourceIsFresh(uint16_t source) {
    int8_t& state = source_state_[source];
    if (state == kUnknown) {
      // First record of this source in this writer: nothing of it was written
      // by us yet, so the store's contents are those at the writer's start.
      const std::string lower = RecordKey(source, "");
      const std::string upper = PrefixSuccessor(lower);
      rdb::Slice upper_slice(upper);
      rdb::ReadOptions ro;
      ro.iterate_upper_bound = &upper_slice;
      std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(kCfRecords)));
      it->Seek(lower);
      if (!it->status().ok()) {
        status_ = impl_->Error(it->status());
        return false;
      }
      state = it->Valid() ? kHasRecords : kFresh;
    }
    return state == kFresh;
  }

  // ---- Worker side ----

  void WorkerLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return has_work_ || stop_; });
      if (!has_work_) return;  // stopping
      lock.unlock();
      absl::Status st = worker_status_.ok() ? WriteRun(writing_) : absl::OkStatus();
      writing_.Clear();
      writing_bytes_ = 0;
      lock.lock();
      if (!st.ok() && worker_status_.ok()) worker_status_ = st;
      has_work_ = false;
      cv_.notify_all();
    }
  }

  absl::Status WriteRun(Run& run) {
    // Replacing stored versions needs the records in key order first (to
    // read the old versions), and the index parts need what that adds. A run
    // of new ids only sorts its records on the records' thread, while the
    // others already write the index.
    const bool sort_first = run.lookups > 0 || run.live() < kBulkIngestMinRecords;
    absl::Status st;
    if (sort_first) {
      SortRecords(run);
      st = RetractOldVersions(run);
      if (!st.ok()) return st;
    }
    run.tf.Finalize();
    if (run.live() < kBulkIngestMinRecords) return WriteSmallRun(run);

    // The records' file, and the block index (many more, smaller, keys) in up
    // to kBlockFileParts files of disjoint rule ranges, written by three threads
    // side by side: each takes the next index file when done with its last,
    // the records' thread once its file is written, so the threads finish
    // together. The term counts follow. From the kBulkCompactMinRuns-th run
    // on, Finish compacts for sure, so index and term files need no filters.
    const bool no_filters = ingested_runs_ + 1 >= kBulkCompactMinRuns;
    SstFile records(impl_, kCfRecords, no_filters);
    const auto write_records = [&run, &records] {
      // Records in key order sit in one key range's arena after another:
      // fetch a record's bytes 8 ahead, so the table builder does not wait
      // on memory.
      const std::vector<Run::Span>& ranked = run.ranked;
      for (size_t r = 0; r < ranked.size(); ++r) {
        if (r + 8 < ranked.size()) __builtin_prefetch(ranked[r + 8].data);
        const Run::Span& span = ranked[r];
        records.Put(std::string_view(span.data, span.key_size),
                    std::string_view(span.data + span.key_size, span.value_size));
      }
      records.Close();
    };
    struct BlockPart {
      size_t first_rule = 0;
      size_t end_rule = 0;
      size_t entries = 0;
      std::optional<SstFile> file;
    };
    std::deque<BlockPart> parts;  // SstFile does not move
    const size_t part_target = run.entry_count / kBlockFileParts + 1;
    for (size_t rule = 0; rule < 256; ++rule) {
      if (run.RuleSize(rule) == 0) continue;
      if (parts.empty() || parts.back().entries >= part_target) {
        parts.emplace_back();
        parts.back().first_rule = rule;
        parts.back().file.emplace(impl_, kCfBlocks, no_filters);
      }
      parts.back().end_rule = rule + 1;
      parts.back().entries += run.RuleSize(rule);
    }
    // Largest parts first, so the last ones taken are small and the threads
    // end close together.
    std::vector<size_t> by_size(parts.size());
    for (size_t p = 0; p < parts.size(); ++p) by_size[p] = p;
    std::stable_sort(by_size.begin(), by_size.end(),
                     [&parts](size_t a, size_t b) { return parts[a].entries > parts[b].entries; });
    std::atomic<size_t> next_part{0};
    const auto write_parts = [&run, &parts, &by_size, &next_part] {
      for (size_t i; (i = next_part.fetch_add(1)) < parts.size();) {
        BlockPart& part = parts[by_size[i]];
        WriteRuleEntries(run, part.first_rule, part.end_rule, *part.file);
        part.file->Close();
      }
    };
    std::vector<std::thread> threads;
    const auto spawn_or_run = [&threads](auto&& job) {
      try {
        threads.emplace_back(job);
      } catch (const std::system_error&) {
        job();
      }
    };
    spawn_or_run([&] {
      if (!sort_first) SortRecords(run);
      write_records();
      write_parts();
    });
    spawn_or_run(write_parts);
    write_parts();
    std::optional<SstFile> tf;
    if (!run.tf.sorted().empty()) {
      tf.emplace(impl_, kCfTf, no_filters);
      for (const auto& [term, delta] : run.tf.sorted()) tf->Merge(term, Int64LE(delta).slice());
    }
    for (std::thread& t : threads) t.join();

    std::vector<rdb::IngestExternalFileArg> args;
    std::vector<std::string> record_files;
    st = records.Finish(&record_files);
    if (st.ok() && !record_files.empty()) args.push_back(IngestArg(kCfRecords, record_files));
    std::vector<std::string> block_files;
    for (BlockPart& part : parts) {
      if (st.ok()) st = part.file->Finish(&block_files);
    }
    if (st.ok() && !block_files.empty()) args.push_back(IngestArg(kCfBlocks, block_files));
    if (st.ok() && tf) {
      std::vector<std::string> tf_files;
      st = tf->Finish(&tf_files);
      if (st.ok() && !tf_files.empty()) args.push_back(IngestArg(kCfTf, tf_files));
    }
    if (!st.ok()) return st;
    if (!bulk_mode_) {
      st = impl_->BeginBulk();
      if (!st.ok()) return st;
      bulk_mode_ = true;
    }
    if (!pages_overlap_ && !block_files.empty()) {
      std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(rdb::ReadOptions(), impl_->cf(kCfBlocks)));
      it->SeekToFirst();
      if (!it->status().ok()) return impl_->Error(it->status());
      pages_overlap_ = it->Valid();
    }
    st = impl_->Error(impl_->db->IngestExternalFiles(args));
    if (st.ok()) ++ingested_runs_;
    return st;
  }

  rdb::IngestExternalFileArg IngestArg(Cf cf, std::vector<std::string> files) const {
    rdb::IngestExternalFileArg arg;
    arg.column_family = impl_->cf(cf);
    arg.external_files = std::move(files);
    arg.options.move_files = true;
    arg.options.write_global_seqno = false;
    return arg;
  }

  // Sorts record indices by key: an LSD radix sort on the keys' first 8 bytes
  // (16 bits a pass, passes where all agree skipped), then the few records
  // that share those bytes by their whole keys.
  static void SortByKey(const Run& run, std::vector<uint32_t>* order) {
    struct Item {
      uint64_t prefix;
      uint32_t index;
    };
    const size_t n = order->size();
    std::vector<Item> items(n);
    std::vector<Item> scratch(n);
    for (size_t i = 0; i < n; ++i) items[i] = Item{run.records[(*order)[i]].sort_prefix, (*order)[i]};
    std::vector<uint32_t> next(size_t{1} << 16);
    for (int shift = 0; shift < 64; shift += 16) {
      std::fill(next.begin(), next.end(), 0);
      for (const Item& item : items) ++next[(item.prefix >> shift) & 0xffff];
      if (n == 0 || next[(items[0].prefix >> shift) & 0xffff] == n) continue;  // one digit
      uint32_t sum = 0;
      for (uint32_t& count : next) sum += std::exchange(count, sum);
      for (const Item& item : items) scratch[next[(item.prefix >> shift) & 0xffff]++] = item;
      items.swap(scratch);
    }
    for (size_t i = 0; i < n; ++i) (*order)[i] = items[i].index;
    for (size_t first = 0; first < n;) {
      size_t last = first + 1;
      while (last < n && items[last].prefix == items[first].prefix) ++last;
      if (last - first > 1) {
        std::sort(order->begin() + static_cast<std::ptrdiff_t>(first),
                  order->begin() + static_cast<std::ptrdiff_t>(last),
                  [&run](uint32_t a, uint32_t b) { return run.Key(a) < run.Key(b); });
      }
      first = last;
    }
  }

  // Orders the run's live records by key: `order` and `rank`.
  static void SortRecords(Run& run) {
    const size_t n = run.records.size();
    run.order.clear();
    run.order.reserve(run.live());
    for (uint32_t i = 0; i < n; ++i) {
      if (!run.records[i].dead) run.order.push_back(i);
    }
    SortByKey(run, &run.order);
    run.ranked.reserve(run.order.size());
    for (uint32_t r = 0; r < run.order.size(); ++r) {
      if (r + 16 < run.order.size()) __builtin_prefetch(&run.records[run.order[r + 16]]);
      if (r + 8 < run.order.size()) __builtin_prefetch(run.records[run.order[r + 8]].data);
      const RecordRef& record = run.records[run.order[r]];
      run.ranked.push_back(Run::Span{record.data, record.key_size, record.value_size});
    }
  }

  // Retracts the stored versions of the run's records that may replace one.
  // Looked up in key order (RocksDB need not sort them), a slice at a time
  // (the old values are not all held at once).
  absl::Status RetractOldVersions(Run& run) {
    if (run.lookups == 0) return absl::OkStatus();  // a load of new ids only
    constexpr size_t kSlice = 4096;
    std::vector<rdb::Slice> keys;
    std::vector<uint32_t> lookup_index;
    std::vector<rdb::PinnableSlice> values(kSlice);
    std::vector<rdb::Status> statuses(kSlice);
    std::vector<BlockKey> old_keys;
    std::vector<TfTerm> old_terms;
    std::vector<BlockKey> fresh_keys;
    std::string_view payload;
    for (size_t first = 0; first < run.order.size();) {
      keys.clear();
      lookup_index.clear();
      for (; first < run.order.size() && keys.size() < kSlice; ++first) {
        const uint32_t i = run.order[first];
        if (!run.records[i].lookup) continue;
        lookup_index.push_back(i);
        keys.push_back(ToSlice(run.Key(i)));
      }
      const size_t n = keys.size();
      if (n == 0) continue;
      impl_->db->MultiGet(rdb::ReadOptions(), impl_->cf(kCfRecords), n, keys.data(), values.data(),
                          statuses.data(), /*sorted_input=*/true);
      for (size_t k = 0; k < n; ++k) {
        if (statuses[k].IsNotFound()) continue;
        if (!statuses[k].ok()) return impl_->Error(statuses[k]);
        if (!DecodeRecordValue(ToView(values[k]), &old_keys, &old_terms, &payload) ||
            !DecodeRecordValue(run.Value(lookup_index[k]), &fresh_keys, nullptr, &payload)) {
          return absl::DataLossError(impl_->dir + ": malformed record value");
        }
        // Memberships only the old version has leave; those both have stay,
        // and the run does not add them again.
        for (const BlockKey& bk : old_keys) {
          const bool shared = std::find(fresh_keys.begin(), fresh_keys.end(), bk) != fresh_keys.end();
          run.AddEntry(bk, run.records[lookup_index[k]].key_at, shared ? Run::kKeep : Run::kRemove);
        }
        for (const TfTerm& term : old_terms) run.tf.Add(term.field, term.value, -1);
      }
      for (size_t k = 0; k < n; ++k) values[k].Reset();
    }
    return absl::OkStatus();
  }

  // A counting-sort pass: puts the entries for_each(f) passes to f into `out`
  // by byte `byte` of their hash; starts[d] is where byte value d begins
  // (starts[256]: the end).
  template <typename ForEach>
  static void ScatterByHashByte(const ForEach& for_each, int byte, EntryRef* out,
                                std::array<size_t, 257>* starts) {
    const auto digit = [byte](const EntryRef& ref) { return (ref.hash_hi >> (8 * byte)) & 0xff; };
    std::array<size_t, 257> next{};
    for_each([&](const EntryRef& ref) { ++next[digit(ref) + 1]; });
    for (size_t d = 0; d < 256; ++d) next[d + 1] += next[d];
    *starts = next;
    for_each([&](const EntryRef& ref) { out[next[digit(ref)]++] = ref; });
  }

  // Sorts entries that share the hash bytes above byte `byte`: a radix pass
  // on that byte if it is byte 2 or higher, then each part by insertion, or
  // by std::sort when many share a hash (a large block).
  static void SortEntries(EntryRef* entries, size_t n, int byte, std::vector<EntryRef>* scratch) {
    constexpr size_t kSmall = 32;
    if (n > kSmall && byte >= 2) {
      scratch->resize(n);
      std::array<size_t, 257> starts;
      ScatterByHashByte(
          [&](const auto& f) {
            for (size_t i = 0; i < n; ++i) f(entries[i]);
          },
          byte, scratch->data(), &starts);
      std::memcpy(entries, scratch->data(), n * sizeof(EntryRef));
      for (size_t d = 0; d < 256; ++d) {
        SortEntries(entries + starts[d], starts[d + 1] - starts[d], byte - 1, scratch);
      }
    } else if (n > kSmall) {
      std::sort(entries, entries + n);
    } else {
      for (size_t i = 1; i < n; ++i) {
        const EntryRef value = entries[i];
        size_t j = i;
        for (; j > 0 && value < entries[j - 1]; --j) entries[j] = entries[j - 1];
        entries[j] = value;
      }
    }
  }

  // One rule's entries in key order (hash, then arrival), in `out`: entries of
  // replaced records dropped, a radix pass on the top hash byte straight from the rule's list
  // into `out`, SortEntries per part, and duplicates dropped (a record
  // listing one block key twice yields one). Reads the run, writes only `out`.
  static void SortRuleEntries(const Run& run, const EntryList& list, std::vector<EntryRef>* out) {
    out->clear();
    const auto dead = [&run](const EntryRef& ref) {
      return run.dead > 0 && run.DeadAt(ref.number);
    };
    // One pass counts the entries by their top hash byte.
    std::array<size_t, 257> next{};
    for (const std::vector<EntryRef>& chunk : list.chunks()) {
      for (const EntryRef& ref : chunk) {
        if (!dead(ref)) ++next[(ref.hash_hi >> 24) + 1];
      }
    }
    for (size_t d = 0; d < 256; ++d) next[d + 1] += next[d];
    const size_t live = next[256];
    if (live == 0) return;  // no entries, or all of replaced versions
    out->resize(live);
    const std::array<size_t, 257> starts = next;
    for (const std::vector<EntryRef>& chunk : list.chunks()) {
      for (const EntryRef& ref : chunk) {
        if (!dead(ref)) (*out)[next[ref.hash_hi >> 24]++] = ref;
      }
    }
    std::vector<EntryRef> scratch;
    for (size_t d = 0; d < 256; ++d) {
      SortEntries(out->data() + starts[d], starts[d + 1] - starts[d], 2, &scratch);
    }
    out->erase(std::unique(out->begin(), out->end()), out->end());
  }

  // Calls block(rule, hash, removes, adds) for each block of rules
  // [first_rule, end_rule) the run changes, in key order: the members that
  // leave it (replaced versions) and those that join it, each in the order
  // the run received them.
  template <typename Block>
  static void ForEachBlockChange(Run& run, size_t first_rule, size_t end_rule,
                                 const Block& block) {
    std::vector<EntryRef> adds;
    std::vector<EntryRef> removes;
    std::vector<EntryRef> kept;
    for (size_t rule = first_rule; rule < end_rule; ++rule) {
      SortRuleEntries(run, run.entries[rule], &adds);
      SortRuleEntries(run, run.deletes[rule], &removes);
      SortRuleEntries(run, run.kept[rule], &kept);
      if (!kept.empty()) {  // both sorted: drop the adds that are kept
        size_t out = 0;
        for (size_t a = 0, k = 0; a < adds.size(); ++a) {
          while (k < kept.size() && kept[k] < adds[a]) ++k;
          if (k == kept.size() || !(kept[k] == adds[a])) adds[out++] = adds[a];
        }
        adds.resize(out);
      }
      // Entries in hash order read member keys at random: prefetch a key 8
      // entries ahead.
      size_t a = 0;
      size_t d = 0;
      while (a < adds.size() || d < removes.size()) {
        const uint64_t hash = d == removes.size()  ? adds[a].hash()
                              : a == adds.size()   ? removes[d].hash()
                                                   : std::min(adds[a].hash(), removes[d].hash());
        size_t a_end = a;
        for (; a_end < adds.size() && adds[a_end].hash() == hash; ++a_end) {
          if (a_end + 8 < adds.size()) __builtin_prefetch(run.keys.data() + adds[a_end + 8].number);
        }
        size_t d_end = d;
        while (d_end < removes.size() && removes[d_end].hash() == hash) ++d_end;
        block(rule, hash, std::span<const EntryRef>(removes.data() + d, d_end - d),
              std::span<const EntryRef>(adds.data() + a, a_end - a));
        a = a_end;
        d = d_end;
      }
    }
  }

  // Calls emit(key, operand) for each page (block_postings.h) of rules
  // [first_rule, end_rule) the run changes, in key order: the operand lists
  // the page's changed blocks, each with its removes, then its adds.
  template <typename Emit>
  static void ForEachPageChange(Run& run, size_t first_rule, size_t end_rule, const Emit& emit) {
    std::string page_key;
    std::string operand;
    uint32_t page = UINT32_MAX;  // rule << 16 | the hash's top 16 bits, as the key says
    const auto key_of = [&run](const EntryRef& ref) { return run.KeyAt(ref.number); };
    ForEachBlockChange(run, first_rule, end_rule,
                       [&](size_t rule, uint64_t hash, std::span<const EntryRef> removes,
                           std::span<const EntryRef> adds) {
                         const auto this_page = static_cast<uint32_t>(rule << 16 | hash >> 48);
                         if (this_page != page) {
                           if (!operand.empty()) emit(page_key, operand);
                           operand.clear();
                           page_key.clear();
                           AppendPageKey(&page_key, static_cast<uint8_t>(rule), hash);
                           page = this_page;
                         }
                         AppendPageEntryOf(&operand, hash, std::views::transform(removes, key_of),
                                           std::views::transform(adds, key_of));
                       });
    if (!operand.empty()) emit(page_key, operand);
  }

  // Writes the page changes of rules [first_rule, end_rule) into `file`.
  static void WriteRuleEntries(Run& run, size_t first_rule, size_t end_rule, SstFile& file) {
    ForEachPageChange(run, first_rule, end_rule,
                      [&file](const std::string& key, const std::string& operand) {
                        file.Merge(key, ToSlice(operand));
                      });
  }

  absl::Status WriteSmallRun(Run& run) {
    rdb::WriteBatch wb;
    rdb::Status s;
    for (uint32_t i : run.order) {
      s = wb.Put(impl_->cf(kCfRecords), ToSlice(run.Key(i)), ToSlice(run.Value(i)));
      if (!s.ok()) return impl_->Error(s);
    }
    ForEachPageChange(run, 0, 256, [&](const std::string& key, const std::string& operand) {
      if (s.ok()) s = wb.Merge(impl_->cf(kCfBlocks), ToSlice(key), ToSlice(operand));
    });
    if (!s.ok()) return impl_->Error(s);
    for (const auto& [term, delta] : run.tf.sorted()) {
      s = wb.Merge(impl_->cf(kCfTf), ToSlice(term), Int64LE(delta).slice());
      if (!s.ok()) return impl_->Error(s);
    }
    rdb::WriteOptions no_wal;
    no_wal.disableWAL = true;
    return impl_->Error(impl_->db->Write(no_wal, &wb));
  }

  Store::Impl* impl_;
  const size_t memory_bytes_;
  const size_t max_run_records_;
  const bool unique_keys_;  // BulkWriterOptions::unique_keys
  // Caller side.
  Run filling_;
  std::vector<int8_t> source_state_;  // SourceState by source code
  HashIndex64 run_index_;             // record key hash -> filling_.records index
  HashSet64 written_ids_;             // record key hashes written, fresh sources only
  BulkBatch single_;  // Add(StoredRecord) goes through a batch of one
  absl::Status status_;
  bool finished_ = false;
  std::atomic<size_t> writing_bytes_{0};  // memory held by the run being written
  // Worker side (and the caller once the worker is idle).
  Run writing_;
  int ingested_runs_ = 0;
  bool pages_overlap_ = false;  // a run's pages went in over stored ones
  bool bulk_mode_ = false;      // this writer holds Impl::BeginBulk
  // Hand-over.
  std::mutex mu_;
  std::condition_variable cv_;
  bool has_work_ = false;
  bool stop_ = false;
  absl::Status worker_status_;
  std::thread worker_;
};

std::unique_ptr<Store::BulkWriter> Store::NewBulkWriter(const BulkWriterOptions& options) {
  return std::make_unique<Impl::BulkWriterImpl>(impl_.get(), options);
}

}  // namespace probity::storage
