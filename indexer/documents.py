"""Turning a catalog item into the document the index holds."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from catalog.changes import ChangedItem, SightingRow
from catalog.organisation_overrides import OrganisationResolver
from crawlers.normalise import body_text

PUBLIC = "public"
MAX_INDEXED_TEXT = 30_000


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def visibility(sightings: list[SightingRow]) -> list[str]:
    """["public"] when any public source carried the item, else the communities that may see it."""
    if any(s.access == PUBLIC for s in sightings):
        return [PUBLIC]
    return sorted({s.community_slug for s in sightings})


def seen_in(sightings: list[SightingRow]) -> list[dict[str, str]]:
    """Each community that carried the item, with when it first did, earliest first."""
    first: dict[str, tuple[datetime, str]] = {}
    for sighting in sightings:
        slug, when = sighting.community_slug, sighting.first_seen
        if slug not in first or when < first[slug][0]:
            first[slug] = (when, sighting.community_name)
    ordered = sorted(first.items(), key=lambda entry: entry[1][0])
    return [
        {"slug": slug, "name": name, "first_seen": when.isoformat()}
        for slug, (when, name) in ordered
    ]


# Keys of Item.details copied into the document, with the document field each goes to.
DETAIL_FIELDS = (
    "apply_url",
    "city",
    "region",
    "country",
    "remote",
    "cluster_id",
    "language",
    "employment_type",
    "valid_through",
    "author",
    "content_type",
)
DETAIL_OBJECTS = {
    "salary": ("min", "max", "currency", "period", "annual_min", "annual_max"),
    "event": ("start", "end", "timezone", "all_day", "attendance", "venue", "status"),
}


def detail_fields(details: dict[str, Any]) -> dict[str, Any]:
    """The known, non-empty details; anything else stays in the catalog only."""
    fields = {k: details[k] for k in DETAIL_FIELDS if details.get(k) not in (None, "", [])}
    for name, keys in DETAIL_OBJECTS.items():
        value = details.get(name)
        if isinstance(value, dict):
            known = {k: value[k] for k in keys if value.get(k) not in (None, "")}
            if known:
                fields[name] = known
    return fields


def _series(item: Any) -> str:
    """The recurring event the item is an occurrence of, else the item itself."""
    event = (item["details"] or {}).get("event")
    series = event.get("series") if isinstance(event, dict) else None
    if not isinstance(series, str) or not series:
        return str(item["id"])
    # A short, fixed-length value whatever the calendar's URL and UID: keywords are capped.
    return "series:" + hashlib.sha256(series.encode("utf-8", "replace")).hexdigest()[:32]


def item_document(
    changed: ChangedItem, indexed_at: datetime, resolver: OrganisationResolver | None = None
) -> dict[str, Any]:
    """The item as the index holds it; `resolver` applies the admins' organisation merges."""
    item, sightings = changed.row, changed.sightings
    communities = seen_in(sightings)
    return {
        **detail_fields(item["details"] or {}),
        "id": item["id"],
        "kind": item["kind"],
        "title": item["title"],
        "summary": item["summary"],
        "text": body_text(item["body"], MAX_INDEXED_TEXT),
        "body": item["body"],
        "url": item["url"],
        "organisation": item["organisation"],
        # As stored (catalog/items.py); computed for a row from before the column, or a bench's.
        "organisation_key": item.get("organisation_key")
        or (resolver or OrganisationResolver()).key(item["organisation"]),
        "location": item["location"],
        "series": _series(item),
        "communities": [c["slug"] for c in communities],
        "seen_in": communities,
        "visibility": visibility(sightings),
        "source_ids": sorted(str(s.source_id) for s in sightings),
        "status": item["status"],
        "tags": list(item["tags"] or []),
        "published_at": _iso(item["published_at"]),
        "first_seen": _iso(item["first_seen"]),
        "changed_at": _iso(item["changed_at"]),
        "indexed_at": indexed_at.isoformat(),
        "change_seq": item["change_seq"],
        "suggest": {"input": [item["title"][:200]]},
    }
