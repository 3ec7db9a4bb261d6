"""Bodies that fetch items rather than search: live items by id, one item by id, an
organisation's other listings; and the stored fields a result card is made of."""

from __future__ import annotations

from typing import Any

from indexer.query.access import Viewer, access_filters, visibility_filter
from indexer.query_syntax import MAX_CLAUSES

# The stored fields a result card is made of (indexer.hits.hit_from_document reads these and
# no others): a hit's `_source` is cut to them, so Elasticsearch sends, and the app parses, no
# dates, ids or location parts it would not show.
HIT_SOURCE = (
    *("id", "kind", "title", "summary", "url", "apply_url", "status"),
    *("organisation", "organisation_key", "location", "remote", "employment_type"),
    *("salary", "author"),
    *("published_at", "event", "series", "seen_in.slug", "seen_in.name"),
)


def build_live_items(item_ids: list[str], viewer: Viewer) -> dict[str, Any]:
    """The live items among `item_ids` that the viewer may see, as result cards."""
    return {
        "query": {"bool": {"filter": [*access_filters(viewer), {"ids": {"values": item_ids}}]}},
        "size": len(item_ids),
        "_source": list(HIT_SOURCE),
    }


def build_get_item(item_id: str, viewer: Viewer) -> dict[str, Any]:
    """One document by id, only when the viewer may see it (any status: an expired job's
    page still says what it was)."""
    return {
        "query": {"bool": {"filter": [visibility_filter(viewer), {"ids": {"values": [item_id]}}]}},
        "size": 1,
        "_source": {"excludes": ["text", "suggest"]},
    }


def build_more_from_organisation(
    organisation: str, viewer: Viewer, exclude_id: str = "", size: int = 5
) -> dict[str, Any]:
    """The organisation's other live listings the viewer may see, newest first."""
    return {
        "query": {
            "bool": {
                "filter": [*access_filters(viewer), {"term": {"organisation": organisation}}],
                "must_not": [{"ids": {"values": [exclude_id]}}] if exclude_id else [],
            }
        },
        "size": min(max(size, 1), MAX_CLAUSES),
        "sort": [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
        "_source": list(HIT_SOURCE),
    }
