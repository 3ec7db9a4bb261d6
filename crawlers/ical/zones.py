"""Time zones of a calendar's times: floating ones, unknown TZIDs, and the zone's name."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from crawlers.ical.context import CalendarContext
from crawlers.ical.properties import text_value
from crawlers.normalise import clean_text


def floating_zone(calendar: icalendar.Calendar, warnings: list[str]) -> ZoneInfo:
    """The zone of times written without one: the calendar's X-WR-TIMEZONE, else UTC."""
    name = clean_text(text_value(calendar, "X-WR-TIMEZONE"), 100)
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            warnings.append(f"unknown X-WR-TIMEZONE {name!r}; floating times taken as UTC")
    return ZoneInfo("UTC")


def zoned(value: date, prop: Any, context: CalendarContext, title: str) -> date:
    """A datetime with a zone: a TZID icalendar could not resolve is UTC, a floating time is in
    the calendar's X-WR-TIMEZONE (else UTC). Dates stay dates."""
    if not isinstance(value, datetime) or value.tzinfo is not None:
        return value
    tzid = getattr(prop, "params", {}).get("TZID")
    if tzid:
        context.warn(f"event {title!r}: unknown time zone {clean_text(str(tzid), 80)!r}, as UTC")
        return value.replace(tzinfo=UTC)
    context.warn(f"event {title!r} has a floating time, taken as {context.floating_zone.key}")
    return value.replace(tzinfo=context.floating_zone)


def zone_name(start: date, prop: Any) -> str:
    """The IANA name of the start's zone, else the TZID as posted (a custom VTIMEZONE)."""
    if not isinstance(start, datetime) or start.tzinfo is None:
        return ""
    if isinstance(start.tzinfo, ZoneInfo):
        return start.tzinfo.key
    if start.tzinfo is UTC:
        return "UTC"
    return clean_text(str(getattr(prop, "params", {}).get("TZID") or ""), 100)
