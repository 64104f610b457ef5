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
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>

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
// A bulk batch is written when it holds this many records or bytes (about).
constexpr size_t kBulkBatchRecords = 65536;
constexpr size_t kBulkBatchBytes = size_t{64} << 20;
// Smaller batches go through a WriteBatch instead of SST files.
constexpr size_t kBulkIngestMinRecords = 2048;
// Finish compacts when the writer ingested at least this many batches.
constexpr int kBulkCompactMinBatches = 4;
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

void EncodeRecordHeader(const std::vector<BlockKey>& block_keys, const std::vector<TfTerm>& terms,
                        std::string* out) {
  PutVarint(out, block_keys.size());
  for (const BlockKey& key : block_keys) AppendBlockPrefix(out, key);
  PutVarint(out, terms.size());
  for (const TfTerm& term : terms) {
    out->push_back(static_cast<char>(term.field));
    PutVarint(out, term.value.size());
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

// Open-addressing map from 64-bit hash to a batch index (0 is the empty key).
class HashIndex64 {
 public:
  explicit HashIndex64(size_t expected) {
    size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    keys_.assign(capacity, 0);
    values_.assign(capacity, 0);
  }
  // The value stored for `h`, or -1.
  int64_t Find(uint64_t h) const {
    h = h == 0 ? 1 : h;
    for (size_t i = h & Mask();; i = (i + 1) & Mask()) {
      if (keys_[i] == h) return values_[i];
      if (keys_[i] == 0) return -1;
    }
  }
  // Requires: `h` absent, and fewer than `expected` entries.
  void Insert(uint64_t h, uint32_t value) {
    h = h == 0 ? 1 : h;
    size_t i = h & Mask();
    while (keys_[i] != 0) i = (i + 1) & Mask();
    keys_[i] = h;
    values_[i] = value;
    ++size_;
  }
  size_t size() const { return size_; }
  void Clear() {
    if (size_ == 0) return;
    std::fill(keys_.begin(), keys_.end(), 0);
    size_ = 0;
  }

 private:
  size_t Mask() const { return keys_.size() - 1; }
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> values_;
  size_t size_ = 0;
};

// Sums a batch's term-count deltas by tf key (field + value): open addressing
// over XXH3 hashes with the keys in one arena, so adding a term allocates
// nothing in the common case.
class TermDeltas {
 public:
  void Add(uint8_t field, std::string_view value, int64_t delta) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    const size_t start = arena_.size();
    arena_.push_back(static_cast<char>(field));
    arena_.append(value);
    const size_t len = arena_.size() - start;
    const uint64_t h = XXH3_64bits(arena_.data() + start, len);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.size == kEmpty) {
        slot = Slot{h, static_cast<uint32_t>(start), static_cast<uint32_t>(len), delta};
        ++size_;
        return;
      }
      if (slot.hash == h && slot.size == len &&
          std::memcmp(arena_.data() + slot.offset, arena_.data() + start, len) == 0) {
        slot.delta += delta;
        arena_.resize(start);
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

// The bulk writer. The caller's thread only collects records into a batch (a
// repeated id replaces its pending version); a worker thread writes each full
// batch while the caller fills the next. A batch is written with every column
// family's entries in key order:
//   - large batches as one SST file per column family, ingested atomically
//     (IngestExternalFiles) into level 0: no memtable, no WAL, durable once
//     ingested. Automatic compaction pauses meanwhile (Impl::BeginBulk) and
//     Finish compacts once, so the load is merged once instead of the growing
//     lower level being rewritten for every few batches. Index and term files
//     that Finish is sure to compact are written without filters.
//   - small batches (a remainder at Finish) as one WriteBatch without WAL.
class Store::Impl::BulkWriterImpl final : public Store::BulkWriter {
 public:
  explicit BulkWriterImpl(Store::Impl* impl)
      : impl_(impl), source_state_(size_t{1} << 16, kUnknown), batch_index_(kBulkBatchRecords) {
    filling_.records.reserve(kBulkBatchRecords);
  }

  ~BulkWriterImpl() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
    if (bulk_mode_) impl_->EndBulk().IgnoreError();
  }

  absl::Status Add(StoredRecord record) override {
    if (finished_) return absl::FailedPreconditionError(impl_->dir + ": BulkWriter finished");
    if (!status_.ok()) return status_;
    key_.clear();
    AppendRecordKey(&key_, record.source, record.id);
    const uint64_t h = HashKey(key_);
    if (const int64_t i = batch_index_.Find(h); i >= 0) {
      Pending& earlier = filling_.records[static_cast<size_t>(i)];
      if (earlier.record.source == record.source && earlier.record.id == record.id) {
        // The later version wins; the earlier one was never written, so its
        // look-up flag (about the store before this batch) still holds.
        filling_.bytes += RecordBytes(record);
        earlier.record = std::move(record);
        return MaybeSubmit();
      }
      status_ = Submit();  // two ids with one hash: rare, keep them apart
      if (!status_.ok()) return status_;
    }
    bool lookup = true;
    if (SourceIsFresh(record.source)) {
      // Nothing of this source existed when the writer started: only ids this
      // writer wrote before can have an old version.
      lookup = written_ids_.Contains(h);
      written_ids_.Insert(h);
    }
    if (!status_.ok()) return status_;
    batch_index_.Insert(h, static_cast<uint32_t>(filling_.records.size()));
    filling_.bytes += RecordBytes(record);
    filling_.records.push_back(Pending{std::move(record), lookup});
    return MaybeSubmit();
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
    if (ingested_batches_ >= kBulkCompactMinBatches) {
      status_ = impl_->CompactBulkFamilies();
      if (!status_.ok()) return status_;
    }
    bulk_mode_ = false;
    status_ = impl_->EndBulk();
    return status_;
  }

 private:
  enum SourceState : int8_t { kUnknown = 0, kFresh, kHasRecords };

  struct Pending {
    StoredRecord record;
    bool lookup;  // may replace a stored version
  };

  // A block-index entry as two integers whose order is the order of its key
  // (rule, hash, then the record key): `hi` holds the rule and the top 7
  // hash bytes, `lo` the last hash byte, the record's rank in key order and a
  // delete flag. Sorting them touches no key bytes.
  struct EntryRef {
    uint64_t hi;
    uint64_t lo;
    friend bool operator<(const EntryRef& a, const EntryRef& b) {
      return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
    }
    friend bool operator==(const EntryRef&, const EntryRef&) = default;
    bool is_delete() const { return (lo & 1) != 0; }
    uint32_t rank() const { return static_cast<uint32_t>((lo >> 1) & 0xffffffffu); }
  };

  struct Batch {
    std::vector<Pending> records;
    size_t bytes = 0;
    // Filled by the worker:
    std::vector<uint32_t> order;  // records indices in key order
    std::vector<uint32_t> rank;   // records index -> position in key order
    std::string ranked_keys;      // record keys in key order, back to back
    std::vector<uint32_t> ranked_offsets;  // rank -> offset in ranked_keys (+ end)
    std::vector<EntryRef> entry_refs;
    TermDeltas tf;

    std::string_view RankedKey(uint32_t r) const {
      return std::string_view(ranked_keys.data() + ranked_offsets[r],
                              ranked_offsets[r + 1] - ranked_offsets[r]);
    }
    // Writes the full block-index key of `ref` into `key`.
    void EntryKey(const EntryRef& ref, std::string* key) const {
      key->clear();
      PutBE64(key, ref.hi);
      key->push_back(static_cast<char>(ref.lo >> 56));
      key->append(RankedKey(ref.rank()));
    }
    void AddEntry(const BlockKey& bk, uint32_t record_rank, bool is_delete) {
      entry_refs.push_back(EntryRef{(uint64_t{bk.rule} << 56) | (bk.hash >> 8),
                                    ((bk.hash & 0xff) << 56) | (uint64_t{record_rank} << 1) |
                                        (is_delete ? 1u : 0u)});
    }
    void Clear() {
      records.clear();
      bytes = 0;
      order.clear();
      rank.clear();
      ranked_keys.clear();
      ranked_offsets.clear();
      entry_refs.clear();
      tf.Clear();
    }
  };

  static size_t RecordBytes(const StoredRecord& r) {
    return r.payload.size() + r.id.size() + 32 +
           r.block_keys.size() * (kBlockPrefixLen + 2 + r.id.size()) + r.tf_terms.size() * 24;
  }

  // ---- Caller side ----

  absl::Status MaybeSubmit() {
    if (filling_.records.size() >= kBulkBatchRecords || filling_.bytes >= kBulkBatchBytes) {
      status_ = Submit();
    }
    return status_;
  }

  // Hands the filling batch to the worker once it has finished the previous one.
  absl::Status Submit() {
    if (filling_.records.empty()) return absl::OkStatus();
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !has_work_; });
      if (!worker_status_.ok()) return worker_status_;
      std::swap(filling_, writing_);  // filling_ gets the batch the worker cleared
      has_work_ = true;
    }
    cv_.notify_all();
    batch_index_.Clear();
    if (worker_.joinable()) return absl::OkStatus();
    try {
      worker_ = std::thread([this] { WorkerLoop(); });
    } catch (const std::system_error&) {
      // No thread to be had: write the batch here.
      absl::Status st = WriteBatch(writing_);
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
      absl::Status st = worker_status_.ok() ? WriteBatch(writing_) : absl::OkStatus();
      writing_.Clear();
      lock.lock();
      if (!st.ok() && worker_status_.ok()) worker_status_ = st;
      has_work_ = false;
      cv_.notify_all();
    }
  }

  absl::Status WriteBatch(Batch& batch) {
    SortRecords(batch);
    absl::Status st = RetractOldVersions(batch);
    if (!st.ok()) return st;
    if (batch.records.size() < kBulkIngestMinRecords) {
      BuildIndex(batch);
      return WriteSmallBatch(batch);
    }
    // The records' file is written on a second thread while the index is
    // sorted and written here. From the kBulkCompactMinBatches-th batch on, Finish compacts for
    // sure, so index and term files need no filters.
    const bool no_filters = ingested_batches_ + 1 >= kBulkCompactMinBatches;
    SstFile records(impl_, kCfRecords, no_filters);
    const auto write_records = [&batch, &records] {
      std::string key;
      std::string value;
      for (uint32_t i : batch.order) {
        EncodeRecord(batch.records[i].record, &key, &value);
        records.Put(key, value);
      }
    };
    std::thread records_thread;
    try {
      records_thread = std::thread(write_records);
    } catch (const std::system_error&) {
      write_records();
    }
    BuildIndex(batch);
    std::vector<rdb::IngestExternalFileArg> args;
    std::optional<SstFile> blocks;
    if (!batch.entry_refs.empty()) {
      blocks.emplace(impl_, kCfBlocks, no_filters);
      std::string key;
      for (const EntryRef& ref : batch.entry_refs) {
        batch.EntryKey(ref, &key);
        if (ref.is_delete()) {
          blocks->Delete(key);
        } else {
          blocks->Put(key, {});
        }
      }
      st = blocks->Finish(&args);
    }
    std::optional<SstFile> tf;
    if (st.ok() && !batch.tf.sorted().empty()) {
      tf.emplace(impl_, kCfTf, no_filters);
      for (const auto& [term, delta] : batch.tf.sorted()) tf->Merge(term, Int64LE(delta).slice());
      st = tf->Finish(&args);
    }
    if (records_thread.joinable()) records_thread.join();
    if (st.ok()) st = records.Finish(&args);
    if (!st.ok()) return st;
    if (!bulk_mode_) {
      st = impl_->BeginBulk();
      if (!st.ok()) return st;
      bulk_mode_ = true;
    }
    st = impl_->Error(impl_->db->IngestExternalFiles(args));
    if (st.ok()) ++ingested_batches_;
    return st;
  }

  // Orders the batch's records by key and lays their keys out in that order.
  static void SortRecords(Batch& batch) {
    const size_t n = batch.records.size();
    batch.order.resize(n);
    for (uint32_t i = 0; i < n; ++i) batch.order[i] = i;
    std::sort(batch.order.begin(), batch.order.end(), [&batch](uint32_t a, uint32_t b) {
      const StoredRecord& x = batch.records[a].record;
      const StoredRecord& y = batch.records[b].record;
      return x.source != y.source ? x.source < y.source : x.id < y.id;
    });
    batch.rank.resize(n);
    batch.ranked_offsets.clear();
    batch.ranked_offsets.reserve(n + 1);
    for (uint32_t r = 0; r < n; ++r) {
      const StoredRecord& record = batch.records[batch.order[r]].record;
      batch.rank[batch.order[r]] = r;
      batch.ranked_offsets.push_back(static_cast<uint32_t>(batch.ranked_keys.size()));
      AppendRecordKey(&batch.ranked_keys, record.source, record.id);
    }
    batch.ranked_offsets.push_back(static_cast<uint32_t>(batch.ranked_keys.size()));
  }

  // Retracts the stored versions of the batch's records that may replace one.
  absl::Status RetractOldVersions(Batch& batch) {
    std::vector<std::string> lookup_keys;
    std::vector<uint32_t> lookup_index;
    for (uint32_t i : batch.order) {
      if (!batch.records[i].lookup) continue;
      lookup_index.push_back(i);
      lookup_keys.push_back(RecordKey(batch.records[i].record.source, batch.records[i].record.id));
    }
    const size_t n = lookup_keys.size();
    if (n == 0) return absl::OkStatus();
    std::vector<rdb::Slice> keys(lookup_keys.begin(), lookup_keys.end());
    std::vector<rdb::PinnableSlice> values(n);
    std::vector<rdb::Status> statuses(n);
    impl_->db->MultiGet(rdb::ReadOptions(), impl_->cf(kCfRecords), n, keys.data(), values.data(),
                        statuses.data());
    std::vector<BlockKey> old_keys;
    std::vector<TfTerm> old_terms;
    for (size_t k = 0; k < n; ++k) {
      if (statuses[k].IsNotFound()) continue;
      if (!statuses[k].ok()) return impl_->Error(statuses[k]);
      const StoredRecord& fresh = batch.records[lookup_index[k]].record;
      std::string_view payload;
      if (!DecodeRecordValue(ToView(values[k]), &old_keys, &old_terms, &payload)) {
        return absl::DataLossError(impl_->dir + ": malformed record value");
      }
      // Entries shared by the old and new versions stay (the batch puts them
      // again); other records of the batch have other ids, so no Put in the
      // batch has the key of any of these Deletes.
      for (const BlockKey& bk : old_keys) {
        if (std::find(fresh.block_keys.begin(), fresh.block_keys.end(), bk) ==
            fresh.block_keys.end()) {
          batch.AddEntry(bk, batch.rank[lookup_index[k]], /*is_delete=*/true);
        }
      }
      for (const TfTerm& term : old_terms) batch.tf.Add(term.field, term.value, -1);
    }
    return absl::OkStatus();
  }

  // Adds the batch's index entries and term counts (after the retractions)
  // and sorts them by key, dropping duplicate entries and zero counts.
  static void BuildIndex(Batch& batch) {
    for (uint32_t i : batch.order) {
      const StoredRecord& r = batch.records[i].record;
      for (const BlockKey& bk : r.block_keys) batch.AddEntry(bk, batch.rank[i], false);
      for (const TfTerm& term : r.tf_terms) batch.tf.Add(term.field, term.value, 1);
    }
    // A record listing one block key twice yields one entry.
    std::sort(batch.entry_refs.begin(), batch.entry_refs.end());
    batch.entry_refs.erase(std::unique(batch.entry_refs.begin(), batch.entry_refs.end()),
                           batch.entry_refs.end());
    batch.tf.Finalize();
  }

  static void EncodeRecord(const StoredRecord& r, std::string* key, std::string* value) {
    key->clear();
    AppendRecordKey(key, r.source, r.id);
    value->clear();
    EncodeRecordHeader(r.block_keys, r.tf_terms, value);
    value->append(r.payload);
  }

  absl::Status WriteSmallBatch(const Batch& batch) {
    rdb::WriteBatch wb;
    rdb::Status s;
    std::string key;
    std::string value;
    for (uint32_t i : batch.order) {
      EncodeRecord(batch.records[i].record, &key, &value);
      s = wb.Put(impl_->cf(kCfRecords), key, value);
      if (!s.ok()) return impl_->Error(s);
    }
    std::string entry_key;
    for (const EntryRef& ref : batch.entry_refs) {
      batch.EntryKey(ref, &entry_key);
      const rdb::Slice key_slice = ToSlice(entry_key);
      s = ref.is_delete() ? wb.Delete(impl_->cf(kCfBlocks), key_slice)
                          : wb.Put(impl_->cf(kCfBlocks), key_slice, rdb::Slice());
      if (!s.ok()) return impl_->Error(s);
    }
    for (const auto& [term, delta] : batch.tf.sorted()) {
      s = wb.Merge(impl_->cf(kCfTf), ToSlice(term), Int64LE(delta).slice());
      if (!s.ok()) return impl_->Error(s);
    }
    rdb::WriteOptions no_wal;
    no_wal.disableWAL = true;
    return impl_->Error(impl_->db->Write(no_wal, &wb));
  }

  // One SST file of a batch, removed unless ingested (RocksDB moves it).
  class SstFile {
   public:
    SstFile(Store::Impl* impl, Cf cf, bool no_filters) : impl_(impl), cf_(cf) {
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
    // Finishes the file and adds it to `args`.
    absl::Status Finish(std::vector<rdb::IngestExternalFileArg>* args) {
      if (status_.ok()) status_ = writer_->Finish();
      if (!status_.ok()) return impl_->Error(status_);
      rdb::IngestExternalFileArg arg;
      arg.column_family = impl_->cf(cf_);
      arg.external_files.push_back(path_);
      arg.options.move_files = true;
      arg.options.write_global_seqno = false;
      args->push_back(std::move(arg));
      return absl::OkStatus();
    }

   private:
    Store::Impl* impl_;
    Cf cf_;
    std::string path_;
    std::unique_ptr<rdb::SstFileWriter> writer_;
    rdb::Status status_;
  };

  Store::Impl* impl_;
  // Caller side.
  Batch filling_;
  std::vector<int8_t> source_state_;  // SourceState by source code
  HashIndex64 batch_index_;           // record key hash -> filling_.records index
  HashSet64 written_ids_;             // record key hashes written, fresh sources only
  std::string key_;
  absl::Status status_;
  bool finished_ = false;
  // Worker side (and the caller once the worker is idle).
  Batch writing_;
  int ingested_batches_ = 0;
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

std::unique_ptr<Store::BulkWriter> Store::NewBulkWriter() {
  return std::make_unique<Impl::BulkWriterImpl>(impl_.get());
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
