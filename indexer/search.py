"""Running a search page's search: hits and facet counts in one msearch, and "did you mean"."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from indexer.client import SearchUnavailable, search_failure
from indexer.cursors import Cursor
from indexer.facet_values import FacetMap, read_facets
from indexer.hits import Hit, hit_from_document
from indexer.names import IndexNames
from indexer.query.access import Viewer, known_communities
from indexer.query.matching import build_count
from indexer.query.page import PageBodies, build_search
from indexer.query.request import SearchRequest
from indexer.query.text import can_relax
from indexer.query_syntax import parse_query

SUGGEST_BELOW = 3  # "did you mean" is offered when a search finds fewer hits than this


@dataclass(frozen=True)
class SearchResults:
    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    took_ms: int
    community_counts: tuple[tuple[str, int], ...]
    facets: FacetMap = field(default_factory=dict)
    suggestion: str = ""  # "did you mean", when the search found little
    next_cursor: Cursor | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.size))


class _NothingIndexed(Exception):
    """The index does not exist yet: no sync has run."""


def _run(
    client: Elasticsearch, names: IndexNames, bodies: PageBodies
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The hits and the facet counts in one msearch; a body with a point in time names no index
    (Elasticsearch refuses both)."""
    lines: list[dict[str, Any]] = []
    for body in (bodies.hits, bodies.facets):
        lines.extend(({} if "pit" in body else {"index": names.alias}, body))
    responses = client.msearch(searches=lines).body["responses"]
    for response in responses:
        error = response.get("error")
        if isinstance(error, dict) and error.get("type") == "index_not_found_exception":
            raise _NothingIndexed
        if error:
            raise search_failure(response.get("status"), str(error))
    return responses[0], responses[1]


def search(
    client: Elasticsearch, names: IndexNames, request: SearchRequest, viewer: Viewer
) -> SearchResults:
    """One page of a search. When no listing has every word of the box, the page shows those
    with the most of them instead, and its request says `relaxed` (the page says so too)."""
    request = request.clamped()
    request = replace(request, communities=known_communities(request.communities, viewer))
    try:
        body, counts = _search_once(client, names, request, viewer)
    except _NothingIndexed:
        return SearchResults(request, 0, (), 0, (), facets={})  # nothing indexed yet
    total = int(body["hits"]["total"]["value"])
    suggestion = _suggestion(client, names, request, viewer, body, total)
    if total == 0 and not request.relaxed and can_relax(parse_query(request.text)):
        loose = replace(request, relaxed=True)
        loose_body, loose_counts = _search_once(client, names, loose, viewer)
        if int(loose_body["hits"]["total"]["value"]):
            request, body, counts = loose, loose_body, loose_counts
            total = int(body["hits"]["total"]["value"])
    raw_hits = body["hits"]["hits"]
    facets = read_facets(counts.get("aggregations", {}), request)
    return SearchResults(
        request=request,
        total=total,
        hits=tuple(hit_from_document(raw, viewer.hidden) for raw in raw_hits),
        took_ms=max(int(body.get("took", 0)), int(counts.get("took", 0))),
        community_counts=tuple((v.value, v.count) for v in facets.get("community", ())),
        facets=facets,
        suggestion=suggestion,
        next_cursor=_next_cursor(request, body, raw_hits),
    )


def _search_once(
    client: Elasticsearch, names: IndexNames, request: SearchRequest, viewer: Viewer
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The hits and facet counts of `request`, Elasticsearch's failures in Mutual's words."""
    try:
        return _run(client, names, build_search(request, viewer, datetime.now(UTC)))
    except NotFoundError as exc:
        raise _NothingIndexed from exc
    except ApiError as exc:
        raise search_failure(exc.meta.status, str(exc)) from exc
    except TransportError as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc


def _next_cursor(
    request: SearchRequest, body: dict[str, Any], raw_hits: list[dict[str, Any]]
) -> Cursor | None:
    if len(raw_hits) < request.size or "sort" not in raw_hits[-1]:
        return None
    return Cursor(tuple(raw_hits[-1]["sort"]), str(body.get("pit_id") or request.pit_id))


def _suggestion(  # noqa: PLR0917 - private, called once with the search's own values
    client: Elasticsearch,
    names: IndexNames,
    request: SearchRequest,
    viewer: Viewer,
    body: dict[str, Any],
    total: int,
) -> str:
    """A respelling of the typed words, offered only if it finds more for this viewer."""
    if total >= SUGGEST_BELOW or request.search_after:
        return ""
    fixes = {
        entry["text"]: entry["options"][0]["text"]
        for entry in body.get("suggest", {}).get("did_you_mean", [])
        if entry.get("options")
    }
    if not fixes:
        return ""
    respelt = " ".join(fixes.get(word.lower(), word) for word in request.text.split())
    if parse_query(respelt) == parse_query(request.text):
        return ""
    try:
        count_body = build_count(replace(request, text=respelt), viewer)
        found = int(client.count(index=names.alias, **count_body)["count"])
    except (TransportError, ApiError):
        return ""  # a suggestion is a nicety: the results stand without it
    return respelt if found and found >= total else ""
