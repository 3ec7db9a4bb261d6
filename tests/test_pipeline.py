"""The one-way pipeline end to end: real HTTP, the real `mutual` command, a real Elasticsearch."""

from __future__ import annotations

import gzip
import json
import time
from dataclasses import replace
from pathlib import Path

from elasticsearch import Elasticsearch
from sqlalchemy import func, select

from catalog.db import make_engine, session_factory
from catalog.models.items import Item
from catalog.models.sources import Source
from ground.settings import Settings
from indexer.names import IndexNames
from mutual.local_site import LocalSite
from tests.helpers import run_mutual


def _add_sources(settings: Settings, site: LocalSite) -> None:
    run_mutual(settings, "community", "add", "Society of Healthcare Accountants", "--slug", "shca")
    run_mutual(settings, "community", "add", "Riverside Alumni", "--slug", "riverside")
    run_mutual(
        settings,
        "source",
        "add",
        "shca",
        f"{site.base_url}/association/careers.rss",
        "--kind",
        "feed",
    )
    run_mutual(
        settings,
        "source",
        "add",
        "riverside",
        f"{site.base_url}/alumni/jobs.atom",
        "--kind",
        "feed",
    )


def _search(settings: Settings, query: str) -> dict:  # type: ignore[type-arg]
    result: dict = json.loads(run_mutual(settings, "search", query, "--json").stdout)  # type: ignore[type-arg]
    return result


def _doc_count(es_client: Elasticsearch, settings: Settings) -> int:
    alias = IndexNames(settings.index_prefix).alias
    es_client.indices.refresh(index=alias)
    return int(es_client.count(index=alias)["count"])


def test_feed_to_search_results(catalog: Settings, site: LocalSite) -> None:
    _add_sources(catalog, site)
    crawl = run_mutual(catalog, "crawl")
    assert "crawled 2 sources: 2 fetched" in crawl.stdout
    assert "4 new items" in crawl.stdout  # 5 entries, one posting carried by both communities
    run_mutual(catalog, "index")

    results = _search(catalog, "revenue cycle")
    assert results["total"] == 1
    hit = results["hits"][0]
    assert hit["title"] == "Revenue Cycle Director"
    assert hit["organisation"] == "St. Mary's Regional Hospital"
    # Both sources are fetched at once, so which community saw it first is a race.
    assert sorted(hit["seen_in"]) == ["Riverside Alumni", "Society of Healthcare Accountants"]
    assert "<mark>Revenue</mark>" in hit["title_html"]


def test_second_index_run_sends_nothing(
    catalog: Settings, site: LocalSite, es_client: Elasticsearch
) -> None:
    _add_sources(catalog, site)
    run_mutual(catalog, "crawl")
    first = run_mutual(catalog, "index")
    assert "indexed 4 of 4 changed items" in first.stdout
    second = run_mutual(catalog, "index")
    assert "indexed 0 of 0 changed items" in second.stdout
    assert _doc_count(es_client, catalog) == 4


def test_unchanged_feed_is_fetched_conditionally_and_not_parsed(
    catalog: Settings, site: LocalSite
) -> None:
    _add_sources(catalog, site)
    run_mutual(catalog, "crawl")
    again = run_mutual(catalog, "crawl", "--all")
    assert "0 fetched, 2 not modified" in again.stdout
    assert "0 new items, 0 changed" in again.stdout
    requests = site.requests_for("/association/careers.rss")
    assert [r.status for r in requests] == [200, 304]
    assert requests[1].headers.get("If-None-Match")
    assert "Mutual/" in requests[1].headers["User-Agent"]


def test_changed_item_is_updated_not_duplicated(
    catalog: Settings, site: LocalSite, es_client: Elasticsearch
) -> None:
    _add_sources(catalog, site)
    run_mutual(catalog, "crawl")
    run_mutual(catalog, "index")
    feed = Path(site.root) / "association" / "careers.rss"
    feed.write_text(feed.read_text().replace("Staff Accountant", "Senior Staff Accountant"))

    crawl = run_mutual(catalog, "crawl", "--all")
    assert "0 new items, 1 changed" in crawl.stdout
    index = run_mutual(catalog, "index")
    assert "indexed 1 of 1 changed items" in index.stdout

    assert _doc_count(es_client, catalog) == 4
    titles = [h["title"] for h in _search(catalog, "accountant")["hits"]]
    # The new title, once, first; the old one gone. (A job that mentions "accounting" may
    # follow: typo tolerance reads it as a near spelling.)
    assert titles[0] == "Senior Staff Accountant"
    assert titles.count("Senior Staff Accountant") == 1 and "Staff Accountant" not in titles


def test_a_failing_source_is_recorded_and_others_still_crawled(
    catalog: Settings, site: LocalSite
) -> None:
    _add_sources(catalog, site)
    run_mutual(catalog, "community", "add", "Broken Club", "--slug", "broken")
    run_mutual(catalog, "source", "add", "broken", f"{site.base_url}/gone.rss", "--kind", "feed")
    run_mutual(
        catalog, "source", "add", "broken", f"{site.base_url}/not-a-feed.html", "--kind", "feed"
    )

    crawl = run_mutual(catalog, "crawl", check=False)
    assert crawl.returncode == 3
    assert "2 fetched, 0 not modified, 2 failed" in crawl.stdout

    engine = make_engine(catalog.resolved_database_url)
    with session_factory(engine)() as session:
        sources = {s.url.rsplit("/", 1)[-1]: s for s in session.scalars(select(Source))}
        assert sources["gone.rss"].error_count == 1
        assert sources["gone.rss"].last_error == f"HTTP 404 from {site.base_url}/gone.rss"
        assert "not a feed" in (sources["not-a-feed.html"].last_error or "")
        assert sources["careers.rss"].error_count == 0
        assert session.scalar(select(func.count()).select_from(Item)) == 4
    listing = json.loads(run_mutual(catalog, "source", "list", "--json").stdout)
    assert {row["failures"] for row in listing} == {0, 1}


def test_redirect_to_a_private_address_is_refused(catalog: Settings, site: LocalSite) -> None:
    run_mutual(catalog, "community", "add", "Trap", "--slug", "trap")
    (Path(site.root) / "redirect.rss").write_text("placeholder")
    site.redirects["/redirect.rss"] = "http://169.254.169.254/latest/meta-data/"
    run_mutual(catalog, "source", "add", "trap", f"{site.base_url}/redirect.rss", "--kind", "feed")
    crawl = run_mutual(catalog, "crawl", check=False)
    assert crawl.returncode == 3
    listing = json.loads(run_mutual(catalog, "source", "list", "--json").stdout)
    assert "169.254.169.254" in listing[0]["last_error"]
    assert listing[0]["url"] == f"{site.base_url}/redirect.rss"


def test_source_add_refuses_private_addresses(catalog: Settings) -> None:
    run_mutual(catalog, "community", "add", "Trap", "--slug", "trap")
    refused = run_mutual(
        catalog, "source", "add", "trap", "http://10.0.0.5/feed", "--kind", "feed", check=False
    )
    assert refused.returncode == 1
    assert "non-public address 10.0.0.5" in refused.stderr


def test_oversized_response_is_aborted_and_writes_nothing(
    catalog: Settings, site: LocalSite
) -> None:
    small = Settings(**{**catalog.__dict__, "crawl_max_bytes": 50_000})
    items = "".join(
        f"<item><title>Job {n}</title><link>http://x.example/{n}</link></item>" for n in range(2000)
    )
    (Path(site.root) / "huge.rss").write_text(
        f"<rss><channel><title>Big</title>{items}</channel></rss>"
    )
    run_mutual(small, "community", "add", "Big", "--slug", "big")
    run_mutual(small, "source", "add", "big", f"{site.base_url}/huge.rss", "--kind", "feed")
    crawl = run_mutual(small, "crawl", check=False)
    assert crawl.returncode == 3
    engine = make_engine(small.resolved_database_url)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Item)) == 0
        error = session.scalars(select(Source)).one().last_error or ""
        assert "larger than download max size (50000)" in error


def test_a_decompression_bomb_is_aborted_at_the_cap(catalog: Settings, site: LocalSite) -> None:
    small = replace(catalog, crawl_max_bytes=1_000_000)
    bomb = gzip.compress(b"<rss><channel><title>Bomb</title>" + b" " * 50_000_000)
    assert len(bomb) < 100_000
    site.raw["/bomb.rss"] = (
        bomb,
        {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
    )
    run_mutual(small, "community", "add", "Bomb", "--slug", "bomb")
    run_mutual(small, "source", "add", "bomb", f"{site.base_url}/bomb.rss", "--kind", "feed")
    run_mutual(
        small, "source", "add", "bomb", f"{site.base_url}/alumni/jobs.atom", "--kind", "feed"
    )
    crawl = run_mutual(small, "crawl", check=False)
    assert crawl.returncode == 3
    assert "1 fetched, 0 not modified, 1 failed; 2 new items" in crawl.stdout
    listing = {
        row["url"].rsplit("/", 1)[-1]: row
        for row in json.loads(run_mutual(small, "source", "list", "--json").stdout)
    }
    assert (
        "exceeded DOWNLOAD_MAXSIZE (1000000 B) during decompression"
        in (listing["bomb.rss"]["last_error"])
    )


def test_a_server_that_drips_is_cut_off_at_the_deadline(catalog: Settings, site: LocalSite) -> None:
    quick = replace(catalog, crawl_timeout=3)
    site.drip["/slow.rss"] = 0.5
    run_mutual(quick, "community", "add", "Slow", "--slug", "slow")
    run_mutual(quick, "source", "add", "slow", f"{site.base_url}/slow.rss", "--kind", "feed")
    started = time.monotonic()
    crawl = run_mutual(quick, "crawl", check=False)
    assert crawl.returncode == 3
    assert time.monotonic() - started < 30
    listing = json.loads(run_mutual(quick, "source", "list", "--json").stdout)
    assert "took longer than 3" in listing[0]["last_error"]
    assert listing[0]["failures"] == 1
