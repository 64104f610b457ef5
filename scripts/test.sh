#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
# chromium: tests/report_html_test.cc renders the HTML report in headless Chromium.
PROBITY_EXTRA_PACKAGES=chromium scripts/setup.sh
ctest --test-dir "${PROBITY_BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" "$@"
