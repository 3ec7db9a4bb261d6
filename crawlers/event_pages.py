"""An event's start from its own page, for events whose source gives none: a pure parser.

A meetup feed's entry may say when it is only in words ("Thursday 10 December, 6pm, online");
the page it links to usually says it as data. The spider (crawlers/spiders/event_page_run.py)
fetches the page of each such event once per crawl, and this module reads it, in this order:

1. schema.org Event data (JSON-LD, microdata, RDFa, read by crawlers/structured.py): the Event
   whose URL is the event's (or the page's), else the page's only Event. Its start, end, zone,
   venue, attendance mode and status are taken, and its place when the entry names none.
2. Else a calendar the page links to (`<link rel="alternate" type="text/calendar">`, else an
   `<a href>` ending in .ics; webcal: read as https:), fetched once: the VEVENT whose URL is
   the event's (or the page's), else the calendar's only event. Its start, end and zone.

Only then does the event's text give a start (crawlers/enrichment/event_text_dates.py, which
leaves a start already set alone), else it has none ("date not given"). Several different
starts for the event (a weekly series on one page) are no start: a wrong date is worse.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import parsel
from w3lib.encoding import html_to_unicode

from catalog.records import ParsedItem
from crawlers import calendars, structured
from crawlers.normalise import absolute_http_url, canonical_url

# The event facts a page's schema.org Event gives, and those a linked calendar's VEVENT gives.
PAGE_FACTS = ("start", "end", "all_day", "timezone", "status", "attendance", "venue")
CALENDAR_FACTS = ("start", "end", "all_day", "timezone")
PLACE_PARTS = ("city", "region", "country")
_CALENDAR_LINK = (
    '//link[contains(concat(" ", normalize-space(@rel), " "), " alternate ")]'
    '[starts-with(normalize-space(translate(@type, "TEXTCALNDR", "textcalndr")), "text/calendar")]'
    "/@href"
)


@dataclass(frozen=True)
class PageEvent:
    """What an event's page says of it: event facts, and a place for an entry that has none."""

    facts: dict[str, Any]
    location: str = ""
    places: dict[str, Any] = field(default_factory=dict)
    cancelled: bool = False


@dataclass(frozen=True)
class PageReading:
    """An event page read: its Event's facts when it has a dated one, else a calendar link."""

    event: PageEvent | None = None
    calendar_url: str = ""
    warnings: tuple[str, ...] = ()


def wants_page(item: ParsedItem) -> bool:
    """An event without a start whose URL could be its page."""
    event = item.details.get("event")
    has_start = isinstance(event, dict) and bool(event.get("start"))
    return item.kind == "event" and not has_start and bool(absolute_http_url("", item.url))


def read_page(
    event_url: str, page_url: str, body: bytes, content_type: str = "", now: datetime | None = None
) -> PageReading:
    """The event at `event_url` as the page at `page_url` (where it led) describes it."""
    warnings: list[str] = []
    try:
        found = structured.parse(page_url, body, now=now or datetime.now(UTC))
        events = [item for item in found.items if item.kind == "event"]
    except structured.NoStructuredData:
        events = []
    except Exception as exc:  # a stranger's page must cost only its own event's start
        events = []
        warnings.append(f"{_shown(page_url)}: unreadable structured data ({type(exc).__name__})")
    match = _the_one(events, {event_url, page_url})
    if match is not None:
        return PageReading(event=_page_event(match), warnings=tuple(warnings))
    calendar_url = calendar_link(page_url, body, content_type)
    return PageReading(calendar_url=calendar_url, warnings=tuple(warnings))


def calendar_events(
    calendar_url: str, body: bytes, now: datetime | None = None
) -> list[ParsedItem]:
    """The events of the calendar an event page links; NotACalendar raised when it is none."""
    return calendars.parse(calendar_url, body, now=now or datetime.now(UTC)).items


def calendar_match(event_url: str, page_url: str, events: list[ParsedItem]) -> PageEvent | None:
    """The start, end and zone the calendar gives the event: its VEVENT at the event's URL (or
    the page's), else the calendar's only event."""
    match = _the_one(events, {event_url, page_url})
    if match is None:
        return None
    event = match.details.get("event") or {}
    return PageEvent({key: event[key] for key in CALENDAR_FACTS if key in event})


def calendar_link(page_url: str, body: bytes, content_type: str = "") -> str:
    """The calendar the page links: an alternate text/calendar link, else a link to an .ics."""
    _encoding, text = html_to_unicode(content_type or None, body[:2_000_000])
    try:
        page = parsel.Selector(text=text)
        linked = page.xpath(_CALENDAR_LINK).getall()
        anchors = [href for href in page.xpath("//a/@href").getall() if _is_ics(href)]
    except ValueError:  # not markup parsel can read
        return ""
    for link in (*linked, *anchors):
        href = link.strip()
        if href.lower().startswith("webcal://"):
            href = "https://" + href[len("webcal://") :]
        url = absolute_http_url(page_url, href)
        if url:
            return url
    return ""


def with_page_event(item: ParsedItem, found: PageEvent) -> ParsedItem:
    """`item` with the facts its page gave: they replace what its source said of them, and the
    page's place stands in for an entry that names none."""
    details = dict(item.details)
    event = dict(details["event"]) if isinstance(details.get("event"), dict) else {}
    event.update(found.facts)
    details["event"] = event
    location = item.location
    if not location and found.location:
        location = found.location
        for part in PLACE_PARTS:
            if part in found.places and part not in details:
                details[part] = found.places[part]
    status = "cancelled" if found.cancelled else item.status
    return replace(item, details=details, location=location, status=status)


def _the_one(events: list[ParsedItem], urls: set[str]) -> ParsedItem | None:
    """The dated event at one of `urls`, else the only event: when they agree on one start."""
    wanted = {canonical_url(url) for url in urls if url}
    named = [event for event in events if canonical_url(event.url) in wanted]
    candidates = [event for event in named or events if _start(event)]
    if not named and len(events) != 1:
        return None
    starts = {_start(event) for event in candidates}
    return candidates[0] if len(starts) == 1 else None


def _start(item: ParsedItem) -> str:
    event = item.details.get("event")
    return str(event.get("start") or "") if isinstance(event, dict) else ""


def _page_event(item: ParsedItem) -> PageEvent:
    event = item.details.get("event") or {}
    places = {part: item.details[part] for part in PLACE_PARTS if part in item.details}
    return PageEvent(
        facts={key: event[key] for key in PAGE_FACTS if key in event},
        location=item.location,
        places=places,
        cancelled=item.status == "cancelled",
    )


def _is_ics(href: str) -> bool:
    try:
        path = urlsplit(href.strip()).path
    except ValueError:
        return False
    return path.lower().endswith(".ics")


def _shown(url: str) -> str:
    return url.split("?", maxsplit=1)[0]
