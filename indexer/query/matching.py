"""What a search's hits must match for one viewer: the prepared request and query, and its
unranked form that counts and alerts replay."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from indexer.query.access import Viewer, access_filters, known_communities
from indexer.query.clock import NODE_CLOCK
from indexer.query.facets import facet_filters
from indexer.query.filters import all_filters, box_filters
from indexer.query.recency import with_recency
from indexer.query.request import SearchRequest
from indexer.query.text import text_query
from indexer.query_syntax import ParsedQuery, parse_query


@dataclass(frozen=True)
class Prepared:
    """A search request read for one viewer: its parsed box, its picked facets, its query."""

    request: SearchRequest
    parsed: ParsedQuery
    picked: dict[str, dict[str, Any]]
    text: dict[str, Any]  # the box's text as a query, before recency
    filters: list[dict[str, Any]]  # access, and the box's `in:` and `community:`
    clock: str  # what dates count from (clock_at)

    @property
    def query(self) -> dict[str, Any]:
        """What a hit must match and may be seen under, ranked with recency."""
        return {"bool": {"must": [with_recency(self.text, self.clock)], "filter": self.filters}}


def prepare(request: SearchRequest, viewer: Viewer, clock: str = NODE_CLOCK) -> Prepared:
    """`request` clamped and read for `viewer`: hidden communities made to match nothing."""
    request = request.clamped()
    request = replace(request, communities=known_communities(request.communities, viewer))
    parsed = parse_query(request.text)
    parsed = replace(parsed, communities=known_communities(parsed.communities, viewer))
    filters = [*access_filters(viewer), *box_filters(parsed)]
    picked = facet_filters(request, clock)
    text = text_query(parsed, relaxed=request.relaxed)
    return Prepared(request, parsed, picked, text, filters, clock)


@dataclass(frozen=True)
class Matching:
    """What a hit of a search must match, unranked, in two parts: `text`, the words of the box,
    the same query for everyone who typed them; `filters`, the viewer's access, the scope and the
    picked facets. A document matches when it matches `text` and every filter."""

    text: dict[str, Any]
    filters: tuple[dict[str, Any], ...]

    @property
    def query(self) -> dict[str, Any]:
        return {"bool": {"must": [self.text], "filter": list(self.filters)}}


def build_matching(request: SearchRequest, viewer: Viewer) -> Matching:
    """What a hit of `request` must match, for `viewer`: the search page's query (without the
    recency that only ranks) and the picked facets as filters. No page, sort, highlights or
    facet counts: what counts and alerts replay."""
    prepared = prepare(request, viewer)
    picked = [all_filters(list(prepared.picked.values()))] if prepared.picked else []
    return Matching(prepared.text, (*prepared.filters, *picked))


def build_count(request: SearchRequest, viewer: Viewer) -> dict[str, Any]:
    """How many hits `request` would have for `viewer`: the same query and filters, no page."""
    return {"query": build_matching(request, viewer).query}
