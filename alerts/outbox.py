"""The alert outbox: what matched, what is owed to whom, what was sent.

Matches are written once per (saved search, item) whatever inserts them (the unique constraint
decides, on SQLite and PostgreSQL alike); deliveries group matches into one e-mail or webhook
call and carry its state: pending -> sending -> sent, or failed with a time to retry.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from catalog.models.base import utcnow
from catalog.models.saved_searches import AlertDelivery, AlertMatch, SavedSearch
from catalog.saved_searches import CHANNELS, FREQUENCIES
from ground.errors import MutualError

RETRIABLE = ("pending", "sending", "failed")


def record_matches(session: Session, matches: Iterable[tuple[int, str]]) -> int:
    """Add (saved search id, item id) pairs to the outbox, skipping those already there;
    returns how many were new."""
    now = utcnow()
    rows = [
        {"saved_search_id": s, "item_id": i, "matched_at": now, "dropped": False}
        for s, i in dict.fromkeys(matches)
    ]
    if not rows:
        return 0
    # One statement compiled once, sent in batches (SQLAlchemy's "insertmanyvalues"), on the
    # session's connection: the ORM's bulk machinery adds nothing here.
    inserted = session.connection().execute(_insert_new(session), rows)
    return len(inserted.all())


def _insert_new(session: Session) -> ReturningInsert[tuple[int]]:
    keys = ["saved_search_id", "item_id"]
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return (
            postgresql.insert(AlertMatch)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(AlertMatch.id)
        )
    if name == "sqlite":
        return (
            sqlite.insert(AlertMatch)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(AlertMatch.id)
        )
    raise MutualError(f"the alert outbox supports SQLite and PostgreSQL, not {name}")


def _unassigned(channel: str) -> ColumnElement[bool]:
    column = AlertMatch.email_delivery_id if channel == "email" else AlertMatch.webhook_delivery_id
    return column.is_(None)


def _wants(saved: SavedSearch, channel: str) -> bool:
    return saved.email if channel == "email" else bool(saved.webhook_url)


def _digest_due(saved: SavedSearch, channel: str, now: datetime) -> bool:
    """Webhooks and instant e-mails go at once; digests when their period has come round."""
    if channel == "webhook" or saved.frequency == "instant":
        return True
    if saved.next_digest_at is None:
        saved.next_digest_at = saved.created_at + FREQUENCIES[saved.frequency]
    return saved.next_digest_at <= now


def plan_deliveries(session: Session, saved: SavedSearch, now: datetime) -> list[AlertDelivery]:
    """Put the search's matches not yet given to a channel into a new delivery per channel
    that is due."""
    planned = []
    for channel in CHANNELS:
        if not _wants(saved, channel) or not _digest_due(saved, channel, now):
            continue
        waiting = select(AlertMatch.id).where(
            AlertMatch.saved_search_id == saved.id, _unassigned(channel), ~AlertMatch.dropped
        )
        ids = list(session.scalars(waiting))
        if channel == "email" and saved.frequency != "instant":
            saved.next_digest_at = now + FREQUENCIES[saved.frequency]
        if not ids:
            continue
        delivery = AlertDelivery(
            saved_search_id=saved.id, channel=channel, uuid=str(uuid.uuid4()), next_attempt_at=now
        )
        session.add(delivery)
        session.flush()
        column = "email_delivery_id" if channel == "email" else "webhook_delivery_id"
        session.execute(
            update(AlertMatch).where(AlertMatch.id.in_(ids)).values({column: delivery.id})
        )
        planned.append(delivery)
    return planned


def due_deliveries(session: Session, now: datetime) -> list[AlertDelivery]:
    """Deliveries to send now: new ones, failed ones whose wait is over, and any left
    "sending" by a run that died (only one run holds the alerts lock at a time)."""
    query = (
        select(AlertDelivery)
        .where(AlertDelivery.status.in_(RETRIABLE), AlertDelivery.next_attempt_at <= now)
        .order_by(AlertDelivery.id)
    )
    return list(session.scalars(query))


def delivery_matches(session: Session, delivery: AlertDelivery) -> list[AlertMatch]:
    column = (
        AlertMatch.email_delivery_id
        if delivery.channel == "email"
        else AlertMatch.webhook_delivery_id
    )
    query = select(AlertMatch).where(column == delivery.id, ~AlertMatch.dropped)
    return list(session.scalars(query.order_by(AlertMatch.id)))


def record_failure(
    delivery: AlertDelivery, error: str, now: datetime, retry: timedelta, max_attempts: int
) -> None:
    """A failed attempt: retried after `retry` doubled per attempt, given up after the last."""
    delivery.attempts += 1
    delivery.last_error = error[:1000]
    if delivery.attempts >= max_attempts:
        delivery.status = "gave_up"
        return
    delivery.status = "failed"
    delivery.next_attempt_at = now + retry * (2 ** (delivery.attempts - 1))


def recent_matches(session: Session, saved_search_id: int, limit: int = 10) -> list[AlertMatch]:
    query = (
        select(AlertMatch)
        .where(AlertMatch.saved_search_id == saved_search_id, ~AlertMatch.dropped)
        .order_by(AlertMatch.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def troubled_deliveries(session: Session, user_id: int) -> list[AlertDelivery]:
    """The person's deliveries that failed and are waiting to retry or were given up."""
    query = (
        select(AlertDelivery)
        .join(SavedSearch, SavedSearch.id == AlertDelivery.saved_search_id)
        .where(SavedSearch.user_id == user_id, AlertDelivery.status.in_(("failed", "gave_up")))
        .order_by(AlertDelivery.id.desc())
        .limit(20)
    )
    return list(session.scalars(query))
