#!/bin/sh
# Entry point of the vmm image: the first argument picks the program.
#   server [FLAGS]   vmm-server (the default when no argument or only flags are given)
#   worker [FLAGS]   vmm-worker
#   vmm [ARGS]       the command-line client
# Runs under tini (PID 1), which forwards SIGTERM so the programs shut down gracefully.
set -eu
if [ $# -eq 0 ]; then
  set -- server
fi
case "$1" in
  server) shift; exec vmm-server "$@" ;;
  worker) shift; exec vmm-worker "$@" ;;
  vmm | vmm-server | vmm-worker) exec "$@" ;;
  -*) exec vmm-server "$@" ;;
  *)
    echo "vmm image: unknown command '$1'; use server, worker or vmm (e.g. 'worker --server host:8001')" >&2
    exit 64
    ;;
esac
