// The store's on-disk format, shared by store.cc and bulk_writer.cc (not
// installed): column families, key layouts, the record value and its
// encodings. store.h describes the layout; changing any of it needs a new
// kFormatVersion.
//
// Record value layout (records CF):
//   varint n_block_keys, n_block_keys x (rule(1) + hash(8, BE)),
//   varint n_tf_terms,   n_tf_terms x (field(1) + varint length + value bytes),
//   payload (the rest).
// The header lets Put/Delete retract exactly the index entries and term counts
// the previous version of a record added.
#ifndef PROBITY_STORAGE_STORE_FORMAT_H_
#define PROBITY_STORAGE_STORE_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"
#include "storage/store.h"

namespace probity::storage {

namespace rdb = ::ROCKSDB_NAMESPACE;

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
inline constexpr std::array<const char*, kNumCfs> kCfNames = {"default", "meta",  "records", "blocks",
                                                       "tf",      "model", "clusters"};

inline constexpr size_t kBlockPrefixLen = 9;  // rule(1) + hash(8): a block key in a record header
inline constexpr size_t kNumStripes = 256;
inline constexpr std::string_view kFormatVersionKey = "format_version";
inline constexpr std::string_view kSourceKeyPrefix = "source/";
// Bulk SST files are written into the store directory under this prefix, then
// moved into RocksDB; leftovers (a crash mid-batch) are removed on open.
inline constexpr std::string_view kBulkFilePrefix = "probity-bulk-";

inline rdb::Slice ToSlice(std::string_view s) { return rdb::Slice(s.data(), s.size()); }
inline std::string_view ToView(const rdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// Little-endian int64, the tf CF's value and merge operand.
struct Int64LE {
  char bytes[8];
  explicit Int64LE(int64_t v) {
    const auto u = static_cast<uint64_t>(v);
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((u >> (8 * i)) & 0xff);
  }
  rdb::Slice slice() const { return rdb::Slice(bytes, 8); }
};

// ---- Fixed-width and varint encodings ----
void PutBE16(std::string* out, uint16_t v);
void PutBE64(std::string* out, uint64_t v);
uint16_t GetBE16(const char* p);
uint64_t GetBE64(const char* p);
bool DecodeInt64LE(std::string_view s, int64_t* v);
void PutVarint(std::string* out, uint64_t v);
// The same encodings into a buffer the caller sized (for writers that size a
// whole entry first, in loops run per block member); each returns the end of
// what it wrote.
inline char* EncodeBE64To(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (56 - 8 * i)) & 0xff);
  return p + 8;
}
inline size_t VarintLength(uint64_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}
inline char* EncodeVarintTo(char* p, uint64_t v) {
  for (; v >= 0x80; v >>= 7) *p++ = static_cast<char>((v & 0x7f) | 0x80);
  *p++ = static_cast<char>(v);
  return p;
}
// False (and `in` unchanged or partly read) on a truncated or overlong varint.
bool GetVarint(std::string_view* in, uint64_t* v);

// ---- Keys ----
void AppendRecordKey(std::string* out, uint16_t source, std::string_view id);
std::string RecordKey(uint16_t source, std::string_view id);
// rule(1) + hash(8, BE): a block key as a record's header lists it.
void AppendBlockPrefix(std::string* out, const BlockKey& key);
void AppendTfKey(std::string* out, uint8_t field, std::string_view value);
// The smallest string greater than every string starting with `prefix`; empty
// when there is none (all bytes 0xff).
std::string PrefixSuccessor(std::string prefix);
// XXH3-64 of a record key.
uint64_t HashKey(std::string_view key);

// ---- Record values ----
// Appends a record value's header to `out`; with `term_offsets`, appends
// where each term's value starts in `out`.
void EncodeRecordHeader(const std::vector<BlockKey>& block_keys, const std::vector<TfTerm>& terms,
                        std::string* out, std::vector<size_t>* term_offsets = nullptr);
// Splits a record value into its header parts and payload. Reuses the vectors'
// storage; `terms` may be null (skipped). False on a malformed value.
bool DecodeRecordValue(std::string_view in, std::vector<BlockKey>* block_keys,
                       std::vector<TfTerm>* terms, std::string_view* payload);
// Advances `in` past a record value's header to its payload, allocating
// nothing. False on a malformed value.
bool SkipRecordHeader(std::string_view* in);

// ---- Errors ----
// A RocksDB status as an absl::Status whose message starts with `dir`.
absl::Status FromRocks(const rdb::Status& s, const std::string& dir);

}  // namespace probity::storage

#endif  // PROBITY_STORAGE_STORE_FORMAT_H_
