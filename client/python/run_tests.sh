#!/usr/bin/env bash
# Installs the vmm-client wheel offline into a fresh virtual environment (seeing Debian's
# python3-grpcio, python3-protobuf and python3-numpy) and runs the package's pytest suite in it
# against real vmm-server processes. Usage: run_tests.sh WHEEL_DIR TESTS_DIR (the ctest entry
# python.client_package sets VMM_SERVER_BINARY and VMM_WORKER_BINARY).
set -euo pipefail
wheel_dir="$1" tests_dir="$2"
venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
/usr/bin/python3 -m venv --system-site-packages "$venv"
wheels=("$wheel_dir"/vmm_client-*.whl)
"$venv/bin/python" -m pip install --quiet --no-index "${wheels[0]}"
# From outside the source tree, so the installed package is what the tests import.
cd "$venv"
"$venv/bin/python" -c 'import vmm_client, sys; print("vmm_client", vmm_client.__version__,
  "from", vmm_client.__file__, file=sys.stderr)'
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -m pytest -q -p no:cacheprovider "$tests_dir"
