#include "engine/name_cache.h"

#include <bit>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "engine/record_builder.h"

namespace probity {

NameCache::NameCache(size_t slots) : slots_(std::bit_ceil(std::max<size_t>(slots, 1))) {}

void NameCache::Prefetch(std::string_view raw) const {
  const uint64_t hash = XXH3_64bits(raw.data(), raw.size());
  const char* slot = reinterpret_cast<const char*>(&slots_[hash & (slots_.size() - 1)]);
  for (size_t line = 0; line < sizeof(Slot); line += 64) __builtin_prefetch(slot + line);
}

const NameValue& NameCache::Get(std::string_view raw) {
  const uint64_t hash = XXH3_64bits(raw.data(), raw.size());
  Slot& slot = slots_[hash & (slots_.size() - 1)];
  if (slot.used && slot.hash == hash && slot.raw == raw) {
    ++hits_;
    return slot.value;
  }
  ++misses_;
  slot.used = true;
  slot.hash = hash;
  slot.raw.assign(raw);
  slot.value = MakeNameValue(raw);
  return slot.value;
}

}  // namespace probity
