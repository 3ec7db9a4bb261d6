"""Every kind of source crawled for real: `mutual crawl` over HTTP from a local site."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalog.models.items import Item
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.conftest import FIXTURES
from tests.crawl_world import open_catalog as _session
from tests.crawl_world import source_row as _source_row
from tests.helpers import REPO, run_mutual, settings_env

HTML_OPTIONS = (
    "item=div.job",
    "title=h3.job-title",
    "link=h3.job-title a",
    "date=p.posted",
    "organisation=.employer",
    "location=.location",
    "summary=.excerpt",
    "next_page=a.next",
)


def _add(settings: Settings, slug: str, url: str, *args: str) -> str:
    return run_mutual(settings, "source", "add", slug, url, *args).stdout


def _sources(settings: Settings) -> dict[str, dict[str, Any]]:
    rows = json.loads(run_mutual(settings, "source", "list", "--json").stdout)
    return {row["kind"]: row for row in rows}


def _serve_ats_answers(site: LocalSite) -> None:
    """The vendors' API paths on the local site, answering with the recorded fixtures."""
    answers = {
        "greenhouse/v1/boards/acme/jobs": "greenhouse-jobs.json",
        "lever/v0/postings/northwind": "lever-postings.json",
    }
    for path, fixture in answers.items():
        target = site.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / "ats" / fixture, target)


def test_every_kind_of_source_is_crawled_into_the_catalog(
    catalog: Settings, site: LocalSite
) -> None:
    _serve_ats_answers(site)
    # The recorded calendar's weekly meetup ends in February 2027; keep it going for this test.
    calendar = site.root / "calendars/meetup-chipy.ics"
    calendar.write_text(
        calendar.read_text().replace("UNTIL=20270226T055959Z", "UNTIL=20991231T000000Z")
    )
    (site.root / "careers").mkdir()
    shutil.copy(FIXTURES / "html_lists" / "careers-page2.html", site.root / "careers" / "index.jsp")
    base = site.base_url
    run_mutual(catalog, "community", "add", "Every Kind Network", "--slug", "every")
    kinds = {
        "feed": (f"{base}/feeds/jobs.json", "--item-kind", "job"),
        "calendar": (f"{base}/calendars/meetup-chipy.ics",),
        "jobboard": (f"{base}/greenhouse/v1/boards/acme/jobs",),
        "structured": (f"{base}/structured/listing.html",),
        "html": (f"{base}/html_lists/careers.html", *_options(HTML_OPTIONS)),
        "sitemap": (f"{base}/crawl/sitemap.xml", "--option", "pattern=/jobs/"),
        "resource": (f"{base}/resources/career-advice-article.html", "--item-kind", "resource"),
    }
    for kind, (url, *extra) in kinds.items():
        _add(catalog, "every", url, "--kind", kind, *extra)

    crawl = run_mutual(catalog, "crawl")
    assert "crawled 7 sources: 7 fetched" in crawl.stdout, crawl.stdout + crawl.stderr

    health = _sources(catalog)
    for kind in kinds:
        assert health[kind]["health"] == "ok", health[kind]
        assert health[kind]["items"] > 0, health[kind]
    with _session(catalog) as session:
        items = list(session.scalars(select(Item)))
    by_kind = {kind: [i for i in items if i.kind == kind] for kind in ("job", "event", "resource")}
    assert all(by_kind.values()), {k: len(v) for k, v in by_kind.items()}
    events = by_kind["event"]
    assert all(e.details["event"]["timezone"] == "America/Chicago" for e in events)
    greenhouse = [
        i for i in items if str(i.details.get("external_id", "")).startswith("greenhouse:")
    ]
    assert greenhouse, "the job board's postings carry their Greenhouse ids"
    # The HTML list's second page was followed: its postings are there too.
    page_two = site.requests_for("/careers/index.jsp")
    assert page_two and page_two[0].status == 200
    titles = {i.title for i in items}
    assert "Grants Manager" in titles, "the sitemap's job page was read for its JobPosting"


def _options(pairs: tuple[str, ...]) -> list[str]:
    return [arg for pair in pairs for arg in ("--option", pair)]


def test_unreadable_options_are_refused_when_the_source_is_added(
    catalog: Settings, site: LocalSite
) -> None:
    run_mutual(catalog, "community", "add", "Every Kind Network", "--slug", "every")
    bad = run_mutual(
        catalog,
        "source",
        "add",
        "every",
        f"{site.base_url}/html_lists/careers.html",
        "--kind",
        "html",
        "--option",
        "item=div..job",
        "--option",
        "title=h3",
        "--option",
        "link=a",
        check=False,
    )
    assert bad.returncode != 0
    assert "item" in bad.stderr
    assert json.loads(run_mutual(catalog, "source", "list", "--json").stdout) == []


def _items(settings: Settings) -> list[Item]:
    with _session(settings) as session:
        query = select(Item).order_by(Item.title).options(selectinload(Item.sightings))
        return list(session.scalars(query))


def _search(settings: Settings, *args: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run_mutual(settings, "search", *args, "--json").stdout)
    return result


def test_a_reworded_copy_is_merged_and_another_job_at_the_company_kept_apart(
    catalog: Settings, site: LocalSite
) -> None:
    run_mutual(catalog, "community", "add", "Finance Leaders", "--slug", "finance")
    run_mutual(catalog, "community", "add", "Lakeshore Alumni", "--slug", "alumni")
    _add(catalog, "finance", f"{site.base_url}/crawl/dedupe/finance-leaders.rss", "--kind", "feed")
    _add(catalog, "alumni", f"{site.base_url}/crawl/dedupe/alumni-jobs.rss", "--kind", "feed")
    crawl = run_mutual(catalog, "crawl")
    assert "1 matched to items from other sources" in crawl.stdout, crawl.stdout

    # Both feeds are fetched at once; whichever copy is stored first is the one kept.
    items = _items(catalog)
    assert len(items) == 2 and items[0].title == "Data Engineer"
    assert items[1].title in ("Senior Financial Analyst", "Sr. Financial Analyst")
    analyst = items[1]
    assert len(analyst.sightings) == 2
    run_mutual(catalog, "index")
    hit = _search(catalog, "financial analyst")["hits"][0]
    assert sorted(hit["seen_in"]) == ["Finance Leaders", "Lakeshore Alumni"]

    # The next crawl finds the copy by its remembered URL: still one item, nothing changed.
    again = run_mutual(catalog, "crawl", "--all")
    assert "0 new items, 0 changed" in again.stdout
    assert len(_items(catalog)) == 2


def test_expired_cancelled_and_taken_down_items_leave_the_default_search(
    catalog: Settings, site: LocalSite
) -> None:
    run_mutual(catalog, "community", "add", "Nonprofit Leaders", "--slug", "npl")
    _add(catalog, "npl", f"{site.base_url}/crawl/sitemap.xml", "--kind", "sitemap")
    _add(catalog, "npl", f"{site.base_url}/structured/event.html", "--kind", "structured")
    _add(catalog, "npl", f"{site.base_url}/crawl/dedupe/finance-leaders.rss", "--kind", "feed")
    run_mutual(catalog, "crawl")
    status = {i.title: i.status for i in _items(catalog)}
    assert status["Grants Manager"] == "active"
    assert status["Controller"] == "expired"  # its validThrough has passed
    assert "cancelled" in status.values()  # the event page says EventCancelled
    assert status["Data Engineer"] == "active"

    feed = site.root / "crawl/dedupe/finance-leaders.rss"
    text = feed.read_text()
    start, end = (
        text.index("<item><title>Data Engineer"),
        text.index("</item>", text.index("Data Engineer")),
    )
    feed.write_text(text[:start] + text[end + len("</item>") :])
    run_mutual(catalog, "crawl", "--all")
    assert {i.title: i.status for i in _items(catalog)}["Data Engineer"] == "active"  # one miss
    run_mutual(catalog, "crawl", "--all")
    assert {i.title: i.status for i in _items(catalog)}["Data Engineer"] == "removed"

    run_mutual(catalog, "index")
    assert _search(catalog, "data engineer")["total"] == 0
    assert _search(catalog, "controller")["total"] == 0
    assert _search(catalog, "grants manager")["total"] == 1


def test_a_failing_source_backs_off_and_honours_retry_after(
    catalog: Settings, site: LocalSite
) -> None:
    site.failures["/busy.rss"] = (429, {"Retry-After": "7200"})
    site.failures["/broken.rss"] = (500, {})
    run_mutual(catalog, "community", "add", "Flaky Network", "--slug", "flaky")
    _add(catalog, "flaky", f"{site.base_url}/busy.rss", "--kind", "feed")
    _add(catalog, "flaky", f"{site.base_url}/broken.rss", "--kind", "feed")
    _add(catalog, "flaky", f"{site.base_url}/association/careers.rss", "--kind", "feed")
    crawl = run_mutual(catalog, "crawl", check=False)
    assert crawl.returncode == 3  # partial: two sources failed, the third was stored
    assert "1 fetched, 0 not modified, 2 failed" in crawl.stdout

    busy, broken, healthy = (_source_row(catalog, n) for n in (1, 2, 3))
    assert busy["health"] == "failing x1"
    assert "HTTP 429" in busy["last_error"] and "7200" in busy["last_error"]
    assert _seconds_until(busy["next_fetch"], busy["last_attempt"]) >= 7200
    assert _seconds_until(broken["next_fetch"], broken["last_attempt"]) == 300
    assert healthy["health"] == "ok" and healthy["items"] == 3
    assert len(site.requests_for("/busy.rss")) == 1  # a 429 is not retried at once

    run_mutual(catalog, "crawl", "--source", "2", check=False)
    broken = _source_row(catalog, 2)
    assert broken["failures"] == 2
    assert _seconds_until(broken["next_fetch"], broken["last_attempt"]) == 600  # doubled
    assert "no sources are due" in run_mutual(catalog, "crawl").stdout


def _seconds_until(later: str, earlier: str) -> float:
    from datetime import datetime

    return round((datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds())


def _detect(settings: Settings, url: str, *args: str) -> tuple[str, dict[str, Any]]:
    added = run_mutual(settings, "source", "add", "auto", url, *args)
    rows = json.loads(run_mutual(settings, "source", "list", "--json").stdout)
    return added.stdout, rows[-1]


def test_auto_detection_says_what_it_found(catalog: Settings, site: LocalSite) -> None:
    host = site.base_url.split("://")[1]
    (site.root / "chapter.html").write_text(
        f'<html><body><a href="webcal://{host}/calendars/meetup-chipy.ics">Subscribe</a></body></html>'
    )
    run_mutual(catalog, "community", "add", "Auto", "--slug", "auto")

    said, row = _detect(catalog, f"{site.base_url}/crawl/home.html")
    assert "a feed linked from the page" in said
    assert (row["kind"], row["url"]) == ("feed", f"{site.base_url}/association/careers.rss")

    said, row = _detect(catalog, f"{site.base_url}/chapter.html")
    assert (row["kind"], row["item_kind"]) == ("calendar", "event")
    assert row["url"] == f"{site.base_url}/calendars/meetup-chipy.ics"

    said, row = _detect(catalog, f"{site.base_url}/structured/career-centre-job.html")
    assert "schema.org JobPosting" in said and row["kind"] == "structured"

    said, row = _detect(catalog, f"{site.base_url}/feeds/newsletter.json")
    assert (row["kind"], row["item_kind"]) == ("feed", "resource")

    said, row = _detect(catalog, "https://boards.greenhouse.io/acme")
    assert "Greenhouse job board" in said
    assert row["url"] == "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true"

    nothing = run_mutual(
        catalog, "source", "add", "auto", f"{site.base_url}/crawl/about.html", check=False
    )
    assert nothing.returncode == 1
    assert "--kind html" in nothing.stderr
    assert len(json.loads(run_mutual(catalog, "source", "list", "--json").stdout)) == 5


def test_scrapy_crawl_runs_the_same_crawl(catalog: Settings, site: LocalSite) -> None:
    run_mutual(catalog, "community", "add", "Healthcare Accountants", "--slug", "shca")
    _add(catalog, "shca", f"{site.base_url}/association/careers.rss", "--kind", "feed")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "mutual"],
        env=settings_env(catalog),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert _source_row(catalog, 1)["items"] == 3
    assert len(_items(catalog)) == 3


def test_a_source_stops_at_its_page_cap_and_takes_nothing_down(
    catalog: Settings, site: LocalSite
) -> None:
    capped = replace(catalog, crawl_max_pages=1)
    (site.root / "careers").mkdir()
    shutil.copy(FIXTURES / "html_lists" / "careers-page2.html", site.root / "careers" / "index.jsp")
    run_mutual(capped, "community", "add", "Trap Network", "--slug", "trap")
    _add(capped, "trap", f"{site.base_url}/html_lists/careers.html", "--kind", "html",
         *_options(HTML_OPTIONS))  # fmt: skip
    run_mutual(capped, "crawl")
    row = _source_row(capped, 1)
    assert "stopped at 1 pages" in row["last_error"]
    assert not site.requests_for("/careers/index.jsp")
    first_page = len(_items(capped))
    # Page 1 alone is not the whole listing: crawling it again takes nothing down.
    run_mutual(capped, "crawl", "--all")
    run_mutual(capped, "crawl", "--all")
    assert [i.status for i in _items(capped)] == ["active"] * first_page
