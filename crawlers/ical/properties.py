"""An iCalendar component's properties read safely: first value, text, date, UID, UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import icalendar

from crawlers.normalise import clean_text


def first_value(component: icalendar.cal.Component, name: str) -> Any:
    """The first value of a property that hostile or sloppy exporters may repeat."""
    value = component.get(name)
    return value[0] if isinstance(value, list) and value else value


def text_value(component: icalendar.cal.Component, name: str) -> str:
    value = first_value(component, name)
    return "" if value is None else str(value)


def dt_of(value: Any) -> Any:
    """A property's `dt`, None when it has none or could not be read: icalendar keeps an
    unreadable value (DTSTART:2026-13-45T99) as a broken property whose `dt` raises."""
    try:
        return getattr(value, "dt", None)
    except icalendar.error.BrokenCalendarProperty:
        return None


def date_value(component: icalendar.cal.Component, name: str) -> date | None:
    """The date or datetime of a property, None when missing or unreadable."""
    value = dt_of(first_value(component, name))
    return value if isinstance(value, date) else None


def uid_of(component: icalendar.cal.Component) -> str:
    return clean_text(text_value(component, "UID"), 500)


def to_utc(value: date) -> datetime:
    """A date or datetime as an aware UTC datetime (a date is its midnight UTC)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
