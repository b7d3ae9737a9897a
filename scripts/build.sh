#!/usr/bin/env bash
# Installs the Debian packages (if missing), configures a Release build in build/ and builds
# everything with both cores. Extra arguments go to ninja (e.g. a target name).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
build_dir="${VMM_BUILD_DIR:-$root/build}"
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
ninja -C "$build_dir" -j "${VMM_BUILD_JOBS:-2}" "$@"
