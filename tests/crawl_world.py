"""What the crawl tests share: an ORM session on the test's catalog, a source's row as shown."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from catalog.db import make_engine, session_factory
from ground.settings import Settings
from tests.helpers import run_mutual


def open_catalog(settings: Settings) -> Session:
    return session_factory(make_engine(settings.resolved_database_url))()


def source_row(settings: Settings, source_id: int) -> dict[str, Any]:
    row: dict[str, Any] = json.loads(
        run_mutual(settings, "source", "show", str(source_id), "--json").stdout
    )
    return row
