#!/usr/bin/env bash
# Builds the documentation site (mkdocs.yml) into BUILD_DIR/site, strictly (any warning fails):
#   scripts/docs.sh [BUILD_DIR]      (default: build; the runners must be built there)
# The site's sources are docs/, plus pages made here so that they cannot drift from what they describe: one flag
# page per runner from its --help-markdown, and the SDKs' READMEs (links to files outside the site point to
# their place in the repository), the benchmarks' READMEs, and the metrics the runners serve; the HDK's API reference
# (scripts/api_docs.sh) goes into BUILD_DIR/site/api.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
command -v mkdocs >/dev/null || { echo "docs: mkdocs is missing (scripts/setup.sh installs it)" >&2; exit 1; }
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
cp -r "$root/docs" "$src/docs"
cp "$root/mkdocs.yml" "$src/mkdocs.yml"
mkdir -p "$src/docs/flags" "$src/docs/sdk"
runners="$build/src/runners"
"$runners/capsule/capsule" --help-markdown >"$src/docs/flags/capsule.md"
"$runners/capsule/capsule" run --help-markdown >"$src/docs/flags/capsule-run.md"
"$runners/http/capsule-http" --help-markdown >"$src/docs/flags/capsule-http.md"
"$runners/nats/capsule-nats" --help-markdown >"$src/docs/flags/capsule-nats.md"
"$runners/mqtt/capsule-mqtt" --help-markdown >"$src/docs/flags/capsule-mqtt.md"
"$runners/capsctl/capsctl" --help-markdown >"$src/docs/flags/capsctl.md"
# A README of the repository as a page, its relative links to files of the repository rewritten as plain text (they are not pages).
repo_page() {  # README DIR_IN_REPO OUT
  python3 - "$1" "$2" "$3" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def plain(m):
    label, target = m.group(1), m.group(2)
    if re.match(r"[a-z]+://|#", target):
        return m.group(0)
    return f"{label} (`{sys.argv[2]}/{target}`)" if not label.startswith("`") else f"{label}"
open(sys.argv[3], "w").write(re.sub(r"\[([^\]]+)\]\(([^)]+)\)", plain, text))
PY
}
repo_page "$root/sdk/README.md" sdk "$src/docs/sdk/index.md"
repo_page "$root/sdk/c/README.md" sdk/c "$src/docs/sdk/c.md"
repo_page "$root/sdk/rust/README.md" sdk/rust "$src/docs/sdk/rust.md"
repo_page "$root/sdk/assemblyscript/README.md" sdk/assemblyscript "$src/docs/sdk/assemblyscript.md"
mkdir -p "$src/docs/bench"
repo_page "$root/bench/README.md" bench "$src/docs/bench/index.md"
repo_page "$root/bench/faas/README.md" bench/faas "$src/docs/bench/faas.md"
# The metrics reference: what capsule-http and the FaaS front really serve at /capsule/metrics (their HELP and TYPE
# lines), after one call each.
metrics_table() {  # reads Prometheus text on stdin, prints a Markdown table of its metric families
  python3 -c '
import sys
helps, types, order = {}, {}, []
for line in sys.stdin:
    parts = line.rstrip("\n").split(" ", 3)
    if len(parts) >= 4 and parts[0] == "#" and parts[1] in ("HELP", "TYPE"):
        name = parts[2]
        if name not in order: order.append(name)
        (helps if parts[1] == "HELP" else types)[name] = parts[3]
print("| metric | type | meaning |\n|---|---|---|")
for name in order:
    print("| `%s` | %s | %s |" % (name, types.get(name, ""), helps.get(name, "").replace("|", "\\|")))
'
}
serve_and_scrape() {  # PATH-TO-CALL ARGS... : starts capsule-http with ARGS, calls PATH once, prints its metrics
  local call=$1; shift
  local log; log=$(mktemp -p "$src")
  "$runners/http/capsule-http" --host=127.0.0.1 --httpPort= "$@" >"$log" 2>&1 &
  local pid=$! port=""
  for _ in $(seq 200); do
    port=$(grep -oE 'listening on http://127.0.0.1:[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || true)
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "docs: capsule-http did not start:" >&2; cat "$log" >&2; kill "$pid"; return 1; }
  curl -s -o /dev/null -X POST "http://127.0.0.1:$port$call" -d '{"name":"docs","age":1}' || true
  curl -s "http://127.0.0.1:$port/capsule/metrics"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
{
  echo "# Metrics reference"
  echo
  echo "Every runner serves Prometheus metrics: \`capsule-http\` at \`GET /capsule/metrics\` (and at \`GET /metrics\`"
  echo "when the module has no \`OnMetrics\`), the FaaS front at \`GET /capsule/metrics\`, \`capsule-nats\` and"
  echo "\`capsule-mqtt\` at \`GET /metrics\` on \`--metrics-port\` (their table is in [messaging](messaging.md)). The"
  echo "tables below are what the runners of this build answered when the site was built."
  echo
  echo "## capsule-http"
  echo
  serve_and_scrape / --wasm="$build/guests/hello-world.wasm" | metrics_table
  echo
  echo "## The FaaS front (capsule-http --faas)"
  echo
  CAPSULE_FAAS_TOKEN=docs serve_and_scrape /functions/none --faas | metrics_table
} >"$src/docs/metrics.md"
mkdocs build --strict --quiet -f "$src/mkdocs.yml" -d "$build/site"
# The HDK's API reference (Doxygen, warnings as errors) inside the site, linked from the HDK page.
"$root/scripts/api_docs.sh" "$build" "$build/site/api" >/dev/null
echo "docs: $build/site/index.html"
