// Bulk linkage over a store: load the records into memory once, score every
// candidate pair on all cores, and write the pairs and clusters.
#ifndef PROBITY_ENGINE_LINKER_H_
#define PROBITY_ENGINE_LINKER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/candidate_pairs.h"
#include "engine/clustering.h"
#include "engine/comparison.h"
#include "engine/fs_model.h"
#include "engine/link_data.h"
#include "engine/settings.h"
#include "storage/store.h"

namespace probity {

// Everything a batch linkage needs, in memory.
struct LinkJob {
  Settings settings;
  std::vector<BlockingRule> rules;
  std::vector<ComparisonSpec> specs;
  LinkData data;
  BlockKeyIndex keys;
  std::vector<std::string> source_names;  // by source index (settings order)
};

// Loads every record of the settings' sources from the store.
absl::StatusOr<LinkJob> LoadLinkJob(const storage::Store& store, const Settings& settings);

struct ScoreOptions {
  double floor = 0.01;  // pairs below this match probability are not kept
  CandidateOptions candidates;
};

// Scores all candidate pairs; returns those at or above the floor, sorted by
// (a, b) so the output is the same whatever the thread count.
std::vector<ScoredPair> ScoreCandidatePairs(const LinkJob& job, const FsModel& model,
                                            const ScoreOptions& options, BlockingStats* stats);

// How record and cluster ids are written in outputs. Unset members write the
// ids as they are; set, they replace them (pseudonyms for sharing results).
struct OutputIds {
  std::function<std::string(std::string_view source, std::string_view id)> record;
  std::function<std::string(uint64_t cluster_id)> cluster;
};

// Writes pairs.csv: source_l,id_l,source_r,id_r,match_weight,match_probability.
absl::Status WritePairsCsv(const std::string& path, const LinkJob& job,
                           const std::vector<ScoredPair>& pairs, const OutputIds& ids = {});

// Clusters: connected components, or one-to-one for link_only when asked.
std::vector<uint64_t> ClusterRecords(const LinkJob& job, const std::vector<ScoredPair>& pairs,
                                     double threshold, bool one_to_one);

// Writes clusters.csv: source,record_id,cluster_id for every record.
absl::Status WriteClustersCsv(const std::string& path, const LinkJob& job,
                              const std::vector<uint64_t>& cluster_ids, const OutputIds& ids = {});

}  // namespace probity

#endif  // PROBITY_ENGINE_LINKER_H_
