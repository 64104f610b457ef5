#include "engine/rejects_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fmt/format.h"

namespace probity {

std::FILE* OpenPrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return nullptr;
  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) ::close(fd);
  return file;
}

void AppendCsvField(std::string_view value, std::string* out) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

RejectsWriter::~RejectsWriter() { (void)Close(); }

absl::Status RejectsWriter::Add(std::string_view source, uint64_t line, std::string_view reason,
                                std::string_view raw) {
  if (file_ == nullptr) {
    file_ = OpenPrivateFile(path_);
    if (file_ == nullptr) {
      return absl::PermissionDeniedError(
          fmt::format("{}: cannot write rejects file: {}", path_, std::strerror(errno)));
    }
    std::fputs("source,line,reason,raw\n", file_);
  }
  std::string row;
  AppendCsvField(source, &row);
  row += fmt::format(",{},", line);
  AppendCsvField(reason, &row);
  row.push_back(',');
  AppendCsvField(raw, &row);
  row.push_back('\n');
  if (std::fwrite(row.data(), 1, row.size(), file_) != row.size()) {
    return absl::DataLossError(fmt::format("{}: write failed: {}", path_, std::strerror(errno)));
  }
  ++count_;
  return absl::OkStatus();
}

absl::Status RejectsWriter::Close() {
  if (file_ == nullptr) return absl::OkStatus();
  const bool ok = std::fflush(file_) == 0 && std::ferror(file_) == 0;
  const int err = errno;  // e.g. ENOSPC from the final flush
  std::fclose(file_);
  file_ = nullptr;
  if (!ok) {
    return absl::DataLossError(fmt::format("{}: write failed: {}", path_, std::strerror(err)));
  }
  return absl::OkStatus();
}

}  // namespace probity
