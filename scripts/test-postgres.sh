#!/usr/bin/env bash
# Starts a private PostgreSQL 15 cluster for the tests (its own folder, port and socket, so it
# never touches a system cluster and test databases stay apart) and prints the URL to use as
# TEST_DATABASE_URL. Usage: scripts/test-postgres.sh start|stop [DIR]
set -euo pipefail
action=${1:-start}
dir=${2:-${TMPDIR:-/tmp}/lectern-test-postgres}
port=${PGPORT_TEST:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL server binaries not found: apt-get install postgresql" >&2; exit 1; }
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$action" in
  start)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      mkdir -p "$dir"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
      run "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! run "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
  stop)
    run "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
