#!/usr/bin/env bash
# Installs what probity needs from Debian 12's packages (when missing) and
# builds it in build/. Safe to run again: it only installs and rebuilds what
# is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/packages.sh
# PROBITY_EXTRA_PACKAGES: more packages, space-separated (test.sh adds chromium).
read -r -a extra_packages <<<"${PROBITY_EXTRA_PACKAGES:-}"
install_missing setup "${probity_packages[@]}" "${extra_packages[@]}"

build_dir=${PROBITY_BUILD_DIR:-build}
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld "${launcher[@]}" >/dev/null
fi
echo "setup: building in $build_dir/"
cmake --build "$build_dir" -j"$(nproc)"
