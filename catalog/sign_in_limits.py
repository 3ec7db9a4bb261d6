"""Counting failed sign-ins in the catalog, so every web worker process shares one limit.

Locking an address for everyone after a few failures lets anyone lock anyone out. So the lock is
per client and address: a few failures from one client for one address lock only that pair. One
client across addresses has a higher limit (against one password sprayed over many addresses),
and one address from every client a far higher ceiling (against guesses spread over many
clients); past it, and from a locked pair, the owner still gets in by an e-mailed one-time
sign-in link (webapp/sign_in_links.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from catalog.accounts import AccountError, normalise_email
from catalog.models.accounts import SignInFailure
from catalog.models.base import utcnow

# One client may fail this many times the pair's limit, over all addresses, before it is locked.
CLIENT_FACTOR = 4
# One address may fail this many times the pair's limit, from all clients, before a password no
# longer signs it in (an e-mailed link still does).
ADDRESS_FACTOR = 10


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


@dataclass(frozen=True)
class SignInKeys:
    """The three counts a sign-in adds to: its client and address together, each alone."""

    pair: str
    client: str
    address: str


def address_of(email: str) -> str:
    """The address as counted: normalised when it can be, so that case does not dodge a limit."""
    try:
        return normalise_email(email)
    except AccountError:
        return email.strip().lower()[:320]


def sign_in_keys(email: str, client: str) -> SignInKeys:
    """The keys of a sign-in to `email` from `client` (its IP address)."""
    address = address_of(email)
    return SignInKeys(f"pair:{client}|{address}", f"client:{client}", f"address:{address}")


def _limits(keys: SignInKeys, pair: SignInLimit) -> list[tuple[str, SignInLimit]]:
    return [
        (keys.pair, pair),
        (keys.client, replace(pair, max_failures=pair.max_failures * CLIENT_FACTOR)),
        (keys.address, replace(pair, max_failures=pair.max_failures * ADDRESS_FACTOR)),
    ]


def is_locked(session: Session, keys: SignInKeys) -> bool:
    return any(locked_until(session, key) for key in (keys.pair, keys.client, keys.address))


def count_sign_in_failure(session: Session, keys: SignInKeys, pair: SignInLimit) -> bool:
    """Count a failed sign-in on every key (`pair` the pair's limit, the others' a multiple of
    it); True when that locked one of them."""
    return any([record_failure(session, key, limit) for key, limit in _limits(keys, pair)])


def clear_after_sign_in(session: Session, keys: SignInKeys) -> None:
    """The owner is in: forget the address's failures and this pair's. The client's count stays,
    so that one right password among many addresses does not reset a sprayer."""
    clear_failures(session, keys.pair)
    clear_failures(session, keys.address)


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
