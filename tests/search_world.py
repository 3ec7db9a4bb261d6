"""One small crawled and indexed world, built once per test module (crawling is the slow part):
jobs from a feed with a script-laden title, a JSON feed with salaries, events from a calendar
and a resource page, all public, in two communities."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from catalog.communities import add_community
from catalog.db import make_engine, session_factory, transaction, upgrade_schema
from catalog.sources import add_source
from ground.settings import Settings
from indexer.client import make_client
from indexer.sync import sync_index
from mutual.local_site import LocalSite
from tests.helpers import isolated_settings, remove_indices, run_mutual

FIXTURES = Path(__file__).parent / "fixtures"


def _load(settings: Settings, base: str) -> None:
    """Communities and sources straight into the catalog, a crawl, and an index sync."""
    sources = [
        ("shca", "association/careers.rss", "feed", "job"),
        ("shca", "calendars/association-google.ics", "calendar", "event"),
        ("riverside", "alumni/jobs.atom", "feed", "job"),
        ("riverside", "feeds/jobs.json", "feed", "job"),
        ("riverside", "resources/career-advice-article.html", "resource", "resource"),
    ]
    engine = make_engine(settings.resolved_database_url)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        add_community(session, "Society of Healthcare Accountants", slug="shca")
        add_community(session, "Riverside Alumni", slug="riverside")
        for community, path, kind, item_kind in sources:
            add_source(session, community, f"{base}/{path}", kind=kind, item_kind=item_kind)
    run_mutual(settings, "crawl")  # its own process: Scrapy's reactor runs once per process
    client = make_client(settings)
    report = sync_index(client, sessions, settings)
    client.close()
    engine.dispose()
    assert not report.errors, report.errors


@contextmanager
def indexed_world(root: Path, es_url: str) -> Iterator[Settings]:
    """Settings of a catalog and index holding the world, removed afterwards."""
    settings = isolated_settings(root, es_url)
    upgrade_schema(settings.resolved_database_url)
    shutil.copytree(FIXTURES, root / "site")
    site = LocalSite(root / "site")
    site.start()
    try:
        _load(settings, site.base_url)
        yield settings
    finally:
        site.stop()
        remove_indices(es_url, settings.index_prefix)
