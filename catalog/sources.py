"""Registering sources and keeping the state of fetching them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from catalog.communities import get_community
from catalog.models import Source, utcnow
from catalog.records import FetchInfo
from mutual.errors import MutualError

SOURCE_KINDS = ("feed",)
ACCESS_LEVELS = ("public", "members")
ITEM_KINDS = ("job", "event", "resource")


class SourceExists(MutualError):
    """The community already has a source with that URL."""


class InvalidChoice(MutualError):
    """A value is not one of those allowed; the message lists them."""


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
) -> Source:
    _check_choice("kind", kind, SOURCE_KINDS)
    _check_choice("item kind", item_kind, ITEM_KINDS)
    _check_choice("access", access, ACCESS_LEVELS)
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
    )
    session.add(source)
    session.flush()
    return source


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


def due_sources(session: Session, now: datetime, include_not_due: bool = False) -> list[SourceRef]:
    """Sources to fetch now: unpaused, and due unless `include_not_due`."""
    query = select(Source).where(Source.paused.is_(False)).order_by(Source.id)
    if not include_not_due:
        query = query.where(or_(Source.next_fetch_at.is_(None), Source.next_fetch_at <= now))
    return [
        SourceRef(s.id, s.url, s.kind, s.item_kind, s.etag, s.last_modified)
        for s in session.scalars(query)
    ]


def record_fetch_success(
    session: Session, source: Source, info: FetchInfo, backoff: Backoff, item_count: int
) -> None:
    now = utcnow()
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
    session: Session, source: Source, error: str, backoff: Backoff, status: int | None = None
) -> None:
    now = utcnow()
    source.last_fetched_at = now
    source.last_status = status
    source.error_count += 1
    source.last_error = error[:2000]
    source.next_fetch_at = backoff.after_failure(now, source.error_count)
