#!/usr/bin/env bash
# The main job: sets up a fresh Debian machine (packages, build), makes a sample video, starts the
# service on its embedded default (vmm-server with one local worker, on loopback), magnifies the
# sample through it with the committed model, and stops the service. Output: out/demo/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
build_dir="${VMM_BUILD_DIR:-$root/build}"
demo_dir="$root/out/demo"
mkdir -p "$demo_dir"
"$root/scripts/make-sample.sh" "$demo_dir/sample.mp4"

if [ ! -x "$build_dir/server/vmm-server" ]; then
  echo "vmm-server is not built yet: magnifying locally with 'vmm magnify' instead"
  "$build_dir/client/vmm" magnify "$demo_dir/sample.mp4" -o "$demo_dir/magnified.mp4" \
    --mode temporal --filter butter --fl 1 --fh 2.5 --alpha 20
  exit 0
fi

port="${VMM_DEMO_PORT:-18001}"
metrics_port="${VMM_DEMO_METRICS_PORT:-18002}"
rm -f "$demo_dir/port"
"$build_dir/server/vmm-server" --port "$port" --port-file "$demo_dir/port" \
  --metrics-port "$metrics_port" --data-dir "$demo_dir/server" --local-workers 1 &
server_pid=$!
trap 'kill -TERM $server_pid 2>/dev/null; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  [ -s "$demo_dir/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "vmm-server exited during start-up" >&2; exit 1; }
  sleep 0.5
done
[ -s "$demo_dir/port" ] || { echo "vmm-server did not start within 60 s" >&2; exit 1; }
"$build_dir/client/vmm" submit "$demo_dir/sample.mp4" -o "$demo_dir/magnified.mp4" \
  --server "127.0.0.1:$port" --mode temporal --filter butter --fl 1 --fh 2.5 --alpha 20
echo "metrics: $(curl -s "http://127.0.0.1:$metrics_port/metrics" | grep -c '^vmm_') vmm_ samples exported"
echo "result: $demo_dir/magnified.mp4"
