"""A listing entry's date: a <time datetime>, the option's format or a common written date."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

import parsel

from crawlers.html_list_nodes import node_text
from crawlers.html_list_options import ListOptions, select, time_zone
from crawlers.normalise import EARLIEST_PLAUSIBLE, clean_text, plausible_date

# Events are announced ahead, but not this far: a later start is a typo or a calendar trap.
EVENT_HORIZON = timedelta(days=3 * 366)
# Tried after the option's own format, on each date-like part of the text (commas, dots and
# ordinal suffixes removed first, so "Nov. 12, 2026" and "November 10th, 2026" match).
COMMON_DATE_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%m/%d/%Y")
_DATE_CANDIDATE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}"
    r"|[A-Za-z]{3,9}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)? [A-Za-z]{3,9}\.?,? \d{4}"
)
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b")


def entry_dates(
    node: parsel.Selector, options: ListOptions, now: datetime
) -> tuple[datetime | None, dict[str, Any]]:
    """(published_at, details): the entry's date as a date of publication, or as an event's
    start for events (future dates are the point there, within EVENT_HORIZON)."""
    if not options.date:
        return None, {}
    found = _listed_date(select(node, options.date)[:1], options)
    if found is None:
        return None, {}
    value, all_day = found
    if options.kind != "event":
        return plausible_date(value, now), {}
    start = value.astimezone(UTC)
    if not EARLIEST_PLAUSIBLE <= start <= now + EVENT_HORIZON:
        return None, {}
    event: dict[str, Any] = {"start": start.isoformat(), "all_day": all_day}
    if options.timezone:
        event["timezone"] = options.timezone
    return None, {"event": event}


def _listed_date(
    nodes: parsel.SelectorList[parsel.Selector], options: ListOptions
) -> tuple[datetime, bool] | None:
    """(aware datetime, date only?) from a <time datetime>, the option's format, or the text."""
    zone = time_zone(options.timezone)
    for node in nodes:
        if not isinstance(node.root, str):
            attribute = node.xpath("./@datetime | .//time/@datetime").get()
            found = _iso_date(attribute or "", zone)
            if found:
                return found
    text = clean_text(node_text(nodes))
    value = _strptime(text, options.date_format) if options.date_format else None
    value = value or _common_date(text)
    if value is None:
        return None
    return value.replace(tzinfo=value.tzinfo or zone), value.hour == value.minute == 0


def _iso_date(value: str, zone: tzinfo) -> tuple[datetime, bool] | None:
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=parsed.tzinfo or zone), len(value) == len("2026-11-17")


def _strptime(text: str, date_format: str) -> datetime | None:
    try:
        return datetime.strptime(text, date_format)
    except ValueError:
        return None


def _common_date(text: str) -> datetime | None:
    """The first date-like part of the text in one of COMMON_DATE_FORMATS ("3 days ago",
    "February 30" and two-digit years give None)."""
    for candidate in _DATE_CANDIDATE.findall(text):
        plain = _ORDINAL.sub(r"\1", candidate).replace(",", "").replace(".", "")
        for date_format in COMMON_DATE_FORMATS:
            value = _strptime(plain, date_format)
            if value:
                return value
    return None
