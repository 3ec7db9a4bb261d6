"""The words event texts name days, months and times with, per language.

Month and weekday names come from dateparser's locale data (the library's own tables, kept up
to date there); the few relative words ("next", "tomorrow", "doors") are ours, for the
languages the event-text reader supports. Two-letter abbreviations ("Do", "je") are left out:
they are ordinary words too often to mark a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from dateparser.languages.loader import default_loader

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Relative day words -> days after the reference day.
DAY_WORDS = {
    "en": {"today": 0, "tonight": 0, "this evening": 0, "tomorrow": 1},
    "fr": {"aujourd'hui": 0, "aujourd\u2019hui": 0, "ce soir": 0, "demain": 1},
    "de": {"heute": 0, "heute abend": 0, "morgen": 1},
    "es": {"hoy": 0, "esta noche": 0, "esta tarde": 0, "mañana": 1},
}
# Words before a weekday ("next Thursday"), and after it ("jeudi prochain").
NEXT_BEFORE = {
    "en": ("next", "this", "this coming", "coming"),
    "fr": ("ce",),
    "de": ("nächsten", "nächster", "kommenden", "kommender", "diesen", "am kommenden"),
    "es": ("el próximo", "este", "el", "próximo"),
}
NEXT_AFTER = {"en": (), "fr": ("prochain",), "de": (), "es": ("próximo", "que viene")}
# Words that make a weekday a series or a past day: the text then names no single start.
NOT_ONE_DAY = {
    "en": ("every", "each", "last", "past"),
    "fr": ("chaque", "tous les", "dernier"),
    "de": ("jeden", "letzten", "letzter", "vergangenen", "immer"),
    "es": ("cada", "todos los", "pasado", "el pasado"),
}
# Words between the two ends of a range: "10-12 December", "10 au 12", "18 bis 20 Uhr".
RANGE_WORDS = r"(?:\s*[-\u2013\u2014]\s*|\s+(?:to|till|until|through|au|à|bis|al|a|y|-)\s+)"
# A time after these words is an end or a deadline, never the start.
END_WORDS = re.compile(
    r"\b(?:until|till|'til|ends?|ending|close[sd]?|closing|by|before|deadline|"
    r"jusqu['\u2019]?à|avant|bis|spätestens|hasta|antes\s+de)\W{0,3}(?:at\s+|um\s+|à\s+)?$",
    re.IGNORECASE,
)
SUPPORTED = ("en", "fr", "de", "es")


@dataclass(frozen=True)
class LanguageWords:
    """One language's month and weekday names as regular expressions, and their numbers."""

    code: str
    months: dict[str, int]
    weekdays: dict[str, int]
    weekdays_full: dict[str, int]

    def month_pattern(self) -> str:
        return _alternation(self.months)

    def weekday_pattern(self) -> str:
        return _alternation(self.weekdays)

    def full_weekday_pattern(self) -> str:
        return _alternation(self.weekdays_full)


def _alternation(names: dict[str, int]) -> str:
    ordered = sorted(names, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(name) for name in ordered) + r")\.?"


@cache
def language_words(code: str) -> LanguageWords:
    """The names of `code` (one of SUPPORTED) from dateparser's locale."""
    info = default_loader.get_locale(code).info
    months = _names(info, MONTHS)
    weekdays = _names(info, WEEKDAYS)
    full = {name: day for name, day in weekdays.items() if len(name) >= 5}
    return LanguageWords(code, months, weekdays, full)


def _names(info: dict[str, object], keys: tuple[str, ...]) -> dict[str, int]:
    names: dict[str, int] = {}
    for number, key in enumerate(keys):
        values = info.get(key)
        for name in values if isinstance(values, list) else []:
            if isinstance(name, str) and len(name) >= 3:
                names[name.lower()] = number
    return names


def languages_for(code: str) -> tuple[str, ...]:
    """The languages to read a text in: its own when supported, else every supported one."""
    primary = re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()
    return (primary,) if primary in SUPPORTED else SUPPORTED
