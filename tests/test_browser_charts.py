"""The server-drawn charts (issue 24 point 6) in headless Chromium: the portfolio's weekly
charts, a community's fetch chart for its members, the operator's fetch history and the search
page's month view are visible, named for screen readers, have the right number of bars or days,
and break no rule of the Content-Security-Policy; screenshots kept in test-artifacts/."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from playwright.sync_api import Browser, Locator, Page

from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.access_world import SECRET_COMMUNITY, build_world
from tests.helpers import ARTIFACTS
from tests.search_world import indexed_world
from tests.web import PASSWORD, served_app


@pytest.fixture
def served_access(catalog: Settings, site: LocalSite) -> Iterator[str]:
    build_world(catalog, site)
    with served_app(catalog, {"MUTUAL_SECRET_KEY": "browser-charts"}) as base:
        yield base


@pytest.fixture(scope="module")
def search_world(tmp_path_factory: pytest.TempPathFactory, es_url: str) -> Iterator[Settings]:
    with indexed_world(tmp_path_factory.mktemp("browser-charts"), es_url) as settings:
        yield settings


def _page(browser: Browser, refused: list[str]) -> Page:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/signin")
    page.locator("#signin-form input[name=email]").fill(email)
    page.locator("#signin-form input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#signin-form button[type=submit]").click()


def _visible_chart(page: Page, name: str) -> Locator:
    """The chart named `name` (its accessible name), checked to be drawn on the page."""
    chart = page.get_by_role("img", name=name, exact=True)
    assert chart.count() == 1, name
    box = chart.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50, box
    return chart


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"charts-{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.sqlite_only
def test_portfolio_community_and_operator_charts(served_access: str, browser: Browser) -> None:
    refused: list[str] = []
    page = _page(browser, refused)
    _sign_in(page, served_access, "member@example.org")
    page.goto(f"{served_access}/portfolio")
    chart = _visible_chart(page, f"What {SECRET_COMMUNITY} brought you each week")
    assert chart.locator("g.chart-column").count() == 12
    assert chart.locator("rect.chart-bar.series-job").count() >= 1  # this week's jobs
    assert chart.get_attribute("aria-describedby") == "weeks-circle-desc"
    assert "brought 2 jobs" in (page.locator("#weeks-circle-desc").text_content() or "")
    _shot(page, "portfolio")

    page.goto(f"{served_access}/c/circle")
    name = f"Fetches of {SECRET_COMMUNITY}'s sources, last 14 days"
    chart = _visible_chart(page, name)
    assert chart.locator("g.chart-column").count() == 14
    assert chart.locator("rect.chart-bar").count() >= 1  # today's fetch found the board's items
    _shot(page, "community")

    operator = _page(browser, refused)
    _sign_in(operator, served_access, "operator@example.org")
    operator.goto(f"{served_access}/operator/sources/1")
    chart = _visible_chart(operator, "Fetch history of source #1")
    rows = operator.locator("tr.attempt-row").count()
    assert rows >= 1 and chart.locator("g.chart-column").count() == rows
    assert chart.locator("path.chart-point").count() == rows  # a response time each
    _shot(operator, "operator-source")

    outsider = _page(browser, refused)
    _sign_in(outsider, served_access, "outsider@example.org")
    outsider.goto(f"{served_access}/c/shca")  # public, but not theirs: no fetch chart
    assert outsider.locator("svg.chart-svg").count() == 0
    assert refused == []


@pytest.mark.browser
@pytest.mark.sqlite_only
def test_search_month_view_beside_the_events(search_world: Settings, browser: Browser) -> None:
    refused: list[str] = []
    with served_app(search_world, {"MUTUAL_SECRET_KEY": "k"}) as base:
        page = _page(browser, refused)
        page.goto(f"{base}/?kind=event&sort=event_date")
        starts = page.locator("li.result.kind-event time.when").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('datetime'))"
        )
        days = {datetime.fromisoformat(s).date() for s in starts}
        assert days, "the search world has events"
        first = min(days)
        title = f"Events in {first:%B %Y}"
        grid = _visible_chart(page, title)
        assert grid.locator("rect.grid-day").count() == _days_in(first)
        in_month = {d for d in days if (d.year, d.month) == (first.year, first.month)}
        assert grid.locator("rect.grid-day.has-events").count() == len(in_month)
        link = grid.locator("a.grid-link").first
        target = link.get_attribute("href") or ""
        assert target.startswith("#hit-") and page.locator(target).count() == 1
        # Beside the list: to its right on a wide screen.
        list_box = page.locator("ol.results").bounding_box()
        grid_box = grid.bounding_box()
        assert list_box and grid_box and grid_box["x"] > list_box["x"] + list_box["width"] - 1
        _shot(page, "search-month")

        page.goto(f"{base}/?kind=job")
        assert page.locator("#month-view").count() == 0
    assert refused == []


def _days_in(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]
