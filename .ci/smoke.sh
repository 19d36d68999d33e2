#!/usr/bin/env bash
# Runs the README's quick start exactly as a newcomer types it, in the repository it is started from
# (after `npm ci`): `npx tapline --version`, `npx tapline serve` until /healthz answers and then SIGTERM,
# `npx tapline demo --exit --port 0`. Uses whichever `node` is first on PATH. Any failure exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "smoke ($(node --version)): $*"; }
fail() {
  echo "smoke ($(node --version)): FAILED: $*" >&2
  exit 1
}

work=$(mktemp -d)
npx_pid=
cleanup() {
  if [[ -n "$npx_pid" ]] && kill -0 "$npx_pid" 2>/dev/null; then kill -KILL "$npx_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Every process below $1, depth first.
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

say "npx tapline --version"
version=$(npx tapline --version)
expected=$(node -p 'require("./packages/cli/package.json").version')
[[ "$version" == "$expected" ]] || fail "--version printed '$version', expected '$expected'"

say "npx tapline --help lists the commands"
help=$(npx tapline --help)
for command in serve demo layer function resolver; do
  grep -qE "^  $command( |$)" <<<"$help" || fail "--help does not list '$command'"
done

port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
say "npx tapline serve (TAPLINE_PORT=$port)"
TAPLINE_PORT=$port TAPLINE_DATA_DIR="$work/data" npx tapline serve >"$work/serve.log" 2>&1 &
npx_pid=$!
healthy=
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    healthy=1
    break
  fi
  kill -0 "$npx_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n "$healthy" ]] || fail "/healthz did not answer within 30 s: $(cat "$work/serve.log")"

# npx runs the bin through a shell; signal the tapline process itself, as a user's Ctrl-C or a process
# manager would (npm answers a signal sent to it with exit 143).
tree=$(descendants "$npx_pid")
tapline_pid=
for pid in $tree; do
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE '(^|/)node .*tapline(\.js)? serve'; then tapline_pid=$pid; fi
done
[[ -n "$tapline_pid" ]] || fail "no tapline process below npx ($npx_pid): $(ps -o pid=,args= -p "${tree//$'\n'/,}" 2>/dev/null)"
kill -TERM "$tapline_pid"
status=0
wait "$npx_pid" || status=$?
npx_pid=
[[ "$status" == 0 ]] || fail "tapline serve exited with $status after SIGTERM: $(cat "$work/serve.log")"
left=
for pid in $tree; do kill -0 "$pid" 2>/dev/null && left+=" $pid"; done
[[ -z "$left" ]] || fail "processes left behind after tapline serve stopped:$left"
grep -q 'SIGTERM received, stopping' "$work/serve.log" || fail "serve did not report the SIGTERM: $(cat "$work/serve.log")"

say "npx tapline demo --exit --port 0"
npx tapline demo --exit --port 0 >"$work/demo.out" 2>"$work/demo.err" ||
  fail "demo exited with $?: $(cat "$work/demo.err")"
grep -q 'Dashboard: http://127.0.0.1:' "$work/demo.out" || fail "demo printed no dashboard URL: $(cat "$work/demo.out")"
grep -qE 'sent [0-9]+ requests \(0 failed\)' "$work/demo.out" || fail "demo requests failed: $(cat "$work/demo.out")"

say "ok"
