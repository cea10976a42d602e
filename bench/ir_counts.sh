#!/usr/bin/env bash
# Instruction counts (valgrind callgrind) of the engine's call paths and of the compute guests, wasm vs native.
# Unlike times, they do not depend on what else runs on the machine. Runs bench/ir_probe.cc once per probe.
#
# Usage: bench/ir_counts.sh [BUILD_DIR] [probe...]     probes: noop hostcall fib sha256 (default: all)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-bench}"
shift || true
probes=("$@")
[[ ${#probes[@]} -gt 0 ]] || probes=(noop hostcall fib sha256)
probe="$build/bench/capsule_ir_probe"
[[ -x "$probe" ]] || { echo "ir_counts: build target capsule_ir_probe first ($probe)" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Inclusive instruction count of function $2 in callgrind output $1.
inclusive() {
  callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
    awk -v fn="$2" '!done && index($0, fn) { gsub(",", "", $1); print $1; done = 1 }'
}

printf "\n== Instructions (callgrind; per unit of work) ==\n"
printf "%-10s %-26s %14s %14s %8s\n" probe unit wasm native ratio
for p in "${probes[@]}"; do
  case "$p" in
    noop) unit="per C++ -> wasm call"; n=10000 ;;
    hostcall) unit="per wasm -> host call"; n=10000 ;;
    fib) unit="fib(25)"; n=1 ;;
    sha256) unit="sha256 of 1 MiB"; n=1 ;;
    *) echo "ir_counts: unknown probe $p" >&2; exit 2 ;;
  esac
  valgrind --tool=callgrind --callgrind-out-file="$out/$p" "--toggle-collect=*MeasuredWasm*" \
    "--toggle-collect=*MeasuredNative*" "$probe" "$p" >/dev/null 2>"$out/$p.log" ||
    { cat "$out/$p.log" >&2; exit 1; }
  wasm="$(inclusive "$out/$p" MeasuredWasm)"
  native="$(inclusive "$out/$p" MeasuredNative)"
  awk -v p="$p" -v u="$unit" -v w="$wasm" -v nat="$native" -v n="$n" \
    'BEGIN { printf "%-10s %-26s %14.0f %14.0f %7.2fx\n", p, u, w / n, nat / n, w / nat }'
done
