// Opening an existing store together with the settings it was ingested with.
#ifndef PROBITY_TOOLS_STORE_ACCESS_H_
#define PROBITY_TOOLS_STORE_ACCESS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/settings.h"
#include "storage/store.h"

namespace probity {

struct OpenedStore {
  std::unique_ptr<storage::Store> store;
  Settings settings;
};

// Opens an existing store (never creates one) and parses its saved settings.
absl::StatusOr<OpenedStore> OpenExistingStore(const std::string& dir, bool read_only);

}  // namespace probity

#endif  // PROBITY_TOOLS_STORE_ACCESS_H_
