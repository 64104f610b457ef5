#include "engine/ingest.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <chrono>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "engine/batch_pipeline.h"
#include "engine/csv_reader.h"
#include "engine/id_set.h"
#include "engine/rejects_writer.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"

namespace probity {
namespace {

constexpr size_t kBatchRows = 4096;

// Rows copied out of the reader so a worker can normalise them later.
struct RowBatch {
  std::string bytes;
  std::vector<uint32_t> offsets;  // field boundaries; row r has fields_per_row fields
  size_t fields_per_row = 0;
  size_t rows = 0;

  // Empties the batch, keeping its buffers.
  void Reset(size_t fields) {
    bytes.clear();
    offsets.clear();
    fields_per_row = fields;
    rows = 0;
  }
  void Add(const std::vector<std::string_view>& fields) {
    // One resize per row, not one append per field.
    size_t total = 0;
    for (std::string_view f : fields) total += f.size();
    size_t at = bytes.size();
    bytes.resize(at + total);
    const size_t first = offsets.size();
    offsets.resize(first + fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      offsets[first + i] = static_cast<uint32_t>(at);
      std::memcpy(bytes.data() + at, fields[i].data(), fields[i].size());
      at += fields[i].size();
    }
    ++rows;
  }
  // Takes back the last Add.
  void RemoveLast() {
    --rows;
    bytes.resize(offsets[rows * fields_per_row]);
    offsets.resize(rows * fields_per_row);
  }
  void Row(size_t r, std::vector<std::string_view>* fields) const {
    fields->clear();
    for (size_t f = 0; f < fields_per_row; ++f) {
      const size_t i = r * fields_per_row + f;
      const size_t begin = offsets[i];
      const size_t end = i + 1 < offsets.size() ? offsets[i + 1] : bytes.size();
      fields->emplace_back(bytes.data() + begin, end - begin);
    }
  }
};

// Records encoded for the store's bulk writer on a normalising thread, so the
// writer's thread only copies them into its run. Reused batch after batch.
struct NormalisedBatch {
  storage::Store::BulkBatch records;
  std::vector<FieldQuality> quality;
  // Scratch, kept to save allocations.
  std::vector<std::string_view> fields;
  std::vector<std::string_view> next_fields;  // the next row's, read a row ahead
  std::vector<FieldQuality> row_quality;
  Record record;
  storage::StoredRecord stored;
};

void NormaliseBatch(const RowBatch& batch, const RecordBuilder& builder, uint16_t source_code,
                    const std::vector<BlockingRule>& rules, NormalisedBatch* out) {
  // Each worker keeps its own names for the whole load (BatchPipeline's
  // threads live as long as it does).
  thread_local NameCache names;
  out->records.Clear();
  out->quality.assign(builder.source().fields.size(), FieldQuality{});
  if (batch.rows > 0) batch.Row(0, &out->next_fields);
  for (size_t r = 0; r < batch.rows; ++r) {
    out->fields.swap(out->next_fields);
    if (r + 1 < batch.rows) {
      batch.Row(r + 1, &out->next_fields);
      builder.PrefetchNames(out->next_fields, names);
    }
    out->row_quality.assign(out->quality.size(), FieldQuality{});
    builder.Build(out->fields, &out->record, &out->row_quality, &names);
    for (size_t m = 0; m < out->quality.size(); ++m) out->quality[m].Add(out->row_quality[m]);
    MakeStoredRecord(source_code, out->record, rules, &out->stored);
    out->records.Add(out->stored);
  }
}

// Progress line on a terminal, at most a few times a second.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO) == 1) {}
  void Update(const std::string& file, uint64_t rows, uint64_t bytes, uint64_t total) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    const double percent = total > 0 ? 100.0 * static_cast<double>(bytes) / static_cast<double>(total) : 0;
    std::fprintf(stderr, "\r  %s: %3.0f%%  %llu rows", file.c_str(), percent,
                 static_cast<unsigned long long>(rows));
    shown_ = true;
  }
  void Done() {
    if (shown_) std::fputs("\r\033[K", stderr);
    shown_ = false;
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json QualityJson(const SourceSettings& source, const std::vector<FieldQuality>& quality) {
  nlohmann::json fields = nlohmann::json::object();
  for (size_t m = 0; m < quality.size() && m < source.fields.size(); ++m) {
    fields[source.fields[m].name] = {{"present", quality[m].present},
                                     {"missing", quality[m].missing},
                                     {"invalid", quality[m].invalid},
                                     {"bad_check", quality[m].bad_check}};
  }
  return fields;
}

}  // namespace

absl::StatusOr<IngestInput> ParseInputSpec(std::string_view spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size()) {
    return absl::InvalidArgumentError(
        fmt::format("--input {}: expected NAME=FILE.csv, NAME a source of the settings", spec));
  }
  return IngestInput{std::string(spec.substr(0, eq)), std::string(spec.substr(eq + 1))};
}

storage::StoredRecord MakeStoredRecord(uint16_t source_code, const Record& record,
                                       const std::vector<BlockingRule>& rules) {
  storage::StoredRecord stored;
  MakeStoredRecord(source_code, record, rules, &stored);
  return stored;
}

void MakeStoredRecord(uint16_t source_code, const Record& record,
                      const std::vector<BlockingRule>& rules, storage::StoredRecord* out) {
  out->source = source_code;
  out->id = record.id;
  out->payload.clear();
  EncodeRecordTo(record, &out->payload);
  out->block_keys.clear();
  AppendBlockKeys(rules, record, &out->block_keys);
  out->tf_terms.clear();
  AppendTfTerms(record, &out->tf_terms);
}

absl::StatusOr<IngestReport> Ingest(storage::Store& store, const Settings& settings,
                                    const std::vector<IngestInput>& inputs,
                                    const IngestOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  // Check everything before writing anything.
  struct Opened {
    const SourceSettings* source;
    std::unique_ptr<CsvReader> reader;
    std::optional<RecordBuilder> builder;
  };
  std::vector<Opened> opened;
  for (const IngestInput& input : inputs) {
    const SourceSettings* source = settings.FindSource(input.source);
    if (source == nullptr) {
      std::string known;
      for (const SourceSettings& s : settings.sources) known += (known.empty() ? "" : ", ") + s.name;
      return absl::InvalidArgumentError(fmt::format(
          "--input {}={}: source \"{}\" is not in {} (sources: {})", input.source, input.path,
          input.source, settings.file, known));
    }
    CsvOptions csv_options;
    csv_options.delimiter = source->delimiter;
    csv_options.trim_unquoted = source->trim_spaces;
    absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(input.path, csv_options);
    if (!reader.ok()) return reader.status();
    absl::StatusOr<RecordBuilder> builder =
        RecordBuilder::Create(settings, *source, (*reader)->header(), input.path);
    if (!builder.ok()) return builder.status();
    opened.push_back(Opened{source, *std::move(reader), *std::move(builder)});
  }

  absl::StatusOr<std::vector<BlockingRule>> rules_or = BlockingRulesFromSettings(settings);
  if (!rules_or.ok()) return rules_or.status();
  const std::vector<BlockingRule>& rules = *rules_or;
  if (absl::Status s = store.PutMeta("settings", settings.raw_json); !s.ok()) return s;
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  IngestReport report;
  RejectsWriter rejects(options.rejects_path);
  Progress progress(options.show_progress);
  absl::flat_hash_map<std::string, IdSet> seen_ids;
  storage::Store::BulkWriterOptions writer_options;
  if (options.memory_bytes > 0) writer_options.memory_bytes = options.memory_bytes;
  writer_options.unique_keys = true;  // seen_ids rejects a repeated id of a source
  std::unique_ptr<storage::Store::BulkWriter> writer = store.NewBulkWriter(writer_options);

  for (Opened& input : opened) {
    const auto source_start = std::chrono::steady_clock::now();
    const SourceSettings& source = *input.source;
    CsvReader& reader = *input.reader;
    const RecordBuilder& builder = *input.builder;
    absl::StatusOr<uint16_t> code = store.SourceCode(source.name, /*create=*/true);
    if (!code.ok()) return code.status();
    IdSet& seen = seen_ids[source.name];

    SourceIngestReport source_report;
    source_report.source = source.name;
    source_report.file = reader.name();
    source_report.quality.resize(source.fields.size());

    // Rows are normalised on `threads` workers; the results go to the bulk
    // writer on the pipeline's consuming thread, in file order, while this
    // thread reads on.
    BatchPipeline<RowBatch, NormalisedBatch> pipeline(
        static_cast<size_t>(threads), static_cast<size_t>(threads) + 2,
        [&builder, code = *code, &rules](const RowBatch& rows, NormalisedBatch* out) {
          NormaliseBatch(rows, builder, code, rules, out);
        },
        [&](const NormalisedBatch& done) {
          for (size_t m = 0; m < done.quality.size(); ++m) {
            source_report.quality[m].Add(done.quality[m]);
          }
          absl::Status added = writer->Add(done.records);
          if (added.ok()) source_report.stored += done.records.size();
          return added;
        });
    const size_t fields_per_row = reader.header().size();
    RowBatch* batch = pipeline.Acquire();
    if (batch != nullptr) batch->Reset(fields_per_row);
    CsvRow row;
    absl::Status reject_status;
    auto reject = [&](std::string_view reason) {
      ++source_report.rejected;
      if (reject_status.ok()) reject_status = rejects.Add(source.name, row.line, reason, row.raw);
    };
    while (batch != nullptr && reader.Next(&row)) {
      ++source_report.rows;
      if (!row.error.empty()) {
        reject(row.error);
        continue;
      }
      const std::string_view id = row.fields[builder.id_column()];
      if (id.empty()) {
        reject("empty id");
        continue;
      }
      // The id's slot loads while the row is copied.
      const uint64_t id_hash = IdSet::Hash(id);
      seen.Prefetch(id_hash);
      batch->Add(row.fields);
      if (!seen.Insert(id, id_hash)) {
        batch->RemoveLast();
        reject(fmt::format("duplicate id (column \"{}\")", source.id_column));
        continue;
      }
      if (batch->rows == kBatchRows) {
        if (!pipeline.Submit(batch)) {  // the writer failed: Close says why
          batch = nullptr;
          break;
        }
        batch = pipeline.Acquire();
        if (batch != nullptr) batch->Reset(fields_per_row);
      }
      if ((source_report.rows & 1023) == 0) {
        progress.Update(reader.name(), source_report.rows, reader.bytes_read(), reader.total_bytes());
      }
    }
    if (batch != nullptr && batch->rows > 0) pipeline.Submit(batch);
    const absl::Status write_status = pipeline.Close();
    progress.Done();
    if (!write_status.ok()) return write_status;
    if (!reader.status().ok()) return reader.status();
    if (!reject_status.ok()) return reject_status;

    source_report.seconds = SecondsSince(source_start);
    report.rejected += source_report.rejected;
    report.sources.push_back(std::move(source_report));
  }
  if (absl::Status s = writer->Finish(); !s.ok()) return s;
  // Quality counts go in only once the records they describe are durable.
  for (size_t i = 0; i < report.sources.size(); ++i) {
    const SourceIngestReport& r = report.sources[i];
    nlohmann::json meta = {{"file", r.file},
                           {"rows", r.rows},
                           {"stored", r.stored},
                           {"rejected", r.rejected},
                           {"fields", QualityJson(*opened[i].source, r.quality)}};
    if (absl::Status s = store.PutMeta("ingest/" + r.source, meta.dump()); !s.ok()) return s;
  }
  if (absl::Status s = rejects.Close(); !s.ok()) return s;
  if (rejects.count() > 0) report.rejects_path = rejects.path();
  report.seconds = SecondsSince(start);
  return report;
}

}  // namespace probity
