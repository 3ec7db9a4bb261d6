"""The one query builder: the search page, the JSON API, the CLI and (later) alerts all use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indexer.documents import PUBLIC

TEXT_FIELDS = ("title^4", "title.exact^2", "organisation.text^2", "summary^1.5", "text")
MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
HIGHLIGHT_TAGS = (["<mark>"], ["</mark>"])


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    kinds: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    page: int = 1
    size: int = 20

    def clamped(self) -> SearchRequest:
        return SearchRequest(
            text=self.text.strip()[:MAX_QUERY_LENGTH],
            kinds=self.kinds,
            communities=self.communities,
            page=max(1, min(self.page, 1000)),
            size=max(1, min(self.size, MAX_PAGE_SIZE)),
        )


@dataclass(frozen=True)
class Viewer:
    """Who is searching: decides which member-only items may appear. Anonymous by default."""

    member_of: tuple[str, ...] = ()


def visibility_filter(viewer: Viewer) -> dict[str, Any]:
    """The one place that decides what a viewer may see, applied inside every query."""
    return {"terms": {"visibility": [PUBLIC, *viewer.member_of]}}


def _filters(request: SearchRequest, viewer: Viewer) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = [visibility_filter(viewer), {"term": {"status": "active"}}]
    if request.kinds:
        filters.append({"terms": {"kind": list(request.kinds)}})
    if request.communities:
        filters.append({"terms": {"communities": list(request.communities)}})
    return filters


def _text_query(text: str) -> dict[str, Any]:
    if not text:
        return {"match_all": {}}
    return {
        "bool": {
            "must": [
                {
                    "multi_match": {
                        "query": text,
                        "fields": list(TEXT_FIELDS),
                        "operator": "and",
                        "type": "best_fields",
                    }
                }
            ],
            # An exact phrase in the title outranks the same words scattered through a body.
            "should": [{"match_phrase": {"title.exact": {"query": text, "boost": 3}}}],
        }
    }


def build_search(request: SearchRequest, viewer: Viewer) -> dict[str, Any]:
    """The Elasticsearch request body for a search page."""
    request = request.clamped()
    body: dict[str, Any] = {
        "query": {
            "bool": {"must": [_text_query(request.text)], "filter": _filters(request, viewer)}
        },
        "from": (request.page - 1) * request.size,
        "size": request.size,
        "track_total_hits": True,
        "_source": {"excludes": ["text", "body", "suggest"]},
        "highlight": {
            "encoder": "html",
            "pre_tags": HIGHLIGHT_TAGS[0],
            "post_tags": HIGHLIGHT_TAGS[1],
            "fields": {
                "title": {"number_of_fragments": 0},
                "summary": {"fragment_size": 200, "number_of_fragments": 1},
                "text": {"fragment_size": 200, "number_of_fragments": 1},
            },
        },
        "aggs": {"communities": {"terms": {"field": "communities", "size": 50}}},
    }
    if not request.text:
        body["sort"] = [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    return body
