#!/usr/bin/env bash
# Runs a test binary under valgrind's memcheck: exit 1 on any memory error.
# On CPUs where valgrind cannot run the libraries FFmpeg loads at all (an instruction its CPU
# model lacks, e.g. libhwy's RDTSCP at load time on hosts that do not advertise it), it exits 77,
# which ctest reports as skipped, naming the instruction's library, instead of failing for a
# reason that is not ours.
# Usage: memcheck.sh VALGRIND BINARY [ARGS...]
set -uo pipefail
valgrind="$1"
shift
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Loading alone (listing the tests) runs every library's initialisers.
"$valgrind" --error-exitcode=1 --errors-for-leak-kinds=none "$1" --gtest_list_tests >/dev/null 2>"$log"
if grep -q "valgrind: Unrecognised instruction" "$log"; then
  echo "valgrind cannot emulate an instruction run while loading the libraries on this CPU:" >&2
  grep -m1 -A1 "Illegal opcode" "$log" | tail -1 >&2
  exit 77
fi
exec "$valgrind" --error-exitcode=1 --errors-for-leak-kinds=none "$@"
