"""How values read on the page: salaries, event times in a time zone, posting dates."""

from __future__ import annotations

from flask import Flask

from catalog.organisations import organisation_key
from indexer.event_times import parsed_time, zone_named
from indexer.hits import EventTimes, Salary

DASH = "\N{EN DASH}"  # between the two ends of a range
CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


PERIODS = {
    "year": " a year",
    "month": " a month",
    "week": " a week",
    "day": " a day",
    "hour": " an hour",
}


def _amount(value: float, currency: str) -> str:
    sign = CURRENCY_SIGNS.get(currency.upper(), "")
    number = f"{value / 1000:.0f}k" if value >= 10_000 else f"{value:,.0f}"
    return f"{sign}{number}" if sign else f"{number} {currency}".strip()


def _span(salary: Salary) -> tuple[str, tuple[float, ...]]:
    """The words before the amounts ("from ", "up to " or none) and the one or two amounts."""
    low, high = salary.min, salary.max
    if low is not None and high is not None and low != high:
        return "", (low, high)
    if low is not None:
        return ("" if high == low else "from "), (low,)
    return "up to ", (high or 0,)


def salary_text(salary: Salary | None, exact: bool = False) -> str:
    """ "$120k to $150k a year" (with a dash), "from $45 an hour", or "" when nothing is known.

    `exact` (an item's own page) writes the amounts in full after the currency code:
    "USD 120,000 to 150,000 a year" (with a spaced dash)."""
    if salary is None or (salary.min is None and salary.max is None):
        return ""
    words, amounts = _span(salary)
    if exact:
        numbers = f" {DASH} ".join(f"{amount:,.0f}" for amount in amounts)
        span = f"{salary.currency} {numbers}".strip()
    else:
        span = DASH.join(_amount(amount, salary.currency) for amount in amounts)
    return words + span + PERIODS.get(salary.period, "")


def event_when(event: EventTimes | None, viewer_zone: str = "") -> str:
    """The event's time in the viewer's zone if known, else in the event's own, zone named."""
    if event is None:
        return ""
    start = parsed_time(event.start)
    if start is None:
        return ""
    if event.all_day:
        return start.strftime("%a %d %b %Y") + " (all day)"
    zone = zone_named(viewer_zone) or zone_named(event.timezone)
    local = start.astimezone(zone) if zone and start.tzinfo else start
    text = local.strftime("%a %d %b %Y, %H:%M")
    end = parsed_time(event.end)
    if end is not None and end > start:
        end_local = end.astimezone(zone) if zone and end.tzinfo else end
        same_day = end_local.date() == local.date()
        text += DASH + end_local.strftime("%H:%M" if same_day else "%a %d %b, %H:%M")
    zone_name = (viewer_zone or event.timezone) if zone else ("UTC" if start.tzinfo else "")
    return f"{text} {zone_name}".strip()


def day(value: str | None) -> str:
    """An ISO date-time as "12 Nov 2026"."""
    parsed = parsed_time(value)
    return parsed.strftime("%d %b %Y").lstrip("0") if parsed else ""


def register(app: Flask) -> None:
    app.add_template_filter(salary_text)
    app.add_template_filter(organisation_key, "org_key")
    app.add_template_filter(event_when)
    app.add_template_filter(day)
