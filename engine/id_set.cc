// IdSet: see id_set.h.
#include "engine/id_set.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace probity {

namespace {
// The slot's tag: never 0 (the empty mark).
uint32_t TagOf(uint64_t hash) { return static_cast<uint32_t>(hash >> 32) | 1u; }
}  // namespace

uint64_t IdSet::Hash(std::string_view id) { return XXH3_64bits(id.data(), id.size()); }

bool IdSet::Insert(std::string_view id, uint64_t hash) {
  if ((size_ + 1) * 10 > slots_.size() * 7) Grow();  // load factor <= 0.7
  const uint32_t tag = TagOf(hash);
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.tag == 0) {
      slot = Slot{tag, static_cast<uint32_t>(id.size()), bytes_.size()};
      bytes_.append(id);
      ++size_;
      return true;
    }
    if (slot.tag == tag && slot.length == id.size() &&
        std::memcmp(bytes_.data() + slot.offset, id.data(), id.size()) == 0) {
      return false;
    }
  }
}

void IdSet::Grow() {
  std::vector<Slot> old(std::max<size_t>(slots_.size() * 2, 1024));
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.tag == 0) continue;
    const uint64_t hash = Hash(std::string_view(bytes_.data() + slot.offset, slot.length));
    size_t i = hash & mask;
    while (slots_[i].tag != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

}  // namespace probity
