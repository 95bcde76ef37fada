#!/usr/bin/env bash
# Builds kleiber:local without any container registry:
#   1. a Debian bookworm base by debootstrap (from the machine's own Debian mirror) imported into Docker,
#   2. the jar (Maven) and a jlink'd Java runtime on the host,
#   3. deploy/image/Dockerfile.local on top of that base.
# Needs: a running Docker engine, debootstrap, root (debootstrap), a JDK >= 21 (picked by .mvn/jdk.sh).
# Usage: deploy/image/build-local.sh [TAG]      (default kleiber:local)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
tag=${1:-kleiber:local}
base=${KLEIBER_BASE_IMAGE:-kleiber-base:bookworm}

command -v docker >/dev/null || { echo "build-local: docker is not installed" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "build-local: no Docker engine answers (start dockerd)" >&2; exit 2; }

if ! docker image inspect "$base" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || { echo "build-local: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 2; }
  # The machine's own Debian mirror (the first one apt uses), unless DEBIAN_MIRROR names another.
  mirror=${DEBIAN_MIRROR:-$(awk '$1 == "URIs:" || $1 == "deb" { print $2; exit }' \
                              /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null || true)}
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  echo "build-local: debootstrapping $base from $mirror"
  # npm goes in by apt inside the new root: debootstrap's own resolver cannot configure its virtual packages.
  if ! { debootstrap --variant=minbase --include=ca-certificates,git,bubblewrap,nodejs bookworm "$root" "$mirror" \
         && chroot "$root" apt-get install -y -qq --no-install-recommends npm; } >"$root.log" 2>&1; then
    tail -n 20 "$root.log" >&2
    echo "build-local: debootstrap failed (whole log: $root.log)" >&2
    exit 1
  fi
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
  tar -C "$root" -c . | docker import - "$base" >/dev/null
fi

cd "$here"
. .mvn/jdk.sh
kleiber_pick_jdk
[ -f target/kleiber.jar ] || ./mvnw -B -q -DskipTests package
ctx=target/image-context
rm -rf "$ctx" && mkdir -p "$ctx"
"$JAVA_HOME/bin/jlink" --add-modules "$(cat deploy/image/java-modules)" --strip-debug --no-man-pages \
  --no-header-files --output "$ctx/jre"
cp target/kleiber.jar "$ctx/" && cp -r target/lib "$ctx/lib" && cp deploy/image/entrypoint.sh deploy/image/Dockerfile.local "$ctx/"
docker build -q -f "$ctx/Dockerfile.local" --build-arg RUN_BASE="$base" -t "$tag" "$ctx" >/dev/null
echo "build-local: built $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
