"""Counting failed sign-ins in the catalog, so every web worker process shares one limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from catalog.models.accounts import SignInFailure
from catalog.models.base import utcnow


@dataclass(frozen=True)
class SignInLimit:
    max_failures: int
    window: timedelta
    lockout: timedelta


def locked_until(session: Session, key: str, now: datetime | None = None) -> datetime | None:
    """When the lock on `key` ends, or None when it may try now."""
    now = now or utcnow()
    row = session.get(SignInFailure, key)
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until


def record_failure(
    session: Session, key: str, limit: SignInLimit, now: datetime | None = None
) -> datetime | None:
    """Count one failure; returns when the lock ends if this failure locked the key."""
    now = now or utcnow()
    row = session.get(SignInFailure, key, with_for_update=True)
    if row is None:
        row = SignInFailure(key=key, failures=0, first_failure_at=now)
        session.add(row)
    if now - row.first_failure_at > limit.window:  # an old streak: start counting again
        row.failures, row.first_failure_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit.max_failures:
        row.locked_until = now + limit.lockout
    session.flush()
    return row.locked_until


def clear_failures(session: Session, key: str) -> None:
    row = session.get(SignInFailure, key)
    if row is not None:
        session.delete(row)


def _link_key(user_id: int) -> str:
    return f"link-used:{user_id}"


def sign_in_link_used_at(session: Session, user_id: int) -> datetime | None:
    """When the user last signed in by an e-mailed link: links made before it are used up."""
    row = session.get(SignInFailure, _link_key(user_id))
    return row.first_failure_at if row is not None else None


def mark_sign_in_link_used(session: Session, user_id: int, now: datetime | None = None) -> None:
    """Use up every sign-in link made so far. Kept beside the failure counts (the same table, a
    key of its own) so that a one-time link needs no schema change; to the second, as a link's
    signed time is."""
    now = (now or utcnow()).replace(microsecond=0)
    row = session.get(SignInFailure, _link_key(user_id), with_for_update=True)
    if row is None:
        session.add(SignInFailure(key=_link_key(user_id), failures=0, first_failure_at=now))
    else:
        row.first_failure_at = now
    session.flush()
