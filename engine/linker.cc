#include "engine/linker.h"

#include <cerrno>
#include <cstring>

#include "engine/rejects_writer.h"
#include "fmt/format.h"

namespace probity {

absl::StatusOr<LinkJob> LoadLinkJob(const storage::Store& store, const Settings& settings) {
  LinkJob job;
  job.settings = settings;
  absl::StatusOr<std::vector<BlockingRule>> rules = BlockingRulesFromSettings(settings);
  if (!rules.ok()) return rules.status();
  job.rules = *std::move(rules);
  absl::StatusOr<std::vector<ComparisonSpec>> specs = ComparisonsFromSettings(settings);
  if (!specs.ok()) return specs.status();
  job.specs = *std::move(specs);

  const std::vector<std::pair<std::string, uint16_t>> stored_sources = store.Sources();
  for (size_t s = 0; s < settings.sources.size(); ++s) {
    const std::string& name = settings.sources[s].name;
    job.source_names.push_back(name);
    uint16_t code = 0;
    bool found = false;
    for (const auto& [stored_name, stored_code] : stored_sources) {
      if (stored_name == name) {
        code = stored_code;
        found = true;
      }
    }
    if (!found) continue;  // nothing ingested for this source
    Record record;
    absl::Status decode_status;
    absl::Status status = store.ForEachRecord(code, [&](const storage::StoredRecord& stored) {
      record.id = stored.id;
      decode_status = DecodeRecord(stored.payload, &record);
      if (!decode_status.ok()) {
        decode_status = absl::DataLossError(
            fmt::format("{}: record {} of source {}: {}", store.dir(), job.data.size() + 1, name,
                        std::string(decode_status.message())));
        return false;
      }
      job.data.Add(static_cast<uint16_t>(s), record);
      job.keys.Add(job.rules, record);
      return true;
    });
    if (!status.ok()) return status;
    if (!decode_status.ok()) return decode_status;
  }
  job.data.Finish();
  return job;
}

std::vector<ScoredPair> ScoreCandidatePairs(const LinkJob& job, const FsModel& model,
                                            const ScoreOptions& options, BlockingStats* stats) {
  const int threads = ResolveThreads(options.candidates.threads);
  std::vector<std::vector<ScoredPair>> local(static_cast<size_t>(threads));
  const double floor_weight = ProbabilityToWeight(options.floor);
  *stats = ForEachCandidatePair(
      job.data, job.keys, job.rules, options.candidates, [&](int worker, size_t, uint32_t a, uint32_t b) {
        Gamma gamma;
        CompareRecords(job.specs, job.data, a, b, &gamma);
        const double weight = model.Weight(gamma);
        if (weight >= floor_weight) {
          local[static_cast<size_t>(worker)].push_back(
              ScoredPair{a, b, weight, WeightToProbability(weight)});
        }
      });
  size_t total = 0;
  for (const auto& v : local) total += v.size();
  std::vector<ScoredPair> pairs;
  pairs.reserve(total);
  for (auto& v : local) {
    pairs.insert(pairs.end(), v.begin(), v.end());
    std::vector<ScoredPair>().swap(v);
  }
  std::sort(pairs.begin(), pairs.end(), [](const ScoredPair& x, const ScoredPair& y) {
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  });
  return pairs;
}

namespace {

// An output CSV written to a temporary name and renamed into place when
// complete, so a failure (a full disk) or a kill never leaves a truncated file
// under the real name.
class CsvOut {
 public:
  explicit CsvOut(const std::string& path)
      : path_(path), temp_path_(path + ".partial"), file_(OpenPrivateFile(temp_path_)) {}
  ~CsvOut() {
    if (file_ != nullptr) {
      std::fclose(file_);
      std::remove(temp_path_.c_str());
    }
  }
  absl::Status OpenStatus() const {
    if (file_ != nullptr) return absl::OkStatus();
    return absl::PermissionDeniedError(fmt::format("{}: cannot write: {}", path_, std::strerror(errno)));
  }
  void Write(const std::string& s) {
    buffer_ += s;
    if (buffer_.size() > (1 << 20)) Flush();
  }
  std::string& buffer() { return buffer_; }
  void Flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      failed_ = true;
    }
    buffer_.clear();
  }
  absl::Status Close() {
    Flush();
    if (std::fflush(file_) != 0 || std::ferror(file_) != 0) failed_ = true;
    const int saved_errno = errno;
    if (std::fclose(file_) != 0) failed_ = true;
    file_ = nullptr;
    if (failed_) {
      std::remove(temp_path_.c_str());
      return absl::DataLossError(
          fmt::format("{}: write failed: {}", path_, std::strerror(saved_errno)));
    }
    if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      const int rename_errno = errno;
      std::remove(temp_path_.c_str());
      return absl::DataLossError(
          fmt::format("{}: cannot rename into place: {}", path_, std::strerror(rename_errno)));
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_;
  std::string buffer_;
  bool failed_ = false;
};

}  // namespace

namespace {

void AppendRecordId(const LinkJob& job, uint32_t r, const OutputIds& ids, std::string* buf) {
  const std::string_view source = job.source_names[job.data.source(r)];
  AppendCsvField(source, buf);
  buf->push_back(',');
  if (ids.record) {
    AppendCsvField(ids.record(source, job.data.id(r)), buf);
  } else {
    AppendCsvField(job.data.id(r), buf);
  }
}

}  // namespace

absl::Status WritePairsCsv(const std::string& path, const LinkJob& job,
                           const std::vector<ScoredPair>& pairs, const OutputIds& ids) {
  CsvOut out(path);
  if (absl::Status s = out.OpenStatus(); !s.ok()) return s;
  out.Write("source_l,id_l,source_r,id_r,match_weight,match_probability\n");
  for (const ScoredPair& p : pairs) {
    // Left is the record of the earlier source in the settings (then the earlier record).
    uint32_t l = p.a, r = p.b;
    if (job.data.source(r) < job.data.source(l)) std::swap(l, r);
    std::string& buf = out.buffer();
    AppendRecordId(job, l, ids, &buf);
    buf += ',';
    AppendRecordId(job, r, ids, &buf);
    buf += fmt::format(",{:.4f},{:.6f}\n", p.weight, p.probability);
    out.Write("");
  }
  return out.Close();
}

std::vector<uint64_t> ClusterRecords(const LinkJob& job, const std::vector<ScoredPair>& pairs,
                                     double threshold, bool one_to_one) {
  const uint32_t n = job.data.size();
  std::vector<uint32_t> component;
  if (one_to_one) {
    std::vector<uint16_t> sources(n);
    for (uint32_t r = 0; r < n; ++r) sources[r] = job.data.source(r);
    component = OneToOneComponents(n, pairs, threshold, sources);
  } else {
    component = ConnectedComponents(n, pairs, threshold);
  }
  return StableClusterIds(component, [&](uint32_t r) {
    return std::pair<std::string_view, std::string_view>(job.source_names[job.data.source(r)],
                                                         job.data.id(r));
  });
}

absl::Status WriteClustersCsv(const std::string& path, const LinkJob& job,
                              const std::vector<uint64_t>& cluster_ids, const OutputIds& ids) {
  CsvOut out(path);
  if (absl::Status s = out.OpenStatus(); !s.ok()) return s;
  out.Write("source,record_id,cluster_id\n");
  for (uint32_t r = 0; r < job.data.size(); ++r) {
    std::string& buf = out.buffer();
    AppendRecordId(job, r, ids, &buf);
    buf += ',';
    if (ids.cluster) {
      buf += ids.cluster(cluster_ids[r]);
    } else {
      buf += fmt::format("{}", cluster_ids[r]);
    }
    buf += '\n';
    out.Write("");
  }
  return out.Close();
}

}  // namespace probity
