#!/usr/bin/env bash
# Prints the Debian packages that hold the shared libraries BINARY links, one per line, for the
# container image's final stage: what the binary needs at run time and nothing it was built with.
#
#   deploy/container/runtime-packages.sh BINARY
set -euo pipefail

owner() {
  # Debian 12 merges /lib into /usr/lib, but dpkg knows each file by the path its package gives.
  local path=$1
  dpkg -S "$path" 2>/dev/null && return
  case "$path" in
    /usr/*) dpkg -S "${path#/usr}" 2>/dev/null ;;
    *) dpkg -S "/usr$path" 2>/dev/null ;;
  esac
}

ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r library; do
  found=$(owner "$library") || { echo "runtime-packages: no package holds $library" >&2; exit 1; }
  echo "${found%%:*}"
done | sort -u
