// probity-service: an ingestion service over the real-time Engine
// (engine/probity.h), speaking JSON lines.
//
//   probity-service --db DIR [--threshold P]
//
// Each line of stdin is one request; each request gets exactly one line on
// stdout, flushed at once, carrying the request's line number:
//   {"op": "assign", "record": {...}}          match, cluster and store
//   {"op": "match", "record": {...}, "k": 5}   rank stored records (k: 10)
//   {"op": "upsert", "record": {...}}          store without clustering
//   {"op": "remove", "source": S, "id": I}     remove a stored record
//   {"op": "cluster", "source": S, "id": I}    the cluster of a stored record
// A record is what InputRecordFromJson reads; its "source" defaults to the
// settings' first source. A bad request is answered with {"line": N,
// "error": "..."} and the service carries on; blank lines are skipped. Cluster
// ids are decimal strings (64-bit values would be rounded by readers that hold
// JSON numbers as doubles). Ends at end of input with status 0; fails to
// start (status 1, one line on stderr) without a store or a trained model.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/probity.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "tools/store_access.h"

namespace probity {
namespace {

using Json = nlohmann::ordered_json;

constexpr char kUsage[] = "usage: probity-service --db DIR [--threshold P]";

int Fail(std::string_view message) {
  std::fprintf(stderr, "probity-service: %.*s\n", static_cast<int>(message.size()),
               message.data());
  return 1;
}
int Fail(const absl::Status& status) { return Fail(std::string(status.message())); }

Json ClusterJson(const std::optional<uint64_t>& cluster) {
  if (!cluster.has_value()) return nullptr;
  return std::to_string(*cluster);
}

Json CandidateJson(const Candidate& c) {
  Json out;
  out["source"] = c.source;
  out["id"] = c.id;
  out["match_weight"] = c.match_weight;
  out["match_probability"] = c.match_probability;
  out["cluster_id"] = ClusterJson(c.cluster_id);
  return out;
}

class Service {
 public:
  Service(std::unique_ptr<Engine> engine, std::string default_source)
      : engine_(std::move(engine)), default_source_(std::move(default_source)) {}

  // The response to one request line.
  Json Handle(const std::string& line, uint64_t line_number) {
    Json response;
    response["line"] = line_number;
    absl::Status status = Dispatch(line, &response);
    if (!status.ok()) {
      Json error;
      error["line"] = line_number;
      error["error"] = std::string(status.message());
      return error;
    }
    return response;
  }

 private:
  absl::Status Dispatch(const std::string& line, Json* response) {
    const nlohmann::json request = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
    if (!request.is_object()) return absl::InvalidArgumentError("not a JSON object");
    const auto op_it = request.find("op");
    if (op_it == request.end() || !op_it->is_string()) {
      return absl::InvalidArgumentError("\"op\" missing or not a string");
    }
    const std::string op = op_it->get<std::string>();
    (*response)["op"] = op;
    if (op == "assign") return Assign(request, response);
    if (op == "match") return Match(request, response);
    if (op == "upsert") return Upsert(request, response);
    if (op == "remove" || op == "cluster") return ByKey(op, request, response);
    return absl::InvalidArgumentError(
        "unknown \"op\" (expected assign, match, upsert, remove or cluster)");
  }

  absl::StatusOr<InputRecord> RecordOf(const nlohmann::json& request) const {
    const auto it = request.find("record");
    if (it == request.end() || !it->is_object()) {
      return absl::InvalidArgumentError("\"record\" missing or not an object");
    }
    absl::StatusOr<InputRecord> record = InputRecordFromJson(it->dump());
    if (!record.ok()) return record.status();
    if (record->source.empty()) record->source = default_source_;
    return record;
  }

  absl::Status Assign(const nlohmann::json& request, Json* response) {
    absl::StatusOr<InputRecord> record = RecordOf(request);
    if (!record.ok()) return record.status();
    absl::StatusOr<Assignment> a = engine_->MatchAndAssign(*record);
    if (!a.ok()) return a.status();
    (*response)["source"] = record->source;
    (*response)["id"] = record->id;
    (*response)["cluster_id"] = std::to_string(a->cluster_id);
    (*response)["new_cluster"] = a->new_cluster;
    Json merged = Json::array();
    for (uint64_t cluster : a->merged_clusters) merged.push_back(std::to_string(cluster));
    (*response)["merged_clusters"] = std::move(merged);
    Json links = Json::array();
    for (const Candidate& c : a->links) links.push_back(CandidateJson(c));
    (*response)["links"] = std::move(links);
    return absl::OkStatus();
  }

  absl::Status Match(const nlohmann::json& request, Json* response) {
    absl::StatusOr<InputRecord> record = RecordOf(request);
    if (!record.ok()) return record.status();
    size_t k = 10;
    if (const auto it = request.find("k"); it != request.end()) {
      if (!it->is_number_unsigned() || it->get<uint64_t>() == 0) {
        return absl::InvalidArgumentError("\"k\" must be a positive integer");
      }
      k = static_cast<size_t>(it->get<uint64_t>());
    }
    absl::StatusOr<std::vector<Candidate>> candidates = engine_->Match(*record, k);
    if (!candidates.ok()) return candidates.status();
    Json list = Json::array();
    for (const Candidate& c : *candidates) list.push_back(CandidateJson(c));
    (*response)["source"] = record->source;
    (*response)["candidates"] = std::move(list);
    return absl::OkStatus();
  }

  absl::Status Upsert(const nlohmann::json& request, Json* response) {
    absl::StatusOr<InputRecord> record = RecordOf(request);
    if (!record.ok()) return record.status();
    if (absl::Status s = engine_->Upsert(*record); !s.ok()) return s;
    (*response)["source"] = record->source;
    (*response)["id"] = record->id;
    (*response)["ok"] = true;
    return absl::OkStatus();
  }

  // remove and cluster: a stored record named by "source" (default: the
  // first source) and "id".
  absl::Status ByKey(const std::string& op, const nlohmann::json& request, Json* response) {
    std::string source = default_source_;
    if (const auto it = request.find("source"); it != request.end()) {
      if (!it->is_string()) return absl::InvalidArgumentError("\"source\" must be a string");
      source = it->get<std::string>();
    }
    const auto id = request.find("id");
    if (id == request.end() || !id->is_string() || id->get<std::string>().empty()) {
      return absl::InvalidArgumentError("\"id\" missing or not a non-empty string");
    }
    (*response)["source"] = source;
    (*response)["id"] = id->get<std::string>();
    if (op == "remove") {
      if (absl::Status s = engine_->Remove(source, id->get<std::string>()); !s.ok()) return s;
      (*response)["ok"] = true;
      return absl::OkStatus();
    }
    absl::StatusOr<std::optional<uint64_t>> cluster =
        engine_->ClusterOf(source, id->get<std::string>());
    if (!cluster.ok()) return cluster.status();
    (*response)["cluster_id"] = ClusterJson(*cluster);
    return absl::OkStatus();
  }

  std::unique_ptr<Engine> engine_;
  std::string default_source_;
};

int Main(int argc, char** argv) {
  std::string db;
  EngineOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("%s\nReads JSON-line requests on stdin, writes one JSON line per request.\n",
                  kUsage);
      return 0;
    }
    if ((arg == "--db" || arg == "--threshold") && i + 1 == argc) {
      return Fail(fmt::format("{} needs a value; {}", arg, kUsage));
    }
    if (arg == "--db") {
      db = argv[++i];
    } else if (arg == "--threshold") {
      const std::string value = argv[++i];
      char* end = nullptr;
      const double p = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !(p >= 0 && p <= 1)) {
        return Fail("--threshold: expected a probability between 0 and 1");
      }
      options.threshold = p;
    } else {
      return Fail(fmt::format("unknown argument \"{}\"; {}", arg, kUsage));
    }
  }
  if (db.empty()) return Fail(fmt::format("--db is required; {}", kUsage));

  // The store admits one opener per process: read the settings, close, then
  // hand the store to the Engine.
  std::string default_source;
  {
    absl::StatusOr<OpenedStore> opened = OpenExistingStore(db, /*read_only=*/true);
    if (!opened.ok()) return Fail(opened.status());
    if (!opened->settings.sources.empty()) default_source = opened->settings.sources.front().name;
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(db, options);
  if (!engine.ok()) return Fail(engine.status());
  Service service(*std::move(engine), default_source);

  std::ios::sync_with_stdio(false);
  std::string line;
  uint64_t line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string out = service.Handle(line, line_number)
                                .dump(-1, ' ', false, Json::error_handler_t::replace) +
                            "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace
}  // namespace probity

int main(int argc, char** argv) {
  ::umask(077);  // the store's files hold personal data: private to the user
  return probity::Main(argc, argv);
}
