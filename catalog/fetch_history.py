"""The crawl history: one row per fetch of a source, the last few per source kept.

Written by the crawl pipeline in the same transaction as the source's fetch state, so the
history and the state never disagree; read by the operator pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from catalog.models.base import utcnow
from catalog.models.sources import FetchAttempt

# Enough to see a pattern (fails every night, slower every day) without growing for ever.
KEEP_PER_SOURCE = 50
MAX_ERROR = 2000

OK, NOT_MODIFIED, FAILED = "ok", "not_modified", "failed"


@dataclass(frozen=True)
class ItemCounts:
    """What storing the fetched items did, as catalog.items.store_items counted it."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


def record_attempt(
    session: Session,
    source_id: int,
    outcome: str,
    *,
    started_at: datetime | None = None,
    http_status: int | None = None,
    counts: ItemCounts | None = None,
    error: str | None = None,
) -> FetchAttempt:
    """Add one fetch to the source's history and drop what falls beyond KEEP_PER_SOURCE."""
    finished = utcnow()
    started = min(started_at or finished, finished)
    attempt = FetchAttempt(
        source_id=source_id,
        started_at=started,
        finished_at=finished,
        duration_ms=int((finished - started).total_seconds() * 1000),
        outcome=outcome,
        http_status=http_status,
        items_new=counts.new if counts else None,
        items_updated=counts.updated if counts else None,
        items_unchanged=counts.unchanged if counts else None,
        error=error[:MAX_ERROR] if error else None,
    )
    session.add(attempt)
    session.flush()
    prune_attempts(session, source_id)
    return attempt


def prune_attempts(session: Session, source_id: int, keep: int = KEEP_PER_SOURCE) -> int:
    """Delete all but the newest `keep` attempts of the source; how many went."""
    oldest_kept = session.scalar(
        select(FetchAttempt.id)
        .where(FetchAttempt.source_id == source_id)
        .order_by(FetchAttempt.id.desc())
        .offset(keep - 1)
        .limit(1)
    )
    if oldest_kept is None:
        return 0
    result = session.execute(
        delete(FetchAttempt).where(
            FetchAttempt.source_id == source_id, FetchAttempt.id < oldest_kept
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def recent_attempts(
    session: Session, source_id: int, limit: int = KEEP_PER_SOURCE
) -> list[FetchAttempt]:
    """The source's fetches, newest first."""
    query = (
        select(FetchAttempt)
        .where(FetchAttempt.source_id == source_id)
        .order_by(FetchAttempt.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
