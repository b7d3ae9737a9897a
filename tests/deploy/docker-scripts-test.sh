#!/usr/bin/env bash
# Tests the image's entry point and health check (deploy/docker/) outside a container:
#   tests/deploy/docker-scripts-test.sh REPO_ROOT [VMM_SERVER VMM_HEALTH_PROBE]
# The entry point must start the program its first argument names; the health check must pass
# while a process named vmm-server accepts connections on its --port and fail, naming the
# reason, when nothing listens or no vmm process runs; with the real programs given, a plaintext
# vmm-server must pass through vmm-health-probe's grpc.health.v1 call and fail while it cannot
# answer.
set -euo pipefail
root="${1:?usage: docker-scripts-test.sh REPO_ROOT [VMM_SERVER VMM_HEALTH_PROBE]}"
real_server="${2:-}"
real_probe="${3:-}"
entrypoint="$root/deploy/docker/entrypoint.sh"
healthcheck="$root/deploy/docker/healthcheck.sh"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  [ -z "$server_pid" ] || wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
expect() { # expect NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    echo "ok: $1"
  else
    echo "FAIL: $1: expected '$2', got '$3'" >&2
    failures=$((failures + 1))
  fi
}

# Entry point: fake programs print their name and arguments.
mkdir -p "$work/bin"
for program in vmm-server vmm-worker vmm; do
  printf '#!/bin/sh\necho "%s $*"\n' "$program" >"$work/bin/$program"
  chmod +x "$work/bin/$program"
done
run_entry() { PATH="$work/bin:$PATH" sh "$entrypoint" "$@" 2>&1; }
expect "no argument starts the server" "vmm-server " "$(run_entry)"
expect "server with flags" "vmm-server --port 9000" "$(run_entry server --port 9000)"
expect "flags alone go to the server" "vmm-server --local-workers 1" "$(run_entry --local-workers 1)"
expect "worker" "vmm-worker --server host:8001" "$(run_entry worker --server host:8001)"
expect "the CLI" "vmm list" "$(run_entry vmm list)"
set +e
message="$(run_entry bogus)"
code=$?
set -e
expect "unknown command exits 64" "64" "$code"
expect "unknown command is named" "1" "$(grep -c "unknown command 'bogus'" <<<"$message")"

# Health check: only meaningful when no real vmm process runs on this machine.
if grep -qxE 'vmm-(server|worker)' /proc/[0-9]*/comm 2>/dev/null; then
  echo "note: a vmm-server or vmm-worker runs on this machine; health check cases skipped"
else
  set +e
  message="$("$healthcheck" 2>&1)"
  code=$?
  set -e
  expect "no vmm process: unhealthy" "1" "$code"
  expect "no vmm process: says so" "1" "$(grep -c 'neither vmm-server nor vmm-worker' <<<"$message")"

  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')"
  cat >"$work/vmm-server" <<SCRIPT
#!/bin/bash
# A stand-in vmm-server: listens on LISTEN_PORT, if set, until stopped.
if [ -n "\${LISTEN_PORT:-}" ]; then
  node -e 'require("net").createServer((c)=>c.end()).listen(Number(process.argv[1]),"127.0.0.1")' "\$LISTEN_PORT" &
else
  sleep 60 &
fi
child=\$!
trap 'kill \$child' TERM
wait
SCRIPT
  chmod +x "$work/vmm-server"
  LISTEN_PORT="$port" "$work/vmm-server" --port "$port" &
  server_pid=$!
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  expect "listening server: healthy" "0" "$("$healthcheck" >/dev/null 2>&1; echo $?)"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  "$work/vmm-server" --port "$port" &
  server_pid=$!
  sleep 0.3
  set +e
  message="$("$healthcheck" 2>&1)"
  code=$?
  set -e
  expect "nothing on --port: unhealthy" "1" "$code"
  expect "nothing on --port: names the port" "1" "$(grep -c "does not accept connections on port $port\$" <<<"$message")"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  if [ -x "$real_server" ] && [ -x "$real_probe" ]; then
    metrics_port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')"
    "$real_server" --port "$port" --metrics-port "$metrics_port" --local-workers 0 \
      --data-dir "$work/data" >"$work/server.log" 2>&1 &
    server_pid=$!
    probe_path="$(dirname "$real_probe"):$PATH"
    code=1
    for _ in $(seq 100); do
      PATH="$probe_path" "$healthcheck" >/dev/null 2>&1 && { code=0; break; }
      sleep 0.1
    done
    expect "real server: healthy through grpc.health.v1" "0" "$code"
    kill -STOP "$server_pid"
    set +e
    message="$(PATH="$probe_path" "$healthcheck" 2>&1)"
    code=$?
    set -e
    kill -CONT "$server_pid"
    expect "real server not answering: unhealthy" "1" "$code"
    expect "real server not answering: says which" "1" "$(grep -c "unhealthy: vmm-server on port $port: " <<<"$message")"
  else
    echo "note: no vmm-server and vmm-health-probe given; the grpc.health.v1 case is skipped"
  fi
fi
[ "$failures" -eq 0 ] || { echo "$failures checks failed" >&2; exit 1; }
echo "docker scripts: all checks pass"
