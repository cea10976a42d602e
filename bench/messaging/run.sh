#!/usr/bin/env bash
# Load benchmark of the message runners, each beside a reference measured in the same run on the same machine:
#   bench/messaging/run.sh [BUILD_DIR] [SECONDS]          (defaults: build, 10)
# - NATS request/reply: bench_nats_requester keeps CONNS connections x INFLIGHT requests outstanding (default
#   4 x 128) for SECONDS against capsule-nats serving bench_echo, then against bench_nats_echo, a native cnats
#   responder doing the same echo; throughput, p50/p99 latency and the ratio.
# - MQTT at QoS 0 and 1: bench_mqtt_publisher publishes N messages to one topic; how fast capsule-mqtt (bench_echo)
#   handles them (counted on its /metrics), against how fast mosquitto_sub drains N messages of the same topic.
#   N is SECONDS x mosquitto_sub's rate in a short calibration. At QoS 0 the broker drops what a consumer slower
#   than the publisher cannot take: capsule-mqtt's rate is then what it handled until its last message.
# Both runners get --workers=<cores>, the native responder as many subscriptions. nats-server and mosquitto run on
# free loopback ports. REPS=n repeats the measurements n times and prints the median of each ratio; ONLY=nats or
# ONLY=mqtt runs one part. Needs nats-server, mosquitto, mosquitto_sub, curl and python3 (scripts/setup.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
seconds=${2:-10}
reps=${REPS:-1}
conns=${CONNS:-4}
inflight=${INFLIGHT:-128}
workers=$(nproc)
nats_bin="$build/src/runners/nats/capsule-nats"
mqtt_bin="$build/src/runners/mqtt/capsule-mqtt"
wasm="$build/guests/bench_echo.wasm"
tools="$build/bench/messaging"
for f in "$nats_bin" "$mqtt_bin" "$wasm" "$tools/bench_nats_requester" "$tools/bench_nats_echo" \
  "$tools/bench_mqtt_publisher"; do
  [ -e "$f" ] || { echo "missing $f: build capsule-nats, capsule-mqtt and the bench targets" >&2; exit 1; }
done
for c in nats-server mosquitto mosquitto_sub curl python3; do
  command -v "$c" >/dev/null || { echo "needs $c (scripts/setup.sh)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ns() { date +%s%N; }
# rate N START_NS -> N per second since START_NS
rate_since() { awk -v n="$1" -v d="$(($(now_ns) - $2))" 'BEGIN { printf "%.0f", n / (d / 1e9) }'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", 100 * a / b }'; }
# median_of "r1 r2 ..." -> their median, or "-" for none
median_of() {
  [ -n "${1// /}" ] || { echo -; return; }
  tr ' ' '\n' <<<"$1" | grep . | sort -n |
    awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# wait_for FILE TEXT: until FILE contains TEXT (at most 10 s).
wait_for() {
  for _ in $(seq 500); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.02; done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; exit 1
}
wait_port() {
  for _ in $(seq 500); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.02; done
  echo "nothing listens on port $1" >&2; exit 1
}
# stop PID: SIGTERM, then wait for it.
stop() { kill -TERM "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
# start LOG COMMAND...: in the background, output to LOG, stopped at exit.
start() { local log=$1; shift; "$@" >"$log" 2>&1 & pids+=($!); }

nats_ratios=""
mqtt0_ratios=""
mqtt1_ratios=""

# --- NATS request/reply ---

# request NAME SUBJECT -> prints one result line, sets rps
request() {
  local out
  out=$("$tools/bench_nats_requester" "$nats_url" "$2" "$seconds" "$conns" "$inflight" hello)
  [ "${out##*reply=}" = "echo:hello" ] || { echo "$1 answered '${out##*reply=}'" >&2; exit 1; }
  field() { sed "s/.*$1=\([0-9]*\).*/\1/" <<<"$out"; }
  rps=$(field rps)
  printf '  %-26s %9s req/s   p50 %6s us   p99 %6s us   lost %s\n' "$1" "$rps" "$(field p50_us)" \
    "$(field p99_us)" "$(field lost)"
}

nats_bench() {
  local port; port=$(free_port)
  nats_url="nats://127.0.0.1:$port"
  start "$tmp/nats-server.log" nats-server -a 127.0.0.1 -p "$port"
  wait_port "$port"
  start "$tmp/capsule-nats.log" "$nats_bin" --wasm="$wasm" --natssrv="$nats_url" --subject=bench.capsule \
    --workers="$workers"
  wait_for "$tmp/capsule-nats.log" "subscribed to bench.capsule"
  start "$tmp/native.log" "$tools/bench_nats_echo" "$nats_url" bench.native "$workers"
  wait_for "$tmp/native.log" ready

  echo "NATS request/reply: $conns connections x $inflight requests in flight, payload \"hello\", ${seconds}s each," \
    "$workers workers, $(nproc) cores"
  for rep in $(seq "$reps"); do
    request "capsule-nats (bench_echo)" bench.capsule
    local capsule=$rps
    request "native cnats responder" bench.native
    local ratio; ratio=$(percent "$capsule" "$rps")
    nats_ratios+="$ratio "
    echo "    run $rep: capsule-nats at $ratio% of the native responder"
  done
  for p in "${pids[@]}"; do stop "$p"; done
  pids=()
}

# --- MQTT ---

# drain QOS N -> sets rate: mosquitto_sub receives N messages that bench_mqtt_publisher publishes.
drain() {
  local id="bench-drain-$1-$RANDOM"
  mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -t bench/in -q "$1" -C "$2" -i "$id" >/dev/null &
  local sub=$!
  pids+=("$sub")
  wait_for "$tmp/mosquitto.log" "$id $1 bench/in"  # the broker logs the subscription
  local t0; t0=$(now_ns)
  "$tools/bench_mqtt_publisher" "$mqtt_port" bench/in "$1" "$2" hello >/dev/null
  wait "$sub"
  rate=$(rate_since "$2" "$t0")
}

# handle QOS N -> sets rate and dropped: capsule-mqtt handles the N messages bench_mqtt_publisher publishes. At QoS 0
# mosquitto drops what a consumer slower than the publisher cannot take: the run ends 2 s after the last progress.
handle() {
  local metrics; metrics=$(free_port)
  "$mqtt_bin" --wasm="$wasm" --mqttsrv="tcp://127.0.0.1:$mqtt_port" --topic=bench/in --qos="$1" \
    --workers="$workers" --metrics-port="$metrics" --metrics-host=127.0.0.1 >"$tmp/capsule-mqtt.log" 2>&1 &
  local runner=$!
  pids+=("$runner")
  wait_for "$tmp/capsule-mqtt.log" "subscribed to bench/in"
  local t0; t0=$(now_ns)
  "$tools/bench_mqtt_publisher" "$mqtt_port" bench/in "$1" "$2" hello >/dev/null
  local count=0 last=0 t_last=$t0 idle=0 patience=$([ "$1" = 0 ] && echo 100 || echo 500)
  while [ "$last" -lt "$2" ]; do
    count=$(curl -s "http://127.0.0.1:$metrics/metrics" | awk '/^capsule_mqtt_messages_total\{result="ok"\}/ { print $2 }')
    if [ "${count:-0}" -gt "$last" ]; then last=$count; t_last=$(now_ns); idle=0; else idle=$((idle + 1)); fi
    if [ "$idle" -ge "$patience" ]; then
      [ "$1" = 0 ] && break
      echo "capsule-mqtt handled only $last of $2 messages, none in the last 10 s:" >&2
      curl -s "http://127.0.0.1:$metrics/metrics" | grep -E '^capsule_mqtt_(messages_total|broker)' >&2
      cat "$tmp/capsule-mqtt.log" >&2
      exit 1
    fi
    [ "$last" -ge "$2" ] || sleep 0.02
  done
  rate=$(awk -v n="$last" -v d="$((t_last - t0))" 'BEGIN { printf "%.0f", n / (d / 1e9) }')
  dropped=$(($2 - last))
  stop "$runner"
}

mqtt_bench() {
  mqtt_port=$(free_port)
  cat >"$tmp/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
allow_anonymous true
max_queued_messages 0
max_inflight_messages 0
log_dest stderr
log_type subscribe
CONF
  start "$tmp/mosquitto.log" mosquitto -c "$tmp/mosquitto.conf"
  wait_port "$mqtt_port"
  for qos in 0 1; do
    drain "$qos" 50000
    local n; n=$(awk -v r="$rate" -v s="$seconds" 'BEGIN { n = int(r * s); print (n < 50000 ? 50000 : n) }')
    echo "MQTT QoS $qos: $n messages of 5 bytes, capsule-mqtt with $workers workers"
    for rep in $(seq "$reps"); do
      drain "$qos" "$n"
      local ref=$rate
      handle "$qos" "$n"
      local ratio; ratio=$(percent "$rate" "$ref")
      if [ "$qos" = 0 ]; then mqtt0_ratios+="$ratio "; else mqtt1_ratios+="$ratio "; fi
      printf '  run %s: mosquitto_sub %9s msg/s   capsule-mqtt %9s msg/s   ratio %s%%%s\n' "$rep" "$ref" "$rate" \
        "$ratio" "$([ "$dropped" = 0 ] || echo "   (mosquitto dropped $dropped of them for capsule-mqtt)")"
    done
  done
}

case "${ONLY:-all}" in
  nats) nats_bench ;;
  mqtt) mqtt_bench ;;
  *) nats_bench; mqtt_bench ;;
esac
echo "Medians of $reps run(s): capsule-nats/native $(median_of "$nats_ratios")%," \
  "capsule-mqtt/mosquitto_sub QoS 0 $(median_of "$mqtt0_ratios")%, QoS 1 $(median_of "$mqtt1_ratios")%"
