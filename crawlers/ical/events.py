"""Each event checked and normalised before expansion: one start, a known zone, an end after
the start, the newest version of each UID."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import icalendar

from crawlers.ical.context import CalendarContext
from crawlers.ical.properties import dt_of, first_value, text_value, to_utc, uid_of
from crawlers.ical.rules import tame_rules
from crawlers.ical.zones import zoned
from crawlers.normalise import clean_text
from crawlers.results import read_each

# Properties rebuilt by _normalised (BEGIN and END come with the component itself).
REPLACED_PROPERTIES = frozenset(
    {"BEGIN", "END", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "UID"}
)


def newest_versions(
    calendar: icalendar.Calendar, context: CalendarContext
) -> list[icalendar.Event]:
    """Valid events, only the newest version of each UID and RECURRENCE-ID (SEQUENCE, then
    LAST-MODIFIED, then the later one in the body), as an updated export repeats old ones."""
    newest: dict[tuple[str, str], icalendar.Event] = {}
    components = calendar.walk("VEVENT")
    normalised = read_each(
        components,
        lambda c: _normalised(c, context),  # type: ignore[arg-type]  # walk() is untyped
        context.warnings,
        "events",
    )
    for event in normalised:
        if event is None:
            continue
        key = (uid_of(event), text_value(event, "RECURRENCE-ID"))
        if key not in newest or _version(event) >= _version(newest[key]):
            newest[key] = event
    return list(newest.values())


def _version(event: icalendar.Event) -> tuple[int, datetime]:
    try:
        sequence = int(str(first_value(event, "SEQUENCE") or 0))
    except ValueError:
        sequence = 0
    modified = dt_of(first_value(event, "LAST-MODIFIED"))
    return sequence, to_utc(modified) if isinstance(modified, date) else datetime.min.replace(
        tzinfo=UTC
    )


def _normalised(component: icalendar.Event, context: CalendarContext) -> icalendar.Event | None:
    """A copy of the event with a UID, one zoned DTSTART and a DTEND after it; None to skip."""
    title = clean_text(text_value(component, "SUMMARY")[:1000], 80) or "untitled"
    start_property = first_value(component, "DTSTART")
    start = dt_of(start_property)
    if not isinstance(start, date):
        context.warn(f"skipped event {title!r}: no valid DTSTART")
        return None
    event = icalendar.Event()
    for name, value in component.property_items(recursive=False, sorted=False):
        if name not in REPLACED_PROPERTIES:
            event.add(name, value, encode=False)
    start = zoned(start, start_property, context, title)
    event.add("UID", uid_of(component) or _made_up_uid(component, start))
    event.add("DTSTART", start)
    event.add("DTEND", _end(component, start, context, title))
    recurrence_id = first_value(component, "RECURRENCE-ID")
    if isinstance(recurrence_start := dt_of(recurrence_id), date):
        event.add("RECURRENCE-ID", zoned(recurrence_start, recurrence_id, context, title))
    tame_rules(event, start, context, title)
    return event


def _made_up_uid(component: icalendar.Event, start: date) -> str:
    """A stable identity for an event its publisher gave no UID."""
    seed = f"{text_value(component, 'SUMMARY')[:1000]}|{start.isoformat()}"
    return "no-uid-" + hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()[:16]


def _end(component: icalendar.Event, start: date, context: CalendarContext, title: str) -> date:
    """DTEND, else DTSTART + DURATION, else RFC 5545's default (a day for a date, none for a
    time); an end before the start is replaced by that default."""
    default = start if isinstance(start, datetime) else start + timedelta(days=1)
    end_property = first_value(component, "DTEND")
    end = dt_of(end_property)
    duration = dt_of(first_value(component, "DURATION"))
    if isinstance(end, date) and isinstance(end, datetime) == isinstance(start, datetime):
        end = zoned(end, end_property, context, title)
    elif isinstance(duration, timedelta):
        end = start + duration
    else:
        return default
    if to_utc(end) < to_utc(start):
        context.warn(f"event {title!r} ends before it starts; its end was reset")
        return default
    return end


def is_recurring(event: icalendar.Event) -> bool:
    return any(name in event for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
