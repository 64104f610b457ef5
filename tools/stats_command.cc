#include <cstdio>

#include "absl/container/flat_hash_set.h"
#include "engine/record.h"
#include "engine/record_text.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "tools/commands.h"
#include "tools/store_access.h"

namespace probity {
namespace {

struct FieldStats {
  uint64_t missing = 0;
  absl::flat_hash_set<std::string> distinct;
};

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, units[unit]);
}

}  // namespace

int RunStatsCommand(const std::string& db) {
  absl::StatusOr<OpenedStore> opened = OpenExistingStore(db, /*read_only=*/true);
  if (!opened.ok()) return ReportFailure(opened.status());
  storage::Store& store = *opened->store;
  std::printf("store %s: %s on disk\n", db.c_str(), HumanBytes(store.SizeOnDisk()).c_str());
  for (const auto& [name, code] : store.Sources()) {
    const SourceSettings* source = opened->settings.FindSource(name);
    if (source == nullptr) continue;
    std::vector<FieldStats> stats(source->fields.size());
    std::vector<uint8_t> custom_index(source->fields.size(), 0);
    uint8_t next_custom = 0;
    for (size_t m = 0; m < source->fields.size(); ++m) {
      if (source->fields[m].kind == FieldKind::kCustom) custom_index[m] = next_custom++;
    }
    uint64_t records = 0;
    absl::Status decode_status;
    Record record;
    absl::Status status = store.ForEachRecord(code, [&](const storage::StoredRecord& stored) {
      decode_status = DecodeRecord(stored.payload, &record);
      if (!decode_status.ok()) return false;
      ++records;
      for (size_t m = 0; m < source->fields.size(); ++m) {
        std::vector<std::string> values =
            FieldValuesAsText(record, source->fields[m], custom_index[m]);
        if (values.empty()) ++stats[m].missing;
        for (std::string& v : values) stats[m].distinct.insert(std::move(v));
      }
      return true;
    });
    if (!status.ok()) return ReportFailure(status);
    if (!decode_status.ok()) return ReportFailure(decode_status);

    uint64_t rejected = 0;
    nlohmann::json ingest_meta;
    if (auto meta = store.GetMeta("ingest/" + name); meta.ok() && meta->has_value()) {
      ingest_meta = nlohmann::json::parse(**meta, nullptr, false);
      if (ingest_meta.is_object()) rejected = ingest_meta.value("rejected", uint64_t{0});
    }
    std::printf("\nsource %s: %llu records, %llu rows rejected at ingest\n", name.c_str(),
                static_cast<unsigned long long>(records), static_cast<unsigned long long>(rejected));
    std::printf("  %-16s %10s %8s %10s %10s\n", "field", "missing", "missing%", "invalid",
                "distinct");
    for (size_t m = 0; m < source->fields.size(); ++m) {
      const std::string& field = source->fields[m].name;
      uint64_t invalid = 0;
      if (ingest_meta.is_object() && ingest_meta.contains("fields") &&
          ingest_meta["fields"].contains(field)) {
        invalid = ingest_meta["fields"][field].value("invalid", uint64_t{0});
      }
      const double share = records > 0 ? 100.0 * static_cast<double>(stats[m].missing) /
                                             static_cast<double>(records)
                                       : 0.0;
      std::printf("  %-16s %10llu %7.1f%% %10llu %10zu\n", field.c_str(),
                  static_cast<unsigned long long>(stats[m].missing), share,
                  static_cast<unsigned long long>(invalid), stats[m].distinct.size());
    }
  }
  return 0;
}

}  // namespace probity
