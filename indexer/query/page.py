"""A search page's two request bodies: the hits (ranked, highlighted, paged) and the facets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from indexer.query.access import Viewer
from indexer.query.clock import clock_at
from indexer.query.facets import facet_aggregations
from indexer.query.filters import all_filters
from indexer.query.highlight import highlight
from indexer.query.items import HIT_SOURCE
from indexer.query.matching import prepare
from indexer.query.paging import hit_sort, set_page
from indexer.query.request import SearchRequest
from indexer.query.suggestions import did_you_mean


@dataclass(frozen=True)
class PageBodies:
    """A search page's two requests, sent together (msearch): the hits, and the facet counts.

    The facet counts ask for no hits, score nothing and read no clock, so Elasticsearch's shard
    request cache answers a repeated one (the browse page, a popular search) until the index
    next changes; the hits' body carries the highlights, the sort and the page."""

    hits: dict[str, Any]
    facets: dict[str, Any]


def build_search(request: SearchRequest, viewer: Viewer, now: datetime | None = None) -> PageBodies:
    """The Elasticsearch request bodies for a search page (without `index` when a PIT is set).
    With `now`, dates are anchored at its hour rather than read from the node's clock."""
    prepared = prepare(request, viewer, clock_at(now))
    request, parsed, picked = prepared.request, prepared.parsed, prepared.picked
    hits: dict[str, Any] = {
        "query": prepared.query,
        "size": request.size,
        "sort": hit_sort(request, not parsed.is_empty),
        "track_total_hits": True,
        "_source": list(HIT_SOURCE),
        "highlight": highlight(prepared.text),
    }
    if picked:
        hits["post_filter"] = all_filters(list(picked.values()))
    if parsed.free_text:
        hits["suggest"] = did_you_mean(parsed.free_text[:200])
    set_page(request, hits)
    facets: dict[str, Any] = {
        "query": {"bool": {"filter": [prepared.text, *prepared.filters]}},
        "size": 0,
        "track_total_hits": False,
        "aggs": facet_aggregations(picked, viewer, prepared.clock),
    }
    if request.pit_id:
        facets["pit"] = hits["pit"]
    return PageBodies(hits, facets)
