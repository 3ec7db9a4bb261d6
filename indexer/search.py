"""Running a search and shaping its hits for the page, the API and the command line."""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from markupsafe import Markup, escape

from indexer.client import SearchUnavailable
from indexer.names import IndexNames
from indexer.query.access import NO_COMMUNITY, Viewer, known_communities
from indexer.query.facets import FACET_ATTRIBUTES, FILTER_FACET_VALUES
from indexer.query.items import build_get_item, build_more_from_organisation
from indexer.query.matching import build_count
from indexer.query.page import PageBodies, build_search
from indexer.query.paging import PIT_KEEP_ALIVE
from indexer.query.request import SearchRequest
from indexer.query.suggestions import build_prefix_suggest
from indexer.query_syntax import parse_query

SUGGEST_BELOW = 3  # "did you mean" is offered when a search finds fewer hits than this
MAX_CURSOR_LENGTH = 2000

FACET_LABELS: dict[str, dict[str, str]] = {
    "kind": {"job": "Jobs", "event": "Events", "resource": "Resources"},
    "remote": {"remote": "Remote", "hybrid": "Hybrid", "onsite": "On site"},
    "employment_type": {
        "full-time": "Full time",
        "part-time": "Part time",
        "contract": "Contract",
        "temporary": "Temporary",
        "internship": "Internship",
        "volunteer": "Volunteer",
    },
    "salary_band": {b: f"{b}+ a year" for b in ("50k", "100k", "150k", "200k")},
    "posted_within": {"day": "Past day", "week": "Past week", "month": "Past month"},
    "upcoming": {"week": "This week", "month": "This month"},
    "attendance": {"online": "Online", "in_person": "In person"},
}


@dataclass(frozen=True)
class Salary:
    min: float | None = None
    max: float | None = None
    currency: str = ""
    period: str = ""


@dataclass(frozen=True)
class EventTimes:
    start: str | None = None
    end: str | None = None
    timezone: str = ""
    all_day: bool = False
    attendance: str = ""  # online, in-person, mixed
    venue: str = ""
    status: str = ""  # scheduled, cancelled, postponed, moved online


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
    apply_url: str = ""
    remote: str = ""
    employment_type: str = ""
    salary: Salary | None = None
    event: EventTimes | None = None
    author: str = ""
    status: str = "active"
    communities: tuple[str, ...] = ()


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


FacetMap = dict[str, tuple[FacetValue, ...]]


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last hit's sort values, within one point in time."""

    search_after: tuple[Any, ...]
    pit_id: str

    def encode(self) -> str:
        """An opaque, URL-safe token for a `next` link."""
        raw = json.dumps([list(self.search_after), self.pit_id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii")

    @staticmethod
    def decode(token: str) -> Cursor | None:
        """The cursor of a token `encode` made; None for anything else."""
        if not token or len(token) > MAX_CURSOR_LENGTH:
            return None
        try:
            values, pit_id = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            return None
        if not isinstance(values, list) or not isinstance(pit_id, str):
            return None
        if not (all(map(_sort_value, values)) and _utf8(pit_id)):
            return None
        return Cursor(tuple(values), pit_id)


LONG_RANGE = range(-(2**63), 2**63)  # Elasticsearch's sort values: longs, doubles, keywords


def _sort_value(value: Any) -> bool:
    """Whether `value` can be a sort value Elasticsearch gave out: a long, a finite double, or
    text; a crafted cursor with anything else is refused rather than sent."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value in LONG_RANGE
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and _utf8(value)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON allows and UTF-8 does not
        return False
    return True


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


def open_point_in_time(client: Elasticsearch, names: IndexNames) -> str:
    """A point in time on the index: pages read through it do not shift as items arrive."""
    try:
        response = client.open_point_in_time(index=names.alias, keep_alive=PIT_KEEP_ALIVE)
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
    return str(response["id"])


def close_point_in_time(client: Elasticsearch, pit_id: str) -> None:
    """Release a point in time; one that already expired is no error."""
    try:
        client.options(ignore_status=404).close_point_in_time(id=pit_id)
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc


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
            raise SearchUnavailable(f"search failed: {str(error)[:500]}")
    return responses[0], responses[1]


def search(
    client: Elasticsearch, names: IndexNames, request: SearchRequest, viewer: Viewer
) -> SearchResults:
    request = request.clamped()
    request = replace(request, communities=known_communities(request.communities, viewer))
    try:
        body, counts = _run(client, names, build_search(request, viewer, datetime.now(UTC)))
    except (NotFoundError, _NothingIndexed):
        return SearchResults(request, 0, (), 0, (), facets={})  # nothing indexed yet
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
    total = int(body["hits"]["total"]["value"])
    raw_hits = body["hits"]["hits"]
    facets = _facets(counts.get("aggregations", {}), request)
    return SearchResults(
        request=request,
        total=total,
        hits=tuple(hit_from_document(raw, viewer.hidden) for raw in raw_hits),
        took_ms=max(int(body.get("took", 0)), int(counts.get("took", 0))),
        community_counts=tuple((v.value, v.count) for v in facets.get("community", ())),
        facets=facets,
        suggestion=_suggestion(client, names, request, viewer, body, total),
        next_cursor=_next_cursor(request, body, raw_hits),
    )


def _next_cursor(
    request: SearchRequest, body: dict[str, Any], raw_hits: list[dict[str, Any]]
) -> Cursor | None:
    if len(raw_hits) < request.size or "sort" not in raw_hits[-1]:
        return None
    return Cursor(tuple(raw_hits[-1]["sort"]), str(body.get("pit_id") or request.pit_id))


def _selected(request: SearchRequest, name: str) -> tuple[str, ...]:
    value = getattr(request, FACET_ATTRIBUTES[name])
    return tuple(value) if isinstance(value, tuple) else ((value,) if value else ())


def _facets(aggregations: dict[str, Any], request: SearchRequest) -> FacetMap:
    """Facet name -> its values with labels, counts under the other picks, and whether picked."""
    facets: FacetMap = {}
    for name, agg in aggregations.items():
        buckets = agg.get("values", {}).get("buckets", [])
        if isinstance(buckets, dict):  # a `filters` aggregation: keyed, put in declared order
            declared = FILTER_FACET_VALUES[name]
            pairs = [(key, int(buckets[key]["doc_count"])) for key in declared if key in buckets]
        else:
            pairs = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
        chosen = _selected(request, name)
        # A picked value nothing matches still shows, so that it can be removed.
        pairs += [
            (value, 0) for value in sorted(chosen) if value not in dict(pairs) | {NO_COMMUNITY: 0}
        ]
        labels = FACET_LABELS.get(name, {})
        facets[name] = tuple(
            FacetValue(value, labels.get(value) or value, count, value in chosen)
            for value, count in pairs
            if count or value in chosen
        )
    return facets


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


def _salary(source: dict[str, Any]) -> Salary | None:
    raw = source.get("salary")
    if not isinstance(raw, dict):
        return None
    return Salary(
        min=raw.get("annual_min", raw.get("min")),
        max=raw.get("annual_max", raw.get("max")),
        currency=str(raw.get("currency", "")),
        period="year" if "annual_min" in raw or "annual_max" in raw else str(raw.get("period", "")),
    )


def _event(source: dict[str, Any]) -> EventTimes | None:
    raw = source.get("event")
    if not isinstance(raw, dict):
        return None
    return EventTimes(
        start=raw.get("start"),
        end=raw.get("end"),
        timezone=str(raw.get("timezone", "")),
        all_day=bool(raw.get("all_day", False)),
        attendance=str(raw.get("attendance", "")),
        venue=str(raw.get("venue", "")),
        status=str(raw.get("status", "")),
    )


def _title_and_snippet(source: dict[str, Any], highlight: dict[str, Any]) -> tuple[Markup, Markup]:
    # Highlights come HTML-encoded from Elasticsearch (encoder: html) with only <mark> added.
    title = highlight.get("title")
    title_html = Markup(title[0]) if title else escape(source["title"])  # noqa: S704
    fragments = highlight.get("summary") or highlight.get("text")
    snippet = (
        Markup(fragments[0]) if fragments else escape(source.get("summary", "")[:300])  # noqa: S704
    )
    return title_html, snippet


def hit_from_document(raw: dict[str, Any], hidden: tuple[str, ...] = ()) -> Hit:
    """A Hit from one search hit (its `_source` and optional `highlight`); the communities in
    `hidden` (private ones the viewer is not in) are left out of "seen in"."""
    source = raw["_source"]
    seen_in = [c for c in source.get("seen_in", []) if c.get("slug") not in hidden]
    title_html, snippet_html = _title_and_snippet(source, raw.get("highlight", {}))
    return Hit(
        id=source["id"],
        kind=source["kind"],
        title=source["title"],
        title_html=title_html,
        snippet_html=snippet_html,
        url=source["url"],
        organisation=source.get("organisation", ""),
        location=source.get("location", ""),
        published_at=source.get("published_at"),
        seen_in=tuple(c["name"] for c in seen_in),
        apply_url=source.get("apply_url", ""),
        remote=source.get("remote", ""),
        employment_type=source.get("employment_type", ""),
        salary=_salary(source),
        event=_event(source),
        author=source.get("author", ""),
        status=source.get("status", "active"),
        communities=tuple(c["slug"] for c in seen_in),
    )


def _plain_search(client: Elasticsearch, names: IndexNames, body: dict[str, Any]) -> list[Any]:
    try:
        hits: list[Any] = client.search(index=names.alias, **body).body["hits"]["hits"]
    except NotFoundError:
        return []
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
    return hits


def suggest(
    client: Elasticsearch, names: IndexNames, prefix: str, viewer: Viewer, size: int = 8
) -> tuple[str, ...]:
    """Titles, among those the viewer may see, that start with what was typed so far."""
    if not prefix.strip():
        return ()
    hits = _plain_search(client, names, build_prefix_suggest(prefix, viewer, size))
    titles = dict.fromkeys(str(hit["_source"]["title"]) for hit in hits)
    return tuple(titles)[:size]


@dataclass(frozen=True)
class ItemWithBody:
    """An item's hit with what only its own page shows."""

    hit: Hit
    summary: str  # plain text
    body: str  # HTML as indexed: sanitise it before trusting it


def get_item(client: Elasticsearch, names: IndexNames, item_id: str, viewer: Viewer) -> Hit | None:
    """The item with this id, or None when there is none the viewer may see."""
    found = get_item_with_body(client, names, item_id, viewer)
    return found.hit if found else None


def get_item_with_body(
    client: Elasticsearch, names: IndexNames, item_id: str, viewer: Viewer
) -> ItemWithBody | None:
    """`get_item` with the item's summary and body."""
    hits = _plain_search(client, names, build_get_item(item_id, viewer))
    if not hits:
        return None
    source = hits[0]["_source"]
    hit = hit_from_document(hits[0], viewer.hidden)
    return ItemWithBody(hit, str(source.get("summary", "")), str(source.get("body", "")))


def more_from_organisation(
    client: Elasticsearch, names: IndexNames, hit: Hit, viewer: Viewer, size: int = 5
) -> tuple[Hit, ...]:
    """Other live listings of the hit's organisation that the viewer may see."""
    if not hit.organisation:
        return ()
    body = build_more_from_organisation(hit.organisation, viewer, hit.id, size)
    raw_hits = _plain_search(client, names, body)
    return tuple(hit_from_document(raw, viewer.hidden) for raw in raw_hits)
