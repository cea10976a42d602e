#!/usr/bin/env bash
# CLI cold start: times `capsule --wasm=<hello guest> --params=Bob` (process start, compile, instantiate, call,
# exit) on the default engine (interp) and with --engine=v8, against native references in the same hyperfine run,
# and prints the ratios. References: a native hello, /bin/true, and bench_libnode_floor (an empty program linked
# against libnode: the loader's share of the V8 run).
#
# Usage: bench/cli_cold_start.sh [BUILD_DIR]         (default: build-bench, then build)
# Environment: CAPSULE_BIN (the CLI), HELLO_WASM (the guest), NATIVE_HELLO (a native hello), RUNS (default 30),
# NO_V8=1 (a build without the V8 backend).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-}"

find_first() {  # prints the first existing file among its arguments
  for f in "$@"; do [[ -f "$f" ]] && { echo "$f"; return 0; }; done
  return 1
}
dirs=()
if [[ -n "$build" ]]; then dirs+=("$build"); else dirs+=("$root/build-bench" "$root/build"); fi

cli="${CAPSULE_BIN:-}"
if [[ -z "$cli" ]]; then
  for d in "${dirs[@]}"; do cli="$(find_first "$d/src/runners/capsule/capsule")" && break || cli=""; done
fi
[[ -x "$cli" ]] || { echo "cli_cold_start: no capsule CLI found (build target 'capsule' or set CAPSULE_BIN)" >&2; exit 1; }

hello="${HELLO_WASM:-}"
if [[ -z "$hello" ]]; then
  for d in "${dirs[@]}"; do
    hello="$(find_first "$d/guests/hello.wasm" "$d"/guests/*hello*.wasm "$d"/examples/*/hello*.wasm)" && break || hello=""
  done
fi
[[ -f "$hello" ]] || { echo "cli_cold_start: no hello guest found (build the guests or set HELLO_WASM)" >&2; exit 1; }

native="${NATIVE_HELLO:-}"
if [[ -z "$native" ]]; then
  for d in "${dirs[@]}"; do native="$(find_first "$d/bench/bench_native_hello")" && break || native=""; done
fi
[[ -x "$native" ]] || { echo "cli_cold_start: no bench_native_hello (build it or set NATIVE_HELLO)" >&2; exit 1; }

floor=""
for d in "${dirs[@]}"; do floor="$(find_first "$d/bench/bench_libnode_floor")" && break || floor=""; done

runs="${RUNS:-30}"
unset CAPSULE_ENGINE  # the default engine, as a user gets it
echo "CLI:    $cli"
echo "guest:  $hello"
echo "output: $("$cli" --wasm="$hello" --params=Bob)"

json="$(mktemp)"
trap 'rm -f "$json"' EXIT
cmds=(-n capsule "$cli --wasm=$hello --params=Bob" -n capsule_v8 "$cli --engine=v8 --wasm=$hello --params=Bob"
      -n native_hello "$native Bob" -n true /bin/true)
[[ -n "${NO_V8:-}" ]] && cmds=("${cmds[@]:0:2}" "${cmds[@]:4}")
[[ -n "$floor" ]] && cmds+=(-n libnode_floor "$floor")
hyperfine -N --warmup 3 --runs "$runs" --export-json "$json" "${cmds[@]}"

# Mean and standard deviation of each command, and the ratios against the references.
jq -r '
  def ms: . * 1000 * 100 | round / 100;
  def x: . * 10 | round / 10;
  (.results | map({(.command): .}) | add) as $r
  | "\n== CLI cold start (mean of \($r.capsule.times | length) runs, same hyperfine run) ==",
    (.results[] | "\(.command | . + " " * (14 - length)) \(.mean | ms) ms  ± \(.stddev | ms) ms  (user \(.user | ms), sys \(.system | ms))"),
    "capsule median: \($r.capsule.median | ms) ms",
    "capsule / native_hello: \($r.capsule.mean / $r.native_hello.mean | x)x",
    (if $r.capsule_v8 then
      "capsule_v8 / capsule:   \($r.capsule_v8.mean / $r.capsule.mean | x)x" else empty end),
    "capsule / true:         \($r.capsule.mean / $r.true.mean | x)x",
    (if $r.libnode_floor and $r.capsule_v8 then
      "capsule_v8 / libnode_floor: \($r.capsule_v8.mean / $r.libnode_floor.mean | x)x   (capsule_v8 minus loading libnode: \($r.capsule_v8.mean - $r.libnode_floor.mean | ms) ms)"
     else empty end)' "$json"
