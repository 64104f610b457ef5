#include <cstdio>

#include "engine/explain.h"
#include "fmt/format.h"
#include "tools/commands.h"
#include "tools/linkage_steps.h"
#include "tools/store_access.h"

namespace probity {
namespace {

absl::StatusOr<uint32_t> FindRecord(const LinkJob& job, const std::string& spec) {
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(fmt::format("\"{}\": expected SOURCE:ID", spec));
  }
  const std::string source = spec.substr(0, colon), id = spec.substr(colon + 1);
  for (uint32_t r = 0; r < job.data.size(); ++r) {
    if (job.source_names[job.data.source(r)] == source && job.data.id(r) == id) return r;
  }
  return absl::NotFoundError(fmt::format("no record {} in the store", spec));
}

}  // namespace

int RunExplainCommand(const ExplainArgs& args) {
  absl::StatusOr<OpenedStore> opened = OpenExistingStore(args.db, /*read_only=*/true);
  if (!opened.ok()) return ReportFailure(opened.status());
  absl::StatusOr<LinkJob> job = LoadLinkJob(*opened->store, opened->settings);
  if (!job.ok()) return ReportFailure(job.status());
  absl::StatusOr<FsModel> model = LoadSavedModel(*opened->store, *job);
  if (!model.ok()) return ReportFailure(model.status());
  absl::StatusOr<uint32_t> left = FindRecord(*job, args.left);
  if (!left.ok()) return ReportFailure(left.status());
  absl::StatusOr<uint32_t> right = FindRecord(*job, args.right);
  if (!right.ok()) return ReportFailure(right.status());
  std::printf("%s vs %s\n", args.left.c_str(), args.right.c_str());
  std::fputs(FormatExplanation(ExplainPair(job->specs, job->data, *model, *left, *right)).c_str(),
             stdout);
  return 0;
}

}  // namespace probity
