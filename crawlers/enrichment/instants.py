"""Instants in details (valid_through, an event's start and end) as UTC ISO strings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def utc_iso(value: Any) -> str | None:
    """An ISO 8601 instant in UTC for a datetime, date or ISO string; None when unreadable.

    A value without a time zone is taken as UTC (the parsers convert what they know).
    """
    instant: datetime
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, date):
        instant = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, str):
        try:
            instant = datetime.fromisoformat(value.strip()[:64])
        except ValueError:
            return None
    else:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    try:
        return instant.astimezone(UTC).isoformat()
    except (OverflowError, ValueError):
        return None


def set_instants(details: dict[str, Any]) -> None:
    """valid_through and an event's start and end as UTC ISO strings; unreadable ones dropped."""
    if "valid_through" in details:
        if instant := utc_iso(details["valid_through"]):
            details["valid_through"] = instant
        else:
            del details["valid_through"]
    event = details.get("event")
    if isinstance(event, dict):
        event = dict(event)
        for key in ("start", "end"):
            if key in event:
                instant = utc_iso(event[key])
                if instant:
                    event[key] = instant
                else:
                    del event[key]
        details["event"] = event
