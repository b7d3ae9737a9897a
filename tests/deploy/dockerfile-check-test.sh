#!/usr/bin/env bash
# Tests the Dockerfile check (deploy/validate/check-dockerfile.mjs) on changed copies of the
# Dockerfile: each change below breaks one rule of the image's web console (its Node.js stage,
# the folder compiled in as --console-dir's default, the copies into the runtime stage, the web
# port) and the check must fail naming it; the Dockerfile itself must pass.
#   tests/deploy/dockerfile-check-test.sh REPO_ROOT
set -euo pipefail
root="${1:?usage: dockerfile-check-test.sh REPO_ROOT}"
command -v node >/dev/null 2>&1 || { echo "SKIPPED: node not found"; exit 77; }
check="$root/deploy/validate/check-dockerfile.mjs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

# expect_failure NAME SED_SCRIPT MESSAGE: the Dockerfile changed by SED_SCRIPT fails with MESSAGE.
expect_failure() {
  local name="$1" script="$2" message="$3" output code
  sed "$script" "$root/Dockerfile" >"$work/Dockerfile"
  if cmp -s "$root/Dockerfile" "$work/Dockerfile"; then
    echo "FAIL: $name: the change '$script' matched nothing in the Dockerfile" >&2
    failures=$((failures + 1))
    return
  fi
  set +e
  output="$(node "$check" "$root" "$work/Dockerfile" 2>&1)"
  code=$?
  set -e
  if [ "$code" -ne 1 ] || ! grep -qF -- "$message" <<<"$output"; then
    echo "FAIL: $name: expected exit 1 and '$message', got exit $code:" >&2
    echo "$output" >&2
    failures=$((failures + 1))
  else
    echo "ok: $name"
  fi
}

if node "$check" "$root" >"$work/out" 2>&1; then
  echo "ok: the Dockerfile passes"
else
  echo "FAIL: the Dockerfile itself fails the check:" >&2
  cat "$work/out" >&2
  failures=$((failures + 1))
fi
expect_failure "no console stage" 's/ AS console$/ AS web/' "needs a stage named console"
expect_failure "Node.js 18" 's/^FROM node:20-/FROM node:18-/' "must be a node image of Node.js 20.19+"
expect_failure "Node.js 20.18" 's/^FROM node:20-/FROM node:20.18-/' "must be a node image of Node.js 20.19+"
expect_failure "npm install in place of npm ci" 's/npm ci /npm install /' "must install with npm ci"
expect_failure "package.json not copied before npm ci" \
  '/^COPY console\/package.json/d' "must COPY console/package.json before npm ci"
expect_failure "no console build" '/npm run.*build/d' "must run npm run build"
expect_failure "no console folder compiled in" '/-DVMM_DEFAULT_CONSOLE_DIR=/d' \
  "must configure -DVMM_DEFAULT_CONSOLE_DIR"
expect_failure "no flag-help.json" '/vmm_flag_help_json \/out/d' "must run vmm_flag_help_json"
expect_failure "runtime without the console" '/^COPY --from=console /d' \
  "the runtime stage must COPY --from=console"
expect_failure "console copied elsewhere" 's|^\(COPY --from=console .*\) /opt/vmm/console/$|\1 /srv/console/|' \
  "the runtime stage must COPY --from=console"
expect_failure "runtime without flag-help.json" '/^COPY --from=build .*flag-help.json/d' \
  "the runtime stage must COPY --from=build"
expect_failure "web port not exposed" 's/^EXPOSE 8000 /EXPOSE /' "must EXPOSE 8000"

[ "$failures" -eq 0 ] || { echo "$failures checks failed" >&2; exit 1; }
echo "dockerfile check: every broken rule is caught"
