"""Alert deliveries that failed, across every saved search: what the operator page lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models.accounts import User
from catalog.models.saved_searches import AlertDelivery, SavedSearch

FAILED_STATUSES = ("failed", "gave_up")


@dataclass(frozen=True)
class FailedDelivery:
    id: int
    saved_search: str
    owner: str
    channel: str
    status: str  # "failed" (to be retried) or "gave_up"
    attempts: int
    last_error: str
    next_attempt_at: datetime | None  # None once given up
    created_at: datetime


def failed_deliveries(session: Session, limit: int = 50) -> list[FailedDelivery]:
    """The newest deliveries waiting to retry after a failure or given up, newest first."""
    query = (
        select(AlertDelivery, SavedSearch.name, User.email)
        .join(SavedSearch, SavedSearch.id == AlertDelivery.saved_search_id)
        .join(User, User.id == SavedSearch.user_id)
        .where(AlertDelivery.status.in_(FAILED_STATUSES))
        .order_by(AlertDelivery.id.desc())
        .limit(limit)
    )
    return [
        FailedDelivery(
            id=delivery.id,
            saved_search=name,
            owner=email,
            channel=delivery.channel,
            status=delivery.status,
            attempts=delivery.attempts,
            last_error=delivery.last_error or "",
            next_attempt_at=delivery.next_attempt_at if delivery.status == "failed" else None,
            created_at=delivery.created_at,
        )
        for delivery, name, email in session.execute(query)
    ]
