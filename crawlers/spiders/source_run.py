"""One source's crawl in progress: its requests still out, what they gave, and its outcome."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from catalog.models.base import utcnow
from catalog.people import DirectoryEntry
from catalog.records import FetchInfo, ParsedItem
from catalog.sources import SourceRef
from crawlers.enrichment.source_hints import with_source_zone
from crawlers.html_list_options import ListOptions
from crawlers.outcomes import SourceFailed, SourceFetched
from crawlers.results import ParseResult
from crawlers.spiders.event_page_run import EventPageRun

Outcome = SourceFetched | SourceFailed


@dataclass
class SourceRun:
    """One source's crawl in progress."""

    source: SourceRef
    info: FetchInfo | None = None
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pending: int = 0
    requested: int = 0
    complete: bool = True
    failure: SourceFailed | None = None
    reported: bool = False
    # An html source's selectors, compiled once for all its pages.
    list_options: ListOptions | None = None
    # A directory page's people, once its page was read with at least one entry.
    people: list[DirectoryEntry] | None = None
    started_at: datetime = field(default_factory=utcnow)
    # The URLs the run asked for, and its visits to its undated events' own pages.
    fetched: set[str] = field(default_factory=set)
    event_pages: EventPageRun = field(default_factory=EventPageRun)

    def add(self, result: ParseResult) -> None:
        self.items.extend(with_source_zone(result.items, self.source.options))
        self.warnings.extend(result.warnings)
        # A parser that had to skip, cut or guess may have missed items: not a whole listing.
        self.complete = self.complete and result.complete and not result.warnings

    def outcome(self) -> Outcome:
        if self.failure is not None:
            return replace(self.failure, started_at=self.started_at)
        if self.info is None:  # cannot happen: every request ends in a callback or errback
            return SourceFailed(self.source.id, "no response recorded", started_at=self.started_at)
        info = replace(self.info, warnings=tuple(dict.fromkeys(self.warnings))[:20])
        # An archive of articles lists the latest few: leaving one out is not taking it down.
        # An empty answer is more often a broken page than a board with nothing open.
        complete = self.complete and bool(self.items) and self.source.item_kind != "resource"
        return SourceFetched(
            self.source.id, info, self.items, complete, self.started_at, self.people
        )


def list_options(run: SourceRun) -> ListOptions:
    """The source's selectors; its entries are of the source's item kind unless it says."""
    if run.list_options is None:
        source = run.source
        run.list_options = ListOptions.from_dict({"kind": source.item_kind, **source.options})
    return run.list_options
