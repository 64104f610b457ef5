#include "engine/record_mirror.h"

#include <algorithm>
#include <mutex>

#include "absl/hash/hash.h"

namespace probity {

uint64_t RecordMirror::BlockId(const storage::BlockKey& key) {
  // The rule goes into the hash with a multiply-xorshift mix, so equal hashes
  // under different rules land apart; a 64-bit collision between two blocks
  // would only add candidates, which scoring then ranks as any other.
  uint64_t x = key.hash ^ (uint64_t{key.rule} * 0x9E3779B97F4A7C15ull);
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  x ^= x >> 32;
  return x;
}

size_t RecordMirror::KeyHash::operator()(const std::pair<uint16_t, std::string_view>& k) const {
  return absl::HashOf(k.first, absl::string_view(k.second.data(), k.second.size()));
}

absl::optional<uint32_t> RecordMirror::FindSlot(uint16_t source, std::string_view id) const {
  const auto found = slot_of_.find(std::pair<uint16_t, std::string_view>(source, id));
  if (found == slot_of_.end()) return absl::nullopt;
  return found->second;
}

bool RecordMirror::Before(uint32_t a, uint16_t source, std::string_view id) const {
  const Slot& s = slots_[a];
  if (s.source != source) return s.source < source;
  // Unsigned byte order, as the store's bytewise keys.
  return std::string_view(s.id) < id;
}

void RecordMirror::Index(uint32_t slot, const std::vector<storage::BlockKey>& keys) {
  const Slot& s = slots_[slot];
  for (const storage::BlockKey& key : keys) {
    Members& members = blocks_[BlockId(key)];
    const auto at = std::lower_bound(members.begin(), members.end(), slot,
                                     [&](uint32_t m, uint32_t) { return Before(m, s.source, s.id); });
    if (at != members.end() && *at == slot) continue;  // a key listed twice
    members.insert(at, slot);
  }
}

void RecordMirror::Unindex(uint32_t slot, const std::vector<storage::BlockKey>& keys) {
  for (const storage::BlockKey& key : keys) {
    const auto block = blocks_.find(BlockId(key));
    if (block == blocks_.end()) continue;
    Members& members = block->second;
    const auto at = std::find(members.begin(), members.end(), slot);
    if (at != members.end()) members.erase(at);
    if (members.empty()) blocks_.erase(block);
  }
}

absl::Status RecordMirror::Load(const storage::Store& store) {
  std::unique_lock lock(mu_);
  slots_.clear();
  free_slots_.clear();
  slot_of_.clear();
  blocks_.clear();
  // Sized up front: growing the maps rehashes millions of entries.
  uint64_t records = 0;
  for (const auto& [name, code] : store.Sources()) {
    absl::StatusOr<uint64_t> count = store.CountRecords(code);
    if (!count.ok()) return count.status();
    records += *count;
  }
  slots_.reserve(records);
  slot_of_.reserve(records);
  blocks_.reserve(records * 8);
  // Records come in key order, so appending keeps every block sorted.
  absl::Status loaded = store.ForEachRecord(std::nullopt, [this](const storage::StoredRecord& record) {
    const auto slot = static_cast<uint32_t>(slots_.size());
    slots_.push_back(Slot{record.source, true, false, 0, record.id, record.payload});
    slot_of_.emplace(std::make_pair(record.source, record.id), slot);
    for (const storage::BlockKey& key : record.block_keys) {
      Members& members = blocks_[BlockId(key)];
      if (members.empty() || members.back() != slot) members.push_back(slot);
    }
    return true;
  });
  if (!loaded.ok()) return loaded;
  return store.ForEachClusterAssignment([this](uint16_t source, std::string_view id, uint64_t cluster) {
    if (const absl::optional<uint32_t> slot = FindSlot(source, id)) {
      slots_[*slot].clustered = true;
      slots_[*slot].cluster = cluster;
    }
    return true;
  });
}

void RecordMirror::SetClusters(const std::vector<storage::ClusterAssignment>& assignments) {
  std::unique_lock lock(mu_);
  for (const storage::ClusterAssignment& a : assignments) {
    if (const absl::optional<uint32_t> slot = FindSlot(a.source, a.id)) {
      slots_[*slot].clustered = true;
      slots_[*slot].cluster = a.cluster_id;
    }
  }
}

void RecordMirror::GetClusters(const std::vector<std::pair<uint16_t, std::string_view>>& keys,
                               std::vector<std::optional<uint64_t>>* out) const {
  std::shared_lock lock(mu_);
  out->assign(keys.size(), std::nullopt);
  for (size_t i = 0; i < keys.size(); ++i) {
    const absl::optional<uint32_t> slot = FindSlot(keys[i].first, keys[i].second);
    if (slot.has_value() && slots_[*slot].clustered) (*out)[i] = slots_[*slot].cluster;
  }
}

void RecordMirror::Put(const storage::StoredRecord& record,
                       const std::vector<storage::BlockKey>& old_keys) {
  std::unique_lock lock(mu_);
  const auto found = slot_of_.find(std::make_pair(record.source, record.id));
  uint32_t slot;
  if (found != slot_of_.end()) {
    slot = found->second;
    Unindex(slot, old_keys);
    slots_[slot].payload = record.payload;  // a replaced record keeps its cluster, as in the store
  } else {
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
      slots_[slot] = Slot{record.source, true, false, 0, record.id, record.payload};
    } else {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back(Slot{record.source, true, false, 0, record.id, record.payload});
    }
    slot_of_.emplace(std::make_pair(record.source, record.id), slot);
  }
  Index(slot, record.block_keys);
}

void RecordMirror::Remove(uint16_t source, std::string_view id,
                          const std::vector<storage::BlockKey>& old_keys) {
  std::unique_lock lock(mu_);
  const auto found = slot_of_.find(std::pair<uint16_t, std::string_view>(source, id));
  if (found == slot_of_.end()) return;
  const uint32_t slot = found->second;
  Unindex(slot, old_keys);
  slot_of_.erase(found);
  Slot& s = slots_[slot];
  s.live = false;
  s.clustered = false;  // the store drops the assignment with the record
  s.id.clear();
  std::string().swap(s.payload);
  free_slots_.push_back(slot);
}

void RecordMirror::ForEachCandidate(
    const std::vector<storage::BlockKey>& keys,
    absl::FunctionRef<bool(uint16_t, std::string_view, std::string_view)> fn) const {
  std::shared_lock lock(mu_);
  for (const storage::BlockKey& key : keys) {
    const auto block = blocks_.find(BlockId(key));
    if (block == blocks_.end()) continue;
    for (uint32_t slot : block->second) {
      const Slot& s = slots_[slot];
      if (!fn(s.source, s.id, s.payload)) return;
    }
  }
}

size_t RecordMirror::size() const {
  std::shared_lock lock(mu_);
  return slot_of_.size();
}

}  // namespace probity
