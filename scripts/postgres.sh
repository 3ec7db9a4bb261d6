#!/usr/bin/env bash
# Start, stop and inspect a throwaway PostgreSQL server on 127.0.0.1, from Debian's packages, for
# the tests that prove the PostgreSQL catalog path (scripts/test.sh runs the suite on it too).
#
#   scripts/postgres.sh start|stop|status|url
#
# Settings (environment):
#   MUTUAL_PG_PORT    port on 127.0.0.1                  (default 5433)
#   MUTUAL_PG_STATE   data folder and log                (default /var/tmp/mutual-pg-<port>)
# Trust authentication on loopback only: for tests, never for production.
set -euo pipefail

PG_PORT="${MUTUAL_PG_PORT:-5433}"
STATE_DIR="${MUTUAL_PG_STATE:-/var/tmp/mutual-pg-$PG_PORT}"
DATA="$STATE_DIR/data"
LOG="$STATE_DIR/postgres.log"
PG_USER=postgres
URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"

say() { printf 'postgres: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

bin_dir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [[ -x "$dir/postgres" ]] || die "PostgreSQL server not installed (apt-get install postgresql)"
    echo "$dir"
}

as_pg() {
    if [[ "$(id -u)" == 0 ]]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

cmd_start() {
    local bin
    bin="$(bin_dir)"
    if as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        say "already running on port $PG_PORT"; return 0
    fi
    mkdir -p "$STATE_DIR"
    if [[ "$(id -u)" == 0 ]]; then chown "$PG_USER" "$STATE_DIR"; fi
    if [[ ! -s "$DATA/PG_VERSION" ]]; then
        say "creating a cluster in $DATA ..."
        as_pg "$bin/initdb" -D "$DATA" -U "$PG_USER" --auth=trust -E UTF8 >/dev/null
    fi
    say "starting on 127.0.0.1:$PG_PORT ..."
    if ! as_pg "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start \
        -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $STATE_DIR -c fsync=off" >/dev/null; then
        tail -n 40 "$LOG" >&2 || true
        die "PostgreSQL did not start"
    fi
    say "ready: $URL"
}

cmd_stop() {
    local bin
    bin="$(bin_dir)"
    if as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        as_pg "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        say "stopped"
    else
        say "not running"
    fi
}

cmd_status() {
    if as_pg "$(bin_dir)/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        echo "running: $URL"
    else
        echo "not running"; return 3
    fi
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) echo "$URL" ;;
    *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
