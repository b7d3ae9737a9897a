#!/usr/bin/env bash
# Runs scripts/check-deploy.sh runtime-libs on the built programs, so a library added to the
# build without its package in scripts/runtime-packages.txt fails here rather than in the image.
#   tests/deploy/runtime-libs-test.sh CHECK_DEPLOY BINARY...
# Exits 77 (ctest: skipped) when a binary is not built yet.
set -euo pipefail
check="${1:?usage: runtime-libs-test.sh CHECK_DEPLOY BINARY...}"
shift
for binary in "$@"; do
  if [ ! -x "$binary" ]; then
    echo "SKIPPED: $binary is not built yet"
    exit 77
  fi
done
exec "$check" runtime-libs "$@"
