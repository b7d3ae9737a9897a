#!/usr/bin/env bash
# Runs engine tests with oneDNN and LibTorch pinned to a lower ISA than the CPU may have, with
# oneDNN's verbose log on, and fails when a test fails or when any convolution, in the engine's
# own oneDNN calls or in LibTorch's, ran on a reference ("ref:") kernel.
# Usage: pinned_isa_test.sh ONEDNN_ISA ATEN_CAPABILITY ENGINE_TESTS GTEST_FILTER
#   e.g. pinned_isa_test.sh AVX2 avx2 build/tests/engine/engine_tests 'NetworkTest.*'
set -euo pipefail
isa="$1" capability="$2" binary="$3" filter="$4"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
ONEDNN_MAX_CPU_ISA="$isa" ATEN_CPU_CAPABILITY="$capability" DNNL_VERBOSE=1 ONEDNN_VERBOSE=1 \
  "$binary" --gtest_filter="$filter" > "$log" 2>&1 || status=$?
# The test output without the verbose lines, so that failures read as usual.
grep -v '^\(onednn\|dnnl\)_verbose,' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "FAILED: the tests failed under ONEDNN_MAX_CPU_ISA=$isa (exit $status)"
  exit 1
fi
convolutions="$(grep -c '_verbose,exec,cpu,convolution,' "$log" || true)"
if [ "$convolutions" -eq 0 ]; then
  echo "FAILED: oneDNN's verbose log shows no convolution: the check would prove nothing"
  exit 1
fi
references="$(grep '_verbose,exec,cpu,convolution,ref' "$log" | cut -d, -f4-6 | sort | uniq -c || true)"
if [ -n "$references" ]; then
  echo "FAILED: reference convolution kernels ran under ONEDNN_MAX_CPU_ISA=$isa:"
  echo "$references"
  exit 1
fi
echo "$convolutions oneDNN convolutions under ONEDNN_MAX_CPU_ISA=$isa, none on a reference kernel:"
grep '_verbose,exec,cpu,convolution,' "$log" | cut -d, -f5 | sort | uniq -c
