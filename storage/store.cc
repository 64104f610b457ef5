// The store on RocksDB: opening, options, and single-record reads and writes.
// See store.h for the contract, store_format.h for the layout, and
// bulk_writer.cc for bulk loads.
#include "storage/store.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <utility>

#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/merge_operator.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "storage/block_postings.h"
#include "storage/store_format.h"
#include "storage/store_impl.h"

namespace probity::storage {
namespace {

namespace fs = std::filesystem;

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
      // One key per page of blocks, its value their members (block_postings.h).
      options.merge_operator = NewBlockPostingsOperator();
      // Pages are hashes and record keys: LZ4 saved 1.7% on a million
      // synthetic records (419 against 426 MB in all) for ~4% of the load's CPU.
      options.compression = rdb::kNoCompression;
      // One insert hint per rule (see records).
      options.memtable_insert_with_hint_prefix_extractor.reset(rdb::NewFixedPrefixTransform(1));
      // Most look-ups are of blocks no other record is in.
      table.filter_policy.reset(rdb::NewBloomFilterPolicy(10));
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

}  // namespace

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
    if (parsed < kFormatVersion) {
      // Formats 1 and 2 kept the block index in other keys: it would read as empty.
      return absl::FailedPreconditionError(dir + ": written by an older probity (format " +
                                           std::to_string(parsed) + "; this build reads format " +
                                           std::to_string(kFormatVersion) +
                                           "): ingest the data into a new store");
    }
    if (parsed > kFormatVersion) {
      return absl::FailedPreconditionError(dir + ": written by a newer probity (format " +
                                           std::to_string(parsed) + "; this build reads format " +
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
  return ForEachInBlocks({key}, fn);
}

absl::Status Store::ForEachInBlocks(
    const std::vector<BlockKey>& keys,
    const std::function<bool(uint16_t, std::string_view)>& fn) const {
  const size_t n = keys.size();
  if (n == 0) return absl::OkStatus();
  // One look-up per block, of its page.
  std::string page_keys;
  page_keys.reserve(n * kPageKeyLen);
  for (const BlockKey& key : keys) AppendPageKey(&page_keys, key.rule, key.hash);
  std::vector<rdb::Slice> slices(n);
  for (size_t i = 0; i < n; ++i) slices[i] = rdb::Slice(page_keys.data() + i * kPageKeyLen, kPageKeyLen);
  std::vector<rdb::PinnableSlice> pages(n);
  std::vector<rdb::Status> statuses(n);
  impl_->db->MultiGet(rdb::ReadOptions(), impl_->cf(kCfBlocks), n, slices.data(), pages.data(),
                      statuses.data());
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return impl_->Error(statuses[i]);
    // The block's members: a merged page holds adds of record keys only.
    bool stop = false;
    bool members_ok = true;
    const auto member = [&](std::string_view record_key, bool remove) {
      if (record_key.size() < 3 || remove) return members_ok = false;
      stop = !fn(GetBE16(record_key.data()), record_key.substr(2));
      return !stop;
    };
    const bool page_ok = ForEachPageEntry(ToView(pages[i]), [&](uint64_t hash, std::string_view ops) {
      if (hash == keys[i].hash) members_ok = ForEachPostingOp(ops, member) && members_ok;
      return hash < keys[i].hash;  // blocks are in hash order: stop at or past it
    });
    if (!page_ok || !members_ok) {
      return absl::DataLossError(impl_->dir + ": malformed block index page");
    }
    if (stop) break;
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
