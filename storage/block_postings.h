// The blocks column family's keys and values (not installed).
//
// A key is a page of one rule's blocks: rule(1) + the top 16 bits of the
// block hash (2, BE). Its value lists the page's blocks in hash order, each
//   hash(8, BE) + varint(byte length of its ops) + posting ops,
// and a block's posting ops are its members: varint(member key length << 1 |
// remove) followed by the member's record key (source(2, BE) + id).
//
// Every write to a page is a RocksDB merge operand in the same layout, whose
// ops may also remove. Operands apply in write order: an add puts the member
// in its block unless it is there already, a remove takes it out. A fully
// merged value holds adds only, each member once per block (in the order they
// were added), blocks in increasing hash order, no empty block.
//
// Why pages: a bulk load's cost is mostly RocksDB's per-key work, so fewer,
// larger keys load faster. A million records with 14 blocking rules are 13.6M
// memberships of 6.2M blocks in 0.9M pages. Reading a block is one point
// look-up of its page (a few hundred bytes at that size; about 67 blocks a
// page at 10M records). Because operands apply in order, replacing a record
// reads no page: its old memberships are removes, its new ones adds, in the
// record's WriteBatch.
#ifndef PROBITY_STORAGE_BLOCK_POSTINGS_H_
#define PROBITY_STORAGE_BLOCK_POSTINGS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "rocksdb/merge_operator.h"
#include "storage/store_format.h"

namespace probity::storage {

inline constexpr size_t kPageKeyLen = 3;

// Appends the key of the page holding block (rule, hash) to `out`.
void AppendPageKey(std::string* out, uint8_t rule, uint64_t hash);

// Appends one posting op for `member_key` (a record key) to `out`.
void AppendPostingOp(std::string* out, std::string_view member_key, bool remove);
// Appends a block's entry (its hash and posting ops) to a page value or operand.
void AppendPageEntry(std::string* out, uint64_t hash, std::string_view ops);

// AppendPageEntry of the ops for `removes` then `adds` (each a sequence of
// member keys), built in place: the same bytes, without the intermediate ops
// string. For bulk writes, where blocks are many and small.
template <typename Keys>
void AppendPageEntryOf(std::string* out, uint64_t hash, const Keys& removes, const Keys& adds);

// Calls fn(hash, ops) for each block entry of a page value or operand, in
// order, until fn returns false. False when `page` is malformed.
template <typename Fn>
bool ForEachPageEntry(std::string_view page, const Fn& fn);

// Calls fn(member_key, remove) for each posting op, in order, until fn
// returns false. False when `ops` is malformed.
template <typename Fn>
bool ForEachPostingOp(std::string_view ops, const Fn& fn);

// The blocks column family's merge operator (see above).
std::shared_ptr<ROCKSDB_NAMESPACE::MergeOperator> NewBlockPostingsOperator();

// ---- Implementation ----

template <typename Keys>
void AppendPageEntryOf(std::string* out, uint64_t hash, const Keys& removes, const Keys& adds) {
  size_t ops_size = 0;
  for (std::string_view key : removes) ops_size += VarintLength(uint64_t{key.size()} << 1) + key.size();
  for (std::string_view key : adds) ops_size += VarintLength(uint64_t{key.size()} << 1) + key.size();
  const size_t at = out->size();
  out->resize(at + 8 + VarintLength(ops_size) + ops_size);
  char* p = EncodeBE64To(out->data() + at, hash);
  p = EncodeVarintTo(p, ops_size);
  for (std::string_view key : removes) {
    p = EncodeVarintTo(p, (uint64_t{key.size()} << 1) | 1);
    std::memcpy(p, key.data(), key.size());
    p += key.size();
  }
  for (std::string_view key : adds) {
    p = EncodeVarintTo(p, uint64_t{key.size()} << 1);
    std::memcpy(p, key.data(), key.size());
    p += key.size();
  }
}

template <typename Fn>
bool ForEachPageEntry(std::string_view page, const Fn& fn) {
  while (!page.empty()) {
    if (page.size() < 8) return false;
    const uint64_t hash = GetBE64(page.data());
    page.remove_prefix(8);
    uint64_t length = 0;
    if (!GetVarint(&page, &length) || length > page.size()) return false;
    if (!fn(hash, page.substr(0, length))) return true;
    page.remove_prefix(length);
  }
  return true;
}

template <typename Fn>
bool ForEachPostingOp(std::string_view ops, const Fn& fn) {
  while (!ops.empty()) {
    uint64_t header = 0;
    if (!GetVarint(&ops, &header) || (header >> 1) > ops.size()) return false;
    const auto length = static_cast<size_t>(header >> 1);
    if (!fn(ops.substr(0, length), (header & 1) != 0)) return true;
    ops.remove_prefix(length);
  }
  return true;
}

}  // namespace probity::storage

#endif  // PROBITY_STORAGE_BLOCK_POSTINGS_H_
