// Streaming RFC 4180 CSV reader.
//
// Reads a delimited text file row by row in constant memory (a fixed-size
// buffer that grows only to hold the longest single row). Accepts quoted fields
// holding delimiters, doubled quotes and line breaks; CRLF or LF line ends; a
// UTF-8 byte-order mark; a missing final newline.
//
// Rows that cannot be used are not dropped: Next() returns them with `error`
// set and `raw` holding the row's bytes so the caller can write a rejects file.
//
// Parsing rules beyond RFC 4180:
//  - A field is quoted only if its first character (after leading spaces and
//    tabs when trim_unquoted is set) is '"'. A quote inside an unquoted field is
//    literal text: `ab"c` reads as `ab"c`.
//  - Text between a closing quote and the next delimiter or line end is
//    tolerated and appended literally (`"ab"cd` reads as `abcd`); with
//    trim_unquoted, spaces and tabs after the closing quote are dropped.
//  - A line end is LF or CRLF; a CR just before the end of input is dropped too.
//    Other CRs are data.
//  - Blank lines (empty, or only spaces/tabs that are not the delimiter) are
//    skipped but counted in line numbers.
//  - Trimming never removes the delimiter itself (a tab-separated file keeps
//    its empty fields).
//
// Error rows (row->error set, row->line = the row's first line):
//  - "unterminated quoted field": a quote opened and never closed before the
//    end of input. Only the row's first physical line is reported (in `raw`) and
//    reading resumes on the next line, so one stray quote does not swallow the
//    rest of the file.
//  - "row longer than N bytes": the row exceeds max_row_bytes. `raw` holds at
//    most its first 1 KiB. If the row's end was not found within the limit (e.g.
//    a huge quoted field), reading resumes after the first line end following
//    the row's start; otherwise after the row.
//  - "NUL byte" / "invalid UTF-8" (when validate_utf8 is set): checked on `raw`.
//  - "field P (NAME) longer than N bytes": a field exceeds max_field_bytes (no
//    name, phone number or address is that long; such a value would only slow
//    every comparison). `raw` holds at most the row's first 1 KiB.
//  - "expected N fields, found M": checked last.
// For the first two, `fields` is empty; for the others it holds the parsed
// fields, which callers should not use.
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
  // A field longer than this many bytes (after unquoting) makes its row an error.
  size_t max_field_bytes = 64u << 10;
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
  // file if it cannot be opened, is empty, or its header is unusable:
  //   NotFound etc. "FILE: cannot open: No such file or directory"
  //   InvalidArgument "FILE: empty file (no header row)" (also: only blank lines)
  //   InvalidArgument "FILE: line L: not a text file (NUL byte)"
  //   InvalidArgument "FILE: line L: header is not valid UTF-8" (if validate_utf8)
  //   InvalidArgument "FILE: line L: empty column name at position P" (1-based)
  //   InvalidArgument "FILE: line L: duplicate column name 'X' at positions P and Q"
  //   InvalidArgument "FILE: line L: unterminated quoted field in the header row"
  // A delimiter of '"', CR or LF is refused.
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
  enum class ParseResult { kRow, kNeedMore, kUnterminated };

  CsvReader() = default;
  absl::Status ReadHeader();
  char DetectDelimiter();
  bool Fill();  // appends more input to buf_; false at end of input
  // Reads more input after a row ran past the buffer's end. False if the row
  // is already longer than max_row_bytes.
  bool Grow();
  // Reads the next non-blank row; checks structure and length but not
  // encoding or field count. False at end of input or on a read error.
  bool ReadRow(CsvRow* row);
  // Slow path for rows holding a quote: parses [row, row + avail) into spans_.
  ParseResult ParseQuoted(const char* row, size_t avail, size_t* content_len, size_t* consumed);
  // Reports the row at pos_ as `message` with raw = its first physical line
  // (at most `raw_limit` bytes), and resumes after that line.
  void EmitBrokenRow(CsvRow* row, const char* message, size_t raw_limit);
  void Advance(size_t bytes, uint64_t lines) {
    pos_ += bytes;
    bytes_consumed_ += bytes;
    line_ += lines;
  }
  // Spaces and tabs, except the delimiter.
  bool IsSpace(char c) const {
    return (c == ' ' && space_is_blank_) || (c == '\t' && tab_is_blank_);
  }

  std::string name_;
  CsvOptions options_;
  char delimiter_ = ',';
  bool trim_ = true;             // trim unquoted fields (forced on for the header)
  bool space_is_blank_ = true;
  bool tab_is_blank_ = true;
  std::string oversized_message_;
  std::FILE* file_ = nullptr;
  std::string buf_;       // input bytes; [pos_, end_) not yet consumed
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  std::string unescaped_; // storage for fields that needed unescaping
  // Slow-path scratch: (offset, length) per field; the offset is relative to the
  // row start, or to unescaped_ when its top bit is set.
  std::vector<std::pair<size_t, size_t>> spans_;
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
