"""Saved searches: who saved which search, how often they want to hear, their feed tokens.

The outbox of what matched and what was sent is the alerts floor's (alerts/outbox.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models.base import utcnow
from catalog.models.saved_searches import CalendarFeed, SavedSearch
from ground.errors import MutualError

FREQUENCIES = {"instant": timedelta(0), "daily": timedelta(days=1), "weekly": timedelta(days=7)}
CHANNELS = ("email", "webhook")
# Parameters of a search page's address that are not part of the search itself.
NOT_SAVED = ("page", "after")
MAX_QUERY_LENGTH = 2000


class UnknownSavedSearch(MutualError):
    """No saved search with that id belongs to the person asking."""


class SavedSearchInvalid(MutualError):
    """A saved search's settings cannot be used; the message says which."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token[:200].encode("utf-8")).hexdigest()


def clean_query(query: str) -> str:
    """The query string as saved: page and cursor dropped, parameters kept in order."""
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k not in NOT_SAVED]
    cleaned = urlencode(pairs)
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise SavedSearchInvalid("this search is too long to save")
    return cleaned


def add_saved_search(
    session: Session, user_id: int, name: str, query: str, frequency: str = "instant"
) -> SavedSearch:
    """Save a search; it alerts on items indexed from now on."""
    check_frequency(frequency)
    saved = SavedSearch(
        user_id=user_id,
        name=(name.strip() or "My search")[:200],
        query=clean_query(query),
        frequency=frequency,
        last_checked=utcnow(),
    )
    session.add(saved)
    session.flush()
    return saved


def check_frequency(frequency: str) -> None:
    if frequency not in FREQUENCIES:
        raise SavedSearchInvalid(f"unknown frequency {frequency!r}; use {', '.join(FREQUENCIES)}")


def owned_search(session: Session, user_id: int, search_id: int) -> SavedSearch:
    """The user's saved search with this id; another person's is as missing as none."""
    saved = session.get(SavedSearch, search_id)
    if saved is None or saved.user_id != user_id:
        raise UnknownSavedSearch(f"you have no saved search #{search_id}")
    return saved


def list_saved_searches(session: Session, user_id: int) -> list[SavedSearch]:
    query = select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(SavedSearch.id)
    return list(session.scalars(query))


def active_saved_searches(session: Session) -> list[SavedSearch]:
    query = select(SavedSearch).where(SavedSearch.paused.is_(False)).order_by(SavedSearch.id)
    return list(session.scalars(query))


def new_feed_token(saved: SavedSearch) -> str:
    """A new private feed address for the search (the old one stops working)."""
    token = secrets.token_urlsafe(24)
    saved.feed_token_hash = token_hash(token)
    return token


def search_for_feed(session: Session, token: str) -> SavedSearch | None:
    query = select(SavedSearch).where(SavedSearch.feed_token_hash == token_hash(token))
    return session.scalar(query)


def new_calendar_token(session: Session, user_id: int) -> str:
    """A new address for the person's calendar of upcoming events (the old one stops working)."""
    token = secrets.token_urlsafe(24)
    row = session.get(CalendarFeed, user_id)
    if row is None:
        session.add(CalendarFeed(user_id=user_id, token_hash=token_hash(token)))
    else:
        row.token_hash, row.created_at = token_hash(token), utcnow()
    session.flush()
    return token


def user_for_calendar(session: Session, token: str) -> int | None:
    query = select(CalendarFeed.user_id).where(CalendarFeed.token_hash == token_hash(token))
    return session.scalar(query)


def has_calendar(session: Session, user_id: int) -> bool:
    return session.get(CalendarFeed, user_id) is not None


def private_feeds(session: Session, user_id: int) -> list[str]:
    """What the person's private feed addresses are for, one line each (only the tokens'
    hashes are stored, so the addresses themselves cannot be shown again)."""
    query = select(SavedSearch.name).where(
        SavedSearch.user_id == user_id, SavedSearch.feed_token_hash.is_not(None)
    )
    named = [f"{name}: Atom feed and calendar" for name in session.scalars(query.order_by("id"))]
    if has_calendar(session, user_id):
        named.append("Calendar of your communities' events")
    return named


def revoke_private_feeds(session: Session, user_id: int) -> int:
    """End every private feed address of the person (saved searches' and their calendar's);
    returns how many there were. Saving a search's page again gives new ones."""
    searches = select(SavedSearch).where(
        SavedSearch.user_id == user_id, SavedSearch.feed_token_hash.is_not(None)
    )
    ended = 0
    for saved in session.scalars(searches):
        saved.feed_token_hash = None
        ended += 1
    calendar = session.get(CalendarFeed, user_id)
    if calendar is not None:
        session.delete(calendar)
        ended += 1
    session.flush()
    return ended
