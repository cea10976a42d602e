# Sourced by bench/faas's scripts: the wrk load they share. Needs $tmp (a scratch directory) and $duration.
#   free_port            a free loopback TCP port
#   load URL [CONNS]     wrk -t1 -cCONNS (32) POSTs of {"name":"Bob Morane","age":42} to URL for $duration:
#                        prints "req/s p99"; wrk's non-2xx and socket-error lines go to stderr
cat > "$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"name":"Bob Morane","age":42}'
wrk.headers["Content-Type"] = "application/json"
LUA
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
load() {
  local out; out=$(wrk -t1 -c"${2:-32}" -d"$duration" --latency -s "$tmp/post.lua" "$1")
  if grep -q "Non-2xx\|Socket errors" <<<"$out"; then grep "Non-2xx\|Socket errors" <<<"$out" >&2; fi
  echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out") $(awk '$1 == "99%" {print $2}' <<<"$out")"
}
