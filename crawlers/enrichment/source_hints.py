"""What a source's options say of its events' words: the zone and language to read them in."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from catalog.records import ParsedItem


def with_source_zone(items: list[ParsedItem], options: dict[str, Any]) -> list[ParsedItem]:
    """Events given the source's `timezone` (where they state none) and `language` options:
    details["event"]["timezone"] and details["language"], read by the event-text reader."""
    zone, language = options.get("timezone"), options.get("language")
    if not isinstance(zone, str) and not isinstance(language, str):
        return items
    return [_hinted(item, zone, language) if item.kind == "event" else item for item in items]


def _hinted(item: ParsedItem, zone: Any, language: Any) -> ParsedItem:
    details = dict(item.details)
    event = dict(details["event"]) if isinstance(details.get("event"), dict) else {}
    if isinstance(zone, str) and zone and not event.get("timezone"):
        event["timezone"] = zone
        details["event"] = event
    if isinstance(language, str) and language:  # the operator's word beats the feed's
        details["language"] = language
    return replace(item, details=details)
