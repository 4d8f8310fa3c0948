#!/usr/bin/env bash
# Installs what is missing, builds, and runs audible-connect with its embedded defaults.
# The HTTP service is not built yet: for now this stops after `check-config`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target audible-connect

# Local secrets, generated once and never committed (data/ is ignored by git).
mkdir -p data
chmod 700 data
[[ -s data/token-encryption.key ]] || build/release/src/audible-connect keygen > data/token-encryption.key
[[ -s data/jwt-secret.key ]] || head -c 32 /dev/urandom | base64 | tr -d '\n' > data/jwt-secret.key
chmod 600 data/*.key

export AUDIBLE_TOKEN_ENCRYPTION_KEY_FILE="$PWD/data/token-encryption.key"
export JWT_SECRET_KEY_FILE="$PWD/data/jwt-secret.key"
exec build/release/src/audible-connect check-config
