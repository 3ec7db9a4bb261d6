"""Times of day written in event texts: "6pm", "6:30 p.m.", "18:00", "18h30", "19.30 Uhr",
ranges ("6-8pm", "18h-20h"), and the zone a text names ("7pm CET", "13:00 ET").

A time counts only with a sign it is one: a meridiem, a colon, "h" or "Uhr". A bare "6:30" in
English (no am or pm) takes the meridiem the text's other times give ("doors 6:30, talks 7pm"),
and stays unknown when none does: a wrong hour is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from crawlers.enrichment.text_date_words import END_WORDS, RANGE_WORDS

_MERIDIEM = r"(?P<{0}>[ap])\.?\s?m\b\.?"
_CLOCK = (
    r"(?P<{0}h>[01]?\d|2[0-3])"
    r"(?:(?P<{0}sep>[:.h]|\s?h\s?)(?P<{0}m>[0-5]\d)?)?"
    r"(?:\s?(?P<{0}uhr>uhr\b|hrs?\b\.?|hs\b\.?|h\b)|\s?" + _MERIDIEM.format("{0}mer") + ")?"
)
_TIME = re.compile(
    r"(?<![\w:./-])" + _CLOCK.format("a") + r"(?:" + RANGE_WORDS + _CLOCK.format("b") + r")?"
    r"(?![\w/]|[.:]\d)(?:\s?\(?(?P<zone>(?-i:[A-Z]{2,4}\b)|[a-z]+ time\b))?",
    re.IGNORECASE,
)
_NOON = re.compile(r"\b(?:noon|midday|midi|mittag|mediodía)\b", re.IGNORECASE)

# Zones a text may name after a time; fixed offsets where the abbreviation says which.
ZONES: dict[str, tzinfo] = {
    "UTC": UTC,
    "GMT": UTC,
    "BST": timezone(timedelta(hours=1)),
    "CET": timezone(timedelta(hours=1)),
    "CEST": timezone(timedelta(hours=2)),
    "MEZ": timezone(timedelta(hours=1)),
    "MESZ": timezone(timedelta(hours=2)),
    "EST": timezone(timedelta(hours=-5)),
    "EDT": timezone(timedelta(hours=-4)),
    "CST": timezone(timedelta(hours=-6)),
    "CDT": timezone(timedelta(hours=-5)),
    "MST": timezone(timedelta(hours=-7)),
    "MDT": timezone(timedelta(hours=-6)),
    "PST": timezone(timedelta(hours=-8)),
    "PDT": timezone(timedelta(hours=-7)),
    "ET": ZoneInfo("America/New_York"),
    "CT": ZoneInfo("America/Chicago"),
    "MT": ZoneInfo("America/Denver"),
    "PT": ZoneInfo("America/Los_Angeles"),
    "UK TIME": ZoneInfo("Europe/London"),
    "LONDON TIME": ZoneInfo("Europe/London"),
    "PARIS TIME": ZoneInfo("Europe/Paris"),
    "BERLIN TIME": ZoneInfo("Europe/Berlin"),
    "MADRID TIME": ZoneInfo("Europe/Madrid"),
    "EASTERN TIME": ZoneInfo("America/New_York"),
    "PACIFIC TIME": ZoneInfo("America/Los_Angeles"),
}


@dataclass(frozen=True)
class TextTime:
    """A time of day the text gives as a start; `meridiem` "a", "p" or "" (24 h or unknown)."""

    hour: int
    minute: int
    meridiem: str
    twelve_hour: bool  # written so that it may be 12 h ("6:30", "6pm"), not "18:30" or "18h"
    zone: tzinfo | None


def text_times(text: str) -> list[TextTime]:
    """The start times the text gives, in order; ends of ranges and deadlines left out."""
    found: list[TextTime] = []
    for match in _TIME.finditer(text):
        if END_WORDS.search(text[max(0, match.start() - 16) : match.start()]):
            continue
        start = _clock(match, "a", match.group("bmer") if match.group("bh") else None)
        if start is not None:
            found.append(start)
    found.extend(TextTime(12, 0, "", False, None) for _ in _NOON.finditer(text))
    return found


def _clock(match: re.Match[str], name: str, end_meridiem: str | None) -> TextTime | None:
    hour, minute = int(match.group(f"{name}h")), int(match.group(f"{name}m") or 0)
    sep, meridiem = match.group(f"{name}sep"), (match.group(f"{name}mer") or "").lower()
    uhr = bool(match.group(f"{name}uhr") or (match.group("bh") and match.group("buhr")))
    if not (meridiem or uhr or end_meridiem or (sep and sep.strip() in (":", "h"))):
        return None  # "7" or "7.30" alone: a number, not a time
    if sep and sep.strip() in ":." and match.group(f"{name}m") is None:
        return None  # "2:" ends a phrase ("January 2: ..."), it is no time
    if sep and sep.strip() == "." and not (uhr or meridiem or end_meridiem):
        return None
    if sep and sep.strip() == "h" and match.group(f"{name}m") is None and meridiem:
        return None
    if not meridiem and end_meridiem:
        meridiem = _start_meridiem(hour, match, end_meridiem.lower())
    if meridiem and not 1 <= hour <= 12:
        return None
    written = match.group(f"{name}h")
    # "10:00-16:00": a range ending past noon without a meridiem is on a 24-hour clock.
    ends_24h = bool(match.group("bh")) and not end_meridiem and int(match.group("bh")) > 12
    twelve = bool(meridiem) or (
        sep is not None
        and sep.strip() == ":"
        and 1 <= hour <= 12
        and not written.startswith("0")
        and not ends_24h
    )
    return TextTime(hour, minute, meridiem, twelve, _zone(match.group("zone")))


def _start_meridiem(hour: int, match: re.Match[str], end_meridiem: str) -> str:
    """The meridiem of a range's start from its end's: "6-8pm" is 6pm, "11-1pm" is 11am."""
    end_hour = int(match.group("bh")) % 12
    if end_meridiem == "p" and hour % 12 > end_hour:
        return "a"
    return end_meridiem


def _zone(name: str | None) -> tzinfo | None:
    return ZONES.get(" ".join(name.upper().split())) if name else None


def resolved_times(times: list[TextTime], english: bool) -> list[tuple[time, tzinfo | None]]:
    """The times as clock times: 12 h ones with their meridiem, a bare English "6:30" with the
    meridiem of the text's other times when they agree on one, as 24 h when the text's other
    times are ("9:30 to 17:00"), else left out."""
    meridiems = {t.meridiem for t in times if t.meridiem}
    if not meridiems and any(not t.twelve_hour for t in times):
        english = False  # "9:30 to 17:00": the text keeps a 24-hour clock
    resolved: list[tuple[time, tzinfo | None]] = []
    for t in times:
        meridiem = t.meridiem
        if not meridiem and t.twelve_hour and english:
            if len(meridiems) != 1 or t.hour == 12:
                continue
            meridiem = next(iter(meridiems))
        hour = t.hour % 12 + (12 if meridiem == "p" else 0) if meridiem else t.hour
        resolved.append((time(hour, t.minute), t.zone))
    return resolved
