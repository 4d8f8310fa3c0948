#!/usr/bin/env bash
# Installs what is missing, builds, and starts audible-sandbox and audible-connect on loopback with
# the embedded defaults (SQLite in data/, in-memory state). Prints a premium user's token and the
# requests that walk the link flow. Ctrl-C stops both. PORT (8000) and SANDBOX_PORT (8001) choose
# the ports; a port that is taken stops it at once, before anything is built or started.
set -euo pipefail
cd "$(dirname "$0")/.."

service_port=${PORT:-8000}
sandbox_port=${SANDBOX_PORT:-8001}
for pair in "PORT=$service_port" "SANDBOX_PORT=$sandbox_port"; do
  port=${pair#*=}
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run.sh: port $port is taken by another process: stop it or choose another with ${pair%%=*}=..." >&2
    exit 1
  fi
done

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target audible-connect audible-sandbox

bin=build/release

# Local secrets, generated once and never committed (data/ is ignored by git).
mkdir -p data
chmod 700 data
[[ -s data/token-encryption.key ]] || "$bin/src/audible-connect" keygen > data/token-encryption.key
[[ -s data/jwt-secret.key ]] || head -c 32 /dev/urandom | base64 | tr -d '\n' > data/jwt-secret.key
chmod 600 data/*.key

export HOST=127.0.0.1 PORT=$service_port
export AUDIBLE_TOKEN_ENCRYPTION_KEY_FILE="$PWD/data/token-encryption.key"
export JWT_SECRET_KEY_FILE="$PWD/data/jwt-secret.key"
export AUDIBLE_CLIENT_ID=sandbox-client AUDIBLE_CLIENT_SECRET=sandbox-secret
export AUDIBLE_REDIRECT_URI="http://127.0.0.1:$sandbox_port/demo/callback"
export AUDIBLE_AUTH_URL="http://127.0.0.1:$sandbox_port"
export AUDIBLE_API_BASE_URL="http://127.0.0.1:$sandbox_port"
export AUDIBLE_ISSUER="http://127.0.0.1:$sandbox_port"

# One log per port, appended to: a run never truncates another's (two runs never share a port).
service_log=data/service-$service_port.log
sandbox_log=data/sandbox-$sandbox_port.log
"$bin/src/audible-connect" check-config >/dev/null || {
  "$bin/src/audible-connect" check-config | grep '^status:' >&2
  exit 1
}
"$bin/sandbox/audible-sandbox" --port "$sandbox_port" --redirect-uri "$AUDIBLE_REDIRECT_URI" \
  --issuer "$AUDIBLE_ISSUER" >> "$sandbox_log" 2>&1 &
sandbox_pid=$!
"$bin/src/audible-connect" serve >> "$service_log" 2>&1 &
service_pid=$!
trap 'kill -TERM $service_pid $sandbox_pid 2>/dev/null; wait 2>/dev/null; echo; echo stopped.' EXIT INT TERM

ready=""
for _ in $(seq 100); do
  for pid in $service_pid $sandbox_pid; do
    kill -0 "$pid" 2>/dev/null || {
      echo "run.sh: a server stopped at start; the end of its log:" >&2
      tail -5 "$service_log" "$sandbox_log" >&2
      exit 1
    }
  done
  if curl -sf "http://127.0.0.1:$service_port/health" >/dev/null 2>&1 &&
     curl -sf "http://127.0.0.1:$sandbox_port/_sandbox/stats" >/dev/null 2>&1; then
    ready=yes
    break
  fi
  sleep 0.1
done
[[ -n "$ready" ]] || { echo "run.sh: no answer on ports $service_port and $sandbox_port" >&2; exit 1; }

# A premium user's JWT, signed with the local secret (HS256), valid for 12 hours.
token=$(/usr/bin/python3 - "$(cat data/jwt-secret.key)" <<'PY'
import sys, time, jwt
print(jwt.encode({"sub": "demo-user", "subscription_tier": "premium", "exp": int(time.time()) + 43200},
                 sys.argv[1], algorithm="HS256"))
PY
)

api="http://127.0.0.1:$service_port/api/v1/user/audible"
cat <<EOT

audible-connect is listening on http://127.0.0.1:$service_port  (log: $service_log)
audible-sandbox is the provider on http://127.0.0.1:$sandbox_port  (log: $sandbox_log)

A premium user's token:
  export TOKEN=$token
  export API=$api

Walk the link flow:
  1. curl -s -X POST "\$API/oauth/authorize" -H "Authorization: Bearer \$TOKEN"
  2. Open its auth_url in a browser and press Approve: the sandbox then shows the callback request
     to make. Without a browser, this presses Approve and prints the callback body:
       BODY=\$(scripts/sandbox-approve.py "<auth_url>")
  3. curl -s -X POST "\$API/oauth/callback" -H "Authorization: Bearer \$TOKEN" \\
       -H 'Content-Type: application/json' -d "\$BODY"
  4. curl -s "\$API/connected" -H "Authorization: Bearer \$TOKEN"
  5. curl -s -X POST "\$API/disconnect" -H "Authorization: Bearer \$TOKEN"

Also: curl -s http://127.0.0.1:$service_port/health, /ready, /metrics, /openapi.json

Ctrl-C stops both.
EOT
wait $service_pid
