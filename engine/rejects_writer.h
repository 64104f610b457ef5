// The rejects file: every input row that could not be used, with its source,
// line number, the reason, and the raw row, so nothing is lost silently.
#ifndef PROBITY_ENGINE_REJECTS_WRITER_H_
#define PROBITY_ENGINE_REJECTS_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace probity {

class RejectsWriter {
 public:
  // The file is created (mode 0600: it holds personal data) on the first reject.
  explicit RejectsWriter(std::string path) : path_(std::move(path)) {}
  ~RejectsWriter();
  RejectsWriter(const RejectsWriter&) = delete;
  RejectsWriter& operator=(const RejectsWriter&) = delete;

  // Writes `source,line,reason,raw` (CSV-quoted as needed).
  absl::Status Add(std::string_view source, uint64_t line, std::string_view reason,
                   std::string_view raw);
  absl::Status Close();

  const std::string& path() const { return path_; }
  uint64_t count() const { return count_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t count_ = 0;
};

// Appends `value` to `out` as one CSV field, quoted when it holds a comma,
// quote, CR or LF.
void AppendCsvField(std::string_view value, std::string* out);

// Opens `path` for writing with mode 0600 (truncating). nullptr on failure.
std::FILE* OpenPrivateFile(const std::string& path);

}  // namespace probity

#endif  // PROBITY_ENGINE_REJECTS_WRITER_H_
