"""Matching saved searches against newly indexed items, and checking at delivery time what the
owner may still see.

Each saved search is replayed exactly as its page showed it (webapp.search_args reads its query
string, indexer.query.build_search builds the body, with the owner's viewer from
indexer.viewers.viewer_for), limited to documents indexed since the search's last check (less a
small overlap) and first seen after the search was saved. Searches go to Elasticsearch in
msearch batches; the matches go to the outbox, which keeps one row per (search, item).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from elasticsearch import ApiError, Elasticsearch, TransportError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from catalog.models import SavedSearch
from catalog.saved_searches import active_saved_searches, record_matches
from indexer.client import SearchUnavailable
from indexer.names import IndexNames
from indexer.query import SearchRequest, Viewer, access_filters, build_search
from indexer.search import Hit, hit_from_document
from indexer.viewers import viewer_for

MSEARCH_BATCH = 250  # searches per msearch request
PAGE = 200  # matches read per search per request; more are read by search_after
MAX_PAGES = 25  # pages read per search per pass; the next pass goes on from there
# Only what the outbox needs: the ids come back as sort values (indexed_at, id).
SORT = [{"indexed_at": "asc"}, {"id": "asc"}]


@dataclass
class MatchReport:
    searches: int = 0
    new_matches: int = 0
    failures: dict[int, str] = field(default_factory=dict)  # saved search id -> error


@dataclass
class _Pending:
    """One saved search's query in flight, and the ids it has matched so far."""

    search_id: int
    body: dict[str, Any]
    item_ids: list[str] = field(default_factory=list)
    pages: int = 0
    # Set when the pass stopped reading at MAX_PAGES: how far it got, the next pass resumes there.
    stopped_at: datetime | None = None


def saved_request(session: Session, saved: SavedSearch, viewer: Viewer, size: int) -> SearchRequest:
    """The SearchRequest a saved search's query string means for its owner now."""
    # Imported here: importing the webapp package runs its __init__ (the whole Flask app),
    # which imports this module; the reading of URL parameters itself needs no Flask.
    from webapp.search_args import request_from_args, scope_of  # noqa: PLC0415 - see above

    args: MultiDict[str, str] = MultiDict(parse_qsl(saved.query))
    return request_from_args(args, scope_of(args, viewer, session), size)


def saved_request_body(
    session: Session, saved: SavedSearch, viewer: Viewer, size: int
) -> dict[str, Any]:
    """The search page's Elasticsearch body for a saved search, as its owner would see it now."""
    return build_search(saved_request(session, saved, viewer, size), viewer)


def alert_body(
    search_body: dict[str, Any], since: datetime, until: datetime, saved_at: datetime
) -> dict[str, Any]:
    """`search_body` limited to documents indexed in [since, until] and first seen after the
    search was saved; ids only, in indexing order, no facets, highlights or suggestions."""
    window = {"range": {"indexed_at": {"gte": since.isoformat(), "lte": until.isoformat()}}}
    fresh = {"range": {"first_seen": {"gte": saved_at.isoformat()}}}
    body: dict[str, Any] = {
        "query": {"bool": {"filter": [search_body["query"], window, fresh]}},
        "size": PAGE,
        "sort": SORT,
        "_source": False,
        "track_total_hits": False,
    }
    if "post_filter" in search_body:  # the facet values the page had picked
        body["query"]["bool"]["filter"].append(search_body["post_filter"])
    return body


def _pending_for(
    session: Session,
    saved: SavedSearch,
    until: datetime,
    overlap: timedelta,
    viewers: dict[int, Viewer],
) -> _Pending:
    if saved.user_id not in viewers:
        viewers[saved.user_id] = viewer_for(session, saved.user_id)
    search_body = saved_request_body(session, saved, viewers[saved.user_id], PAGE)
    since = saved.last_checked - overlap
    body = alert_body(search_body, since, until, saved.created_at - overlap)
    return _Pending(saved.id, body)


def _batches(items: list[_Pending], size: int) -> Iterator[list[_Pending]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _msearch(client: Elasticsearch, names: IndexNames, batch: list[_Pending]) -> list[Any]:
    lines: list[dict[str, Any]] = []
    for pending in batch:
        lines.extend(({}, pending.body))
    try:
        responses: list[Any] = client.msearch(index=names.alias, searches=lines)["responses"]
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"matching saved searches failed: {exc}") from exc
    return responses


def _read(pending: _Pending, response: dict[str, Any], report: MatchReport) -> bool:
    """Take one response's ids; True when a full page says there may be more."""
    if "error" in response:
        report.failures[pending.search_id] = str(response["error"])[:500]
        return False
    hits = response["hits"]["hits"]
    pending.item_ids.extend(str(hit["_id"]) for hit in hits)
    pending.pages += 1
    if len(hits) < PAGE:
        return False
    if pending.pages >= MAX_PAGES:
        pending.stopped_at = datetime.fromtimestamp(hits[-1]["sort"][0] / 1000, UTC)
        return False
    pending.body["search_after"] = hits[-1]["sort"]
    return True


def run_queries(
    client: Elasticsearch, names: IndexNames, pending: list[_Pending], report: MatchReport
) -> None:
    """Every pending query to the end of its matches, in msearch batches."""
    waiting = pending
    while waiting:
        more: list[_Pending] = []
        for batch in _batches(waiting, MSEARCH_BATCH):
            for item, response in zip(batch, _msearch(client, names, batch), strict=True):
                if _read(item, response, report):
                    more.append(item)
        waiting = more


def match_saved_searches(
    client: Elasticsearch,
    names: IndexNames,
    session: Session,
    now: datetime,
    overlap: timedelta,
) -> MatchReport:
    """Run every active saved search on the items indexed since its last check; new matches go
    to the outbox and each search's watermark moves to `now` (not for searches that failed; to
    where reading stopped for one with more than PAGE * MAX_PAGES new matches)."""
    searches = active_saved_searches(session)
    viewers: dict[int, Viewer] = {}
    pending = [_pending_for(session, saved, now, overlap, viewers) for saved in searches]
    report = MatchReport(searches=len(searches))
    run_queries(client, names, pending, report)
    done = [(s, q) for s, q in zip(searches, pending, strict=True) if s.id not in report.failures]
    report.new_matches = record_matches(session, ((s.id, i) for s, q in done for i in q.item_ids))
    for saved, query in done:
        saved.last_checked = _watermark(saved, query, now)
    return report


def _watermark(saved: SavedSearch, query: _Pending, now: datetime) -> datetime:
    """Where the next pass starts: where this one stopped reading, if that is progress; else now
    (more than PAGE * MAX_PAGES matches indexed at one instant cannot be told apart by time)."""
    if query.stopped_at is not None and query.stopped_at > saved.last_checked:
        return query.stopped_at
    return now


def visible_hits(
    client: Elasticsearch, names: IndexNames, viewer: Viewer, item_ids: list[str]
) -> dict[str, Hit]:
    """The items among `item_ids` that `viewer` may see now and that are still live, by id."""
    found: dict[str, Hit] = {}
    for start in range(0, len(item_ids), PAGE):
        found |= _visible_chunk(client, names, viewer, item_ids[start : start + PAGE])
    return found


def _visible_chunk(
    client: Elasticsearch, names: IndexNames, viewer: Viewer, item_ids: list[str]
) -> dict[str, Hit]:
    body: dict[str, Any] = {
        "query": {"bool": {"filter": [*access_filters(viewer), {"ids": {"values": item_ids}}]}},
        "size": len(item_ids),
        "_source": {"excludes": ["text", "body", "suggest"]},
    }
    try:
        hits = client.search(index=names.alias, **body)["hits"]["hits"]
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"checking alert items failed: {exc}") from exc
    return {str(raw["_id"]): hit_from_document(raw, viewer.hidden) for raw in hits}
