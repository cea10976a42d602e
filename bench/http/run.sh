#!/usr/bin/env bash
# Load benchmark of capsule-http against nginx (the ceiling), in one run on the same machine.
#   bench/http/run.sh [BUILD_DIR] [DURATION]      (defaults: build, 10s)
# nginx answers a fixed copy of hello-world's reply; capsule-http serves examples/hello-world on each engine
# (ENGINES, default "interp v8"), first with warm instances, then with --fresh-instance. Each is loaded with
# `wrk -t1 -c32 -d$DURATION` posting {"name":"Bob Morane","age":42}. Prints req/s, p99 latency, the ratio to nginx,
# capsule-http's RSS after the load and, at the end, interp against V8. Then the HTTP stack alone: GET /health,
# which the host answers without the guest, against nginx under the same load.
# Needs nginx and wrk (scripts/setup.sh installs both).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
duration=${2:-10s}
bin="$build/src/runners/http/capsule-http"
wasm="$build/guests/hello-world.wasm"
for f in "$bin" "$wasm"; do [ -e "$f" ] || { echo "missing $f: build capsule-http and guest_hello-world" >&2; exit 1; }; done
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx (scripts/setup.sh)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

reply='{"message":"Bob Morane 42","things":{"emoji":"🐯"}}'
cat > "$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"name":"Bob Morane","age":42}'
wrk.headers["Content-Type"] = "application/json"
LUA

echo 'wrk.method = "GET"' > "$tmp/get.lua"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2; return 1
}

# load NAME URL [SCRIPT] -> prints one result line, sets rps
load() {
  local out
  out=$(wrk -t1 -c32 -d"$duration" --latency -s "${3:-$tmp/post.lua}" "$2")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
  printf '%-28s %12s req/s   p99 %-9s %s\n' "$1" "$rps" "$p99" "$errors"
}

nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type "application/json; charset=utf-8"; return 200 '$reply'; }
  }
}
CONF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" &
pids+=($!)
wait_port "$nginx_port"
echo "wrk -t1 -c32 -d$duration, POST {\"name\":\"Bob Morane\",\"age\":42}; reply $reply ($(printf %s "$reply" | wc -c) bytes); $(nproc) cores"
load "nginx (fixed reply)" "http://127.0.0.1:$nginx_port/"
nginx_rps=$rps

run_capsule() {
  local name=$1; shift
  local port; port=$(free_port)
  "$bin" --wasm="$wasm" --httpPort="$port" --host=127.0.0.1 "$@" >"$tmp/capsule.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  wait_port "$port"
  local check; check=$(curl -s -X POST -d '{"name":"Bob Morane","age":42}' "http://127.0.0.1:$port/")
  [ "$check" = "$reply" ] || { echo "capsule-http answered '$check'" >&2; exit 1; }
  load "$name" "http://127.0.0.1:$port/"
  local main_rps=$rps
  local rss; rss=$(ps -o rss= -p "$pid")
  awk -v a="$rps" -v b="$nginx_rps" -v r="$rss" 'BEGIN { printf "    ratio to nginx %.0f%%, capsule-http RSS %.1f MiB\n", 100 * a / b, r / 1024 }'
  if [ "$stack_only" = 1 ]; then
    # The HTTP stack alone (Beast, the threads, the reply writer): GET /health is answered by the host, since
    # hello-world exports no OnHealthCheck. Compared with nginx under the same GET load.
    load "capsule-http GET /health" "http://127.0.0.1:$port/health" "$tmp/get.lua"
    local stack_rps=$rps
    load "nginx GET /health" "http://127.0.0.1:$nginx_port/health" "$tmp/get.lua"
    awk -v a="$stack_rps" -v b="$rps" 'BEGIN { printf "    HTTP stack alone: %.0f%% of nginx\n", 100 * a / b }'
  fi
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  rps=$main_rps  # the guest's figure, for the caller
}

declare -A result
first=1
for engine in ${ENGINES:-interp v8}; do
  stack_only=$first run_capsule "capsule-http $engine (warm)" --engine="$engine"
  result[$engine.warm]=$rps
  stack_only=0 run_capsule "capsule-http $engine --fresh-instance" --engine="$engine" --fresh-instance
  result[$engine.fresh]=$rps
  first=0
done
if [ -n "${result[interp.warm]:-}" ] && [ -n "${result[v8.warm]:-}" ]; then
  awk -v iw="${result[interp.warm]}" -v vw="${result[v8.warm]}" -v if_="${result[interp.fresh]}" -v vf="${result[v8.fresh]}" \
    'BEGIN { printf "interp / v8: warm %.0f%%, --fresh-instance %.0f%%\n", 100 * iw / vw, 100 * if_ / vf }'
fi
