#!/usr/bin/env bash
# The container images hold everything they need: builds both with scripts/image.sh, unpacks each OCI archive with
# umoci and, inside its root filesystem (chroot as the image's user, in a mount namespace of its own with /dev and
# /proc mounted, as a container runtime would), runs `capsule --version`, a CLI module, capsule-http answering
# requests on loopback (and stopping cleanly on SIGTERM), an outbound HTTP call of a module (the HTTP client
# library) and the FaaS front with a function (its children are capsule-http through the link, not capsule-box).
# The full image must run the module on V8 too; the small one must refuse V8 clearly and hold no libnode.
#   tests/image/check_images.sh BUILD_DIR
# Exits 77 (ctest: skipped, with the reason) when not run as root, which buildah, mount and chroot need.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: check_images.sh BUILD_DIR}" && pwd)
if [ "$(id -u)" -ne 0 ]; then
  echo "check_images: skipped: needs root (buildah, mount, chroot)"
  exit 77
fi
for tool in buildah umoci unshare chroot curl; do
  command -v "$tool" >/dev/null || { echo "check_images: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
work=$(mktemp -d -p "$build" .image-test-XXXXXX)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill -9 "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "check_images: FAILED: $*" >&2
  exit 1
}

version=$(sed -n 's/^project(capsule VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
"$root/scripts/image.sh" --build "$build" --out "$work/images"
native_version=$("$build/src/runners/capsule/capsule" --version)
native_hello=$("$build/src/runners/capsule/capsule" --wasm="$build/guests/hello.wasm" --params=Bob)

# Runs a command inside rootfs $1 as the image's user (10001), in place of the calling (sub)shell: call it in $(...) or
# with &, so that the PID seen by the caller is the command's.
inside() {
  local rootfs=$1
  shift
  exec unshare --mount sh -c 'mount --bind /dev "$0/dev" && mount -t proc proc "$0/proc" && exec chroot --userspec=10001:10001 "$0" "$@"' \
    "$rootfs" "$@"
}

# Starts a server inside the image in the background (server_pid), its output in $log; sets port from the line
# "PREFIX listening on http://127.0.0.1:PORT" it prints. Usage: serve WHAT PREFIX ROOTFS COMMAND...
serve() {
  local what=$1 prefix=$2
  shift 2
  inside "$@" >"$log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 150); do
    port=$(grep -oE "${prefix}listening on http://127.0.0.1:[0-9]+" "$log" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  fail "$name: $what did not start: $(cat "$log")"
}

# Stops the server with SIGTERM; it must exit 0.
stop() {
  local status=0
  kill -TERM "$server_pid"
  wait "$server_pid" || status=$?
  server_pid=""
  [ "$status" -eq 0 ] || fail "$name: $1 exited with $status after SIGTERM: $(cat "$log")"
}

for kind in small full; do
  name=capsule-$kind
  layout=$work/$kind-layout
  bundle=$work/$kind-bundle
  mkdir -p "$layout"
  tar -xf "$work/images/$name.tar" -C "$layout"
  umoci unpack --image "$layout:$name:$version" "$bundle" >/dev/null
  rootfs=$bundle/rootfs
  config=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["process"]; print(p["user"]["uid"], p["cwd"])' \
    "$bundle/config.json")
  [ "$config" = "10001 /app" ] || fail "$name: user and working directory are \"$config\", not \"10001 /app\""

  out=$(inside "$rootfs" capsule --version) || fail "$name: capsule --version failed"
  [ "$out" = "$native_version" ] || fail "$name: capsule --version says \"$out\", the build \"$native_version\""

  cp "$build/guests/hello.wasm" "$build/guests/hello-world.wasm" "$build/guests/host_services.wasm" "$rootfs/app/"
  out=$(inside "$rootfs" capsule --wasm=/app/hello.wasm --params=Bob) || fail "$name: the CLI module failed: $out"
  [ "$out" = "$native_hello" ] || fail "$name: the CLI module printed \"$out\", not \"$native_hello\""

  log=$work/$kind-http.log
  serve capsule-http "capsule-http: " "$rootfs" capsule-http --wasm=/app/hello-world.wasm --host=127.0.0.1 --httpPort= \
    --workers=1
  out=$(curl -s -X POST -d '{"name":"image","age":1}' "http://127.0.0.1:$port/")
  [ "$out" = '{"message":"image 1","things":{"emoji":"🐯"}}' ] || fail "$name: capsule-http answered \"$out\""
  [ "$(curl -s "http://127.0.0.1:$port/health")" = '{"status":"ok"}' ] || fail "$name: /health did not answer ok"
  # A module calling out (hostHTTP) from inside the image, to the server running there.
  out=$(inside "$rootfs" capsule --wasm=/app/host_services.wasm \
    "--params=http:{\"URI\":\"http://127.0.0.1:$port/health\",\"Method\":\"GET\"}") ||
    fail "$name: hostHTTP failed: $out"
  [[ "$out" == *'"StatusCode":200'* ]] || fail "$name: hostHTTP answered \"$out\""
  stop capsule-http

  # The FaaS front starts its functions as capsule-http children: through the capsule-http link, not capsule-box.
  log=$work/$kind-faas.log
  CAPSULE_FAAS_TOKEN=image-test serve "the FaaS front" "faas front " "$rootfs" capsule-http --faas \
    --wasm=/app/hello-world.wasm --host=127.0.0.1 --httpPort=
  out=$(curl -s -X POST -d '{"name":"faas","age":2}' "http://127.0.0.1:$port/functions/index.page")
  [ "$out" = '{"message":"faas 2","things":{"emoji":"🐯"}}' ] || fail "$name: the FaaS front answered \"$out\": $(cat "$log")"
  stop "the FaaS front"

  if [ "$kind" = full ]; then
    out=$(inside "$rootfs" capsule --engine=v8 --wasm=/app/hello.wasm --params=Bob 2>&1) ||
      fail "$name: the CLI module on V8 failed: $out"
    [ "$out" = "$native_hello" ] || fail "$name: on V8 the CLI module printed \"$out\""
  else
    if out=$(inside "$rootfs" capsule --engine=v8 --wasm=/app/hello.wasm --params=Bob 2>&1); then
      fail "$name: --engine=v8 ran in the image without V8"
    fi
    [[ "$out" == *"cannot load the V8 backend (libcapsule_v8.so)"* ]] || fail "$name: --engine=v8 said \"$out\""
    [ -z "$(find "$rootfs" -name 'libnode*')" ] || fail "$name: holds libnode"
  fi
  echo "check_images: $name ok ($(du -k "$work/images/$name.tar" | cut -f1) KiB compressed, $(du -sk "$rootfs" | cut -f1) KiB unpacked)"
done
