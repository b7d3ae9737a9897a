#!/usr/bin/env bash
# Live check of the metric names: starts the real vmm-server (no local workers) and one
# vmm-worker on the CPU, waits until the worker is connected, scrapes both /metrics pages and
# compares them with docs/metrics.md and with what the dashboard, the alert rules and the KEDA
# query use (deploy/validate/compare-live-metrics.mjs).
#   tests/deploy/live-metrics-test.sh REPO_ROOT VMM_SERVER VMM_WORKER
# Exits 77 (ctest: skipped) when either binary is not built yet.
set -euo pipefail
root="${1:?usage: live-metrics-test.sh REPO_ROOT VMM_SERVER VMM_WORKER}"
server="${2:?}"
worker="${3:?}"
for binary in "$server" "$worker"; do
  if [ ! -x "$binary" ]; then
    echo "SKIPPED: $binary is not built yet; build vmm-server and vmm-worker to run this check"
    exit 77
  fi
done
command -v node >/dev/null || { echo "node not found (needed to scrape and compare)" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})'
}
# Prints the /metrics page at port $1, or fails.
scrape() {
  node -e 'fetch(`http://127.0.0.1:${process.argv[1]}/metrics`).then(async (r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`); process.stdout.write(await r.text()); })
    .catch((e) => { console.error(e.message); process.exit(1); })' "$1"
}
show_logs_and_fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/*.log; do
    echo "--- $(basename "$log") ---" >&2
    tail -n 30 "$log" >&2
  done
  exit 1
}

grpc_port="$(free_port)"
server_metrics_port="$(free_port)"
printf 'live-test-client-token-0001 tester\nlive-test-worker-token-0001 @worker\n' >"$work/tokens"
printf 'live-test-worker-token-0001\n' >"$work/worker-token"

"$server" --listen=127.0.0.1 --port="$grpc_port" --metrics-port="$server_metrics_port" \
  --local-workers=0 --tokens="$work/tokens" --data-dir="$work/data" >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  scrape "$server_metrics_port" >"$work/server.prom" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || show_logs_and_fail "vmm-server exited at start"
  sleep 0.2
done
[ -s "$work/server.prom" ] || show_logs_and_fail "vmm-server served no /metrics within 20 s"

"$worker" --server="127.0.0.1:$grpc_port" --token-file="$work/worker-token" --device=cpu \
  --metrics-port=0 --metrics-address=127.0.0.1 --port-file="$work/worker.port" \
  --work-dir="$work" >"$work/worker.log" 2>&1 &
pids+=($!)
connected=0
for _ in $(seq 150); do
  kill -0 "${pids[1]}" 2>/dev/null || show_logs_and_fail "vmm-worker exited at start"
  if scrape "$server_metrics_port" >"$work/server.prom" 2>/dev/null &&
    grep -qE '^vmm_workers_connected 1(\.0+)?$' "$work/server.prom"; then
    connected=1
    break
  fi
  sleep 0.2
done
[ "$connected" -eq 1 ] || show_logs_and_fail "the server's vmm_workers_connected never reached 1 in 30 s"
[ -s "$work/worker.port" ] || show_logs_and_fail "vmm-worker wrote no --port-file"
scrape "$(tr -d '[:space:]' <"$work/worker.port")" >"$work/worker.prom" ||
  show_logs_and_fail "could not scrape the worker's /metrics"

rendered=()
if command -v kubectl >/dev/null; then
  kubectl kustomize "$root/deploy/overlays/gpu" >"$work/gpu.yaml"
  rendered=(--rendered "$work/gpu.yaml")
fi
(cd "$root" && node deploy/validate/compare-live-metrics.mjs --docs docs/metrics.md \
  --server "$work/server.prom" --worker "$work/worker.prom" \
  --dashboard deploy/grafana/vmm-dashboard.json --alerts deploy/prometheus/alerts.yml "${rendered[@]}")
