"""The search page's month view: a calendar grid of the page's event hits by their start day,
beside the list, each day linking to its first event card on the page.

Shown when the results are events: the search is for events only (`kind=event`), or at least
half of the page's hits are events. Only the hits on the page are drawn (the grid never asks
the index for more), so a day's count is what the list below shows; at most MAX_MONTHS months,
the earliest first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

from indexer.event_times import parsed_time, zone_named
from indexer.hits import EventTimes, Hit
from webapp.svg_charts import DayEvents, MonthGrid, css_key, month_grid

MAX_MONTHS = 3


def shows_months(kinds: Sequence[str], hits: Sequence[Hit]) -> bool:
    """Whether the page's results are events: asked for alone, or half the hits or more."""
    events = sum(hit.kind == "event" for hit in hits)
    if not events:
        return False
    return tuple(kinds) == ("event",) or 2 * events >= len(hits)


def start_day(event: EventTimes | None, viewer_zone: str = "") -> date | None:
    """The day an event starts, as the search card shows it (the viewer's zone if known)."""
    start = parsed_time(event.start) if event else None
    if event is None or start is None:
        return None
    zone = zone_named(viewer_zone) or zone_named(event.timezone)
    if event.all_day or not zone or not start.tzinfo:
        return start.date()
    return start.astimezone(zone).date()


def events_by_day(hits: Sequence[Hit], viewer_zone: str = "") -> dict[date, list[Hit]]:
    days: dict[date, list[Hit]] = defaultdict(list)
    for hit in hits:
        day = start_day(hit.event, viewer_zone) if hit.kind == "event" else None
        if day is not None:
            days[day].append(hit)
    return dict(days)


def month_grids(hits: Sequence[Hit], viewer_zone: str = "") -> list[Markup]:
    """One grid per month the page's events start in (earliest first, at most MAX_MONTHS)."""
    days = events_by_day(hits, viewer_zone)
    months = sorted({(day.year, day.month) for day in days})[:MAX_MONTHS]
    return [month_grid(_grid(year, month, days)) for year, month in months]


def _grid(year: int, month: int, days: dict[date, list[Hit]]) -> MonthGrid:
    shown = tuple(
        DayEvents(day, tuple(hit.title for hit in day_hits), f"#hit-{day_hits[0].id}")
        for day, day_hits in sorted(days.items())
        if (day.year, day.month) == (year, month)
    )
    return MonthGrid(id=css_key(f"month-{year}-{month:02d}"), year=year, month=month, days=shown)
