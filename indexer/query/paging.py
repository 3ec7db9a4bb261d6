"""The order of a search page's hits and where the page starts: from, or a cursor in a PIT."""

from __future__ import annotations

from typing import Any

from indexer.query.request import SearchRequest

PIT_KEEP_ALIVE = "5m"


def hit_sort(request: SearchRequest, has_text: bool) -> list[Any]:
    """The sort of the hits: by score only when there is text to score, newest as the tiebreak."""
    newest = {"published_at": {"order": "desc", "missing": "_last"}}
    tiebreak = {"id": "asc"}  # makes search_after cursors exact
    if request.sort == "event_date":
        return [{"event.start": {"order": "asc", "missing": "_last"}}, newest, tiebreak]
    if request.sort == "newest" or not has_text:
        return [newest, tiebreak]
    return ["_score", newest, tiebreak]


def set_page(request: SearchRequest, body: dict[str, Any]) -> None:
    """Put the request's page (an offset, or a cursor and its point in time) into `body`."""
    if request.search_after:
        body["search_after"] = list(request.search_after)
    else:
        body["from"] = (request.page - 1) * request.size
    if request.pit_id:
        body["pit"] = {"id": request.pit_id, "keep_alive": PIT_KEEP_ALIVE}
