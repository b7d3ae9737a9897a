#!/bin/bash
# Docker HEALTHCHECK of the vmm image (Kubernetes uses its own grpc.health.v1 probes instead).
# Finds the vmm-server or vmm-worker process in the container and checks it: a plaintext server
# answers grpc.health.v1 SERVING on its gRPC port (--port, 8001 by default) to vmm-health-probe;
# a server with TLS (--tls-cert), or where vmm-health-probe is missing, and a worker on its
# metrics port (--metrics-port, 8002 by default) accept TCP connections.
set -u
role="" port="" tls=""
for comm_file in /proc/[0-9]*/comm; do
  comm="$(cat "$comm_file" 2>/dev/null)" || continue
  case "$comm" in
    vmm-server) role=server port=8001 ;;
    vmm-worker) role=worker port=8002 ;;
    *) continue ;;
  esac
  # Honour a port given on the command line (--port 9000 or --port=9000).
  flag="--port"
  [ "$role" = worker ] && flag="--metrics-port"
  mapfile -d '' args < "${comm_file%/comm}/cmdline" 2>/dev/null || args=()
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
      "$flag") port="${args[i + 1]:-$port}" ;;
      "$flag="*) port="${args[i]#"$flag="}" ;;
      --tls-cert | --tls-cert=*) tls=yes ;;
    esac
  done
  break
done
if [ -z "$role" ]; then
  echo "unhealthy: neither vmm-server nor vmm-worker is running" >&2
  exit 1
fi
probe="$(command -v vmm-health-probe || true)"
if [ "$role" = server ] && [ -z "$tls" ] && [ -n "$probe" ]; then
  if answer="$("$probe" --address "127.0.0.1:$port" --timeout 3 2>&1)"; then
    exit 0
  fi
  echo "unhealthy: vmm-server on port $port: $answer" >&2
  exit 1
fi
if timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
  exit 0
fi
echo "unhealthy: $role does not accept connections on port $port" >&2
exit 1
