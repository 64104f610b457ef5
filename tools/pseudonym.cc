#include "tools/pseudonym.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <vector>
#include <cstring>
#include <cstdio>

#include "absl/status/status.h"
#include "engine/csv_reader.h"
#include "engine/rejects_writer.h"
#include "tools/commands.h"
#include "fmt/format.h"

namespace probity {
namespace {

constexpr size_t kMinKeyBytes = 16;
constexpr size_t kPseudonymBytes = 16;  // 128 bits: no collisions at any real scale

}  // namespace

absl::StatusOr<Pseudonymiser> Pseudonymiser::FromKeyFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::NotFoundError(fmt::format("{}: cannot read the pseudonym key: {}", path,
                                           std::strerror(errno)));
  }
  std::string key;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && key.size() < (size_t{1} << 20)) {
    key.append(buf, n);
  }
  std::fclose(f);
  if (!key.empty() && key.back() == '\n') key.pop_back();
  if (!key.empty() && key.back() == '\r') key.pop_back();
  if (key.size() < kMinKeyBytes) {
    return absl::InvalidArgumentError(fmt::format(
        "{}: pseudonym key too short ({} bytes; at least {}, e.g. head -c 32 /dev/urandom | "
        "base64 > {})",
        path, key.size(), kMinKeyBytes, path));
  }
  return Pseudonymiser(std::move(key));
}

std::string Pseudonymiser::Hash(std::string_view message) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
       &digest_size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * kPseudonymBytes);
  for (size_t i = 0; i < kPseudonymBytes && i < digest_size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

std::string Pseudonymiser::Record(std::string_view source, std::string_view id) const {
  // Domain-separated and length-prefixed, so no (source, id) pair and no
  // cluster id hash the same message.
  std::string message = fmt::format("record:{}:", source.size());
  message.append(source);
  message.push_back(':');
  message.append(id);
  return Hash(message);
}

std::string Pseudonymiser::Cluster(uint64_t cluster_id) const {
  return Hash(fmt::format("cluster:{}", cluster_id));
}

OutputIds Pseudonymiser::ForOutputs() const {
  OutputIds ids;
  ids.record = [this](std::string_view source, std::string_view id) { return Record(source, id); };
  ids.cluster = [this](uint64_t cluster_id) { return Cluster(cluster_id); };
  return ids;
}

namespace {

// One column to pseudonymise and where its records' source comes from.
struct IdColumn {
  size_t column = 0;
  bool is_cluster = false;
  std::string source;               // fixed source name, or
  size_t source_column = SIZE_MAX;  // the column holding it
};

absl::StatusOr<std::vector<IdColumn>> FindIdColumns(const PseudonymiseArgs& args,
                                                    const std::vector<std::string>& header) {
  const auto find = [&header](std::string_view name) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    return header.size();
  };
  const auto missing = [&args](std::string_view name) {
    return absl::InvalidArgumentError(
        fmt::format("{}: no column \"{}\" in the header", args.input, name));
  };
  std::vector<IdColumn> columns;
  if (!args.column.empty()) {
    IdColumn c;
    c.column = find(args.column);
    if (c.column == header.size()) return missing(args.column);
    if (args.source.empty() == args.source_column.empty()) {
      return absl::InvalidArgumentError(
          "pseudonymise --column needs exactly one of --source NAME and --source-column COLUMN");
    }
    c.source = args.source;
    if (!args.source_column.empty()) {
      c.source_column = find(args.source_column);
      if (c.source_column == header.size()) return missing(args.source_column);
    }
    columns.push_back(c);
    return columns;
  }
  if (find("id_l") < header.size() && find("id_r") < header.size()) {  // pairs.csv
    for (const auto& [id, source] : {std::pair{"id_l", "source_l"}, std::pair{"id_r", "source_r"}}) {
      IdColumn c;
      c.column = find(id);
      c.source_column = find(source);
      if (c.source_column == header.size()) return missing(source);
      columns.push_back(c);
    }
    return columns;
  }
  if (find("record_id") < header.size() && find("cluster_id") < header.size()) {  // clusters.csv
    IdColumn record;
    record.column = find("record_id");
    record.source_column = find("source");
    if (record.source_column == header.size()) return missing("source");
    IdColumn cluster;
    cluster.column = find("cluster_id");
    cluster.is_cluster = true;
    columns.push_back(record);
    columns.push_back(cluster);
    return columns;
  }
  return absl::InvalidArgumentError(fmt::format(
      "{}: not a probity pairs.csv or clusters.csv; name the id column with --column", args.input));
}

}  // namespace

absl::Status PseudonymiseCsv(const PseudonymiseArgs& args) {
  absl::StatusOr<Pseudonymiser> pseudonymiser = Pseudonymiser::FromKeyFile(args.key_file);
  if (!pseudonymiser.ok()) return pseudonymiser.status();
  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::Open(args.input, CsvOptions{});
  if (!reader.ok()) return reader.status();
  const std::vector<std::string>& header = (*reader)->header();
  absl::StatusOr<std::vector<IdColumn>> id_columns = FindIdColumns(args, header);
  if (!id_columns.ok()) return id_columns.status();
  std::vector<const IdColumn*> column_spec(header.size(), nullptr);
  for (const IdColumn& c : *id_columns) column_spec[c.column] = &c;

  std::FILE* out = OpenPrivateFile(args.out);
  if (out == nullptr) {
    return absl::PermissionDeniedError(
        fmt::format("{}: cannot write: {}", args.out, std::strerror(errno)));
  }
  std::string buffer;
  for (size_t i = 0; i < header.size(); ++i) {
    if (i > 0) buffer.push_back(',');
    AppendCsvField(header[i], &buffer);
  }
  buffer.push_back('\n');
  CsvRow row;
  absl::Status status;
  bool write_failed = false;
  while ((*reader)->Next(&row)) {
    if (!row.error.empty()) {
      // A row that cannot be parsed cannot be pseudonymised: refuse rather than
      // copy personal data through or drop the row silently.
      status = absl::InvalidArgumentError(
          fmt::format("{}: line {}: {}", args.input, row.line, row.error));
      break;
    }
    for (size_t i = 0; i < row.fields.size(); ++i) {
      if (i > 0) buffer.push_back(',');
      const IdColumn* spec = column_spec[i];
      const std::string_view value = row.fields[i];
      if (spec == nullptr || value.empty()) {
        AppendCsvField(value, &buffer);
      } else if (spec->is_cluster) {
        uint64_t cluster_id = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), cluster_id);
        if (ec != std::errc() || end != value.data() + value.size()) {
          status = absl::InvalidArgumentError(fmt::format(
              "{}: line {}: cluster_id is not a number", args.input, row.line));
          break;
        }
        buffer += pseudonymiser->Cluster(cluster_id);
      } else {
        const std::string_view source =
            spec->source_column != SIZE_MAX ? row.fields[spec->source_column] : spec->source;
        buffer += pseudonymiser->Record(source, value);
      }
    }
    if (!status.ok()) break;
    buffer.push_back('\n');
    if (buffer.size() > (1 << 20)) {
      write_failed |= std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size();
      buffer.clear();
    }
  }
  if (status.ok()) status = (*reader)->status();
  write_failed |= std::fwrite(buffer.data(), 1, buffer.size(), out) != buffer.size();
  write_failed |= std::fflush(out) != 0;
  std::fclose(out);
  if (status.ok() && write_failed) {
    status = absl::DataLossError(fmt::format("{}: write failed: {}", args.out, std::strerror(errno)));
  }
  if (!status.ok()) std::remove(args.out.c_str());  // never leave a half-pseudonymised copy
  return status;
}

int RunPseudonymiseCommand(const std::string& key_file, const std::string& input,
                           const std::string& out, const std::string& column,
                           const std::string& source, const std::string& source_column) {
  PseudonymiseArgs args{key_file, input, out, column, source, source_column};
  if (absl::Status s = PseudonymiseCsv(args); !s.ok()) return ReportFailure(s);
  std::printf("pseudonymised copy written to %s\n", out.c_str());
  return 0;
}

}  // namespace probity
