#!/usr/bin/env bash
# Installs the HDK from a build tree into a temporary prefix, builds tests/install/consumer against it with
# find_package(Capsule), and runs it on a guest. Usage: check_install.sh BUILD_DIR GUEST.wasm [CXX_FLAGS]
# CXX_FLAGS: compiler and linker flags the consumer needs to link the library (the sanitizer build's).
set -euo pipefail
build=$1 guest=$2 flags=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$here/consumer" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$tmp/build" >/dev/null
# The V8 backend the consumer loads is the installed one.
[[ -f "$tmp/prefix/lib/capsule/libcapsule_v8.so" ]]
out=$(CAPSULE_V8_LIBRARY="$tmp/prefix/lib/capsule/libcapsule_v8.so" "$tmp/build/consumer" "$guest")
echo "$out"
[[ "$out" == exports:* ]]
