"""Workers' leases on sources, so several workers share the due sources and never fetch one twice.

A worker claims a batch of due sources in one statement: on PostgreSQL the candidates are read
with `FOR UPDATE SKIP LOCKED`, so two workers claiming at once take different rows instead of
waiting for each other; on SQLite the UPDATE itself holds the database's write lock, which
serialises claims. Recording a fetch (catalog.sources.record_fetch_*) ends the claim; a worker
renews its claims while its crawl runs, so a worker that dies loses them when the lease runs out
and other workers pick the sources up again. Oldest due first: no source waits behind newer ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from catalog.models.base import utcnow
from catalog.models.sources import Source
from catalog.sources import SourceRef, source_ref


@dataclass(frozen=True)
class ClaimedOutcome:
    """How the fetch of one claimed source ended, read back from its recorded state."""

    source_id: int
    kind: str
    # "ok", "not_modified", "failed", or "unfinished" (nothing recorded since the claim).
    outcome: str
    status: int | None
    items: int
    error: str | None


def due_condition(now: datetime) -> ColumnElement[bool]:
    """Unpaused, due, and not under another worker's live lease."""
    return and_(
        Source.paused.is_(False),
        or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= now),
        unclaimed_condition(now),
    )


def unclaimed_condition(now: datetime) -> ColumnElement[bool]:
    return or_(Source.claimed_until.is_(None), Source.claimed_until < now)


def claim_due_sources(
    session: Session, holder: str, limit: int, lease: timedelta, now: datetime | None = None
) -> list[int]:
    """Claim up to `limit` due sources for `holder`, oldest due first; their ids.

    Run it as the first statement of its own transaction (catalog.db.transaction), so SQLite
    takes the write lock before reading which sources are free.
    """
    now = now or utcnow()
    candidates = (
        select(Source.id)
        .where(due_condition(now))
        .order_by(Source.next_fetch_at.asc().nulls_first(), Source.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # rendered on PostgreSQL only
        .scalar_subquery()
    )
    claimed = session.scalars(
        update(Source)
        .where(Source.id.in_(candidates), due_condition(now))
        .values(claimed_by=holder, claimed_until=now + lease)
        .returning(Source.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed)


def renew_claims(session: Session, holder: str, lease: timedelta) -> int:
    """Push back the end of `holder`'s leases still open; how many there are."""
    result = session.execute(
        update(Source)
        .where(Source.claimed_by == holder)
        .values(claimed_until=utcnow() + lease)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


def release_claims(session: Session, holder: str) -> int:
    """End `holder`'s leases still open (sources whose fetch was never recorded): they are due
    again for any worker. How many there were."""
    result = session.execute(
        update(Source)
        .where(Source.claimed_by == holder)
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0))


def claimed_sources(session: Session, holder: str, credentials_key: str) -> list[SourceRef]:
    """What the crawler needs of the sources `holder` has claimed and not yet recorded."""
    query = select(Source).where(Source.claimed_by == holder).order_by(Source.id)
    return [source_ref(source, credentials_key) for source in session.scalars(query)]


def claimed_outcomes(session: Session, ids: list[int], since: datetime) -> list[ClaimedOutcome]:
    """How each of `ids` fared in a crawl that started at `since`."""
    if not ids:
        return []
    sources = session.scalars(select(Source).where(Source.id.in_(ids)).order_by(Source.id))
    return [_outcome(source, since) for source in sources]


def _outcome(source: Source, since: datetime) -> ClaimedOutcome:
    if source.last_fetched_at is None or source.last_fetched_at < since:
        outcome = "unfinished"
    elif source.error_count:
        outcome = "failed"
    elif source.last_status == 304:
        outcome = "not_modified"
    else:
        outcome = "ok"
    error = source.last_error if outcome == "failed" else None
    return ClaimedOutcome(
        source.id, source.kind, outcome, source.last_status, source.items_seen, error
    )


def count_claimed(session: Session, now: datetime | None = None) -> int:
    """Sources under a live lease now (being fetched by some worker)."""
    now = now or utcnow()
    query = select(func.count()).select_from(Source).where(Source.claimed_until >= now)
    return int(session.scalar(query) or 0)


def count_due(session: Session, now: datetime | None = None) -> int:
    """Due sources no worker has claimed yet: the backlog."""
    query = select(func.count()).select_from(Source).where(due_condition(now or utcnow()))
    return int(session.scalar(query) or 0)
