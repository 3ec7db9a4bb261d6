"""A job's location and work mode read from its feed entry's text when the entry gives none
(issue 24, point 7): labelled lines in a few languages, never a place named in passing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from parsel import Selector

from catalog.records import ParsedItem
from crawlers.enrich import enrich
from crawlers.enrichment.text_location import TextPlace, text_place
from crawlers.enrichment.work_mode import work_mode
from crawlers.feeds import parse
from ground.settings import Settings
from indexer.client import make_client
from indexer.names import IndexNames
from indexer.query.access import Viewer
from indexer.query.request import SearchRequest
from indexer.search import search
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from webapp import create_app

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _rss(description: str, title: str = "Software Engineer", extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:job="http://mutual.example/ns/job"><channel><title>Jobs</title>
<item><title>{title}</title><link>https://board.example/jobs/1</link>{extra}
<description><![CDATA[{description}]]></description></item>
</channel></rss>""".encode()


def _job(body: bytes, kind: str = "job", content_type: str | None = None) -> ParsedItem:
    items = parse("https://board.example/feed", body, kind, NOW, content_type).items
    assert len(items) == 1
    return enrich(items[0])


def _place(item: ParsedItem) -> dict[str, Any]:
    keys = ("city", "region", "country", "remote")
    return {"location": item.location} | {k: item.details[k] for k in keys if k in item.details}


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            "<p>Payments in Go.</p><p>Location: Remote</p>",
            {"location": "Remote", "remote": "remote"},
        ),
        (
            "<p>Where: Berlin, Germany</p><p>Python, Postgres.</p>",
            {"location": "Berlin, Germany", "city": "Berlin", "country": "DE"},
        ),
        ("<p>Lieu : Paris</p>", {"location": "Paris"}),
        ("<p>Lieu\u00a0: Télétravail</p>", {"location": "Télétravail", "remote": "remote"}),
        ("<p>Ort: München</p>", {"location": "München"}),
        ("<p>Arbeitsort: Homeoffice</p>", {"location": "Homeoffice", "remote": "remote"}),
        (
            "<p>Ubicación: Madrid (Híbrido)</p>",
            {"location": "Madrid (Híbrido)", "remote": "hybrid"},
        ),
        ("<p>Sede di lavoro: Milano</p>", {"location": "Milano"}),
        ("<p>Standplaats: Utrecht</p>", {"location": "Utrecht"}),
        ("<ul><li><b>Job location:</b> Denver, CO</li></ul>", {"location": "Denver, CO"} | {}),
        # A label inside a sentence, when the place parser knows what follows it.
        (
            "Card payments in Go. Location: Remote (US). Apply by Friday.",
            {"location": "Remote (US)", "country": "US", "remote": "remote"},
        ),
        (
            "<p>We ship weekly. Work location: St. Louis, MO. Benefits from day one.</p>",
            {"location": "St. Louis, MO", "city": "St. Louis", "region": "MO", "country": "US"},
        ),
        # The label alone, its value on the next line (a definition list, a table).
        ("<dl><dt>Location</dt><dd>Remote - US</dd></dl>", {"location": "Remote - US"}),
        (
            "<table><tr><td>Lieu</td><td>Lyon, France</td></tr></table>",
            {"location": "Lyon, France"},
        ),
    ],
)
def test_a_labelled_location_in_the_text_is_read(
    description: str, expected: dict[str, str]
) -> None:
    found = _place(_job(_rss(description)))
    assert {k: found.get(k) for k in expected} == expected
    if expected["location"] == "Denver, CO":
        assert found["city"] == "Denver" and "remote" not in found


def test_the_place_is_derived_as_from_a_posted_location() -> None:
    item = _job(_rss("<p>Location: Chicago, IL (Hybrid)</p>"))
    assert _place(item) == {
        "location": "Chicago, IL (Hybrid)",
        "city": "Chicago",
        "region": "IL",
        "country": "US",
        "remote": "hybrid",
    }


def test_a_work_mode_label_gives_the_work_mode() -> None:
    item = _job(_rss("<p>Location: Austin, TX</p><p>Workplace type: Hybrid</p>"))
    assert _place(item) == {
        "location": "Austin, TX",
        "city": "Austin",
        "region": "TX",
        "country": "US",
        "remote": "hybrid",
    }
    item = _job(_rss("<p>Modalidad: Remoto</p>", extra="<job:location>Madrid</job:location>"))
    assert _place(item) == {"location": "Madrid", "remote": "remote"}


@pytest.mark.parametrize(
    "description",
    [
        # Places and work modes in prose are not stated locations (the work mode is read from a
        # location, a hint or a title segment, never from the body's prose).
        "<p>Our Chicago office is home to a remote-friendly team of twelve engineers.</p>",
        "<p>Join us in Berlin, Germany, or from anywhere in Europe.</p>",
        "<p>You will visit our location: Denver, CO once a quarter.</p>",
        # A label starting a line but followed by a sentence, not a place.
        "<p>Where: you will work with the design team on our payment flows and the API for "
        "merchants, shipping every week to thousands of shops.</p>",
        # Words that also start prose are never read inside a sentence.
        "<p>We are hiring. Where: Denver, CO.</p>",
        # A lone label whose next line is prose.
        "<h3>Location</h3><p>Our office sits by the river, ten minutes from the station.</p>",
        "<p>Location</p><p>Paris</p>",  # not a place the parser knows, so not after a lone label
    ],
)
def test_a_place_named_in_passing_is_not_a_location(description: str) -> None:
    assert _place(_job(_rss(description))) == {"location": ""}


def test_what_the_entry_states_wins_over_its_text() -> None:
    element = "<job:location>Oakland, CA</job:location>"
    assert _job(_rss("<p>Lieu : Paris</p>", extra=element)).location == "Oakland, CA"
    titled = _job(_rss("<p>Ort: München</p>", title="Data Engineer - Acme - Denver, CO"))
    assert (titled.title, titled.location) == ("Data Engineer", "Denver, CO")
    english = _job(_rss("<p>Location: Remote</p><p>Lieu : Paris</p>"))
    assert english.location == "Remote"


def test_atom_and_json_feed_entries_are_read_too() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Jobs</title><id>urn:x</id>
<entry><title>Platform Engineer</title><id>urn:x:1</id>
<link href="https://board.example/jobs/2"/><updated>2026-11-30T10:00:00Z</updated>
<content type="html">&lt;p&gt;Kubernetes.&lt;/p&gt;
&lt;p&gt;Standort: Remote (Germany)&lt;/p&gt;</content>
</entry></feed>"""
    assert _place(_job(atom)) == {
        "location": "Remote (Germany)",
        "country": "DE",
        "remote": "remote",
    }
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Jobs",
        "items": [
            {
                "id": "3",
                "url": "https://board.example/jobs/3",
                "title": "Software Engineer",
                "content_text": "Rust services.\nLocation: Remote\nSalary: $150,000",
            }
        ],
    }
    item = _job(json.dumps(feed).encode(), content_type="application/feed+json")
    assert _place(item) == {"location": "Remote", "remote": "remote"}


def test_the_text_read_is_bounded() -> None:
    filler = "<p>" + "Lorem ipsum dolor sit amet. " * 800 + "</p>"  # 22 kB of prose
    assert _job(_rss(filler + "<p>Lieu : Lyon, France</p>")).location == ""
    assert _job(_rss("<p>Lieu : Lyon, France</p>" + filler)).location == "Lyon, France"
    # A summary (2,000 characters) is read inside its sentences, only as far as it goes.
    assert _job(_rss("Lorem ipsum. " * 200 + "Lieu : Lyon, France.")).location == ""
    assert _job(_rss("Lorem ipsum. " * 20 + "Lieu : Lyon, France.")).location == "Lyon, France"


def test_events_keep_their_own_places() -> None:
    event = _job(_rss("<p>Where: Berlin, Germany</p>", title="Meetup"), kind="event")
    assert event.location == "" and "city" not in event.details


@pytest.mark.parametrize(
    ("location", "mode"),
    [
        ("Remoto", "remote"),
        ("100% remoto - España", "remote"),
        ("Télétravail", "remote"),
        ("Télétravail partiel", "hybrid"),
        ("Homeoffice", "remote"),
        ("teilweise Homeoffice", "hybrid"),
        ("Lyon (hybride)", "hybrid"),
        ("Madrid (Híbrido)", "hybrid"),
        ("Presencial", "onsite"),
        ("Home Office, London", ""),  # the UK ministry, not working from home
    ],
)
def test_work_modes_in_the_languages_of_labelled_lines(location: str, mode: str) -> None:
    assert work_mode(location) == mode


def test_a_list_of_places_is_not_read_as_one_city() -> None:
    item = _job(_rss("<p>Locations: Chicago, IL; Denver, CO</p>"))
    assert item.details.get("city") != "IL; Denver"


def test_text_place_reads_lines_and_the_summary() -> None:
    assert text_place(["Ubicación: Sevilla"]) == TextPlace("Sevilla")
    assert text_place(["Intro.", "Work mode: Remote"]) == TextPlace("", "Remote")
    assert text_place(["Work mode: flexible"]) == TextPlace()
    assert text_place([], "Great team. Location: London, UK. Apply.") == TextPlace("London, UK")
    assert text_place(["x" * 301 + " Location: Remote"]) == TextPlace()
    long_value = "Location: " + "Somewhere near the old harbour by the sea " * 3
    assert text_place([long_value]) == TextPlace()


# --- End to end: crawled from a local site, indexed, searched --------------------------------


def test_remote_software_engineer_finds_jobs_whose_text_says_remote(
    catalog: Settings, site: LocalSite
) -> None:
    run_mutual(catalog, "community", "add", "Bay Builders", "--slug", "bay-builders")
    feed = f"{site.base_url}/feeds/community-job-leads.rss"
    run_mutual(catalog, "source", "add", "bay-builders", feed, "--kind", "feed")
    crawl = run_mutual(catalog, "crawl")
    assert "1 fetched" in crawl.stdout, crawl.stdout + crawl.stderr
    run_mutual(catalog, "index")
    client = make_client(catalog)
    names = IndexNames(catalog.index_prefix)
    client.indices.refresh(index=names.alias)
    try:
        found = search(client, names, SearchRequest(text="remote software engineer"), Viewer())
        only_remote = SearchRequest(text="software engineer", remote=("remote",))
        filtered = search(client, names, only_remote, Viewer())
    finally:
        client.close()
    remote = {"Senior Software Engineer, Payments", "Software Engineer (Data Platform)"}
    assert not found.request.relaxed  # every word matched
    assert {hit.title for hit in found.hits} == remote
    assert {hit.remote for hit in found.hits} == {"remote"}
    by_title = {hit.title: hit for hit in found.hits}
    assert by_title["Software Engineer (Data Platform)"].location == "Remote (US)"
    assert {hit.title for hit in filtered.hits} == remote
    # The page shows the work mode on the card.
    page = create_app(catalog, {"TESTING": True}).test_client().get("/?q=remote+software+engineer")
    shown = Selector(text=page.get_data(as_text=True)).css("p.meta span.remote::text").getall()
    assert shown == ["Remote", "Remote"]
