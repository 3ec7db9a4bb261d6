"""Event times as the index stores them (ISO strings, an IANA zone name) read as datetimes: for
the search cards, an item's own page and calendar file, and the feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from indexer.hits import EventTimes


@dataclass(frozen=True)
class EventWhen:
    """When an event happens, as its own time zone reads it."""

    start: datetime | None
    end: datetime | None
    zone: str  # the IANA name shown beside the times ("UTC" when the source gave none)
    all_day: bool


def zone_named(name: str) -> ZoneInfo | None:
    """The time zone called `name`, or None when it is empty or no zone has that name."""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parsed_time(value: str | None) -> datetime | None:
    """An ISO date or date-time as it is written (naive when it names no offset), or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def instant(value: str | None) -> datetime | None:
    """An ISO date-time as an aware datetime (UTC when it names no offset), or None."""
    parsed = parsed_time(value)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def when_in_own_zone(event: EventTimes) -> EventWhen:
    """Start and end as the event's own time zone reads them (UTC when it names none)."""
    zone = zone_named(event.timezone) or ZoneInfo("UTC")
    # An all-day event is stored as midnight UTC of each date: its dates are read in UTC.
    reading = ZoneInfo("UTC") if event.all_day else zone
    start, end = instant(event.start), instant(event.end)
    return EventWhen(
        start.astimezone(reading) if start else None,
        end.astimezone(reading) if end else None,
        zone.key,
        event.all_day,
    )
