"""An event with a repeating eventSchedule as one item per occurrence, each keyed stably."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from catalog.records import ParsedItem
from crawlers.ical.properties import to_utc
from crawlers.schema_org.events import event_zone
from crawlers.schema_org.graph import Context
from crawlers.schema_org.schedules import Occurrence, schedule_occurrences, single_occurrence


def series_items(
    item: ParsedItem, node: dict[str, Any], context: Context, warnings: list[str]
) -> list[ParsedItem]:
    """The item, or one per occurrence of its schedule from a day back to the horizon ahead:
    the series' title, address and text, each its own start, end and key."""
    if item.kind != "event" or not node.get("eventSchedule"):
        return [item]
    zone = event_zone(node)
    occurrences = schedule_occurrences(node, zone, context, warnings)
    if occurrences is None:
        single = single_occurrence(node, zone, context)
        started = "start" in item.details.get("event", {})
        return [item if started or single is None else _at(item, single, zone, keyed=False)]
    if not occurrences:
        warnings.append(
            f"event {item.title[:80]!r} repeats but not in the next {context.horizon_days} days"
        )
    return [_at(item, occurrence, zone, keyed=True) for occurrence in occurrences]


def _at(item: ParsedItem, occurrence: Occurrence, zone: ZoneInfo | None, keyed: bool) -> ParsedItem:
    """The item at one occurrence; keyed as a calendar's occurrences are: series, then UTC start."""
    event = {key: value for key, value in item.details.get("event", {}).items() if key != "end"}
    event["start"] = to_utc(occurrence.start).isoformat()
    event["all_day"] = not isinstance(occurrence.start, datetime)
    if occurrence.end is not None:
        event["end"] = to_utc(occurrence.end).isoformat()
    name = _zone_name(occurrence.start, zone)
    if name:
        event["timezone"] = name
    details = {**item.details, "event": event}
    if not keyed:
        return replace(item, details=details)
    series = item.key or item.url
    separator = "/" if "#" in series else "#"
    event["series"] = series
    return replace(item, details=details, key=f"{series}{separator}{event['start']}")


def _zone_name(start: date, zone: ZoneInfo | None) -> str:
    if zone is not None:
        return zone.key
    if isinstance(start, datetime) and isinstance(start.tzinfo, ZoneInfo):
        return start.tzinfo.key
    return ""
