// The store on RocksDB. See store.h for the contract.
//
// Record value layout (records CF):
//   varint n_block_keys, n_block_keys x (rule(1) + hash(8, BE)),
//   varint n_tf_terms,   n_tf_terms x (field(1) + varint length + value bytes),
//   payload (the rest).
// The header lets Put/Delete retract exactly the index entries and term counts
// the previous version of a record added.
#include "storage/store.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace probity::storage {
namespace {

namespace rdb = ::ROCKSDB_NAMESPACE;
namespace fs = std::filesystem;

// Column families, in the order they are opened (handles are indexed by this).
enum Cf : int {
  kCfDefault = 0,
  kCfMeta,
  kCfRecords,
  kCfBlocks,
  kCfTf,
  kCfModel,
  kCfClusters,
  kNumCfs
};
constexpr std::array<const char*, kNumCfs> kCfNames = {"default", "meta",  "records", "blocks",
                                                       "tf",      "model", "clusters"};

constexpr size_t kBlockPrefixLen = 9;  // rule(1) + hash(8)
constexpr size_t kNumStripes = 256;
constexpr std::string_view kFormatVersionKey = "format_version";
constexpr std::string_view kSourceKeyPrefix = "source/";
// Smaller runs go through a WriteBatch instead of SST files.
constexpr size_t kBulkIngestMinRecords = 2048;
// Finish compacts when the writer ingested at least this many runs (they
// overlap in level 0).
constexpr int kBulkCompactMinRuns = 2;
// Block-index files per bulk run: enough that three threads share the work
// evenly, few enough to stay large files.
constexpr size_t kBlockFileParts = 6;
// Bulk SST files are written into the store directory under this prefix, then
// moved into RocksDB; leftovers (a crash mid-batch) are removed on open.
constexpr std::string_view kBulkFilePrefix = "probity-bulk-";

rdb::Slice ToSlice(std::string_view s) { return rdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// ---- Fixed-width and varint encodings ----

void PutBE16(std::string* out, uint16_t v) {
  const char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
  out->append(b, 2);
}

void PutBE64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (56 - 8 * i)) & 0xff);
  out->append(b, 8);
}

uint16_t GetBE16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}

uint64_t GetBE64(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | u[i];
  return v;
}

// Little-endian int64, the tf CF's value and merge operand.
struct Int64LE {
  char bytes[8];
  explicit Int64LE(int64_t v) {
    const auto u = static_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((u >> (8 * i)) & 0xff);
  }
  rdb::Slice slice() const { return rdb::Slice(bytes, 8); }
};

bool DecodeInt64LE(std::string_view s, int64_t* v) {
  if (s.size() != 8) return false;
  uint64_t u = 0;
  for (int i = 7; i >= 0; --i) u = (u << 8) | static_cast<unsigned char>(s[static_cast<size_t>(i)]);
  *v = static_cast<int64_t>(u);
  return true;
}

void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

// ---- Keys ----

void AppendRecordKey(std::string* out, uint16_t source, std::string_view id) {
  PutBE16(out, source);
  out->append(id);
}

std::string RecordKey(uint16_t source, std::string_view id) {
  std::string key;
  key.reserve(2 + id.size());
  AppendRecordKey(&key, source, id);
  return key;
}

void AppendBlockPrefix(std::string* out, const BlockKey& key) {
  out->push_back(static_cast<char>(key.rule));
  PutBE64(out, key.hash);
}

void AppendBlockEntryKey(std::string* out, const BlockKey& key, uint16_t source,
                         std::string_view id) {
  AppendBlockPrefix(out, key);
  AppendRecordKey(out, source, id);
}

void AppendTfKey(std::string* out, uint8_t field, std::string_view value) {
  out->push_back(static_cast<char>(field));
  out->append(value);
}

// The smallest string greater than every string starting with `prefix`; empty
// when there is none (all bytes 0xff).
std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(prefix.back());
    if (last != 0xff) {
      ++last;
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

// ---- Record values ----

// Appends a record value's header to `out`; with `term_offsets`, appends
// where each term's value starts in `out`.
void EncodeRecordHeader(const std::vector<BlockKey>& block_keys, const std::vector<TfTerm>& terms,
                        std::string* out, std::vector<size_t>* term_offsets = nullptr) {
  PutVarint(out, block_keys.size());
  for (const BlockKey& key : block_keys) AppendBlockPrefix(out, key);
  PutVarint(out, terms.size());
  for (const TfTerm& term : terms) {
    out->push_back(static_cast<char>(term.field));
    PutVarint(out, term.value.size());
    if (term_offsets != nullptr) term_offsets->push_back(out->size());
    out->append(term.value);
  }
}

// Splits a record value into its header parts and payload. Reuses the vectors'
// storage. False on a malformed value.
bool DecodeRecordValue(std::string_view in, std::vector<BlockKey>* block_keys,
                       std::vector<TfTerm>* terms, std::string_view* payload) {
  uint64_t n = 0;
  if (!GetVarint(&in, &n) || n > in.size() / kBlockPrefixLen) return false;
  block_keys->resize(n);
  for (BlockKey& key : *block_keys) {
    key.rule = static_cast<uint8_t>(in[0]);
    key.hash = GetBE64(in.data() + 1);
    in.remove_prefix(kBlockPrefixLen);
  }
  if (!GetVarint(&in, &n) || n > in.size() / 2) return false;
  terms->resize(n);
  for (TfTerm& term : *terms) {
    if (in.empty()) return false;
    term.field = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    uint64_t len = 0;
    if (!GetVarint(&in, &len) || len > in.size()) return false;
    term.value.assign(in.data(), len);
    in.remove_prefix(len);
  }
  *payload = in;
  return true;
}

// Advances `in` past a record value's header to its payload, allocating
// nothing. False on a malformed value.
bool SkipRecordHeader(std::string_view* in) {
  uint64_t n = 0;
  if (!GetVarint(in, &n) || n > in->size() / kBlockPrefixLen) return false;
  in->remove_prefix(n * kBlockPrefixLen);
  if (!GetVarint(in, &n) || n > in->size() / 2) return false;
  for (uint64_t t = 0; t < n; ++t) {
    if (in->empty()) return false;
    in->remove_prefix(1);  // field
    uint64_t len = 0;
    if (!GetVarint(in, &len) || len > in->size()) return false;
    in->remove_prefix(len);
  }
  return true;
}

// ---- Errors ----

absl::Status FromRocks(const rdb::Status& s, const std::string& dir) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = dir + ": " + s.ToString();
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  switch (s.code()) {
    case rdb::Status::kNotFound:
      return absl::NotFoundError(msg);
    case rdb::Status::kCorruption:
      return absl::DataLossError(msg);
    case rdb::Status::kNotSupported:  // e.g. a write to a read-only store
      return absl::FailedPreconditionError(msg);
    case rdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(msg);
    case rdb::Status::kBusy:
    case rdb::Status::kTimedOut:
    case rdb::Status::kTryAgain:
      return absl::UnavailableError(msg);
    default:
      return absl::InternalError(msg);
  }
}

std::string ErrnoMessage(int err) {
  return std::error_code(err, std::generic_category()).message();
}

// mkdir -p with mode 0700 for every directory created.
absl::Status MakeDirs(const std::string& dir) {
  fs::path current;
  for (const fs::path& part : fs::path(dir).lexically_normal()) {
    current /= part;
    if (part.empty()) continue;
    if (::mkdir(current.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::FailedPreconditionError(dir +
                                           ": cannot create directory: " + ErrnoMessage(errno));
    }
  }
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::FailedPreconditionError(dir + ": cannot create directory");
  }
  // The umask may have removed bits; the store holds personal data, so exactly 0700.
  if (::chmod(dir.c_str(), 0700) != 0) {
    return absl::FailedPreconditionError(dir + ": cannot set mode 0700: " + ErrnoMessage(errno));
  }
  return absl::OkStatus();
}

// ---- Merge operator for the tf CF ----

class Int64AddOperator final : public rdb::AssociativeMergeOperator {
 public:
  bool Merge(const rdb::Slice& /*key*/, const rdb::Slice* existing_value, const rdb::Slice& value,
             std::string* new_value, rdb::Logger* /*logger*/) const override {
    int64_t a = 0;
    int64_t b = 0;
    if (existing_value != nullptr && !DecodeInt64LE(ToView(*existing_value), &a)) return false;
    if (!DecodeInt64LE(ToView(value), &b)) return false;
    // Unsigned addition: wraps instead of undefined behaviour on overflow.
    const Int64LE sum(static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)));
    new_value->assign(sum.bytes, 8);
    return true;
  }
  const char* Name() const override { return "probity.Int64Add"; }
};

// ---- Options ----

rdb::DBOptions MakeDbOptions() {
  rdb::DBOptions options;
  options.IncreaseParallelism(2);
  options.max_background_jobs = 2;
  options.create_missing_column_families = true;
  // All column families flush together, so with the WAL disabled (bulk loads)
  // a crash never leaves a record on disk without its index entries.
  options.atomic_flush = true;
  options.keep_log_file_num = 4;
  options.max_log_file_size = size_t{8} << 20;
  // Bounds the memtables of all column families together.
  options.db_write_buffer_size = size_t{512} << 20;
  return options;
}

rdb::ColumnFamilyOptions MakeCfOptions(int cf, const std::shared_ptr<rdb::Cache>& cache) {
  rdb::ColumnFamilyOptions options;
  options.level_compaction_dynamic_level_bytes = true;
  options.compression = rdb::kLZ4Compression;
  rdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  switch (cf) {
    case kCfRecords:
      options.write_buffer_size = size_t{64} << 20;
      // Record values are mostly hashes (the block keys in the header) and
      // short varied strings: LZ4 saved 0.1% on a million synthetic records
      // (RocksDB kept almost every block raw) for 5% of the load's CPU.
      options.compression = rdb::kNoCompression;
      // Small bulk batches insert keys in sorted order, and re-storing a
      // record inserts where the last insert was: a per-source insert hint
      // lets the memtable skiplist start its search there.
      options.memtable_insert_with_hint_prefix_extractor.reset(rdb::NewFixedPrefixTransform(2));
      // Put looks up the old version of every record: most are new ids.
      table.filter_policy.reset(rdb::NewBloomFilterPolicy(10));
      // Records are read by point look-ups (MultiGet): a hash index in each
      // data block finds the key without a binary search.
      table.data_block_index_type = rdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
      break;
    case kCfBlocks:
      options.write_buffer_size = size_t{64} << 20;
      // A block is a prefix scan; nothing looks up whole keys, so the filter
      // holds prefixes only (smaller, and exactly what ForEachInBlock probes).
      options.prefix_extractor.reset(rdb::NewFixedPrefixTransform(kBlockPrefixLen));
      // One insert hint per rule (see records).
      options.memtable_insert_with_hint_prefix_extractor.reset(rdb::NewFixedPrefixTransform(1));
      table.filter_policy.reset(rdb::NewBloomFilterPolicy(10));
      table.whole_key_filtering = false;
      break;
    case kCfTf:
      options.write_buffer_size = size_t{32} << 20;
      options.merge_operator = std::make_shared<Int64AddOperator>();
      options.memtable_insert_with_hint_prefix_extractor.reset(rdb::NewFixedPrefixTransform(1));
      table.filter_policy.reset(rdb::NewBloomFilterPolicy(10));
      break;
    case kCfClusters:
      options.write_buffer_size = size_t{32} << 20;
      table.filter_policy.reset(rdb::NewBloomFilterPolicy(10));
      table.data_block_index_type = rdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
      break;
    default:  // default, meta, model: small
      options.write_buffer_size = size_t{4} << 20;
      break;
  }
  options.table_factory.reset(rdb::NewBlockBasedTableFactory(table));
  return options;
}

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

// Sums a batch's term-count deltas by tf key (field + value): open addressing
// over XXH3 hashes with the keys in one arena, so adding a term allocates
// nothing in the common case.
// The hash TermDeltas files a term under (BulkBatch computes it off the
// writer's thread).
uint64_t TermHash(uint8_t field, std::string_view value) {
  return XXH3_64bits_withSeed(value.data(), value.size(), field);
}

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
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.size == kEmpty) {
        const size_t start = arena_.size();
        arena_.push_back(static_cast<char>(field));
        arena_.append(value);
        slot = Slot{hash, static_cast<uint32_t>(start), static_cast<uint32_t>(len), delta};
        ++size_;
        return;
      }
      if (slot.hash == hash && slot.size == len &&
          arena_[slot.offset] == static_cast<char>(field) &&
          std::memcmp(arena_.data() + slot.offset + 1, value.data(), value.size()) == 0) {
        slot.delta += delta;
        return;
      }
    }
  }
  // Fills sorted() with the non-zero sums in key order.
  void Finalize() {
    sorted_.clear();
    for (const Slot& slot : slots_) {
      if (slot.size != kEmpty && slot.delta != 0) {
        sorted_.emplace_back(std::string_view(arena_.data() + slot.offset, slot.size), slot.delta);
      }
    }
    std::sort(sorted_.begin(), sorted_.end());
  }
  const std::vector<std::pair<std::string_view, int64_t>>& sorted() const { return sorted_; }
  void Clear() {
    if (size_ > 0) std::fill(slots_.begin(), slots_.end(), Slot{});
    size_ = 0;
    arena_.clear();
    sorted_.clear();
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;
    uint32_t size = kEmpty;
    int64_t delta = 0;
  };
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

uint64_t HashKey(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

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

// ---- Store::Impl ----

struct Store::Impl {
  class BulkWriterImpl;

  std::string dir;
  bool read_only = false;
  rdb::DB* db = nullptr;
  std::vector<rdb::ColumnFamilyHandle*> handles;  // indexed by Cf
  rdb::DBOptions db_options;
  std::vector<rdb::ColumnFamilyOptions> cf_options;  // indexed by Cf

  mutable std::mutex sources_mu;
  std::map<std::string, uint16_t, std::less<>> sources;  // name -> code
  uint16_t max_source_code = 0;

  // Bulk writers that have ingested files; while there are any, automatic
  // compaction of the bulk column families is off (see BeginBulk).
  std::mutex bulk_mu;
  int bulk_writers = 0;

  // Serialises read-modify-write of one record (Put/Delete) by key hash.
  std::array<std::mutex, kNumStripes> stripes;

  ~Impl() {
    // Debian's RocksDB asserts: handles first, then Close, then delete.
    if (db == nullptr) return;
    for (rdb::ColumnFamilyHandle* handle : handles) {
      if (handle != nullptr) db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
    handles.clear();
    db->Close().PermitUncheckedError();
    delete db;
    db = nullptr;
  }

  rdb::ColumnFamilyHandle* cf(Cf c) const { return handles[static_cast<size_t>(c)]; }
  // Options for SST files of column family `c` (same table format and filters).
  rdb::Options SstOptions(Cf c) const {
    return rdb::Options(db_options, cf_options[static_cast<size_t>(c)]);
  }
  absl::Status Error(const rdb::Status& s) const { return FromRocks(s, dir); }

  absl::StatusOr<std::optional<std::string>> GetString(Cf c, std::string_view key) const {
    std::string value;
    const rdb::Status s = db->Get(rdb::ReadOptions(), cf(c), ToSlice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) return Error(s);
    return value;
  }

  absl::Status LoadSources() {
    std::string lower(kSourceKeyPrefix);
    std::string upper = PrefixSuccessor(lower);
    rdb::Slice upper_slice(upper);
    rdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rdb::Iterator> it(db->NewIterator(ro, cf(kCfMeta)));
    std::lock_guard<std::mutex> lock(sources_mu);
    for (it->Seek(lower); it->Valid(); it->Next()) {
      const std::string_view name = ToView(it->key()).substr(kSourceKeyPrefix.size());
      const std::string_view text = ToView(it->value());
      uint64_t code = 0;
      bool ok = !text.empty() && text.size() <= 5;
      for (char c : text) {
        if (c < '0' || c > '9') ok = false;
        code = code * 10 + static_cast<uint64_t>(c - '0');
      }
      if (!ok || code == 0 || code > 0xffff) {
        return absl::DataLossError(dir + ": malformed source code in meta");
      }
      sources.emplace(std::string(name), static_cast<uint16_t>(code));
      max_source_code = std::max(max_source_code, static_cast<uint16_t>(code));
    }
    return Error(it->status());
  }

  // True when no column family holds any key (a store whose creation was
  // interrupted before the format version was written).
  absl::StatusOr<bool> AllEmpty() const {
    for (rdb::ColumnFamilyHandle* handle : handles) {
      std::unique_ptr<rdb::Iterator> it(db->NewIterator(rdb::ReadOptions(), handle));
      it->SeekToFirst();
      if (it->Valid()) return false;
      if (!it->status().ok()) return Error(it->status());
    }
    return true;
  }

  // Adds to `batch` the index changes from a record's stored version
  // (`old_value`, nullptr when there is none) to `next` (nullptr when the
  // record is deleted). Entries and term counts both versions have are left
  // alone, so re-storing an unchanged record writes only the record itself.
  // `fresh`: no record has a cluster yet, so there are no old entries to drop.
  absl::Status WriteClusterChanges(const std::vector<ClusterAssignment>& assignments,
                                   rdb::WriteBatch* batch, bool fresh = false);
  absl::Status WriteIndexChanges(const rdb::Slice* old_value, const StoredRecord* next,
                                 uint16_t source, std::string_view id,
                                 rdb::WriteBatch* batch) const {
    std::vector<BlockKey> old_keys;
    std::vector<TfTerm> old_terms;
    std::string_view payload;
    if (old_value != nullptr &&
        !DecodeRecordValue(ToView(*old_value), &old_keys, &old_terms, &payload)) {
      return absl::DataLossError(dir + ": malformed record value");
    }
    static const StoredRecord kNone;
    const StoredRecord& fresh = next != nullptr ? *next : kNone;
    const auto contains = [](const std::vector<BlockKey>& keys, const BlockKey& key) {
      return std::find(keys.begin(), keys.end(), key) != keys.end();
    };
    std::string key;
    rdb::Status s;
    // Block entries exist or not: set difference both ways.
    for (const BlockKey& bk : old_keys) {
      if (!s.ok() || contains(fresh.block_keys, bk)) continue;
      key.clear();
      AppendBlockEntryKey(&key, bk, source, id);
      s = batch->Delete(cf(kCfBlocks), key);
    }
    for (const BlockKey& bk : fresh.block_keys) {
      if (!s.ok() || contains(old_keys, bk)) continue;
      key.clear();
      AppendBlockEntryKey(&key, bk, source, id);
      s = batch->Put(cf(kCfBlocks), key, rdb::Slice());
    }
    // Term counts count occurrences: multiset difference.
    std::vector<bool> matched(fresh.tf_terms.size(), false);
    const Int64LE minus_one(-1);
    for (const TfTerm& term : old_terms) {
      size_t j = 0;
      while (j < fresh.tf_terms.size() && (matched[j] || !(fresh.tf_terms[j] == term))) ++j;
      if (j < fresh.tf_terms.size()) {
        matched[j] = true;
        continue;
      }
      if (!s.ok()) break;
      key.clear();
      AppendTfKey(&key, term.field, term.value);
      s = batch->Merge(cf(kCfTf), key, minus_one.slice());
    }
    const Int64LE plus_one(1);
    for (size_t j = 0; j < fresh.tf_terms.size() && s.ok(); ++j) {
      if (matched[j]) continue;
      key.clear();
      AppendTfKey(&key, fresh.tf_terms[j].field, fresh.tf_terms[j].value);
      s = batch->Merge(cf(kCfTf), key, plus_one.slice());
    }
    return Error(s);
  }

  // A bulk load ingests one SST file per batch into level 0. Compacting them
  // as they arrive would rewrite the growing lower level again and again, so
  // automatic compaction pauses (and level-0 write stalls are lifted) until
  // the last bulk writer ends; it then compacts once.
  absl::Status BeginBulk() {
    std::lock_guard<std::mutex> lock(bulk_mu);
    if (bulk_writers++ > 0) return absl::OkStatus();
    return SetBulkOptions(true);
  }
  absl::Status EndBulk() {
    std::lock_guard<std::mutex> lock(bulk_mu);
    if (--bulk_writers > 0) return absl::OkStatus();
    return SetBulkOptions(false);
  }
  absl::Status SetBulkOptions(bool bulk) {
    for (Cf c : {kCfRecords, kCfBlocks, kCfTf}) {
      const rdb::ColumnFamilyOptions& normal = cf_options[static_cast<size_t>(c)];
      const std::unordered_map<std::string, std::string> values = {
          {"disable_auto_compactions", bulk ? "true" : "false"},
          {"level0_slowdown_writes_trigger",
           std::to_string(bulk ? 1 << 20 : normal.level0_slowdown_writes_trigger)},
          {"level0_stop_writes_trigger",
           std::to_string(bulk ? 1 << 20 : normal.level0_stop_writes_trigger)},
      };
      rdb::Status s = db->SetOptions(cf(c), values);
      if (!s.ok()) return Error(s);
    }
    return absl::OkStatus();
  }

  // One merge of each bulk column family's level-0 files into the last level.
  // RocksDB 7.8 cannot split these into subcompactions (every file spans the
  // whole key range), so the column families are compacted side by side, with
  // the background job limit raised meanwhile to let two compactions run.
  absl::Status CompactBulkFamilies() {
    rdb::Status s = db->SetDBOptions({{"max_background_jobs", "4"}});
    if (!s.ok()) return Error(s);
    rdb::CompactRangeOptions compact;
    rdb::Status records_status;
    const auto compact_records = [&] {
      records_status = db->CompactRange(compact, cf(kCfRecords), nullptr, nullptr);
    };
    std::thread records_thread;
    try {
      records_thread = std::thread(compact_records);
    } catch (const std::system_error&) {
      compact_records();
    }
    s = db->CompactRange(compact, cf(kCfBlocks), nullptr, nullptr);
    if (s.ok()) s = db->CompactRange(compact, cf(kCfTf), nullptr, nullptr);
    if (records_thread.joinable()) records_thread.join();
    if (s.ok()) s = records_status;
    const rdb::Status restored =
        db->SetDBOptions({{"max_background_jobs", std::to_string(db_options.max_background_jobs)}});
    return Error(s.ok() ? restored : s);
  }

  std::mutex& StripeFor(std::string_view record_key) {
    return stripes[HashKey(record_key) % kNumStripes];
  }
};

// ---- BulkWriter ----

// The bulk writer. The caller's thread appends each record to a run: its key
// and encoded value to one arena, its block-index entries (hash and record
// number, 12 bytes) to one list per rule, its term counts to a hash table (a
// repeated id replaces its pending version). A worker thread writes a full run while the caller fills the next.
// A run is written with every column family's entries in key order:
//   - large runs as SST files (one for records, two key ranges for blocks, one
//     for terms), ingested atomically (IngestExternalFiles): no memtable, no
//     WAL, durable once ingested. A run is as large as the memory budget
//     allows (BulkWriterOptions), so a load of about a million records is one run,
//     ingested straight into the bottom level with nothing to compact. Larger
//     loads are several overlapping runs in level 0: automatic compaction
//     pauses meanwhile (Impl::BeginBulk) and Finish compacts once. Index and
//     term files that Finish is sure to compact are written without filters.
//   - small runs (a remainder at Finish) as one WriteBatch without WAL.
class Store::Impl::BulkWriterImpl final : public Store::BulkWriter {
 public:
  // A run is written when it holds 4/5 of options.memory_bytes (records,
  // encoded, and 12 bytes per block-index entry), less what the run being
  // written holds, or options.max_run_records records.
  BulkWriterImpl(Store::Impl* impl, const BulkWriterOptions& options)
      : impl_(impl),
        memory_bytes_(std::max<size_t>(options.memory_bytes, 1)),
        max_run_records_(std::clamp<size_t>(options.max_run_records, 1, size_t{1} << 24)),
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
    for (size_t i = 0; i < rep.records.size(); ++i) {
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
    }
    bulk_mode_ = false;
    status_ = impl_->EndBulk();
    return status_;
  }

 private:
  enum SourceState : int8_t { kUnknown = 0, kFresh, kHasRecords };
  static constexpr uint32_t kDead = UINT32_MAX;  // a rank no record has

  // A block-index entry of one rule (the run keeps a list per rule): its
  // hash and a record number, 12 bytes. Entries of one rule sort in the order
  // of their keys (rule, hash, then the record key) once the number is the
  // record's rank in key order (SortRuleEntries): sorting touches no key bytes.
  struct EntryRef {
    uint32_t hash_hi;
    uint32_t hash_lo;
    uint32_t number;  // the record's index in the run, then its rank
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
    std::vector<std::vector<EntryRef>>& chunks() { return chunks_; }
    void clear() {
      chunks_.clear();
      size_ = 0;
    }

   private:
    static constexpr size_t kChunk = 4096;
    std::vector<std::vector<EntryRef>> chunks_;
    size_t size_ = 0;
  };

  // Bytes in blocks of 4 MiB that never move (a growing string would copy
  // everything, and hold twice the memory, at each doubling).
  class Arena {
   public:
    // Copies `a` then `b` into one contiguous place and returns it.
    const char* Append(std::string_view a, std::string_view b) {
      const size_t n = a.size() + b.size();
      if (blocks_.empty() || used_ + n > block_size_) {
        block_size_ = std::max(kBlockSize, n);
        blocks_.push_back(std::make_unique<char[]>(block_size_));
        used_ = 0;
        bytes_ += block_size_;
      }
      char* p = blocks_.back().get() + used_;
      std::memcpy(p, a.data(), a.size());
      std::memcpy(p + a.size(), b.data(), b.size());
      used_ += n;
      return p;
    }
    size_t bytes() const { return bytes_; }
    void clear() {
      blocks_.clear();
      used_ = block_size_ = bytes_ = 0;
    }

   private:
    static constexpr size_t kBlockSize = size_t{4} << 20;
    std::vector<std::unique_ptr<char[]>> blocks_;
    size_t used_ = 0;
    size_t block_size_ = 0;
    size_t bytes_ = 0;
  };

  // Where a record's key and value sit in the run's arena.
  struct RecordRef {
    const char* data;  // key bytes, then value bytes
    uint32_t key_size;
    uint32_t value_size;
    uint64_t sort_prefix;  // the key's first 8 bytes, big-endian, zero-padded
    bool lookup;           // may replace a stored version
    bool dead;             // replaced by a later version in the same run
  };

  struct Run {
    Arena arena;
    std::vector<RecordRef> records;
    std::array<EntryList, 256> entries;  // by rule
    std::array<EntryList, 256> deletes;  // by rule: retracted entries of old versions
    size_t entry_count = 0;
    TermDeltas tf;
    size_t dead = 0;
    // Filled by the worker:
    std::vector<uint32_t> order;  // live records indices in key order
    std::vector<uint32_t> rank;   // records index -> position in key order (kDead)
    std::string ranked_keys;      // live records' keys in key order, back to back
    std::vector<uint32_t> ranked_offsets;  // rank -> offset in ranked_keys (+ end)

    void AddEntry(const BlockKey& bk, uint32_t number, bool is_delete) {
      (is_delete ? deletes : entries)[bk.rule].push_back(EntryRef::Make(bk.hash, number));
      ++entry_count;
    }

    size_t RuleSize(size_t rule) const { return entries[rule].size() + deletes[rule].size(); }
    size_t live() const { return records.size() - dead; }
    size_t bytes() const {
      return arena.bytes() + records.size() * sizeof(RecordRef) +
             entry_count * sizeof(EntryRef);
    }
    std::string_view Key(uint32_t i) const {
      return std::string_view(records[i].data, records[i].key_size);
    }
    std::string_view Value(uint32_t i) const {
      return std::string_view(records[i].data + records[i].key_size, records[i].value_size);
    }
    std::string_view RankedKey(uint32_t r) const {
      return std::string_view(ranked_keys.data() + ranked_offsets[r],
                              ranked_offsets[r + 1] - ranked_offsets[r]);
    }
    // Writes the full block-index key of a ranked `ref` of `rule` into `key`
    // (resized in place: no allocation once it has grown to the longest key).
    void EntryKey(size_t rule, const EntryRef& ref, std::string* key) const {
      const std::string_view record_key = RankedKey(ref.number);
      key->resize(kBlockPrefixLen + record_key.size());
      char* p = key->data();
      p[0] = static_cast<char>(rule);
      const uint64_t hash = ref.hash();
      for (int i = 0; i < 8; ++i) p[1 + i] = static_cast<char>(hash >> (56 - 8 * i));
      std::memcpy(p + kBlockPrefixLen, record_key.data(), record_key.size());
    }
    // Drops a pending record: its entries are dropped when ranked, its terms now.
    void Kill(uint32_t i) {
      std::vector<BlockKey> keys;
      std::vector<TfTerm> terms;
      std::string_view payload;
      // The value was encoded by Append, so it decodes.
      if (DecodeRecordValue(Value(i), &keys, &terms, &payload)) {
        for (const TfTerm& term : terms) tf.Add(term.field, term.value, -1);
      }
      records[i].dead = true;
      ++dead;
    }
    void Clear() {
      arena.clear();
      records.clear();
      for (EntryList& list : entries) list.clear();
      for (EntryList& list : deletes) list.clear();
      entry_count = 0;
      tf.Clear();
      dead = 0;
      order.clear();
      rank.clear();
      ranked_keys.clear();
      ranked_offsets.clear();
    }
  };

  static uint64_t SortPrefix(std::string_view key) {
    unsigned char b[8] = {};
    std::memcpy(b, key.data(), std::min<size_t>(8, key.size()));
    uint64_t v = 0;
    for (unsigned char c : b) v = (v << 8) | c;
    return v;
  }

  // One SST file of a run, removed unless ingested (RocksDB moves it).
  class SstFile {
   public:
    SstFile(Store::Impl* impl, Cf cf, bool no_filters) : impl_(impl) {
      static std::atomic<uint64_t> sequence{0};
      path_ = impl->dir + "/" + std::string(kBulkFilePrefix) + std::to_string(::getpid()) + "-" +
              std::to_string(sequence.fetch_add(1)) + ".sst";
      writer_ = std::make_unique<rdb::SstFileWriter>(
          rdb::EnvOptions(), impl->SstOptions(cf), impl->cf(cf), /*invalidate_page_cache=*/false,
          rdb::Env::IOPriority::IO_TOTAL, /*skip_filters=*/no_filters && cf != kCfRecords);
      status_ = writer_->Open(path_);
    }
    ~SstFile() {
      writer_.reset();
      ::unlink(path_.c_str());  // gone already when ingested
    }
    void Put(std::string_view key, std::string_view value) {
      if (status_.ok()) status_ = writer_->Put(ToSlice(key), ToSlice(value));
    }
    void Delete(std::string_view key) {
      if (status_.ok()) status_ = writer_->Delete(ToSlice(key));
    }
    void Merge(std::string_view key, const rdb::Slice& value) {
      if (status_.ok()) status_ = writer_->Merge(ToSlice(key), value);
    }
    // Finishes the file and adds its path to `files`.
    absl::Status Finish(std::vector<std::string>* files) {
      if (status_.ok()) status_ = writer_->Finish();
      if (!status_.ok()) return impl_->Error(status_);
      files->push_back(path_);
      return absl::OkStatus();
    }

   private:
    Store::Impl* impl_;
    std::string path_;
    std::unique_ptr<rdb::SstFileWriter> writer_;
    rdb::Status status_;
  };

  // ---- Caller side ----

  // Adds record `i` of a batch.
  absl::Status AddOne(const BulkBatch::Rep& rep, size_t i) {
    if (finished_) return absl::FailedPreconditionError(impl_->dir + ": BulkWriter finished");
    if (!status_.ok()) return status_;
    const BulkBatch::Rep::Record& record = rep.records[i];
    const std::string_view key = rep.Key(record);
    const uint64_t h = record.key_hash;
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
    run.records.push_back(RecordRef{run.arena.Append(key, value),
                                    static_cast<uint32_t>(key.size()),
                                    static_cast<uint32_t>(value.size()), SortPrefix(key), lookup,
                                    false});
    for (size_t k = record.first_block_key; k < rep.EndBlockKey(i); ++k) {
      run.AddEntry(rep.block_keys[k], index, false);
    }
    for (size_t t = record.first_term; t < rep.EndTerm(i); ++t) {
      const BulkBatch::Rep::Term& term = rep.terms[t];
      run.tf.AddHashed(term.field, std::string_view(rep.bytes.data() + term.offset, term.size),
                       term.hash, 1);
    }
    run_index_.Set(record.key_hash, index);
    // The run being written and this one share memory_bytes_.
    const size_t writing = writing_bytes_.load();
    const size_t limit =
        std::min(memory_bytes_ / 5 * 4, memory_bytes_ > writing ? memory_bytes_ - writing : 0);
    if (run.bytes() >= limit || run.records.size() >= max_run_records_) status_ = Submit();
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
    SortRecords(run);
    absl::Status st = RetractOldVersions(run);
    if (!st.ok()) return st;
    run.tf.Finalize();
    if (run.order.size() < kBulkIngestMinRecords) return WriteSmallRun(run);

    // The records' file, and the block index (many more, smaller, keys) in
    // kBlockFileParts files of disjoint rule ranges, written by three threads
    // side by side: each takes the next index file when done with its last,
    // the records' thread once its file is written, so the threads finish
    // together. The term counts follow. From the kBulkCompactMinRuns-th run
    // on, Finish compacts for sure, so index and term files need no filters.
    const bool no_filters = ingested_runs_ + 1 >= kBulkCompactMinRuns;
    SstFile records(impl_, kCfRecords, no_filters);
    const auto write_records = [&run, &records] {
      // Key order visits the arena at random: fetch a record's reference 16
      // records ahead and its bytes 8 ahead, so the table builder does not
      // wait on memory.
      const std::vector<uint32_t>& order = run.order;
      for (size_t r = 0; r < order.size(); ++r) {
        if (r + 16 < order.size()) __builtin_prefetch(&run.records[order[r + 16]]);
        if (r + 8 < order.size()) __builtin_prefetch(run.records[order[r + 8]].data);
        records.Put(run.Key(order[r]), run.Value(order[r]));
      }
    };
    struct BlockPart {
      size_t first_rule = 0;
      size_t end_rule = 0;
      std::optional<SstFile> file;
    };
    std::deque<BlockPart> parts;  // SstFile does not move
    const size_t part_target = run.entry_count / kBlockFileParts + 1;
    for (size_t rule = 0, in_part = 0; rule < 256; ++rule) {
      if (run.RuleSize(rule) == 0) continue;
      if (parts.empty() || in_part >= part_target) {
        parts.emplace_back();
        parts.back().first_rule = rule;
        parts.back().file.emplace(impl_, kCfBlocks, no_filters);
        in_part = 0;
      }
      parts.back().end_rule = rule + 1;
      in_part += run.RuleSize(rule);
    }
    std::atomic<size_t> next_part{0};
    const auto write_parts = [&run, &parts, &next_part] {
      for (size_t p; (p = next_part.fetch_add(1)) < parts.size();) {
        WriteRuleEntries(run, parts[p].first_rule, parts[p].end_rule, *parts[p].file);
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
    if (st.ok()) args.push_back(IngestArg(kCfRecords, record_files));
    std::vector<std::string> block_files;
    for (BlockPart& part : parts) {
      if (st.ok()) st = part.file->Finish(&block_files);
    }
    if (st.ok() && !block_files.empty()) args.push_back(IngestArg(kCfBlocks, block_files));
    if (st.ok() && tf) {
      std::vector<std::string> tf_files;
      st = tf->Finish(&tf_files);
      if (st.ok()) args.push_back(IngestArg(kCfTf, tf_files));
    }
    if (!st.ok()) return st;
    if (!bulk_mode_) {
      st = impl_->BeginBulk();
      if (!st.ok()) return st;
      bulk_mode_ = true;
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
    run.rank.assign(n, kDead);
    run.ranked_offsets.reserve(run.order.size() + 1);
    for (uint32_t r = 0; r < run.order.size(); ++r) {
      if (r + 8 < run.order.size()) __builtin_prefetch(run.records[run.order[r + 8]].data);
      run.rank[run.order[r]] = r;
      run.ranked_offsets.push_back(static_cast<uint32_t>(run.ranked_keys.size()));
      run.ranked_keys.append(run.Key(run.order[r]));
    }
    run.ranked_offsets.push_back(static_cast<uint32_t>(run.ranked_keys.size()));
  }

  // Retracts the stored versions of the run's records that may replace one.
  absl::Status RetractOldVersions(Run& run) {
    std::vector<rdb::Slice> keys;
    std::vector<uint32_t> lookup_index;
    for (uint32_t i : run.order) {
      if (!run.records[i].lookup) continue;
      lookup_index.push_back(i);
      keys.push_back(ToSlice(run.Key(i)));
    }
    const size_t n = keys.size();
    if (n == 0) return absl::OkStatus();
    std::vector<rdb::PinnableSlice> values(n);
    std::vector<rdb::Status> statuses(n);
    impl_->db->MultiGet(rdb::ReadOptions(), impl_->cf(kCfRecords), n, keys.data(), values.data(),
                        statuses.data());
    std::vector<BlockKey> old_keys;
    std::vector<TfTerm> old_terms;
    std::vector<BlockKey> fresh_keys;
    std::vector<TfTerm> fresh_terms;
    std::string_view payload;
    for (size_t k = 0; k < n; ++k) {
      if (statuses[k].IsNotFound()) continue;
      if (!statuses[k].ok()) return impl_->Error(statuses[k]);
      if (!DecodeRecordValue(ToView(values[k]), &old_keys, &old_terms, &payload) ||
          !DecodeRecordValue(run.Value(lookup_index[k]), &fresh_keys, &fresh_terms, &payload)) {
        return absl::DataLossError(impl_->dir + ": malformed record value");
      }
      // Entries shared by the old and new versions stay (the run puts them
      // again); other records of the run have other ids, so no Put in the run
      // has the key of any of these Deletes.
      for (const BlockKey& bk : old_keys) {
        if (std::find(fresh_keys.begin(), fresh_keys.end(), bk) == fresh_keys.end()) {
          run.AddEntry(bk, lookup_index[k], /*is_delete=*/true);
        }
      }
      for (const TfTerm& term : old_terms) run.tf.Add(term.field, term.value, -1);
    }
    return absl::OkStatus();
  }

  // Sorts `n` entries that share their hash's first byte: a radix pass on the
  // second byte, then each part (a few entries for distinct hashes) by
  // insertion, or by std::sort when many share a hash (a large block).
  static void SortBucket(EntryRef* entries, size_t n, std::vector<EntryRef>* scratch) {
    constexpr size_t kSmall = 32;
    const auto small_sort = [](EntryRef* first, size_t count) {
      if (count > kSmall) {
        std::sort(first, first + count);
        return;
      }
      for (size_t i = 1; i < count; ++i) {
        const EntryRef value = first[i];
        size_t j = i;
        for (; j > 0 && value < first[j - 1]; --j) first[j] = first[j - 1];
        first[j] = value;
      }
    };
    if (n <= kSmall) {
      small_sort(entries, n);
      return;
    }
    const auto digit = [](const EntryRef& ref) { return (ref.hash_hi >> 16) & 0xff; };
    std::array<uint32_t, 257> next{};
    for (size_t i = 0; i < n; ++i) ++next[digit(entries[i]) + 1];
    for (size_t d = 0; d < 256; ++d) next[d + 1] += next[d];
    const std::array<uint32_t, 257> begin = next;
    scratch->resize(n);
    for (size_t i = 0; i < n; ++i) (*scratch)[next[digit(entries[i])]++] = entries[i];
    std::memcpy(entries, scratch->data(), n * sizeof(EntryRef));
    for (size_t d = 0; d < 256; ++d) small_sort(entries + begin[d], begin[d + 1] - begin[d]);
  }

  // One rule's entries in key order, in `out`: numbers turned into ranks
  // (entries of replaced records dropped), then a radix pass on the first hash
  // byte into `out` and SortBucket per bucket, duplicates dropped.
  static void SortRuleEntries(Run& run, EntryList& list, std::vector<EntryRef>* out) {
    out->clear();
    if (list.size() == 0) return;  // most of the 256 rules
    std::array<size_t, 257> next{};
    const auto bucket_of = [](const EntryRef& ref) { return static_cast<size_t>(ref.hash_hi >> 24); };
    size_t live = 0;
    for (std::vector<EntryRef>& chunk : list.chunks()) {
      for (EntryRef& ref : chunk) {
        ref.number = run.rank[ref.number];
        if (ref.number == kDead) continue;
        ++next[bucket_of(ref) + 1];
        ++live;
      }
    }
    for (size_t b = 0; b < 256; ++b) next[b + 1] += next[b];
    const std::array<size_t, 257> begin = next;
    out->resize(live);
    for (const std::vector<EntryRef>& chunk : list.chunks()) {
      for (const EntryRef& ref : chunk) {
        if (ref.number != kDead) (*out)[next[bucket_of(ref)]++] = ref;
      }
    }
    size_t kept = 0;
    std::vector<EntryRef> scratch;
    for (size_t b = 0; b < 256; ++b) {
      const auto first = out->begin() + static_cast<std::ptrdiff_t>(begin[b]);
      const auto last = out->begin() + static_cast<std::ptrdiff_t>(begin[b + 1]);
      SortBucket(&*first, static_cast<size_t>(last - first), &scratch);
      // A record listing one block key twice yields one entry.
      const auto unique_end = std::unique(first, last);
      kept = static_cast<size_t>(std::move(first, unique_end, out->begin() +
                                           static_cast<std::ptrdiff_t>(kept)) - out->begin());
    }
    out->resize(kept);
  }

  // Calls put(rule, ref) and del(rule, ref) for the block entries of rules
  // [first_rule, end_rule), in key order.
  template <typename Put, typename Del>
  static void ForEachRuleEntry(Run& run, size_t first_rule, size_t end_rule, const Put& put,
                               const Del& del) {
    std::vector<EntryRef> puts;
    std::vector<EntryRef> deletes;
    for (size_t rule = first_rule; rule < end_rule; ++rule) {
      SortRuleEntries(run, run.entries[rule], &puts);
      SortRuleEntries(run, run.deletes[rule], &deletes);
      // No key is both put and deleted (RetractOldVersions), so a merge by key.
      // Entries in hash order read record keys at random: prefetch the key's
      // offset 16 entries ahead and its bytes 8 ahead.
      size_t d = 0;
      for (size_t i = 0; i < puts.size(); ++i) {
        if (i + 16 < puts.size()) __builtin_prefetch(&run.ranked_offsets[puts[i + 16].number]);
        if (i + 8 < puts.size()) {
          __builtin_prefetch(run.ranked_keys.data() + run.ranked_offsets[puts[i + 8].number]);
        }
        const EntryRef& ref = puts[i];
        for (; d < deletes.size() && deletes[d] < ref; ++d) del(rule, deletes[d]);
        put(rule, ref);
      }
      for (; d < deletes.size(); ++d) del(rule, deletes[d]);
    }
  }

  // Writes the block entries of rules [first_rule, end_rule) into `file`.
  static void WriteRuleEntries(Run& run, size_t first_rule, size_t end_rule, SstFile& file) {
    std::string key;
    ForEachRuleEntry(
        run, first_rule, end_rule,
        [&](size_t rule, const EntryRef& ref) {
          run.EntryKey(rule, ref, &key);
          file.Put(key, {});
        },
        [&](size_t rule, const EntryRef& ref) {
          run.EntryKey(rule, ref, &key);
          file.Delete(key);
        });
  }

  absl::Status WriteSmallRun(Run& run) {
    rdb::WriteBatch wb;
    rdb::Status s;
    for (uint32_t i : run.order) {
      s = wb.Put(impl_->cf(kCfRecords), ToSlice(run.Key(i)), ToSlice(run.Value(i)));
      if (!s.ok()) return impl_->Error(s);
    }
    std::string key;
    ForEachRuleEntry(
        run, 0, 256,
        [&](size_t rule, const EntryRef& ref) {
          run.EntryKey(rule, ref, &key);
          if (s.ok()) s = wb.Put(impl_->cf(kCfBlocks), ToSlice(key), rdb::Slice());
        },
        [&](size_t rule, const EntryRef& ref) {
          run.EntryKey(rule, ref, &key);
          if (s.ok()) s = wb.Delete(impl_->cf(kCfBlocks), ToSlice(key));
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
  bool bulk_mode_ = false;  // this writer holds Impl::BeginBulk
  // Hand-over.
  std::mutex mu_;
  std::condition_variable cv_;
  bool has_work_ = false;
  bool stop_ = false;
  absl::Status worker_status_;
  std::thread worker_;
};

// ---- Store ----

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::dir() const { return impl_->dir; }

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir,
                                                   const StoreOptions& options) {
  if (dir.empty()) return absl::InvalidArgumentError("store directory name is empty");
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  const bool exists = st.type() != fs::file_type::not_found;
  if (exists && ec) return absl::FailedPreconditionError(dir + ": " + ec.message());
  bool has_current = false;
  if (exists) {
    if (!fs::is_directory(st)) return absl::InvalidArgumentError(dir + ": not a directory");
    const bool empty = fs::is_empty(dir, ec);
    if (ec) return absl::FailedPreconditionError(dir + ": " + ec.message());
    has_current = fs::exists(fs::path(dir) / "CURRENT", ec);
    if (!empty && !has_current) {
      return absl::InvalidArgumentError(dir + ": not a probity store (no RocksDB CURRENT file)");
    }
  }
  if (!has_current) {
    if (options.read_only || !options.create_if_missing) {
      return absl::NotFoundError(dir + ": no probity store here");
    }
    if (!exists) {
      absl::Status made = MakeDirs(dir);
      if (!made.ok()) return made;
    }
  }

  rdb::DBOptions db_options = MakeDbOptions();
  db_options.create_if_missing = !has_current;
  if (has_current) {
    // Refuse foreign RocksDB databases before opening them for writing (which
    // would add our column families to them).
    std::vector<std::string> existing;
    rdb::Status s = rdb::DB::ListColumnFamilies(db_options, dir, &existing);
    if (!s.ok()) return FromRocks(s, dir);
    const auto ours = [](const std::string& name) {
      return std::find_if(kCfNames.begin(), kCfNames.end(),
                          [&](const char* n) { return name == n; }) != kCfNames.end();
    };
    const bool has_meta = std::find(existing.begin(), existing.end(), "meta") != existing.end();
    if (!has_meta || !std::all_of(existing.begin(), existing.end(), ours)) {
      return absl::InvalidArgumentError(dir + ": not a probity store");
    }
    if (options.read_only && existing.size() != kCfNames.size()) {
      return absl::InvalidArgumentError(dir + ": not a probity store (missing column families)");
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->read_only = options.read_only;
  impl->db_options = db_options;
  auto cache = rdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rdb::ColumnFamilyDescriptor> descriptors;
  for (int i = 0; i < kNumCfs; ++i) {
    impl->cf_options.push_back(MakeCfOptions(i, cache));
    descriptors.emplace_back(kCfNames[static_cast<size_t>(i)], impl->cf_options.back());
  }
  rdb::Status s =
      options.read_only
          ? rdb::DB::OpenForReadOnly(db_options, dir, descriptors, &impl->handles, &impl->db)
          : rdb::DB::Open(db_options, dir, descriptors, &impl->handles, &impl->db);
  if (!s.ok()) {
    impl->db = nullptr;
    impl->handles.clear();
    // RocksDB's LOCK file: its own table of files locked by this process, then
    // fcntl (which fails while another process holds the lock). Other lock
    // errors (e.g. "while open a file for lock": permissions) pass through.
    if (s.IsIOError()) {
      const std::string text = s.ToString();
      if (text.find("lock hold by current process") != std::string::npos) {
        return absl::FailedPreconditionError(dir + ": store is already open in this process");
      }
      if (text.find("While lock file") != std::string::npos) {
        return absl::FailedPreconditionError(dir + ": store is already open in another process");
      }
    }
    return FromRocks(s, dir);
  }

  absl::StatusOr<std::optional<std::string>> version = impl->GetString(kCfMeta, kFormatVersionKey);
  if (!version.ok()) return version.status();
  if (!version->has_value()) {
    bool fresh = !has_current;
    if (!fresh && !options.read_only) {
      absl::StatusOr<bool> empty = impl->AllEmpty();
      if (!empty.ok()) return empty.status();
      fresh = *empty;
    }
    if (!fresh) return absl::InvalidArgumentError(dir + ": not a probity store");
    rdb::WriteOptions sync;
    sync.sync = true;
    s = impl->db->Put(sync, impl->cf(kCfMeta), ToSlice(kFormatVersionKey),
                      std::to_string(kFormatVersion));
    if (!s.ok()) return FromRocks(s, dir);
  } else {
    const std::string& text = **version;
    int parsed = 0;
    bool ok = !text.empty() && text.size() <= 6;
    for (char c : text) {
      if (c < '0' || c > '9') ok = false;
      parsed = parsed * 10 + (c - '0');
    }
    if (!ok || parsed < 1) {
      return absl::InvalidArgumentError(dir + ": not a probity store (bad format version)");
    }
    if (parsed > kFormatVersion) {
      return absl::FailedPreconditionError(dir + ": written by a newer probity (format " +
                                           std::to_string(parsed) + "; this build reads up to " +
                                           std::to_string(kFormatVersion) + ")");
    }
  }
  if (!options.read_only) {
    // SST files of a bulk batch that was never ingested (we hold the lock, so
    // no writer of ours is running).
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      std::error_code remove_ec;
      if (name.rfind(kBulkFilePrefix, 0) == 0) fs::remove(it->path(), remove_ec);
    }
  }
  absl::Status loaded = impl->LoadSources();
  if (!loaded.ok()) return loaded;
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

absl::StatusOr<uint16_t> Store::SourceCode(std::string_view name, bool create) {
  if (name.empty()) return absl::InvalidArgumentError(impl_->dir + ": empty source name");
  std::lock_guard<std::mutex> lock(impl_->sources_mu);
  auto it = impl_->sources.find(name);
  if (it != impl_->sources.end()) return it->second;
  if (!create) {
    return absl::NotFoundError(impl_->dir + ": unknown source '" + std::string(name) + "'");
  }
  if (impl_->max_source_code == 0xffff) {
    return absl::ResourceExhaustedError(impl_->dir + ": too many sources");
  }
  const auto code = static_cast<uint16_t>(impl_->max_source_code + 1);
  std::string key(kSourceKeyPrefix);
  key.append(name);
  rdb::Status s =
      impl_->db->Put(rdb::WriteOptions(), impl_->cf(kCfMeta), key, std::to_string(code));
  if (!s.ok()) return impl_->Error(s);
  impl_->sources.emplace(std::string(name), code);
  impl_->max_source_code = code;
  return code;
}

std::vector<std::pair<std::string, uint16_t>> Store::Sources() const {
  std::vector<std::pair<std::string, uint16_t>> out;
  {
    std::lock_guard<std::mutex> lock(impl_->sources_mu);
    out.assign(impl_->sources.begin(), impl_->sources.end());
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  return out;
}

absl::Status Store::PutMeta(std::string_view key, std::string_view value) {
  if (key.substr(0, kSourceKeyPrefix.size()) == kSourceKeyPrefix) {
    return absl::InvalidArgumentError(impl_->dir + ": meta keys 'source/...' are reserved");
  }
  return impl_->Error(
      impl_->db->Put(rdb::WriteOptions(), impl_->cf(kCfMeta), ToSlice(key), ToSlice(value)));
}

absl::StatusOr<std::optional<std::string>> Store::GetMeta(std::string_view key) const {
  return impl_->GetString(kCfMeta, key);
}

namespace {

std::string ClusterMemberKey(uint64_t cluster, uint16_t source, std::string_view id) {
  std::string key("\xff\xff", 2);
  PutBE64(&key, cluster);
  AppendRecordKey(&key, source, id);
  return key;
}

}  // namespace

// Moves records to clusters in `batch`: the record's cluster entry and the
// member entries of its old and new cluster.
absl::Status Store::Impl::WriteClusterChanges(const std::vector<ClusterAssignment>& assignments,
                                             rdb::WriteBatch* batch, bool fresh) {
  std::string value;
  for (const ClusterAssignment& a : assignments) {
    const std::string key = RecordKey(a.source, a.id);
    std::string old;
    rdb::Status s = fresh ? rdb::Status::NotFound()
                          : db->Get(rdb::ReadOptions(), cf(kCfClusters), key, &old);
    if (s.ok() && old.size() == 8) {
      s = batch->Delete(cf(kCfClusters), ClusterMemberKey(GetBE64(old.data()), a.source, a.id));
    } else if (!s.ok() && !s.IsNotFound()) {
      return Error(s);
    }
    value.clear();
    PutBE64(&value, a.cluster_id);
    s = batch->Put(cf(kCfClusters), key, value);
    if (s.ok()) s = batch->Put(cf(kCfClusters), ClusterMemberKey(a.cluster_id, a.source, a.id), rdb::Slice());
    if (!s.ok()) return Error(s);
  }
  return absl::OkStatus();
}

absl::Status Store::PutWithClusters(const StoredRecord& record,
                                    const std::vector<ClusterAssignment>& assignments) {
  const std::string key = RecordKey(record.source, record.id);
  std::lock_guard<std::mutex> lock(impl_->StripeFor(key));
  rdb::PinnableSlice old;
  rdb::Status s = impl_->db->Get(rdb::ReadOptions(), impl_->cf(kCfRecords), key, &old);
  if (!s.ok() && !s.IsNotFound()) return impl_->Error(s);
  rdb::WriteBatch batch;
  absl::Status st =
      impl_->WriteIndexChanges(s.ok() ? &old : nullptr, &record, record.source, record.id, &batch);
  if (!st.ok()) return st;
  old.Reset();
  std::string header;
  EncodeRecordHeader(record.block_keys, record.tf_terms, &header);
  const rdb::Slice key_slice(key);
  const rdb::Slice value_parts[2] = {rdb::Slice(header), ToSlice(record.payload)};
  s = batch.Put(impl_->cf(kCfRecords), rdb::SliceParts(&key_slice, 1),
                rdb::SliceParts(value_parts, 2));
  if (!s.ok()) return impl_->Error(s);
  if (absl::Status c = impl_->WriteClusterChanges(assignments, &batch); !c.ok()) return c;
  return impl_->Error(impl_->db->Write(rdb::WriteOptions(), &batch));
}

absl::Status Store::ForEachClusterMember(
    uint64_t cluster_id, const std::function<bool(uint16_t, std::string_view)>& fn) const {
  std::string lower("\xff\xff", 2);
  PutBE64(&lower, cluster_id);
  const std::string upper = PrefixSuccessor(lower);
  rdb::Slice upper_slice(upper);
  rdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(kCfClusters)));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    if (key.size() < lower.size() + 2 || key.compare(0, lower.size(), lower) != 0) break;
    const uint16_t source = static_cast<uint16_t>(
        (static_cast<uint8_t>(key[lower.size()]) << 8) | static_cast<uint8_t>(key[lower.size() + 1]));
    if (!fn(source, key.substr(lower.size() + 2))) break;
  }
  return impl_->Error(it->status());
}

absl::Status Store::ForEachClusterAssignment(
    const std::function<bool(uint16_t, std::string_view, uint64_t)>& fn) const {
  // Assignments are keyed by record key; member-index keys start FF FF, past
  // every source code.
  const std::string upper("\xff\xff", 2);
  rdb::Slice upper_slice(upper);
  rdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(kCfClusters)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    const std::string_view value = ToView(it->value());
    if (key.size() < 2 || value.size() != 8) {
      return absl::DataLossError(impl_->dir + ": malformed cluster assignment");
    }
    if (!fn(GetBE16(key.data()), key.substr(2), GetBE64(value.data()))) break;
  }
  return impl_->Error(it->status());
}

absl::Status Store::Put(const StoredRecord& record) { return PutWithClusters(record, {}); }

absl::Status Store::Delete(uint16_t source, std::string_view id) {
  const std::string key = RecordKey(source, id);
  std::lock_guard<std::mutex> lock(impl_->StripeFor(key));
  rdb::PinnableSlice old;
  rdb::Status s = impl_->db->Get(rdb::ReadOptions(), impl_->cf(kCfRecords), key, &old);
  if (s.IsNotFound()) return absl::OkStatus();
  if (!s.ok()) return impl_->Error(s);
  rdb::WriteBatch batch;
  absl::Status st = impl_->WriteIndexChanges(&old, nullptr, source, id, &batch);
  if (!st.ok()) return st;
  s = batch.Delete(impl_->cf(kCfRecords), key);
  // A deleted record belongs to no cluster.
  std::string cluster;
  rdb::Status cs = impl_->db->Get(rdb::ReadOptions(), impl_->cf(kCfClusters), key, &cluster);
  if (s.ok() && cs.ok() && cluster.size() == 8) {
    s = batch.Delete(impl_->cf(kCfClusters), ClusterMemberKey(GetBE64(cluster.data()), source, id));
  }
  if (s.ok()) s = batch.Delete(impl_->cf(kCfClusters), key);
  if (!s.ok()) return impl_->Error(s);
  return impl_->Error(impl_->db->Write(rdb::WriteOptions(), &batch));
}

absl::StatusOr<std::optional<StoredRecord>> Store::Get(uint16_t source, std::string_view id) const {
  rdb::PinnableSlice value;
  rdb::Status s =
      impl_->db->Get(rdb::ReadOptions(), impl_->cf(kCfRecords), RecordKey(source, id), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return impl_->Error(s);
  StoredRecord record;
  record.source = source;
  record.id = std::string(id);
  std::string_view payload;
  if (!DecodeRecordValue(ToView(value), &record.block_keys, &record.tf_terms, &payload)) {
    return absl::DataLossError(impl_->dir + ": malformed record value");
  }
  record.payload = std::string(payload);
  return record;
}

std::unique_ptr<Store::BulkWriter> Store::NewBulkWriter(const BulkWriterOptions& options) {
  return std::make_unique<Impl::BulkWriterImpl>(impl_.get(), options);
}

absl::Status Store::ForEachRecord(std::optional<uint16_t> source,
                                  const std::function<bool(const StoredRecord&)>& fn) const {
  std::string lower;
  std::string upper;
  rdb::Slice upper_slice;
  rdb::ReadOptions ro;
  ro.fill_cache = false;  // a full scan would evict the useful blocks
  if (source.has_value()) {
    lower = RecordKey(*source, "");
    upper = PrefixSuccessor(lower);
    if (!upper.empty()) {
      upper_slice = rdb::Slice(upper);
      ro.iterate_upper_bound = &upper_slice;
    }
  }
  std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(kCfRecords)));
  StoredRecord record;  // reused: its vectors keep their capacity
  for (it->Seek(lower); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    if (key.size() < 2) return absl::DataLossError(impl_->dir + ": malformed record key");
    record.source = GetBE16(key.data());
    record.id.assign(key.data() + 2, key.size() - 2);
    std::string_view payload;
    if (!DecodeRecordValue(ToView(it->value()), &record.block_keys, &record.tf_terms, &payload)) {
      return absl::DataLossError(impl_->dir + ": malformed record value");
    }
    record.payload.assign(payload.data(), payload.size());
    if (!fn(record)) break;
  }
  return impl_->Error(it->status());
}

absl::StatusOr<uint64_t> Store::CountRecords(uint16_t source) const {
  const std::string lower = RecordKey(source, "");
  const std::string upper = PrefixSuccessor(lower);
  rdb::Slice upper_slice(upper);
  rdb::ReadOptions ro;
  ro.fill_cache = false;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(kCfRecords)));
  uint64_t n = 0;
  for (it->Seek(lower); it->Valid(); it->Next()) ++n;
  if (!it->status().ok()) return impl_->Error(it->status());
  return n;
}

absl::Status Store::ForEachInBlock(
    const BlockKey& key, const std::function<bool(uint16_t, std::string_view)>& fn) const {
  std::string prefix;
  AppendBlockPrefix(&prefix, key);
  rdb::ReadOptions ro;
  ro.prefix_same_as_start = true;  // lets the prefix bloom filter skip files
  std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(kCfBlocks)));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const std::string_view entry = ToView(it->key());
    if (entry.size() < kBlockPrefixLen + 2 || entry.substr(0, kBlockPrefixLen) != prefix) break;
    if (!fn(GetBE16(entry.data() + kBlockPrefixLen), entry.substr(kBlockPrefixLen + 2))) break;
  }
  return impl_->Error(it->status());
}

absl::Status Store::ForEachInBlocks(
    const std::vector<BlockKey>& keys,
    const std::function<bool(uint16_t, std::string_view)>& fn) const {
  rdb::ReadOptions ro;
  ro.prefix_same_as_start = true;  // each Seek stays within its block
  std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(kCfBlocks)));
  std::string prefix;
  for (const BlockKey& key : keys) {
    prefix.clear();
    AppendBlockPrefix(&prefix, key);
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      const std::string_view entry = ToView(it->key());
      if (entry.size() < kBlockPrefixLen + 2 || entry.substr(0, kBlockPrefixLen) != prefix) break;
      if (!fn(GetBE16(entry.data() + kBlockPrefixLen), entry.substr(kBlockPrefixLen + 2))) {
        return impl_->Error(it->status());
      }
    }
    if (!it->status().ok()) return impl_->Error(it->status());
  }
  return absl::OkStatus();
}

namespace {

// Runs RocksDB's batched MultiGet over record keys of one column family.
template <typename Fn>
absl::Status MultiGetKeys(rdb::DB* db, rdb::ColumnFamilyHandle* cf,
                          const std::vector<std::pair<uint16_t, std::string>>& keys, Fn&& each) {
  std::vector<std::string> encoded;
  encoded.reserve(keys.size());
  for (const auto& [source, id] : keys) encoded.push_back(RecordKey(source, id));
  std::vector<rdb::Slice> slices(encoded.begin(), encoded.end());
  std::vector<rdb::PinnableSlice> values(keys.size());
  std::vector<rdb::Status> statuses(keys.size());
  if (!keys.empty()) {
    db->MultiGet(rdb::ReadOptions(), cf, keys.size(), slices.data(), values.data(),
                 statuses.data());
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      if (absl::Status s = each(i, nullptr); !s.ok()) return s;
    } else if (!statuses[i].ok()) {
      return absl::InternalError(statuses[i].ToString());
    } else {
      const std::string_view value = ToView(values[i]);
      if (absl::Status s = each(i, &value); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Store::MultiGet(const std::vector<std::pair<uint16_t, std::string>>& keys,
                             std::vector<std::optional<StoredRecord>>* out) const {
  out->assign(keys.size(), std::nullopt);
  return MultiGetKeys(impl_->db, impl_->cf(kCfRecords), keys,
                      [&](size_t i, const std::string_view* value) -> absl::Status {
                        if (value == nullptr) return absl::OkStatus();
                        StoredRecord& record = (*out)[i].emplace();
                        record.source = keys[i].first;
                        record.id = keys[i].second;
                        std::string_view payload;
                        if (!DecodeRecordValue(*value, &record.block_keys, &record.tf_terms,
                                               &payload)) {
                          return absl::DataLossError(impl_->dir + ": malformed record value");
                        }
                        record.payload = std::string(payload);
                        return absl::OkStatus();
                      });
}

absl::Status Store::MultiGetPayloads(
    const std::vector<std::pair<uint16_t, std::string>>& keys,
    const std::function<absl::Status(size_t, const std::string_view*)>& fn) const {
  return MultiGetKeys(impl_->db, impl_->cf(kCfRecords), keys,
                      [&](size_t i, const std::string_view* value) -> absl::Status {
                        if (value == nullptr) return fn(i, nullptr);
                        std::string_view payload = *value;
                        if (!SkipRecordHeader(&payload)) {
                          return absl::DataLossError(impl_->dir + ": malformed record value");
                        }
                        return fn(i, &payload);
                      });
}

absl::Status Store::GetClusters(const std::vector<std::pair<uint16_t, std::string>>& keys,
                                std::vector<std::optional<uint64_t>>* out) const {
  out->assign(keys.size(), std::nullopt);
  return MultiGetKeys(impl_->db, impl_->cf(kCfClusters), keys,
                      [&](size_t i, const std::string_view* value) -> absl::Status {
                        if (value == nullptr) return absl::OkStatus();
                        if (value->size() != 8) {
                          return absl::DataLossError(impl_->dir + ": malformed cluster id");
                        }
                        (*out)[i] = GetBE64(value->data());
                        return absl::OkStatus();
                      });
}

absl::StatusOr<int64_t> Store::TermCount(uint8_t field, std::string_view value) const {
  std::string key;
  AppendTfKey(&key, field, value);
  absl::StatusOr<std::optional<std::string>> stored = impl_->GetString(kCfTf, key);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return 0;
  int64_t count = 0;
  if (!DecodeInt64LE(**stored, &count)) {
    return absl::DataLossError(impl_->dir + ": malformed term count");
  }
  return count;
}

absl::Status Store::ForEachTerm(uint8_t field,
                                const std::function<bool(std::string_view, int64_t)>& fn) const {
  std::string lower;
  lower.push_back(static_cast<char>(field));
  const std::string upper = PrefixSuccessor(lower);
  rdb::Slice upper_slice(upper);
  rdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(kCfTf)));
  for (it->Seek(lower); it->Valid(); it->Next()) {
    const std::string_view key = ToView(it->key());
    if (key.empty() || key[0] != lower[0]) break;
    int64_t count = 0;
    if (!DecodeInt64LE(ToView(it->value()), &count)) {
      return absl::DataLossError(impl_->dir + ": malformed term count");
    }
    if (count <= 0) continue;  // retracted terms stay as zero counts
    if (!fn(key.substr(1), count)) break;
  }
  return impl_->Error(it->status());
}

absl::Status Store::PutModel(std::string_view name, std::string_view blob) {
  return impl_->Error(
      impl_->db->Put(rdb::WriteOptions(), impl_->cf(kCfModel), ToSlice(name), ToSlice(blob)));
}

absl::StatusOr<std::optional<std::string>> Store::GetModel(std::string_view name) const {
  return impl_->GetString(kCfModel, name);
}

absl::Status Store::PutClusters(
    const std::vector<std::pair<std::pair<uint16_t, std::string>, uint64_t>>& assignments) {
  constexpr size_t kBatch = 10000;
  bool fresh = false;  // a store with no clusters yet (the usual batch run)
  {
    std::unique_ptr<rdb::Iterator> it(impl_->db->NewIterator(rdb::ReadOptions(), impl_->cf(kCfClusters)));
    it->SeekToFirst();
    fresh = !it->Valid() && it->status().ok();
  }
  std::vector<ClusterAssignment> chunk;
  for (size_t i = 0; i < assignments.size(); i += kBatch) {
    chunk.clear();
    for (size_t j = i; j < std::min(assignments.size(), i + kBatch); ++j) {
      chunk.push_back(ClusterAssignment{assignments[j].first.first, assignments[j].first.second,
                                        assignments[j].second});
    }
    rdb::WriteBatch batch;
    if (absl::Status s = impl_->WriteClusterChanges(chunk, &batch, fresh); !s.ok()) return s;
    rdb::Status s = impl_->db->Write(rdb::WriteOptions(), &batch);
    if (!s.ok()) return impl_->Error(s);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<uint64_t>> Store::GetCluster(uint16_t source,
                                                          std::string_view id) const {
  absl::StatusOr<std::optional<std::string>> stored =
      impl_->GetString(kCfClusters, RecordKey(source, id));
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return std::nullopt;
  if ((*stored)->size() != 8) return absl::DataLossError(impl_->dir + ": malformed cluster id");
  return GetBE64((*stored)->data());
}

uint64_t Store::SizeOnDisk() const {
  uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(impl_->dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code file_ec;
    if (it->is_regular_file(file_ec)) {
      const uintmax_t size = it->file_size(file_ec);
      if (!file_ec) total += size;
    }
  }
  return total;
}

absl::Status Store::Flush() {
  if (impl_->read_only) return absl::OkStatus();
  rdb::FlushOptions flush_options;
  flush_options.wait = true;
  return impl_->Error(impl_->db->Flush(flush_options, impl_->handles));
}

}  // namespace probity::storage
