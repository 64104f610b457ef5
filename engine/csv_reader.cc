#include "engine/csv_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "fmt/format.h"

namespace probity {

namespace {

// Input is read in chunks of this size; the buffer holds one chunk plus the
// unfinished row carried over from the previous one.
constexpr size_t kChunkSize = size_t{1} << 20;
// At most this much of an oversized row is kept for the rejects file.
constexpr size_t kRawPrefix = 1024;
// Marks a span whose offset is into unescaped_ rather than the row.
constexpr size_t kUnescapedBit = size_t{1} << (sizeof(size_t) * 8 - 1);

enum class Utf8Check { kOk, kNul, kInvalid };

inline bool InRange(unsigned char c, unsigned char lo, unsigned char hi) {
  return c >= lo && c <= hi;
}

// Strict UTF-8 (Unicode table 3-7: no overlongs, surrogates or code points
// above U+10FFFF), with NUL reported separately. ASCII runs are skipped eight
// bytes at a time.
Utf8Check CheckUtf8(const char* data, size_t n) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  const auto* s = reinterpret_cast<const unsigned char*>(data);
  size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) {
      uint64_t v;
      std::memcpy(&v, s + i, 8);
      // Any byte with its high bit set, or any zero byte.
      if (((v & kHigh) | ((v - kOnes) & ~v & kHigh)) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = s[i];
    if (c < 0x80) {
      if (c == 0) return Utf8Check::kNul;
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (InRange(c, 0xC2, 0xDF)) {
      len = 2;
    } else if (InRange(c, 0xE0, 0xEF)) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (InRange(c, 0xF0, 0xF4)) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return Utf8Check::kInvalid;
    }
    if (n - i < len) return Utf8Check::kInvalid;
    if (!InRange(s[i + 1], lo, hi)) return Utf8Check::kInvalid;
    for (size_t k = 2; k < len; ++k) {
      if (!InRange(s[i + k], 0x80, 0xBF)) return Utf8Check::kInvalid;
    }
    i += len;
  }
  return Utf8Check::kOk;
}

inline const char* FindByte(const char* p, char c, size_t n) {
  return static_cast<const char*>(std::memchr(p, c, n));
}

uint64_t CountLines(const char* p, size_t n) {
  return static_cast<uint64_t>(std::count(p, p + n, '\n'));
}

}  // namespace

bool IsValidUtf8(std::string_view s) { return CheckUtf8(s.data(), s.size()) == Utf8Check::kOk; }

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path,
                                                           const CsvOptions& options) {
  std::unique_ptr<CsvReader> reader(new CsvReader());
  reader->name_ = path;
  reader->options_ = options;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int err = errno;
    return absl::Status(absl::ErrnoToStatusCode(err),
                        fmt::format("{}: cannot open: {}", path,
                                    std::generic_category().message(err)));
  }
  reader->file_ = file;
  struct stat st;
  if (fstat(fileno(file), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(fmt::format("{}: cannot open: Is a directory", path));
    }
    if (S_ISREG(st.st_mode)) reader->total_bytes_ = static_cast<uint64_t>(st.st_size);
  }
  // We read in large chunks ourselves; stdio buffering would only add a copy.
  std::setvbuf(file, nullptr, _IONBF, 0);
  absl::Status status = reader->ReadHeader();
  if (!status.ok()) return status;
  return reader;
}

absl::StatusOr<std::unique_ptr<CsvReader>> CsvReader::FromString(std::string data,
                                                                 const CsvOptions& options,
                                                                 std::string name) {
  std::unique_ptr<CsvReader> reader(new CsvReader());
  reader->name_ = std::move(name);
  reader->options_ = options;
  reader->buf_ = std::move(data);
  reader->end_ = reader->buf_.size();
  reader->total_bytes_ = reader->buf_.size();
  reader->eof_ = true;
  absl::Status status = reader->ReadHeader();
  if (!status.ok()) return status;
  return reader;
}

CsvReader::~CsvReader() {
  if (file_ != nullptr) std::fclose(file_);
}

bool CsvReader::Fill() {
  if (eof_ || !status_.ok()) return false;
  if (pos_ == end_) {
    pos_ = end_ = 0;
  } else if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (buf_.size() < end_ + kChunkSize) buf_.resize(std::max(end_ + kChunkSize, 2 * kChunkSize));
  const size_t n = std::fread(buf_.data() + end_, 1, kChunkSize, file_);
  end_ += n;
  if (n < kChunkSize) {
    if (std::ferror(file_)) {
      const int err = errno;
      status_ = absl::DataLossError(
          fmt::format("{}: read error: {}", name_, std::generic_category().message(err)));
      return false;
    }
    eof_ = true;
  }
  return n > 0;
}

bool CsvReader::Grow() {
  const size_t avail = end_ - pos_;
  // An unfinished row of `avail` bytes has at least avail - 1 content bytes
  // (the last one may be the CR of a CRLF).
  const size_t limit = options_.max_row_bytes + 2;
  if (avail >= limit) return false;
  // Doubling keeps re-parsing of a long row linear in its length.
  const size_t target = std::min(std::max(2 * avail, avail + 1), limit);
  while (Fill() && end_ - pos_ < target) {
  }
  return true;
}

char CsvReader::DetectDelimiter() {
  static constexpr char kCandidates[] = {',', '\t', '|', ';'};
  size_t counts[4] = {0, 0, 0, 0};
  bool in_quotes = false;
  bool seen_text = false;
  size_t off = 0;  // relative to pos_, so it survives Fill() compacting the buffer
  for (;;) {
    const char* p = buf_.data() + pos_;
    const size_t avail = end_ - pos_;
    bool done = false;
    for (; off < avail; ++off) {
      const char c = p[off];
      if (c == '"') {
        in_quotes = !in_quotes;
        seen_text = true;
      } else if (c == '\0') {
        done = true;  // binary; ReadHeader reports it
        break;
      } else if (!in_quotes) {
        if (c == '\n') {
          if (seen_text) {
            done = true;
            break;
          }
          continue;
        }
        for (int k = 0; k < 4; ++k) {
          if (c == kCandidates[k]) ++counts[k];
        }
        if (c != ' ' && c != '\r') seen_text = true;
      }
    }
    if (done || eof_ || avail >= options_.max_row_bytes + 2) break;
    if (!Fill() && !status_.ok()) break;
  }
  int best = 0;
  for (int k = 1; k < 4; ++k) {
    if (counts[k] > counts[best]) best = k;
  }
  return kCandidates[best];
}

absl::Status CsvReader::ReadHeader() {
  if (options_.delimiter == '"' || options_.delimiter == '\n' || options_.delimiter == '\r') {
    return absl::InvalidArgumentError(
        fmt::format("{}: the delimiter cannot be a quote, CR or LF", name_));
  }
  if (options_.max_row_bytes == 0) {
    return absl::InvalidArgumentError(fmt::format("{}: max_row_bytes must be positive", name_));
  }
  if (pos_ == end_) Fill();
  if (!status_.ok()) return status_;
  if (end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) Advance(3, 0);

  delimiter_ = options_.delimiter != 0 ? options_.delimiter : DetectDelimiter();
  if (!status_.ok()) return status_;
  space_is_blank_ = delimiter_ != ' ';
  tab_is_blank_ = delimiter_ != '\t';
  oversized_message_ = fmt::format("row longer than {} bytes", options_.max_row_bytes);

  // Binary files rarely have an early line end, so look at the whole first
  // line as buffered rather than at the (possibly truncated) header row.
  {
    const char* p = buf_.data() + pos_;
    const size_t avail = end_ - pos_;
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', avail));
    const size_t n = nl != nullptr ? static_cast<size_t>(nl - p) : avail;
    if (std::memchr(p, '\0', n) != nullptr) {
      return absl::InvalidArgumentError(
          fmt::format("{}: line {}: not a text file (NUL byte)", name_, line_));
    }
  }

  CsvRow row;
  trim_ = true;
  const bool got = ReadRow(&row);
  trim_ = options_.trim_unquoted;
  if (!status_.ok()) return status_;
  if (!got) return absl::InvalidArgumentError(fmt::format("{}: empty file (no header row)", name_));

  const uint64_t line = row.line;
  if (std::memchr(row.raw.data(), '\0', row.raw.size()) != nullptr) {
    return absl::InvalidArgumentError(
        fmt::format("{}: line {}: not a text file (NUL byte)", name_, line));
  }
  if (!row.error.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: line {}: {} in the header row", name_, line, row.error));
  }
  if (options_.validate_utf8 && !IsValidUtf8(row.raw)) {
    return absl::InvalidArgumentError(
        fmt::format("{}: line {}: header is not valid UTF-8", name_, line));
  }
  header_.reserve(row.fields.size());
  for (size_t i = 0; i < row.fields.size(); ++i) {
    std::string_view f = row.fields[i];
    while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.remove_prefix(1);
    while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.remove_suffix(1);
    if (f.empty()) {
      return absl::InvalidArgumentError(
          fmt::format("{}: line {}: empty column name at position {}", name_, line, i + 1));
    }
    for (size_t j = 0; j < header_.size(); ++j) {
      if (header_[j] == f) {
        return absl::InvalidArgumentError(
            fmt::format("{}: line {}: duplicate column name '{}' at positions {} and {}", name_,
                        line, f, j + 1, i + 1));
      }
    }
    header_.emplace_back(f);
  }
  return absl::OkStatus();
}

bool CsvReader::Next(CsvRow* row) {
  if (!status_.ok()) return false;
  if (!ReadRow(row)) return false;
  if (!row->error.empty()) return true;
  if (options_.validate_utf8) {
    switch (CheckUtf8(row->raw.data(), row->raw.size())) {
      case Utf8Check::kOk:
        break;
      case Utf8Check::kNul:
        row->error = "NUL byte";
        return true;
      case Utf8Check::kInvalid:
        row->error = "invalid UTF-8";
        return true;
    }
  }
  for (size_t i = 0; i < row->fields.size(); ++i) {
    if (row->fields[i].size() <= options_.max_field_bytes) continue;
    row->error = fmt::format("field {}{} longer than {} bytes", i + 1,
                             i < header_.size() ? " (" + header_[i] + ")" : std::string(),
                             options_.max_field_bytes);
    row->raw = row->raw.substr(0, kRawPrefix);
    return true;
  }
  if (row->fields.size() != header_.size()) {
    row->error = fmt::format("expected {} fields, found {}", header_.size(), row->fields.size());
  }
  return true;
}

bool CsvReader::ReadRow(CsvRow* row) {
  row->error.clear();
  for (;;) {
    if (pos_ == end_) {
      if (!Fill()) return false;
      continue;
    }
    const char* p = buf_.data() + pos_;
    const size_t avail = end_ - pos_;
    const char* nl = FindByte(p, '\n', avail);
    if (nl == nullptr && !eof_) {
      if (!Grow()) {
        EmitBrokenRow(row, oversized_message_.c_str(), kRawPrefix);
        return true;
      }
      if (!status_.ok()) return false;
      continue;
    }
    const char* line_end = nl != nullptr ? nl : p + avail;
    const char* content_end = line_end;
    if (content_end > p && content_end[-1] == '\r') --content_end;
    const size_t len = static_cast<size_t>(content_end - p);

    if (FindByte(p, '"', len) == nullptr) {
      // Fast path: no quote before the line end, so the row is this line.
      const size_t consumed = static_cast<size_t>(line_end - p) + (nl != nullptr ? 1 : 0);
      const uint64_t lines = nl != nullptr ? 1 : 0;
      if (len > options_.max_row_bytes) {
        unescaped_.assign(p, std::min(len, kRawPrefix));
        row->fields.clear();
        row->raw = unescaped_;
        row->line = line_;
        row->error = oversized_message_;
        Advance(consumed, lines);
        return true;
      }
      const char* q = p;
      while (q < content_end && IsSpace(*q)) ++q;
      if (q == content_end) {  // blank line
        Advance(consumed, lines);
        continue;
      }
      row->fields.clear();
      const char* f = p;
      for (;;) {
        const char* d = FindByte(f, delimiter_, static_cast<size_t>(content_end - f));
        const char* s = f;
        const char* e = d != nullptr ? d : content_end;
        if (trim_) {
          while (s < e && IsSpace(*s)) ++s;
          while (e > s && IsSpace(e[-1])) --e;
        }
        row->fields.emplace_back(s, static_cast<size_t>(e - s));
        if (d == nullptr) break;
        f = d + 1;
      }
      row->raw = std::string_view(p, len);
      row->line = line_;
      Advance(consumed, lines);
      return true;
    }

    size_t content_len = 0;
    size_t consumed = 0;
    switch (ParseQuoted(p, avail, &content_len, &consumed)) {
      case ParseResult::kNeedMore:
        if (!Grow()) {
          EmitBrokenRow(row, oversized_message_.c_str(), kRawPrefix);
          return true;
        }
        if (!status_.ok()) return false;
        continue;
      case ParseResult::kUnterminated:
        EmitBrokenRow(row, "unterminated quoted field", options_.max_row_bytes);
        return true;
      case ParseResult::kRow:
        break;
    }
    const uint64_t lines = CountLines(p, consumed);
    row->line = line_;
    if (content_len > options_.max_row_bytes) {
      unescaped_.assign(p, std::min(content_len, kRawPrefix));
      row->fields.clear();
      row->raw = unescaped_;
      row->error = oversized_message_;
      Advance(consumed, lines);
      return true;
    }
    row->fields.clear();
    for (const auto& [off, n] : spans_) {
      const char* base = (off & kUnescapedBit) != 0 ? unescaped_.data() : p;
      row->fields.emplace_back(base + (off & ~kUnescapedBit), n);
    }
    row->raw = std::string_view(p, content_len);
    Advance(consumed, lines);
    return true;
  }
}

CsvReader::ParseResult CsvReader::ParseQuoted(const char* row, size_t avail, size_t* content_len,
                                              size_t* consumed) {
  spans_.clear();
  unescaped_.clear();
  const char delim = delimiter_;
  size_t i = 0;
  for (;;) {
    const size_t field_start = i;
    if (trim_) {
      while (i < avail && IsSpace(row[i])) ++i;
    }
    if (i < avail && row[i] == '"') {
      size_t seg = i + 1;  // start of the quoted text not yet copied
      size_t j = seg;
      bool copied = false;  // true once the value lives in unescaped_
      const size_t ustart = unescaped_.size();
      size_t close;
      for (;;) {
        const char* q = FindByte(row + j, '"', avail - j);
        if (q == nullptr) return eof_ ? ParseResult::kUnterminated : ParseResult::kNeedMore;
        const size_t k = static_cast<size_t>(q - row);
        if (k + 1 < avail && row[k + 1] == '"') {
          unescaped_.append(row + seg, k + 1 - seg);  // keeps one of the two quotes
          copied = true;
          j = seg = k + 2;
          continue;
        }
        close = k;
        break;
      }
      // Text after the closing quote, up to the delimiter or line end. (A quote
      // that is the last buffered byte may be half of a "": running out of
      // input here asks for more, so it is re-read as such.)
      const size_t tail = close + 1;
      i = tail;
      while (i < avail && row[i] != delim && row[i] != '\n') ++i;
      if (i == avail && !eof_) return ParseResult::kNeedMore;
      size_t tail_end = i;
      if ((i == avail || row[i] == '\n') && tail_end > tail && row[tail_end - 1] == '\r') {
        --tail_end;
      }
      if (trim_) {
        while (tail_end > tail && IsSpace(row[tail_end - 1])) --tail_end;
      }
      if (copied || tail_end > tail) {
        unescaped_.append(row + seg, close - seg);
        unescaped_.append(row + tail, tail_end - tail);
        spans_.emplace_back(ustart | kUnescapedBit, unescaped_.size() - ustart);
      } else {
        spans_.emplace_back(seg, close - seg);
      }
    } else {
      const size_t s = trim_ ? i : field_start;
      while (i < avail && row[i] != delim && row[i] != '\n') ++i;
      if (i == avail && !eof_) return ParseResult::kNeedMore;
      size_t e = i;
      if ((i == avail || row[i] == '\n') && e > s && row[e - 1] == '\r') --e;
      if (trim_) {
        while (e > s && IsSpace(row[e - 1])) --e;
      }
      spans_.emplace_back(s, e - s);
    }
    if (i < avail && row[i] == delim) {
      ++i;
      continue;
    }
    // End of row: a line end, or the end of input.
    size_t content = i;
    if (content > 0 && row[content - 1] == '\r') --content;
    *content_len = content;
    *consumed = i < avail ? i + 1 : avail;
    return ParseResult::kRow;
  }
}

void CsvReader::EmitBrokenRow(CsvRow* row, const char* message, size_t raw_limit) {
  const char* p = buf_.data() + pos_;
  const size_t avail = end_ - pos_;
  const char* nl = FindByte(p, '\n', avail);
  size_t len = nl != nullptr ? static_cast<size_t>(nl - p) : avail;
  if (nl != nullptr && len > 0 && p[len - 1] == '\r') --len;
  // Copied: skipping the rest of the line below may refill the buffer.
  unescaped_.assign(p, std::min(len, raw_limit));
  row->fields.clear();
  row->raw = unescaped_;
  row->line = line_;
  row->error = message;
  if (nl != nullptr) {
    Advance(static_cast<size_t>(nl - p) + 1, 1);
    return;
  }
  // The line is longer than the buffer: skip to its end a chunk at a time.
  Advance(avail, 0);
  while (Fill()) {
    const char* b = buf_.data() + pos_;
    const char* q = FindByte(b, '\n', end_ - pos_);
    if (q != nullptr) {
      Advance(static_cast<size_t>(q - b) + 1, 1);
      return;
    }
    Advance(end_ - pos_, 0);
  }
}

}  // namespace probity
