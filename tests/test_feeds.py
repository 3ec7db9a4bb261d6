"""The pure feed parser on saved bodies: RSS 2.0, RSS 1.0 and Atom, as communities publish them."""

from datetime import UTC, datetime

import pytest

from crawlers.feeds import NotAFeed, parse
from tests.conftest import FIXTURES

BASE = "http://jobs.example.org"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _parse(name: str, kind: str = "job"):  # type: ignore[no-untyped-def]
    body = (FIXTURES / name).read_bytes().replace(b"{{BASE}}", BASE.encode())
    return parse(f"{BASE}/{name}", body, kind, now=NOW)


def test_rss_career_centre_feed() -> None:
    result = _parse("association/careers.rss")
    assert result.title == "Society of Healthcare Accountants — Career Center"
    first = result.items[0]
    assert first.title == "Revenue Cycle Director"
    assert first.organisation == "St. Mary's Regional Hospital"
    assert first.location == "Denver, CO"
    assert first.published_at == datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
    assert first.tags == ("Director",)


def test_tracking_parameters_are_stripped_so_one_posting_has_one_url() -> None:
    rss = _parse("association/careers.rss").items[0]
    atom = _parse("alumni/jobs.atom").items[0]
    assert rss.url == atom.url == f"{BASE}/jobs/st-mary-revenue-cycle-director?id=77"


def test_bodies_are_sanitised_on_the_way_in() -> None:
    body = _parse("association/careers.rss").items[0].body
    assert "<b>patient accounting</b>" in body
    for hostile in ("<script", "javascript:", "onerror", "document.cookie", "<img"):
        assert hostile not in body


def test_a_title_that_contains_markup_is_kept_as_text() -> None:
    title = _parse("association/careers.rss").items[1].title
    assert title == 'Reimbursement Analyst <script>alert("title")</script>'


def test_a_date_far_in_the_future_is_dropped_not_trusted() -> None:
    assert _parse("association/careers.rss").items[2].published_at is None


def test_rss1_in_latin1_keeps_its_accents() -> None:
    result = _parse("meetup/events.rdf", "event")
    assert [i.kind for i in result.items] == ["event", "event"]
    assert "Café afterwards" in result.items[0].summary


def test_atom_content_and_summary() -> None:
    items = _parse("alumni/jobs.atom").items
    assert items[1].body == "<p>Own data management plans and EDC builds for oncology studies.</p>"
    assert items[1].published_at == datetime(2026, 11, 15, 15, 0, tzinfo=UTC)


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(NotAFeed):
        _parse("not-a-feed.html")
