#!/usr/bin/env bash
# Installs playwright-core, swagger-ui-dist, redoc and @apidevtools/swagger-parser into DIR (a
# build directory) with `npm ci` from the committed package-lock.json, beside the scripts that
# import them; does nothing more than copy the scripts when DIR already has that lock.
# Without install scripts: playwright-core must not download a browser (the tests use Debian's
# chromium) and swagger-ui-dist's analytics dependency must not report the install. Without peer
# dependencies: only redoc's self-contained bundle is served, so React and the rest need not be
# there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$1"
mkdir -p "$dir"
cp "$here/browser_test.mjs" "$here/validate_openapi.mjs" "$dir/"
if cmp -s "$here/package-lock.json" "$dir/package-lock.json" && [[ -d "$dir/node_modules/playwright-core" ]]; then
  exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$dir/"
cd "$dir"
npm ci --ignore-scripts --omit=peer --no-audit --no-fund --loglevel=error
