// Ingestion: CSV files -> normalised records -> the store, in bulk.
//
// Every input is opened and its header checked against the settings before
// anything is written. Rows that cannot be used (malformed CSV, invalid UTF-8,
// empty or duplicate id) go to the rejects file; every other row is stored.
// Reading, normalising and writing overlap: rows are normalised in batches on
// all cores while the calling thread reads and writes.
#ifndef PROBITY_ENGINE_INGEST_H_
#define PROBITY_ENGINE_INGEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/blocking.h"
#include "engine/record_builder.h"
#include "engine/settings.h"
#include "storage/store.h"

namespace probity {

struct IngestInput {
  std::string source;  // a source named in the settings
  std::string path;    // its CSV file
};

// Parses "NAME=FILE" as given on the command line.
absl::StatusOr<IngestInput> ParseInputSpec(std::string_view spec);

struct IngestOptions {
  std::string rejects_path = "rejects.csv";
  bool show_progress = false;  // progress on stderr, only when it is a terminal
  int threads = 0;             // normalising threads; 0 = one per core
  // Memory for records waiting to be written to the store (see
  // storage::Store::BulkWriterOptions); 0 = the store's default.
  size_t memory_bytes = 0;
};

struct SourceIngestReport {
  std::string source;
  std::string file;
  uint64_t rows = 0;      // data rows read
  uint64_t stored = 0;
  uint64_t rejected = 0;
  std::vector<FieldQuality> quality;  // per field mapping, in settings order
  double seconds = 0;
};

struct IngestReport {
  std::vector<SourceIngestReport> sources;
  uint64_t rejected = 0;
  std::string rejects_path;  // empty if nothing was rejected
  double seconds = 0;
};

// Ingests `inputs` into `store`. Saves the settings and per-source quality
// counts in the store's meta. Fails before writing if a source is unknown, a
// file cannot be read or a header lacks a mapped column.
absl::StatusOr<IngestReport> Ingest(storage::Store& store, const Settings& settings,
                                    const std::vector<IngestInput>& inputs,
                                    const IngestOptions& options);

// The index entries and payload the store keeps for a record.
storage::StoredRecord MakeStoredRecord(uint16_t source_code, const Record& record,
                                       const std::vector<BlockingRule>& rules);
// The same into `out`, reusing its storage (no allocation once warmed up).
void MakeStoredRecord(uint16_t source_code, const Record& record,
                      const std::vector<BlockingRule>& rules, storage::StoredRecord* out);

}  // namespace probity

#endif  // PROBITY_ENGINE_INGEST_H_
