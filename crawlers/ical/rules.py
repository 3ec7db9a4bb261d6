"""Recurrence rules tamed before expansion: those whose expansion is unbounded or pointless.

dateutil's work grows with the distance from DTSTART and never ends for rules that cannot match
(it scans to the year 9999), so strangers' rules are checked here first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import icalendar
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]  # no stubs installed

from crawlers.ical.context import CalendarContext
from crawlers.ical.properties import to_utc

# Rule parts a community calendar uses and whose cost is predictable; others are not expanded.
SAFE_RULE_PARTS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS"}
)
STEPS_PER_YEAR = {"DAILY": 366, "WEEKLY": 53, "MONTHLY": 12, "YEARLY": 1}
# dateutil walks every step from DTSTART: beyond this a series is kept as its first occurrence.
MAX_RULE_STEPS = 40_000
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def tame_rules(event: icalendar.Event, start: date, context: CalendarContext, title: str) -> None:
    """Remove the RRULEs whose expansion would be unbounded or pointless; the event then keeps
    its first occurrence (DTSTART) and its RDATEs."""
    rules = event.get("RRULE")
    if rules is None:
        return
    for rule in rules if isinstance(rules, list) else [rules]:
        problem = _rule_problem(rule, start, context.window_end)
        if problem:
            del event["RRULE"]
            context.warn(f"event {title!r} {problem}; only its first occurrence is kept")
            return


def _rule_problem(rule: Any, start: date, window_end: datetime) -> str:
    """Why this rule is not expanded, or "" when it is safe to."""
    if not isinstance(rule, icalendar.vRecur):
        return "has an unreadable RRULE"
    frequency = str((rule.get("FREQ") or [""])[0]).upper()
    if frequency not in STEPS_PER_YEAR:
        return f"repeats {frequency.lower() or 'without a frequency'}, more often than daily"
    return _unusual_part(rule) or _costly(rule, frequency, start, window_end)


def _unusual_part(rule: Any) -> str:
    unusual = sorted(set(rule) - SAFE_RULE_PARTS)
    return f"has an unsupported recurrence part {unusual[0]}" if unusual else ""


def _costly(rule: Any, frequency: str, start: date, window_end: datetime) -> str:
    """Why dateutil would work too long (or fail) on this rule, or ""."""
    # UNTIL is left out: the expander itself mends an UNTIL whose zone disagrees with DTSTART.
    parts = icalendar.vRecur({name: value for name, value in rule.items() if name != "UNTIL"})
    try:
        rrulestr(parts.to_ical().decode(), dtstart=start)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, OverflowError) as error:
        return f"has an invalid RRULE ({error})"
    interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
    years = max(0.0, (window_end - to_utc(start)).days / 365)
    if years * STEPS_PER_YEAR[frequency] / interval > MAX_RULE_STEPS:
        return "starts too long ago to expand"
    if _never_matches(rule, frequency, interval, start):
        return "has a rule no date can match"
    return ""


def _never_matches(rule: Any, frequency: str, interval: int, start: date) -> bool:
    """Contradictions that would send dateutil scanning to the year 9999 for nothing."""
    months = [int(m) for m in rule.get("BYMONTH", [])] or list(range(1, 13))
    if frequency == "MONTHLY":
        reachable = {(start.month - 1 + step * interval) % 12 + 1 for step in range(12)}
        months = [m for m in months if m in reachable]
    days = [int(d) for d in rule.get("BYMONTHDAY", [])]
    weekdays = [str(day).upper() for day in rule.get("BYDAY", [])]
    if days and not any(abs(d) <= MONTH_DAYS[m] for m in months for d in days):
        return True
    if frequency == "DAILY" and weekdays and interval % 7 == 0:
        return WEEKDAYS[start.weekday()] not in {day[-2:] for day in weekdays}
    by_month = frequency == "MONTHLY" or (frequency == "YEARLY" and "BYMONTH" in rule)
    if by_month and weekdays and not _nth_weekday_possible(weekdays, days, months):
        return True
    positions = [abs(int(p)) for p in rule.get("BYSETPOS", [])]
    return bool(positions) and min(positions) > _largest_set(frequency, days, weekdays)


def _nth_weekday_possible(weekdays: list[str], days: list[int], months: list[int]) -> bool:
    """Whether some "n-th weekday of the month" can fall on one of the BYMONTHDAYs."""
    ordinals = [int(day[:-2]) for day in weekdays if day[:-2] not in {"", "+"}]
    if len(ordinals) < len(weekdays):
        return True  # a plain weekday falls on every day of the month in some year
    for month in months:
        for length in {MONTH_DAYS[month], 28 if month == 2 else MONTH_DAYS[month]}:
            wanted = {d if d > 0 else length + d + 1 for d in days} or set(range(1, length + 1))
            for n in ordinals:
                first = 7 * n - 6 if n > 0 else length + 7 * n + 1
                if wanted & set(range(max(first, 1), min(first + 6, length) + 1)):
                    return True
    return False


def _largest_set(frequency: str, days: list[int], weekdays: list[Any]) -> int:
    """The most dates one period of the rule can hold, for BYSETPOS."""
    if frequency == "DAILY":
        return 1
    if frequency == "WEEKLY":
        return max(1, len(weekdays))
    if frequency == "MONTHLY":
        return len(days) or max(1, 5 * len(weekdays))
    return 366
