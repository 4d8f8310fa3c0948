#!/usr/bin/env bash
# Installs the Debian 12 packages this project builds, tests and runs with, when any is missing.
# Idempotent, and silent when nothing is missing. Called by run.sh and test.sh; `setup.sh build`
# installs only what building audible-connect needs (the Containerfile's build stage).
set -euo pipefail

BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config
  libssl-dev libcli11-dev nlohmann-json3-dev
  libboost-dev libcurl4-openssl-dev libsqlite3-dev libgoogle-perftools-dev
  libhiredis-dev libpq-dev
)
PACKAGES=(
  "${BUILD_PACKAGES[@]}" clang-format
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-cryptography python3-jwt wrk curl nginx
  redis-server postgresql sqlite3
  # the browser test (tests/browser: headless, driven by playwright-core from npm)
  chromium
  # the container image's build and test (tests/container), and the alert rules' check
  podman buildah debootstrap prometheus
  # libFuzzer (scripts/fuzz.sh; clang 16, as clang 14 cannot compile libstdc++ 12's <expected>)
  # and line coverage (scripts/coverage.sh)
  clang-16 libclang-rt-16-dev gcovr
)
[[ "${1:-}" == build ]] && PACKAGES=("${BUILD_PACKAGES[@]}")

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
# Node.js and npm run the npm-installed test peers (tests/interop/idp, tests/browser): Debian's
# packages, unless npm is already there from another source of Node.js (whose nodejs Debian's npm
# conflicts with).
if [[ "${1:-}" != build ]] && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
((${#missing[@]} == 0)) && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[[ "$(id -u)" -ne 0 ]] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
