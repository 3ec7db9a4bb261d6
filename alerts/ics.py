"""An event as an iCalendar file, for "Add to calendar", and the VEVENT the feeds use too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

from indexer.event_times import EventWhen
from indexer.hits import Hit

PRODID = "-//Mutual//Mutual event//EN"
UID_DOMAIN = "mutual.invalid"  # the item id is unique; the domain only makes a UID of it
STATUSES = {"cancelled": "CANCELLED", "postponed": "TENTATIVE"}


@dataclass(frozen=True)
class EventFields:
    """What a VEVENT says of an item besides its title and address; None leaves it out."""

    uid: str
    start: date | datetime | None
    end: date | datetime | None
    description: str
    location: str | None = None
    status: str | None = None


def vevent(hit: Hit, fields: EventFields) -> icalendar.Event:
    """The VEVENT of `hit`: its title, address and time stamp, with `fields`."""
    event = icalendar.Event()
    event.add("uid", fields.uid)
    event.add("dtstamp", datetime.now(UTC))
    if fields.start is not None:
        event.add("dtstart", fields.start)
    if fields.end is not None:
        event.add("dtend", fields.end)
    event.add("summary", hit.title)
    if fields.location is not None:
        event.add("location", fields.location)
    event.add("url", hit.url)
    event.add("description", fields.description)
    if fields.status is not None:
        event.add("status", fields.status)
    return event


def day_or_time(value: datetime | None, all_day: bool) -> date | datetime | None:
    """An all-day event's date, or a timed event's date-time, as DTSTART and DTEND take them."""
    if value is None:
        return None
    return value.date() if all_day else value


def event_calendar(hit: Hit, summary: str, when: EventWhen) -> bytes:
    """A VCALENDAR holding the one VEVENT of `hit`, times with their TZID (or in UTC)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vevent(hit, _download_fields(hit, summary, when)))
    if not when.all_day and when.zone != "UTC":
        calendar.add_missing_timezones()
    ics: bytes = calendar.to_ical()
    return ics


def _download_fields(hit: Hit, summary: str, when: EventWhen) -> EventFields:
    """A downloaded event says everything: an end (an hour or a day when none is known), a
    location and a status."""
    start, end = when.start, when.end
    if start is not None and end is None:
        end = start + (timedelta(days=1) if when.all_day else timedelta(hours=1))
    status = hit.event.status if hit.event else ""
    return EventFields(
        uid=f"{hit.id}@{UID_DOMAIN}",
        start=day_or_time(start, when.all_day),
        end=day_or_time(end, when.all_day) if start is not None else None,
        description="\n\n".join(part for part in (summary, hit.url) if part),
        location=_location(hit),
        status=STATUSES.get(status, "CONFIRMED"),
    )


def _location(hit: Hit) -> str:
    venue = hit.event.venue if hit.event else ""
    if venue:
        return venue
    if hit.event and hit.event.attendance == "online":
        return "Online"
    return hit.location
