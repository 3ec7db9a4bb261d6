#!/usr/bin/env bash
# The README's test command: install what is missing, run the static checks, start a test
# Elasticsearch node (scripts/elasticsearch.sh) and a PostgreSQL server (scripts/postgres.sh),
# run every test with a SQLite catalog and again with a PostgreSQL one, then stop both.
#
#   scripts/test.sh [pytest arguments]        e.g. -k pipeline
#
# MUTUAL_TEST_DATABASES   which catalog runs to do (default "sqlite postgresql")
# MUTUAL_TEST_WORKERS     parallel pytest processes (pytest-xdist; default 2, 0 for none). The
#                         tests that stop and restart the shared node run after, alone.
# The test node listens on MUTUAL_ES_PORT (default 9250), apart from a demo node on 9200;
# PostgreSQL on MUTUAL_PG_PORT (default 5433).
set -euo pipefail
cd "$(dirname "$0")/.."
export MUTUAL_ES_PORT="${MUTUAL_ES_PORT:-9250}"
DATABASES="${MUTUAL_TEST_DATABASES:-sqlite postgresql}"

bash scripts/install.sh
echo "== static checks"
bash scripts/check.sh

es_started=0
pg_started=0
cleanup() {
    if [[ $pg_started == 1 ]]; then bash scripts/postgres.sh stop || true; fi
    if [[ $es_started == 1 ]]; then bash scripts/elasticsearch.sh stop || true; fi
}
trap cleanup EXIT

echo "== starting the test Elasticsearch on port $MUTUAL_ES_PORT"
if ! bash scripts/elasticsearch.sh status >/dev/null 2>&1; then es_started=1; fi
bash scripts/elasticsearch.sh start

WORKERS="${MUTUAL_TEST_WORKERS:-2}"

# Every test but those that restart the node, in parallel (a file at a time per process, so a
# module-scoped fixture such as the secured node is never stopped under another process);
# then those, one at a time. Exit
# code 5 ("no tests collected", e.g. when -k selects none of a part) is not a failure.
run_pytest() {
    local status=0
    .venv/bin/python -m pytest -n "$WORKERS" --dist loadfile -m "not restarts_elasticsearch" "$@" || status=$?
    if [[ $status != 0 && $status != 5 ]]; then return "$status"; fi
    status=0
    .venv/bin/python -m pytest -m restarts_elasticsearch "$@" || status=$?
    if [[ $status != 0 && $status != 5 ]]; then return "$status"; fi
    return 0
}

for database in $DATABASES; do
    case "$database" in
        sqlite)
            echo "== tests, catalog on SQLite"
            (unset MUTUAL_TEST_PG_URL; run_pytest "$@")
            ;;
        postgresql)
            echo "== tests, catalog on PostgreSQL"
            if ! bash scripts/postgres.sh status >/dev/null 2>&1; then pg_started=1; fi
            bash scripts/postgres.sh start
            MUTUAL_TEST_PG_URL="$(bash scripts/postgres.sh url)" run_pytest "$@"
            ;;
        *) echo "unknown database $database in MUTUAL_TEST_DATABASES" >&2; exit 2 ;;
    esac
done
