"""Dates in the demo site's files, written relative to the day the demo runs, so it never ages.

A file says `{{date OFFSET [TIME] FORMAT [tz=ZONE] [on=DAY]}}` where a fixed date would be:

- OFFSET: days from "today", `-3d` (three days ago), `+15d`, `+0d`;
- TIME: the wall-clock time in ZONE, `18:30` or `18:30:05` (midnight when left out);
- FORMAT: one of FORMATS below (`rfc822` for an RSS pubDate, `ical` for DTSTART;TZID=...);
- tz=ZONE: the IANA zone the time is in (UTC when left out); formats with an offset show it;
- on=DAY: moved forward to the first day matching an iCalendar BYDAY value: `TH` (a Thursday),
  `2TH` (the second Thursday of its month), `-1TU` (the last Tuesday of its month), so that a
  "Saturday workshop" falls on a Saturday and a recurrence rule's DTSTART is one of its days.

`render_dates(body, today)` replaces every token; a token it cannot read raises BadDateToken.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

TOKEN = re.compile(rb"\{\{date ([^}]*)\}\}")
OFFSET = re.compile(r"([+-]\d+)d")
TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
WEEKDAY = re.compile(r"(-?\d)?(MO|TU|WE|TH|FR|SA|SU)")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class BadDateToken(ValueError):
    """A `{{date ...}}` token in a demo file that does not say a date."""


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _rfc3339(moment: datetime) -> str:
    text = moment.isoformat(timespec="seconds")
    return text.removesuffix("+00:00") + "Z" if moment.utcoffset() == timedelta(0) else text


def _rfc822(moment: datetime) -> str:
    if moment.utcoffset() == timedelta(0):
        return format_datetime(moment.astimezone(UTC), usegmt=True)
    return format_datetime(moment)


FORMATS: dict[str, Callable[[datetime], str]] = {
    "iso": lambda m: m.date().isoformat(),  # 2026-12-10 (JSON-LD datePosted, sitemap lastmod)
    "iso-local": lambda m: m.replace(tzinfo=None).isoformat(timespec="seconds"),  # no offset
    "rfc3339": _rfc3339,  # 2026-12-10T18:30:00-08:00, or ...Z in UTC (Atom, JSON-LD, ATS APIs)
    "rfc822": _rfc822,  # Thu, 10 Dec 2026 12:00:00 GMT (RSS pubDate)
    "ical": lambda m: m.strftime("%Y%m%dT%H%M%S"),  # local time, for DTSTART;TZID=...:
    "ical-utc": lambda m: m.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"),  # DTSTAMP, CREATED
    "epoch-ms": lambda m: str(int(m.timestamp() * 1000)),  # Lever's createdAt
    "day": lambda m: f"{m:%A} {m.day} {m:%B}",  # Thursday 10 December
    "day-year": lambda m: f"{m:%A} {m.day} {m:%B %Y}",  # Thursday 10 December 2026
    "long": lambda m: f"{m.day} {m:%B %Y}",  # 10 December 2026
    "us-long": lambda m: f"{m:%B} {m.day}, {m.year}",  # December 10, 2026
    "us-ordinal": lambda m: f"{m:%B} {_ordinal(m.day)}, {m.year}",  # December 10th, 2026
    "short": lambda m: f"{m.day} {m:%b %Y}",  # 10 Dec 2026
    "us-numeric": lambda m: f"{m.month}/{m.day}/{m.year}",  # 12/10/2026
    "year": lambda m: str(m.year),  # 2026 (a copyright line)
}


def render_dates(body: bytes, today: date) -> bytes:
    """`body` with each `{{date ...}}` token replaced by the date it says, counted from `today`."""

    def replace(found: re.Match[bytes]) -> bytes:
        return render_token(found[1].decode("utf-8"), today).encode("utf-8")

    return TOKEN.sub(replace, body)


def render_token(spec: str, today: date) -> str:
    """The text of one token's inside (`-3d 09:00 rfc822`), counted from `today`."""
    words = shlex.split(spec)
    options = dict(word.split("=", 1) for word in words if "=" in word)
    plain = [word for word in words if "=" not in word]
    if len(plain) not in (2, 3) or plain[-1] not in FORMATS or set(options) - {"tz", "on"}:
        raise BadDateToken(f"{{{{date {spec}}}}}: expected OFFSET [TIME] FORMAT [tz=] [on=]")
    day = _aligned(today + timedelta(days=_days(plain[0], spec)), options.get("on", ""), spec)
    clock = _clock(plain[1], spec) if len(plain) == 3 else time()
    moment = datetime.combine(day, clock, tzinfo=_zone(options.get("tz", "UTC"), spec))
    return FORMATS[plain[-1]](moment)


def _days(offset: str, spec: str) -> int:
    found = OFFSET.fullmatch(offset)
    if not found:
        raise BadDateToken(f"{{{{date {spec}}}}}: the offset is like -3d or +15d, not {offset!r}")
    return int(found[1])


def _clock(text: str, spec: str) -> time:
    found = TIME.fullmatch(text)
    try:
        if found:
            return time(int(found[1]), int(found[2]), int(found[3] or 0))
    except ValueError:
        pass
    raise BadDateToken(f"{{{{date {spec}}}}}: the time is like 18:30, not {text!r}")


def _zone(name: str, spec: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError) as error:
        raise BadDateToken(f"{{{{date {spec}}}}}: no time zone {name!r}") from error


def _aligned(day: date, on: str, spec: str) -> date:
    """`day`, or the first day after it that matches `on` (an iCalendar BYDAY value)."""
    if not on:
        return day
    found = WEEKDAY.fullmatch(on)
    if not found or found[1] in ("0", "-0"):
        raise BadDateToken(f"{{{{date {spec}}}}}: on= is like TH, 2TH or -1TU, not {on!r}")
    weekday, nth = WEEKDAYS.index(found[2]), int(found[1] or 0)
    for ahead in range(400):
        candidate = day + timedelta(days=ahead)
        if candidate.weekday() == weekday and nth in (0, _nth_in_month(candidate, nth)):
            return candidate
    raise BadDateToken(f"{{{{date {spec}}}}}: no day matches on={on}")


def _nth_in_month(day: date, sign: int) -> int:
    """Which of its month's same weekdays `day` is: 1, 2, ... or, for a negative `sign`,
    -1 (the last), -2, ..."""
    if sign > 0:
        return (day.day - 1) // 7 + 1
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return -((next_month - day - timedelta(days=1)).days // 7 + 1)
