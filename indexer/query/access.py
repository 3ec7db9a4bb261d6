"""Who is searching, and the filters that limit every query to what that viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indexer.documents import PUBLIC


@dataclass(frozen=True)
class Viewer:
    """Who is searching: decides which member-only items may appear. Anonymous by default."""

    member_of: tuple[str, ...] = ()
    # Private communities the viewer is not in: treated as if they did not exist (never
    # named under "seen in", never counted in a facet, a filter on them finds nothing).
    hidden: tuple[str, ...] = ()


NO_COMMUNITY = "-"  # no slug looks like this, so a filter on it matches nothing


def known_communities(slugs: tuple[str, ...], viewer: Viewer) -> tuple[str, ...]:
    """`slugs` with the communities hidden from the viewer replaced by one that matches nothing."""
    return tuple(NO_COMMUNITY if slug in viewer.hidden else slug for slug in slugs)


def visibility_filter(viewer: Viewer) -> dict[str, Any]:
    """The one place that decides what a viewer may see, applied inside every query."""
    return {"terms": {"visibility": [PUBLIC, *viewer.member_of]}}


def access_filters(viewer: Viewer) -> list[dict[str, Any]]:
    """What every search of live listings is limited to: visible to the viewer, and active."""
    return [visibility_filter(viewer), {"term": {"status": "active"}}]
