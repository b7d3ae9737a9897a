#!/usr/bin/env bash
# Checks the deployment files without a cluster or a container engine (ctest runs each step as
# its own test: tests/deploy/CMakeLists.txt).
#
#   scripts/check-deploy.sh [STEP...]             all steps when none is given
#   scripts/check-deploy.sh runtime-libs BINARY...
#
# Steps:
#   npm         installs deploy/validate's node packages (npm ci) when package-lock.json changed
#   yaml        every YAML file under deploy/ and tests/deploy/ parses and passes yamllint
#   kustomize   every overlay renders (kubectl kustomize) and its objects pass the Kubernetes
#               and KEDA schemas, a check for misspelt keys and cross-object checks
#   dashboard   the Grafana dashboard's structure (ids, layout, datasource variable)
#   metrics     the dashboard, alert rules and KEDA query use only docs/metrics.md's metrics
#   rules       promtool: alert rules and scrape configs load, alert unit tests pass, every
#               dashboard and autoscaler expression parses (skipped, exit 77, without promtool)
#   dockerfile  the Dockerfile's rules (stages, package lists, non-root, HEALTHCHECK, ports, the
#               web console's Node.js stage and its copy to the folder vmm-server serves)
#   runtime-libs BINARY...  every shared library the binaries load comes from a package in
#               scripts/runtime-packages.txt or its dependencies (used by the Dockerfile)
# Exits 0 when every step passes, 77 when a step was skipped, 1 on the first failing step.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
validate="$root/deploy/validate"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
skipped=0 # set by a step that could not run

fail() {
  echo "check-deploy: $*" >&2
  exit 1
}

# Fails loudly when a tool is missing, saying how to get it.
require() {
  local tool="$1" hint="$2"
  command -v "$tool" >/dev/null 2>&1 || fail "$tool not found: $hint"
}

require_node() {
  require node "install Node.js 18 or later with npm (Debian: apt-get install nodejs npm)"
  [ -d "$validate/node_modules" ] || step_npm
}

# Renders every overlay into $work/rendered/<name>.yaml: deploy/overlays/* and the test overlays
# under tests/deploy/kustomize/* (which switch on the optional components).
render_overlays() {
  require kubectl "install kubectl (not in Debian 12's archive: Kubernetes' apt repository or the binary from dl.k8s.io)"
  mkdir -p "$work/rendered"
  rendered=()
  local dir name
  for dir in "$root"/deploy/overlays/*/ "$root"/tests/deploy/kustomize/*/; do
    [ -f "$dir/kustomization.yaml" ] || continue
    name="$(basename "$dir")"
    kubectl kustomize "$dir" >"$work/rendered/$name.yaml" 2>"$work/rendered/$name.err" ||
      fail "kubectl kustomize ${dir#"$root"/} failed: $(cat "$work/rendered/$name.err")"
    rendered+=("$work/rendered/$name.yaml")
  done
  [ ${#rendered[@]} -ge 2 ] || fail "expected the cpu and gpu overlays under deploy/overlays"
}

step_npm() {
  require npm "install npm (Debian: apt-get install npm)"
  local stamp="$validate/node_modules/.vmm-lock-stamp"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$validate/package-lock.json"; then
    echo "npm: deploy/validate/node_modules is up to date"
    return
  fi
  (cd "$validate" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in deploy/validate failed"
  cp "$validate/package-lock.json" "$stamp"
  echo "npm: installed deploy/validate/node_modules"
}

step_yaml() {
  require yamllint "run scripts/install-deps.sh (scripts/packages.txt lists yamllint)"
  local files
  files="$(find "$root/deploy" "$root/tests/deploy" -path '*/node_modules' -prune -o \
    \( -name '*.yaml' -o -name '*.yml' -o -name '.yamllint' \) -type f -print | sort)"
  [ -n "$files" ] || fail "no YAML files found"
  # shellcheck disable=SC2086  # one file name a line, no spaces in our paths
  (cd "$root" && yamllint --strict -c deploy/.yamllint $files) || fail "yamllint found problems (above)"
  echo "yaml: $(echo "$files" | wc -l) files parse and pass yamllint"
}

step_kustomize() {
  require_node
  render_overlays
  local file args
  for file in "${rendered[@]}"; do
    args=(--external-secret vmm-tls)
    case "$(basename "$file" .yaml)" in
      *gpu*) args+=(--gpu) ;;
    esac
    (cd "$validate" && node check-objects.mjs "${args[@]}" "$file") || fail "$(basename "$file" .yaml) overlay: problems above"
  done
}

step_dashboard() {
  require_node
  (cd "$validate" && node check-dashboard.mjs "$root/deploy/grafana/vmm-dashboard.json") || fail "dashboard: problems above"
}

# Checks names; with an argument, also writes the expressions as rules for promtool.
check_metric_names() {
  require_node
  render_overlays
  local extra=()
  [ $# -eq 0 ] || extra=(--emit-rules "$1")
  local rendered_args=()
  for file in "${rendered[@]}"; do rendered_args+=(--rendered "$file"); done
  (cd "$root" && node deploy/validate/check-metric-names.mjs --docs docs/metrics.md \
    --dashboard deploy/grafana/vmm-dashboard.json --alerts deploy/prometheus/alerts.yml \
    "${rendered_args[@]}" "${extra[@]}") || fail "metric names: problems above"
}

step_metrics() {
  check_metric_names
}

step_rules() {
  if ! command -v promtool >/dev/null 2>&1; then
    echo "rules: SKIPPED: promtool not installed (Debian: apt-get install prometheus)"
    skipped=1
    return
  fi
  local prom="$root/deploy/prometheus"
  promtool check rules "$prom/alerts.yml" || fail "promtool check rules alerts.yml failed"
  (cd "$root/tests/deploy" && promtool test rules alerts-test.yml) || fail "alert unit tests failed"
  promtool check config "$prom/prometheus-local.yml" || fail "prometheus-local.yml is not valid"
  # Debian's promtool is built without Kubernetes discovery: check that file with the
  # discovery replaced by an empty static target list (relabelling and rules still checked).
  if ! promtool check config "$prom/prometheus.yml" >"$work/config.log" 2>&1; then
    grep -q 'field kubernetes_sd_configs not found' "$work/config.log" ||
      fail "prometheus.yml is not valid: $(cat "$work/config.log")"
    mkdir -p "$work/prom"
    cp "$prom/alerts.yml" "$work/prom/"
    sed 's/^\(\s*\)kubernetes_sd_configs:/\1static_configs:/; s/^\(\s*\)- role: pod$/\1- targets: []/' \
      "$prom/prometheus.yml" >"$work/prom/prometheus.yml"
    promtool check config "$work/prom/prometheus.yml" ||
      fail "prometheus.yml is not valid (checked with static targets in place of Kubernetes discovery)"
    echo "rules: prometheus.yml checked with static targets (this promtool lacks Kubernetes discovery)"
  fi
  check_metric_names "$work/expressions.yml"
  promtool check rules "$work/expressions.yml" || fail "a dashboard or autoscaler expression does not parse"
  echo "rules: alert rules, unit tests, scrape configs and every expression pass promtool"
}

step_dockerfile() {
  require_node
  (cd "$validate" && node check-dockerfile.mjs "$root") || fail "Dockerfile: problems above"
  sh -n "$root/deploy/docker/entrypoint.sh" && bash -n "$root/deploy/docker/healthcheck.sh" ||
    fail "deploy/docker scripts have syntax errors"
}

# Maps every library the binaries load to its Debian package; each must be listed in
# scripts/runtime-packages.txt or be a dependency of a listed package. Libraries under
# /opt/libtorch (the CUDA image's LibTorch) are copied into the image and need no package.
step_runtime_libs() {
  [ $# -gt 0 ] || fail "runtime-libs needs the binaries to check"
  local list="$root/scripts/runtime-packages.txt" binary lib path owner candidate problems=0
  mapfile -t wanted < <(grep -vE '^[[:space:]]*(#|$)' "$list")
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "${wanted[@]}" 2>/dev/null |
    grep -E '^[a-z0-9]' | sort -u >"$work/closure" || true
  printf '%s\n' libc6 libgcc-s1 libstdc++6 >>"$work/closure"
  : >"$work/libs"
  for binary in "$@"; do
    [ -x "$binary" ] || fail "runtime-libs: $binary is not an executable"
    ldd "$binary" | awk -v b="$binary" '/not found/ {print b, $1, "-"; next} /=>/ {print b, $1, $3}' \
      >>"$work/libs"
  done
  # One dpkg query for all paths: as ldd names them, resolved, and with /usr (merged /usr).
  awk '$3 != "-" {print $3}' "$work/libs" | sort -u | while read -r path; do
    printf '%s\n%s\n' "$path" "$(readlink -f "$path")"
  done | sed 'p; s|^/lib|/usr/lib|' | sort -u >"$work/paths"
  xargs -a "$work/paths" dpkg -S 2>/dev/null | sed 's/^\([^:,]*\)[^ ]* \(.*\)$/\2 \1/' >"$work/owners" || true
  while read -r binary lib path; do
    if [ "$path" = "-" ]; then
      echo "runtime-libs: $binary: $lib is not found" >&2
      problems=$((problems + 1))
      continue
    fi
    case "$path" in /opt/libtorch/*) continue ;; esac
    owner=""
    for candidate in "$path" "/usr$path" "$(readlink -f "$path")"; do
      owner="$(awk -v p="$candidate" '$1 == p {print $2; exit}' "$work/owners")"
      [ -z "$owner" ] || break
    done
    if [ -z "$owner" ]; then
      echo "runtime-libs: $binary: $path belongs to no Debian package" >&2
      problems=$((problems + 1))
    elif ! grep -qx "$owner" "$work/closure"; then
      echo "runtime-libs: $binary needs $owner ($lib): add it to scripts/runtime-packages.txt" >&2
      problems=$((problems + 1))
    fi
  done <"$work/libs"
  [ "$problems" -eq 0 ] || fail "runtime-libs: $problems libraries are not covered by scripts/runtime-packages.txt"
  echo "runtime-libs: every library of $# binaries comes from scripts/runtime-packages.txt"
}

main() {
  if [ "${1:-}" = runtime-libs ]; then
    shift
    step_runtime_libs "$@"
    return
  fi
  local steps=("$@")
  [ ${#steps[@]} -gt 0 ] || steps=(npm yaml kustomize dashboard metrics rules dockerfile)
  for step in "${steps[@]}"; do
    case "$step" in
      npm | yaml | kustomize | dashboard | metrics | rules | dockerfile) ;;
      *) fail "unknown step '$step' (see the top of scripts/check-deploy.sh)" ;;
    esac
    "step_$step"
  done
  [ "$skipped" -eq 0 ] || exit 77
}

main "$@"
