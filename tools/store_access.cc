#include "tools/store_access.h"

#include <filesystem>

#include "fmt/format.h"

namespace probity {

absl::StatusOr<OpenedStore> OpenExistingStore(const std::string& dir, bool read_only) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(fmt::format("{}: no such store (run probity ingest first)", dir));
  }
  storage::StoreOptions options;
  options.create_if_missing = false;
  options.read_only = read_only;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(dir, options);
  if (!store.ok()) return store.status();
  absl::StatusOr<std::optional<std::string>> raw = (*store)->GetMeta("settings");
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) {
    return absl::FailedPreconditionError(fmt::format("{}: the store holds no settings (nothing "
                                                     "was ingested yet)", dir));
  }
  absl::StatusOr<Settings> settings = Settings::Parse(**raw, dir + " (saved settings)");
  if (!settings.ok()) return settings.status();
  return OpenedStore{*std::move(store), *std::move(settings)};
}

}  // namespace probity
