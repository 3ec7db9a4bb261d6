"""What each of a person's communities brings them: the figures behind the "My communities" page.

One Elasticsearch request answers it all, under the same access filter as every search.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from indexer.client import SearchUnavailable
from indexer.names import IndexNames
from indexer.query.access import Viewer, visibility_filter

KINDS = ("job", "event", "resource")
ONLY_HERE_SHOWN = 5


@dataclass(frozen=True)
class Listing:
    id: str
    title: str
    url: str
    kind: str


@dataclass(frozen=True)
class CommunityFigures:
    slug: str
    total: int
    new_this_week: dict[str, int]  # kind -> items first seen in the last seven days
    only_here: int  # items none of the person's other communities carried
    only_here_examples: tuple[Listing, ...]

    @property
    def new_total(self) -> int:
        return sum(self.new_this_week.values())

    @property
    def only_here_share(self) -> int:
        """Per cent of this community's items the person would miss without it."""
        return round(100 * self.only_here / self.total) if self.total else 0


def _community_aggs(slug: str, others: list[str], week_ago: datetime) -> dict[str, Any]:
    return {
        "filter": {"term": {"communities": slug}},
        "aggs": {
            "week": {
                "filter": {"range": {"first_seen": {"gte": week_ago.isoformat()}}},
                "aggs": {"kinds": {"terms": {"field": "kind", "size": len(KINDS)}}},
            },
            "only_here": {
                "filter": {"bool": {"must_not": [{"terms": {"communities": others}}]}},
                "aggs": {
                    "examples": {
                        "top_hits": {
                            "size": ONLY_HERE_SHOWN,
                            "sort": [{"first_seen": {"order": "desc"}}],
                            "_source": ["id", "title", "url", "kind"],
                        }
                    }
                },
            },
        },
    }


def portfolio_request(viewer: Viewer, now: datetime) -> dict[str, Any]:
    """The request body: each of the viewer's communities as a filter aggregation."""
    week_ago = now - timedelta(days=7)
    slugs = list(viewer.member_of)
    aggs = {
        f"c{number}": _community_aggs(slug, [s for s in slugs if s != slug], week_ago)
        for number, slug in enumerate(slugs)
    }
    query = {
        "bool": {
            "filter": [
                visibility_filter(viewer),
                {"term": {"status": "active"}},
                {"terms": {"communities": slugs}},
            ]
        }
    }
    return {"size": 0, "query": query, "aggs": aggs}


def portfolio(
    client: Elasticsearch, names: IndexNames, viewer: Viewer, now: datetime
) -> dict[str, CommunityFigures]:
    """Figures per community slug of `viewer.member_of` (all zero before anything is indexed)."""
    if not viewer.member_of:
        return {}
    try:
        body = client.search(index=names.alias, **portfolio_request(viewer, now)).body
    except NotFoundError:
        body = {"aggregations": {}}
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
    aggs = body.get("aggregations", {})
    return {
        slug: _figures(slug, aggs.get(f"c{number}", {}))
        for number, slug in enumerate(viewer.member_of)
    }


def _figures(slug: str, agg: dict[str, Any]) -> CommunityFigures:
    week = agg.get("week", {}).get("kinds", {}).get("buckets", [])
    only = agg.get("only_here", {})
    examples = only.get("examples", {}).get("hits", {}).get("hits", [])
    return CommunityFigures(
        slug=slug,
        total=int(agg.get("doc_count", 0)),
        new_this_week={b["key"]: int(b["doc_count"]) for b in week},
        only_here=int(only.get("doc_count", 0)),
        only_here_examples=tuple(
            Listing(
                id=h["_source"]["id"],
                title=h["_source"]["title"],
                url=h["_source"]["url"],
                kind=h["_source"]["kind"],
            )
            for h in examples
        ),
    )
