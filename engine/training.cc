#include "engine/training.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "fmt/format.h"

namespace probity {
namespace {

constexpr double kMinProbability = 1e-9;

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint32_t Below(uint64_t* state, uint32_t n) {
  return static_cast<uint32_t>(((SplitMix(state) >> 32) * n) >> 32);
}

std::vector<std::vector<double>> Normalise(const std::vector<std::vector<double>>& counts,
                                           double pseudo) {
  std::vector<std::vector<double>> p(counts.size());
  for (size_t c = 0; c < counts.size(); ++c) {
    p[c].assign(counts[c].size(), 1.0);
    double total = 0;
    for (size_t l = 1; l < counts[c].size(); ++l) total += counts[c][l] + pseudo;
    for (size_t l = 1; l < counts[c].size(); ++l) {
      p[c][l] = total > 0 ? std::max((counts[c][l] + pseudo) / total, kMinProbability)
                          : 1.0 / static_cast<double>(counts[c].size() - 1);
    }
  }
  return p;
}

// Starting m: most matches agree exactly, fewer at each weaker level.
std::vector<std::vector<double>> InitialM(const std::vector<size_t>& levels) {
  std::vector<std::vector<double>> m(levels.size());
  for (size_t c = 0; c < levels.size(); ++c) {
    m[c].assign(levels[c], 1.0);
    double total = 0;
    for (size_t l = 1; l < levels[c]; ++l) {
      m[c][l] = std::pow(0.2, static_cast<double>(l - 1));
      total += m[c][l];
    }
    for (size_t l = 1; l < levels[c]; ++l) m[c][l] /= total;
  }
  return m;
}

}  // namespace

double MaxPlausibleMatches(const LinkData& data, LinkType link_type) {
  std::vector<double> per_source;
  for (uint32_t r = 0; r < data.size(); ++r) {
    if (data.source(r) >= per_source.size()) per_source.resize(data.source(r) + 1u, 0);
    per_source[data.source(r)] += 1;
  }
  std::vector<double> nonempty;
  for (double n : per_source) {
    if (n > 0) nonempty.push_back(n);
  }
  if (link_type == LinkType::kLinkOnly && nonempty.size() >= 2) {
    // With one record per person in each source (aliases are values of one
    // record), each record of the smaller source has at most one match in
    // each other source.
    std::sort(nonempty.begin(), nonempty.end());
    double bound = 0;
    for (size_t s = 0; s + 1 < nonempty.size(); ++s) bound += nonempty[s];
    return bound;
  }
  return TotalPairs(data, link_type);
}

double TotalPairs(const LinkData& data, LinkType link_type) {
  std::vector<double> per_source;
  for (uint32_t r = 0; r < data.size(); ++r) {
    if (data.source(r) >= per_source.size()) per_source.resize(data.source(r) + 1u, 0);
    per_source[data.source(r)] += 1;
  }
  double within = 0, across = 0, n = 0;
  for (size_t s = 0; s < per_source.size(); ++s) {
    within += per_source[s] * (per_source[s] - 1) / 2;
    for (size_t t = s + 1; t < per_source.size(); ++t) across += per_source[s] * per_source[t];
    n += per_source[s];
  }
  switch (link_type) {
    case LinkType::kLinkOnly: return across;
    case LinkType::kDedupeOnly: return within;
    case LinkType::kLinkAndDedupe: return n * (n - 1) / 2;
  }
  return across;
}

std::vector<std::vector<double>> EstimateU(const LinkData& data,
                                           const std::vector<ComparisonSpec>& specs,
                                           LinkType link_type, uint64_t pairs, uint64_t seed,
                                           int threads, uint64_t* sampled) {
  std::vector<std::vector<double>> counts(specs.size());
  for (size_t c = 0; c < specs.size(); ++c) counts[c].assign(specs[c].levels(), 0);
  *sampled = 0;
  const uint32_t n = data.size();
  if (n < 2) return Normalise(counts, 0.5);
  // Records per source, for drawing pairs of different (or the same) sources.
  std::vector<std::vector<uint32_t>> by_source;
  for (uint32_t r = 0; r < n; ++r) {
    if (data.source(r) >= by_source.size()) by_source.resize(data.source(r) + 1u);
    by_source[data.source(r)].push_back(r);
  }
  std::vector<uint32_t> nonempty;
  for (uint32_t s = 0; s < by_source.size(); ++s) {
    if (!by_source[s].empty()) nonempty.push_back(s);
  }
  if (link_type == LinkType::kLinkOnly && nonempty.size() < 2) return Normalise(counts, 0.5);
  pairs = std::min<uint64_t>(pairs, static_cast<uint64_t>(std::max(1.0, TotalPairs(data, link_type))));

  constexpr uint64_t kChunk = 1 << 16;
  const uint64_t chunks = (pairs + kChunk - 1) / kChunk;
  std::atomic<uint64_t> next{0};
  std::mutex merge;
  std::atomic<uint64_t> total{0};
  auto work = [&] {
    std::vector<std::vector<double>> local(specs.size());
    for (size_t c = 0; c < specs.size(); ++c) local[c].assign(specs[c].levels(), 0);
    Gamma gamma;
    uint64_t done = 0;
    while (true) {
      const uint64_t chunk = next.fetch_add(1);
      if (chunk >= chunks) break;
      uint64_t state = seed * 0x9e3779b97f4a7c15ull + chunk;  // per chunk: thread-count independent
      const uint64_t count = std::min(kChunk, pairs - chunk * kChunk);
      for (uint64_t i = 0; i < count; ++i) {
        uint32_t a, b;
        if (link_type == LinkType::kLinkOnly) {
          // Two different sources, uniformly: draw the second among the others.
          const uint32_t k = static_cast<uint32_t>(nonempty.size());
          const uint32_t si = Below(&state, k);
          uint32_t ti = Below(&state, k - 1);
          if (ti >= si) ++ti;
          const uint32_t s = nonempty[si], t = nonempty[ti];
          a = by_source[s][Below(&state, static_cast<uint32_t>(by_source[s].size()))];
          b = by_source[t][Below(&state, static_cast<uint32_t>(by_source[t].size()))];
        } else if (link_type == LinkType::kDedupeOnly) {
          const uint32_t s = nonempty[Below(&state, static_cast<uint32_t>(nonempty.size()))];
          if (by_source[s].size() < 2) continue;
          a = by_source[s][Below(&state, static_cast<uint32_t>(by_source[s].size()))];
          b = by_source[s][Below(&state, static_cast<uint32_t>(by_source[s].size()))];
        } else {
          a = Below(&state, n);
          b = Below(&state, n);
        }
        if (a == b) continue;
        CompareRecords(specs, data, a, b, &gamma);
        for (size_t c = 0; c < specs.size(); ++c) local[c][gamma.level[c]] += 1;
        ++done;
      }
    }
    std::lock_guard<std::mutex> lock(merge);
    for (size_t c = 0; c < specs.size(); ++c) {
      for (size_t l = 0; l < local[c].size(); ++l) counts[c][l] += local[c][l];
    }
    total += done;
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  *sampled = total;
  return Normalise(counts, 0.5);
}

EmResult RunEm(const std::vector<std::pair<uint64_t, uint64_t>>& patterns,
               const std::vector<size_t>& levels, const std::vector<std::vector<double>>& u_init,
               int max_iterations, double tolerance, double max_share, bool fix_u,
               const EmResult* start, const std::vector<std::vector<int8_t>>* anchors) {
  EmResult result;
  const size_t comparisons = levels.size();
  result.m = start != nullptr ? start->m : InitialM(levels);
  result.u = u_init;
  result.match_share = start != nullptr ? start->match_share : std::min(0.1, max_share);
  auto level_of = [](uint64_t pattern, size_t c) {
    return static_cast<size_t>((pattern >> (4 * c)) & 0xf);
  };
  for (int iteration = 1; iteration <= max_iterations; ++iteration) {
    std::vector<std::vector<double>> m_num(comparisons), u_num(comparisons);
    for (size_t c = 0; c < comparisons; ++c) {
      m_num[c].assign(levels[c], 0);
      u_num[c].assign(levels[c], 0);
    }
    double match_total = 0, all_total = 0;
    const double log_p = std::log(result.match_share), log_q = std::log(1 - result.match_share);
    for (const auto& [pattern, count] : patterns) {
      double lm = log_p, lu = log_q;
      for (size_t c = 0; c < comparisons; ++c) {
        const size_t l = level_of(pattern, c);
        if (l == 0) continue;
        lm += std::log(result.m[c][l]);
        lu += std::log(result.u[c][l]);
      }
      double w = 1.0 / (1.0 + std::exp(lu - lm));
      if (anchors != nullptr) {
        // Identifier evidence decides the pair outright: two different valid
        // ids is a non-match, the same id a match.
        int8_t decided = 0;
        for (size_t c = 0; c < comparisons && decided >= 0; ++c) {
          const int8_t a = (*anchors)[c][level_of(pattern, c)];
          if (a != 0) decided = a;
        }
        if (decided > 0) w = 1.0;
        if (decided < 0) w = 0.0;
      }
      const double n = static_cast<double>(count);
      match_total += w * n;
      all_total += n;
      for (size_t c = 0; c < comparisons; ++c) {
        const size_t l = level_of(pattern, c);
        m_num[c][l] += w * n;
        u_num[c][l] += (1 - w) * n;
      }
    }
    if (all_total == 0) break;
    const auto new_m = Normalise(m_num, 1e-6);
    const auto new_u = fix_u ? result.u : Normalise(u_num, 1e-6);
    // The share may not exceed what the data allows (a link job cannot have
    // more matches than the smaller source has records): held there, EM must
    // find the matches among the most similar pairs instead of letting a
    // looser class (namesakes, households) pass for them.
    const double new_share = std::clamp(match_total / all_total, 1e-9, std::min(max_share, 1 - 1e-9));
    double change = std::abs(new_share - result.match_share);
    for (size_t c = 0; c < comparisons; ++c) {
      for (size_t l = 1; l < levels[c]; ++l) {
        change = std::max({change, std::abs(new_m[c][l] - result.m[c][l]),
                           std::abs(new_u[c][l] - result.u[c][l])});
      }
    }
    result.m = new_m;
    result.u = new_u;
    result.match_share = new_share;
    result.iterations = iteration;
    result.changes.push_back(change);
    if (change < tolerance) {
      result.converged = true;
      break;
    }
  }
  // The "match" class must be the one that agrees more; otherwise EM swapped them.
  double agreement_gap = 0;
  for (size_t c = 0; c < comparisons; ++c) agreement_gap += result.m[c][1] - result.u[c][1];
  if (!fix_u && agreement_gap < 0) {
    std::swap(result.m, result.u);
    result.match_share = 1 - result.match_share;
    result.warnings.push_back("EM classes came out swapped and were exchanged");
  }
  if (!result.converged) {
    result.warnings.push_back(
        fmt::format("EM did not converge in {} iterations", result.iterations));
  }
  if (result.match_share < 1e-6 || result.match_share > 1 - 1e-6) {
    result.warnings.push_back(fmt::format(
        "EM collapsed: share of matches among candidate pairs is {:.3g}", result.match_share));
  }
  return result;
}

absl::StatusOr<FsModel> TrainModel(const LinkData& data, const BlockKeyIndex& keys,
                                   const std::vector<BlockingRule>& rules,
                                   const std::vector<ComparisonSpec>& specs,
                                   const TrainingOptions& options, TrainingReport* report) {
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  const int threads = ResolveThreads(options.candidates.threads);
  if (specs.empty()) return absl::InvalidArgumentError("no comparisons: no field is shared by the sources");

  // 1. u from random pairs.
  const std::vector<std::vector<double>> u =
      EstimateU(data, specs, options.candidates.link_type, options.u_sample_pairs, options.seed,
                threads, &report->u_pairs_sampled);
  log(fmt::format("u estimated from {} random pairs", report->u_pairs_sampled));

  // 2. Comparison patterns of all candidate pairs.
  std::vector<absl::flat_hash_map<uint64_t, uint64_t>> local(static_cast<size_t>(threads));
  report->blocking = ForEachCandidatePair(
      data, keys, rules, options.candidates, [&](int worker, size_t, uint32_t a, uint32_t b) {
        Gamma gamma;
        CompareRecords(specs, data, a, b, &gamma);
        ++local[static_cast<size_t>(worker)][gamma.Pack(specs.size())];
      });
  absl::flat_hash_map<uint64_t, uint64_t> merged;
  for (auto& map : local) {
    for (const auto& [pattern, count] : map) merged[pattern] += count;
  }
  std::vector<std::pair<uint64_t, uint64_t>> patterns(merged.begin(), merged.end());
  std::sort(patterns.begin(), patterns.end());  // deterministic summation order
  log(fmt::format("{} candidate pairs, {} distinct comparison patterns",
                  report->blocking.total_pairs, patterns.size()));

  std::vector<size_t> levels;
  for (const ComparisonSpec& spec : specs) levels.push_back(spec.levels());
  const double max_matches = MaxPlausibleMatches(data, options.candidates.link_type);
  const double max_share =
      report->blocking.total_pairs > 0 ? max_matches / static_cast<double>(report->blocking.total_pairs) : 1.0;
  // First with u held at the random-pair estimate: robust, it cannot mistake
  // a looser class (namesakes, households) for the matches. Then, from there,
  // with a free non-match distribution for candidate pairs, which allows for
  // the agreement blocking forces on non-matches.
  // Identifiers with check letters anchor EM: an exact PNC (CRO, NI number)
  // marks a match, two different valid ones a non-match. On large data this
  // keeps the match class from drifting to namesakes who share a birth date.
  std::vector<std::vector<int8_t>> anchors(specs.size());
  bool anchored = false;
  for (size_t c = 0; c < specs.size(); ++c) {
    anchors[c].assign(specs[c].levels(), 0);
    if (specs[c].kind != ComparisonKind::kIdentifier) continue;
    anchors[c][1] = 1;                        // exact
    anchors[c][specs[c].levels() - 1] = -1;   // mismatch of two valid identifiers
    anchored = true;
  }
  EmResult em = RunEm(patterns, levels, u, options.max_em_iterations, options.em_tolerance,
                      std::min(1.0, max_share), /*fix_u=*/false, nullptr,
                      anchored ? &anchors : nullptr);
  for (size_t i = 0; i < em.changes.size(); ++i) {
    log(fmt::format("EM iteration {}: largest parameter change {:.3g}", i + 1, em.changes[i]));
  }
  report->em_changes = em.changes;
  report->blocked_match_share = em.match_share;

  FsModel model;
  model.em_iterations = em.iterations;
  model.em_converged = em.converged;
  model.warnings = em.warnings;
  for (size_t c = 0; c < specs.size(); ++c) {
    ComparisonModel cm;
    cm.spec = specs[c];
    cm.levels.resize(specs[c].levels());
    for (size_t l = 1; l < specs[c].levels(); ++l) {
      cm.levels[l].m = std::clamp(em.m[c][l], kMinProbability, 1.0);
      cm.levels[l].u = std::clamp(u[c][l], kMinProbability, 1.0);
      if (em.m[c][l] > 0.9999 && specs[c].levels() > 2) {
        model.warnings.push_back(fmt::format("m of {} level {} is stuck at 1", specs[c].name,
                                             specs[c].level_names[l]));
      }
    }
    cm.tf_total = TfTotal(specs[c], data);
    cm.tf_u_exact = cm.tf_total > 0 ? u[c][1] : 0;
    model.comparisons.push_back(std::move(cm));
  }

  // 3. lambda over all pairs.
  report->total_pairs = TotalPairs(data, options.candidates.link_type);
  if (options.fixed_lambda.has_value()) {
    model.lambda = *options.fixed_lambda;
  } else {
    const double total = std::max(report->total_pairs, 1.0);
    double expected = em.match_share * static_cast<double>(report->blocking.total_pairs);
    if (expected > max_matches) {
      model.warnings.push_back(fmt::format(
          "EM expected {:.0f} matches, more than the data allows ({:.0f}); lambda capped", expected,
          max_matches));
      expected = max_matches;
    }
    model.lambda = std::clamp(expected / total, 1.0 / total, 0.5);
  }
  log(fmt::format("lambda {:.4g} (prior match weight {:.2f})", model.lambda, model.PriorWeight()));
  for (const std::string& w : model.warnings) log("warning: " + w);
  return model;
}

absl::StatusOr<FsModel> TrainFromLabels(const LinkData& data,
                                        const std::vector<ComparisonSpec>& specs,
                                        const std::vector<uint32_t>& person_of,
                                        const TrainingOptions& options, TrainingReport* report) {
  if (specs.empty()) return absl::InvalidArgumentError("no comparisons: no field is shared by the sources");
  if (person_of.size() != data.size()) return absl::InvalidArgumentError("labels do not cover the records");
  const LinkType link_type = options.candidates.link_type;
  const std::vector<std::vector<double>> u =
      EstimateU(data, specs, link_type, options.u_sample_pairs, options.seed,
                ResolveThreads(options.candidates.threads), &report->u_pairs_sampled);
  // Group labelled records by person, then compare every matching pair once.
  std::vector<uint32_t> order;
  for (uint32_t r = 0; r < data.size(); ++r) {
    if (person_of[r] != kUnknownPerson) order.push_back(r);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return person_of[x] != person_of[y] ? person_of[x] < person_of[y] : x < y;
  });
  std::vector<std::vector<double>> counts(specs.size());
  for (size_t c = 0; c < specs.size(); ++c) counts[c].assign(specs[c].levels(), 0);
  double matches = 0;
  Gamma gamma;
  for (size_t i = 0; i < order.size();) {
    size_t j = i + 1;
    while (j < order.size() && person_of[order[j]] == person_of[order[i]]) ++j;
    for (size_t x = i; x < j; ++x) {
      for (size_t y = x + 1; y < j; ++y) {
        const bool same_source = data.source(order[x]) == data.source(order[y]);
        if (link_type == LinkType::kLinkOnly && same_source) continue;
        if (link_type == LinkType::kDedupeOnly && !same_source) continue;
        CompareRecords(specs, data, order[x], order[y], &gamma);
        for (size_t c = 0; c < specs.size(); ++c) counts[c][gamma.level[c]] += 1;
        matches += 1;
      }
    }
    i = j;
  }
  if (matches == 0) return absl::InvalidArgumentError("the labels hold no matching pair to learn from");
  const std::vector<std::vector<double>> m = Normalise(counts, 0.5);
  FsModel model;
  model.em_converged = true;  // nothing iterative: m is counted
  for (size_t c = 0; c < specs.size(); ++c) {
    ComparisonModel cm;
    cm.spec = specs[c];
    cm.levels.resize(specs[c].levels());
    for (size_t l = 1; l < specs[c].levels(); ++l) {
      cm.levels[l].m = std::clamp(m[c][l], kMinProbability, 1.0);
      cm.levels[l].u = std::clamp(u[c][l], kMinProbability, 1.0);
    }
    cm.tf_total = TfTotal(specs[c], data);
    cm.tf_u_exact = cm.tf_total > 0 ? u[c][1] : 0;
    model.comparisons.push_back(std::move(cm));
  }
  report->total_pairs = TotalPairs(data, link_type);
  model.lambda = options.fixed_lambda.value_or(
      std::clamp(matches / std::max(report->total_pairs, 1.0), 1e-12, 0.5));
  return model;
}

}  // namespace probity
