"""Running one crawl of the due sources: the entry point `mutual crawl` and the worker use."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import CrawlerProcess

from catalog.outages import CatalogUnavailable
from catalog.sources import SourceRef
from crawlers.pipelines import CATALOG_FAILURE_STAT, ProgressCallback
from crawlers.scrapy_settings import scrapy_settings
from crawlers.spiders.sources_spider import SourcesSpider
from ground.settings import Settings


@dataclass(frozen=True)
class CrawlReport:
    sources: int
    ok: int
    not_modified: int
    failed: int
    items_new: int
    items_changed: int
    items_merged: int = 0
    items_taken_down: int = 0
    items_expired: int = 0

    @property
    def unaccounted(self) -> int:
        """Sources that produced no outcome at all (should be none)."""
        return self.sources - self.ok - self.not_modified - self.failed


@contextmanager
def signal_handlers_restored() -> Iterator[None]:
    """Scrapy leaves its SIGINT/SIGTERM handlers behind after the reactor stops; a process that
    goes on (the demo's web server) must still stop on Ctrl-C and SIGTERM."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def run_crawl(
    settings: Settings, sources: list[SourceRef], progress: ProgressCallback | None = None
) -> CrawlReport:
    """Fetch `sources` once. Starts a Twisted reactor: call at most once per process.

    Raises CatalogUnavailable when the catalog went away for good or its disk filled up: the
    crawl stopped there, and the sources it had not stored stay due."""
    process = CrawlerProcess(scrapy_settings(settings, progress))
    crawler = process.create_crawler(SourcesSpider)
    process.crawl(crawler, sources=sources)
    with signal_handlers_restored():
        process.start()
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    if CATALOG_FAILURE_STAT in stats:
        raise CatalogUnavailable(stats[CATALOG_FAILURE_STAT])
    return CrawlReport(
        sources=len(sources),
        ok=stats.get("mutual/sources_ok", 0),
        not_modified=stats.get("mutual/sources_not_modified", 0),
        failed=stats.get("mutual/sources_failed", 0),
        items_new=stats.get("mutual/items_new", 0),
        items_changed=stats.get("mutual/items_changed", 0),
        items_merged=stats.get("mutual/items_merged", 0),
        items_taken_down=stats.get("mutual/items_taken_down", 0),
        items_expired=stats.get("mutual/items_expired", 0),
    )
