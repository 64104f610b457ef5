// The probity version string.
#ifndef PROBITY_ENGINE_VERSION_H_
#define PROBITY_ENGINE_VERSION_H_

#include <string_view>

namespace probity {
std::string_view Version();
}  // namespace probity

#endif  // PROBITY_ENGINE_VERSION_H_
