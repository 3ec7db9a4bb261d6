"""RSS, Atom and JSON Feed: a pure parser from a fetched body to items (no network here)."""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from catalog.records import ParsedItem
from crawlers.normalise import (
    MAX_TITLE,
    canonical_url,
    clean_text,
    html_to_text,
    plausible_date,
    sanitise_html,
)


class NotAFeed(ValueError):
    """The body is not a feed feedparser can read; the message says why."""


@dataclass(frozen=True)
class FeedResult:
    title: str
    items: list[ParsedItem]
    warnings: tuple[str, ...]


def parse(
    url: str,
    body: bytes,
    item_kind: str = "job",
    now: datetime | None = None,
    content_type: str | None = None,
) -> FeedResult:
    """Items of the feed at `url`, whose response body was `body`."""
    now = now or datetime.now(UTC)
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    warnings = _warnings(parsed)
    if not parsed.entries and not parsed.feed.get("title"):
        reason = str(parsed.get("bozo_exception") or "no feed elements found")
        raise NotAFeed(f"not a feed: {reason}")
    items: list[ParsedItem] = []
    for entry in parsed.entries:
        item = _entry_to_item(url, entry, item_kind, now)
        if item is None:
            warnings.append("skipped an entry with neither title nor link")
        else:
            items.append(item)
    return FeedResult(clean_text(parsed.feed.get("title")), items, tuple(warnings))


def _warnings(parsed: Any) -> list[str]:
    if not parsed.get("bozo"):
        return []
    exception = parsed.get("bozo_exception")
    return [f"feed is not well-formed ({type(exception).__name__}: {exception})"[:300]]


def _entry_to_item(feed_url: str, entry: Any, item_kind: str, now: datetime) -> ParsedItem | None:
    link, key = _entry_link(feed_url, entry)
    body_html = _entry_body(entry)
    title = clean_text(entry.get("title"), MAX_TITLE) or html_to_text(body_html, 80)
    if not title or not link:
        return None
    summary_source = entry.get("summary") or body_html
    return ParsedItem(
        url=canonical_url(link),
        key=key,
        title=title,
        kind=item_kind,
        summary=html_to_text(summary_source),
        body=sanitise_html(body_html),
        organisation=_organisation(entry),
        location=clean_text(entry.get("location") or entry.get("job_location")),
        published_at=plausible_date(_entry_date(entry), now),
        source_key=clean_text(entry.get("id"), 500),
        tags=tuple(
            t for t in (clean_text(tag.get("term"), 80) for tag in entry.get("tags", [])) if t
        ),
    )


def _entry_link(feed_url: str, entry: Any) -> tuple[str, str]:
    """The entry's link, and a key naming it when it has no link of its own."""
    link = entry.get("link") or ""
    guid = entry.get("id") or ""
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    if not link and guid:
        # No link at all: the feed's address for the reader, and a stable key inside the feed
        # so the entry keeps one id (a fragment would not survive URL canonicalisation).
        digest = hashlib.sha256(guid.encode("utf-8")).hexdigest()[:16]
        return feed_url, f"{canonical_url(feed_url)}#entry-{digest}"
    if not link:
        return "", ""
    absolute = urljoin(feed_url, link)
    return (absolute, "") if absolute.startswith(("http://", "https://")) else ("", "")


def _entry_body(entry: Any) -> str:
    contents = entry.get("content") or []
    for content in contents:
        if content.get("value"):
            return str(content["value"])
    return str(entry.get("summary") or "")


def _organisation(entry: Any) -> str:
    for key in ("job_company", "company", "dc_publisher", "source"):
        value = entry.get(key)
        if isinstance(value, dict):
            value = value.get("title")
        if value:
            return clean_text(str(value))
    return ""


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None
