"""Shared by the catalog commands: a session on the catalog, and rows as a table or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from ground.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@contextmanager
def catalog_session(settings: Settings) -> Iterator[Session]:
    """A committed-on-success session on an initialised catalog."""
    from catalog.db import make_engine, require_schema, session_factory, transaction

    engine = make_engine(settings.resolved_database_url)
    try:
        require_schema(engine)
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def print_rows(rows: list[dict[str, Any]], as_json: bool, columns: list[str]) -> None:
    """`rows` as JSON, or as a table of `columns` with a header ("(none)" when empty)."""
    if as_json:
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    if not rows:
        click.echo("(none)")
        return
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    click.echo("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        click.echo("  ".join(str(row[c]).ljust(widths[c]) for c in columns))
