#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: once in the release build and once under
# AddressSanitizer + UndefinedBehaviorSanitizer, both with warnings as errors; then the
# concurrency tests under ThreadSanitizer and each fuzz target for AC_FUZZ_SECONDS (20) seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/check-format.sh

jobs=$(nproc)
# Tests labelled slow (the container image: it compiles the service again inside the image, 10 to
# 30 minutes on 2 cores) run only with AC_SLOW_TESTS=1, so that CI stays well under 30 minutes.
slow_tests=(-LE slow)
[[ "${AC_SLOW_TESTS:-0}" == 1 ]] && slow_tests=()
for preset in release asan; do
  echo "== $preset: build"
  cmake --preset "$preset" -DAC_WERROR=ON >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test"
  ctest --preset "$preset" -j "$jobs" "${slow_tests[@]}"
done

# The concurrency tests under ThreadSanitizer: state consumption, refresh single flight, rate
# limiters, the server's drain, and the OAuth flows raced against each other and broken mid-flow
# (two instances refreshing one account, a reconnect or disconnect during a refresh). Only their
# executables are built.
echo "== tsan: build"
cmake --preset tsan -DAC_WERROR=ON >/dev/null
cmake --build --preset tsan -j "$jobs" --target unit_tests redis_tests integration_tests oauth_flow_tests
echo "== tsan: test"
ctest --preset tsan -j "$jobs" \
  -R '^(MemoryStateStore|MemoryRateLimiter|HttpServer|BackgroundSyncTest|SingleFlight)\.|^redis\.(LocalRefreshLock|RedisRefreshLock|RedisRateLimiter|RedisStateStoreTest)\.|^(ConnectFlowTest|ConnectFlowDatabaseDown|TokenKeeperTest|TokenKeeperDatabaseDown|RacedRefresh)\.'

# Each libFuzzer target for a short fixed time from its seed corpus (scripts/fuzz.sh).
echo "== fuzz"
scripts/fuzz.sh all "${AC_FUZZ_SECONDS:-20}"
