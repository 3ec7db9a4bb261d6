"""Occurrences expanded within the window, fairly between series and within bounds."""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import islice
from typing import Any

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]  # the package ships no py.typed

from crawlers.ical.context import CalendarContext
from crawlers.ical.properties import text_value, to_utc, uid_of
from crawlers.normalise import clean_text

# The whole expansion stops here, whatever a calendar holds (a last guard, not the usual limit).
EXPANSION_SECONDS = 2.0
MAX_WARNINGS_PER_KIND = 20


def expand(
    events: list[icalendar.Event], context: CalendarContext, limit: int
) -> list[icalendar.Event]:
    """One component per occurrence starting in the window, at most `limit`, every series
    getting its first occurrence before any gets a second."""
    calendar = icalendar.Calendar()
    for event in events:
        calendar.add_component(event)
    try:
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
    except Exception as error:  # the events were checked; this is the expander's own limit
        context.warn(f"calendar could not be expanded ({error})")
        return []
    per_series = list(_series_occurrences(query.series, context, limit))
    chosen, capped = _round_robin(per_series, limit)
    for occurrences in capped[:MAX_WARNINGS_PER_KIND]:
        first = occurrences[0].as_component(False)
        context.warn(
            f"recurring event {clean_text(text_value(first, 'SUMMARY')[:1000], 80)!r} "
            f"({uid_of(first)}) was capped at the calendar's limit of {limit} occurrences"
        )
    chosen.sort(key=lambda occurrence: to_utc(occurrence.start))
    return [occurrence.as_component(False) for occurrence in chosen]


def _series_occurrences(
    series_list: list[Any], context: CalendarContext, limit: int
) -> Iterator[Any]:
    """Each series' occurrences in the window, sorted, at most one more than the limit."""
    deadline = time.monotonic() + EXPANSION_SECONDS
    for series in series_list:
        if time.monotonic() > deadline:
            context.warn("calendar took too long to expand; later events were left out")
            return
        found = (
            o
            for o in series.between(context.window_start, context.window_end)
            if context.window_start <= to_utc(o.start) <= context.window_end
        )
        try:
            occurrences = list(islice(found, limit + 1))
        except Exception as error:  # a series the expander cannot compute is skipped, not fatal
            context.warn(f"event {series.uid!r} could not be expanded ({error})"[:300])
            continue
        if occurrences:
            yield sorted(occurrences, key=lambda occurrence: to_utc(occurrence.start))


def _round_robin(per_series: list[list[Any]], limit: int) -> tuple[list[Any], list[list[Any]]]:
    """Occurrences taken one per series per round up to `limit`, and the series cut short."""
    chosen: list[Any] = []
    depth = 0
    active = per_series
    while active and len(chosen) < limit:
        room = limit - len(chosen)
        chosen.extend(occurrences[depth] for occurrences in active[:room])
        depth += 1
        active = [occurrences for occurrences in active[:room] if len(occurrences) > depth]
    taken = {id(occurrence) for occurrence in chosen}
    capped = [series for series in per_series if any(id(o) not in taken for o in series)]
    return chosen, capped
