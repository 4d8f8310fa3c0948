#!/usr/bin/env bash
# wrk against POST /oauth/authorize (JWT verify, PKCE, state store, JSON) and GET /health on the
# same server, in one run: requests/s of each, the ratio, p50/p99 latency under saturation and
# under light load, and the service's peak RSS.
#   bench/http_bench.sh [SECONDS]
# The server is pinned to CPU 0 and wrk to CPU 1 when there are two or more.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target audible-connect >/dev/null

work=$(mktemp -d)
port=18780
secret=bench-jwt-secret-bench-jwt-secret
server_cpu="" client_cpu=""
if (($(nproc) >= 2)); then server_cpu="taskset -c 0"; client_cpu="taskset -c 1"; fi

env -i PATH="$PATH" PORT=$port DATABASE_URL="sqlite:///$work/bench.db" LOG_LEVEL=info \
  AUDIBLE_TOKEN_ENCRYPTION_KEY="$(build/release/src/audible-connect keygen)" JWT_SECRET_KEY=$secret \
  AUDIBLE_CLIENT_ID=bench AUDIBLE_CLIENT_SECRET=bench AUDIBLE_REDIRECT_URI=https://app.example/cb \
  AUDIBLE_RATE_LIMIT_PER_MINUTE=1000000000 AUDIBLE_STATE_TTL_SECONDS="${STATE_TTL:-900}" \
  $server_cpu build/release/src/audible-connect serve > "$work/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.05; done

token=$(/usr/bin/python3 -c "import jwt,time;print(jwt.encode({'sub':'bench-user','subscription_tier':'premium','exp':int(time.time())+3600},'$secret',algorithm='HS256'))")
cat > "$work/authorize.lua" <<LUA
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA

run() {  # label, connections, extra wrk args...
  local label=$1 connections=$2
  shift 2
  local out
  out=$($client_cpu wrk -t1 -c"$connections" -d"${duration}s" --latency "$@")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers in $label" >&2; exit 1; fi
  printf '%-34s %12s %10s %10s\n' "$label" "$rps" "$p50" "$p99"
  echo "$rps" > "$work/$label.rps"
}

printf '%-34s %12s %10s %10s\n' "run" "requests/s" "p50" "p99"
run "health-c32" 32 "http://127.0.0.1:$port/health"
run "authorize-c32" 32 -s "$work/authorize.lua" "http://127.0.0.1:$port/api/v1/user/audible/oauth/authorize"
run "health-c2" 2 "http://127.0.0.1:$port/health"
run "authorize-c2" 2 -s "$work/authorize.lua" "http://127.0.0.1:$port/api/v1/user/audible/oauth/authorize"
awk -v a="$(cat "$work/authorize-c32.rps")" -v h="$(cat "$work/health-c32.rps")" \
  'BEGIN {printf "authorize / health at saturation: %.0f%%\n", 100 * a / h}'
echo "peak RSS of the service: $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' /proc/$pid/status)"
