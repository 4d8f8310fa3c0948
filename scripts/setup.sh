#!/usr/bin/env bash
# Installs the Debian 12 packages this project builds, tests and runs with, when any is missing.
# Idempotent, and silent when nothing is missing. Called by run.sh and test.sh.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build pkg-config clang-format
  libssl-dev libcli11-dev nlohmann-json3-dev
  libboost-dev libcurl4-openssl-dev libsqlite3-dev libgoogle-perftools-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-cryptography python3-jwt wrk curl nginx
  libhiredis-dev redis-server
  libpq-dev postgresql
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
((${#missing[@]} == 0)) && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[[ "$(id -u)" -ne 0 ]] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
