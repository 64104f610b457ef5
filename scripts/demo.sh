#!/usr/bin/env bash
# Sets everything up, then runs the demo: generated probation and police data,
# linked end to end. Extra arguments go to `probity demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec "${PROBITY_BUILD_DIR:-build}/probity" demo "$@"
