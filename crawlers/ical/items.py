"""One event occurrence to one item: its key, text, organiser, tags and event details."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

import icalendar

from catalog.records import ParsedItem
from crawlers.ical.context import CalendarContext
from crawlers.ical.properties import date_value, first_value, text_value, to_utc, uid_of
from crawlers.ical.zones import zone_name
from crawlers.normalise import (
    MAX_SUMMARY,
    MAX_TITLE,
    canonical_url,
    clean_text,
    html_to_text,
    plausible_date,
    sanitise_html,
)

MEETING_LINK = re.compile(
    r"\b(?:[\w-]+\.)?(?:zoom\.us|meet\.google\.com|teams\.microsoft\.com|teams\.live\.com)/",
    re.IGNORECASE,
)
NOT_A_PLACE = re.compile(r"^\W*(?:online|virtual|remote|web(?:inar)?|zoom|tbd|tba)?\W*$", re.I)


def own_url_counts(events: list[icalendar.Event], recurring: set[str], base: str) -> dict[str, int]:
    """How many single events point at each URL of their own: a shared one does not name them."""
    counts: dict[str, int] = {}
    for event in events:
        own = _own_url(event, base)
        if own and uid_of(event) not in recurring:
            counts[own] = counts.get(own, 0) + 1
    return counts


def _own_url(event: icalendar.Event, base: str) -> str:
    link = clean_text(text_value(event, "URL"), 2000)
    absolute = urljoin(base, link) if link else ""
    return canonical_url(absolute) if absolute.startswith(("http://", "https://")) else ""


def occurrence_item(
    event: icalendar.Event, recurring: bool, own_urls: dict[str, int], context: CalendarContext
) -> ParsedItem | None:
    title = clean_text(text_value(event, "SUMMARY")[: MAX_TITLE * 10], MAX_TITLE)
    if not title:
        context.warn("skipped an event without a SUMMARY")
        return None
    start, end = date_value(event, "DTSTART"), date_value(event, "DTEND")
    if start is None or end is None:  # set in crawlers/ical/events.py; a guard for the expander
        return None
    own = _own_url(event, context.url)
    calendar_url = canonical_url(context.url)
    key = series = f"{calendar_url}#{uid_of(event)}"
    if recurring:
        key = f"{key}/{to_utc(start).isoformat()}"
    elif own and own_urls.get(own) == 1:
        key = ""
    body = _body(event)
    location = clean_text(text_value(event, "LOCATION"))
    cancelled = text_value(event, "STATUS").upper() == "CANCELLED"
    return ParsedItem(
        url=own or calendar_url,
        key=key,
        title=title,
        kind="event",
        summary=html_to_text(body, MAX_SUMMARY),
        body=body,
        organisation=_organisation(event) or context.name,
        location=location,
        published_at=_published(event, context.now),
        source_key=uid_of(event),
        tags=_tags(event),
        details={
            "event": _event_details(event, start, end, location, cancelled)
            | ({"series": series} if recurring else {})
        },
        status="cancelled" if cancelled else "active",
    )


def _event_details(
    event: icalendar.Event, start: date, end: date, location: str, cancelled: bool
) -> dict[str, Any]:
    details: dict[str, Any] = {
        "start": to_utc(start).isoformat(),
        "end": to_utc(end).isoformat(),
        "all_day": not isinstance(start, datetime),
        "status": "cancelled" if cancelled else "scheduled",
    }
    zone = zone_name(start, event["DTSTART"])
    if zone:
        details["timezone"] = zone
    attendance = _attendance(event, location)
    if attendance:
        details["attendance"] = attendance
    if location:
        details["venue"] = location
    return details


def _attendance(event: icalendar.Event, location: str) -> str:
    """ "online" for a meeting link without a place, "mixed" for both, "in-person" for a place."""
    where = " ".join(
        (location, text_value(event, "URL"), text_value(event, "DESCRIPTION")[:100_000])
    )
    online = bool(MEETING_LINK.search(where))
    place = bool(location) and not MEETING_LINK.search(location) and not _not_a_place(location)
    if online:
        return "mixed" if place else "online"
    return "in-person" if place else ""


def _not_a_place(location: str) -> bool:
    return bool(NOT_A_PLACE.match(location)) or location.lower().startswith(("http://", "https://"))


def _body(event: icalendar.Event) -> str:
    """The event's HTML description when it has one, else its text as escaped paragraphs."""
    for name, value in event.property_items(recursive=False, sorted=False):
        if name == "X-ALT-DESC" and "html" in str(getattr(value, "params", {}).get("FMTTYPE", "")):
            return sanitise_html(str(value))
    text = text_value(event, "DESCRIPTION")[:200_000].replace("\r\n", "\n")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    markup = "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    return sanitise_html(markup)


def _organisation(event: icalendar.Event) -> str:
    organizer = first_value(event, "ORGANIZER")
    params = getattr(organizer, "params", {})
    return clean_text(str(params.get("CN") or "").strip('"'))


def _published(event: icalendar.Event, now: datetime) -> datetime | None:
    for name in ("CREATED", "DTSTAMP"):
        value = date_value(event, name)
        if value:
            return plausible_date(to_utc(value), now)
    return None


def _tags(event: icalendar.Event) -> tuple[str, ...]:
    values = event.get("CATEGORIES")
    tags: list[str] = []
    for category in values if isinstance(values, list) else [values] if values else []:
        for term in getattr(category, "cats", []):
            tag = clean_text(str(term), 80)
            if tag and tag not in tags:
                tags.append(tag)
    return tuple(tags[:50])
