"""Which sources a crawl takes: those due now (or all, or the ones named), read from the catalog."""

from __future__ import annotations

from catalog.db import make_engine, require_schema, session_factory, transaction
from catalog.models.base import utcnow
from catalog.sources import SourceRef, due_sources
from ground.settings import Settings


def select_sources(
    settings: Settings, include_not_due: bool = False, source_ids: tuple[int, ...] = ()
) -> list[SourceRef]:
    engine = make_engine(settings.resolved_database_url)
    try:
        require_schema(engine)
        with transaction(session_factory(engine)) as session:
            sources = due_sources(
                session, utcnow(), include_not_due or bool(source_ids), settings.credentials_key
            )
    finally:
        engine.dispose()
    if source_ids:
        sources = [s for s in sources if s.id in source_ids]
    return sources
