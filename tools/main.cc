// probity: the command-line entry point.
#include <cstdio>

int main() {
  std::puts("probity");
  return 0;
}
