"""An event as an iCalendar file, for "Add to calendar"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import icalendar

from indexer.search import Hit

if TYPE_CHECKING:
    from webapp.item_page import EventWhen

PRODID = "-//Mutual//Mutual event//EN"
UID_DOMAIN = "mutual.invalid"  # the item id is unique; the domain only makes a UID of it
STATUSES = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}


def event_calendar(hit: Hit, summary: str, when: EventWhen) -> bytes:
    """A VCALENDAR holding the one VEVENT of `hit`, times with their TZID (or in UTC)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(_vevent(hit, summary, when))
    if not when.all_day and when.zone != "UTC":
        calendar.add_missing_timezones()
    ics: bytes = calendar.to_ical()
    return ics


def _vevent(hit: Hit, summary: str, when: EventWhen) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{hit.id}@{UID_DOMAIN}")
    event.add("dtstamp", datetime.now(UTC))
    start, end = when.start, when.end
    if start is not None:
        event.add("dtstart", start.date() if when.all_day else start)
        if end is None:
            end = start + (timedelta(days=1) if when.all_day else timedelta(hours=1))
        event.add("dtend", end.date() if when.all_day else end)
    event.add("summary", hit.title)
    event.add("location", _location(hit))
    event.add("url", hit.url)
    event.add("description", "\n\n".join(part for part in (summary, hit.url) if part))
    status = hit.event.status if hit.event else ""
    event.add("status", STATUSES.get(status, "CONFIRMED"))
    return event


def _location(hit: Hit) -> str:
    venue = hit.event.venue if hit.event else ""
    if venue:
        return venue
    if hit.event and hit.event.attendance == "online":
        return "Online"
    return hit.location
