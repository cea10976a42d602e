#!/usr/bin/env bash
# Load benchmark of the FaaS front (capsule-http --faas) against calling its child directly, in one run.
#   bench/faas/run.sh [BUILD_DIR] [DURATION] [RUNS]      (defaults: build, 10s, 3)
# Starts a front on loopback, starts examples/hello-world behind it (one child), then alternates `wrk -t1 -c32`
# POSTs of {"name":"Bob Morane","age":42} straight to the child and through the front (/functions/hello), RUNS times
# each, and prints req/s, p99 and the front's share of the direct figure per run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
duration=${2:-10s}
runs=${3:-3}
bin="$build/src/runners/http/capsule-http"
[ -x "$bin" ] && [ -e "$build/guests/hello-world.wasm" ] || { echo "build capsule-http and guest_hello-world first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (scripts/setup.sh)" >&2; exit 1; }

tmp=$(mktemp -d)
front=""
cleanup() { [ -n "$front" ] && kill "$front" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
. "$root/bench/faas/load.sh"
port=$(free_port)
export CAPSULE_FAAS_TOKEN=bench-$$
"$bin" --faas --host=127.0.0.1 --httpPort="$port" --functions-dir="$build/guests" >"$tmp/front.log" 2>&1 &
front=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.05; done
curl -sf -X POST "http://127.0.0.1:$port/functions/start" -H "CAPSULE_FAAS_TOKEN: $CAPSULE_FAAS_TOKEN" \
  -d '{"name":"hello","args":["","--wasm=hello-world.wasm"]}' >/dev/null
child=$(curl -s "http://127.0.0.1:$port/functions/processes" -H "CAPSULE_FAAS_TOKEN: $CAPSULE_FAAS_TOKEN" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["hello/default/0"]["httpPort"])')

echo "wrk -t1 -c32 -d$duration POST hello-world; $(nproc) cores; child on port $child, front on $port"
for i in $(seq "$runs"); do
  read -r direct direct_p99 < <(load "http://127.0.0.1:$child/")
  read -r via via_p99 < <(load "http://127.0.0.1:$port/functions/hello")
  awk -v i="$i" -v d="$direct" -v dp="$direct_p99" -v v="$via" -v vp="$via_p99" \
    'BEGIN { printf "run %d: direct %.0f req/s (p99 %s), through the front %.0f req/s (p99 %s): %.0f%%\n", i, d, dp, v, vp, 100 * v / d }'
done
