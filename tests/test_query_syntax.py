"""The search box's syntax, the synonym dictionary and the query builder, without Elasticsearch."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from indexer.cursors import Cursor
from indexer.query.access import Viewer, visibility_filter
from indexer.query.items import build_get_item
from indexer.query.page import build_search
from indexer.query.request import MAX_PAGE_SIZE, SearchRequest
from indexer.query.suggestions import build_prefix_suggest
from indexer.query_syntax import MAX_QUERY_LENGTH, ParsedQuery, Term, parse_query
from indexer.synonyms import job_title_synonyms, parse_synonyms, words


def _required(query: str) -> list[list[str]]:
    return [[t.text for t in group] for group in parse_query(query).required]


def test_plain_words_are_each_required() -> None:
    assert _required("financial analyst") == [["financial"], ["analyst"]]


def test_quoted_phrases_keep_their_words_together() -> None:
    parsed = parse_query('"revenue cycle" director')
    assert parsed.required == ((Term("revenue cycle", phrase=True),), (Term("director"),))


def test_minus_excludes_words_and_phrases() -> None:
    parsed = parse_query('analyst -contract -"part time"')
    assert parsed.excluded == (Term("contract"), Term("part time", phrase=True))
    assert _required("analyst -contract") == [["analyst"]]


def test_or_joins_the_clauses_beside_it() -> None:
    assert _required("python OR rust workshop") == [["python", "rust"], ["workshop"]]
    assert _required("a OR b OR c") == [["a", "b", "c"]]
    assert _required('"data science" OR analytics') == [["data science", "analytics"]]


@pytest.mark.parametrize("query", ["OR", "OR python", "python OR", "OR OR python OR OR"])
def test_a_dangling_or_is_dropped(query: str) -> None:
    assert _required(query) in ([], [["python"]])


def test_lowercase_or_and_and_are_words_or_ignored() -> None:
    assert _required("research or development") == [["research"], ["or"], ["development"]]
    assert _required("finance AND director") == [["finance"], ["director"]]


def test_field_filters() -> None:
    parsed = parse_query('org:"Acme Robotics" title:controller in:jobs community:bay-finance')
    assert parsed.organisations == ("Acme Robotics",)
    assert parsed.titles == (Term("controller"),)
    assert parsed.kinds == ("job",)
    assert parsed.communities == ("bay-finance",)
    assert parsed.required == ()


@pytest.mark.parametrize(
    ("value", "kind"),
    [("jobs", "job"), ("job", "job"), ("events", "event"), ("Resources", "resource")],
)
def test_in_accepts_singular_and_plural(value: str, kind: str) -> None:
    assert parse_query(f"in:{value}").kinds == (kind,)


def test_field_names_are_case_insensitive_and_values_may_be_phrases() -> None:
    parsed = parse_query('TITLE:"senior accountant" Org:Baylight')
    assert parsed.titles == (Term("senior accountant", phrase=True),)
    assert parsed.organisations == ("Baylight",)


def test_filters_with_values_they_cannot_take_are_dropped() -> None:
    parsed = parse_query("in:nowhere community:Bad/Slug community:../etc title: org:")
    assert parsed == ParsedQuery()


def test_an_unknown_field_is_searched_as_words() -> None:
    assert _required("ratio:2") == [["ratio 2"]]
    assert _required("https://example.org/jobs") == [["https //example.org/jobs"]]


def test_excluded_filters_exclude_their_value() -> None:
    assert parse_query("-org:Acme analyst").excluded == (Term("Acme"),)


@pytest.mark.parametrize(
    "query",
    ["", "   ", "-", "- -", '"', '""', '" "', '-""', "--", '-"', "OR", "AND", "()", "*", "?"],
)
def test_nothing_searchable_is_an_empty_query(query: str) -> None:
    assert parse_query(query).is_empty
    assert parse_query(query).excluded == ()


def test_unbalanced_quotes_close_at_the_end() -> None:
    assert parse_query('"revenue cycle').required == ((Term("revenue cycle", phrase=True),),)
    assert _required('director "') == [["director"]]


def test_control_characters_are_spaces() -> None:
    assert _required("data\x00engineer\x1b[31m\u200b") == [["data"], ["engineer"], ["[31m"]]


def test_the_box_is_capped_in_length_and_clauses() -> None:
    parsed = parse_query("word " * 1000)
    assert len(parsed.required) == 1  # the same word, once
    many = parse_query(" ".join(f"w{n}" for n in range(400)))
    assert len(many.required) == 32
    long_word = parse_query("x" * 10_000)
    assert len(long_word.required[0][0].text) == MAX_QUERY_LENGTH


@pytest.mark.parametrize(
    "hostile",
    [
        'title:(a OR b) AND org:x^10 "unterminated',
        "a~2 b* c? /regex/ {1 TO 2} [a TO z] \\ && || ! +must",
        "<script>alert(1)</script>",
        '{"query": {"match_all": {}}}',
        "🙂 café Ünïcödé \uff36\uff30",
        "\u202eevil\u202c",
        "-" * 600,
        '"' * 501,
        "OR " * 300,
        "in:" * 200,
    ],
)
def test_hostile_input_never_raises_and_builds_only_structured_queries(hostile: str) -> None:
    parsed = parse_query(hostile)
    assert len(hostile[:MAX_QUERY_LENGTH]) >= len(parsed.free_text[:MAX_QUERY_LENGTH])
    bodies = build_search(SearchRequest(text=hostile), Viewer())
    keys = set(_all_keys(bodies.hits)) | set(_all_keys(bodies.facets))
    assert not keys & {"query_string", "simple_query_string", "regexp", "wildcard", "script"}


def test_synonym_dictionary_format() -> None:
    synonyms = parse_synonyms(
        "# a comment\nvp, vice president\n\npm => pm, product manager\nsr., senior # trailing"
    )
    assert synonyms.expansions[("vp",)] == ("vp", "vice president")
    assert synonyms.expansions[("vice", "president")] == ("vice president", "vp")
    assert synonyms.expansions[("pm",)] == ("pm", "product manager")
    assert ("product", "manager") not in synonyms.expansions  # one way only
    assert synonyms.expansions[("sr",)] == ("sr", "senior")


def test_the_maintained_dictionary_covers_common_titles() -> None:
    synonyms = job_title_synonyms()
    for short, long in [
        ("vp", "vice president"),
        ("cfo", "chief financial officer"),
        ("sr", "senior"),
        ("jr", "junior"),
        ("mgr", "manager"),
        ("dir", "director"),
        ("swe", "software engineer"),
        ("rn", "registered nurse"),
        ("cpa", "certified public accountant"),
    ]:
        assert long in synonyms.expansions[words(short)]
        assert short in synonyms.expansions[words(long)]
    pm = synonyms.expansions[("pm",)]
    assert {"product manager", "project manager", "program manager"} <= set(pm)
    assert "project manager" not in synonyms.expansions[("product", "manager")]
    lines = [line for line in _dictionary_lines() if "," in line or "=>" in line]
    assert len(lines) >= 60


def _dictionary_lines() -> list[str]:
    from importlib import resources

    text = resources.files("indexer").joinpath("job_title_synonyms.txt").read_text("utf-8")
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def test_longest_synonym_wins() -> None:
    synonyms = job_title_synonyms()
    length, phrases = synonyms.longest_match(("senior", "vice", "president", "finance"), 0)
    assert length == 3 and "svp" in phrases


def _all_keys(value: object) -> list[str]:
    if isinstance(value, dict):
        return [k for k in value] + [k for v in value.values() for k in _all_keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in _all_keys(v)]
    return []


def test_fuzziness_only_on_text_fields() -> None:
    body = build_search(SearchRequest(text="controler oakland"), Viewer()).hits
    fuzzy = [
        clause
        for clause in _clauses(body["query"])
        if isinstance(clause, dict) and "fuzziness" in clause
    ]
    assert fuzzy
    for clause in fuzzy:
        fields = clause.get("fields", [])
        assert all(f.split("^")[0] in {"title", "summary", "text"} for f in fields)


def _clauses(value: object) -> list[object]:
    if isinstance(value, dict):
        return [value, *(c for v in value.values() for c in _clauses(v))]
    if isinstance(value, list):
        return [c for v in value for c in _clauses(v)]
    return []


def test_access_and_status_stay_in_the_main_query_filter() -> None:
    viewer = Viewer(member_of=("chicago-alumni",))
    request = SearchRequest(text="finance", kinds=("job",), remote=("remote",), salary_band="100k")
    bodies = build_search(request, viewer)
    body = bodies.hits
    assert visibility_filter(viewer) in body["query"]["bool"]["filter"]
    assert {"term": {"status": "active"}} in body["query"]["bool"]["filter"]
    assert "visibility" not in json.dumps(body["post_filter"])
    # The facet counts run inside the same query and access filter, never beside them.
    assert visibility_filter(viewer) in bodies.facets["query"]["bool"]["filter"]
    assert "visibility" not in json.dumps(bodies.facets["aggs"])


def test_each_facet_is_counted_under_the_other_picks_only() -> None:
    body = build_search(SearchRequest(kinds=("job",), remote=("remote",)), Viewer()).facets
    kind_filter = json.dumps(body["aggs"]["kind"]["filter"])
    remote_filter = json.dumps(body["aggs"]["remote"]["filter"])
    assert '"remote"' in kind_filter and '"kind"' not in kind_filter
    assert '"kind"' in remote_filter and '"remote": ["remote"]' not in remote_filter


def test_limits_on_page_size_query_length_and_choices() -> None:
    request = SearchRequest(
        text="x" * 5000, size=10_000, page=-3, sort="random", salary_band="1M", kinds=("spam",)
    ).clamped()
    assert len(request.text) == MAX_QUERY_LENGTH
    assert request.size == MAX_PAGE_SIZE and request.page == 1
    assert request.sort == "relevance" and request.salary_band == "" and request.kinds == ()


def test_search_after_replaces_from_and_a_pit_names_no_index() -> None:
    bodies = build_search(SearchRequest(search_after=(1.5, "abc"), pit_id="p1"), Viewer())
    body = bodies.hits
    assert "from" not in body and body["search_after"] == [1.5, "abc"]
    assert body["pit"]["id"] == "p1" and bodies.facets["pit"]["id"] == "p1"


@pytest.mark.parametrize("sort", ["relevance", "newest", "event_date"])
def test_every_sort_ends_with_a_unique_tiebreak(sort: str) -> None:
    body = build_search(SearchRequest(text="analyst", sort=sort), Viewer()).hits
    assert body["sort"][-1] == {"id": "asc"}


def test_a_page_reads_no_clock_so_its_facet_counts_can_be_cached() -> None:
    """Dates are anchored at the start of the hour: the same instants as the node's own
    rounded "now", and no "now" left for Elasticsearch to read."""
    now = datetime(2026, 11, 26, 8, 41, 5, tzinfo=UTC)
    request = SearchRequest(text="analyst", posted_within="day", upcoming="week")
    bodies = build_search(request, Viewer(), now)
    text = json.dumps([bodies.hits, bodies.facets])
    assert '"now' not in text
    assert '"2026-11-26T08:00:00Z||-1d/h"' in text  # posted within a day
    assert '"2026-11-26T08:00:00Z||+7d/d"' in text  # upcoming this week
    assert '"origin": "2026-11-26T08:00:00Z||/d"' in text  # recency
    assert bodies.facets["size"] == 0 and "highlight" not in bodies.facets
    # A visitor who types "now" still searches for "now".
    typed = build_search(SearchRequest(text="nowhere now"), Viewer(), now)
    assert "nowhere now" in json.dumps(typed.hits)


def test_suggestions_and_single_items_use_the_access_filter() -> None:
    viewer = Viewer(member_of=("product-guild",))
    for body in (build_prefix_suggest("pro", viewer), build_get_item("abc", viewer)):
        assert visibility_filter(viewer) in body["query"]["bool"]["filter"]


def test_cursors_survive_a_round_trip_and_garbage_is_refused() -> None:
    cursor = Cursor((12.5, 1_700_000_000_000, "abc", 7), "pit-id==")
    assert Cursor.decode(cursor.encode()) == cursor
    for garbage in ["", "not base64!", "W10=", "x" * 5000, "WzEsMl0=", "W1t7fV0sInAiXQ=="]:
        assert Cursor.decode(garbage) is None
    # Well-formed tokens whose values Elasticsearch never gives out: a number past a long, an
    # infinity, a lone surrogate (valid JSON, not UTF-8), a boolean.
    for value in ("1" * 30, "1e999", '"\\ud800"', "true"):
        raw = f'[[{value}],"pit"]'.encode()
        assert Cursor.decode(base64.urlsafe_b64encode(raw).decode()) is None
    assert Cursor.decode(base64.urlsafe_b64encode(b'[[1],"\\udfff"]').decode()) is None
