#!/usr/bin/env bash
# Load benchmark of the FaaS front's scale-out over NATS, in one run: the same front serves the same module as a
# revision of two capsule-nats workers ("via": "nats") and as a revision of one local capsule-http child; wrk
# alternates between the two.
#   bench/faas/nats.sh [BUILD_DIR] [DURATION] [RUNS] [CONNECTIONS]     (defaults: build, 10s, 3, 32)
# Prints req/s and p99 of each and the NATS revision's share of the local child's figure per run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
duration=${2:-10s}
runs=${3:-3}
connections=${4:-32}
http="$build/src/runners/http/capsule-http"
nats="$build/src/runners/nats/capsule-nats"
[ -x "$http" ] && [ -x "$nats" ] && [ -e "$build/guests/hello-world.wasm" ] ||
  { echo "build capsule-http, capsule-nats and guest_hello-world first" >&2; exit 1; }
command -v wrk >/dev/null && command -v nats-server >/dev/null || { echo "needs wrk and nats-server (scripts/setup.sh)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
. "$root/bench/faas/load.sh"
nats_port=$(free_port)
nats-server -a 127.0.0.1 -p "$nats_port" >"$tmp/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null && break; sleep 0.05; done
port=$(free_port)
export CAPSULE_FAAS_TOKEN=bench-$$
"$http" --faas --host=127.0.0.1 --httpPort="$port" --functions-dir="$build/guests" \
  --natssrv="nats://127.0.0.1:$nats_port" >"$tmp/front.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.05; done
admin() { curl -sf -X POST "http://127.0.0.1:$port/functions/start" -H "CAPSULE_FAAS_TOKEN: $CAPSULE_FAAS_TOKEN" -d "$1" >/dev/null; }
admin '{"name":"local","args":["","--wasm=hello-world.wasm"]}'
admin '{"name":"remote","via":"nats"}'
for w in 1 2; do
  "$nats" --wasm="$build/guests/hello-world.wasm" --natssrv="nats://127.0.0.1:$nats_port" --faas-function=remote \
    --workers=1 >"$tmp/worker$w.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -d '{}' "http://127.0.0.1:$port/functions/remote")" = 200 ] && break
  sleep 0.05
done

echo "wrk -t1 -c$connections -d$duration POST hello-world; $(nproc) cores; front on $port, nats-server on $nats_port"
for i in $(seq "$runs"); do
  read -r local local_p99 < <(load "http://127.0.0.1:$port/functions/local" "$connections")
  read -r remote remote_p99 < <(load "http://127.0.0.1:$port/functions/remote" "$connections")
  awk -v i="$i" -v l="$local" -v lp="$local_p99" -v r="$remote" -v rp="$remote_p99" \
    'BEGIN { printf "run %d: local child %.0f req/s (p99 %s), two NATS workers %.0f req/s (p99 %s): %.0f%%\n", i, l, lp, r, rp, 100 * r / l }'
done
for w in 1 2; do grep -h "serving HTTP" "$tmp/worker$w.log" >/dev/null || { echo "worker $w did not start:" >&2; cat "$tmp/worker$w.log" >&2; }; done
