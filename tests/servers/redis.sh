#!/usr/bin/env bash
# A throwaway redis-server on loopback for tests, without persistence.
#   redis.sh start DIR [PORT [redis-server options...]]
#     starts it (on a free port unless PORT is given), waits until it answers PING and writes
#     redis://127.0.0.1:PORT/0 to DIR/url. Its pid is in DIR/redis.pid, its log in DIR/redis.log.
#   redis.sh stop DIR
#     stops it and waits until it has gone.
set -euo pipefail

command=${1:?usage: redis.sh start|stop DIR [PORT [options...]]}
dir=${2:?usage: redis.sh start|stop DIR [PORT [options...]]}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Alive and not a zombie: the daemon's parent is init, which may reap it late.
running() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z ]]
}

stop() {
  [[ -f "$dir/redis.pid" ]] || return 0
  local pid
  pid=$(cat "$dir/redis.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    running "$pid" || break
    sleep 0.02
  done
  if running "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$dir/redis.pid"
}

start() {
  mkdir -p "$dir"
  stop
  local port=${1:-$(free_port)}
  shift || true
  rm -f "$dir/url"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" "$@"
  for _ in $(seq 200); do
    # NOAUTH answers too: the server is up, it just wants a password.
    if redis-cli -h 127.0.0.1 -p "$port" ping 2>&1 | grep -qE 'PONG|NOAUTH'; then
      echo "redis://127.0.0.1:$port/0" >"$dir/url"
      return 0
    fi
    sleep 0.05
  done
  echo "redis.sh: redis-server on port $port did not answer; its log:" >&2
  tail -n 20 "$dir/redis.log" >&2 || true
  return 1
}

case "$command" in
  start) shift 2; start "$@" ;;
  stop) stop ;;
  *) echo "usage: redis.sh start|stop DIR [PORT [options...]]" >&2; exit 2 ;;
esac
