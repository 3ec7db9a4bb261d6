"""How values read on the page: salaries, event times in a time zone, posting dates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

from indexer.search import EventTimes, Salary

DASH = "\N{EN DASH}"  # between the two ends of a range
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


def _amount(value: float, currency: str) -> str:
    sign = CURRENCY_SIGNS.get(currency.upper(), "")
    number = f"{value / 1000:.0f}k" if value >= 10_000 else f"{value:,.0f}"
    return f"{sign}{number}" if sign else f"{number} {currency}".strip()


def salary_text(salary: Salary | None) -> str:
    """ "$120k to $150k a year" (with a dash), "from $45 an hour", or "" when nothing is known."""
    if salary is None or (salary.min is None and salary.max is None):
        return ""
    low, high = salary.min, salary.max
    if low is not None and high is not None and low != high:
        span = f"{_amount(low, salary.currency)}{DASH}{_amount(high, salary.currency)}"
    elif low is not None:
        span = (
            _amount(low, salary.currency)
            if high == low
            else f"from {_amount(low, salary.currency)}"
        )
    else:
        span = f"up to {_amount(high or 0, salary.currency)}"
    period = {"year": " a year", "month": " a month", "hour": " an hour", "day": " a day"}
    return span + period.get(salary.period, "")


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def event_when(event: EventTimes | None, viewer_zone: str = "") -> str:
    """The event's time in the viewer's zone if known, else in the event's own, zone named."""
    if event is None:
        return ""
    start = _parse(event.start)
    if start is None:
        return ""
    if event.all_day:
        return start.strftime("%a %d %b %Y") + " (all day)"
    zone = _zone(viewer_zone) or _zone(event.timezone)
    local = start.astimezone(zone) if zone and start.tzinfo else start
    text = local.strftime("%a %d %b %Y, %H:%M")
    end = _parse(event.end)
    if end is not None and end > start:
        end_local = end.astimezone(zone) if zone and end.tzinfo else end
        same_day = end_local.date() == local.date()
        text += DASH + end_local.strftime("%H:%M" if same_day else "%a %d %b, %H:%M")
    zone_name = (viewer_zone or event.timezone) if zone else ("UTC" if start.tzinfo else "")
    return f"{text} {zone_name}".strip()


def day(value: str | None) -> str:
    """An ISO date-time as "12 Nov 2026"."""
    parsed = _parse(value)
    return parsed.strftime("%d %b %Y").lstrip("0") if parsed else ""


def register(app: Flask) -> None:
    app.add_template_filter(salary_text)
    app.add_template_filter(event_when)
    app.add_template_filter(day)
