"""No dead ends (issue 24, point 7): when no listing has every word, the best partial matches
are shown and the page says so; a word naming a kind of listing finds listings of that kind.
Against the real node, items in through the catalog and the index sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from parsel import Selector

from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction
from catalog.items import store_items
from catalog.records import ParsedItem
from catalog.sources import add_source
from ground.settings import Settings
from indexer.client import make_client
from indexer.names import IndexNames
from indexer.query.access import Viewer
from indexer.query.matching import build_count
from indexer.query.request import SearchRequest
from indexer.search import search
from indexer.sync import sync_index
from webapp import create_app

pytestmark = pytest.mark.sqlite_only
NOW = datetime.now(UTC)


def _item(title: str, summary: str, kind: str = "job", **details: object) -> ParsedItem:
    slug = title.lower().replace(" ", "-").replace(":", "")
    return ParsedItem(
        url=f"https://board.example/{slug}",
        title=title,
        kind=kind,
        summary=summary,
        body=f"<p>{summary}</p>",
        organisation="Tandem Labs",
        published_at=NOW - timedelta(days=2),
        details=dict(details),
    )


START = (NOW + timedelta(days=9)).isoformat()
LISTINGS = [
    _item("Backend Software Engineer", "Python services for fleet data. Location: Oakland."),
    _item("Software Engineer, Payments", "Card payments in Go. Location: Remote (US)."),
    _item("Payroll Specialist", "Run payroll for 300 staff."),
    _item(
        "Tech networking night", "Meet local builders over pizza.", "event", event={"start": START}
    ),
    _item(
        "Founders networking breakfast",
        "Coffee and introductions.",
        "event",
        event={"start": START},
    ),
    _item("How to network at conferences", "A guide to networking.", "resource"),
]


@pytest.fixture
def indexed(catalog: Settings) -> Settings:
    engine = make_engine(catalog.resolved_database_url)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        add_community(session, "East Bay Tech", slug="east-bay")
        source = add_source(session, "east-bay", "https://east-bay.example/all.rss")
        store_items(session, source, LISTINGS)
    client = make_client(catalog)
    sync_index(client, sessions, catalog)
    client.indices.refresh(index=IndexNames(catalog.index_prefix).alias)
    client.close()
    engine.dispose()
    return catalog


def _find(settings: Settings, text: str) -> tuple[list[str], bool]:
    client = make_client(settings)
    try:
        found = search(
            client, IndexNames(settings.index_prefix), SearchRequest(text=text), Viewer()
        )
    finally:
        client.close()
    return [hit.title for hit in found.hits], found.request.relaxed


def test_kind_words_find_listings_of_that_kind(indexed: Settings) -> None:
    titles, relaxed = _find(indexed, "networking events")
    assert set(titles) == {"Tech networking night", "Founders networking breakfast"}
    assert not relaxed  # every word matched: "events" by the listings' kind
    titles, _ = _find(indexed, "networking resources")
    assert titles == ["How to network at conferences"]


def test_when_no_listing_has_every_word_the_closest_are_shown_and_said(
    indexed: Settings,
) -> None:
    titles, relaxed = _find(indexed, "remote software engineer kubernetes")
    assert relaxed
    assert titles[0] == "Software Engineer, Payments"  # remote, software and engineer
    assert "Backend Software Engineer" in titles and "Payroll Specialist" not in titles
    # Exclusions and fields still hold when the words are relaxed.
    titles, relaxed = _find(indexed, "software engineer kubernetes -payments")
    assert relaxed and titles == ["Backend Software Engineer"]
    # Nothing close at all is still nothing, and not called relaxed.
    assert _find(indexed, "zebra quokka") == ([], False)
    # One word that matches nothing has nothing to drop.
    assert _find(indexed, "kubernetes") == ([], False)


def test_the_page_and_the_api_say_the_words_were_relaxed(indexed: Settings) -> None:
    client: FlaskClient = create_app(indexed, {"TESTING": True}).test_client()
    page = Selector(text=client.get("/?q=software+engineer+kubernetes").get_data(as_text=True))
    note = " ".join(page.css("#relaxed ::text").getall())
    assert "No listing has all of “software engineer kubernetes”" in note
    headings = ["".join(h.css("::text").getall()) for h in page.css("h2")]
    assert "Backend Software Engineer" in headings
    answer = client.get("/api/search?q=software+engineer+kubernetes").get_json()
    assert answer["relaxed"] is True and answer["total"] == 2
    strict = client.get("/api/search?q=software+engineer").get_json()
    assert strict["relaxed"] is False and strict["total"] == 2
    assert "#relaxed" not in client.get("/?q=software+engineer").get_data(as_text=True)


def test_saved_searches_still_ask_for_every_word(indexed: Settings) -> None:
    """Alerts and counts replay the strict query: a relaxed page is no reason to send mail."""
    client = make_client(indexed)
    try:
        body = build_count(SearchRequest(text="software engineer kubernetes"), Viewer())
        counted = client.count(index=IndexNames(indexed.index_prefix).alias, **body)["count"]
    finally:
        client.close()
    assert counted == 0
