#!/usr/bin/env bash
# Installs the HDK from a build tree into a temporary prefix, builds tests/install/consumer against it with
# find_package(Capsule), and runs it on a guest: on interp, and on the installed V8 backend when the build has one.
# Checks that the package's version, `capsule --version` and the newest version of CHANGELOG.md agree.
# Usage: check_install.sh BUILD_DIR GUEST.wasm [CXX_FLAGS [WITH_V8]]
# CXX_FLAGS: compiler and linker flags the consumer needs to link the library (the sanitizer build's).
# WITH_V8: ON (default) when the build has the V8 backend, OFF otherwise.
set -euo pipefail
build=$1 guest=$2 flags=${3:-} with_v8=${4:-ON}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$here/consumer" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
cmake --build "$tmp/build" >/dev/null
package_version=$(cat "$tmp/build/capsule_version.txt")
cli_version=$("$build/src/runners/capsule/capsule" --version)
changelog_version=$(grep -m1 -oE '^## [0-9]+\.[0-9]+\.[0-9]+' "$here/../../CHANGELOG.md" | cut -c4-)
echo "package $package_version, $cli_version, CHANGELOG.md $changelog_version"
[[ "$cli_version" == "capsule v$package_version "* ]]
[[ "$changelog_version" == "$package_version" ]]
out=$(env -u CAPSULE_ENGINE "$tmp/build/consumer" "$guest")
echo "$out"
[[ "$out" == exports:*"(interp)" ]]
if [[ "$with_v8" == ON ]]; then
  # The V8 backend the consumer loads is the installed one.
  [[ -f "$tmp/prefix/lib/capsule/libcapsule_v8.so" ]]
  out=$(CAPSULE_ENGINE=v8 CAPSULE_V8_LIBRARY="$tmp/prefix/lib/capsule/libcapsule_v8.so" "$tmp/build/consumer" "$guest")
  echo "$out"
  [[ "$out" == exports:*"(v8)" ]]
else
  [[ ! -e "$tmp/prefix/lib/capsule/libcapsule_v8.so" ]]
fi
