"""iCalendar (.ics): a pure parser from a fetched calendar body to one item per event occurrence.

icalendar reads the body and recurring_ical_events expands RRULE, RDATE, EXDATE and RECURRENCE-ID
overrides. Before expansion every event is checked and normalised (crawlers/ical/events.py: one
start, a known zone, an end after the start, the newest version of each UID) because the expander
assumes a valid calendar, and strangers' rules are tamed (crawlers/ical/rules.py) because
dateutil's work grows with the distance from DTSTART and never ends for rules that cannot match
(it scans to the year 9999).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar

from catalog.records import ParsedItem
from crawlers.ical.context import CalendarContext
from crawlers.ical.events import is_recurring, newest_versions
from crawlers.ical.expansion import expand
from crawlers.ical.items import occurrence_item, own_url_counts
from crawlers.ical.properties import text_value, uid_of
from crawlers.ical.zones import floating_zone
from crawlers.normalise import MAX_TITLE, clean_text
from crawlers.results import ParseResult, read_each


class NotACalendar(ValueError):
    """The body is not an iCalendar VCALENDAR; the message says why."""


# Longer than any description the catalog keeps (MAX_BODY): the rest would be cut anyway.
MAX_LINE = 100_000
FOLD = re.compile(r"\r?\n[ \t]")
LINE_BREAK = re.compile(r"\r\n|\n|\r")  # not str.splitlines: U+2028 may sit inside a value


def parse(
    url: str,
    body: bytes,
    *,
    now: datetime | None = None,
    horizon_days: int = 180,
    max_occurrences: int = 200,
) -> ParseResult:
    """Items of the calendar at `url`: each event occurrence starting from a day before `now`
    to `horizon_days` after it, at most `max_occurrences` in all."""
    now = now or datetime.now(UTC)
    warnings: list[str] = []
    calendar = _read(body, warnings)
    name = clean_text(text_value(calendar, "X-WR-CALNAME"), MAX_TITLE)
    context = CalendarContext(
        url=url,
        name=name,
        now=now,
        floating_zone=floating_zone(calendar, warnings),
        window_start=now - timedelta(days=1),
        window_end=now + timedelta(days=horizon_days),
        warnings=warnings,
    )
    events = newest_versions(calendar, context)
    recurring = {uid_of(event) for event in events if is_recurring(event)}
    occurrences = expand(events, context, max_occurrences)
    own_urls = own_url_counts(occurrences, recurring, url)

    def item_of(component: icalendar.Event) -> ParsedItem | None:
        return occurrence_item(component, uid_of(component) in recurring, own_urls, context)

    read = read_each(occurrences, item_of, context.warnings, "event occurrences")
    items = [item for item in read if item is not None]
    return ParseResult(items=items, warnings=tuple(context.warnings), complete=True, title=name)


def _read(body: bytes, warnings: list[str]) -> icalendar.Calendar:
    """The VCALENDAR in the body, or NotACalendar saying why there is none."""
    text = _capped_lines(_decode(body, warnings), warnings)
    if "BEGIN:VCALENDAR" not in text[:65_536].upper():
        raise NotACalendar("not a calendar: no BEGIN:VCALENDAR line")
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as error:  # icalendar raises assorted types on garbage; all mean "not one"
        raise NotACalendar(f"not a calendar: {error}"[:300]) from error
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise NotACalendar("not a calendar: the body's first component is not VCALENDAR")
    broken = len(calendar.errors) + sum(len(c.errors) for c in calendar.walk())
    if broken:
        warnings.append(f"{broken} calendar line(s) could not be read and were ignored")
    return calendar


def _decode(body: bytes, warnings: list[str]) -> str:
    """Text of the body: RFC 5545 says UTF-8, but UTF-16 exports and stray bytes happen."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = body.decode("utf-16", "replace")
    else:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = body.decode("utf-8-sig", "replace")
            warnings.append("calendar is not valid UTF-8; undecodable bytes were replaced")
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings.append("calendar contains NUL characters; they were removed")
    return text


def _capped_lines(text: str, warnings: list[str]) -> str:
    """The text unfolded (RFC 5545 3.1), each line cut at MAX_LINE: icalendar reads a line
    character by character, so a megabyte SUMMARY would cost it most of a second."""
    lines = LINE_BREAK.split(FOLD.sub("", text))
    long_lines = sum(len(line) > MAX_LINE for line in lines)
    if not long_lines:
        return "\r\n".join(lines)
    warnings.append(f"{long_lines} calendar line(s) longer than {MAX_LINE} characters were cut")
    return "\r\n".join(line[:MAX_LINE] for line in lines)
