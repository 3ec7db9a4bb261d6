"""The search page's facets, chips, sorting and cursor paging, rendered by the Flask app over a
real index of crawled fixture feeds and a calendar."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from parsel import Selector

from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from webapp import create_app

pytestmark = pytest.mark.sqlite_only  # page rendering; the catalog path is proven elsewhere


def _load(settings: Settings, site: LocalSite) -> None:
    run_mutual(settings, "community", "add", "Society of Healthcare Accountants", "--slug", "shca")
    run_mutual(settings, "community", "add", "Riverside Alumni", "--slug", "riverside")
    run_mutual(settings, "source", "add", "shca", f"{site.base_url}/association/careers.rss")
    run_mutual(settings, "source", "add", "riverside", f"{site.base_url}/alumni/jobs.atom")
    run_mutual(
        settings,
        "source",
        "add",
        "riverside",
        f"{site.base_url}/calendars/meetup-chipy.ics",
        "--kind",
        "calendar",
        "--item-kind",
        "event",
    )
    run_mutual(settings, "crawl")
    run_mutual(settings, "index")


def _page(client: FlaskClient, path: str) -> Selector:
    response = client.get(path)
    assert response.status_code == 200, path
    return Selector(text=response.get_data(as_text=True))


def _text(page: Selector, css: str) -> str:
    return " ".join(" ".join(page.css(css).getall()).split())


def _facet(page: Selector, name: str) -> dict[str, tuple[str, int]]:
    """Facet value label -> (its link, its count)."""
    values = {}
    for item in page.css(f"#facet-{name} li"):
        label = _text(item, "a ::text").removeprefix("✓ ").strip()
        values[label] = (
            item.css("a::attr(href)").get() or "",
            int(item.css(".count::text").get() or 0),
        )
    return values


def test_facets_combine_and_chips_remove_them(catalog: Settings, site: LocalSite) -> None:
    _load(catalog, site)
    client = create_app(catalog, {"TESTING": True}).test_client()
    home = _page(client, "/")
    total = int(_text(home, "#result-count ::text").split()[0])
    kinds = _facet(home, "kind")
    assert kinds["Jobs"][1] == 4  # the shared posting is one item
    assert kinds["Jobs"][1] + kinds["Events"][1] == total
    communities = _facet(home, "community")
    assert communities["Riverside Alumni"][1] > communities["Society of Healthcare Accountants"][1]

    jobs = _page(client, "/" + kinds["Jobs"][0])
    assert _text(jobs, "#result-count ::text").startswith("4 results")
    assert _text(jobs, ".chips ::text").startswith("Jobs")
    # Counts of other facets follow the pick; the kind facet still offers events to switch.
    assert _facet(jobs, "community")["Riverside Alumni"][1] == 2
    assert _facet(jobs, "kind")["Events"][1] == kinds["Events"][1]

    both = _page(client, "/" + _facet(jobs, "community")["Riverside Alumni"][0])
    assert _text(both, "#result-count ::text").startswith("2 results")
    titles = both.css("li.result h2 a ::text").getall()
    assert "Clinical Data Manager" in " ".join(titles)
    chip_links = both.css(".chips a::attr(href)").getall()
    assert len(chip_links) == 2
    without_jobs = _page(client, "/" + chip_links[0])
    assert not without_jobs.css(".chips a[aria-label='Remove filter Jobs']")
    assert int(_text(without_jobs, "#result-count ::text").split()[0]) > 2


def test_empty_state_cards_and_cursor_paging(catalog: Settings, site: LocalSite) -> None:
    _load(catalog, site)
    _nothing_found_with_filters_offers_to_remove_them(catalog)
    _event_cards_show_time_zone_and_jobs_their_details(catalog)
    _cursor_pages_do_not_repeat(catalog)


def _nothing_found_with_filters_offers_to_remove_them(catalog: Settings) -> None:
    client = create_app(catalog, {"TESTING": True}).test_client()
    page = _page(client, "/?q=accountant&kind=event")
    assert _text(page, "#result-count ::text").startswith("0 results")
    assert "Try removing one" in _text(page, "#empty ::text")
    relaxed = page.css("#empty a::attr(href)").get()
    assert relaxed is not None
    assert _page(client, "/" + relaxed).css("li.result")


def _event_cards_show_time_zone_and_jobs_their_details(catalog: Settings) -> None:
    client = create_app(catalog, {"TESTING": True}).test_client()
    events = _page(client, "/?kind=event&sort=event_date")
    first = events.css("li.result")[0]
    when = _text(first, ".when ::text")
    assert when.endswith("America/Chicago"), when
    starts = events.css("li.result .when::attr(datetime)").getall()
    assert starts == sorted(starts)  # soonest first
    job = _page(client, "/?q=staff+accountant").css("li.result")[0]
    assert _text(job, ".meta ::text") == "job Mountain Clinic Group Boulder, CO"


def _cursor_pages_do_not_repeat(catalog: Settings) -> None:
    small = replace(catalog, page_size=2)
    client = create_app(small, {"TESTING": True}).test_client()
    first = _page(client, "/?kind=job&sort=newest")
    seen = first.css("li.result::attr(id)").getall()
    next_link = first.css("a[rel=next]::attr(href)").get()
    assert next_link and "after=" in next_link
    second = _page(client, "/" + next_link)
    assert "page 2 of 2" in _text(second, "#result-count ::text")
    both = seen + second.css("li.result::attr(id)").getall()
    assert len(both) == len(set(both)) == 4  # every job once, none twice
    assert second.css("a[rel=first]")
