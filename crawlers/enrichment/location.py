"""City, region and country from a posted location, work-mode words set aside."""

from __future__ import annotations

import re
from typing import Any

from crawlers.places import Place, country_code, split_location

_MODE_WORDS = (
    r"(?:fully\s+|100%\s*)?"
    r"(?:remote|hybrid|on-?site|anywhere|work(?:ing)?\s+from\s+home|wfh|telecommute"
    r"|remot[oa]|t[ée]l[ée]travail|teletrabajo|home-?office|hybride|h[ií]brid[oa]|presencial)"
    r"(?:\s+(?:in|within|from|only|ok|friendly|eligible|first))?"
)
_MODE_IN_LOCATION = re.compile(rf"-?\b{_MODE_WORDS}\b-?", re.IGNORECASE)
_SEPARATORS = re.compile(r"[()\[\]/|;\u2013\u2014]|\s-\s|\bor\b")


def location_place(location: str) -> Place:
    """The place a posted location names once work-mode words are set aside.

    "Remote - US" is the US, "Chicago, IL (Hybrid)" is Chicago, "Anywhere" is no place.
    """
    return split_location(_SEPARATORS.sub(",", _MODE_IN_LOCATION.sub(",", location[:300])))


def names_a_location(text: str) -> bool:
    """True when `text` is nothing but a place and/or a work mode ("Denver, CO", "Remote").

    Used on title segments, so "Remote Sensing" or "Finance" are not locations.
    """
    text = text[:300]
    without_modes = _MODE_IN_LOCATION.sub(",", text)
    rest = _SEPARATORS.sub(",", without_modes).strip(" ,")
    if not rest:
        return without_modes != text
    return split_location(rest) != Place()


def set_place(details: dict[str, Any], location: str) -> None:
    """City, region and country from the posted location, unless the source stated them."""
    if isinstance(details.get("country"), str):
        details["country"] = country_code(details["country"]) or details["country"]
    if any(details.get(key) for key in ("city", "region", "country")) or not location:
        return
    place = location_place(location)
    for key in ("city", "region", "country"):
        if value := getattr(place, key):
            details[key] = value
