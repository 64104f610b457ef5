// NameCache: normalised names (MakeNameValue) remembered by their raw text.
//
// Names repeat: a million people share a few tens of thousands of forenames
// and surnames, and the common ones make up most rows, so a load that
// normalises each common spelling once saves most of the Unicode folding and
// phonetic coding. The cache is direct-mapped (a name's hash picks its one
// slot; a newcomer evicts the slot's holder): fixed memory, one probe per
// look-up, and the frequent names are the ones that stay. One cache serves
// one thread at a time.
#ifndef PROBITY_ENGINE_NAME_CACHE_H_
#define PROBITY_ENGINE_NAME_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/record.h"

namespace probity {

class NameCache {
 public:
  // `slots` is rounded up to a power of two.
  explicit NameCache(size_t slots = size_t{1} << 14);

  // MakeNameValue(raw), from the cache when `raw` was seen before. The
  // reference is valid until the next Get.
  const NameValue& Get(std::string_view raw);

  // Starts loading the slot Get(raw) will read (call a row ahead: the slots
  // are far larger than the caches, and a name's slot is a random one).
  void Prefetch(std::string_view raw) const;

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct alignas(64) Slot {
    uint64_t hash = 0;
    bool used = false;
    std::string raw;
    NameValue value;
  };
  std::vector<Slot> slots_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace probity

#endif  // PROBITY_ENGINE_NAME_CACHE_H_
