// Store::Impl, shared by store.cc and bulk_writer.cc (not installed): the
// open database, its column families and the helpers Put, Delete and the bulk
// writer share.
#ifndef PROBITY_STORAGE_STORE_IMPL_H_
#define PROBITY_STORAGE_STORE_IMPL_H_

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "storage/block_postings.h"
#include "storage/store.h"
#include "storage/store_format.h"

namespace probity::storage {

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
    // Block memberships exist or not: set difference both ways, as merge
    // operands of the blocks' pages (block_postings.h).
    std::string member;
    AppendRecordKey(&member, source, id);
    std::string op;
    std::string operand;
    const auto merge = [&](const BlockKey& bk, bool remove) {
      key.clear();
      AppendPageKey(&key, bk.rule, bk.hash);
      op.clear();
      AppendPostingOp(&op, member, remove);
      operand.clear();
      AppendPageEntry(&operand, bk.hash, op);
      s = batch->Merge(cf(kCfBlocks), key, operand);
    };
    for (const BlockKey& bk : old_keys) {
      if (s.ok() && !contains(fresh.block_keys, bk)) merge(bk, /*remove=*/true);
    }
    for (const BlockKey& bk : fresh.block_keys) {
      if (s.ok() && !contains(old_keys, bk)) merge(bk, /*remove=*/false);
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

}  // namespace probity::storage

#endif  // PROBITY_STORAGE_STORE_IMPL_H_
