#!/usr/bin/env bash
# Static checks: ruff (lint and format) and mypy (strict). Part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy .
bash -n scripts/*.sh
