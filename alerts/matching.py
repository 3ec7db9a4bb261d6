"""Matching saved searches against newly indexed items, and checking at delivery time what the
owner may still see.

Each saved search is replayed exactly as its page showed it (indexer.search_args reads its query
string, indexer.query.matching.build_matching builds what a hit must match, with the owner's
viewer from indexer.viewers.viewer_for), limited to documents indexed since the search's last
check (less a small overlap, but never before the search was saved) and first seen after it was
saved; the matches go to the outbox, which keeps one row per (search, item).

Searches whose boxes hold the same words share one request. Rewriting the words (typo
expansions, synonyms, stemming) is most of a search's cost, and many people save the same
words, so each group's text query is run once, and each member's own filters (access, scope,
facets, its time window) are named clauses under it: every hit says which members it matched
(`matched_queries`). A member matches exactly the documents its own query would find alone;
tests/test_alert_grouping.py compares them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from elasticsearch import ApiError, Elasticsearch, TransportError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from alerts.outbox import record_matches
from catalog.models.saved_searches import SavedSearch
from catalog.saved_searches import active_saved_searches
from indexer.client import SearchUnavailable
from indexer.hits import Hit, hit_from_document
from indexer.names import IndexNames
from indexer.query.access import Viewer
from indexer.query.items import build_live_items
from indexer.query.matching import Matching, build_matching
from indexer.query.request import SearchRequest
from indexer.viewers import viewer_for

MSEARCH_BATCH = 50  # group requests per msearch request
GROUP_MEMBERS = 100  # saved searches per group request (each a named clause)
PAGE = 500  # hits read per group per request; more are read by search_after
MAX_PAGES = 25  # pages read per group per pass; the next pass goes on from there
# Only what the outbox needs: the ids come back as sort values (indexed_at, id).
SORT = [{"indexed_at": "asc"}, {"id": "asc"}]


@dataclass
class MatchReport:
    searches: int = 0
    new_matches: int = 0
    searched: bool = False  # False when nothing was indexed since the oldest check
    failures: dict[int, str] = field(default_factory=dict)  # saved search id -> error


@dataclass(frozen=True)
class _Member:
    """One saved search in a group: its id and the filters of its own that a hit must pass."""

    search_id: int
    filters: tuple[dict[str, Any], ...]


@dataclass
class _Group:
    """Saved searches sharing one text query, in flight, and the ids each matched so far."""

    text: dict[str, Any]
    members: list[_Member]
    found: dict[int, list[str]] = field(default_factory=dict)  # search id -> item ids
    search_after: list[Any] | None = None
    pages: int = 0
    # Set when the pass stopped reading at MAX_PAGES: how far it got, the next pass resumes there.
    stopped_at: datetime | None = None

    def body(self) -> dict[str, Any]:
        named = [
            {"bool": {"filter": list(m.filters), "_name": str(m.search_id)}} for m in self.members
        ]
        any_member = {"bool": {"should": named, "minimum_should_match": 1}}
        body: dict[str, Any] = {
            "query": {"bool": {"filter": [self.text, any_member]}},
            "size": PAGE,
            "sort": SORT,
            "_source": False,
            "track_total_hits": False,
        }
        if self.search_after:
            body["search_after"] = self.search_after
        return body


def saved_request(saved: SavedSearch, viewer: Viewer, size: int) -> SearchRequest:
    """The SearchRequest a saved search's query string means for its owner now."""
    # Imported here: importing the webapp package runs its __init__ (the whole Flask app),
    # which imports this module; the reading of URL parameters itself needs no Flask.
    from indexer.search_args import request_from_args, scope_of  # noqa: PLC0415 - see above

    args: MultiDict[str, str] = MultiDict(parse_qsl(saved.query))
    return request_from_args(args, scope_of(args, viewer, {}), size)


def saved_matching(saved: SavedSearch, viewer: Viewer) -> Matching:
    """What a hit of the saved search must match, as its page would show it to its owner now."""
    return build_matching(saved_request(saved, viewer, PAGE), viewer)


def alert_filters(
    since: datetime, until: datetime, saved_at: datetime
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Indexed in [since, until] and first seen after the search was saved (an old item that
    is merely edited is not news)."""
    fresh = {"range": {"first_seen": {"gte": saved_at.isoformat()}}}
    return indexed_between(since, until), fresh


def indexed_between(since: datetime, until: datetime) -> dict[str, Any]:
    return {"range": {"indexed_at": {"gte": since.isoformat(), "lte": until.isoformat()}}}


def alert_body(matching: Matching, filters: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    """One saved search's own request, as it would run alone: ids only, in indexing order,
    unscored (bench/alert_matching.py sends these as its baseline)."""
    return {
        "query": {"bool": {"filter": [matching.text, *matching.filters, *filters]}},
        "size": PAGE,
        "sort": SORT,
        "_source": False,
        "track_total_hits": False,
    }


def window_start(saved: SavedSearch, overlap: timedelta) -> datetime:
    """Where a search's window of indexing times starts: `overlap` before its last check, so
    items indexed while the previous pass ran are not missed, but never before it was saved:
    what was indexed by then is an existing match, shown on its page, not news."""
    return max(saved.last_checked - overlap, saved.created_at)


def saved_window(
    saved: SavedSearch, until: datetime, overlap: timedelta
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The filters limiting a saved search to its news in this pass."""
    # first_seen keeps the overlap's slack: an item crawled just before the save but indexed
    # after it was on no page the owner saw, so it is news.
    return alert_filters(window_start(saved, overlap), until, saved.created_at - overlap)


def _member(saved: SavedSearch, matching: Matching, until: datetime, overlap: timedelta) -> _Member:
    return _Member(saved.id, (*matching.filters, *saved_window(saved, until, overlap)))


def grouped(
    session: Session, searches: list[SavedSearch], until: datetime, overlap: timedelta
) -> list[_Group]:
    """The searches, grouped by the text of their box (at most GROUP_MEMBERS a group)."""
    viewers: dict[int, Viewer] = {}
    built: dict[tuple[str, Viewer], Matching] = {}  # people in the same communities save alike
    groups: dict[str, list[_Group]] = {}
    for saved in searches:
        if saved.user_id not in viewers:
            viewers[saved.user_id] = viewer_for(session, saved.user_id)
        key = (saved.query, viewers[saved.user_id])
        if key not in built:
            built[key] = saved_matching(saved, key[1])
        matching = built[key]
        same_text = groups.setdefault(json.dumps(matching.text, sort_keys=True), [])
        if not same_text or len(same_text[-1].members) >= GROUP_MEMBERS:
            same_text.append(_Group(matching.text, []))
        same_text[-1].members.append(_member(saved, matching, until, overlap))
    return [group for same_text in groups.values() for group in same_text]


def _batches(items: list[_Group], size: int) -> Iterator[list[_Group]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _msearch(client: Elasticsearch, index: str, batch: list[_Group]) -> list[Any]:
    lines: list[dict[str, Any]] = []
    for group in batch:
        lines.extend(({}, group.body()))
    try:
        responses: list[Any] = client.msearch(index=index, searches=lines)["responses"]
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"matching saved searches failed: {exc}") from exc
    return responses


def _read(group: _Group, response: dict[str, Any], report: MatchReport) -> bool:
    """Take one response's matches; True when a full page says there may be more."""
    if "error" in response:
        for member in group.members:
            report.failures[member.search_id] = str(response["error"])[:500]
        return False
    hits = response["hits"]["hits"]
    for hit in hits:
        for name in hit.get("matched_queries", ()):
            group.found.setdefault(int(name), []).append(str(hit["_id"]))
    group.pages += 1
    if len(hits) < PAGE:
        return False
    if group.pages >= MAX_PAGES:
        group.stopped_at = datetime.fromtimestamp(hits[-1]["sort"][0] / 1000, UTC)
        return False
    group.search_after = hits[-1]["sort"]
    return True


def run_queries(
    client: Elasticsearch, index: str, groups: list[_Group], report: MatchReport
) -> None:
    """Every group to the end of its matches, in msearch batches, on `index`."""
    waiting = groups
    while waiting:
        more: list[_Group] = []
        for batch in _batches(waiting, MSEARCH_BATCH):
            for group, response in zip(batch, _msearch(client, index, batch), strict=True):
                if _read(group, response, report):
                    more.append(group)
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
    where reading stopped for a group with more than PAGE * MAX_PAGES new matches). When nothing
    was indexed since the oldest check, no search is sent at all."""
    searches = active_saved_searches(session)
    report = MatchReport(searches=len(searches))
    if not searches:
        return report
    groups = grouped(session, searches, now, overlap)
    since = min(window_start(saved, overlap) for saved in searches)
    if _anything_new(client, names, since, now):
        report.searched = True
        run_queries(client, names.alias, groups, report)
    stopped = {m.search_id: g.stopped_at for g in groups for m in g.members}
    found = {search_id: ids for g in groups for search_id, ids in g.found.items()}
    done = [saved for saved in searches if saved.id not in report.failures]
    report.new_matches = record_matches(
        session, ((saved.id, item) for saved in done for item in found.get(saved.id, ()))
    )
    for saved in done:
        saved.last_checked = _watermark(saved, stopped[saved.id], now)
    return report


def _anything_new(
    client: Elasticsearch, names: IndexNames, since: datetime, until: datetime
) -> bool:
    """Whether any document was indexed in [since, until]; True when the index cannot say (the
    searches will then report what is wrong)."""
    try:
        query = indexed_between(since, until)
        return int(client.count(index=names.alias, query=query)["count"]) > 0
    except (TransportError, ApiError):
        return True


def _watermark(saved: SavedSearch, stopped_at: datetime | None, now: datetime) -> datetime:
    """Where the next pass starts: where this one stopped reading, if that is progress; else now
    (more than PAGE * MAX_PAGES matches indexed at one instant cannot be told apart by time)."""
    if stopped_at is not None and stopped_at > saved.last_checked:
        return stopped_at
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
    body = build_live_items(item_ids, viewer)
    try:
        hits = client.search(index=names.alias, **body)["hits"]["hits"]
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"checking alert items failed: {exc}") from exc
    return {str(raw["_id"]): hit_from_document(raw, viewer.hidden) for raw in hits}
