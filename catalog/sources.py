"""Registering sources and keeping the state of fetching them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from catalog.communities import get_community
from catalog.credentials import (
    Credentials,
    CredentialsKeyMissing,
    CredentialsUnreadable,
    seal,
    unseal,
)
from catalog.models.base import utcnow
from catalog.models.sources import Source
from catalog.records import FetchInfo
from ground.errors import MutualError

# What a source's URL serves; each kind has its parser module in crawlers/. A "directory" is
# a member-only directory page: it brings people, not items (catalog/directory_pages.py).
SOURCE_KINDS = (
    "feed",
    "calendar",
    "jobboard",
    "structured",
    "html",
    "sitemap",
    "resource",
    "directory",
)
# Kinds that bring people: members' data, so only ever from a member-only source.
PEOPLE_KINDS = ("directory",)
ACCESS_LEVELS = ("public", "members")
ITEM_KINDS = ("job", "event", "resource")
# What a source's items are when nobody said: a calendar holds events, an article page is a
# resource, and everything else (feeds, boards, lists) is read as job postings.
DEFAULT_ITEM_KINDS = {"calendar": "event", "resource": "resource"}


# A server asking for more than a week is not taken at its word.
MAX_RETRY_AFTER = 7 * 86400


class SourceExists(MutualError):
    """The community already has a source with that URL."""


class InvalidChoice(MutualError):
    """A value is not one of those allowed; the message lists them."""


class PublicDirectory(MutualError):
    """A directory page source without member-only access: people data stays with members."""


class UnknownSource(MutualError):
    """No source has that id."""


@dataclass(frozen=True)
class SourceRef:
    """What a crawler needs to fetch a source, detached from the database session."""

    id: int
    url: str
    kind: str
    item_kind: str
    etag: str | None
    last_modified: str | None
    options: dict[str, Any] = field(default_factory=dict)
    credentials: Credentials | None = None
    # Why the source cannot be fetched before even trying (its credentials do not decrypt).
    unusable: str = ""


@dataclass(frozen=True)
class Backoff:
    """How long to wait before fetching a source again."""

    interval: int
    max_backoff: int

    def after_success(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.interval)

    def after_failure(self, now: datetime, error_count: int) -> datetime:
        # Doubling from five minutes, capped, so a broken source is retried but not hammered.
        delay = min(300 * 2 ** max(error_count - 1, 0), self.max_backoff)
        return now + timedelta(seconds=delay)


def add_source(
    session: Session,
    community_slug: str,
    url: str,
    *,
    kind: str = "feed",
    item_kind: str = "job",
    access: str = "public",
    title: str = "",
    options: dict[str, Any] | None = None,
    credentials: Credentials | None = None,
    credentials_key: str = "",
) -> Source:
    """Register a source; credentials are encrypted with `credentials_key` before storing."""
    _check_choice("kind", kind, SOURCE_KINDS)
    _check_choice("item kind", item_kind, ITEM_KINDS)
    _check_choice("access", access, ACCESS_LEVELS)
    if kind in PEOPLE_KINDS and access != "members":
        raise PublicDirectory(
            "a directory page lists members: add it with access members (--access members) "
            "and its sign-in, so its people stay with the community's members"
        )
    community = get_community(session, community_slug)
    existing = session.scalar(
        select(Source).where(Source.community_id == community.id, Source.url == url)
    )
    if existing is not None:
        raise SourceExists(f"{community.slug} already has source #{existing.id} for {url}")
    source = Source(
        community_id=community.id,
        url=url,
        kind=kind,
        item_kind=item_kind,
        access=access,
        title=title,
        options=dict(options or {}),
    )
    if credentials is not None and credentials.kind != "none":
        set_credentials(source, credentials, credentials_key)
    session.add(source)
    session.flush()
    return source


def set_credentials(source: Source, credentials: Credentials, credentials_key: str) -> None:
    """Store the source's sign-in encrypted, and fetch it again (an imported member-only source
    waits paused for this)."""
    source.auth_kind = credentials.kind
    source.credentials = seal(credentials, credentials_key)
    source.paused = False
    source.next_fetch_at = None


def _check_choice(what: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise InvalidChoice(f"unknown {what} {value!r}; choose one of: {', '.join(choices)}")


def list_sources(session: Session, community_slug: str | None = None) -> list[Source]:
    query = select(Source).options(joinedload(Source.community)).order_by(Source.id)
    if community_slug:
        query = query.where(Source.community_id == get_community(session, community_slug).id)
    return list(session.scalars(query))


def get_source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise UnknownSource(f"no source #{source_id} (see `mutual source list`)")
    return source


def due_sources(
    session: Session, now: datetime, include_not_due: bool = False, credentials_key: str = ""
) -> list[SourceRef]:
    """Sources to fetch now: unpaused, and due unless `include_not_due`. A source a worker is
    fetching (under a live lease, see catalog.claims) is not due."""
    query = select(Source).where(Source.paused.is_(False)).order_by(Source.id)
    if not include_not_due:
        query = query.where(
            or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= now),
            or_(Source.claimed_until.is_(None), Source.claimed_until < now),
        )
    return [source_ref(s, credentials_key) for s in session.scalars(query)]


def source_ref(source: Source, credentials_key: str) -> SourceRef:
    """What the crawler needs of `source`, its credentials decrypted (in memory only)."""
    credentials, unusable = None, ""
    if source.credentials:
        try:
            credentials = unseal(source.credentials, credentials_key)
        except (CredentialsKeyMissing, CredentialsUnreadable) as exc:
            unusable = str(exc)
    return SourceRef(
        source.id,
        source.url,
        source.kind,
        source.item_kind,
        source.etag,
        source.last_modified,
        dict(source.options or {}),
        credentials,
        unusable,
    )


def fetch_health(source: Source) -> str:
    """ "paused", "failing", "never" (fetched), "warning" (fetched, with warnings) or "ok":
    what `source list`, `source show` and the /sources page all say, in their own words."""
    if source.paused:
        return "paused"
    if source.error_count:
        return "failing"
    if source.last_fetched_at is None:
        return "never"
    # A successful fetch keeps its warnings in last_error.
    return "warning" if source.last_error else "ok"


def source_health(source: Source) -> dict[str, Any]:
    """What `source list` and `source show` print of a source: never its credentials."""
    state = fetch_health(source)
    words = {"failing": f"failing x{source.error_count}", "never": "never fetched"}
    health = words.get(state, "ok" if state == "warning" else state)
    return {
        "id": source.id,
        "community": source.community.slug,
        "title": source.title,
        "kind": source.kind,
        "item_kind": source.item_kind,
        "url": source.url,
        "access": source.access,
        "auth": source.auth_kind,
        "options": source.options or {},
        "health": health,
        "status": source.last_status or "-",
        "failures": source.error_count,
        "items": source.items_seen,
        "last_attempt": source.last_fetched_at,
        "last_success": source.last_success_at,
        "next_fetch": source.next_fetch_at,
        "last_error": source.last_error or "",
    }


def record_fetch_success(
    session: Session, source: Source, info: FetchInfo, backoff: Backoff, item_count: int
) -> None:
    now = utcnow()
    _end_claim(source)
    source.last_fetched_at = now
    source.last_success_at = now
    source.last_status = info.status
    source.error_count = 0
    source.last_error = "; ".join(info.warnings) or None
    source.next_fetch_at = backoff.after_success(now)
    if info.status != 304:
        source.etag = info.etag
        source.last_modified = info.last_modified
        source.items_seen = item_count


def record_fetch_failure(
    session: Session,
    source: Source,
    error: str,
    backoff: Backoff,
    *,
    status: int | None = None,
    retry_after: int | None = None,
) -> None:
    """Count the failure and put the next fetch off: the backoff, or longer if the server
    asked for it with Retry-After."""
    now = utcnow()
    _end_claim(source)
    source.last_fetched_at = now
    source.last_status = status
    source.error_count += 1
    source.last_error = error[:2000]
    next_fetch = backoff.after_failure(now, source.error_count)
    if retry_after is not None:
        asked = now + timedelta(seconds=min(retry_after, MAX_RETRY_AFTER))
        next_fetch = max(next_fetch, asked)
    source.next_fetch_at = next_fetch


def _end_claim(source: Source) -> None:
    """The fetch is recorded: the worker's lease on the source (catalog.claims) has done its job."""
    source.claimed_by = None
    source.claimed_until = None


def count_sources_by_health(session: Session) -> dict[str, int]:
    """How many sources are in each `fetch_health` state, counted by the database."""
    health = case(
        (Source.paused.is_(True), "paused"),
        (Source.error_count > 0, "failing"),
        (Source.last_fetched_at.is_(None), "never"),
        (Source.last_error.isnot(None), "warning"),
        else_="ok",
    )
    rows = session.execute(select(health, func.count()).group_by(health))
    counts = dict.fromkeys(("ok", "warning", "failing", "never", "paused"), 0)
    counts.update({str(state): int(count) for state, count in rows})
    return counts


def default_item_kind(source_kind: str) -> str:
    """The item kind of a source of `source_kind` when none is given (calendar: events)."""
    return DEFAULT_ITEM_KINDS.get(source_kind, "job")
