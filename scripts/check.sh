#!/usr/bin/env bash
# Static checks: ruff (lint and format), mypy (strict), the floors and no import circle
# (import-linter, contracts in pyproject.toml), and no module over 400 lines. Part of
# scripts/test.sh; run it alone with `bash scripts/check.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy .
.venv/bin/lint-imports --no-cache --no-logo
.venv/bin/python scripts/module_sizes.py
bash -n scripts/*.sh
