#!/usr/bin/env bash
# The README's test command: install what is missing, run the static checks, start a test
# Elasticsearch node with scripts/elasticsearch.sh, run every test against it, stop it.
#
#   scripts/test.sh [pytest arguments]        e.g. -k pipeline
#
# The test node listens on MUTUAL_ES_PORT (default 9250), apart from a demo node on 9200.
set -euo pipefail
cd "$(dirname "$0")/.."
export MUTUAL_ES_PORT="${MUTUAL_ES_PORT:-9250}"

bash scripts/install.sh
echo "== static checks"
bash scripts/check.sh

echo "== starting the test Elasticsearch on port $MUTUAL_ES_PORT"
started_here=0
if ! bash scripts/elasticsearch.sh status >/dev/null 2>&1; then started_here=1; fi
bash scripts/elasticsearch.sh start
stop_node() { if [[ $started_here == 1 ]]; then bash scripts/elasticsearch.sh stop; fi; }
trap stop_node EXIT

echo "== tests"
.venv/bin/python -m pytest "$@"
