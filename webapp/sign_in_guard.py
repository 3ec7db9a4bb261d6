"""Which failure counts a sign-in adds to, and which of them refuse it.

Locking an address for everyone after a few failures lets anyone lock anyone out. So the lock is
per client and address: a few failures from one client for one address lock only that pair. One
client across addresses has a higher limit (against one password sprayed over many addresses),
and one address from every client a far higher ceiling (against guesses spread over many
clients); past it, and from a locked pair, the owner still gets in by an e-mailed one-time
sign-in link (webapp/sign_in_links.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import request
from sqlalchemy.orm import Session

from catalog.accounts import AccountError, normalise_email
from catalog.sign_in_limits import SignInLimit, clear_failures, locked_until, record_failure
from webapp.services import services

# One client may fail this many times the pair's limit, over all addresses, before it is locked.
CLIENT_FACTOR = 4
# One address may fail this many times the pair's limit, from all clients, before a password no
# longer signs it in (an e-mailed link still does).
ADDRESS_FACTOR = 10


@dataclass(frozen=True)
class SignInKeys:
    pair: str
    client: str
    address: str


def address_of(email: str) -> str:
    """The address as counted: normalised when it can be, so that case does not dodge a limit."""
    try:
        return normalise_email(email)
    except AccountError:
        return email.strip().lower()[:320]


def keys_for(email: str, client: str | None = None) -> SignInKeys:
    """The keys of a sign-in to `email` from `client` (default: this request's)."""
    client = client if client is not None else str(request.remote_addr)
    address = address_of(email)
    return SignInKeys(f"pair:{client}|{address}", f"client:{client}", f"address:{address}")


def _limits(keys: SignInKeys) -> list[tuple[str, SignInLimit]]:
    settings = services().settings
    lockout = timedelta(minutes=settings.sign_in_lockout_minutes)
    most = settings.sign_in_max_failures
    return [
        (keys.pair, SignInLimit(most, lockout, lockout)),
        (keys.client, SignInLimit(most * CLIENT_FACTOR, lockout, lockout)),
        (keys.address, SignInLimit(most * ADDRESS_FACTOR, lockout, lockout)),
    ]


def is_locked(session: Session, keys: SignInKeys) -> bool:
    return any(locked_until(session, key) for key, _limit in _limits(keys))


def count_failure(session: Session, keys: SignInKeys) -> bool:
    """Count a failed sign-in on every key; True when that locked one of them."""
    return any([record_failure(session, key, limit) for key, limit in _limits(keys)])


def clear_after_sign_in(session: Session, keys: SignInKeys) -> None:
    """The owner is in: forget the address's failures and this pair's. The client's count stays,
    so that one right password among many addresses does not reset a sprayer."""
    clear_failures(session, keys.pair)
    clear_failures(session, keys.address)
