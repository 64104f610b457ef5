// The Engine of engine/probity.h: per-record matching over the store's block
// index, with the stored model and an in-memory copy of the term counts.
#include <algorithm>
#include <mutex>
#include <shared_mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "engine/blocking.h"
#include "engine/clustering.h"
#include "engine/comparison.h"
#include "engine/fs_model.h"
#include "engine/ingest.h"
#include "engine/link_data.h"
#include "engine/probity.h"
#include "engine/record_mirror.h"
#include "engine/record_builder.h"
#include "engine/settings.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "storage/store.h"

namespace probity {
namespace {

constexpr std::string_view kValueSeparator = "\x1f";

struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
  }
};
struct ViewEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
using TermCounts = absl::flat_hash_map<std::string, int64_t, ViewHash, ViewEq>;

// Everything about one source the engine needs to normalise its records.
struct SourceInfo {
  std::string name;
  uint16_t index = 0;  // position in the settings
  uint16_t code = 0;   // store code
  SourceSettings as_input;  // the mapping rewritten to read InputRecord fields
  std::vector<std::string> header;
  // Header positions of fields mapped to the id column (police "pnc" read from
  // pnc_id): batch ingestion fills them from the id, so they default to it.
  std::vector<size_t> id_fields;
  std::optional<RecordBuilder> builder;
};

class RealtimeEngine final : public Engine {
 public:
  absl::Status Init(const std::string& dir, const EngineOptions& options);

  absl::Status Upsert(const InputRecord& record) override;
  absl::Status Remove(const std::string& source, const std::string& id) override;
  absl::StatusOr<std::vector<Candidate>> Match(const InputRecord& record, size_t k) const override;
  absl::StatusOr<Assignment> MatchAndAssign(const InputRecord& record) override;
  absl::StatusOr<std::optional<uint64_t>> ClusterOf(const std::string& source,
                                                    const std::string& id) const override;
  double threshold() const override { return threshold_; }

 private:
  struct Scored {
    uint16_t source_index;
    std::string id;
    double weight;
    uint32_t data_index;
  };
  absl::StatusOr<const SourceInfo*> FindSource(const std::string& name) const;
  absl::StatusOr<Record> Normalise(const SourceInfo& source, const InputRecord& input) const;
  // Scores `query` against its candidates. With `as_stored`, term counts are
  // taken as they will be once the query is stored (replacing `previous`).
  absl::Status Score(const SourceInfo& source, const Record& query, bool as_stored,
                     const std::optional<storage::StoredRecord>& previous, LinkData* data,
                     std::vector<Scored>* scored) const;
  Candidate MakeCandidate(const LinkData& data, const Scored& s,
                          std::optional<uint64_t> cluster) const;
  // The clusters of the first `count` scored records, in one read.
  absl::StatusOr<std::vector<std::optional<uint64_t>>> ClustersOf(const std::vector<Scored>& scored,
                                                                  size_t count) const;
  void ApplyTerms(const std::vector<storage::TfTerm>& terms, int64_t delta);
  // Applies a stored write to the mirror, if there is one.
  void MirrorPut(const storage::StoredRecord& stored,
                 const std::optional<storage::StoredRecord>& previous) {
    if (mirror_ == nullptr) return;
    static const std::vector<storage::BlockKey> kNone;
    mirror_->Put(stored, previous.has_value() ? previous->block_keys : kNone);
  }

  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<RecordMirror> mirror_;  // null unless EngineOptions::in_memory
  Settings settings_;
  std::vector<BlockingRule> rules_;
  std::vector<ComparisonSpec> specs_;
  FsModel model_;
  double threshold_ = 0.5;
  size_t max_candidates_ = 2000;
  std::vector<SourceInfo> sources_;
  absl::flat_hash_map<uint16_t, uint16_t> index_of_code_;

  mutable std::shared_mutex terms_mutex_;  // guards terms_
  absl::flat_hash_map<uint8_t, TermCounts> terms_;
  std::mutex write_mutex_;  // serialises Upsert, Remove and MatchAndAssign
};

absl::Status RealtimeEngine::Init(const std::string& dir, const EngineOptions& options) {
  storage::StoreOptions store_options;
  store_options.create_if_missing = !options.settings_json.empty();
  store_options.block_cache_bytes = options.cache_bytes;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(dir, store_options);
  if (!store.ok()) return store.status();
  store_ = *std::move(store);

  absl::StatusOr<std::optional<std::string>> saved = store_->GetMeta("settings");
  if (!saved.ok()) return saved.status();
  std::string settings_text = saved->value_or(options.settings_json);
  if (settings_text.empty()) {
    return absl::FailedPreconditionError(
        fmt::format("{}: the store holds no settings and none were given", dir));
  }
  absl::StatusOr<Settings> settings =
      Settings::Parse(settings_text, saved->has_value() ? dir + " (saved settings)" : "settings");
  if (!settings.ok()) return settings.status();
  settings_ = *std::move(settings);
  if (!saved->has_value()) {
    if (absl::Status s = store_->PutMeta("settings", settings_text); !s.ok()) return s;
  }
  absl::StatusOr<std::vector<BlockingRule>> rules = BlockingRulesFromSettings(settings_);
  if (!rules.ok()) return rules.status();
  rules_ = *std::move(rules);
  // Rules the batch job skipped over its pair budget are skipped here too.
  absl::StatusOr<std::optional<std::string>> skipped = store_->GetMeta("rules_skipped");
  if (!skipped.ok()) return skipped.status();
  if (skipped->has_value()) {
    const nlohmann::json names = nlohmann::json::parse(**skipped, nullptr, false);
    if (names.is_array()) {
      std::erase_if(rules_, [&](const BlockingRule& rule) {
        return std::find(names.begin(), names.end(), rule.name) != names.end();
      });
    }
  }
  absl::StatusOr<std::vector<ComparisonSpec>> specs = ComparisonsFromSettings(settings_);
  if (!specs.ok()) return specs.status();
  specs_ = *std::move(specs);

  std::string model_text = options.model_json;
  if (model_text.empty()) {
    absl::StatusOr<std::optional<std::string>> stored = store_->GetModel("default");
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      return absl::FailedPreconditionError(fmt::format(
          "{}: no trained model (run probity train, or pass EngineOptions.model_json)", dir));
    }
    model_text = **stored;
  }
  absl::StatusOr<FsModel> model = FsModel::FromJson(model_text, specs_);
  if (!model.ok()) return model.status();
  if (!options.model_json.empty()) {
    // A store that had no model keeps the one it was opened with.
    absl::StatusOr<std::optional<std::string>> stored = store_->GetModel("default");
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      if (absl::Status s = store_->PutModel("default", model_text); !s.ok()) return s;
    }
  }
  model_ = *std::move(model);
  threshold_ = options.threshold.value_or(settings_.threshold);
  max_candidates_ = options.max_candidates;

  for (size_t s = 0; s < settings_.sources.size(); ++s) {
    const SourceSettings& source = settings_.sources[s];
    SourceInfo info;
    info.name = source.name;
    info.index = static_cast<uint16_t>(s);
    absl::StatusOr<uint16_t> code = store_->SourceCode(source.name, /*create=*/true);
    if (!code.ok()) return code.status();
    info.code = *code;
    // Input records name fields, not columns, and carry ISO dates.
    info.as_input = source;
    info.as_input.id_column = "\x1fid";
    info.header.push_back(info.as_input.id_column);
    for (FieldMapping& m : info.as_input.fields) {
      if (m.column == source.id_column) info.id_fields.push_back(info.header.size());
      m.column = m.name;
      m.separator.assign(1, '\x1f');  // values of InputRecord fields are joined with it
      if (m.kind == FieldKind::kDob || m.custom_type == CustomType::kDate) {
        m.date_format = DateFormat::kYYYY_MM_DD;
      }
      info.header.push_back(m.column);
    }
    sources_.push_back(std::move(info));
  }
  for (SourceInfo& info : sources_) {
    absl::StatusOr<RecordBuilder> builder =
        RecordBuilder::Create(settings_, info.as_input, info.header, "record");
    if (!builder.ok()) return builder.status();
    info.builder.emplace(*std::move(builder));
    index_of_code_[info.code] = info.index;
  }
  if (options.in_memory) {
    mirror_ = std::make_unique<RecordMirror>();
    if (absl::Status s = mirror_->Load(*store_); !s.ok()) return s;
  }
  for (FieldKind kind : {FieldKind::kSurname, FieldKind::kForename, FieldKind::kDob}) {
    TermCounts& counts = terms_[static_cast<uint8_t>(kind)];
    absl::Status s = store_->ForEachTerm(static_cast<uint8_t>(kind),
                                         [&](std::string_view value, int64_t count) {
                                           counts.emplace(std::string(value), count);
                                           return true;
                                         });
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<const SourceInfo*> RealtimeEngine::FindSource(const std::string& name) const {
  for (const SourceInfo& info : sources_) {
    if (info.name == name) return &info;
  }
  return absl::InvalidArgumentError(fmt::format("source \"{}\" is not in the settings", name));
}

absl::StatusOr<Record> RealtimeEngine::Normalise(const SourceInfo& source,
                                                 const InputRecord& input) const {
  std::vector<std::string> values(source.header.size());
  values[0] = input.id;
  for (const auto& [name, list] : input.fields) {
    const auto it = std::find(source.header.begin() + 1, source.header.end(), name);
    if (it == source.header.end()) {
      return absl::InvalidArgumentError(
          fmt::format("field \"{}\" is not mapped for source \"{}\"", name, source.name));
    }
    std::string& joined = values[static_cast<size_t>(it - source.header.begin())];
    for (const std::string& v : list) {
      if (v.find(kValueSeparator) != std::string::npos) {
        return absl::InvalidArgumentError(fmt::format("field \"{}\": control character", name));
      }
      if (!joined.empty()) joined += kValueSeparator;
      joined += v;
    }
  }
  for (size_t i : source.id_fields) {
    if (values[i].empty()) values[i] = input.id;
  }
  std::vector<std::string_view> fields(values.begin(), values.end());
  Record record;
  std::vector<FieldQuality> quality;
  source.builder->Build(fields, &record, &quality);
  return record;
}

void RealtimeEngine::ApplyTerms(const std::vector<storage::TfTerm>& terms, int64_t delta) {
  std::unique_lock lock(terms_mutex_);
  for (const storage::TfTerm& term : terms) {
    TermCounts& counts = terms_[term.field];
    auto it = counts.find(term.value);
    if (it == counts.end()) {
      if (delta > 0) counts.emplace(term.value, delta);
      continue;
    }
    it->second += delta;
    if (it->second <= 0) counts.erase(it);
  }
}

absl::Status RealtimeEngine::Score(const SourceInfo& source, const Record& query, bool as_stored,
                                   const std::optional<storage::StoredRecord>& previous,
                                   LinkData* data, std::vector<Scored>* scored) const {
  // Candidates: every record sharing a block key with the query.
  std::vector<storage::BlockKey> keys;
  AppendBlockKeys(rules_, query, &keys);
  absl::flat_hash_set<std::pair<uint16_t, std::string>> seen;
  std::vector<std::pair<uint16_t, std::string>> candidates;
  // True when (code, id) is a new candidate of the query.
  const auto admit = [&](uint16_t code, std::string_view id) -> const uint16_t* {
    if (code == source.code && id == query.id) return nullptr;  // not its own candidate
    const auto index = index_of_code_.find(code);
    if (index == index_of_code_.end()) return nullptr;
    const bool same = index->second == source.index;
    if (settings_.link_type == LinkType::kLinkOnly && same) return nullptr;
    if (settings_.link_type == LinkType::kDedupeOnly && !same) return nullptr;
    if (!seen.emplace(code, std::string(id)).second) return nullptr;
    return &index->second;
  };
  data->Add(source.index, query);
  scored->clear();
  Record record;
  if (mirror_ != nullptr) {
    // Index and payloads from memory, in the order the store would give them.
    absl::Status decoded;
    mirror_->ForEachCandidate(keys, [&](uint16_t code, std::string_view id,
                                        std::string_view payload) {
      const uint16_t* index = admit(code, id);
      if (index == nullptr) return true;
      record.id = id;
      decoded = DecodeRecord(payload, &record);
      if (!decoded.ok()) return false;
      scored->push_back(Scored{*index, std::string(id), 0, data->size()});
      data->Add(*index, record);
      return scored->size() < max_candidates_;
    });
    if (!decoded.ok()) return decoded;
  } else {
    absl::Status blocks = store_->ForEachInBlocks(keys, [&](uint16_t code, std::string_view id) {
      if (admit(code, id) != nullptr) candidates.emplace_back(code, std::string(id));
      return candidates.size() < max_candidates_;
    });
    if (!blocks.ok()) return blocks;
  }
  // Without a mirror, the candidates' records come from the store in one read.
  absl::Status read = store_->MultiGetPayloads(
      candidates, [&](size_t i, const std::string_view* payload) -> absl::Status {
        if (payload == nullptr) return absl::OkStatus();  // removed since the index was read
        record.id = candidates[i].second;
        if (absl::Status s = DecodeRecord(*payload, &record); !s.ok()) return s;
        const uint16_t index = index_of_code_.at(candidates[i].first);
        scored->push_back(Scored{index, candidates[i].second, 0, data->size()});
        data->Add(index, record);
        return absl::OkStatus();
      });
  if (!read.ok()) return read;

  // Term counts as batch scoring would see them.
  std::vector<storage::TfTerm> query_terms;
  AppendTfTerms(query, &query_terms);
  std::shared_lock lock(terms_mutex_);
  data->ApplyTermCounts([&](FieldKind field, std::string_view value) -> uint32_t {
    const uint8_t f = static_cast<uint8_t>(field);
    const auto counts = terms_.find(f);
    int64_t count = 0;
    if (counts != terms_.end()) {
      const auto it = counts->second.find(value);
      if (it != counts->second.end()) count = it->second;
    }
    if (as_stored) {
      auto holds = [&](const std::vector<storage::TfTerm>& terms) {
        return std::any_of(terms.begin(), terms.end(), [&](const storage::TfTerm& t) {
          return t.field == f && t.value == value;
        });
      };
      if (previous.has_value() && holds(previous->tf_terms)) --count;
      if (holds(query_terms)) ++count;
    }
    return static_cast<uint32_t>(std::max<int64_t>(count, 0));
  });

  Gamma gamma;
  for (Scored& s : *scored) {
    // Batch scoring compares records in load order; comparisons are symmetric.
    CompareRecords(specs_, *data, 0, s.data_index, &gamma);
    s.weight = model_.Weight(gamma);
  }
  std::sort(scored->begin(), scored->end(), [](const Scored& x, const Scored& y) {
    return x.weight != y.weight ? x.weight > y.weight
                                : std::tie(x.source_index, x.id) < std::tie(y.source_index, y.id);
  });
  return absl::OkStatus();
}

Candidate RealtimeEngine::MakeCandidate(const LinkData& data, const Scored& s,
                                        std::optional<uint64_t> cluster) const {
  Candidate c;
  c.source = sources_[s.source_index].name;
  c.id = s.id;
  c.match_weight = s.weight;
  c.match_probability = WeightToProbability(s.weight);
  c.explanation = ExplainPair(specs_, data, model_, 0, s.data_index);
  c.cluster_id = cluster;
  return c;
}

absl::StatusOr<std::vector<std::optional<uint64_t>>> RealtimeEngine::ClustersOf(
    const std::vector<Scored>& scored, size_t count) const {
  std::vector<std::optional<uint64_t>> clusters;
  if (mirror_ != nullptr) {
    std::vector<std::pair<uint16_t, std::string_view>> keys;
    for (size_t i = 0; i < scored.size() && i < count; ++i) {
      keys.emplace_back(sources_[scored[i].source_index].code, scored[i].id);
    }
    mirror_->GetClusters(keys, &clusters);
    return clusters;
  }
  std::vector<std::pair<uint16_t, std::string>> keys;
  for (size_t i = 0; i < scored.size() && i < count; ++i) {
    keys.emplace_back(sources_[scored[i].source_index].code, scored[i].id);
  }
  if (absl::Status s = store_->GetClusters(keys, &clusters); !s.ok()) return s;
  return clusters;
}

absl::StatusOr<std::vector<Candidate>> RealtimeEngine::Match(const InputRecord& input,
                                                             size_t k) const {
  absl::StatusOr<const SourceInfo*> source = FindSource(input.source);
  if (!source.ok()) return source.status();
  absl::StatusOr<Record> query = Normalise(**source, input);
  if (!query.ok()) return query.status();
  LinkData data;
  std::vector<Scored> scored;
  if (absl::Status s = Score(**source, *query, false, std::nullopt, &data, &scored); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<std::optional<uint64_t>>> clusters = ClustersOf(scored, k);
  if (!clusters.ok()) return clusters.status();
  std::vector<Candidate> out;
  for (size_t i = 0; i < clusters->size(); ++i) {
    out.push_back(MakeCandidate(data, scored[i], (*clusters)[i]));
  }
  return out;
}

absl::Status RealtimeEngine::Upsert(const InputRecord& input) {
  absl::StatusOr<const SourceInfo*> source = FindSource(input.source);
  if (!source.ok()) return source.status();
  if (input.id.empty()) return absl::InvalidArgumentError("a stored record needs an id");
  absl::StatusOr<Record> record = Normalise(**source, input);
  if (!record.ok()) return record.status();
  std::lock_guard<std::mutex> lock(write_mutex_);
  absl::StatusOr<std::optional<storage::StoredRecord>> previous = store_->Get((*source)->code, input.id);
  if (!previous.ok()) return previous.status();
  const storage::StoredRecord stored = MakeStoredRecord((*source)->code, *record, rules_);
  if (absl::Status s = store_->Put(stored); !s.ok()) return s;
  MirrorPut(stored, *previous);
  if (previous->has_value()) ApplyTerms((*previous)->tf_terms, -1);
  ApplyTerms(stored.tf_terms, +1);
  return absl::OkStatus();
}

absl::Status RealtimeEngine::Remove(const std::string& source_name, const std::string& id) {
  absl::StatusOr<const SourceInfo*> source = FindSource(source_name);
  if (!source.ok()) return source.status();
  std::lock_guard<std::mutex> lock(write_mutex_);
  absl::StatusOr<std::optional<storage::StoredRecord>> previous = store_->Get((*source)->code, id);
  if (!previous.ok()) return previous.status();
  if (!previous->has_value()) return absl::OkStatus();
  if (absl::Status s = store_->Delete((*source)->code, id); !s.ok()) return s;
  if (mirror_ != nullptr) mirror_->Remove((*source)->code, id, (*previous)->block_keys);
  ApplyTerms((*previous)->tf_terms, -1);
  return absl::OkStatus();
}

absl::StatusOr<Assignment> RealtimeEngine::MatchAndAssign(const InputRecord& input) {
  absl::StatusOr<const SourceInfo*> source_or = FindSource(input.source);
  if (!source_or.ok()) return source_or.status();
  const SourceInfo& source = **source_or;
  if (input.id.empty()) return absl::InvalidArgumentError("a stored record needs an id");
  absl::StatusOr<Record> record = Normalise(source, input);
  if (!record.ok()) return record.status();

  std::lock_guard<std::mutex> lock(write_mutex_);
  absl::StatusOr<std::optional<storage::StoredRecord>> previous = store_->Get(source.code, input.id);
  if (!previous.ok()) return previous.status();
  LinkData data;
  std::vector<Scored> scored;
  if (absl::Status s = Score(source, *record, true, *previous, &data, &scored); !s.ok()) return s;

  Assignment assignment;
  const double threshold_weight = ProbabilityToWeight(threshold_);
  // The clusters this record joins, and every member of them.
  std::vector<uint64_t> joined;
  std::vector<std::pair<uint16_t, std::string>> loose;
  absl::StatusOr<std::optional<uint64_t>> own = store_->GetCluster(source.code, input.id);
  if (!own.ok()) return own.status();
  if (own->has_value()) joined.push_back(**own);
  size_t linked = 0;
  while (linked < scored.size() && scored[linked].weight >= threshold_weight) ++linked;
  absl::StatusOr<std::vector<std::optional<uint64_t>>> clusters = ClustersOf(scored, linked);
  if (!clusters.ok()) return clusters.status();
  for (size_t i = 0; i < linked; ++i) {
    const Scored& s = scored[i];
    const std::optional<uint64_t> cluster = (*clusters)[i];
    assignment.links.push_back(MakeCandidate(data, s, cluster));
    if (!cluster.has_value()) {
      loose.emplace_back(sources_[s.source_index].code, s.id);  // never clustered: joins alone
    } else if (std::find(joined.begin(), joined.end(), *cluster) == joined.end()) {
      joined.push_back(*cluster);
    }
  }
  std::vector<std::pair<uint16_t, std::string>> members = loose;
  for (uint64_t cluster : joined) {
    absl::Status s = store_->ForEachClusterMember(cluster, [&](uint16_t code, std::string_view id) {
      members.emplace_back(code, std::string(id));
      return true;
    });
    if (!s.ok()) return s;
  }
  members.emplace_back(source.code, input.id);
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  // The cluster id follows its smallest (source name, id) member, as in batch.
  std::pair<std::string_view, std::string_view> smallest{source.name, input.id};
  for (const auto& [code, id] : members) {
    const std::string_view name = sources_[index_of_code_.at(code)].name;
    smallest = std::min(smallest, std::pair<std::string_view, std::string_view>(name, id));
  }
  assignment.cluster_id = ClusterIdOf(smallest.first, smallest.second);
  assignment.new_cluster = assignment.links.empty();
  if (joined.size() + loose.size() > 1) assignment.merged_clusters = joined;

  std::vector<storage::ClusterAssignment> changes;
  for (const auto& [code, id] : members) {
    changes.push_back(storage::ClusterAssignment{code, id, assignment.cluster_id});
  }
  const storage::StoredRecord stored = MakeStoredRecord(source.code, *record, rules_);
  if (absl::Status s = store_->PutWithClusters(stored, changes); !s.ok()) return s;
  MirrorPut(stored, *previous);
  if (mirror_ != nullptr) mirror_->SetClusters(changes);
  if (previous->has_value()) ApplyTerms((*previous)->tf_terms, -1);
  ApplyTerms(stored.tf_terms, +1);
  return assignment;
}

absl::StatusOr<std::optional<uint64_t>> RealtimeEngine::ClusterOf(const std::string& source_name,
                                                                  const std::string& id) const {
  absl::StatusOr<const SourceInfo*> source = FindSource(source_name);
  if (!source.ok()) return source.status();
  return store_->GetCluster((*source)->code, id);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> Engine::Open(const std::string& dir,
                                                     const EngineOptions& options) {
  auto engine = std::make_unique<RealtimeEngine>();
  if (absl::Status s = engine->Init(dir, options); !s.ok()) return s;
  return std::unique_ptr<Engine>(std::move(engine));
}

absl::StatusOr<InputRecord> InputRecordFromJson(std::string_view text) {
  const nlohmann::json root = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!root.is_object()) {
    return absl::InvalidArgumentError("record: expected a JSON object of field names to values");
  }
  InputRecord record;
  for (const auto& item : root.items()) {
    const nlohmann::json& v = item.value();
    if (item.key() == "source" || item.key() == "id") {
      if (!v.is_string()) return absl::InvalidArgumentError("record: \"" + item.key() + "\" must be a string");
      (item.key() == "source" ? record.source : record.id) = v.get<std::string>();
      continue;
    }
    std::vector<std::string> values;
    if (v.is_string()) {
      values.push_back(v.get<std::string>());
    } else if (v.is_array()) {
      for (const nlohmann::json& e : v) {
        if (!e.is_string()) {
          return absl::InvalidArgumentError("record: field \"" + item.key() + "\" must hold strings");
        }
        values.push_back(e.get<std::string>());
      }
    } else if (v.is_null()) {
      continue;
    } else {
      return absl::InvalidArgumentError("record: field \"" + item.key() +
                                        "\" must be a string or an array of strings");
    }
    record.fields.emplace_back(item.key(), std::move(values));
  }
  return record;
}

}  // namespace probity
