"""iCalendar (.ics): a pure parser from a fetched calendar body to one item per event occurrence.

icalendar reads the body and recurring_ical_events expands RRULE, RDATE, EXDATE and RECURRENCE-ID
overrides. Before expansion every event is checked and normalised here (one start, a known zone,
an end after the start, the newest version of each UID) because the expander assumes a valid
calendar, and strangers' rules are tamed because dateutil's work grows with the distance from
DTSTART and never ends for rules that cannot match (it scans to the year 9999).
"""

from __future__ import annotations

import hashlib
import html
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]  # the package ships no py.typed
from dateutil.rrule import rrulestr  # type: ignore[import-untyped]  # no stubs installed

from catalog.records import ParsedItem
from crawlers.normalise import (
    MAX_SUMMARY,
    MAX_TITLE,
    canonical_url,
    clean_text,
    html_to_text,
    plausible_date,
    sanitise_html,
)
from crawlers.results import ParseResult


class NotACalendar(ValueError):
    """The body is not an iCalendar VCALENDAR; the message says why."""


# Rule parts a community calendar uses and whose cost is predictable; others are not expanded.
SAFE_RULE_PARTS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS"}
)
STEPS_PER_YEAR = {"DAILY": 366, "WEEKLY": 53, "MONTHLY": 12, "YEARLY": 1}
# dateutil walks every step from DTSTART: beyond this a series is kept as its first occurrence.
MAX_RULE_STEPS = 40_000
# The whole expansion stops here, whatever a calendar holds (a last guard, not the usual limit).
EXPANSION_SECONDS = 2.0
MEETING_LINK = re.compile(
    r"\b(?:[\w-]+\.)?(?:zoom\.us|meet\.google\.com|teams\.microsoft\.com|teams\.live\.com)/",
    re.IGNORECASE,
)
NOT_A_PLACE = re.compile(r"^\W*(?:online|virtual|remote|web(?:inar)?|zoom|tbd|tba)?\W*$", re.I)
MAX_WARNINGS_PER_KIND = 20
# Longer than any description the catalog keeps (MAX_BODY): the rest would be cut anyway.
MAX_LINE = 100_000
FOLD = re.compile(r"\r?\n[ \t]")
LINE_BREAK = re.compile(r"\r\n|\n|\r")  # not str.splitlines: U+2028 may sit inside a value
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Properties rebuilt by _normalised (BEGIN and END come with the component itself).
REPLACED_PROPERTIES = frozenset(
    {"BEGIN", "END", "DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "UID"}
)
MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


@dataclass
class _Context:
    """What every event of one calendar shares, and the warnings gathered while reading it."""

    url: str
    name: str
    now: datetime
    floating_zone: ZoneInfo
    window_start: datetime
    window_end: datetime
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message[:300])


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
    name = clean_text(_text(calendar, "X-WR-CALNAME"), MAX_TITLE)
    context = _Context(
        url=url,
        name=name,
        now=now,
        floating_zone=_floating_zone(calendar, warnings),
        window_start=now - timedelta(days=1),
        window_end=now + timedelta(days=horizon_days),
        warnings=warnings,
    )
    events = _newest_versions(calendar, context)
    recurring = {_uid(event) for event in events if _is_recurring(event)}
    occurrences = _expand(events, context, max_occurrences)
    own_urls = _own_url_counts(occurrences, recurring, url)
    items = [
        item
        for component in occurrences
        if (item := _item(component, _uid(component) in recurring, own_urls, context))
    ]
    return ParseResult(items=items, warnings=tuple(context.warnings), complete=True, title=name)


# Reading the body


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


def _floating_zone(calendar: icalendar.Calendar, warnings: list[str]) -> ZoneInfo:
    """The zone of times written without one: the calendar's X-WR-TIMEZONE, else UTC."""
    name = clean_text(_text(calendar, "X-WR-TIMEZONE"), 100)
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            warnings.append(f"unknown X-WR-TIMEZONE {name!r}; floating times taken as UTC")
    return ZoneInfo("UTC")


def _first(component: icalendar.cal.Component, name: str) -> Any:
    """The first value of a property that hostile or sloppy exporters may repeat."""
    value = component.get(name)
    return value[0] if isinstance(value, list) and value else value


def _text(component: icalendar.cal.Component, name: str) -> str:
    value = _first(component, name)
    return "" if value is None else str(value)


def _date(component: icalendar.cal.Component, name: str) -> date | None:
    """The date or datetime of a property, None when missing or unreadable."""
    value = getattr(_first(component, name), "dt", None)
    return value if isinstance(value, date) else None


def _uid(component: icalendar.cal.Component) -> str:
    return clean_text(_text(component, "UID"), 500)


# Checking and normalising each event before expansion


def _newest_versions(calendar: icalendar.Calendar, context: _Context) -> list[icalendar.Event]:
    """Valid events, only the newest version of each UID and RECURRENCE-ID (SEQUENCE, then
    LAST-MODIFIED, then the later one in the body), as an updated export repeats old ones."""
    newest: dict[tuple[str, str], icalendar.Event] = {}
    for component in calendar.walk("VEVENT"):
        event = _normalised(component, context)  # type: ignore[arg-type]  # walk() is untyped
        if event is None:
            continue
        key = (_uid(event), _text(event, "RECURRENCE-ID"))
        if key not in newest or _version(event) >= _version(newest[key]):
            newest[key] = event
    return list(newest.values())


def _version(event: icalendar.Event) -> tuple[int, datetime]:
    try:
        sequence = int(str(_first(event, "SEQUENCE") or 0))
    except ValueError:
        sequence = 0
    modified = getattr(_first(event, "LAST-MODIFIED"), "dt", None)
    return sequence, _utc(modified) if isinstance(modified, date) else datetime.min.replace(
        tzinfo=UTC
    )


def _normalised(component: icalendar.Event, context: _Context) -> icalendar.Event | None:
    """A copy of the event with a UID, one zoned DTSTART and a DTEND after it; None to skip."""
    title = clean_text(_text(component, "SUMMARY")[:1000], 80) or "untitled"
    start_property = _first(component, "DTSTART")
    start = getattr(start_property, "dt", None)
    if not isinstance(start, date):
        context.warn(f"skipped event {title!r}: no valid DTSTART")
        return None
    event = icalendar.Event()
    for name, value in component.property_items(recursive=False, sorted=False):
        if name not in REPLACED_PROPERTIES:
            event.add(name, value, encode=False)
    start = _zoned(start, start_property, context, title)
    event.add("UID", _uid(component) or _made_up_uid(component, start))
    event.add("DTSTART", start)
    event.add("DTEND", _end(component, start, context, title))
    recurrence_id = _first(component, "RECURRENCE-ID")
    if isinstance(getattr(recurrence_id, "dt", None), date):
        event.add("RECURRENCE-ID", _zoned(recurrence_id.dt, recurrence_id, context, title))
    _tame_rules(event, start, context, title)
    return event


def _made_up_uid(component: icalendar.Event, start: date) -> str:
    """A stable identity for an event its publisher gave no UID."""
    seed = f"{_text(component, 'SUMMARY')[:1000]}|{start.isoformat()}"
    return "no-uid-" + hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()[:16]


def _zoned(value: date, prop: Any, context: _Context, title: str) -> date:
    """A datetime with a zone: a TZID icalendar could not resolve is UTC, a floating time is in
    the calendar's X-WR-TIMEZONE (else UTC). Dates stay dates."""
    if not isinstance(value, datetime) or value.tzinfo is not None:
        return value
    tzid = getattr(prop, "params", {}).get("TZID")
    if tzid:
        context.warn(f"event {title!r}: unknown time zone {clean_text(str(tzid), 80)!r}, as UTC")
        return value.replace(tzinfo=UTC)
    context.warn(f"event {title!r} has a floating time, taken as {context.floating_zone.key}")
    return value.replace(tzinfo=context.floating_zone)


def _end(component: icalendar.Event, start: date, context: _Context, title: str) -> date:
    """DTEND, else DTSTART + DURATION, else RFC 5545's default (a day for a date, none for a
    time); an end before the start is replaced by that default."""
    default = start if isinstance(start, datetime) else start + timedelta(days=1)
    end_property = _first(component, "DTEND")
    end = getattr(end_property, "dt", None)
    duration = getattr(_first(component, "DURATION"), "dt", None)
    if isinstance(end, date) and isinstance(end, datetime) == isinstance(start, datetime):
        end = _zoned(end, end_property, context, title)
    elif isinstance(duration, timedelta):
        end = start + duration
    else:
        return default
    if _utc(end) < _utc(start):
        context.warn(f"event {title!r} ends before it starts; its end was reset")
        return default
    return end


def _is_recurring(event: icalendar.Event) -> bool:
    return any(name in event for name in ("RRULE", "RDATE", "RECURRENCE-ID"))


# Taming recurrence rules


def _tame_rules(event: icalendar.Event, start: date, context: _Context, title: str) -> None:
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
    years = max(0.0, (window_end - _utc(start)).days / 365)
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


# Expanding within the window, fairly and within bounds


def _expand(events: list[icalendar.Event], context: _Context, limit: int) -> list[icalendar.Event]:
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
            f"recurring event {clean_text(_text(first, 'SUMMARY')[:1000], 80)!r} ({_uid(first)}) "
            f"was capped at the calendar's limit of {limit} occurrences"
        )
    chosen.sort(key=lambda occurrence: _utc(occurrence.start))
    return [occurrence.as_component(False) for occurrence in chosen]


def _series_occurrences(series_list: list[Any], context: _Context, limit: int) -> Iterator[Any]:
    """Each series' occurrences in the window, sorted, at most one more than the limit."""
    deadline = time.monotonic() + EXPANSION_SECONDS
    for series in series_list:
        if time.monotonic() > deadline:
            context.warn("calendar took too long to expand; later events were left out")
            return
        found = (
            o
            for o in series.between(context.window_start, context.window_end)
            if context.window_start <= _utc(o.start) <= context.window_end
        )
        try:
            occurrences = list(islice(found, limit + 1))
        except Exception as error:  # a series the expander cannot compute is skipped, not fatal
            context.warn(f"event {series.uid!r} could not be expanded ({error})"[:300])
            continue
        if occurrences:
            yield sorted(occurrences, key=lambda occurrence: _utc(occurrence.start))


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


# One occurrence to one item


def _own_url_counts(
    events: list[icalendar.Event], recurring: set[str], base: str
) -> dict[str, int]:
    """How many single events point at each URL of their own: a shared one does not name them."""
    counts: dict[str, int] = {}
    for event in events:
        own = _own_url(event, base)
        if own and _uid(event) not in recurring:
            counts[own] = counts.get(own, 0) + 1
    return counts


def _own_url(event: icalendar.Event, base: str) -> str:
    link = clean_text(_text(event, "URL"), 2000)
    absolute = urljoin(base, link) if link else ""
    return canonical_url(absolute) if absolute.startswith(("http://", "https://")) else ""


def _item(
    event: icalendar.Event, recurring: bool, own_urls: dict[str, int], context: _Context
) -> ParsedItem | None:
    title = clean_text(_text(event, "SUMMARY")[: MAX_TITLE * 10], MAX_TITLE)
    if not title:
        context.warn("skipped an event without a SUMMARY")
        return None
    start, end = _date(event, "DTSTART"), _date(event, "DTEND")
    if start is None or end is None:  # set by _normalised; a guard for the expander's output
        return None
    own = _own_url(event, context.url)
    calendar_url = canonical_url(context.url)
    key = f"{calendar_url}#{_uid(event)}"
    if recurring:
        key = f"{key}/{_utc(start).isoformat()}"
    elif own and own_urls.get(own) == 1:
        key = ""
    body = _body(event)
    location = clean_text(_text(event, "LOCATION"))
    cancelled = _text(event, "STATUS").upper() == "CANCELLED"
    return ParsedItem(
        url=own or calendar_url,
        key=key,
        title=title,
        kind="event",
        summary=html_to_text(body, MAX_SUMMARY),
        body=body,
        organisation=_organisation(event) or context.name,
        location=location,
        published_at=_published(event, context.now),
        source_key=_uid(event),
        tags=_tags(event),
        details={"event": _event_details(event, start, end, location, cancelled)},
        status="cancelled" if cancelled else "active",
    )


def _event_details(
    event: icalendar.Event, start: date, end: date, location: str, cancelled: bool
) -> dict[str, Any]:
    details: dict[str, Any] = {
        "start": _utc(start).isoformat(),
        "end": _utc(end).isoformat(),
        "all_day": not isinstance(start, datetime),
        "status": "cancelled" if cancelled else "scheduled",
    }
    zone = _zone_name(start, event["DTSTART"])
    if zone:
        details["timezone"] = zone
    attendance = _attendance(event, location)
    if attendance:
        details["attendance"] = attendance
    if location:
        details["venue"] = location
    return details


def _zone_name(start: date, prop: Any) -> str:
    """The IANA name of the start's zone, else the TZID as posted (a custom VTIMEZONE)."""
    if not isinstance(start, datetime) or start.tzinfo is None:
        return ""
    if isinstance(start.tzinfo, ZoneInfo):
        return start.tzinfo.key
    if start.tzinfo is UTC:
        return "UTC"
    return clean_text(str(getattr(prop, "params", {}).get("TZID") or ""), 100)


def _attendance(event: icalendar.Event, location: str) -> str:
    """ "online" for a meeting link without a place, "mixed" for both, "in-person" for a place."""
    where = " ".join((location, _text(event, "URL"), _text(event, "DESCRIPTION")[:100_000]))
    online = bool(MEETING_LINK.search(where))
    place = bool(location) and not MEETING_LINK.search(location) and not _not_a_place(location)
    if online:
        return "mixed" if place else "online"
    return "in-person" if place else ""


def _not_a_place(location: str) -> bool:
    return bool(NOT_A_PLACE.match(location)) or location.lower().startswith(("http://", "https://"))


def _body(event: icalendar.Event) -> str:
    """The event's HTML description when it has one, else its text as escaped paragraphs."""
    for name, value in event.property_items(recursive=False, sorted=False):
        if name == "X-ALT-DESC" and "html" in str(getattr(value, "params", {}).get("FMTTYPE", "")):
            return sanitise_html(str(value))
    text = _text(event, "DESCRIPTION")[:200_000].replace("\r\n", "\n")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    markup = "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    return sanitise_html(markup)


def _organisation(event: icalendar.Event) -> str:
    organizer = _first(event, "ORGANIZER")
    params = getattr(organizer, "params", {})
    return clean_text(str(params.get("CN") or "").strip('"'))


def _published(event: icalendar.Event, now: datetime) -> datetime | None:
    for name in ("CREATED", "DTSTAMP"):
        value = _date(event, name)
        if value:
            return plausible_date(_utc(value), now)
    return None


def _tags(event: icalendar.Event) -> tuple[str, ...]:
    values = event.get("CATEGORIES")
    tags: list[str] = []
    for category in values if isinstance(values, list) else [values] if values else []:
        for term in getattr(category, "cats", []):
            tag = clean_text(str(term), 80)
            if tag and tag not in tags:
                tags.append(tag)
    return tuple(tags[:50])


def _utc(value: date) -> datetime:
    """A date or datetime as an aware UTC datetime (a date is its midnight UTC)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
