// Fuzzes CsvReader over in-memory input.
//
// Byte 0 picks the options: bits 0-2 the delimiter (0 and 7: detect; 1-5: ','
// tab '|' ';' space; 6: byte 1 of the input, which is then skipped), bit 3
// trim_unquoted, bit 4 validate_utf8, bit 5 a tiny max_row_bytes. The rest is
// the file.
//
// Besides structural checks on every row, the usable rows are written back out
// with every field quoted and read again: the same header and rows must come
// back.
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/csv_reader.h"
#include "fuzz/harnesses.h"

namespace probity::fuzz {
namespace csv_reader_fuzz {

using Rows = std::vector<std::vector<std::string>>;

// Reads everything, checking each row; returns the usable rows.
Rows ReadAll(CsvReader& reader, const CsvOptions& options, size_t input_size) {
  Rows good;
  CsvRow row;
  uint64_t last_line = 0;
  uint64_t last_bytes = reader.bytes_read();
  size_t rows = 0;
  const size_t raw_cap = std::max<size_t>(options.max_row_bytes, 1024);
  while (reader.Next(&row)) {
    // Every row consumes at least one byte, so this bounds the loop.
    PROBITY_FUZZ_CHECK(++rows <= input_size);
    PROBITY_FUZZ_CHECK(row.line > last_line);
    last_line = row.line;
    PROBITY_FUZZ_CHECK(reader.bytes_read() > last_bytes);
    PROBITY_FUZZ_CHECK(reader.bytes_read() <= reader.total_bytes());
    last_bytes = reader.bytes_read();
    PROBITY_FUZZ_CHECK(row.raw.size() <= raw_cap);
    if (!row.error.empty()) continue;
    PROBITY_FUZZ_CHECK(row.fields.size() == reader.header().size());
    PROBITY_FUZZ_CHECK(row.raw.size() <= options.max_row_bytes);
    if (options.validate_utf8) {
      PROBITY_FUZZ_CHECK(IsValidUtf8(row.raw));
      // Fields end at ASCII bytes, so they are whole characters too (unless a
      // non-ASCII delimiter split one).
      if (static_cast<unsigned char>(reader.delimiter()) < 0x80) {
        for (std::string_view f : row.fields) PROBITY_FUZZ_CHECK(IsValidUtf8(f));
      }
    }
    good.emplace_back(row.fields.begin(), row.fields.end());
  }
  PROBITY_FUZZ_CHECK(reader.status().ok());
  // Everything was consumed.
  PROBITY_FUZZ_CHECK(reader.bytes_read() == reader.total_bytes());
  PROBITY_FUZZ_CHECK(!reader.Next(&row));
  return good;
}

void AppendQuotedRow(const std::vector<std::string>& fields, char delimiter, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(delimiter);
    out->push_back('"');
    for (char c : fields[i]) {
      if (c == '"') out->push_back('"');
      out->push_back(c);
    }
    out->push_back('"');
  }
  out->push_back('\n');
}

}  // namespace csv_reader_fuzz

int CsvReaderOneInput(const uint8_t* data, size_t size) {
  using namespace csv_reader_fuzz;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  size_t skip = 1;
  CsvOptions options;
  static constexpr char kDelimiters[] = {0, ',', '\t', '|', ';', ' '};
  const int choice = mode & 7;
  if (choice == 6) {
    if (size < 2) return 0;
    options.delimiter = static_cast<char>(data[1]);
    skip = 2;
  } else if (choice < 6) {
    options.delimiter = kDelimiters[choice];
  }
  options.trim_unquoted = (mode & 8) != 0;
  options.validate_utf8 = (mode & 16) != 0;
  if ((mode & 32) != 0) options.max_row_bytes = 24;
  const std::string input(reinterpret_cast<const char*>(data + skip), size - skip);

  absl::StatusOr<std::unique_ptr<CsvReader>> reader = CsvReader::FromString(input, options, "fuzz");
  const bool bad_delimiter =
      options.delimiter == '"' || options.delimiter == '\r' || options.delimiter == '\n';
  if (bad_delimiter) PROBITY_FUZZ_CHECK(!reader.ok());
  if (!reader.ok()) return 0;
  CsvReader& r = **reader;
  const char delimiter = r.delimiter();
  PROBITY_FUZZ_CHECK(options.delimiter == 0 ? (delimiter == ',' || delimiter == '\t' ||
                                               delimiter == '|' || delimiter == ';')
                                            : delimiter == options.delimiter);
  const std::vector<std::string> header = r.header();
  PROBITY_FUZZ_CHECK(!header.empty());
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string& h = header[i];
    PROBITY_FUZZ_CHECK(!h.empty());
    PROBITY_FUZZ_CHECK(h.front() != ' ' && h.front() != '\t');
    PROBITY_FUZZ_CHECK(h.back() != ' ' && h.back() != '\t');
    for (size_t j = 0; j < i; ++j) PROBITY_FUZZ_CHECK(header[j] != h);
  }
  const Rows rows = ReadAll(r, options, input.size());

  // Round trip through a fully quoted rewrite. Skipped for a tiny row limit
  // (quoting lengthens rows) and non-ASCII delimiters (splitting inside a
  // multi-byte character leaves fields that are not valid UTF-8 on their own).
  if (options.max_row_bytes != CsvOptions().max_row_bytes ||
      static_cast<unsigned char>(delimiter) >= 0x80) {
    return 0;
  }
  std::string rewritten;
  AppendQuotedRow(header, delimiter, &rewritten);
  for (const std::vector<std::string>& row : rows) AppendQuotedRow(row, delimiter, &rewritten);
  CsvOptions again_options = options;
  again_options.delimiter = delimiter;
  absl::StatusOr<std::unique_ptr<CsvReader>> again =
      CsvReader::FromString(rewritten, again_options, "rewritten");
  PROBITY_FUZZ_CHECK(again.ok());
  PROBITY_FUZZ_CHECK((*again)->header() == header);
  CsvRow row;
  size_t n = 0;
  while ((*again)->Next(&row)) {
    PROBITY_FUZZ_CHECK(row.error.empty());
    PROBITY_FUZZ_CHECK(n < rows.size());
    PROBITY_FUZZ_CHECK(row.fields.size() == rows[n].size());
    for (size_t i = 0; i < row.fields.size(); ++i) PROBITY_FUZZ_CHECK(row.fields[i] == rows[n][i]);
    ++n;
  }
  PROBITY_FUZZ_CHECK(n == rows.size());
  return 0;
}

}  // namespace probity::fuzz

#ifdef PROBITY_FUZZ_MAIN
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return probity::fuzz::CsvReaderOneInput(data, size);
}
#endif
