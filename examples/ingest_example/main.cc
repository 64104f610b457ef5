// ingest_example: an ingestion service's use of the probity library, reduced
// to its core. Opens the Engine over a store and assigns two records of one
// person as they arrive, a probation record and then a police record,
// printing each decision.
//
//   ingest_example STORE
//
// STORE needs a trained model and the sources "probation" and "police", e.g.
//   probity synth --people 2000 --out-dir data
//   probity run --settings data/settings.json --input probation=data/probation.csv \
//       --input police=data/police.csv --out-dir out --db STORE
#include <cstdio>
#include <memory>
#include <string>

#include "engine/probity.h"

namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "ingest_example: %s\n", std::string(status.message()).c_str());
  return 1;
}

void Print(const probity::InputRecord& record, const probity::Assignment& a) {
  std::printf("%s:%s -> cluster %llu", record.source.c_str(), record.id.c_str(),
              static_cast<unsigned long long>(a.cluster_id));
  if (a.new_cluster) std::printf(" (new cluster)");
  for (const probity::Candidate& link : a.links) {
    std::printf(" (linked to %s:%s at probability %.6f)", link.source.c_str(), link.id.c_str(),
                link.match_probability);
  }
  if (!a.merged_clusters.empty()) {
    std::printf(" (merged %zu clusters)", a.merged_clusters.size());
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ingest_example STORE\n");
    return 2;
  }
  absl::StatusOr<std::unique_ptr<probity::Engine>> engine =
      probity::Engine::Open(argv[1], probity::EngineOptions{});
  if (!engine.ok()) return Fail(engine.status());

  const probity::InputRecord records[] = {
      {.source = "probation",
       .id = "EXAMPLE-1",
       .fields = {{"forename", {"Ottilie"}},
                  {"surname", {"Brackenbury"}},
                  {"dob", {"1987-03-14"}},
                  {"postcode", {"YO8 9QT"}}}},
      // The same person in the police extract: a nickname and a typo.
      {.source = "police",
       .id = "EXAMPLE-2",
       .fields = {{"forename", {"OTTILIE", "TILLY"}},
                  {"surname", {"BRACKENBURRY"}},
                  {"dob", {"1987-03-14"}},
                  {"postcode", {"YO8 9QT"}}}},
  };
  for (const probity::InputRecord& record : records) {
    absl::StatusOr<probity::Assignment> assignment = (*engine)->MatchAndAssign(record);
    if (!assignment.ok()) return Fail(assignment.status());
    Print(record, *assignment);
  }
  // Clusters follow their smallest member, so the first record moved along.
  absl::StatusOr<std::optional<uint64_t>> first = (*engine)->ClusterOf("probation", "EXAMPLE-1");
  if (!first.ok()) return Fail(first.status());
  if (first->has_value()) {
    std::printf("probation:EXAMPLE-1 is now in cluster %llu\n",
                static_cast<unsigned long long>(**first));
  }
  return 0;
}
