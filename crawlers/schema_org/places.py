"""schema.org places (Place, PostalAddress, text) as one location line and its parts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawlers.normalise import clean_text
from crawlers.schema_org.graph import many, one
from crawlers.schema_org.values import text_of


def _address_parts(address: Any) -> dict[str, str]:
    if not isinstance(address, dict):
        return {}
    parts = {
        "city": clean_text(text_of(address.get("addressLocality"))),
        "region": clean_text(text_of(address.get("addressRegion"))),
        "country": clean_text(text_of(address.get("addressCountry"))),
    }
    return {key: value for key, value in parts.items() if value}


def _place(place: Any, ids: Mapping[str, dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """A place as one line ("City, Region, Country") and the parts it states separately."""
    if isinstance(place, str):
        return clean_text(place), {}
    if not isinstance(place, dict):
        return "", {}
    address = one(place.get("address"), ids)
    if isinstance(address, str):
        return clean_text(address), {}
    parts = _address_parts(address)
    return ", ".join(parts.values()) or clean_text(text_of(place.get("name"))), parts


def places_of(value: Any, ids: Mapping[str, dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """All places as one line ("A; B"), and the parts of the first that states any."""
    lines: list[str] = []
    first: dict[str, str] = {}
    for place in many(value, ids):
        line, parts = _place(place, ids)
        if line and line not in lines:
            lines.append(line)
        first = first or parts
    return clean_text("; ".join(lines)), first
