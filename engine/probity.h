// probity as a library: real-time record linkage for ingestion services.
//
// A service opens an Engine over a store, then for each arriving record calls
// MatchAndAssign: the record is matched against everything stored, linked to
// the person (cluster) it belongs to or given a new one, and stored, in one
// atomic step. Match alone answers "who is this?" without storing anything.
//
//   absl::StatusOr<std::unique_ptr<probity::Engine>> engine =
//       probity::Engine::Open("/var/lib/probity/store", {});
//   probity::InputRecord r{.source = "police", .id = "2000/1234567V",
//                          .fields = {{"forename", {"William", "Bill"}},
//                                     {"surname", {"Smith"}}, {"dob", {"1990-08-07"}}}};
//   absl::StatusOr<probity::Assignment> a = (*engine)->MatchAndAssign(r);
//
// Contract:
//   - Scores are exactly those batch scoring (`probity link`) gives the same
//     pair over the same stored records and model.
//   - Thread safety: an Engine may be shared by any number of threads. Match
//     runs concurrently with everything. Upsert, Remove and MatchAndAssign are
//     each atomic (a record, its index entries, term counts and cluster
//     assignment are written in one batch) and are serialised with each other,
//     so clusters never see a half-applied merge. A reader sees each record
//     either before or after a write, never torn.
//   - Clusters: a record linking to several clusters merges them; a cluster's
//     id is derived from its smallest (source, id) member, as in batch
//     clustering, so incremental and batch clustering of the same records give
//     the same ids. Remove does not split a cluster.
//   - One process per store (the store refuses a second); the store directory
//     is private to the user.
#ifndef PROBITY_ENGINE_PROBITY_H_
#define PROBITY_ENGINE_PROBITY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/explain.h"

namespace probity {

// A record as a service passes it: canonical field names (forename,
// middle_names, surname, full_name, dob, sex, postcode, address, pnc, cro,
// nino) or custom field names of the source, each with one or more values
// (aliases). Dates are ISO (YYYY-MM-DD). A field the settings map to the id
// column (e.g. "pnc" read from pnc_id) defaults to `id`, as in batch ingestion.
struct InputRecord {
  std::string source;  // a source of the store's settings
  std::string id;      // empty for Match of an unstored record
  std::vector<std::pair<std::string, std::vector<std::string>>> fields;
};

// Parses the JSON form of a record: {"forename": "Liam", "surname": "Penbridge",
// "dob": "1990-08-07", "forename_aliases"...}; values are strings or arrays of
// strings. "source" and "id" keys, if present, fill those members.
absl::StatusOr<InputRecord> InputRecordFromJson(std::string_view json);

struct Candidate {
  std::string source;
  std::string id;
  double match_weight = 0;
  double match_probability = 0;
  std::optional<uint64_t> cluster_id;  // the person it belongs to, when clustered
  Explanation explanation;             // comparison by comparison
};

struct Assignment {
  uint64_t cluster_id = 0;
  bool new_cluster = false;             // no stored record matched
  std::vector<uint64_t> merged_clusters;  // clusters this record joined together
  std::vector<Candidate> links;         // matches at or above the threshold
};

struct EngineOptions {
  // Settings JSON for a new store (ignored when the store has settings).
  std::string settings_json;
  // Model JSON (model.json); default: the model trained into the store.
  std::string model_json;
  // Link threshold (match probability); default: the settings' threshold.
  std::optional<double> threshold;
  // At most this many stored records are scored per look-up (blocks taken in
  // rule order), bounding latency on very common keys.
  size_t max_candidates = 2000;
  // Block cache of the store. With `in_memory` look-ups read nothing from the
  // store and only writes use it; without, look-ups read records and index
  // entries at random, and a cache about the store's size on disk keeps them
  // off the file system.
  size_t cache_bytes = size_t{256} << 20;
  // Keep a copy of every record and of the block index in memory (see
  // engine/record_mirror.h): look-ups then read nothing from disk, at the cost
  // of ~450 MB per million records and a load at Open (~2 s per million).
  // Off suits a one-off look-up (probity match) on a large store.
  bool in_memory = true;
};

class Engine {
 public:
  // Opens (or, with settings, creates) the store in `dir`.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const std::string& dir,
                                                      const EngineOptions& options);
  virtual ~Engine() = default;

  // Stores (or replaces) a record without clustering it.
  virtual absl::Status Upsert(const InputRecord& record) = 0;
  // Removes a record; OK if absent.
  virtual absl::Status Remove(const std::string& source, const std::string& id) = 0;
  // The k best-scoring stored records for `record`, highest weight first.
  // The record itself (same source and id) is never its own candidate.
  virtual absl::StatusOr<std::vector<Candidate>> Match(const InputRecord& record,
                                                       size_t k) const = 0;
  // Matches, assigns a cluster (joining or merging existing ones, or a new
  // one) and stores the record, atomically.
  virtual absl::StatusOr<Assignment> MatchAndAssign(const InputRecord& record) = 0;
  // The cluster a stored record belongs to (nullopt if never clustered).
  virtual absl::StatusOr<std::optional<uint64_t>> ClusterOf(const std::string& source,
                                                            const std::string& id) const = 0;
  virtual double threshold() const = 0;
};

}  // namespace probity

#endif  // PROBITY_ENGINE_PROBITY_H_
