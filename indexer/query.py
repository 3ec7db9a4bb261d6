"""The one query builder: the search page, the JSON API, the CLI and (later) alerts all use it.

What the user typed is parsed by `indexer.query_syntax` into plain values and turned here into
structured clauses (multi_match, match_phrase, terms): no user text ever reaches Elasticsearch
as query syntax. The access filter and the active-status filter sit in the main query's `filter`,
so every hit, count, aggregation and suggestion is limited by them; the facet values the user
picked go in `post_filter`, and each facet's aggregation is filtered by the other picks only.

Duplicates: the catalog merges copies of one posting into one item (one document), and a
recurring event's occurrences are separate items on purpose, so there is nothing left to
collapse; field collapsing would also rule out search_after on our sorts (it needs the sort to
be on the collapse field) and would fold every document without a cluster_id into one hit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from indexer.documents import PUBLIC
from indexer.query_syntax import MAX_CLAUSES, ParsedQuery, Term, clean_text, parse_query
from indexer.synonyms import job_title_synonyms, words

# Fields a word may match as typed, with their boosts: organisation and location included.
EXACT_FIELDS = (
    "title^4",
    "title.exact^2",
    "organisation.text^2",
    "summary^1.5",
    "text",
    "location.text",
    "event.venue.text^0.5",
    "author.text",
    # Keywords a typed word names exactly: "remote", "hybrid", "contract", "internship".
    "remote^1.5",
    "employment_type",
)
# Fields where a misspelt word may still match: text only, never organisation, places or ids.
FUZZY_FIELDS = ("title^4", "summary^1.5", "text")
FUZZY_WEIGHT = 0.4  # a typo's match counts for less than the word spelt right
TEXT_FIELDS = EXACT_FIELDS  # the fields a plain search reads (kept for callers of old)
MAX_QUERY_LENGTH = 500
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
MAX_WORDS = 64
HIGHLIGHT_TAGS = (["<mark>"], ["</mark>"])
PIT_KEEP_ALIVE = "5m"
# Recency: the text score is multiplied by 1 + RECENCY_WEIGHT * decay, between 1 and 1.5, so a
# fresh posting wins a tie but never overtakes a clearly better match.
RECENCY_WEIGHT = 0.5
RECENCY_SCALE = "30d"

SORTS = ("relevance", "newest", "event_date")
# Date math from the clock (`at`): rounded to the hour or the day, never to the millisecond.
POSTED_WITHIN = {"day": "-1d/h", "week": "-7d/d", "month": "-30d/d"}
UPCOMING = {"week": "+7d/d", "month": "+30d/d"}
NODE_CLOCK = "now"  # Elasticsearch's own clock, read when the request runs
# The stored fields a result card is made of (indexer.search.hit_from_document reads these and
# no others): a hit's `_source` is cut to them, so Elasticsearch sends, and the app parses, no
# dates, ids or location parts it would not show.
HIT_SOURCE = (
    *("id", "kind", "title", "summary", "url", "apply_url", "status"),
    *("organisation", "location", "remote", "employment_type", "salary", "author"),
    *("published_at", "event", "seen_in.slug", "seen_in.name"),
)
ATTENDANCE = {"online": ("online", "mixed"), "in_person": ("in-person", "mixed")}
SALARY_BANDS = {"50k": 50_000, "100k": 100_000, "150k": 150_000, "200k": 200_000}
KINDS = ("job", "event", "resource")


@dataclass(frozen=True)
class SearchRequest:
    """One search: the box's text, the facet values picked, the order and the page."""

    text: str = ""
    kinds: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    page: int = 1
    size: int = 20
    organisations: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()  # city names, as the location facet lists them
    remote: tuple[str, ...] = ()  # onsite, hybrid, remote
    employment_types: tuple[str, ...] = ()
    salary_band: str = ""  # a key of SALARY_BANDS: annual pay reaching at least that much
    posted_within: str = ""  # day, week or month
    upcoming: str = ""  # events starting within the next week or month
    attendance: str = ""  # online or in_person (mixed events count as both)
    sort: str = "relevance"  # relevance, newest or event_date
    search_after: tuple[Any, ...] = ()  # the previous page's cursor (with pit_id)
    pit_id: str = ""

    def clamped(self) -> SearchRequest:
        """The request with every value inside its limits; unknown choices dropped."""
        return replace(
            self,
            text=clean_text(self.text)[:MAX_QUERY_LENGTH],
            page=max(1, min(self.page, MAX_PAGE)),
            size=max(1, min(self.size, MAX_PAGE_SIZE)),
            kinds=tuple(k for k in self.kinds if k in KINDS),
            salary_band=_known(self.salary_band, SALARY_BANDS),
            posted_within=_known(self.posted_within, POSTED_WITHIN),
            upcoming=_known(self.upcoming, UPCOMING),
            attendance=_known(self.attendance, ATTENDANCE),
            sort=self.sort if self.sort in SORTS else "relevance",
            search_after=self.search_after[:4],
        )


def _known(value: str, choices: dict[str, Any]) -> str:
    return value if value in choices else ""


@dataclass(frozen=True)
class Viewer:
    """Who is searching: decides which member-only items may appear. Anonymous by default."""

    member_of: tuple[str, ...] = ()
    # Private communities the viewer is not in: treated as if they did not exist (never
    # named under "seen in", never counted in a facet, a filter on them finds nothing).
    hidden: tuple[str, ...] = ()


NO_COMMUNITY = "-"  # no slug looks like this, so a filter on it matches nothing


def known_communities(slugs: tuple[str, ...], viewer: Viewer) -> tuple[str, ...]:
    """`slugs` with the communities hidden from the viewer replaced by one that matches nothing."""
    return tuple(NO_COMMUNITY if slug in viewer.hidden else slug for slug in slugs)


def visibility_filter(viewer: Viewer) -> dict[str, Any]:
    """The one place that decides what a viewer may see, applied inside every query."""
    return {"terms": {"visibility": [PUBLIC, *viewer.member_of]}}


def access_filters(viewer: Viewer) -> list[dict[str, Any]]:
    """What every search of live listings is limited to: visible to the viewer, and active."""
    return [visibility_filter(viewer), {"term": {"status": "active"}}]


# --- The text of the box -------------------------------------------------------------------


FUZZY_KEYS = ("fuzziness", "prefix_length", "max_expansions")


def _word_clause(word: str) -> dict[str, Any]:
    """One typed word: as spelt in any field, or within a typo or two in the text fields."""
    exact = {
        "multi_match": {"query": word, "fields": list(EXACT_FIELDS), "zero_terms_query": "all"}
    }
    fuzzy = {
        "multi_match": {
            "query": word,
            "fields": list(FUZZY_FIELDS),
            "fuzziness": "AUTO",
            "prefix_length": 1,
            "max_expansions": 20,
            "boost": FUZZY_WEIGHT,
        }
    }
    return {"dis_max": {"queries": [exact, fuzzy]}}


def _phrase_clause(phrase: str) -> dict[str, Any]:
    """Words in this order, spelt as typed (stemmed or not), in any text field."""
    return {"multi_match": {"query": phrase, "fields": list(EXACT_FIELDS), "type": "phrase"}}


def _synonym_clause(phrases: tuple[str, ...]) -> dict[str, Any]:
    """Any of the equivalent titles; never fuzzy (a typo of "vp" is not a vice president)."""
    return {"dis_max": {"queries": [_phrase_clause(p) for p in phrases]}}


def _word_run_clauses(tokens: tuple[str, ...]) -> list[dict[str, Any]]:
    """Clauses for consecutive typed words, job-title synonyms expanded (longest entry first)."""
    synonyms = job_title_synonyms()
    clauses: list[dict[str, Any]] = []
    start = 0
    while start < len(tokens):
        length, phrases = synonyms.longest_match(tokens, start)
        if length:
            clauses.append(_synonym_clause(phrases))
            start += length
        else:
            clauses.append(_word_clause(tokens[start]))
            start += 1
    return clauses


def _all_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}


def _term_clause(term: Term) -> dict[str, Any] | None:
    if term.phrase:
        return _phrase_clause(term.text)
    clauses = _word_run_clauses(words(term.text)[:MAX_WORDS])
    return _all_of(clauses) if clauses else None


def _required_clauses(parsed: ParsedQuery) -> list[dict[str, Any]]:
    """One clause per required group; runs of plain words are read together for synonyms."""
    clauses: list[dict[str, Any]] = []
    run: list[str] = []
    for group in parsed.required:
        if len(group) == 1 and not group[0].phrase:
            run.extend(words(group[0].text))
            continue
        clauses.extend(_word_run_clauses(tuple(run[:MAX_WORDS])))
        run = []
        options = [c for c in (_term_clause(t) for t in group) if c]
        if options:
            clauses.append(options[0] if len(options) == 1 else {"dis_max": {"queries": options}})
    clauses.extend(_word_run_clauses(tuple(run[:MAX_WORDS])))
    return clauses


def _field_clauses(parsed: ParsedQuery) -> list[dict[str, Any]]:
    """`title:` words (typos forgiven) or phrases, and `org:` names (exact words, in order)."""
    clauses: list[dict[str, Any]] = []
    for term in parsed.titles:
        if term.phrase:
            clauses.append({"match_phrase": {"title": term.text}})
        else:
            match = {"query": term.text, "operator": "and", "fuzziness": "AUTO", "prefix_length": 1}
            clauses.append({"match": {"title": match}})
    if parsed.organisations:
        names = [{"match_phrase": {"organisation.text": name}} for name in parsed.organisations]
        clauses.append({"bool": {"should": names, "minimum_should_match": 1}})
    return clauses


def _excluded_clauses(parsed: ParsedQuery) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for term in parsed.excluded:
        kind = "phrase" if term.phrase else "best_fields"
        query = {"query": term.text, "fields": list(EXACT_FIELDS), "type": kind}
        clauses.append({"multi_match": query | ({} if term.phrase else {"operator": "and"})})
    return clauses


def text_query(parsed: ParsedQuery) -> dict[str, Any]:
    """The scored part of a search: what the box asks for, without filters or recency."""
    must = [*_required_clauses(parsed), *_field_clauses(parsed)]
    must_not = _excluded_clauses(parsed)
    if not must and not must_not:
        return {"match_all": {}}
    query: dict[str, Any] = {"must": must or [{"match_all": {}}], "must_not": must_not}
    free_text = parsed.free_text
    if free_text:
        # An exact phrase in the title outranks the same words scattered through a body.
        query["should"] = [{"match_phrase": {"title.exact": {"query": free_text, "boost": 3}}}]
    return {"bool": query}


def clock_at(now: datetime | None) -> str:
    """The clock a request's dates count from: `now` anchored at the start of its hour, or the
    node's own clock when None. Every date here is rounded to the hour or the day, so the
    anchor means the same instants as the node's clock, and a request that reads no clock may
    be answered from Elasticsearch's request cache."""
    if now is None:
        return NODE_CLOCK
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:00:00Z")


def at(clock: str, math: str) -> str:
    """Date math counted from `clock` ("-7d/d" -> "now-7d/d" or "<anchor>||-7d/d")."""
    return f"{clock}{math}" if clock == NODE_CLOCK else f"{clock}||{math}"


def _recency_function(
    kind_filter: dict[str, Any], field: str, offset: str, clock: str
) -> dict[str, Any]:
    # From the start of today, not this millisecond: scores must not change between the pages
    # of one search, or search_after on _score would skip or repeat hits.
    origin = at(clock, "/d")
    decay = {field: {"origin": origin, "scale": RECENCY_SCALE, "offset": offset, "decay": 0.5}}
    only = {"bool": {"filter": [kind_filter, {"exists": {"field": field}}]}}
    return {"filter": only, "exp": decay, "weight": RECENCY_WEIGHT}


def with_recency(query: dict[str, Any], clock: str = NODE_CLOCK) -> dict[str, Any]:
    """`query` with its score gently raised for recent postings and soon-to-happen events."""
    return {
        "function_score": {
            "query": query,
            "functions": [
                {"weight": 1},
                _recency_function(
                    {"terms": {"kind": ["job", "resource"]}}, "published_at", "3d", clock
                ),
                _recency_function({"term": {"kind": "event"}}, "event.start", "7d", clock),
            ],
            "score_mode": "sum",
            "boost_mode": "multiply",
        }
    }


def _box_filters(parsed: ParsedQuery) -> list[dict[str, Any]]:
    """`in:` and `community:` typed in the box narrow the search itself, facets included."""
    filters: list[dict[str, Any]] = []
    if parsed.kinds:
        filters.append({"terms": {"kind": list(parsed.kinds)}})
    if parsed.communities:
        filters.append({"terms": {"communities": list(parsed.communities)}})
    return filters


# --- Facets --------------------------------------------------------------------------------


def _date_range(gte: str, lt: str | None = None) -> dict[str, Any]:
    bounds = {"gte": gte} | ({"lt": lt} if lt else {})
    return {"range": {"published_at": bounds}}


def _posted_filter(within: str, clock: str) -> dict[str, Any]:
    """Posted since: the posting date, or when Mutual first saw an item that had none."""
    since = at(clock, POSTED_WITHIN[within])
    no_date = {"bool": {"must_not": {"exists": {"field": "published_at"}}}}
    first_seen = {"bool": {"filter": [no_date, {"range": {"first_seen": {"gte": since}}}]}}
    return {"bool": {"should": [_date_range(since), first_seen], "minimum_should_match": 1}}


def _upcoming_filter(within: str, clock: str) -> dict[str, Any]:
    return {"range": {"event.start": {"gte": at(clock, "/d"), "lt": at(clock, UPCOMING[within])}}}


def _salary_filter(band: str) -> dict[str, Any]:
    floor = SALARY_BANDS[band]
    reaches = [{"range": {f"salary.{k}": {"gte": floor}}} for k in ("annual_max", "annual_min")]
    return {"bool": {"should": reaches, "minimum_should_match": 1}}


def _attendance_filter(mode: str) -> dict[str, Any]:
    return {"terms": {"event.attendance": list(ATTENDANCE[mode])}}


def _terms_facet(field: str, size: int) -> dict[str, Any]:
    return {"terms": {"field": field, "size": size}}


def _filters_facet(filters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"filters": {"filters": filters}}


# Facet name -> the request attribute it reads. Order is the order facets are counted in.
FACET_ATTRIBUTES = {
    "kind": "kinds",
    "community": "communities",
    "organisation": "organisations",
    "location": "locations",
    "remote": "remote",
    "employment_type": "employment_types",
    "salary_band": "salary_band",
    "posted_within": "posted_within",
    "upcoming": "upcoming",
    "attendance": "attendance",
}
# Facets counted by keyword: name -> (field, how many of its values are shown).
TERMS_FACETS = {
    "kind": ("kind", 3),
    "community": ("communities", 50),
    "organisation": ("organisation", 10),
    "location": ("city", 10),
    "remote": ("remote", 5),
    "employment_type": ("employment_type", 10),
}
# The values of each facet counted by filters, in the order they are shown.
FILTER_FACET_VALUES: dict[str, tuple[str, ...]] = {
    "salary_band": tuple(SALARY_BANDS),
    "posted_within": tuple(POSTED_WITHIN),
    "upcoming": tuple(UPCOMING),
    "attendance": tuple(ATTENDANCE),
}


def facet_counters(clock: str) -> dict[str, dict[str, Any]]:
    """Facet name -> the aggregation that counts its values, dates counted from `clock`."""
    return {
        **{name: _terms_facet(field, size) for name, (field, size) in TERMS_FACETS.items()},
        "salary_band": _filters_facet({band: _salary_filter(band) for band in SALARY_BANDS}),
        "posted_within": _filters_facet({s: _posted_filter(s, clock) for s in POSTED_WITHIN}),
        "upcoming": _filters_facet({span: _upcoming_filter(span, clock) for span in UPCOMING}),
        "attendance": _filters_facet({m: _attendance_filter(m) for m in ATTENDANCE}),
    }


def facet_filters(request: SearchRequest, clock: str = NODE_CLOCK) -> dict[str, dict[str, Any]]:
    """The filter of each facet the user picked a value of, by facet name."""
    picked: dict[str, dict[str, Any]] = {}
    for name, (field, _) in TERMS_FACETS.items():
        values = getattr(request, FACET_ATTRIBUTES[name])
        if values:
            picked[name] = {"terms": {field: list(values)}}
    if request.salary_band:
        picked["salary_band"] = _salary_filter(request.salary_band)
    if request.posted_within:
        picked["posted_within"] = _posted_filter(request.posted_within, clock)
    if request.upcoming:
        picked["upcoming"] = _upcoming_filter(request.upcoming, clock)
    if request.attendance:
        picked["attendance"] = _attendance_filter(request.attendance)
    return picked


def _all_filters(filters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}


def facet_aggregations(
    picked: dict[str, dict[str, Any]], viewer: Viewer, clock: str = NODE_CLOCK
) -> dict[str, Any]:
    """Each facet counted under every picked filter but its own, so values stay combinable;
    communities hidden from the viewer are never counted."""
    aggs: dict[str, Any] = {}
    for name, counter in facet_counters(clock).items():
        others = [f for other, f in picked.items() if other != name]
        values = counter
        if name == "community" and viewer.hidden:
            values = {"terms": {**counter["terms"], "exclude": list(viewer.hidden)}}
        aggs[name] = {"filter": _all_filters(others), "aggs": {"values": values}}
    return aggs


# --- The request body ----------------------------------------------------------------------


def _sort(request: SearchRequest, has_text: bool) -> list[Any]:
    newest = {"published_at": {"order": "desc", "missing": "_last"}}
    tiebreak = {"id": "asc"}  # makes search_after cursors exact
    if request.sort == "event_date":
        return [{"event.start": {"order": "asc", "missing": "_last"}}, newest, tiebreak]
    if request.sort == "newest" or not has_text:
        return [newest, tiebreak]
    return ["_score", newest, tiebreak]


def without_fuzziness(query: Any) -> Any:
    """`query` with every typo-tolerant match made exact.

    Highlighting re-runs the query on each hit's text, and typo expansions there cost three
    quarters of a search at 100,000 items (bench/search_load.py); words found only through a
    typo are simply not marked.
    """
    if isinstance(query, dict):
        return {k: without_fuzziness(v) for k, v in query.items() if k not in FUZZY_KEYS}
    if isinstance(query, list):
        return [without_fuzziness(v) for v in query]
    return query


HIGHLIGHTED: dict[str, dict[str, Any]] = {
    "title": {"number_of_fragments": 0},
    "summary": {"fragment_size": 200, "number_of_fragments": 1},
    "text": {"fragment_size": 200, "number_of_fragments": 1},
}


def _highlight(query: dict[str, Any]) -> dict[str, Any]:
    """Marks in the title and a snippet. Each field gets the clauses that search that field
    itself: Elasticsearch marks only terms a clause asked of the field being marked (its
    `require_field_match`), yet works through every clause of a shared highlight query for
    every field of every hit, about a third of a page's search time (bench/search_load.py)."""
    unfuzzy = without_fuzziness(query)
    fields = {
        name: {**options, "highlight_query": on_field(unfuzzy, name) or {"match_none": {}}}
        for name, options in HIGHLIGHTED.items()
    }
    return {
        "encoder": "html",
        "pre_tags": HIGHLIGHT_TAGS[0],
        "post_tags": HIGHLIGHT_TAGS[1],
        "fields": fields,
    }


def on_field(query: dict[str, Any], field: str) -> dict[str, Any] | None:
    """The scoring clauses of `query` that search `field` itself (not a subfield such as
    `title.exact`), in the same structure; None when no clause does. Exclusions are left out:
    nothing they name is in a hit."""
    kind, spec = next(iter(query.items()))
    if kind == "multi_match":
        kept = [name for name in spec["fields"] if name.split("^")[0] == field]
        return {kind: {**spec, "fields": kept}} if kept else None
    if kind == "dis_max":
        queries = _kept_on_field(spec["queries"], field)
        return {kind: {**spec, "queries": queries}} if queries else None
    if kind == "bool":
        kept_spec = {k: _kept_on_field(spec.get(k, []), field) for k in ("must", "should")}
        kept_spec = {k: clauses for k, clauses in kept_spec.items() if clauses}
        return {kind: kept_spec} if kept_spec else None
    # A single-field query (match, match_phrase): keyed by the field it searches.
    return query if isinstance(spec, dict) and field in spec else None


def _kept_on_field(queries: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    return [kept for kept in (on_field(q, field) for q in queries) if kept is not None]


def did_you_mean(text: str) -> dict[str, Any]:
    """A term suggester over title words: spellings of the typed words that titles use.

    It reads the whole index's words, so `indexer.search` offers a suggestion only after a
    search for it under the viewer's own filters has found something.
    """
    options = {"field": "title.exact", "suggest_mode": "missing", "min_word_length": 4}
    return {"text": text, "did_you_mean": {"term": options}}


def _page(request: SearchRequest, body: dict[str, Any]) -> None:
    if request.search_after:
        body["search_after"] = list(request.search_after)
    else:
        body["from"] = (request.page - 1) * request.size
    if request.pit_id:
        body["pit"] = {"id": request.pit_id, "keep_alive": PIT_KEEP_ALIVE}


@dataclass(frozen=True)
class _Prepared:
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


def _prepare(request: SearchRequest, viewer: Viewer, clock: str = NODE_CLOCK) -> _Prepared:
    request = request.clamped()
    request = replace(request, communities=known_communities(request.communities, viewer))
    parsed = parse_query(request.text)
    parsed = replace(parsed, communities=known_communities(parsed.communities, viewer))
    filters = [*access_filters(viewer), *_box_filters(parsed)]
    picked = facet_filters(request, clock)
    return _Prepared(request, parsed, picked, text_query(parsed), filters, clock)


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
    prepared = _prepare(request, viewer)
    picked = [_all_filters(list(prepared.picked.values()))] if prepared.picked else []
    return Matching(prepared.text, (*prepared.filters, *picked))


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
    prepared = _prepare(request, viewer, clock_at(now))
    request, parsed, picked = prepared.request, prepared.parsed, prepared.picked
    hits: dict[str, Any] = {
        "query": prepared.query,
        "size": request.size,
        "sort": _sort(request, not parsed.is_empty),
        "track_total_hits": True,
        "_source": list(HIT_SOURCE),
        "highlight": _highlight(prepared.text),
    }
    if picked:
        hits["post_filter"] = _all_filters(list(picked.values()))
    if parsed.free_text:
        hits["suggest"] = did_you_mean(parsed.free_text[:200])
    _page(request, hits)
    facets: dict[str, Any] = {
        "query": {"bool": {"filter": [prepared.text, *prepared.filters]}},
        "size": 0,
        "track_total_hits": False,
        "aggs": facet_aggregations(picked, viewer, prepared.clock),
    }
    if request.pit_id:
        facets["pit"] = hits["pit"]
    return PageBodies(hits, facets)


def build_count(request: SearchRequest, viewer: Viewer) -> dict[str, Any]:
    """How many hits `request` would have for `viewer`: the same query and filters, no page."""
    return {"query": build_matching(request, viewer).query}


def build_prefix_suggest(prefix: str, viewer: Viewer, size: int = 8) -> dict[str, Any]:
    """Titles starting with what is typed so far, among the items the viewer may see.

    A filtered prefix query rather than the completion suggester: completion suggestions
    cannot be limited by the access filter without contexts on every document, and this keeps
    visibility_filter the one rule for suggestions too.
    """
    typed = clean_text(prefix)[:100]
    return {
        "query": {
            "bool": {
                "must": [{"match_phrase_prefix": {"title.exact": {"query": typed}}}],
                "filter": access_filters(viewer),
            }
        },
        "size": min(max(size, 1), 20) * 3,  # room for identical titles folded into one
        "_source": ["title"],
        "sort": ["_score", {"published_at": {"order": "desc", "missing": "_last"}}],
    }


def build_live_items(item_ids: list[str], viewer: Viewer) -> dict[str, Any]:
    """The live items among `item_ids` that the viewer may see, as result cards."""
    return {
        "query": {"bool": {"filter": [*access_filters(viewer), {"ids": {"values": item_ids}}]}},
        "size": len(item_ids),
        "_source": list(HIT_SOURCE),
    }


def build_get_item(item_id: str, viewer: Viewer) -> dict[str, Any]:
    """One document by id, only when the viewer may see it (any status: an expired job's
    page still says what it was)."""
    return {
        "query": {"bool": {"filter": [visibility_filter(viewer), {"ids": {"values": [item_id]}}]}},
        "size": 1,
        "_source": {"excludes": ["text", "suggest"]},
    }


def build_more_from_organisation(
    organisation: str, viewer: Viewer, exclude_id: str = "", size: int = 5
) -> dict[str, Any]:
    """The organisation's other live listings the viewer may see, newest first."""
    return {
        "query": {
            "bool": {
                "filter": [*access_filters(viewer), {"term": {"organisation": organisation}}],
                "must_not": [{"ids": {"values": [exclude_id]}}] if exclude_id else [],
            }
        },
        "size": min(max(size, 1), MAX_CLAUSES),
        "sort": [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": "asc"}],
        "_source": list(HIT_SOURCE),
    }
