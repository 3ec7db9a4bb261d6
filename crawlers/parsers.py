"""Which pure parser reads a body, by the kind of source it came from."""

from __future__ import annotations

from datetime import datetime

from catalog.sources import SourceRef
from crawlers import calendars, feeds, resources, structured
from crawlers.ats import job_board
from crawlers.results import ParseResult
from ground.settings import Settings

# Each parser's "this body is not what I read" error: the source failed, with that message.
UNREADABLE = (
    feeds.NotAFeed,
    calendars.NotACalendar,
    job_board.NotAJobBoard,
    structured.NoStructuredData,
    resources.NoMainText,
)


def parse_body(
    source: SourceRef,
    url: str,
    body: bytes,
    settings: Settings,
    *,
    content_type: str | None = None,
    now: datetime | None = None,
) -> ParseResult:
    """Items in `body`, fetched from `url` for a single-body source (not html or sitemap)."""
    if source.kind == "feed":
        result = feeds.parse(url, body, source.item_kind, now=now, content_type=content_type)
        return ParseResult(result.items, result.warnings, result.complete, (), result.title)
    if source.kind == "calendar":
        return calendars.parse(
            url,
            body,
            now=now,
            horizon_days=settings.calendar_horizon_days,
            max_occurrences=settings.calendar_max_occurrences,
        )
    if source.kind == "jobboard":
        return job_board.parse(url, body, now=now)
    if source.kind == "structured":
        return _structured(url, body, settings, now)
    if source.kind == "resource":
        return resources.parse(url, body, now=now)
    raise ValueError(f"source kind {source.kind!r} is not read from a single body")


def parse_page(
    source: SourceRef, url: str, body: bytes, settings: Settings, now: datetime | None = None
) -> ParseResult:
    """A page a sitemap listed: structured postings or events, or the page as a resource."""
    if source.item_kind == "resource":
        return resources.parse(url, body, now=now)
    return _structured(url, body, settings, now)


def _structured(url: str, body: bytes, settings: Settings, now: datetime | None) -> ParseResult:
    """schema.org data, a repeating event's occurrences within the calendar horizon and cap."""
    return structured.parse(
        url,
        body,
        now=now,
        horizon_days=settings.calendar_horizon_days,
        max_occurrences=settings.calendar_max_occurrences,
    )
