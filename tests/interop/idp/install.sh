#!/usr/bin/env bash
# Installs the identity provider of idp.mjs into DIR (a build directory) with `npm ci`, from the
# committed package-lock.json; does nothing more than copy idp.mjs when DIR already has that lock.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="$1"
mkdir -p "$dir"
cp "$here/idp.mjs" "$dir/"
if cmp -s "$here/package-lock.json" "$dir/package-lock.json" && [[ -d "$dir/node_modules/oidc-provider" ]]; then
  exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$dir/"
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
