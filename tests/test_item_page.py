"""An item's own page and its calendar file, against a real Elasticsearch."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask.testing import FlaskClient
from parsel import Selector, SelectorList
from playwright.sync_api import Browser
from werkzeug.serving import make_server

from ground.settings import Settings
from tests.search_world import indexed_world
from webapp import create_app

pytestmark = pytest.mark.sqlite_only

DASH = "\u2013"  # the en dash between two times or dates


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, es_url: str) -> Iterator[Settings]:
    with indexed_world(tmp_path_factory.mktemp("items"), es_url) as settings:
        yield settings


@pytest.fixture
def client(world: Settings) -> FlaskClient:
    return create_app(world, {"TESTING": True}).test_client()


def _id(client: FlaskClient, query: str) -> str:
    hits = client.get("/api/search", query_string={"q": query}).get_json()["hits"]
    assert hits, query
    item_id: str = hits[0]["id"]
    return item_id


def _page(client: FlaskClient, item_id: str) -> Selector:
    response = client.get(f"/items/{item_id}")
    assert response.status_code == 200
    return Selector(text=response.get_data(as_text=True))


def _text(page: Selector | SelectorList[Selector], css: str) -> str:
    return " ".join(" ".join(page.css(f"{css} ::text").getall()).split())


def _event(client: FlaskClient, item_id: str) -> icalendar.Event:
    response = client.get(f"/items/{item_id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    calendar = icalendar.Calendar.from_ical(response.data)
    events = [c for c in calendar.walk("VEVENT") if isinstance(c, icalendar.Event)]
    assert len(events) == 1
    return events[0]


def test_job_page_shows_its_details(client: FlaskClient) -> None:
    page = _page(client, _id(client, "revenue integrity"))
    assert _text(page, "#item-title") == "Revenue Integrity Analyst"
    assert _text(page, "#item-organisation") == "St. Mary's Hospital"
    assert _text(page, "#item-location") == "Grand Junction, CO"
    assert _text(page, "#item-employment-type") == "Full time"
    assert _text(page, "#item-salary") == f"USD 72,000 {DASH} 84,000 a year"
    assert _text(page, "#item-posted") == "2026-11-21"
    apply = page.css("#item-apply")
    assert apply.attrib["href"] == "https://apply.example.net/stmarys/req/5531"
    original = page.css("#item-original")
    assert original.attrib["rel"] == "noopener noreferrer"
    assert original.attrib["href"].endswith("/jobs/5531")
    assert "Audit charge capture" in _text(page, "#item-body")
    assert _text(page, "#item-seen-in") == "Seen in: Riverside Alumni"
    assert not page.css("#item-ics")


def test_shared_job_names_every_community(client: FlaskClient) -> None:
    page = _page(client, _id(client, "revenue cycle director"))
    seen = page.css("#item-seen-in .community::text").getall()
    assert seen == ["Society of Healthcare Accountants", "Riverside Alumni"]


def test_hostile_title_and_body_are_shown_as_text(client: FlaskClient) -> None:
    response = client.get(f"/items/{_id(client, 'reimbursement analyst')}")
    html = response.get_data(as_text=True)
    # The title's markup was converted to its words at ingest: no tag, escaped or not.
    assert "Reimbursement Analyst" in html and "alert(&#34;title" not in html
    assert "<script" not in html
    body_html = client.get(f"/items/{_id(client, 'revenue cycle director')}").get_data(as_text=True)
    assert "<b>patient accounting</b>" in body_html  # the body's harmless markup is kept
    for hostile in ("<script", "javascript:", "onerror", "evil.example"):
        assert hostile not in body_html, hostile


def test_event_page_shows_times_in_the_events_zone(client: FlaskClient) -> None:
    page = _page(client, _id(client, "denver chapter roundtable"))
    when = _text(page, "#item-when")
    assert when.startswith(f"Tuesday 15 December 2026, 17:00 {DASH} 18:30"), when
    assert "America/Denver" in when and "MST" in when
    assert _text(page, "#item-where").startswith("SHA Office, 1225 17th St")
    assert _text(page, "#item-event-status") == "Scheduled"
    assert page.css("#item-ics").attrib["href"].endswith(".ics")
    more = page.css("#more-from")
    assert "More from Society of Healthcare Accountants" in _text(more, "h2")
    assert "Annual Conference 2027" in _text(more, "li")


def test_all_day_event_shows_its_dates(client: FlaskClient) -> None:
    page = _page(client, _id(client, "annual conference"))
    when = _text(page, "#item-when")
    assert when == f"Wednesday 10 March 2027 {DASH} Friday 12 March 2027 (all day)", when


def test_calendar_file_has_the_events_times_and_zone(client: FlaskClient) -> None:
    item_id = _id(client, "denver chapter roundtable")
    event = _event(client, item_id)
    assert str(event["UID"]).startswith(item_id)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "America/Denver"
    denver = ZoneInfo("America/Denver")
    assert start == datetime(2026, 12, 15, 17, 0, tzinfo=denver)
    assert end == datetime(2026, 12, 16, 1, 30, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Denver Chapter Roundtable (hybrid)"
    assert str(event["LOCATION"]).startswith("SHA Office")
    assert str(event["URL"]).startswith("http://127.0.0.1:")
    assert "year-end close" in str(event["DESCRIPTION"])


def test_calendar_file_of_utc_and_all_day_events(client: FlaskClient) -> None:
    webinar = _event(client, _id(client, "price transparency webinar"))
    assert webinar.decoded("DTSTART") == datetime(2026, 12, 9, 19, 0, tzinfo=UTC)
    assert webinar.to_ical().decode().count("DTSTART:20261209T190000Z") == 1
    assert str(webinar["LOCATION"]) == "Online"
    conference = _event(client, _id(client, "annual conference"))
    assert conference.decoded("DTSTART") == date(2027, 3, 10)
    assert conference.decoded("DTEND") == date(2027, 3, 13)


def test_resource_page_shows_author_and_date(client: FlaskClient) -> None:
    page = _page(client, _id(client, "hiring managers nonprofits"))
    assert _text(page, "#item-author") == "Dana Okafor"
    assert _text(page, "#item-date") == "2026-10-14"


def test_missing_item_and_jobs_calendar_are_404(client: FlaskClient) -> None:
    missing = client.get("/items/no-such-item")
    assert missing.status_code == 404
    assert client.get("/items/no-such-item.ics").status_code == 404
    job_id = _id(client, "staff accountant")
    assert client.get(f"/items/{job_id}.ics").status_code == 404


def test_suggestions_without_javascript(client: FlaskClient) -> None:
    page = Selector(text=client.get("/suggest?q=Reven").get_data(as_text=True))
    links = {a.css("::text").get(): a.attrib["href"] for a in page.css("#suggestions a")}
    assert links["Revenue Cycle Director"] == "/?q=Revenue+Cycle+Director"
    assert client.get("/static/suggest.js").status_code == 200


def test_unreachable_elasticsearch_is_a_503(world: Settings) -> None:
    closed = replace(world, es_hosts=("http://127.0.0.1:9",), es_request_timeout=2.0)
    client = create_app(closed, {"TESTING": True}).test_client()
    assert client.get("/items/abc").status_code == 503
    assert client.get("/items/abc.ics").status_code == 503
    assert client.get("/suggest?q=abc").status_code == 503


@pytest.fixture
def served(world: Settings) -> Iterator[str]:
    """The app on a free loopback port, for the browser."""
    server = make_server("127.0.0.1", 0, create_app(world, {"TESTING": True}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _note_csp(problems: list[str], text: str) -> None:
    if "Content Security Policy" in text:
        problems.append(text)


@pytest.mark.browser
def test_suggestions_as_you_type_in_a_browser(served: str, browser: Browser) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: _note_csp(problems, message.text))
    page.goto(f"{served}/suggest")
    box = page.locator("#q")
    box.press_sequentially("Reven", delay=30)
    option = page.locator("#q-suggestions [role=option]", has_text="Revenue Cycle Director")
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator("#q-suggestions").get_attribute("role") == "listbox"
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    box.press("End")
    box.press_sequentially("u", delay=30)
    option.wait_for()
    options = page.locator("#q-suggestions [role=option]")
    texts = options.all_inner_texts()
    box.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    assert box.get_attribute("aria-activedescendant") == first_id
    assert options.first.get_attribute("aria-selected") == "true"
    with page.expect_navigation():
        box.press("Enter")
    assert page.url == f"{served}/?q={quote_plus(texts[0])}"
    assert not problems, problems  # a script error or CSP refusal would show here
    page.close()
