"""schema.org Event objects as event items: start and end in UTC, zone, venue, status."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from catalog.records import ParsedItem
from crawlers.normalise import (
    MAX_TITLE,
    absolute_http_url,
    canonical_url,
    clean_text,
    plausible_date,
)
from crawlers.schema_org.graph import Context, many, one
from crawlers.schema_org.places import places_of
from crawlers.schema_org.schema_types import types_of
from crawlers.schema_org.values import (
    body_and_summary,
    enum_member,
    identifier_of,
    instant,
    iso,
    item_url,
    text_of,
)

EVENT_STATUS = {
    "EventScheduled": "scheduled",
    "EventCancelled": "cancelled",
    "EventPostponed": "postponed",
    "EventRescheduled": "rescheduled",
    "EventMovedOnline": "moved-online",
}
ATTENDANCE = {
    "OfflineEventAttendanceMode": "in-person",
    "OnlineEventAttendanceMode": "online",
    "MixedEventAttendanceMode": "mixed",
}
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*$")


def read_event(node: dict[str, Any], context: Context) -> tuple[ParsedItem, str] | None:
    title = clean_text(text_of(node.get("name")), MAX_TITLE)
    if not title:
        return None
    ids = context.ids
    event, venue, location, details = _event_place(node, ids)
    event.update(_event_facts(node))
    if venue:
        event["venue"] = venue
    details["event"] = event
    url, elsewhere = item_url(node, context.page_url)
    apply_url = _offer_url(node, context) or elsewhere
    if apply_url and canonical_url(apply_url) != url:
        details["apply_url"] = canonical_url(apply_url)
    body, summary = body_and_summary(node.get("description"))
    item = ParsedItem(
        url=url,
        title=title,
        kind="event",
        summary=summary,
        body=body,
        organisation=clean_text(text_of(one(node.get("organizer"), ids))),
        location=location,
        published_at=plausible_date(instant(node.get("datePublished"))[0], context.now),
        details=details,
        status="cancelled" if event.get("status") == "cancelled" else "active",
    )
    return item, identifier_of(node.get("identifier"))


def _event_facts(node: dict[str, Any]) -> dict[str, Any]:
    """Start and end in UTC, the named time zone, status and attendance mode."""
    zone = event_zone(node)
    facts: dict[str, Any] = {}
    start, all_day = instant(node.get("startDate"), zone)
    end, end_is_date = instant(node.get("endDate"), zone)
    if start:
        facts["start"] = iso(start)
        facts["all_day"] = all_day
    if end:
        # A last day, as iCalendar does it: the event runs until the next midnight.
        facts["end"] = iso(end + timedelta(days=1) if end_is_date else end)
    if zone:
        facts["timezone"] = zone.key
    status = EVENT_STATUS.get(enum_member(node.get("eventStatus")))
    if status:
        facts["status"] = status
    attendance = ATTENDANCE.get(enum_member(node.get("eventAttendanceMode")))
    if attendance:
        facts["attendance"] = attendance
    return facts


def _event_place(
    node: dict[str, Any], ids: Mapping[str, dict[str, Any]]
) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    """The event facts the location implies, the venue's name, the location line and parts."""
    physical: list[Any] = []
    virtual: list[Any] = []
    for place in many(node.get("location"), ids):
        is_virtual = "VirtualLocation" in types_of(place) if isinstance(place, dict) else False
        is_link = isinstance(place, str) and place.strip().startswith(("http://", "https://"))
        (virtual if is_virtual or is_link else physical).append(place)
    location, parts = places_of(physical, ids)
    first = physical[0] if physical else None
    venue = clean_text(text_of(first.get("name"))) if isinstance(first, dict) else ""
    facts: dict[str, Any] = {"attendance": "online"} if virtual and not physical else {}
    return facts, venue, location or venue, dict(parts)


def event_zone(node: dict[str, Any]) -> ZoneInfo | None:
    """The IANA time zone the publisher names (Schedule.scheduleTimezone), if it is a real one."""
    schedule = node.get("eventSchedule")
    schedule = schedule[0] if isinstance(schedule, list) and schedule else schedule
    named = schedule.get("scheduleTimezone") if isinstance(schedule, dict) else None
    name = text_of(named or node.get("timezone")).strip()
    if not name or len(name) > 64 or not _ZONE_NAME.match(name):
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # unknown or malformed key
        return None


def _offer_url(node: dict[str, Any], context: Context) -> str:
    for offer in many(node.get("offers"), context.ids):
        if isinstance(offer, dict):
            url = absolute_http_url(context.page_url, text_of(offer.get("url")))
            if url:
                return url
    return ""
