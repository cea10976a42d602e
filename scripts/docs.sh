#!/usr/bin/env bash
# Builds the documentation site (mkdocs.yml) into BUILD_DIR/site, strictly (any warning fails):
#   scripts/docs.sh [BUILD_DIR]      (default: build; the runners must be built there)
# The site's sources are docs/, plus pages made here so that they cannot drift from what they describe: one flag
# page per runner from its --help-markdown, and the SDKs' READMEs (links to files outside the site point to
# their place in the repository).
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
# An SDK README, its relative links to files of the repository rewritten as plain text (they are not pages).
sdk_page() {  # README DIR_IN_REPO OUT
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
sdk_page "$root/sdk/README.md" sdk "$src/docs/sdk/index.md"
sdk_page "$root/sdk/c/README.md" sdk/c "$src/docs/sdk/c.md"
sdk_page "$root/sdk/rust/README.md" sdk/rust "$src/docs/sdk/rust.md"
sdk_page "$root/sdk/assemblyscript/README.md" sdk/assemblyscript "$src/docs/sdk/assemblyscript.md"
mkdocs build --strict --quiet -f "$src/mkdocs.yml" -d "$build/site"
echo "docs: $build/site/index.html"
