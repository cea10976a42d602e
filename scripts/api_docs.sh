#!/usr/bin/env bash
# Builds the HDK's API reference from the public headers (include/capsule) with Doxygen (docs/Doxyfile) into
# BUILD_DIR/api, or OUT when given; any warning fails (an undocumented public entity, a broken doc comment):
#   scripts/api_docs.sh [BUILD_DIR [OUT]]      (default: build, build/api)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$build/api}
command -v doxygen >/dev/null || { echo "api_docs: doxygen is missing (scripts/setup.sh installs it)" >&2; exit 1; }
version=$(sed -n 's/^project(capsule VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! (cd "$root" && CAPSULE_VERSION=$version CAPSULE_API_OUT=$out doxygen docs/Doxyfile) >"$log" 2>&1 || [ -s "$log" ]; then
  echo "api_docs: doxygen failed:" >&2
  cat "$log" >&2
  exit 1
fi
echo "api_docs: $out/index.html"
