"""A job's location and work mode from labelled lines of its text, when its source gives none.

Feeds have no location element of their own, so many postings state it in a line of the
description: "Location: Remote", "Lieu : Paris", "Ort: München", "Ubicación: Madrid". Only a
labelled statement counts, never a place named in passing ("our Chicago office"): precision
first. A label at the start of a line takes what follows it (short, as a location is); a label
inside a sentence ("Card payments in Go. Location: Remote (US).") or a label alone on its line
with the value on the next only when location.names_a_location knows the value as a place or a
work mode. The place and work mode are then read from the location as from a posted one
(enrich: location.set_place, work_mode.set_work_mode); no second place parser here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawlers.enrichment.location import names_a_location
from crawlers.enrichment.work_mode import work_mode

# Labels naming a job's place, in the languages of our communities' postings.
LOCATION_LABELS = (
    *("location", "locations", "job location", "work location", "office location"),
    *("where", "place of work", "based in"),
    *("lieu", "lieu de travail", "lieu du poste", "localisation"),  # French
    *("ort", "arbeitsort", "standort", "einsatzort", "dienstort"),  # German
    *("ubicación", "ubicacion", "lugar de trabajo", "localización", "localidad"),  # Spanish
    *("sede", "sede di lavoro", "luogo di lavoro"),  # Italian
    *("locatie", "standplaats", "werklocatie"),  # Dutch
    *("localização", "local de trabalho"),  # Portuguese
)
# Words that also start prose ("Where: ...", "Sede: ..."): never read inside a sentence.
_START_OF_LINE_ONLY = frozenset({"where", "based in", "sede", "ort", "localidad", "locations"})
# Labels naming a work mode: their value is the hint work_mode reads ("Workplace type: Hybrid").
MODE_LABELS = (
    *("work mode", "workplace", "workplace type", "work arrangement", "work model"),
    *("remote work", "mode de travail", "modalité de travail", "arbeitsmodell"),
    *("modalidad", "modalidad de trabajo", "modalità di lavoro"),
)
MAX_VALUE = 100  # characters of a location after its label; more is prose
MAX_WORDS = 10
MAX_TEXT = 20_000  # characters of a summary read, as of a body


def _alternatives(labels: tuple[str, ...]) -> str:
    ordered = sorted(set(labels), key=len, reverse=True)
    return "|".join(re.escape(label).replace(r"\ ", r"\s+") for label in ordered)


_COLON = r"\s*[:\uff1a]"
_LOCATION_LINE = re.compile(rf"({_alternatives(LOCATION_LABELS)}){_COLON}\s*(.+)", re.I)
_MODE_LINE = re.compile(rf"({_alternatives(MODE_LABELS)}){_COLON}\s*(.+)", re.I)
_LABEL_ALONE = re.compile(rf"({_alternatives(LOCATION_LABELS)})(?:{_COLON})?", re.I)
# A label inside a line: after the line's start or a sentence's end, never inside a phrase.
_LABEL_INSIDE = re.compile(
    rf"(?:^|(?<=[.!?;|\u2022\u00b7])\s+|\s{{2,}})({_alternatives(LOCATION_LABELS)}){_COLON}\s*",
    re.I,
)
# Where a stated location may end inside a sentence: a full stop, a semicolon, a bullet.
_VALUE_END = re.compile(r"[.!?]?\s*(?:[;|\u2022\u00b7]|$)|[.!?](?=\s)")
_TRAILING = " \t.,;:!?\u2022\u00b7|"


@dataclass(frozen=True)
class TextPlace:
    """What labelled lines state: the location as written, and a work-mode hint."""

    location: str = ""
    mode: str = ""


def _label(text: str) -> str:
    return " ".join(text.lower().split())


def _plausible(value: str) -> bool:
    """A value short enough to be a location rather than a sentence about one."""
    return len(value) <= MAX_VALUE and len(value.split()) <= MAX_WORDS


def _line_location(lines: list[str]) -> str:
    """The first "Label: value" line's value, or a lone label's next line when it is a place."""
    for index, line in enumerate(lines):
        if match := _LOCATION_LINE.fullmatch(line):
            value = match.group(2).strip(_TRAILING)
            if value and _plausible(value):
                return value
        elif _LABEL_ALONE.fullmatch(line) and index + 1 < len(lines):
            value = lines[index + 1].strip(_TRAILING)
            if _plausible(value) and names_a_location(value):
                return value
    return ""


def _inline_location(line: str) -> str:
    """A location a label states inside a sentence, when the place parser knows it."""
    for match in _LABEL_INSIDE.finditer(line):
        if _label(match.group(1)) in _START_OF_LINE_ONLY and match.start() > 0:
            continue
        rest = line[match.end() : match.end() + 2 * MAX_VALUE]
        # The longest stretch up to a sentence's end that names a place ("St. Louis, MO").
        ends = [m.start() for m in _VALUE_END.finditer(rest)]
        for end in sorted(set(ends), reverse=True):
            value = rest[:end].strip(_TRAILING)
            if value and _plausible(value) and names_a_location(value):
                return value
    return ""


def _mode_hint(lines: list[str]) -> str:
    for line in lines:
        if (match := _MODE_LINE.fullmatch(line)) and work_mode(match.group(2)):
            value = match.group(2).strip(_TRAILING)
            if _plausible(value):
                return value
    return ""


def text_place(lines: list[str], summary: str = "") -> TextPlace:
    """The location and work-mode hint labelled lines of a text state (`lines`: its first
    lines, each ≤ 300 characters read); the summary is read too when the lines state none."""
    lines = [line for line in lines if len(line) <= 300]
    location = _line_location(lines)
    if not location:
        texts = [*lines, summary[:MAX_TEXT]] if summary else lines
        location = next((found for text in texts if (found := _inline_location(text))), "")
    return TextPlace(location, _mode_hint(lines))
