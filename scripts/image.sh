#!/usr/bin/env bash
# Builds the container images capsule-small (the runners without V8) and capsule-full (with the V8 backend) from a
# build, with Debian's buildah, into OCI archives with gzip-compressed layers (so an archive's size is what a
# registry stores and a pull downloads):
#   scripts/image.sh [--build DIR] [--out DIR]      (defaults: build/ and BUILD/images)
# -> OUT/capsule-small.tar and OUT/capsule-full.tar, tagged capsule-small:VERSION and capsule-full:VERSION. Load one
# with `podman load -i OUT/capsule-small.tar` or `docker load -i ...`. Each image starts FROM scratch (no registry is
# needed) with the root filesystem of scripts/image_rootfs.sh; buildah keeps its storage (vfs) under OUT and removes
# it at the end. Run as root (buildah mounts the image's filesystem).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "image: unknown argument \"$1\" (see --help)" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
out=${out:-$build/images}
command -v buildah >/dev/null || { echo "image: buildah is missing (scripts/setup.sh installs it)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "image: run as root (buildah mounts the image's root filesystem)" >&2; exit 1; }
version=$(sed -n 's/^project(capsule VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
[ -n "$version" ] || { echo "image: no version in CMakeLists.txt's project()" >&2; exit 1; }
revision=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d -p "$out" .image-XXXXXX)
buildah=(buildah --storage-driver=vfs --root "$work/storage" --runroot "$work/run")
containers=()
cleanup() {
  for c in "${containers[@]}"; do "${buildah[@]}" rm "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for kind in small full; do
  name=capsule-$kind
  "$root/scripts/image_rootfs.sh" "$build" "$kind" "$work/rootfs-$kind" >/dev/null
  c=$("${buildah[@]}" from --quiet scratch)
  containers+=("$c")
  mnt=$("${buildah[@]}" mount "$c")
  cp -a "$work/rootfs-$kind/." "$mnt/"
  "${buildah[@]}" umount "$c" >/dev/null
  description="Capsule C++ $version: WebAssembly function runners (capsule, capsule-http, capsule-nats, capsule-mqtt, capsctl)"
  [ "$kind" = full ] && description+=" with the V8 engine backend" || description+=" on the interp engine, without V8"
  "${buildah[@]}" config --user 10001:10001 --workingdir /app --env PATH=/usr/bin --port 8080 \
    --cmd '["capsule","--help"]' \
    --label org.opencontainers.image.title="$name" \
    --label org.opencontainers.image.version="$version" \
    --label org.opencontainers.image.revision="$revision" \
    --label org.opencontainers.image.description="$description" "$c"
  rm -f "$out/$name.tar"
  "${buildah[@]}" commit --quiet --format oci --disable-compression=false --timestamp 0 --rm "$c" \
    "oci-archive:$out/$name.tar:$name:$version" >/dev/null
  containers=("${containers[@]/$c/}")
  echo "image: $out/$name.tar ($name:$version, $(du -k "$out/$name.tar" | cut -f1) KiB compressed)"
done
