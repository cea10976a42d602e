#!/usr/bin/env bash
# Installs every system dependency of Capsule from Debian 12 packages. This is the only place they are listed.
# Run as root (or with sudo). Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

packages=(
  # build
  build-essential cmake ninja-build pkg-config git ca-certificates curl
  # guests: C to wasm32-wasi
  clang lld wasi-libc libclang-rt-14-dev-wasm32
  # guests: Rust to wasm32-wasi (sdk/rust; CMake uses /usr/bin/rustc and /usr/bin/cargo, offline)
  rustc cargo libstd-rust-dev-wasm32
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev hyperfine valgrind
  # spec tests: wast2json turns the official core testsuite's .wast files into JSON + .wasm (tests/spec)
  wabt
  # the documentation site (mkdocs.yml, scripts/docs.sh) and the HDK's API reference (docs/Doxyfile)
  mkdocs doxygen
  # container images (scripts/image.sh: buildah from scratch; tests/image unpacks them with umoci)
  buildah umoci
  # tests/deploy reads the Kubernetes manifests
  python3-yaml
  # the interpreter's differential test: random valid modules from binaryen's wasm-opt --translate-to-fuzz
  binaryen
  # host libraries: Redis (hiredis); outbound HTTP is our own client on Boost.Beast and OpenSSL (below)
  libhiredis-dev
  # capsule-http: HTTP/1.1 server (Boost.Beast/Asio), TLS, JSON; openssl makes test certificates
  libboost1.74-dev libssl-dev nlohmann-json3-dev openssl
  # capsule-http --faas: its functions file (--config, POST /functions/apply) in YAML or JSON
  libyaml-cpp-dev
  # bench/http: the nginx ceiling and the load generator
  nginx-light wrk python3
  # host-function tests: a real Redis server, and a real HTTP proxy for hostHTTP through http_proxy/https_proxy
  redis-server tinyproxy
  # messaging: NATS (cnats) and MQTT (libmosquitto) clients; real brokers and the MQTT command-line clients for the
  # tests and benchmarks
  libnats-dev libmosquitto-dev nats-server mosquitto mosquitto-clients
  # runtime dependencies of libnode108 (V8 10.2), which is unpacked below when it cannot be installed
  libicu72 libuv1 libc-ares2 libnghttp2-14 libbrotli1 libssl3 zlib1g
)

# Refresh the package lists unless this script did so during the last day.
stamp=/var/lib/apt/periodic/capsule-updated
if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
  $SUDO apt-get update -qq
  $SUDO mkdir -p "$(dirname "$stamp")" && $SUDO touch "$stamp"
fi
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

# guests: AssemblyScript (sdk/assemblyscript) with the asc its package-lock.json pins, installed by npm ci. Node.js
# and npm are Debian's nodejs and npm, unless a Node.js with its own npm is installed (NodeSource's nodejs bundles
# npm, and Debian's npm package conflicts with it).
if command -v node >/dev/null && command -v npm >/dev/null; then
  owner=$(dpkg -S "$(readlink -f "$(command -v node)")" 2>/dev/null | cut -d: -f1 || true)
  echo "setup: using node $(node --version) and npm $(npm --version) (${owner:-not a Debian package})"
else
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
as_dir="$root/sdk/assemblyscript"
if cmp -s "$as_dir/package-lock.json" "$as_dir/node_modules/.capsule-package-lock.json"; then
  echo "setup: sdk/assemblyscript/node_modules matches its package-lock.json"
else
  (cd "$as_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  cp "$as_dir/package-lock.json" "$as_dir/node_modules/.capsule-package-lock.json"
  echo "setup: installed sdk/assemblyscript/node_modules (npm ci)"
fi

# V8 comes from Debian's libnode (Node 18, V8 10.2). Where a non-Debian Node.js blocks libnode-dev, the two
# packages are unpacked into .deps/libnode (git-ignored) and CMake uses them from there.
v8_version_ok() { grep -qs '#define V8_MAJOR_VERSION 10' "$1/v8-version.h"; }
if v8_version_ok /usr/include/node && [ -e /usr/lib/x86_64-linux-gnu/libnode.so.108 ]; then
  echo "setup: using the installed libnode-dev"
elif $SUDO apt-get install -y -qq --no-install-recommends libnode-dev >/dev/null 2>&1 && v8_version_ok /usr/include/node; then
  echo "setup: installed libnode-dev"
else
  dest="$root/.deps/libnode"
  if ! v8_version_ok "$dest/usr/include/node"; then
    tmp=$(mktemp -d)
    if ! (cd "$tmp" && apt-get download libnode108 libnode-dev 2>"$tmp/log" >/dev/null) ||
       [ "$(ls "$tmp"/*.deb 2>/dev/null | wc -l)" -ne 2 ]; then
      echo "setup: cannot download libnode108 and libnode-dev:" >&2
      cat "$tmp/log" >&2
      exit 1
    fi
    rm -rf "$dest" && mkdir -p "$dest"
    for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$dest"; done
    rm -rf "$tmp"
  fi
  echo "setup: libnode108 unpacked into $dest"
fi
