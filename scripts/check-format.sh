#!/usr/bin/env bash
# Fails when any C++ file differs from what clang-format (.clang-format) makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard '*.cc' '*.h')
((${#files[@]} == 0)) && exit 0
clang-format --dry-run --Werror "${files[@]}"
