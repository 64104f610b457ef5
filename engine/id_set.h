// IdSet: the ids of one source seen so far in an ingest, to reject repeats.
//
// Exact (ids are compared byte for byte, never by hash alone), and compact for
// millions of ids: the ids sit back to back in one buffer and the table holds
// 16 bytes per slot, so a look-up usually costs one cache miss where a hash
// set of strings costs two or more and an allocation per long id.
#ifndef PROBITY_ENGINE_ID_SET_H_
#define PROBITY_ENGINE_ID_SET_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace probity {

class IdSet {
 public:
  // Adds `id`; false when it was there already.
  bool Insert(std::string_view id) { return Insert(id, Hash(id)); }
  // Insert with `hash` == Hash(id), computed (and Prefetch-ed) beforehand:
  // the table is far larger than the caches, so a caller with other work to
  // do for the row hides the slot's cache miss behind it.
  static uint64_t Hash(std::string_view id);
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  bool Insert(std::string_view id, uint64_t hash);
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint32_t tag = 0;     // high bits of the id's hash; 0: empty
    uint32_t length = 0;  // of the id
    uint64_t offset = 0;  // of the id in bytes_
  };
  void Grow();
  std::vector<Slot> slots_;
  std::string bytes_;
  size_t size_ = 0;
};

}  // namespace probity

#endif  // PROBITY_ENGINE_ID_SET_H_
