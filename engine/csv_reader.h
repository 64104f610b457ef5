// Streaming RFC 4180 CSV reader.
//
// Reads a delimited text file row by row in constant memory (a fixed-size
// buffer that grows only to hold the longest single row). Accepts quoted fields
// holding delimiters, doubled quotes and line breaks; CRLF or LF line ends; a
// UTF-8 byte-order mark; a missing final newline.
//
// Rows that cannot be used are not dropped: Next() returns them with `error`
// set and `raw` holding the row's bytes so the caller can write a rejects file.
#ifndef PROBITY_ENGINE_CSV_READER_H_
#define PROBITY_ENGINE_CSV_READER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace probity {

struct CsvOptions {
  // Field separator. 0 means: detect from the header line, choosing the most
  // frequent of ',', '\t', '|', ';' outside quotes (',' when none appears).
  char delimiter = 0;
  // Trim spaces and tabs around unquoted fields (some exports write ", " between
  // fields). Header names are always trimmed.
  bool trim_unquoted = true;
  // Flag rows holding invalid UTF-8 or NUL bytes as errors.
  bool validate_utf8 = true;
  // A row longer than this many bytes is an error (protects memory).
  size_t max_row_bytes = 64u << 20;
};

// One row. Views are valid until the next call to Next().
struct CsvRow {
  std::vector<std::string_view> fields;
  std::string_view raw;   // the row as it appeared in the file, without its line end
  uint64_t line = 0;      // 1-based line number where the row starts
  std::string error;      // empty if the row is usable
};

class CsvReader {
 public:
  // Opens `path` and reads its header row. Fails with a message naming the
  // file if it cannot be opened, is empty, or its header is unusable.
  static absl::StatusOr<std::unique_ptr<CsvReader>> Open(const std::string& path,
                                                         const CsvOptions& options);
  // Reads from an in-memory buffer (tests, fuzzing). `name` is used in messages.
  static absl::StatusOr<std::unique_ptr<CsvReader>> FromString(std::string data,
                                                               const CsvOptions& options,
                                                               std::string name = "<memory>");
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Trimmed column names from the header row.
  const std::vector<std::string>& header() const { return header_; }
  char delimiter() const { return delimiter_; }
  const std::string& name() const { return name_; }

  // Reads the next data row into `row`. Returns false at end of input (or on a
  // read error, reported by status()). A row whose field count differs from the
  // header, that holds invalid UTF-8, or whose quote is never closed is returned
  // with `row->error` set. Blank lines are skipped.
  bool Next(CsvRow* row);

  // OK unless reading the file failed.
  const absl::Status& status() const { return status_; }
  // Bytes consumed so far (for progress reporting).
  uint64_t bytes_read() const { return bytes_consumed_; }
  // Total size of the input in bytes, if known (0 otherwise).
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  CsvReader() = default;
  absl::Status ReadHeader();
  bool Fill();  // appends more input to buf_; false at end of input

  std::string name_;
  CsvOptions options_;
  char delimiter_ = ',';
  std::FILE* file_ = nullptr;
  std::string buf_;       // input bytes; [pos_, end_) not yet consumed
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  std::string unescaped_; // storage for fields that needed unescaping
  std::vector<std::pair<size_t, size_t>> spans_;  // scratch: field spans
  std::vector<std::string> header_;
  uint64_t line_ = 1;
  uint64_t bytes_consumed_ = 0;
  uint64_t total_bytes_ = 0;
  absl::Status status_;
};

// True if `s` is well-formed UTF-8 with no NUL byte.
bool IsValidUtf8(std::string_view s);

}  // namespace probity

#endif  // PROBITY_ENGINE_CSV_READER_H_
