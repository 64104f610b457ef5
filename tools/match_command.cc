// probity match: who is this record? Ranks the stored records against one
// record given as JSON, through the real-time Engine (engine/probity.h).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/explain.h"
#include "engine/probity.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "tools/commands.h"
#include "tools/store_access.h"

namespace probity {
namespace {

// The first source of the store's settings. The store admits one opener per
// process, so it is closed again before the Engine opens it.
absl::StatusOr<std::string> FirstSource(const std::string& db) {
  absl::StatusOr<OpenedStore> opened = OpenExistingStore(db, /*read_only=*/true);
  if (!opened.ok()) return opened.status();
  if (opened->settings.sources.empty()) {
    return absl::FailedPreconditionError(fmt::format("{}: the settings name no source", db));
  }
  return opened->settings.sources.front().name;
}

nlohmann::ordered_json ExplanationJson(const Explanation& x) {
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();
  for (const ExplanationStep& s : x.steps) {
    nlohmann::ordered_json step;
    step["comparison"] = s.comparison;
    step["level"] = s.level;
    step["m"] = s.m;
    step["u"] = s.u;
    step["weight"] = s.weight;
    step["tf_adjustment"] = s.tf_adjustment;
    step["left_values"] = s.left_values;
    step["right_values"] = s.right_values;
    steps.push_back(std::move(step));
  }
  nlohmann::ordered_json out;
  out["prior_weight"] = x.prior_weight;
  out["steps"] = std::move(steps);
  out["total_weight"] = x.total_weight;
  out["probability"] = x.probability;
  return out;
}

// Cluster ids are 64-bit: written as decimal strings (as in clusters.csv) so
// JSON readers that hold numbers as doubles do not round them.
nlohmann::ordered_json ClusterJson(const std::optional<uint64_t>& cluster) {
  if (!cluster.has_value()) return nullptr;
  return std::to_string(*cluster);
}

}  // namespace

int RunMatchCommand(const MatchArgs& args) {
  absl::StatusOr<InputRecord> record = InputRecordFromJson(args.record);
  if (!record.ok()) return ReportFailure(record.status());
  std::error_code ec;
  if (!std::filesystem::is_directory(args.db, ec)) {
    return ReportFailure(absl::NotFoundError(fmt::format("{}: no such store", args.db)));
  }
  if (record->source.empty()) {
    absl::StatusOr<std::string> source = FirstSource(args.db);
    if (!source.ok()) return ReportFailure(source.status());
    record->source = *std::move(source);
  }
  EngineOptions options;
  options.in_memory = false;  // one look-up: reading the store's index beats loading it all
  options.cache_bytes = size_t{512} << 20;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(args.db, options);
  if (!engine.ok()) return ReportFailure(engine.status());
  absl::StatusOr<std::vector<Candidate>> candidates = (*engine)->Match(*record, args.k);
  if (!candidates.ok()) return ReportFailure(candidates.status());

  if (args.json) {
    nlohmann::ordered_json out;
    out["source"] = record->source;
    out["threshold"] = (*engine)->threshold();
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (size_t i = 0; i < candidates->size(); ++i) {
      const Candidate& c = (*candidates)[i];
      nlohmann::ordered_json item;
      item["rank"] = i + 1;
      item["source"] = c.source;
      item["id"] = c.id;
      item["match_weight"] = c.match_weight;
      item["match_probability"] = c.match_probability;
      item["cluster_id"] = ClusterJson(c.cluster_id);
      item["explanation"] = ExplanationJson(c.explanation);
      list.push_back(std::move(item));
    }
    out["candidates"] = std::move(list);
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }

  if (candidates->empty()) {
    std::printf("no candidates for this %s record\n", record->source.c_str());
    return 0;
  }
  std::printf("%zu candidate%s for this %s record (links from probability %g)\n",
              candidates->size(), candidates->size() == 1 ? "" : "s", record->source.c_str(),
              (*engine)->threshold());
  for (size_t i = 0; i < candidates->size(); ++i) {
    const Candidate& c = (*candidates)[i];
    const std::string cluster = c.cluster_id.has_value() ? std::to_string(*c.cluster_id) : "none";
    std::printf("\n#%zu  %s:%s  weight %+.2f  probability %.6f  cluster %s\n", i + 1,
                c.source.c_str(), c.id.c_str(), c.match_weight, c.match_probability,
                cluster.c_str());
    std::fputs(FormatExplanation(c.explanation).c_str(), stdout);
  }
  return 0;
}

}  // namespace probity
