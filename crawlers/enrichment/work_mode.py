"""One work mode (remote, hybrid, onsite) from the hint, the location or the title."""

from __future__ import annotations

import re
from typing import Any

WORK_MODES = ("remote", "hybrid", "onsite")
_NOT_REMOTE = re.compile(r"\b(?:not|no|non)[\s-]remote\b", re.IGNORECASE)
# With the words postings in French, German and Spanish use ("Lieu : Télétravail",
# "Ort: Homeoffice", "Ubicación: Remoto", "Modalidad: Híbrido").
_HYBRID = re.compile(
    r"\b(?:hybride?|h[ií]brid[oa]|t[ée]l[ée]travail\s+partiel|teletrabajo\s+parcial"
    r"|teilweise\s+home-?office)\b",
    re.IGNORECASE,
)
_REMOTE = re.compile(
    r"\b(?:telecommut\w*|remote\w*|work(?:ing)?\s+from\s+home|wfh|anywhere|virtual|distributed"
    r"|remot[oa]|t[ée]l[ée]travail|teletrabajo|home-?office)\b",
    re.IGNORECASE,
)
_ONSITE = re.compile(
    r"\b(?:on[\s-]?site|in[\s-]office|in[\s-]person|office[\s-]based|presencial|sur\s+site)\b",
    re.IGNORECASE,
)
_TITLE_SEGMENTS = re.compile(r"\s[-\u2013\u2014|/]\s|[,()\[\]]")
_MODE_SEGMENT = re.compile(
    r"(?:fully\s+|100%\s*)?(remote|hybrid|on-?site|wfh|work\s+from\s+home)"
    r"(?:\s+(?:ok|friendly|eligible|first|option|opportunity|position|role))?",
    re.IGNORECASE,
)


def work_mode(text: str) -> str:
    """The work mode `text` (a hint or a location) states: "remote", "hybrid", "onsite" or ""."""
    if _NOT_REMOTE.search(text):
        return "onsite"
    if _HYBRID.search(text):
        return "hybrid"
    if _REMOTE.search(text):
        return "remote"
    return "onsite" if _ONSITE.search(text) else ""


def _title_mode(title: str) -> str:
    """The mode a title states as a segment of its own: "Analyst (Remote)", "Remote - Analyst".

    "Remote Sensing Analyst" names a field, not a work mode, so a whole title never counts.
    """
    segments = [s.strip() for s in _TITLE_SEGMENTS.split(title) if s and s.strip()]
    if len(segments) < 2:
        return ""
    for segment in segments:
        if _MODE_SEGMENT.fullmatch(segment):
            return work_mode(segment)
    return ""


def set_work_mode(details: dict[str, Any], location: str, title: str) -> None:
    """details["remote"] from the explicit hint, else the location, else the title; or unset."""
    hint = details.get("remote")
    mode = work_mode(hint) if isinstance(hint, str) else ""
    mode = mode or work_mode(location) or _title_mode(title)
    if mode:
        details["remote"] = mode
    else:
        details.pop("remote", None)
