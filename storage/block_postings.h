// The blocks column family's values (not installed): one key per block,
// rule(1) + hash(8, BE), whose value lists the block's members.
//
// Every write to a block is a RocksDB merge operand: a sequence of posting
// ops, each varint(member key length << 1 | remove) followed by the member's
// record key (source(2, BE) + id). Operands apply in write order: an add puts
// the member in the block unless it is there already, a remove takes it out.
// A fully merged value holds adds only, each member once, in the order they
// were added.
//
// One key per block instead of one per member halves the keys a bulk load
// writes (a million records with 14 blocking rules: 6.2M blocks for 13.6M
// memberships), and reading a block is a point look-up. Because operands
// apply in order, replacing a record needs no read of the block: its old
// memberships are removes, its new ones adds, in the record's WriteBatch.
#ifndef PROBITY_STORAGE_BLOCK_POSTINGS_H_
#define PROBITY_STORAGE_BLOCK_POSTINGS_H_

#include <memory>
#include <string>
#include <string_view>

#include "rocksdb/merge_operator.h"

namespace probity::storage {

// Appends one posting op for `member_key` (a record key) to `out`.
void AppendPostingOp(std::string* out, std::string_view member_key, bool remove);

// Calls fn(member_key, remove) for each op of an operand or merged value, in
// order, until fn returns false. False when `value` is malformed.
template <typename Fn>
bool ForEachPostingOp(std::string_view value, const Fn& fn);

// The blocks column family's merge operator (see above).
std::shared_ptr<ROCKSDB_NAMESPACE::MergeOperator> NewBlockPostingsOperator();

// ---- Implementation ----

namespace postings_internal {
// Reads one op's header; false on a truncated or overlong varint, or a length
// past the end of `in`.
bool ReadOpHeader(std::string_view* in, size_t* length, bool* remove);
}  // namespace postings_internal

template <typename Fn>
bool ForEachPostingOp(std::string_view value, const Fn& fn) {
  while (!value.empty()) {
    size_t length = 0;
    bool remove = false;
    if (!postings_internal::ReadOpHeader(&value, &length, &remove)) return false;
    if (!fn(value.substr(0, length), remove)) return true;
    value.remove_prefix(length);
  }
  return true;
}

}  // namespace probity::storage

#endif  // PROBITY_STORAGE_BLOCK_POSTINGS_H_
