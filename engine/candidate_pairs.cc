#include "engine/candidate_pairs.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/container/flat_hash_set.h"

namespace probity {
namespace {

bool Less(const storage::BlockKey& x, const storage::BlockKey& y) {
  return x.rule != y.rule ? x.rule < y.rule : x.hash < y.hash;
}

// Blocks that produced no pairs: whole rules skipped over the budget, and
// oversized blocks. A key in one of them proves nothing about earlier pairs.
struct DroppedBlocks {
  std::vector<uint8_t> rule;                            // by rule id: skipped whole
  std::vector<absl::flat_hash_set<uint64_t>> oversized;  // by rule id
  bool Contains(const storage::BlockKey& key) const {
    return rule[key.rule] != 0 || oversized[key.rule].contains(key.hash);
  }
};

// Do records a and b share a key ordered before `current` (a key of an earlier
// rule, or of the same rule with a smaller hash, as aliases give several) in a
// block that produced pairs? Both key lists are sorted by (rule, hash): one
// merge pass over their prefixes.
bool SharedEarlierKey(std::span<const storage::BlockKey> a, std::span<const storage::BlockKey> b,
                      const storage::BlockKey& current, const DroppedBlocks& dropped) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size() && Less(a[i], current) && Less(b[j], current)) {
    if (a[i] == b[j]) {
      if (!dropped.Contains(a[i])) return true;
      ++i;
      ++j;
    } else if (Less(a[i], b[j])) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

struct Member {
  uint64_t hash;
  uint32_t record;
};

}  // namespace

int ResolveThreads(int threads) {
  return threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void BlockKeyIndex::Add(const std::vector<BlockingRule>& rules, const Record& record) {
  const size_t begin = keys.size();
  AppendBlockKeys(rules, record, &keys);
  std::sort(keys.begin() + static_cast<std::ptrdiff_t>(begin), keys.end(), Less);
  offsets.push_back(static_cast<uint32_t>(keys.size()));
}

BlockingStats ForEachCandidatePair(const LinkData& data, const BlockKeyIndex& keys,
                                   const std::vector<BlockingRule>& rules,
                                   const CandidateOptions& options,
                                   const std::function<void(int, size_t, uint32_t, uint32_t)>& fn) {
  const int threads = ResolveThreads(options.threads);
  BlockingStats stats;
  for (const BlockingRule& rule : rules) stats.rule_names.push_back(rule.name);
  stats.pairs_per_rule.assign(rules.size(), 0);

  std::vector<Member> members;
  std::vector<std::pair<uint32_t, uint32_t>> groups;  // [begin, end) into members
  DroppedBlocks dropped;
  dropped.rule.assign(256, 0);
  dropped.oversized.resize(256);
  for (size_t r = 0; r < rules.size(); ++r) {
    const uint8_t rule_id = rules[r].id;
    members.clear();
    for (uint32_t rec = 0; rec < data.size(); ++rec) {
      for (const storage::BlockKey& key : keys.Of(rec)) {
        if (key.rule == rule_id) members.push_back(Member{key.hash, rec});
      }
    }
    std::sort(members.begin(), members.end(), [](const Member& x, const Member& y) {
      return x.hash != y.hash ? x.hash < y.hash : x.record < y.record;
    });
    groups.clear();
    double rule_pairs = 0;
    OversizedBlock oversized{rules[r].name, 0, 0};
    for (size_t i = 0; i < members.size();) {
      size_t j = i + 1;
      while (j < members.size() && members[j].hash == members[i].hash) ++j;
      if (j - i >= 2) {
        if (j - i > options.max_block_records) {
          ++oversized.blocks;
          oversized.largest = std::max<uint64_t>(oversized.largest, j - i);
          dropped.oversized[rule_id].insert(members[i].hash);
        } else {
          groups.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(j));
          rule_pairs += static_cast<double>(j - i) * static_cast<double>(j - i - 1) / 2;
        }
      }
      i = j;
    }
    const double budget = std::max(options.min_pair_budget,
                                   options.pair_budget_per_record * static_cast<double>(data.size()));
    if (rules[r].optional && rule_pairs > budget) {
      stats.skipped_rules.push_back(rules[r].name);
      dropped.rule[rule_id] = 1;
      continue;
    }
    if (oversized.blocks > 0) stats.oversized.push_back(oversized);
    // Largest groups first so the workers finish together.
    std::sort(groups.begin(), groups.end(), [](const auto& x, const auto& y) {
      return x.second - x.first > y.second - y.first;
    });

    std::atomic<size_t> next{0};
    std::vector<uint64_t> produced(static_cast<size_t>(threads), 0);
    auto work = [&](int worker) {
      uint64_t count = 0;
      while (true) {
        const size_t g = next.fetch_add(1, std::memory_order_relaxed);
        if (g >= groups.size()) break;
        const auto [begin, end] = groups[g];
        for (uint32_t x = begin; x < end; ++x) {
          const uint32_t a = members[x].record;
          for (uint32_t y = x + 1; y < end; ++y) {
            const uint32_t b = members[y].record;
            if (a == b) continue;
            const bool same_source = data.source(a) == data.source(b);
            if (options.link_type == LinkType::kLinkOnly && same_source) continue;
            if (options.link_type == LinkType::kDedupeOnly && !same_source) continue;
            if (SharedEarlierKey(keys.Of(a), keys.Of(b), {rule_id, members[x].hash}, dropped)) continue;
            fn(worker, r, std::min(a, b), std::max(a, b));
            ++count;
          }
        }
      }
      produced[static_cast<size_t>(worker)] = count;
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (std::thread& t : pool) t.join();
    for (uint64_t c : produced) stats.pairs_per_rule[r] += c;
    stats.total_pairs += stats.pairs_per_rule[r];
  }
  return stats;
}

}  // namespace probity
