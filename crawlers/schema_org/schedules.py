"""schema.org Schedules (an Event's eventSchedule) expanded into occurrences, as iCalendar is.

A weekly meetup publishes one Event whose eventSchedule says "every Thursday, 18:30 to 20:30,
Europe/London, from 3 September, not on 24 December". The Schedule is written as the iCalendar
event it describes (DTSTART, DTEND, RRULE, EXDATE) and expanded by the calendar reader's own
code (crawlers/ical): the same rules tamed, the same window (a day back, the calendar horizon
ahead), the same bounds on time and count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from crawlers.ical.context import CalendarContext
from crawlers.ical.expansion import expand
from crawlers.ical.properties import to_utc
from crawlers.ical.rules import WEEKDAYS, tame_rules
from crawlers.schema_org.graph import Context, many
from crawlers.schema_org.values import enum_member, text_of

MAX_SCHEDULES = 10  # schedules read per event (one per weekday is common)
FREQUENCIES = {"D": "DAILY", "W": "WEEKLY", "M": "MONTHLY", "Y": "YEARLY"}
WORDS = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "yearly": "YEARLY",
    "annually": "YEARLY",
}
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ISO_PERIOD = re.compile(r"^P(\d{1,3})([DWMY])$")
_ISO_DURATION = re.compile(r"^P(?:(\d{1,3})D)?(?:T(?:(\d{1,4})H)?(?:(\d{1,5})M)?(?:(\d{1,6})S)?)?$")
_ICAL_DAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass(frozen=True)
class Occurrence:
    """One occurrence: its start and end in the schedule's zone (dates for a whole day)."""

    start: datetime | date
    end: datetime | date | None


def schedule_occurrences(
    node: dict[str, Any], zone: tzinfo | None, context: Context, warnings: list[str]
) -> list[Occurrence] | None:
    """The occurrences the event's repeating schedules give within the window, sorted; None
    when the event has no repeating schedule (it is read as the single event it states)."""
    schedules = [s for s in many(node.get("eventSchedule"), context.ids) if isinstance(s, dict)]
    title = text_of(node.get("name"))[:80]
    calendar = _calendar_context(context, warnings)
    events = []
    for number, schedule in enumerate(schedules[:MAX_SCHEDULES]):
        event = _as_ical(schedule, node, zone, title)
        if event is not None:
            event.add("UID", f"schedule-{number}")
            tame_rules(event, event.decoded("DTSTART"), calendar, title)
            events.append(event)
    if not events:
        return None
    found = {}
    for component in expand(events, calendar, context.max_occurrences):
        start = component.decoded("DTSTART")
        end = component.decoded("DTEND")
        found[start] = Occurrence(start, end if end != start else None)
    return [found[start] for start in sorted(found, key=to_utc)]


def single_occurrence(
    node: dict[str, Any], zone: tzinfo | None, context: Context
) -> Occurrence | None:
    """The start and end a schedule that does not repeat gives, for an event stating none."""
    for schedule in many(node.get("eventSchedule"), context.ids)[:MAX_SCHEDULES]:
        if isinstance(schedule, dict):
            times = _times(schedule, node, zone)
            if times is not None:
                return Occurrence(times[0], times[1] if times[1] != times[0] else None)
    return None


def _calendar_context(context: Context, warnings: list[str]) -> CalendarContext:
    return CalendarContext(
        url=context.page_url,
        name="",
        now=context.now,
        floating_zone=ZoneInfo("UTC"),
        window_start=context.now - timedelta(days=1),
        window_end=context.now + timedelta(days=context.horizon_days),
        warnings=warnings,
    )


def _as_ical(
    schedule: dict[str, Any], node: dict[str, Any], zone: tzinfo | None, title: str
) -> icalendar.Event | None:
    """The schedule as an iCalendar event with its RRULE, or None when it does not repeat."""
    rule = _rule(schedule)
    times = _times(schedule, node, zone)
    if rule is None or times is None:
        return None
    start, end = times
    until = _until(schedule, start)
    if until is not None:
        rule["UNTIL"] = [until]
    event = icalendar.Event()
    event.add("SUMMARY", title or "event")
    event.add("DTSTART", start)
    event.add("DTEND", end)
    event.add("RRULE", rule)
    excepted = [_at_start_time(day, start) for day in _dates(schedule.get("exceptDate"))]
    if excepted:
        event.add("EXDATE", excepted)
    return event


def _rule(schedule: dict[str, Any]) -> dict[str, Any] | None:
    """The RRULE parts (each a list, as icalendar reads them): frequency and interval, days,
    month days, months and count."""
    frequency = text_of(schedule.get("repeatFrequency")).strip()
    matched = _ISO_PERIOD.match(frequency.upper())
    if matched:
        rule: dict[str, Any] = {"FREQ": [FREQUENCIES[matched.group(2)]]}
        if int(matched.group(1)) > 1:
            rule["INTERVAL"] = [int(matched.group(1))]
    elif enum_member(frequency).lower() in WORDS:
        rule = {"FREQ": [WORDS[enum_member(frequency).lower()]]}
    else:
        return None
    weeks = [w for w in _numbers(schedule.get("byMonthWeek")) if 1 <= abs(w) <= 5]
    days = _weekdays(schedule.get("byDay"), weeks if rule["FREQ"] == ["MONTHLY"] else [])
    month_days = [d for d in _numbers(schedule.get("byMonthDay")) if 1 <= abs(d) <= 31]
    months = [m for m in _numbers(schedule.get("byMonth")) if 1 <= m <= 12]
    for part, values in (("BYDAY", days), ("BYMONTHDAY", month_days), ("BYMONTH", months)):
        if values:
            rule[part] = values
    count = _numbers(schedule.get("repeatCount"))
    if count and count[0] > 0:
        rule["COUNT"] = [count[0]]
    return rule


def _weekdays(value: Any, weeks: list[int]) -> list[str]:
    """BYDAY values from schema.org days (".../Thursday", "Thursday") or iCalendar's ("1TH")."""
    days: list[str] = []
    for raw in many(value, {}):
        text = enum_member(raw).strip()
        name = text.lower()
        if name in DAY_NAMES:
            day = WEEKDAYS[DAY_NAMES.index(name)]
            days.extend([f"{week}{day}" for week in weeks] or [day])
        elif _ICAL_DAY.match(text.upper()):
            days.append(text.upper())
    return list(dict.fromkeys(days))


def _times(
    schedule: dict[str, Any], node: dict[str, Any], zone: tzinfo | None
) -> tuple[datetime | date, datetime | date] | None:
    """The first occurrence's start and end: dates for a whole day, else zoned datetimes."""
    first = _day_and_time(schedule.get("startDate") or node.get("startDate"))
    if first is None:
        return None
    day, stated = first
    start_time = _clock(schedule.get("startTime")) or stated
    if start_time is None:
        return day, day + timedelta(days=1)
    place = zone or start_time.tzinfo or UTC
    start = datetime.combine(day, start_time.replace(tzinfo=None), place)
    end_time = _clock(schedule.get("endTime"))
    duration = _duration(schedule.get("duration"))
    if end_time is not None:
        end = datetime.combine(day, end_time.replace(tzinfo=None), place)
        end = end if end > start else end + timedelta(days=1)  # past midnight
    else:
        end = start + duration if duration else start
    return start, end


def _until(schedule: dict[str, Any], start: datetime | date) -> datetime | date | None:
    """The schedule's last day as RRULE's UNTIL: the end of that day, in UTC for a time."""
    last = _day_and_time(schedule.get("endDate"))
    if last is None:
        return None
    if not isinstance(start, datetime):
        return last[0]
    end_of_day = datetime.combine(last[0], time(23, 59, 59), start.tzinfo)
    return end_of_day.astimezone(UTC)


def _at_start_time(day: date, start: datetime | date) -> datetime | date:
    """An excepted day as the occurrence it removes: that day at the series' start time."""
    if not isinstance(start, datetime):
        return day
    return datetime.combine(day, start.timetz())


def _day_and_time(value: Any) -> tuple[date, time | None] | None:
    """An ISO date or date-time as its day and its time of day (with its offset), if any."""
    text = text_of(value).strip()[:64]
    try:
        if len(text) == 10:
            return date.fromisoformat(text), None
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.date(), moment.timetz()


def _dates(value: Any) -> list[date]:
    days = (_day_and_time(v) for v in many(value, {})[:366])
    return [found[0] for found in days if found is not None]


def _clock(value: Any) -> time | None:
    """A time of day ("18:30", "18:30:00", "18:30:00+01:00"), with its offset when it has one."""
    text = text_of(value).strip()[:32].removeprefix("T")
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def _duration(value: Any) -> timedelta | None:
    """An ISO 8601 duration of days, hours, minutes and seconds ("PT2H", "PT1H30M", "P1D")."""
    matched = _ISO_DURATION.match(text_of(value).strip().upper()[:32])
    if not matched or not any(matched.groups()):
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in matched.groups())
    length = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    return length if timedelta(0) < length <= timedelta(days=31) else None


def _numbers(value: Any) -> list[int]:
    numbers: list[int] = []
    for raw in many(value, {})[:31]:
        try:
            numbers.append(int(text_of(raw).strip()))
        except ValueError:
            continue
    return numbers
