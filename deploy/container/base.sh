#!/usr/bin/env bash
# Makes a Debian 12 base image from the configured Debian mirror, for machines that reach no
# container registry: debootstrap --variant=minbase bookworm, then `podman import`. The root
# filesystem's tarball is kept in CACHE_DIR, so that the next run only imports it.
#
#   deploy/container/base.sh IMAGE_NAME CACHE_DIR [podman options...]
#
# Prints nothing but errors; exits non-zero when debootstrap or the import fails.
set -euo pipefail

image=$1
cache=$2
shift 2
podman=(podman "$@")

# The mirror apt already uses (deb822 or one-line sources), else Debian's own.
mirror=$(awk '/^URIs:/ && /debian\/?$/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[[ -n "$mirror" ]] || mirror=$(awk '/^deb / && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
[[ -n "$mirror" ]] || mirror=http://deb.debian.org/debian

tarball="$cache/debian-12-minbase.tar"
if [[ ! -s "$tarball" ]]; then
  mkdir -p "$cache"
  root=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$root"' EXIT
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  # apt inside the build reaches the same mirror.
  echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  chmod 755 "$root"  # mktemp made it 0700: the image's / would shut out every user but root
  tar -C "$root" -cf "$tarball.part" .
  mv "$tarball.part" "$tarball"
fi
"${podman[@]}" image exists "$image" 2>/dev/null ||
  "${podman[@]}" import --quiet "$tarball" "$image" >/dev/null
