#!/usr/bin/env bash
# The HTTP path against Debian's nginx, in one run (docs/BENCHMARKS.md, "HTTP"):
#   bench/http_bench.sh [SECONDS]
# nginx (access log off) answers `return 200` with the headers and a body of the size of
# authorize's answer. wrk (1 thread, keep-alive) runs the same settings against nginx, GET
# /health and POST /oauth/authorize (a premium user's HS256 JWT, states in memory, LOG_LEVEL=info
# with the access line on), at 64 and at 2 connections: first with each server pinned to CPU 0 and
# wrk to CPU 1, then unpinned with the service's default threads, as users run it, against nginx
# with one worker and with `worker_processes auto` (Debian's default: one per CPU of the machine;
# the service starts one I/O thread per CPU of its affinity mask, bounded by its cgroup's CPU
# quota, which here comes to the same). Prints each run's requests/s, p50 and p99 (in µs), and
# the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
scripts/setup.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target audible-connect >/dev/null
binary=build/release/src/audible-connect

work=$(mktemp -d)
service_port=18780
nginx_port=18781
secret=bench-jwt-secret-bench-jwt-secret
pin_server="" pin_client=""
if (($(nproc) >= 2)); then pin_server="taskset -c 0" pin_client="taskset -c 1"; fi
service_pid="" nginx_pid=""
stop() {
  for pid in $service_pid $nginx_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  service_pid="" nginx_pid=""
}
trap 'stop; rm -rf "$work"' EXIT

wait_for() {  # url
  for _ in $(seq 200); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done
  echo "no answer from $1" >&2
  exit 1
}

start_service() {  # pin prefix (may be empty)
  env -i PATH="$PATH" PORT=$service_port DATABASE_URL="sqlite:///$work/bench.db" LOG_LEVEL=info \
    AUDIBLE_TOKEN_ENCRYPTION_KEY="$key" JWT_SECRET_KEY=$secret \
    AUDIBLE_CLIENT_ID=bench AUDIBLE_CLIENT_SECRET=bench AUDIBLE_REDIRECT_URI=https://app.example/cb \
    AUDIBLE_RATE_LIMIT_PER_MINUTE=1000000000 AUDIBLE_STATE_TTL_SECONDS="${STATE_TTL:-900}" \
    $1 $binary serve > "$work/service.log" 2>&1 &
  service_pid=$!
  wait_for "http://127.0.0.1:$service_port/health"
}

start_nginx() {  # pin prefix (may be empty), worker processes
  $1 nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g "daemon off; worker_processes $2;" &
  nginx_pid=$!
  wait_for "http://127.0.0.1:$nginx_port/"
}

key=$($binary keygen)
token=$(/usr/bin/python3 -c "import jwt,time;print(jwt.encode({'sub':'bench-user','subscription_tier':'premium','exp':int(time.time())+3600},'$secret',algorithm='HS256'))")
authorize_url="http://127.0.0.1:$service_port/api/v1/user/audible/oauth/authorize"
health_url="http://127.0.0.1:$service_port/health"
cat > "$work/authorize.lua" <<LUA
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA

# nginx answers with authorize's own headers (but those every server writes) and a body as long.
start_service ""
curl -s -D "$work/authorize.headers" -o "$work/authorize.body" -X POST -H "Authorization: Bearer $token" \
  -H "Content-Type: application/json" -d '{}' "$authorize_url"
stop
mkdir -p "$work/nginx"
{
  echo "pid $work/nginx/nginx.pid; error_log $work/nginx/error.log;"
  echo "events { worker_connections 4096; }"
  echo "http { access_log off; server_tokens off; client_body_temp_path $work/nginx;"
  echo "  server { listen 127.0.0.1:$nginx_port; location / { default_type application/json;"
  tr -d '\r' < "$work/authorize.headers" | awk -F': ' 'NR > 1 && NF >= 2 && tolower($1) !~ /^(date|content-length|content-type|connection|server)$/ {
      value = substr($0, length($1) + 3); gsub(/"/, "\\\"", value); printf "    add_header %s \"%s\" always;\n", $1, value }'
  printf "    return 200 '%s'; } } }\n" "$(head -c "$(wc -c < "$work/authorize.body")" /dev/zero | tr '\0' 'x')"
} > "$work/nginx/nginx.conf"

to_us() {  # wrk's "512.00us", "1.23ms" or "2.00s" in µs
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) f = 1; else if (v ~ /ms$/) f = 1000; else f = 1000000; printf "%.0f", n * f }'
}

printf '%-28s %12s %10s %10s\n' "run" "requests/s" "p50 µs" "p99 µs"
run() {  # label, pin prefix, connections, wrk args...
  local label=$1 pin=$2 connections=$3
  shift 3
  local out rps p50 p99
  out=$($pin wrk -t1 -c"$connections" -d"${duration}s" --latency "$@")
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers in $label" >&2; exit 1; fi
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  printf '%-28s %12s %10s %10s\n' "$label" "$rps" "$p50" "$p99"
  echo "$rps" > "$work/$label.rps"
}
ratio() {  # label, numerator run, denominator run
  awk -v a="$(cat "$work/$2.rps")" -v b="$(cat "$work/$3.rps")" -v l="$1" 'BEGIN {printf "%-40s %5.0f%%\n", l, 100 * a / b}'
}

echo "# pinned: each server on CPU 0, wrk on CPU 1"
start_nginx "$pin_server" 1
echo "answer sizes, headers + body: authorize $(wc -c < "$work/authorize.headers") + $(wc -c < "$work/authorize.body")," \
  "nginx $(curl -s -D - -o /dev/null "http://127.0.0.1:$nginx_port/" | wc -c) + $(wc -c < "$work/authorize.body")"
start_service "$pin_server"
for connections in 64 2; do
  run "nginx-c$connections" "$pin_client" $connections "http://127.0.0.1:$nginx_port/"
  run "health-c$connections" "$pin_client" $connections "$health_url"
  run "authorize-c$connections" "$pin_client" $connections -s "$work/authorize.lua" "$authorize_url"
done
echo "service peak RSS: $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$service_pid/status")"
stop

echo "# unpinned: the service with its default threads, nginx with one worker and with its default"
start_nginx "" 1
run "nginx-unpinned-c64" "" 64 "http://127.0.0.1:$nginx_port/"
stop
start_nginx "" auto
run "nginx-auto-unpinned-c64" "" 64 "http://127.0.0.1:$nginx_port/"
stop
start_service ""
run "health-unpinned-c64" "" 64 "$health_url"
run "authorize-unpinned-c64" "" 64 -s "$work/authorize.lua" "$authorize_url"
stop

echo "# ratios"
ratio "health / nginx, pinned, 64 connections" health-c64 nginx-c64
ratio "authorize / nginx, pinned, 64 connections" authorize-c64 nginx-c64
ratio "health / nginx, unpinned, 64 connections" health-unpinned-c64 nginx-unpinned-c64
ratio "authorize / nginx, unpinned, 64 connections" authorize-unpinned-c64 nginx-unpinned-c64
ratio "health / nginx auto, unpinned, 64 connections" health-unpinned-c64 nginx-auto-unpinned-c64
ratio "authorize / nginx auto, unpinned, 64 connections" authorize-unpinned-c64 nginx-auto-unpinned-c64
