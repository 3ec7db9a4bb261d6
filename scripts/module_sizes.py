"""Fails when a Python module of the project is over the size limit (docs/architecture.md).

    .venv/bin/python scripts/module_sizes.py [--limit 400]

Modules of one purpose stay small; Alembic's generated migrations are left out. Part of
scripts/check.sh.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXEMPT = ("catalog/migrations/",)


def project_modules(root: Path) -> list[Path]:
    """Every .py file of the project, outside the virtualenv, local state and git's own files."""
    skipped = {".venv", "var", ".git", "node_modules"}
    return [
        path
        for path in sorted(root.rglob("*.py"))
        if not skipped & set(path.relative_to(root).parts)
        and not path.relative_to(root).as_posix().startswith(EXEMPT)
    ]


def oversized(modules: list[Path], limit: int) -> list[tuple[Path, int]]:
    sizes = [(path, len(path.read_text(encoding="utf-8").splitlines())) for path in modules]
    return sorted(((p, n) for p, n in sizes if n > limit), key=lambda pair: -pair[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400, help="most lines a module may have")
    limit = parser.parse_args().limit
    root = Path(__file__).resolve().parent.parent
    found = oversized(project_modules(root), limit)
    for path, lines in found:
        print(f"{path.relative_to(root)}: {lines} lines (limit {limit})", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
