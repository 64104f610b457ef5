#include "engine/clustering.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace probity {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// Union-find with path halving and union by size.
class DisjointSets {
 public:
  explicit DisjointSets(uint32_t n) : parent_(n), size_(n, 1) {
    for (uint32_t i = 0; i < n; ++i) parent_[i] = i;
  }

  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }

  // Links two distinct roots; returns the surviving root.
  uint32_t LinkRoots(uint32_t ra, uint32_t rb) {
    if (size_[ra] < size_[rb]) std::swap(ra, rb);
    parent_[rb] = ra;
    size_[ra] += size_[rb];
    return ra;
  }

  // Dense component index per element, numbered by lowest member.
  std::vector<uint32_t> Labels() {
    const uint32_t n = static_cast<uint32_t>(parent_.size());
    std::vector<uint32_t> label_of_root(n, kNone);
    std::vector<uint32_t> out(n);
    uint32_t next = 0;
    for (uint32_t r = 0; r < n; ++r) {
      const uint32_t root = Find(r);
      if (label_of_root[root] == kNone) label_of_root[root] = next++;
      out[r] = label_of_root[root];
    }
    return out;
  }

 private:
  std::vector<uint32_t> parent_;
  std::vector<uint32_t> size_;
};

struct Candidate {
  double weight;
  uint32_t a;
  uint32_t b;
};

// Source sets of clusters as 64-bit masks (the common case: fewer than 64 sources).
class MaskSourceSets {
 public:
  explicit MaskSourceSets(std::span<const uint16_t> source_of) : mask_(source_of.size()) {
    for (size_t r = 0; r < source_of.size(); ++r) mask_[r] = uint64_t{1} << source_of[r];
  }
  bool Disjoint(uint32_t ra, uint32_t rb) const { return (mask_[ra] & mask_[rb]) == 0; }
  void MergeInto(uint32_t root, uint32_t other) { mask_[root] |= mask_[other]; }

 private:
  std::vector<uint64_t> mask_;  // valid for roots
};

// Source sets as sorted vectors, for jobs with 64 or more sources. Allocates
// only when clusters merge (at most n - 1 times).
class VectorSourceSets {
 public:
  explicit VectorSourceSets(std::span<const uint16_t> source_of) : sets_(source_of.size()) {
    for (size_t r = 0; r < source_of.size(); ++r) sets_[r] = {source_of[r]};
  }
  bool Disjoint(uint32_t ra, uint32_t rb) const {
    const std::vector<uint16_t>& x = sets_[ra];
    const std::vector<uint16_t>& y = sets_[rb];
    size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
      if (x[i] == y[j]) return false;
      if (x[i] < y[j]) {
        ++i;
      } else {
        ++j;
      }
    }
    return true;
  }
  void MergeInto(uint32_t root, uint32_t other) {
    std::vector<uint16_t> merged;
    merged.reserve(sets_[root].size() + sets_[other].size());
    std::merge(sets_[root].begin(), sets_[root].end(), sets_[other].begin(), sets_[other].end(),
               std::back_inserter(merged));
    sets_[root] = std::move(merged);
    std::vector<uint16_t>().swap(sets_[other]);
  }

 private:
  std::vector<std::vector<uint16_t>> sets_;  // valid for roots
};

template <typename SourceSets>
std::vector<uint32_t> GreedyOneToOne(uint32_t n, const std::vector<Candidate>& ordered,
                                     SourceSets sets) {
  DisjointSets ds(n);
  for (const Candidate& c : ordered) {
    const uint32_t ra = ds.Find(c.a);
    const uint32_t rb = ds.Find(c.b);
    // Same root: already in one cluster, nothing to add. Otherwise the merged
    // cluster must not hold two records of one source.
    if (ra == rb || !sets.Disjoint(ra, rb)) continue;
    const uint32_t root = ds.LinkRoots(ra, rb);
    sets.MergeInto(root, root == ra ? rb : ra);
  }
  return ds.Labels();
}

bool IsLink(const ScoredPair& p, uint32_t n, double threshold) {
  return p.probability >= threshold && p.a < n && p.b < n;
}

}  // namespace

std::vector<uint32_t> ConnectedComponents(uint32_t n, std::span<const ScoredPair> pairs,
                                          double threshold) {
  DisjointSets ds(n);
  for (const ScoredPair& p : pairs) {
    if (!IsLink(p, n, threshold)) continue;
    const uint32_t ra = ds.Find(p.a);
    const uint32_t rb = ds.Find(p.b);
    if (ra != rb) ds.LinkRoots(ra, rb);
  }
  return ds.Labels();
}

std::vector<uint32_t> OneToOneComponents(uint32_t n, std::span<const ScoredPair> pairs,
                                         double threshold, std::span<const uint16_t> source_of) {
  if (source_of.size() < n) n = static_cast<uint32_t>(source_of.size());  // defensive
  std::vector<Candidate> ordered;
  size_t links = 0;
  for (const ScoredPair& p : pairs) links += IsLink(p, n, threshold) ? 1 : 0;
  ordered.reserve(links);
  for (const ScoredPair& p : pairs) {
    if (!IsLink(p, n, threshold)) continue;
    const double w = std::isnan(p.weight) ? -std::numeric_limits<double>::infinity() : p.weight;
    ordered.push_back({w, std::min(p.a, p.b), std::max(p.a, p.b)});
  }
  std::sort(ordered.begin(), ordered.end(), [](const Candidate& x, const Candidate& y) {
    if (x.weight != y.weight) return x.weight > y.weight;
    if (x.a != y.a) return x.a < y.a;
    return x.b < y.b;
  });
  const std::span<const uint16_t> sources = source_of.first(n);
  const uint16_t max_source =
      sources.empty() ? 0 : *std::max_element(sources.begin(), sources.end());
  if (max_source < 64) return GreedyOneToOne(n, ordered, MaskSourceSets(sources));
  return GreedyOneToOne(n, ordered, VectorSourceSets(sources));
}

uint64_t ClusterIdOf(std::string_view source, std::string_view id) {
  std::string buffer(source);
  buffer.push_back('\x1f');
  buffer.append(id);
  return XXH3_64bits(buffer.data(), buffer.size()) & 0x7fffffffffffffffULL;
}

std::vector<uint64_t> StableClusterIds(
    std::span<const uint32_t> component,
    std::function<std::pair<std::string_view, std::string_view>(uint32_t)> key_of) {
  if (component.empty()) return {};
  const uint32_t count = *std::max_element(component.begin(), component.end()) + 1;
  using Key = std::pair<std::string_view, std::string_view>;
  std::vector<Key> smallest(count);
  std::vector<bool> seen(count, false);
  for (uint32_t r = 0; r < component.size(); ++r) {
    const uint32_t c = component[r];
    Key key = key_of(r);
    if (!seen[c] || key < smallest[c]) {
      smallest[c] = key;
      seen[c] = true;
    }
  }
  std::vector<uint64_t> id_of_component(count, 0);
  for (uint32_t c = 0; c < count; ++c) {
    if (!seen[c]) continue;  // a gap in the numbering: no member, no id
    id_of_component[c] = ClusterIdOf(smallest[c].first, smallest[c].second);
  }
  std::vector<uint64_t> ids(component.size());
  for (size_t r = 0; r < component.size(); ++r) ids[r] = id_of_component[component[r]];
  return ids;
}

}  // namespace probity
