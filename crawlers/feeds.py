"""RSS, Atom and JSON Feed: a pure parser from a fetched body to items (no network here)."""

from __future__ import annotations

import calendar
import hashlib
import html
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from catalog.records import ParsedItem
from crawlers import json_feed
from crawlers.enrichment.location import names_a_location
from crawlers.enrichment.text_location import text_place
from crawlers.feed_encoding import as_utf8
from crawlers.normalise import (
    MAX_TITLE,
    canonical_url,
    clean_text,
    html_to_text,
    plausible_date,
    sanitise_html,
)
from crawlers.results import read_each


class NotAFeed(ValueError):
    """The body is not a feed feedparser can read; the message says why."""


@dataclass(frozen=True)
class FeedResult:
    """A feed's title, items and warnings; `complete` as in crawlers.results.ParseResult."""

    title: str
    items: list[ParsedItem]
    warnings: tuple[str, ...]
    complete: bool = True


JSON_TYPES = ("application/feed+json", "application/json")


def parse(
    url: str,
    body: bytes,
    item_kind: str = "job",
    now: datetime | None = None,
    content_type: str | None = None,
) -> FeedResult:
    """Items of the feed (RSS, Atom or JSON Feed) at `url`, whose response body was `body`."""
    now = now or datetime.now(UTC)
    if _looks_like_json(body, content_type):
        return _parse_json_feed(url, body, item_kind, now)
    body, content_type, disguised = as_utf8(body, content_type)
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    warnings = [disguised] if disguised else []
    warnings.extend(_warnings(parsed))
    # What feedparser recognised decides (its `version` names an RSS, RDF or Atom root): an
    # empty channel is a feed with nothing in it today, a page of HTML is not a feed at all.
    if not parsed.entries and not parsed.feed.get("title") and not parsed.get("version"):
        reason = str(parsed.get("bozo_exception") or "no feed elements found")
        raise NotAFeed(f"not a feed: {reason}")
    read = read_each(
        parsed.entries, lambda e: _entry_to_item(url, e, item_kind, now), warnings, "entries"
    )
    items = [item for item in read if item is not None]
    warnings.extend(["skipped an entry with neither title nor link"] * (read.count(None)))
    if item_kind == "job":
        items = career_centre_fields(items)
    elif item_kind == "event":
        items = _in_language(items, clean_text(parsed.feed.get("language"), 20))
    return FeedResult(clean_text(parsed.feed.get("title")), items, tuple(warnings))


def _in_language(items: list[ParsedItem], language: str) -> list[ParsedItem]:
    """Events of a feed that names its language (<language>fr-fr</language>), marked with it:
    their dates in words are read in it."""
    if not language:
        return items
    return [replace(item, details={**item.details, "language": language}) for item in items]


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    """A JSON Feed by its first character, or by its declared type unless it starts as XML."""
    start = body[:1024].lstrip(b" \t\r\n\xef\xbb\xbf")
    if start.startswith(b"{"):
        return True
    declared = (content_type or "").split(";")[0].strip().lower()
    return declared in JSON_TYPES and not start.startswith(b"<")


def _parse_json_feed(url: str, body: bytes, item_kind: str, now: datetime) -> FeedResult:
    try:
        result = json_feed.parse(url, body, item_kind, now=now)
    except json_feed.NotAJsonFeed as exc:
        raise NotAFeed(str(exc)) from exc
    items = career_centre_fields(result.items) if item_kind == "job" else result.items
    return FeedResult(result.title, items, result.warnings, result.complete)


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
        organisation=_first(entry, ORGANISATION_ELEMENTS),
        location=_location(entry),
        published_at=plausible_date(_entry_date(entry), now),
        source_key=clean_text(entry.get("id"), 500),
        tags=tuple(
            t for t in (clean_text(tag.get("term"), 80) for tag in entry.get("tags", [])) if t
        ),
        details=_entry_details(entry),
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


# feedparser names a namespaced element prefix_name: <job_listing:company> (WP Job Manager) is
# "job_listing_company"; un-namespaced ones (Indeed-style <company>, <city>) keep their name.
ORGANISATION_ELEMENTS = ("job_listing_company", "job_company", "company", "dc_publisher", "source")
LOCATION_ELEMENTS = ("job_listing_location", "job_location", "location")
SALARY_ELEMENTS = ("job_listing_salary", "job_salary", "salary")
EMPLOYMENT_ELEMENTS = ("job_listing_job_type", "job_job_type", "job_type", "jobtype")


def _first(entry: Any, keys: tuple[str, ...]) -> str:
    """The first of `keys` the entry has, as one line of text."""
    for key in keys:
        value = entry.get(key)
        if isinstance(value, dict):
            value = value.get("title")
        if value and (text := clean_text(str(value))):
            return text
    return ""


def _location(entry: Any) -> str:
    """The posted location, or Indeed-style <city>, <state>, <country> joined."""
    if location := _first(entry, LOCATION_ELEMENTS):
        return location
    parts = (_first(entry, (key,)) for key in ("city", "state", "country"))
    return ", ".join(part for part in parts if part)


def _entry_details(entry: Any) -> dict[str, Any]:
    """What job feeds state in elements of their own: salary, type, address parts, author."""
    details: dict[str, Any] = {}
    for key, elements in (
        ("salary_text", SALARY_ELEMENTS),
        ("employment_type", EMPLOYMENT_ELEMENTS),
    ):
        if value := _first(entry, elements):
            details[key] = value
    for key, element in (("city", "city"), ("region", "state"), ("country", "country")):
        if value := _first(entry, (element,)):
            details[key] = value
    # In WP Job Manager feeds dc:creator is the WordPress account that posted, not the employer.
    wordpress = any(str(key).startswith("job_listing_") for key in entry)
    if (author := clean_text(entry.get("author"))) and not wordpress:
        details["author"] = author
    return details


# --- Career centres ---------------------------------------------------------------------------
# Association career centres (YourMembership, Naylor, MultiBriefs, WP Job Manager, JobBoard.io,
# Smashfly) put the employer, place and pay in labelled description lines and title suffixes.

_LABELS = {
    "company": "organisation",
    "employer": "organisation",
    "organization": "organisation",
    "organisation": "organisation",
    "hiring organization": "organisation",
    "institution": "organisation",
    "location": "location",
    "job location": "location",
    "salary": "salary_text",
    "salary range": "salary_text",
    "compensation": "salary_text",
    "pay": "salary_text",
    "pay range": "salary_text",
    "job type": "employment_type",
    "employment type": "employment_type",
    "position type": "employment_type",
    "employment status": "employment_type",
}
_LABELLED_LINE = re.compile(
    r"("
    + "|".join(label.replace(" ", r"\s+") for label in sorted(_LABELS, key=len, reverse=True))
    + r")\s*[:\uff1a]\s*(.{1,200})",
    re.IGNORECASE,
)
_LINE_BREAK = re.compile(
    r"<(?:br|/?p|/?li|/?div|/?h\d|/?tr|/?td|/?dt|/?dd)\b[^>]*>|\n", re.IGNORECASE
)
_TAG = re.compile(r"<[^>]*>")
_TITLE_SEPARATOR = re.compile(r"\s+[-\u2013\u2014|]\s+")
_PLACE_IN_PARENTHESES = re.compile(r"\s*\(([^()]{2,80})\)$")
# A dc:creator that is a site account, not an employer.
_ACCOUNT_NAMES = frozenset(
    {"admin", "administrator", "webmaster", "editor", "staff", "author", "careers", "jobs", "hr"}
)


def career_centre_fields(items: list[ParsedItem]) -> list[ParsedItem]:
    """Job items with employer, location, salary and type taken from where career centres put
    them: labelled description lines first, then title suffixes, then the entry's author; a
    place or work mode stated in the text in other words or languages last.
    """
    shaped = _feed_titles_are_shaped(items)
    return [
        _author_as_employer(_text_place(_title_fields(_labelled_fields(i), shaped))) for i in items
    ]


def _labelled_fields(item: ParsedItem) -> ParsedItem:
    """Fields from labelled lines of the description: "Company: Acme", "Salary: ...".

    What an element of the entry said wins over a line of prose.
    """
    found: dict[str, str] = {}
    for line in _body_lines(item.body):
        if len(line) <= 300 and (match := _LABELLED_LINE.fullmatch(line)):
            label = " ".join(match.group(1).lower().split())
            found.setdefault(_LABELS[label], clean_text(match.group(2)))
    details = dict(item.details)
    for key in ("salary_text", "employment_type"):
        if found.get(key) and not details.get(key):
            details[key] = found[key]
    return replace(
        item,
        organisation=item.organisation or found.get("organisation", ""),
        location=item.location or found.get("location", ""),
        details=details,
    )


def _text_place(item: ParsedItem) -> ParsedItem:
    """A location and work mode from the text when nothing else gave them: "Lieu : Paris",
    "Where: Berlin", "... Location: Remote (US).", "Workplace type: Hybrid"
    (crawlers/enrichment/text_location.py); a place named in passing is not one."""
    if item.location and item.details.get("remote"):
        return item
    stated = text_place(_body_lines(item.body), item.summary)
    details = dict(item.details)
    if stated.mode and not details.get("remote"):
        details["remote"] = clean_text(stated.mode)
    return replace(item, location=item.location or clean_text(stated.location), details=details)


def _body_lines(body: str) -> list[str]:
    """The first 200 text lines of an already sanitised body (so its tags are well-formed)."""
    text = html.unescape(_TAG.sub("", _LINE_BREAK.sub("\n", body[:20_000])))
    return [line.strip() for line in text.splitlines() if line.strip()][:200]


def _title_segments(title: str) -> list[str]:
    return [segment.strip() for segment in _TITLE_SEPARATOR.split(title)]


def _shaped(title: str) -> bool:
    """True for "Title - Employer - City, ST": three parts, the last a place."""
    segments = _title_segments(title)
    return len(segments) == 3 and all(segments) and names_a_location(segments[-1])


def _feed_titles_are_shaped(items: list[ParsedItem]) -> bool:
    """True when half the titles or more (and three at least) read "Title - Employer - Place"."""
    shaped = sum(1 for item in items if _shaped(item.title))
    return shaped >= 3 and shaped * 2 >= len(items)


def _title_fields(item: ParsedItem, feed_is_shaped: bool) -> ParsedItem:
    """Employer and place split off the title, only when the suffix is evidently one.

    The rule is conservative: a last segment ("- Denver, CO", "| Remote", "(Chicago, IL)") is
    split off only when it names a place or a work mode, and a middle segment is the employer
    only then. In a feed whose titles mostly follow "Title - Employer - Place", a three-part
    title is split even when its place is not one we know. "Senior Analyst - Finance" stays.
    """
    segments = _title_segments(item.title)
    if len(segments) >= 2 and all(segments):
        known_place = names_a_location(segments[-1])
        if known_place or (feed_is_shaped and len(segments) == 3):
            return _split_title(item, segments)
    match = _PLACE_IN_PARENTHESES.search(item.title)
    if match and match.start() > 0 and names_a_location(match.group(1)):
        title = item.title[: match.start()]
        return replace(item, title=title, location=item.location or clean_text(match.group(1)))
    return item


def _split_title(item: ParsedItem, segments: list[str]) -> ParsedItem:
    """The title without its place (and employer, when a third segment names one)."""
    place, head = segments[-1], segments[:-1]
    organisation = item.organisation
    if len(head) >= 2 and not names_a_location(head[-1]):
        employer = head[-1]
        if not organisation or organisation.casefold() == employer.casefold():
            organisation, head = employer, head[:-1]
    separators = _TITLE_SEPARATOR.findall(item.title)
    title = head[0] + "".join(sep + part for sep, part in zip(separators, head[1:], strict=False))
    return replace(item, title=title, organisation=organisation, location=item.location or place)


def _author_as_employer(item: ParsedItem) -> ParsedItem:
    """A job with no employer named anywhere else: its dc:creator, unless that is an account."""
    author = str(item.details.get("author") or "")
    if item.organisation or not author or author.casefold() in _ACCOUNT_NAMES or "@" in author:
        return item
    return replace(item, organisation=author)


def _entry_date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None
