#include "engine/version.h"

namespace probity {
std::string_view Version() { return "0.1.0"; }
}  // namespace probity
