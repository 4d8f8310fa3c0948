#!/usr/bin/env bash
# A PostgreSQL server for tests, private to DIR.
#
#   postgres.sh start DIR   starts it (making the cluster the first time), then writes
#                           postgresql://USER:PASSWORD@127.0.0.1:PORT/DB to DIR/url
#   postgres.sh stop DIR    stops it with a fast shutdown; DIR is kept, and the next start
#                           brings the same cluster back on the same port and URL
#
# It listens on 127.0.0.1 only, on a free port, with its unix socket in the cluster directory.
# The test role logs in with a password over TCP (scram-sha-256) and may create databases. As
# root, the server runs as the postgres user (never as root); otherwise as the caller, who must
# own DIR. fsync is off: the data is disposable.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
(($# == 2)) || usage
command=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

bindir=/usr/lib/postgresql/15/bin
[[ -x $bindir/postgres ]] || bindir=$(pg_config --bindir)

as_server() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The cluster lives in DIR/cluster, unless the postgres user cannot reach DIR (a build tree under
# /root): then in a directory of its own under /tmp, named in DIR/cluster-path.
cluster_dir() {
  if [[ -f $dir/cluster-path ]]; then
    cat "$dir/cluster-path"
  elif [[ $(id -u) -ne 0 ]]; then
    echo "$dir/cluster"
  else
    chown postgres: "$dir"
    if runuser -u postgres -- test -w "$dir"; then
      echo "$dir/cluster"
    else
      local own
      own=$(mktemp -d "${TMPDIR:-/tmp}/ac-postgres.XXXXXX")
      chown postgres: "$own"
      echo "$own" >"$dir/cluster-path"
      echo "$own"
    fi
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

init_cluster() {
  local cluster=$1 port password
  port=$(free_port)
  password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  as_server mkdir -p "$cluster"
  as_server "$bindir/initdb" -D "$cluster/data" -U postgres -E UTF8 --locale=C.UTF-8 --no-sync \
    --auth-local=trust --auth-host=scram-sha-256 >"$cluster/initdb.log"
  as_server tee -a "$cluster/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$cluster'
password_encryption = scram-sha-256
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  start_server "$cluster"
  as_server "$bindir/psql" -h "$cluster" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE ac_test LOGIN CREATEDB PASSWORD '$password'" \
    -c "CREATE DATABASE ac_test OWNER ac_test" >/dev/null
  echo "postgresql://ac_test:$password@127.0.0.1:$port/ac_test" >"$dir/url.tmp"
  mv "$dir/url.tmp" "$dir/url"
}

start_server() {
  as_server "$bindir/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start >/dev/null
}

case $command in
  start)
    cluster=$(cluster_dir)
    if [[ ! -f $dir/url || ! -d $cluster/data ]]; then
      rm -rf "$cluster"
      init_cluster "$cluster"
    elif ! as_server "$bindir/pg_ctl" -D "$cluster/data" status >/dev/null; then
      start_server "$cluster"
    fi
    ;;
  stop)
    cluster=$(cluster_dir)
    if [[ -d $cluster/data ]] && as_server "$bindir/pg_ctl" -D "$cluster/data" status >/dev/null; then
      as_server "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null
    fi
    ;;
  *) usage ;;
esac
