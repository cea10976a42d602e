#!/usr/bin/env bash
# Builds the benchmarks in Release (own build dir, default build-bench) and runs them all: the engine and compute
# benchmarks (Google Benchmark, with a summary of ratios) and the CLI cold start (hyperfine).
#
# Usage: bench/run.sh [benchmark flags...]   e.g. bench/run.sh --benchmark_filter=call/
# Environment: BUILD_DIR (default build-bench), REPS (repetitions, default 3), SKIP_CLI=1 (no cold-start run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
reps="${REPS:-3}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCAPSULE_BUILD_TESTS=OFF \
  -DCAPSULE_BUILD_BENCH=ON >/dev/null
targets=(capsule_bench bench_native_hello bench_libnode_floor)
known="$(cmake --build "$build" --target help)"
for t in capsule guest_hello; do grep -q "^$t:" <<<"$known" && targets+=("$t"); done
cmake --build "$build" -j2 --target "${targets[@]}"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/capsule_bench" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true "$@"

if [[ "${SKIP_CLI:-0}" != 1 ]]; then
  "$root/bench/cli_cold_start.sh" "$build" || echo "(CLI cold start skipped: see the message above)"
fi
