"""Running a search and shaping its hits for the page, the API and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from markupsafe import Markup, escape

from indexer.client import SearchUnavailable
from indexer.names import IndexNames
from indexer.query import SearchRequest, Viewer, build_search


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    title_html: Markup
    snippet_html: Markup
    url: str
    organisation: str
    location: str
    published_at: str | None
    seen_in: tuple[str, ...]


@dataclass(frozen=True)
class SearchResults:
    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    took_ms: int
    community_counts: tuple[tuple[str, int], ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.size))


def search(
    client: Elasticsearch, names: IndexNames, request: SearchRequest, viewer: Viewer
) -> SearchResults:
    request = request.clamped()
    try:
        response = client.search(index=names.alias, **build_search(request, viewer))
    except NotFoundError:
        return SearchResults(request, 0, (), 0, ())  # nothing indexed yet
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
    body = response.body
    buckets = body.get("aggregations", {}).get("communities", {}).get("buckets", [])
    return SearchResults(
        request=request,
        total=int(body["hits"]["total"]["value"]),
        hits=tuple(_hit(raw) for raw in body["hits"]["hits"]),
        took_ms=int(body.get("took", 0)),
        community_counts=tuple((b["key"], int(b["doc_count"])) for b in buckets),
    )


def _hit(raw: dict[str, Any]) -> Hit:
    source = raw["_source"]
    highlight = raw.get("highlight", {})
    # Highlights come HTML-encoded from Elasticsearch (encoder: html) with only <mark> added.
    title = highlight.get("title")
    title_html = Markup(title[0]) if title else escape(source["title"])  # noqa: S704
    fragments = highlight.get("summary") or highlight.get("text")
    snippet = (
        Markup(fragments[0]) if fragments else escape(source.get("summary", "")[:300])  # noqa: S704
    )
    return Hit(
        id=source["id"],
        kind=source["kind"],
        title=source["title"],
        title_html=title_html,
        snippet_html=snippet,
        url=source["url"],
        organisation=source.get("organisation", ""),
        location=source.get("location", ""),
        published_at=source.get("published_at"),
        seen_in=tuple(c["name"] for c in source.get("seen_in", [])),
    )
