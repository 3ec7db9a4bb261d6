"""The keys items are stored under, and the digest that tells a changed copy from the same."""

from __future__ import annotations

import hashlib
import json

from catalog.models.sources import Source
from catalog.records import ParsedItem


def item_id_for(canonical_url: str) -> str:
    """A stable id: the same posting gets the same id in every community and every crawl."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:40]


def content_hash(parsed: ParsedItem) -> str:
    fields = [
        parsed.kind,
        parsed.title,
        parsed.summary,
        parsed.body,
        parsed.url,
        parsed.organisation,
        parsed.location,
        parsed.published_at.isoformat() if parsed.published_at else "",
        list(parsed.tags),
        parsed.details,
        parsed.status,
    ]
    encoded = json.dumps(fields, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def copy_key(source: Source, key: str) -> str:
    """The key a source's copy of an item is stored under.

    A public copy goes by its URL (or the publisher's id), so every public community carrying
    a posting shares one item. A member-only copy goes by its community as well: it is its own
    item, never merged with a public copy nor with another community's member-only copy, so a
    members' note, link or "seen in" never reaches an item others can read. The circle's
    members see both copies; everyone else sees the public one alone.
    """
    if source.access == "public":
        return key
    return f"members:{source.community_id}:{key}"
