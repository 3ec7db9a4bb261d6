"""The query builder against the real node: the box's syntax, typos, synonyms, facets, sorts,
stable pages, and the access filter on every way in (hits, counts, suggestions, single items).

Items go in through the project's own path: catalog (store_items) then sync_index.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from sqlalchemy.orm import Session, sessionmaker

from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.items import store_items
from catalog.records import ParsedItem
from catalog.sources import add_source
from ground.settings import Settings
from indexer.client import make_client
from indexer.cursors import Cursor, close_point_in_time, open_point_in_time
from indexer.lookups import get_item, more_from_organisation, suggest
from indexer.names import IndexNames
from indexer.query.access import Viewer
from indexer.query.request import SearchRequest
from indexer.search import SearchResults, search
from indexer.sync import sync_index

pytestmark = pytest.mark.sqlite_only

NOW = datetime.now(UTC)
ANON = Viewer()
ALUMNI = Viewer(member_of=("chicago-alumni",))


def _job(title: str, org: str, days_ago: float, **details: Any) -> ParsedItem:
    summary = str(details.pop("summary", f"{title} at {org}."))
    return ParsedItem(
        url=f"https://jobs.example/{title.lower().replace(' ', '-')}",
        title=title,
        summary=summary,
        body=f"<p>{summary}</p>",
        organisation=org,
        location=str(details.get("city", "")),
        published_at=NOW - timedelta(days=days_ago),
        details=details,
    )


def _event(title: str, in_days: float, attendance: str) -> ParsedItem:
    start = NOW + timedelta(days=in_days)
    return ParsedItem(
        url=f"https://events.example/{title.lower().replace(' ', '-')}",
        title=title,
        kind="event",
        summary=f"{title}: an evening for members and guests.",
        organisation="Bay Area Finance Leaders",
        published_at=NOW - timedelta(days=30),
        details={
            "event": {
                "start": start.isoformat(),
                "end": (start + timedelta(hours=2)).isoformat(),
                "timezone": "America/Los_Angeles",
                "attendance": attendance,
                "venue": "Civic Library",
                "status": "scheduled",
            }
        },
    )


SALARY_200K = {"annual_min": 200_000, "annual_max": 240_000, "currency": "USD", "period": "year"}
SALARY_90K = {"annual_min": 90_000, "annual_max": 110_000, "currency": "USD", "period": "year"}

FINANCE_JOBS = [
    _job(
        "VP Finance",
        "Acme Robotics",
        2,
        city="San Francisco",
        remote="onsite",
        employment_type="full-time",
        salary=SALARY_200K,
    ),
    _job(
        "Vice President, Finance",
        "Midwest Precision Manufacturing",
        20,
        city="Milwaukee",
        employment_type="full-time",
        salary=SALARY_200K,
    ),
    _job("Chief Financial Officer", "Sequoia Learning", 10, city="Palo Alto"),
    _job(
        "Corporate Controller",
        "Baylight Energy",
        0.25,
        city="Oakland",
        remote="hybrid",
        employment_type="full-time",
    ),
    _job(
        "Senior Financial Analyst",
        "Northwind Health",
        40,
        remote="remote",
        employment_type="contract",
        salary=SALARY_90K,
        summary="Budgeting and forecasting for a remote team.",
    ),
    _job(
        "Tax Analyst",
        "Baylight Energy",
        3,
        remote="remote",
        employment_type="part-time",
        summary="Financial reporting support; tax provisions; no travel.",
    ),
    _job(
        "Grants & Contracts Manager <Nonprofit>",
        "Youth Forward Oakland",
        5,
        city="Oakland",
        summary="Grant budgets & reports, <b>not bold</b>.",
    ),
]
EVENTS = [
    _event("Workshop: Forecasting with Python", 3, "online"),
    _event("Rust for Python developers", 20, "in-person"),
    _event("Holiday social and résumé swap", 60, "mixed"),
]
ALUMNI_JOBS = [
    _job(
        "Data Engineer",
        "Lakeview Logistics",
        5,
        city="Chicago",
        summary="Python pipelines for freight data.",
    ),
]
MEMBER_ONLY_JOBS = [
    _job(
        "Finance Director (confidential search)",
        "Zephyrine Health Partners",
        1,
        city="Chicago",
        summary="Confidential: Zephyrine's finance team.",
    ),
]


@dataclass(frozen=True)
class Corpus:
    client: Elasticsearch
    names: IndexNames
    settings: Settings
    sessions: sessionmaker[Session]

    def find(self, text: str = "", viewer: Viewer = ANON, **options: Any) -> SearchResults:
        return search(self.client, self.names, SearchRequest(text=text, **options), viewer)

    def titles(self, text: str = "", viewer: Viewer = ANON, **options: Any) -> list[str]:
        return [hit.title for hit in self.find(text, viewer, size=100, **options).hits]

    def add(self, community: str, items: list[ParsedItem], access: str = "public") -> None:
        with transaction(self.sessions) as session:
            url = f"https://{community}.example/{access}/{len(items)}-{items[0].title}.rss"
            source = add_source(session, community, url, access=access)
            store_items(session, source, items)
        sync_index(self.client, self.sessions, self.settings)
        self.client.indices.refresh(index=self.names.alias)


@pytest.fixture
def corpus(catalog: Settings) -> Iterator[Corpus]:
    engine = make_engine(catalog.resolved_database_url)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        add_community(session, "Bay Area Finance Leaders", slug="bay-finance")
        add_community(session, "Chicago Alumni", slug="chicago-alumni")
    client = make_client(catalog)
    found = Corpus(client, IndexNames(catalog.index_prefix), catalog, sessions)
    found.add("bay-finance", FINANCE_JOBS + EVENTS)
    found.add("chicago-alumni", ALUMNI_JOBS)
    found.add("chicago-alumni", MEMBER_ONLY_JOBS, access="members")
    yield found
    client.close()
    engine.dispose()


def test_phrases_exclusion_or_and_field_filters(corpus: Corpus) -> None:
    assert corpus.titles('"financial analyst"') == ["Senior Financial Analyst"]
    assert set(corpus.titles("analyst")) == {"Senior Financial Analyst", "Tax Analyst"}
    assert corpus.titles("analyst -tax") == ["Senior Financial Analyst"]
    assert corpus.titles('analyst -"no travel"') == ["Senior Financial Analyst"]
    assert set(corpus.titles("rust OR workshop")) == {
        "Rust for Python developers",
        "Workshop: Forecasting with Python",
    }
    assert corpus.titles('org:"Baylight Energy" title:controller') == ["Corporate Controller"]
    assert corpus.titles("python in:jobs") == ["Data Engineer"]
    assert corpus.titles("python community:chicago-alumni") == ["Data Engineer"]
    # What Lucene would read as syntax is only text here.
    for hostile in ['title:(a OR b)^9 "x', "a~2 b* /x/ {1 TO 2} \\ ! +", "-", 'OR "" -"']:
        assert corpus.find(hostile).total >= 0


def test_typos_are_forgiven_in_text_never_in_organisations(corpus: Corpus) -> None:
    assert corpus.titles("controler") == ["Corporate Controller"]
    assert corpus.titles("finantial analist")[0] == "Senior Financial Analyst"
    assert corpus.titles("Baylight") == ["Corporate Controller", "Tax Analyst"]
    assert corpus.titles("Baylite") == []  # a name only in the organisation field: exact only
    assert corpus.titles("org:Baylite") == []


def test_job_title_synonyms_expand_in_the_query(corpus: Corpus) -> None:
    vp = set(corpus.titles("VP Finance"))
    assert {"VP Finance", "Vice President, Finance"} <= vp
    assert {"VP Finance", "Vice President, Finance"} <= set(corpus.titles("vice president"))
    assert corpus.titles("CFO") == ["Chief Financial Officer"]
    assert corpus.titles("chief financial officer") == ["Chief Financial Officer"]
    assert corpus.titles("sr financial analyst") == ["Senior Financial Analyst"]


def _counts(results: SearchResults, facet: str) -> dict[str, int]:
    return {value.value: value.count for value in results.facets[facet]}


def test_facets_show_no_empty_entry(corpus: Corpus) -> None:
    """Issue 24, point 4: a listing with no employer or city is counted, but under no label."""
    corpus.add("bay-finance", [_job("Bookkeeper", "", 1), _job("Payroll Clerk", "", 2)])
    everything = corpus.find()
    for facet in ("organisation", "location", "remote", "employment_type", "community"):
        assert all(value.value.strip() for value in everything.facets[facet]), facet
    assert _counts(everything, "organisation")["Baylight Energy"] == 2
    assert everything.total == 13


def test_facet_counts_stay_right_under_combined_filters(corpus: Corpus) -> None:
    everything = corpus.find()
    assert _counts(everything, "kind") == {"job": 8, "event": 3}
    assert everything.total == 11

    picked = corpus.find(kinds=("job",), remote=("remote",))
    assert picked.total == 2
    assert _counts(picked, "kind") == {"job": 2}  # jobs or events that are remote: only jobs
    assert _counts(picked, "remote") == {"onsite": 1, "hybrid": 1, "remote": 2}  # among jobs
    assert _counts(picked, "employment_type") == {"contract": 1, "part-time": 1}
    assert [v.value for v in picked.facets["remote"] if v.selected] == ["remote"]

    paid = corpus.find(salary_band="100k", employment_types=("full-time",))
    assert set(t.title for t in paid.hits) == {"VP Finance", "Vice President, Finance"}
    assert _counts(paid, "salary_band") == {"50k": 2, "100k": 2, "150k": 2, "200k": 2}
    assert _counts(paid, "employment_type") == {"full-time": 2, "contract": 1}

    recent = corpus.find(posted_within="day")
    assert [h.title for h in recent.hits] == ["Corporate Controller"]
    assert _counts(recent, "posted_within")["week"] == 5  # the member-only one is not counted
    soon = corpus.find(upcoming="week")
    assert [h.title for h in soon.hits] == ["Workshop: Forecasting with Python"]
    assert _counts(soon, "upcoming") == {"week": 1, "month": 2}
    online = corpus.find(attendance="online")
    assert {h.title for h in online.hits} == {
        "Workshop: Forecasting with Python",
        "Holiday social and résumé swap",
    }
    in_person = corpus.find(attendance="in_person", upcoming="month")
    assert [h.title for h in in_person.hits] == ["Rust for Python developers"]


def test_sort_orders(corpus: Corpus) -> None:
    newest = corpus.titles(sort="newest", kinds=("job",))
    assert newest[:2] == ["Corporate Controller", "VP Finance"]
    assert newest[-1] == "Senior Financial Analyst"
    events = corpus.titles(sort="event_date", kinds=("event",))
    assert events == [
        "Workshop: Forecasting with Python",
        "Rust for Python developers",
        "Holiday social and résumé swap",
    ]


def test_recency_does_not_bury_an_exact_title_match(corpus: Corpus) -> None:
    # The 40-day-old exact title beats a 3-day-old posting with the words in its summary.
    assert corpus.titles("financial analyst")[0] == "Senior Financial Analyst"


def test_highlights_are_html_encoded(corpus: Corpus) -> None:
    hit = corpus.find("grants").hits[0]
    assert str(hit.title_html) == "<mark>Grants</mark> &amp; Contracts Manager &lt;Nonprofit&gt;"
    assert "<b>" not in str(hit.snippet_html)


def test_marks_follow_what_each_field_was_searched_for(corpus: Corpus) -> None:
    # A typed word is marked in the title and in the summary's snippet.
    analyst = next(h for h in corpus.find("forecasting").hits if h.title.startswith("Senior"))
    assert "<mark>forecasting</mark>" in str(analyst.snippet_html)
    # A `title:` word is marked in the title; an `org:` name, which searched no title, is not.
    tax = corpus.find("title:analyst org:baylight").hits[0]
    assert str(tax.title_html) == "Tax <mark>Analyst</mark>"
    # A synonym's phrase is marked where it was found; an excluded word names no hit.
    cfo = corpus.find("cfo -vice").hits
    assert [str(h.title_html) for h in cfo] == ["<mark>Chief Financial Officer</mark>"]


def test_kind_specific_fields_reach_the_hit(corpus: Corpus) -> None:
    job = corpus.find('"VP Finance"').hits[0]
    assert job.salary and job.salary.min == 200_000 and job.salary.currency == "USD"
    assert job.employment_type == "full-time" and job.remote == "onsite"
    event = corpus.find("rust").hits[0]
    assert event.event and event.event.attendance == "in-person"
    assert event.event.venue == "Civic Library" and event.event.start


def test_result_cards_lose_nothing_to_the_trimmed_source(corpus: Corpus) -> None:
    # The page asks for only the fields a card shows (HIT_SOURCE); each card must come out as
    # it does from the whole stored document (an item's own page reads that).
    hits = corpus.find(viewer=ALUMNI, size=100).hits
    assert len(hits) == 12
    for hit in hits:
        assert get_item(corpus.client, corpus.names, hit.id, ALUMNI) == hit
    assert {h.kind for h in hits} == {"job", "event"}
    assert any(h.salary for h in hits) and any(h.event and h.event.venue for h in hits)


def test_search_after_with_a_point_in_time_is_stable_while_items_arrive(corpus: Corpus) -> None:
    pit = open_point_in_time(corpus.client, corpus.names)
    try:
        first = corpus.find(sort="newest", size=4, pit_id=pit)
        assert first.next_cursor is not None
        corpus.add("bay-finance", [_job("Payroll Specialist", "Baylight Energy", 0)])
        cursor: Cursor | None = first.next_cursor
        seen = [h.title for h in first.hits]
        while cursor is not None:
            page = corpus.find(
                sort="newest", size=4, pit_id=cursor.pit_id, search_after=cursor.search_after
            )
            seen += [h.title for h in page.hits]
            cursor = page.next_cursor
    finally:
        close_point_in_time(corpus.client, pit)
    assert len(seen) == len(set(seen)) == 11
    assert "Payroll Specialist" not in seen  # arrived after the point in time
    assert corpus.titles("payroll") == ["Payroll Specialist"]  # a new search sees it


def test_did_you_mean_when_little_is_found(corpus: Corpus) -> None:
    results = corpus.find("forcasting workshp")
    assert results.suggestion == "forecasting workshop"
    assert corpus.find("forecasting").suggestion == ""


def test_member_only_items_stay_with_members(corpus: Corpus) -> None:
    secret = "Finance Director (confidential search)"
    assert secret not in corpus.titles("finance director")
    assert secret in corpus.titles("finance director", ALUMNI)
    assert corpus.find("zephyrine").total == 0
    assert corpus.find("zephyrine", ALUMNI).total == 1
    # Counts: the member-only job counts for members only.
    assert _counts(corpus.find(), "kind")["job"] == 8
    assert _counts(corpus.find(viewer=ALUMNI), "kind")["job"] == 9
    assert "Zephyrine Health Partners" not in _counts(corpus.find(), "organisation")
    assert _counts(corpus.find(posted_within="week"), "posted_within")["day"] == 1
    # Suggestions: as you type, and "did you mean".
    assert secret not in suggest(corpus.client, corpus.names, "finance dir", ANON)
    assert secret in suggest(corpus.client, corpus.names, "finance dir", ALUMNI)
    assert corpus.find("confidentail").suggestion == ""
    assert corpus.find("confidentail", ALUMNI).suggestion == "confidential"
    # Single items and their neighbours.
    member_hit = corpus.find("zephyrine", ALUMNI).hits[0]
    assert get_item(corpus.client, corpus.names, member_hit.id, ANON) is None
    item = get_item(corpus.client, corpus.names, member_hit.id, ALUMNI)
    assert item is not None and item.title == secret


def test_more_from_the_same_organisation(corpus: Corpus) -> None:
    controller = corpus.find("controller").hits[0]
    others = more_from_organisation(corpus.client, corpus.names, controller, ANON)
    assert [h.title for h in others] == ["Tax Analyst"]
