"""An event's start from its own page (issue 24): schema.org Event data first, then a calendar
the page links, then the entry's words, then no start; a page that fails costs only itself."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from catalog.models.items import Item
from catalog.records import ParsedItem
from catalog.sources import SourceRef
from crawlers.enrich import enrich
from crawlers.event_pages import (
    PageEvent,
    calendar_events,
    calendar_link,
    calendar_match,
    read_page,
    wants_page,
    with_page_event,
)
from crawlers.spiders.event_page_run import MAX_EVENT_PAGES, PAGE
from crawlers.spiders.source_run import SourceRun
from ground.settings import Settings
from mutual.demo_dates import render_dates
from mutual.local_site import LocalSite
from tests.conftest import FIXTURES
from tests.crawl_world import open_catalog
from tests.helpers import run_mutual

BASE = "https://denver-data.example.org"
PAGES = FIXTURES / "event-pages"
DENVER = ZoneInfo("America/Denver")


def _fixture(name: str, today: date) -> bytes:
    raw = (PAGES / name).read_bytes().replace(b"{{BASE}}", BASE.encode())
    return render_dates(raw, today)


def _utc(day: date, clock: time, zone: ZoneInfo | None = None) -> str:
    return datetime.combine(day, clock, tzinfo=zone or UTC).astimezone(UTC).isoformat()


def _event(url: str, start: str = "", location: str = "") -> ParsedItem:
    details: dict[str, Any] = {"event": {"start": start}} if start else {}
    return ParsedItem(url=url, title="An event", kind="event", location=location, details=details)


# -- the pure parser ----------------------------------------------------------------------------


def test_a_page_with_a_json_ld_event_gives_its_start_place_and_mode() -> None:
    today = date.today()
    url = f"{BASE}/event-pages/jsonld-event.html"
    reading = read_page(url, url, _fixture("jsonld-event.html", today))
    assert reading.event is not None
    day = today + timedelta(days=4)
    assert reading.event.facts == {
        "start": _utc(day, time(19), DENVER),
        "end": _utc(day, time(21), DENVER),
        "all_day": False,
        "status": "scheduled",
        "attendance": "in-person",
        "venue": "Galvanize Platte",
    }
    assert "Denver" in reading.event.location
    assert reading.calendar_url == ""


def test_a_page_without_event_data_names_the_calendar_it_links() -> None:
    url = f"{BASE}/event-pages/calendar-only.html"
    reading = read_page(url, url, _fixture("calendar-only.html", date.today()))
    assert reading.event is None
    assert reading.calendar_url == f"{BASE}/event-pages/group-calendar.ics"
    alternate = (
        b'<html><head><link rel="alternate" type="text/calendar" href="webcal://cal.example.org/'
        b'g.ics?key=1"></head><body><a href="/other.ics">ics</a></body></html>'
    )
    assert calendar_link(url, alternate) == "https://cal.example.org/g.ics?key=1"
    assert calendar_link(url, b"<p>no calendar; <a href='/ics-help.html'>help</a></p>") == ""
    assert read_page(url, url, b"\x00\xff not html at all").event is None


def test_the_event_is_the_one_at_its_url_or_the_pages_only_one() -> None:
    url = f"{BASE}/e/1"

    def page(*events: dict[str, Any]) -> bytes:
        blocks = "".join(
            f'<script type="application/ld+json">{json.dumps(e)}</script>' for e in events
        )
        return f"<html><head>{blocks}</head><body></body></html>".encode()

    first = {"@context": "https://schema.org", "@type": "Event", "name": "One", "url": url}
    first["startDate"] = "2026-12-10T18:00:00Z"
    other = {**first, "name": "Two", "url": f"{BASE}/e/2", "startDate": "2026-12-17T18:00:00Z"}
    # The one at the event's URL among others; the page's only one whatever its URL.
    found = read_page(url, url, page(other, first)).event
    assert found is not None and found.facts["start"] == "2026-12-10T18:00:00+00:00"
    found = read_page(f"{BASE}/e/3", f"{BASE}/e/3", page(other)).event
    assert found is not None and found.facts["start"] == "2026-12-17T18:00:00+00:00"
    # Several and none of them this one, or this one without a start: no start from the page.
    assert read_page(f"{BASE}/e/3", f"{BASE}/e/3", page(first, other)).event is None
    undated = {key: value for key, value in first.items() if key != "startDate"}
    assert read_page(url, url, page(undated)).event is None


def test_the_calendar_event_is_the_one_at_the_pages_url_or_the_only_one() -> None:
    today = date.today()
    calendar = f"{BASE}/event-pages/group-calendar.ics"
    events = calendar_events(calendar, _fixture("group-calendar.ics", today))
    page = f"{BASE}/event-pages/calendar-only.html"
    found = calendar_match(page, page, events)
    assert found is not None
    day = today + timedelta(days=6)
    assert found.facts["start"] == _utc(day, time(17, 30))
    assert found.facts["end"] == _utc(day, time(19))
    assert calendar_match(f"{BASE}/elsewhere", f"{BASE}/elsewhere", events) is None
    only = [event for event in events if event.title == "Another event of the group"]
    assert calendar_match(page, page, only) is not None


def test_the_pages_facts_replace_the_sources_and_its_place_fills_an_empty_one() -> None:
    found = PageEvent(
        {"start": "2026-12-11T02:00:00+00:00", "attendance": "in-person"},
        location="Galvanize Platte, Denver, CO",
        places={"city": "Denver"},
        cancelled=True,
    )
    item = replace(_event(f"{BASE}/e/1"), details={"event": {"timezone": "America/Denver"}})
    taken = with_page_event(item, found)
    assert taken.details["event"] == {
        "timezone": "America/Denver",
        "start": "2026-12-11T02:00:00+00:00",
        "attendance": "in-person",
    }
    assert (taken.location, taken.details["city"], taken.status) == (
        found.location,
        "Denver",
        "cancelled",
    )
    kept = with_page_event(_event(f"{BASE}/e/1", location="Online"), found)
    assert kept.location == "Online" and "city" not in kept.details


def test_only_undated_events_at_web_addresses_want_their_page() -> None:
    assert wants_page(_event(f"{BASE}/e/1"))
    assert not wants_page(_event(f"{BASE}/e/1", start="2026-12-10T18:00:00+00:00"))
    assert not wants_page(ParsedItem(url=f"{BASE}/jobs/1", title="A job", kind="job"))
    assert not wants_page(_event("mailto:events@example.org"))


def test_a_run_asks_for_each_page_once_at_most_the_cap_and_only_where_the_guard_allows() -> None:
    source = SourceRef(1, f"{BASE}/feed.rss", "feed", "event", None, None)
    run = SourceRun(source)
    run.items = [_event(f"{BASE}/e/{n}") for n in range(MAX_EVENT_PAGES + 5)]
    run.items += [_event(f"{BASE}/e/0"), _event("http://10.0.0.7/e"), _event(source.url)]
    run.items.append(_event(f"{BASE}/dated", start="2026-12-10T18:00:00+00:00"))
    asked: list[tuple[str, str]] = []

    def ask(url: str, what: str) -> None:
        asked.append((url, what))

    run.event_pages.start(run, False, ask)
    assert asked == [(f"{BASE}/e/{n}", PAGE) for n in range(MAX_EVENT_PAGES)]
    assert run.event_pages.pages[f"{BASE}/e/0"] == [0, MAX_EVENT_PAGES + 5]
    assert run.warnings == [f"read the pages of {MAX_EVENT_PAGES} of 25 events without a start"]
    assert run.event_pages.start(run, False, ask) == [] and len(asked) == MAX_EVENT_PAGES


# -- a crawl ------------------------------------------------------------------------------------


def _starts(settings: Settings) -> dict[str, dict[str, Any]]:
    with open_catalog(settings) as session:
        items = session.scalars(select(Item).where(Item.kind == "event")).all()
        return {item.title: dict(item.details.get("event") or {}) for item in items}


def test_a_crawl_takes_starts_from_pages_then_calendars_then_words(
    catalog: Settings, site: LocalSite
) -> None:
    today = date.today()
    run_mutual(catalog, "community", "add", "Denver Data", "--slug", "denver")
    feed = f"{site.base_url}/feeds/meetup-text-only-with-pages.rss"
    run_mutual(catalog, "source", "add", "denver", feed, "--item-kind", "event")
    run_mutual(catalog, "crawl")

    events = _starts(catalog)
    page_day = today + timedelta(days=4)
    assert events["Scaling Postgres at work"]["start"] == _utc(page_day, time(19), DENVER)
    assert events["Scaling Postgres at work"]["end"] == _utc(page_day, time(21), DENVER)
    assert events["Scaling Postgres at work"]["attendance"] == "in-person"
    assert events["Scaling Postgres at work"]["venue"] == "Galvanize Platte"
    calendar_day = today + timedelta(days=6)
    assert events["Analytics book club"]["start"] == _utc(calendar_day, time(17, 30))
    assert events["Analytics book club"]["end"] == _utc(calendar_day, time(19))
    # No data on the page, or no page at all: the entry's words, as before.
    assert events["Data hiring mixer"]["start"] == _utc(today + timedelta(days=5), time(18))
    assert events["Lightning talks night"]["start"] == _utc(today + timedelta(days=7), time(18, 30))

    pages = ("jsonld-event.html", "calendar-only.html", "group-calendar.ics", "plain.html")
    assert sorted(_event_page_requests(site)) == sorted(
        f"/event-pages/{p}" for p in (*pages, "gone.html")
    )
    row = json.loads(run_mutual(catalog, "source", "list", "--json").stdout)[0]
    assert (row["health"], row["failures"], row["items"]) == ("ok", 0, 5), row
    assert f"event page: HTTP 404 from {site.base_url}/event-pages/gone.html" in row["last_error"]
    # robots.txt (Disallow: /private/) is obeyed for event pages too: not asked, words used.
    assert "robots.txt" in row["last_error"]
    assert not [record for record in site.requests if record.path.startswith("/private/")]
    assert events["Members' social"]["start"] == _utc(today + timedelta(days=8), time(19))

    # The feed unchanged (304): nothing to read, no page asked for again, the starts kept.
    run_mutual(catalog, "crawl", "--all")
    assert len(_event_page_requests(site)) == len(pages) + 1
    assert _starts(catalog) == events


def _event_page_requests(site: LocalSite) -> list[str]:
    return [record.path for record in site.requests if record.path.startswith("/event-pages/")]


def test_the_text_reader_leaves_a_start_from_the_page_alone() -> None:
    item = replace(_event(f"{BASE}/e/1"), summary="Thursday 10 December 2026, 6pm")
    found = PageEvent({"start": "2026-12-11T02:00:00+00:00", "all_day": False})
    assert enrich(with_page_event(item, found)).details["event"]["start"] == found.facts["start"]
    assert enrich(item).details["event"]["start"] == "2026-12-10T18:00:00+00:00"
