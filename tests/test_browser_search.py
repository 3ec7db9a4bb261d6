"""The search page in headless Chromium: type a query, apply and remove facets, page forward,
open a detail page and download an event's .ics; screenshots kept in test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page

from ground.settings import Settings
from tests.helpers import ARTIFACTS
from tests.search_world import indexed_world
from tests.web import served_app


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, es_url: str) -> Iterator[Settings]:
    with indexed_world(tmp_path_factory.mktemp("browser-search"), es_url) as settings:
        yield settings


@pytest.fixture
def served(world: Settings) -> Iterator[str]:
    """`mutual serve` over the world, two results a page so that paging shows."""
    with served_app(world, {"MUTUAL_PAGE_SIZE": "2", "MUTUAL_SECRET_KEY": "k"}) as base:
        yield base


def _count(page: Page) -> int:
    return int(page.locator("#result-count").inner_text().split()[0])


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.sqlite_only
def test_search_facets_paging_detail_and_calendar(
    served: str, browser: Browser, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page.goto(served)
    everything = _count(page)
    page.get_by_label("Search jobs, events and resources").fill("director")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    found = _count(page)
    assert 0 < found < everything
    assert page.locator("li.result h2 mark").count() >= 1
    _shot(page, "query")

    with page.expect_navigation():
        page.locator("#facet-kind a", has_text="Jobs").click()
    assert page.locator(".chips a").first.inner_text().startswith("Jobs")
    jobs = _count(page)
    assert jobs <= found
    _shot(page, "facet")
    with page.expect_navigation():
        page.locator(".chips a").first.click()
    assert page.locator(".chips a").count() == 0
    assert _count(page) == found

    page.goto(f"{served}/?kind=job&sort=newest")
    first_page = page.locator("li.result h2").all_inner_texts()
    with page.expect_navigation():
        page.locator("a[rel=next]").click()
    assert "page 2" in page.locator("#result-count").inner_text()
    second_page = page.locator("li.result h2").all_inner_texts()
    assert second_page and not set(first_page) & set(second_page)
    _shot(page, "page-2")

    title = second_page[0]
    with page.expect_navigation():
        page.locator("li.result h2 a").first.click()
    assert page.locator("#item-title").inner_text() == title
    _shot(page, "detail")

    page.goto(f"{served}/?kind=event&sort=event_date")
    with page.expect_navigation():
        page.locator("li.result h2 a").first.click()
    event_title = page.locator("#item-title").inner_text()
    with page.expect_download() as download:
        page.locator("#item-ics").click()
    saved = tmp_path / "event.ics"
    download.value.save_as(saved)
    calendar = Calendar.from_ical(saved.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == event_title
    assert event.decoded("DTSTART") < event.decoded("DTEND")
    _shot(page, "event")
