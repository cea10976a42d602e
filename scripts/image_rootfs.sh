#!/usr/bin/env bash
# Assembles the root filesystem of a container image from a build (scripts/image.sh and the Dockerfile use it):
#   scripts/image_rootfs.sh BUILD_DIR small|full DEST
# Both images hold capsule-box (every runner in one executable, stripped) with a link per runner in /usr/bin, the
# HTTP client library, exactly the shared libraries these need (found with ldd, including those the HDK opens on
# first use), the dynamic loader, CA certificates, /etc/passwd with the user capsule (10001), /tmp and /app (the
# modules' folder, owned by capsule). "full" adds the V8 backend (lib/capsule/libcapsule_v8.so) and libnode with
# everything it needs. The runners of the build must not link libnode: the small image is the same binaries without
# the V8 backend, where --engine=v8 fails with a message naming it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 3 ] || { echo "usage: scripts/image_rootfs.sh BUILD_DIR small|full DEST" >&2; exit 2; }
build=$(cd "$1" && pwd)
kind=$2
dest=$3
case "$kind" in small | full) ;; *) echo "image_rootfs: the kind is small or full, not \"$kind\"" >&2; exit 2 ;; esac
box="$build/src/runners/box/capsule-box"
fetch="$build/src/fetch/libcapsule_fetch.so"
v8="$build/src/engine/v8/libcapsule_v8.so"
for f in "$box" "$fetch"; do
  [ -x "$f" ] || [ -f "$f" ] || { echo "image_rootfs: $f is missing: build first (scripts/build.sh)" >&2; exit 1; }
done
# (Command output is read whole before it is searched: with pipefail, `cmd | grep -q` can fail on SIGPIPE.)
if [[ "$(ldd "$box")" == *libnode* ]]; then
  echo "image_rootfs: $box links libnode; the runners must load V8 only as a backend" >&2
  exit 1
fi
[ "$kind" = small ] || [ -f "$v8" ] || { echo "image_rootfs: $v8 is missing (a build with -DCAPSULE_WITH_V8=ON)" >&2; exit 1; }

# The libraries the HDK opens with dlopen on first use: the sonames of every LazyLibrary in src/host/*_api.cc.
mapfile -t lazy < <(grep -ho 'LazyLibrary library("[^"]*")' "$root"/src/host/*_api.cc | sed 's/.*("\(.*\)")/\1/' | sort -u)
[ "${#lazy[@]}" -gt 0 ] || { echo "image_rootfs: found no LazyLibrary in src/host/*_api.cc" >&2; exit 1; }

rm -rf "$dest"
mkdir -p "$dest"/usr/bin "$dest"/usr/lib/capsule "$dest"/usr/lib/x86_64-linux-gnu "$dest"/usr/lib64 \
  "$dest"/etc/ssl/certs "$dest"/usr/lib/ssl "$dest"/tmp "$dest"/app "$dest"/dev "$dest"/proc "$dest"/sys
ln -s usr/lib "$dest/lib"
ln -s usr/lib64 "$dest/lib64"
chmod 1777 "$dest/tmp"

strip -o "$dest/usr/bin/capsule-box" "$box"
for runner in capsule capsule-http capsule-nats capsule-mqtt capsctl; do ln -s capsule-box "$dest/usr/bin/$runner"; done
strip --strip-unneeded -o "$dest/usr/lib/capsule/libcapsule_fetch.so" "$fetch"
elves=("$box" "$fetch")
if [ "$kind" = full ]; then
  strip --strip-unneeded -o "$dest/usr/lib/capsule/libcapsule_v8.so" "$v8"
  elves+=("$v8")
fi
libraries=$(ldconfig -p)
installed() {  # SONAME: its path on this machine, "" when it is not installed
  awk -v n="$1" '$1 == n && /x86-64/ && !found { print $NF; found = 1 }' <<<"$libraries"
}
for soname in "${lazy[@]}"; do
  path=$(installed "$soname")
  [ -n "$path" ] || { echo "image_rootfs: $soname (opened by the HDK) is not installed" >&2; exit 1; }
  elves+=("$path")
done

# Every shared library these need, recursively (ldd lists the whole closure), each under its soname.
declare -A seen=()
for soname in "${lazy[@]}"; do
  cp -L "$(installed "$soname")" "$dest/usr/lib/x86_64-linux-gnu/$soname"
  seen[$soname]=1
done
for elf in "${elves[@]}"; do
  while read -r name path; do
    [ -n "$path" ] || continue
    [ -z "${seen[$name]:-}" ] || continue
    seen[$name]=1
    cp -L "$path" "$dest/usr/lib/x86_64-linux-gnu/$name"
  done < <(ldd "$elf" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }')
  needed=$(ldd "$elf")
  if [[ "$needed" == *"not found"* ]]; then
    echo "image_rootfs: a library of $elf is not found:" >&2
    grep "not found" <<<"$needed" >&2
    exit 1
  fi
done
for elf in "$dest"/usr/lib/x86_64-linux-gnu/*; do
  if [ "${seen[$(basename "$elf")]:-}" != 1 ]; then echo "image_rootfs: unexpected $elf" >&2; exit 1; fi
done
cp -L /lib64/ld-linux-x86-64.so.2 "$dest/usr/lib64/ld-linux-x86-64.so.2"
ln -s ../../lib64/ld-linux-x86-64.so.2 "$dest/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"

# TLS trust: Debian's CA bundle, where OpenSSL looks by default (/usr/lib/ssl/cert.pem and /usr/lib/ssl/certs).
bundle=/etc/ssl/certs/ca-certificates.crt
[ -s "$bundle" ] || { echo "image_rootfs: $bundle is missing (Debian's ca-certificates)" >&2; exit 1; }
cp "$bundle" "$dest/etc/ssl/certs/ca-certificates.crt"
ln -s /etc/ssl/certs/ca-certificates.crt "$dest/usr/lib/ssl/cert.pem"
ln -s /etc/ssl/certs "$dest/usr/lib/ssl/certs"

# Users, name lookup defaults (a container runtime mounts its own /etc/hosts and /etc/resolv.conf over them).
cat >"$dest/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
capsule:x:10001:10001:Capsule:/app:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat >"$dest/etc/group" <<'EOF'
root:x:0:
capsule:x:10001:
nogroup:x:65534:
EOF
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$dest/etc/hosts"
printf 'hosts: files dns\n' >"$dest/etc/nsswitch.conf"
chown 10001:10001 "$dest/app"
echo "image_rootfs: $kind root filesystem in $dest ($(du -sh "$dest" | cut -f1))"
