// An in-memory mirror of a store's records for the real-time engine.
//
// Holds every stored record's payload and the block index over them, so a
// look-up reads neither the store's index nor its records from RocksDB: about
// 12 seeks and a MultiGet per look-up become hash-map look-ups. The store
// stays the durable copy; the engine applies each write to the store first and
// then here, under its writer lock.
//
// Memory: roughly the payload (~150 bytes), the id and 30 bytes per record,
// plus ~28 bytes per distinct block key (about 450 MB for 1M records of 12
// keys each).
//
// Order: members of a block are kept in store key order (source code, then id
// bytes). The store's own index gives a block's members in the order they
// were added (a bulk load's in input order), so when a look-up's blocks hold
// more than EngineOptions::max_candidates records, the mirror and the store
// may keep different ones; below the cap both give the same candidates.
//
// Thread safety: ForEachCandidate may run in many threads at once, alongside
// Put and Remove (readers share a lock; writers take it alone).
#ifndef PROBITY_ENGINE_RECORD_MIRROR_H_
#define PROBITY_ENGINE_RECORD_MIRROR_H_

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/types/optional.h"
#include "absl/status/status.h"
#include "storage/store.h"

namespace probity {

class RecordMirror {
 public:
  // Loads every record of `store` (replacing what the mirror held).
  absl::Status Load(const storage::Store& store);

  // Inserts or replaces `record`; `old_keys` are the block keys of the version
  // it replaces (empty if none).
  void Put(const storage::StoredRecord& record, const std::vector<storage::BlockKey>& old_keys);
  // Sets stored records' clusters (records the mirror lacks are skipped).
  void SetClusters(const std::vector<storage::ClusterAssignment>& assignments);
  // The clusters of several records (nullopt: absent or not clustered).
  void GetClusters(const std::vector<std::pair<uint16_t, std::string_view>>& keys,
                   std::vector<std::optional<uint64_t>>* out) const;
  // Removes a record indexed under `old_keys`; nothing if absent.
  void Remove(uint16_t source, std::string_view id, const std::vector<storage::BlockKey>& old_keys);

  // Calls fn(source, id, payload) for every record under each of `keys`, key
  // by key in the given order, until fn returns false. A record under several
  // keys is passed once per key. The views are valid during the call only.
  void ForEachCandidate(
      const std::vector<storage::BlockKey>& keys,
      absl::FunctionRef<bool(uint16_t source, std::string_view id, std::string_view payload)> fn)
      const;

  size_t size() const;

 private:
  struct Slot {
    uint16_t source = 0;
    bool live = false;
    bool clustered = false;
    uint64_t cluster = 0;
    std::string id;
    std::string payload;
  };
  using Members = absl::InlinedVector<uint32_t, 2>;  // slot numbers, in key order
  static uint64_t BlockId(const storage::BlockKey& key);
  // True when slot a's record sorts before (source, id) in store key order.
  bool Before(uint32_t a, uint16_t source, std::string_view id) const;
  void Unindex(uint32_t slot, const std::vector<storage::BlockKey>& keys);
  void Index(uint32_t slot, const std::vector<storage::BlockKey>& keys);

  mutable std::shared_mutex mu_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  // Keyed by source code and id; looked up with string_view keys.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const std::pair<uint16_t, std::string_view>& k) const;
    size_t operator()(const std::pair<uint16_t, std::string>& k) const {
      return (*this)(std::pair<uint16_t, std::string_view>(k.first, k.second));
    }
  };
  struct KeyEq {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return a.first == b.first && std::string_view(a.second) == std::string_view(b.second);
    }
  };
  absl::optional<uint32_t> FindSlot(uint16_t source, std::string_view id) const;
  absl::flat_hash_map<std::pair<uint16_t, std::string>, uint32_t, KeyHash, KeyEq> slot_of_;
  absl::flat_hash_map<uint64_t, Members> blocks_;
};

}  // namespace probity

#endif  // PROBITY_ENGINE_RECORD_MIRROR_H_
