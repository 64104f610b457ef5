// Clustering of scored pairs into persons: connected components over links at
// or above a threshold, a one-to-one variant for link_only jobs, and stable
// cluster ids.
//
// Records of a linkage job are numbered 0..n-1. All functions are
// deterministic: the same pairs (in any order) give the same clusters, and the
// same membership gives the same cluster ids.
#ifndef PROBITY_ENGINE_CLUSTERING_H_
#define PROBITY_ENGINE_CLUSTERING_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace probity {

struct ScoredPair {
  uint32_t a = 0;  // a < b; both < n
  uint32_t b = 0;
  double weight = 0;       // match weight (log2 Bayes factor incl. prior)
  double probability = 0;  // match probability in [0, 1]
};

// Connected components of the links with probability >= threshold (a NaN
// probability is never a link). Returns, per record, a dense component index in
// [0, count): components are numbered in order of their lowest record, so the
// result does not depend on the order of `pairs`. Records in no link are
// singletons. Pairs naming a record >= n are ignored (callers must not pass
// them). Time O(n + pairs), memory O(n); no allocation per pair.
std::vector<uint32_t> ConnectedComponents(uint32_t n, std::span<const ScoredPair> pairs,
                                          double threshold);

// One-to-one clustering for link_only jobs where each source holds one row per
// person. Pairs with probability >= threshold are taken best weight first
// (ties: (a, b) ascending; a NaN weight ranks as -infinity), and a pair is kept only if
// the clusters built so far around a and around b hold no record of a common
// source, i.e. neither record is already linked, directly or through other
// links, to a record of the other's source. Every resulting cluster therefore
// holds at most one record per source, and a pair of two records of the same
// source is never kept. Numbering as in ConnectedComponents. source_of[r] is the
// source index of record r (source_of.size() must be n). Time
// O(k log k + n) for k pairs at or above the threshold, memory O(n + k).
std::vector<uint32_t> OneToOneComponents(uint32_t n, std::span<const ScoredPair> pairs,
                                         double threshold, std::span<const uint16_t> source_of);

// Stable cluster ids, one per record (result[r] is the id of record r's
// cluster; component[r] is its component index, as returned above).
// Each component's id is XXH3-64 of "<source name>\x1f<record id>" of its
// member with the smallest (source name, record id) (compared bytewise, source
// name first), masked to 63 bits so it prints as a positive int64. So the id
// depends only on who is in the cluster, not on record order, numbering or
// thread count; a cluster keeps its id when it gains records larger than its
// smallest member. key_of(r) returns (source name, record id) of record r; the
// views must stay valid until this function returns (e.g. point into the
// caller's record storage). Distinct clusters collide with probability about
// clusters^2 / 2^64.
// The id of a cluster whose smallest member is (source, id): XXH3-64 of
// "source\x1fid", masked to 63 bits.
uint64_t ClusterIdOf(std::string_view source, std::string_view id);

std::vector<uint64_t> StableClusterIds(
    std::span<const uint32_t> component,
    std::function<std::pair<std::string_view, std::string_view>(uint32_t)> key_of);

}  // namespace probity

#endif  // PROBITY_ENGINE_CLUSTERING_H_
