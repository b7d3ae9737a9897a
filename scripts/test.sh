#!/usr/bin/env bash
# The test command: sets up a fresh Debian machine (packages, build), then runs every test suite
# (unit, integration with real processes on loopback, the Python client, the deployment checks).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
build_dir="${VMM_BUILD_DIR:-$root/build}"
cd "$build_dir"
ctest --output-on-failure -j "${VMM_TEST_JOBS:-2}" --timeout 900 "$@"
