"""An event's start read from its text ("Thursday 10 December, 6pm, online"), for events whose
source gives none, in the source's time zone and language, or no start at all when unsure.

The rules, precision first (a wrong start is worse than "date not given"):
- A date counts only when the text writes it: a day and a month in words ("10 December",
  "jeudi 10 décembre", "10. Dezember", "10 de diciembre", "Dec 10th"), an ISO date, a numeric
  date whose order is certain (day first outside English; in English only when one part is over
  12), a weekday ("next Thursday", "jeudi prochain", "Thursday at 6pm"), or "tonight" /
  "tomorrow" (and their French, German, Spanish words) in a text that also gives a time.
- A year-less date is the first one from 60 days before the entry's publication day on (so a
  recap of last week stays last week's); a weekday is the first one on or after that day. The
  publication date is the reference: without it only dates with a year are read.
- A weekday written with a date must agree with it. A range ("10-12 December",
  "30 November - 2 December") starts on its first day. A date after "until", "by", "RSVP",
  "deadline" (and their translations) is a deadline, not the event.
- Two different dates left, "every Thursday", "last Thursday", an ambiguous "03/04/2026":
  no start.
- The start time is the earliest time the text gives for the day, ends of ranges ("6-8pm")
  and times after "until" left out: "doors 6:30, talks 7pm" starts at 18:30, when the event
  opens to whoever comes. A zone the text names ("7pm CET", "1pm ET") beats the source's.
- A date with no time it can trust is stored as a day (all_day), as a calendar's DATE start is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

from crawlers.enrichment.text_date_words import (
    DAY_WORDS,
    NEXT_AFTER,
    NEXT_BEFORE,
    NOT_ONE_DAY,
    RANGE_WORDS,
    LanguageWords,
    language_words,
    languages_for,
)
from crawlers.enrichment.text_times import resolved_times, text_times

NEXT_WORDS = ("next", "coming", "prochain", "nächst", "kommend", "próximo", "que viene")
LOOK_BACK = timedelta(days=60)
LOOK_AHEAD = timedelta(days=330)
_DAY = r"(?P<{0}>[0-3]?\d)(?!\d)(?:st|nd|rd|th|er|\.|º)?"
# "December 7-11pm" is a time on some day, not 7 December: no clock right after the day.
_NOT_A_TIME = r"(?!\s*(?:[-\u2013]\s*\d{1,2})?\s*(?:[ap]\.?m\b|h\b|uhr\b|[:.]\d))"
_YEAR = r"(?:,?\s*(?:de\s+)?(?P<year>20\d\d)(?!\d))?"
_DEADLINE = re.compile(
    r"(?:until|till|by|before|deadline|rsvp|register|registration|closes?|apply|"
    r"avant|jusqu|inscriptions?|bis|anmeldung|anmeldeschluss|hasta|antes|inscripciones?)"
    r"\W+(?:(?:on|le|el|la|zum|the|am|del?)\s+)*$",
    re.IGNORECASE,
)
_CHANGED = re.compile(
    r"\b(?:re-?scheduled|postpone\w*|moved|changed|new date|report\w*|déplac\w*|"
    r"verschob\w*|verschieb\w*|verleg\w*|neuer termin|aplaza\w*|pospu\w*|pospon\w*|"
    r"cambi\w*|instead of|au lieu du?|statt|en lugar del?)\b",
    re.IGNORECASE,
)
_LIST_BEFORE = re.compile(
    r"\d(?:st|nd|rd|th|er|\.)?\s*(?:,|&|\band\b|\bet\b|\bund\b|\by\b|\bor\b|\bou\b|\boder\b|\bo\b)\s*$",
    re.IGNORECASE,
)
# "1.12." or "12/8": a day and month in figures without a year, which is read as no date.
_SHORT_NUMERIC = re.compile(
    r"(?<![\d.:/])([0-3]?\d)[./]([01]?\d)\b\.?(?![./]?\d|\s?(?:uhr|h|[ap]\.?m)\b)", re.IGNORECASE
)
_ISO = re.compile(r"(?<![\d-])(20\d\d)-([01]\d)-([0-3]\d)(?![\d])")
_NUMERIC = re.compile(r"(?<![\d/.])([0-3]?\d)([./])([01]?\d)\2(20\d\d)(?!\d)")


class Unsure(Exception):
    """The text names its date in a way that could be read two ways: give no start."""


@dataclass(frozen=True)
class TextStart:
    """The start read from a text: an instant in UTC, or a day (all_day) at midnight UTC."""

    start: datetime
    all_day: bool


@dataclass(frozen=True)
class Mention:
    """A date the text names, where, and the weekday written with it if any."""

    day: date
    start: int
    end: int
    explicit: bool = True
    ranged: bool = False  # "10-12 December": a first day of several


def read_start(
    text: str, published: datetime | None, zone: str = "UTC", language: str = ""
) -> TextStart | None:
    """The event's start as `text` gives it (see the module doc), or None when unsure."""
    place = zone_info(zone)
    reference = published.astimezone(place).date() if published else None
    languages = languages_for(language)
    try:
        day, rest = _the_day(text, reference, languages)
    except Unsure:
        return None
    if day is None:
        return None
    times = resolved_times(text_times(rest), english="en" in languages)
    if not times:
        return TextStart(datetime(day.year, day.month, day.day, tzinfo=UTC), True)
    instants = [_instant(day, clock, given or place) for clock, given in times]
    return TextStart(min(instants), False)


def zone_info(name: str) -> tzinfo:
    """The IANA zone `name`, UTC when it names none."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _instant(day: date, clock: time, place: tzinfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=place).astimezone(UTC)


def _the_day(
    text: str, reference: date | None, languages: tuple[str, ...]
) -> tuple[date | None, str]:
    """The one day the text names and the text without its dates; Unsure if it names more."""
    mentions, rest, named = _explicit_mentions(text, reference, languages)
    days = {m.day for m in mentions}
    if _CHANGED.search(text) and (named > 1 or any(m.ranged for m in mentions)):
        raise Unsure("a date changed: which one is the event's")
    if len(days) > 1:
        raise Unsure("two dates")
    relative = _relative_mentions(rest, reference, languages)
    if days:
        (day,) = days
        if any(m.day.weekday() != day.weekday() for m in relative):
            raise Unsure("a weekday that is not the date's")
        return day, rest
    if any(int(m[1]) <= 12 for m in _SHORT_NUMERIC.findall(rest)):
        raise Unsure("a day and month in figures: which is which, and is it the event's")
    relative_days = {m.day for m in relative}
    if len(relative_days) > 1:
        raise Unsure("two weekdays")
    return (relative_days.pop() if relative_days else None), rest


def _explicit_mentions(
    text: str, reference: date | None, languages: tuple[str, ...]
) -> tuple[list[Mention], str, int]:
    """The dates the text writes out that may be the start, the text without any of its
    dates, and how many different dates it writes."""
    found: list[Mention] = []
    for code in languages:
        words = language_words(code)
        for pattern in _patterns(code):
            found.extend(_word_mention(m, words, reference) for m in pattern.finditer(text))
    found.extend(_iso_mention(m) for m in _ISO.finditer(text))
    found.extend(_numeric_mention(m, languages) for m in _NUMERIC.finditer(text))
    spans = _outermost(found)
    kept = _without_range_ends(spans, text)
    starts = [m for m in kept if not _DEADLINE.search(text[max(0, m.start - 30) : m.start])]
    return starts, _blank(text, found), len({m.day for m in spans})


def _outermost(mentions: list[Mention]) -> list[Mention]:
    """Each span once: a mention inside a longer one (in another language) left out."""
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    kept: list[Mention] = []
    for mention in ordered:
        if kept and mention.start < kept[-1].end:
            if mention.day != kept[-1].day and mention.end <= kept[-1].end:
                continue
            if mention.day != kept[-1].day:
                raise Unsure("overlapping dates")
            continue
        kept.append(mention)
    return kept


def _without_range_ends(mentions: list[Mention], text: str) -> list[Mention]:
    """A date right after another, joined as a range ("30 November - 2 December"), ends it."""
    kept: list[Mention] = []
    for mention in mentions:
        between = text[kept[-1].end : mention.start] if kept else ""
        if kept and re.fullmatch(RANGE_WORDS, between) and mention.day > kept[-1].day:
            continue
        kept.append(mention)
    return kept


def _blank(text: str, mentions: list[Mention]) -> str:
    chars = list(text)
    for mention in mentions:
        chars[mention.start : mention.end] = " " * (mention.end - mention.start)
    return "".join(chars)


@cache
def _patterns(code: str) -> tuple[re.Pattern[str], ...]:
    """Day-month ("10 December", "10-12 de diciembre") and month-day ("December 10th")."""
    words = language_words(code)
    month, weekday = words.month_pattern(), words.weekday_pattern()
    lead = rf"(?:(?P<wd>{weekday}),?\s+(?:(?:the|le|el|den|der)\s+)?)?"
    day_first = (
        rf"(?<!\w){lead}{_DAY.format('d')}(?:{RANGE_WORDS}{_DAY.format('d2')})?"
        rf"\s*(?:(?:de|of)\s+)?(?P<mon>{month})(?!\w){_YEAR}"
    )
    month_first = (
        rf"(?<!\w){lead}(?P<mon>{month})\s+(?:the\s+)?{_DAY.format('d')}"
        rf"(?:{RANGE_WORDS}{_DAY.format('d2')})?(?!\w|:\d){_NOT_A_TIME}{_YEAR}"
    )
    return tuple(re.compile(p, re.IGNORECASE) for p in (day_first, month_first))


def _word_mention(match: re.Match[str], words: LanguageWords, reference: date | None) -> Mention:
    month_name = match.group("mon").lower().rstrip(".")
    month = words.months.get(month_name)
    day, year = int(match.group("d")), match.group("year")
    if month is None:
        raise Unsure(f"unknown month {month_name}")
    phrase = f"{day} {month_name} {year or ''}".strip()
    parsed = dateparser.parse(
        phrase,
        languages=[words.code],
        settings={"REQUIRE_PARTS": ["day", "month"], "DATE_ORDER": "DMY"},
    )
    if parsed is None or (parsed.month, parsed.day) != (month + 1, day):
        raise Unsure(f"dateparser reads {phrase!r} otherwise")
    if _LIST_BEFORE.search(match.string[max(0, match.start() - 20) : match.start()]):
        raise Unsure("one of a list of days: 7, 14 and 21 January")
    weekday = _weekday(match.group("wd"), words)
    found = _dated(day, month + 1, int(year) if year else None, weekday, reference)
    return Mention(found, match.start(), match.end(), ranged=bool(match.group("d2")))


def _weekday(name: str | None, words: LanguageWords) -> int | None:
    if not name:
        return None
    return words.weekdays.get(name.lower().rstrip("."))


def _dated(
    day: int, month: int, year: int | None, weekday: int | None, reference: date | None
) -> date:
    """The date of a day and month: its year given, else the first from LOOK_BACK before the
    reference on; a weekday written with it must agree."""
    if year is not None:
        candidates = [_date(year, month, day)]
    elif reference is None:
        raise Unsure("no year and no publication date")
    else:
        years = (reference.year - 1, reference.year, reference.year + 1)
        candidates = [
            d
            for d in (_date(y, month, day) for y in years)
            if reference - LOOK_BACK <= d <= reference + LOOK_AHEAD
        ]
    if weekday is not None:
        candidates = [d for d in candidates if d.weekday() == weekday]
    if not candidates:
        raise Unsure("no such date near the publication date")
    return candidates[0]


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise Unsure(str(exc)) from exc


def _iso_mention(match: re.Match[str]) -> Mention:
    year, month, day = (int(g) for g in match.groups())
    return Mention(_date(year, month, day), match.start(), match.end())


def _numeric_mention(match: re.Match[str], languages: tuple[str, ...]) -> Mention:
    first, _, second, year = match.groups()
    a, b = int(first), int(second)
    if "en" in languages and a <= 12 and b <= 12 and a != b:
        raise Unsure("03/04: day or month first")
    day, month = (b, a) if "en" in languages and b > 12 else (a, b)
    return Mention(_date(int(year), month, day), match.start(), match.end())


def _relative_mentions(
    text: str, reference: date | None, languages: tuple[str, ...]
) -> list[Mention]:
    """Weekdays and "tomorrow"-words, resolved from the reference day."""
    found: list[Mention] = []
    for code in languages:
        for match in _weekday_pattern(code).finditer(text):
            before = text[max(0, match.start() - 30) : match.start()].lower()
            if any(re.search(rf"\b{w}(?:\s+\w+){{0,2}}\s*$", before) for w in NOT_ONE_DAY[code]):
                raise Unsure("a series or a past weekday")
            found.append(_weekday_mention(match, code, reference))
        if text_times(text):
            found.extend(_day_word_mentions(text, code, reference))
    return found


@cache
def _weekday_pattern(code: str) -> re.Pattern[str]:
    words = language_words(code)
    before = "|".join(re.escape(w) for w in sorted(NEXT_BEFORE[code], key=len, reverse=True))
    after = "|".join(re.escape(w) for w in NEXT_AFTER[code]) or "(?!)"
    return re.compile(
        rf"(?<!\w)(?:(?P<next>{before})\s+)?(?P<wd>{words.full_weekday_pattern()})(?!\w)"
        rf"(?:\s+(?P<after>{after})(?!\w))?",
        re.IGNORECASE,
    )


def _weekday_mention(match: re.Match[str], code: str, reference: date | None) -> Mention:
    if reference is None:
        raise Unsure("a weekday and no publication date")
    weekday = language_words(code).weekdays_full[match.group("wd").lower().rstrip(".")]
    ahead = (weekday - reference.weekday()) % 7
    said = " ".join(filter(None, (match.group("next"), match.group("after")))).lower()
    if ahead == 0 and any(word in said for word in NEXT_WORDS):
        ahead = 7  # "next Thursday" written on a Thursday: the one a week on
    return Mention(reference + timedelta(days=ahead), match.start(), match.end(), False)


def _day_word_mentions(text: str, code: str, reference: date | None) -> list[Mention]:
    found: list[Mention] = []
    for word, days in DAY_WORDS[code].items():
        pattern = rf"(?<![\w'\u2019]){re.escape(word)}(?!\w)"
        for match in re.finditer(pattern, text, re.IGNORECASE):
            before = text[max(0, match.start() - 8) : match.start()].lower()
            if re.search(r"\b(?:la|am|guten|des|der|ein)\s*$", before):
                continue  # "por la mañana", "am Morgen": a time of day, not tomorrow
            if word in ("morgen", "mañana") and _morning_noun(text, match):
                continue
            if reference is None:
                raise Unsure("tomorrow and no publication date")
            found.append(Mention(reference + timedelta(days=days), match.start(), match.end()))
    return found


def _morning_noun(text: str, match: re.Match[str]) -> bool:
    """True for a capitalised "Morgen" inside a sentence: the morning (German nouns are);
    "morgen", or the first word of a sentence, is tomorrow."""
    before = text[: match.start()].rstrip()
    return match.group()[0].isupper() and bool(before) and before[-1] not in ".!?:\n"


def set_text_start(details: dict[str, Any], text: str, published: datetime | None) -> None:
    """details["event"]["start"] (and all_day) from `text`, for an event that has none."""
    event = details.get("event")
    event = dict(event) if isinstance(event, dict) else {}
    if event.get("start"):
        return
    zone = event.get("timezone") if isinstance(event.get("timezone"), str) else ""
    language = details.get("language") if isinstance(details.get("language"), str) else ""
    found = read_start(text, published, zone or "UTC", language or "")
    if found is None:
        return
    event.update(start=found.start.isoformat(), all_day=found.all_day)
    details["event"] = event
