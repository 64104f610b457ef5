#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/record.h"
#include "engine/record_text.h"
#include "engine/rejects_writer.h"
#include "fmt/format.h"
#include "tools/commands.h"
#include "tools/store_access.h"

namespace probity {

int RunExportCommand(const ExportArgs& args) {
  absl::StatusOr<OpenedStore> opened = OpenExistingStore(args.db, /*read_only=*/true);
  if (!opened.ok()) return ReportFailure(opened.status());
  storage::Store& store = *opened->store;
  const SourceSettings* source = opened->settings.FindSource(args.source);
  absl::StatusOr<uint16_t> code = store.SourceCode(args.source, /*create=*/false);
  if (source == nullptr || !code.ok()) {
    return ReportFailure(absl::NotFoundError(
        fmt::format("{}: no source \"{}\" in this store", args.db, args.source)));
  }
  std::FILE* out = stdout;
  if (!args.out.empty()) {
    out = OpenPrivateFile(args.out);
    if (out == nullptr) {
      return ReportFailure(absl::PermissionDeniedError(
          fmt::format("{}: cannot write: {}", args.out, std::strerror(errno))));
    }
  }
  std::string line = "id";
  std::vector<uint8_t> custom_index;
  uint8_t next_custom = 0;
  for (const FieldMapping& mapping : source->fields) {
    custom_index.push_back(mapping.kind == FieldKind::kCustom ? next_custom++ : 0);
    line += "," + mapping.name;
    for (const std::string& derived : DerivedColumnNames(mapping)) line += "," + derived;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out);

  Record record;
  absl::Status decode_status;
  absl::Status status = store.ForEachRecord(*code, [&](const storage::StoredRecord& stored) {
    decode_status = DecodeRecord(stored.payload, &record);
    if (!decode_status.ok()) return false;
    line.clear();
    AppendCsvField(stored.id, &line);
    for (size_t m = 0; m < source->fields.size(); ++m) {
      std::string joined;
      for (const std::string& v : FieldValuesAsText(record, source->fields[m], custom_index[m])) {
        if (!joined.empty()) joined += ';';
        joined += v;
      }
      line += ',';
      AppendCsvField(joined, &line);
      for (const std::string& derived : DerivedValuesAsText(record, source->fields[m])) {
        line += ',';
        AppendCsvField(derived, &line);
      }
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out);
    return true;
  });
  const bool write_failed = std::fflush(out) != 0 || std::ferror(out) != 0;
  if (out != stdout) std::fclose(out);
  if (!status.ok()) return ReportFailure(status);
  if (!decode_status.ok()) return ReportFailure(decode_status);
  if (write_failed) {
    return ReportFailure(absl::DataLossError(
        fmt::format("{}: write failed", args.out.empty() ? "stdout" : args.out)));
  }
  return 0;
}

}  // namespace probity
