#!/usr/bin/env bash
# The README's run command: install, start the local Elasticsearch, load the demo communities
# (served by a local site, no network), crawl, index, and serve the search page.
#
#   scripts/demo.sh [mutual demo options]     e.g. --port 8080
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/elasticsearch.sh start
echo "Elasticsearch keeps running after the demo; stop it with: scripts/elasticsearch.sh stop"
exec .venv/bin/mutual demo "$@"
