#include <cstdio>

#include "tools/commands.h"

namespace probity {

int RunDemoCommand(const DemoArgs& args) {
  (void)args;
  std::puts("demo: not yet wired");
  return 0;
}

}  // namespace probity
