#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: once in the release build and once under
# AddressSanitizer + UndefinedBehaviorSanitizer, both with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/check-format.sh

jobs=$(nproc)
for preset in release asan; do
  echo "== $preset: build"
  cmake --preset "$preset" -DAC_WERROR=ON >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  ctest --preset "$preset" -j "$jobs"
done
