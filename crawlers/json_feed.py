"""JSON Feed 1.0 and 1.1 (jsonfeed.org): a pure parser, as feedparser 6 does not read them."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from catalog.records import ParsedItem
from crawlers.normalise import (
    MAX_TITLE,
    absolute_http_url,
    canonical_url,
    clean_text,
    html_to_text,
    json_text,
    plausible_date,
    sanitise_html,
)
from crawlers.results import ParseResult

# Bounded work on a hostile feed: more items than this are not a community's feed.
MAX_ITEMS = 5_000
MAX_TAGS = 50


class NotAJsonFeed(ValueError):
    """The body is not a JSON Feed (not JSON, or JSON of another shape); the message says why."""


def parse(
    url: str, body: bytes, item_kind: str = "job", now: datetime | None = None
) -> ParseResult:
    """Items of the JSON Feed at `url`, whose response body was `body`."""
    now = now or datetime.now(UTC)
    feed, warnings = _load(body)
    entries = feed.get("items")
    if not isinstance(entries, list):
        # A feed that lost its list must not read as "everything was taken down".
        warnings.append("JSON Feed has no list of items")
        return ParseResult([], tuple(warnings), complete=False, title=_feed_title(feed))
    if len(entries) > MAX_ITEMS:
        warnings.append(f"JSON Feed lists {len(entries)} items; read the first {MAX_ITEMS}")
    items: list[ParsedItem] = []
    skipped = 0
    for entry in entries[:MAX_ITEMS]:
        item = _item(url, entry, item_kind, now) if isinstance(entry, dict) else None
        if item is None:
            skipped += 1
        else:
            items.append(item)
    if skipped:
        warnings.append(f"skipped {skipped} JSON Feed item(s) with neither title nor link")
    return ParseResult(items, tuple(warnings), title=_feed_title(feed))


def _load(body: bytes) -> tuple[dict[str, Any], list[str]]:
    """The feed object and warnings about its encoding; NotAJsonFeed when it is none."""
    warnings: list[str] = []
    encoding = json.detect_encoding(body)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        text = body.decode(encoding, errors="replace")
        warnings.append(f"JSON Feed is not valid {encoding}; bad bytes replaced")
    try:
        feed = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError) as exc:
        raise NotAJsonFeed(f"not a JSON Feed: invalid JSON ({str(exc)[:200]})") from exc
    if not isinstance(feed, dict):
        raise NotAJsonFeed("not a JSON Feed: the top level is not an object")
    version = feed.get("version")
    if not (isinstance(version, str) and "jsonfeed.org" in version) and "items" not in feed:
        raise NotAJsonFeed("not a JSON Feed: no version and no items")
    return feed, warnings


def _feed_title(feed: dict[str, Any]) -> str:
    return clean_text(json_text(feed.get("title")))


def _item(feed_url: str, entry: dict[str, Any], item_kind: str, now: datetime) -> ParsedItem | None:
    link, key = _link(feed_url, entry)
    body_html = _body(entry)
    title = clean_text(json_text(entry.get("title")), MAX_TITLE) or html_to_text(body_html, 80)
    if not title or not link:
        return None
    summary = json_text(entry.get("summary")) or body_html
    details: dict[str, Any] = {}
    if author := _author(entry):
        details["author"] = author
    external_url = entry.get("external_url")
    external = _absolute(feed_url, external_url) if isinstance(external_url, str) else ""
    if external and external != link and item_kind in {"job", "event"}:
        details["apply_url"] = canonical_url(external)
    return ParsedItem(
        url=canonical_url(link),
        key=key,
        title=title,
        kind=item_kind,
        summary=html_to_text(summary),
        body=sanitise_html(body_html),
        published_at=plausible_date(_date(entry), now),
        source_key=clean_text(json_text(entry.get("id")), 500),
        tags=_tags(entry.get("tags")),
        details=details,
    )


def _link(feed_url: str, entry: dict[str, Any]) -> tuple[str, str]:
    """The item's page, and a key naming it when it has no page of its own.

    `url` is the item's permalink; `external_url` (a link blog's target) stands in when it is
    missing; an id that is a URL comes next; an item with none is the feed's address plus a key
    from its id, as crawlers.feeds does for linkless entries.
    """
    for candidate in (entry.get("url"), entry.get("external_url")):
        if isinstance(candidate, str) and (link := _absolute(feed_url, candidate)):
            return link, ""
    guid = json_text(entry.get("id")).strip()
    if guid.startswith(("http://", "https://")):
        return guid[:2000], ""
    if not guid:
        return "", ""
    digest = hashlib.sha256(guid.encode("utf-8", "replace")).hexdigest()[:16]
    return feed_url, f"{canonical_url(feed_url)}#entry-{digest}"


def _absolute(feed_url: str, link: str) -> str:
    """`link` made absolute against the feed, or "" when it is not an http(s) URL (a bare
    fragment names no entry of its own)."""
    return "" if link.strip().startswith("#") else absolute_http_url(feed_url, link)


def _body(entry: dict[str, Any]) -> str:
    """content_html, or content_text escaped into paragraphs so it reads as text."""
    if content := json_text(entry.get("content_html")):
        return content
    plain = json_text(entry.get("content_text"))
    if not plain:
        return ""
    escaped = plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(f"<p>{p.strip()}</p>" for p in escaped.split("\n\n") if p.strip())


def _author(entry: dict[str, Any]) -> str:
    """The first author's name: `authors` (1.1) or `author` (1.0)."""
    authors = entry.get("authors")
    candidates = authors if isinstance(authors, list) else [entry.get("author")]
    for author in candidates[:10]:
        if isinstance(author, dict) and (name := clean_text(json_text(author.get("name")))):
            return name
    return ""


def _tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    tags = (clean_text(json_text(tag), 80) for tag in value[:MAX_TAGS])
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def _date(entry: dict[str, Any]) -> datetime | None:
    """date_published (RFC 3339), else date_modified; RFC 822 dates are read too."""
    for key in ("date_published", "date_modified"):
        value = entry.get(key)
        if isinstance(value, str) and (parsed := _parse_date(value.strip()[:64])):
            return parsed
    return None


def _parse_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
