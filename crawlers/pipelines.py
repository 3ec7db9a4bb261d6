"""Writes what the spiders report into the catalog: one transaction per source."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.orm import Session

from catalog.db import make_engine, session_factory, transaction
from catalog.directory_pages import refresh_directory_page
from catalog.fetch_history import FAILED, NOT_MODIFIED, OK, ItemCounts, record_attempt
from catalog.items import count_unchanged_listing, expire_items, store_items
from catalog.outages import CatalogUnavailable, catalog_failure, patiently
from catalog.sources import Backoff, get_source, record_fetch_failure, record_fetch_success
from crawlers.enrich import enrich
from crawlers.outcomes import SourceFailed, SourceFetched
from ground.settings import Settings

log = logging.getLogger(__name__)
ProgressCallback = Callable[[str], None]
CATALOG_FAILURE_STAT = "mutual/catalog_failure"


class CatalogPipeline:
    def __init__(self, settings: Settings, progress: ProgressCallback | None, crawler: Crawler):
        self.engine = make_engine(settings.resolved_database_url)
        self.sessions = session_factory(self.engine)
        self.backoff = Backoff(settings.crawl_interval, settings.crawl_max_backoff)
        self.progress = progress or (lambda line: None)
        self.stats = crawler.stats
        self.crawler = crawler
        self.patience = settings.catalog_retry_seconds
        self.failure: CatalogUnavailable | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CatalogPipeline:
        return cls(
            crawler.settings["MUTUAL_SETTINGS"], crawler.settings.get("MUTUAL_PROGRESS"), crawler
        )

    def close_spider(self, spider: Spider | None = None) -> None:
        # A crawl asked to stop (SIGTERM, Ctrl-C: the crawler is no longer "crawling") leaves
        # the sources it did not reach unrecorded, still due: they were not tried, so they must
        # not back off as failures (the worker releases its claims on them).
        if self.failure is not None:  # the catalog is gone: nothing more can be written
            self.engine.dispose()
            return
        stopped = not self.crawler.crawling
        for source_id in [] if stopped else _unreported(spider or self.crawler.spider):
            # Every request of a source ends in a callback or errback, so this should not
            # happen; if a middleware drops one silently, the source still gets a record.
            self._store_failed(SourceFailed(source_id, "the crawl ended before this source did"))
        with transaction(self.sessions) as session:
            self._count("items_expired", expire_items(session))
        self.engine.dispose()

    def process_item(self, outcome: Any, spider: Spider | None = None) -> Any:
        if self.failure is not None:
            return outcome  # not stored: the source stays due, the next crawl fetches it
        try:
            if isinstance(outcome, SourceFetched):
                patiently(lambda: self._store_fetched(outcome), self.patience)
            elif isinstance(outcome, SourceFailed):
                patiently(lambda: self._store_failed(outcome), self.patience)
        except Exception as exc:
            failure = catalog_failure(exc)
            if failure is None:
                raise
            self._stop(failure)
        return outcome

    def _stop(self, failure: CatalogUnavailable) -> None:
        """The catalog went away for good or its disk is full: stop the crawl, say why once."""
        self.failure = failure
        if self.stats is not None:
            self.stats.set_value(CATALOG_FAILURE_STAT, str(failure))
        deferred_from_coro(self.crawler.stop_async())

    def _store_fetched(self, outcome: SourceFetched) -> None:
        if outcome.people is not None:
            self._store_people(outcome)
            return
        with transaction(self.sessions) as session:
            source = get_source(session, outcome.source_id)
            if outcome.info.status == 304:
                record_fetch_success(session, source, outcome.info, self.backoff, 0)
                _record_attempt(session, outcome, NOT_MODIFIED)
                self._count("items_taken_down", count_unchanged_listing(session, source))
                self._count("sources_not_modified")
                self.progress(f"source #{source.id}: not modified (304)")
                return
            items = [enrich(item) for item in outcome.items]
            report = store_items(session, source, items, complete=outcome.complete)
            record_fetch_success(session, source, outcome.info, self.backoff, len(outcome.items))
            counts = ItemCounts(report.new, report.changed, report.unchanged)
            _record_attempt(session, outcome, OK, counts)
        self._count("sources_ok")
        self._count("items_new", report.new)
        self._count("items_changed", report.changed)
        self._count("items_unchanged", report.unchanged)
        self._count("items_merged", report.merged)
        self._count("items_taken_down", report.taken_down)
        self.progress(
            f"source #{outcome.source_id}: {len(outcome.items)} items "
            f"({report.new} new, {report.changed} changed)"
        )

    def _store_people(self, outcome: SourceFetched) -> None:
        """A directory page's people replace its directory's (the spider reports people only
        for a page read with at least one entry, so an error page never empties it)."""
        people = outcome.people or []
        with transaction(self.sessions) as session:
            source = get_source(session, outcome.source_id)
            report = refresh_directory_page(session, source, people)
            record_fetch_success(session, source, outcome.info, self.backoff, len(people))
            counts = ItemCounts(report.added, report.updated, report.unchanged)
            _record_attempt(session, outcome, OK, counts)
        self._count("sources_ok")
        self._count("people_added", report.added)
        self._count("people_removed", report.removed)
        self.progress(
            f"source #{outcome.source_id}: {len(people)} people ({report.added} new, "
            f"{report.updated} changed, {report.removed} gone)"
        )

    def _store_failed(self, outcome: SourceFailed) -> None:
        with transaction(self.sessions) as session:
            source = get_source(session, outcome.source_id)
            record_fetch_failure(
                session,
                source,
                outcome.error,
                self.backoff,
                status=outcome.status,
                retry_after=outcome.retry_after,
            )
            record_attempt(
                session,
                source.id,
                FAILED,
                started_at=outcome.started_at,
                http_status=outcome.status,
                error=outcome.error,
            )
        self._count("sources_failed")
        log.warning("source #%s failed: %s", outcome.source_id, outcome.error)
        self.progress(f"source #{outcome.source_id}: FAILED: {outcome.error}")

    def _count(self, key: str, amount: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"mutual/{key}", amount)


def _record_attempt(
    session: Session, outcome: SourceFetched, result: str, counts: ItemCounts | None = None
) -> None:
    warnings = "; ".join(outcome.info.warnings) or None
    record_attempt(
        session,
        outcome.source_id,
        result,
        started_at=outcome.started_at,
        http_status=outcome.info.status,
        counts=counts,
        error=warnings,
    )


def _unreported(spider: Spider | None) -> list[int]:
    runs = getattr(spider, "runs", {})
    return [source_id for source_id, run in runs.items() if not run.reported]
