"""A source's test fetch: what a crawl of it would collect, written nowhere.

`mutual source test URL` runs the crawl's own spider (same user agent, robots.txt, address
guard, size and time caps, parsers) on one source that is not in the catalog, and reports its
outcome instead of storing it. With kind "auto" the spider first finds out what the URL is, as
`mutual source add` does. The web app's Sources section runs the same test fetch in a subprocess
(crawlers/preview_command.py): Scrapy's reactor cannot run inside a web request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from catalog.records import ParsedItem
from catalog.sources import SourceRef, default_item_kind
from crawlers.detect import Detection, NothingDetected, detect, detect_from_url
from crawlers.enrich import enrich
from crawlers.outcomes import SourceFailed
from crawlers.probe import run_spider_once
from crawlers.spiders.source_run import SourceRun
from crawlers.spiders.sources_spider import HTML_ACCEPT, MULTI_DOCUMENT_KINDS, SourcesSpider
from ground.settings import Settings

PREVIEW_ID = 0  # no catalog source has id 0
PREVIEW_ITEMS = 20
# A preview answers while someone waits: a list's first pages are enough to judge it.
PREVIEW_MAX_PAGES = 5


@dataclass
class Preview:
    """What a test fetch found: the kind, the HTTP status, the first items, warnings, error."""

    url: str
    kind: str
    item_kind: str
    found: str = ""
    status: int | None = None
    items: list[ParsedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "url": self.url,
            "kind": self.kind,
            "item_kind": self.item_kind,
            "found": self.found,
            "status": self.status,
            "item_count": len(self.items),
            "items": [_item_row(item) for item in self.items[:PREVIEW_ITEMS]],
            "warnings": self.warnings,
            "error": self.error,
        }


def _item_row(item: ParsedItem) -> dict[str, str]:
    return {
        "title": item.title,
        "url": item.url,
        "kind": item.kind,
        "organisation": item.organisation,
        "published": item.published_at.isoformat() if item.published_at else "",
    }


class PreviewSpider(SourcesSpider):
    name = "mutual-preview"

    def __init__(self, source: SourceRef, preview: Preview, **kwargs: Any) -> None:
        super().__init__(sources=[], **kwargs)
        self.source = source
        self.preview = preview

    async def start(self) -> AsyncIterator[Request | SourceFailed]:
        if self.source.kind != "auto":
            for request in self._begin(self.source):
                yield request
            return
        found = detect_from_url(self.source.url)
        if found is not None:
            for request in self._begin(self._detected(found)):
                yield request
            return
        yield Request(
            self.source.url,
            headers={"Accept": HTML_ACCEPT},
            callback=self.probed,
            errback=self.probe_failed,
            dont_filter=True,
            meta={"source": self.source, "cookiejar": PREVIEW_ID},
        )

    def _begin(self, source: SourceRef) -> Iterator[Request]:
        run = self.runs[PREVIEW_ID] = SourceRun(source)
        yield from self._first_requests(run)

    def _detected(self, found: Detection) -> SourceRef:
        item_kind = self.preview.item_kind or found.item_kind
        self.preview.kind, self.preview.url, self.preview.item_kind = (
            found.kind,
            found.url,
            item_kind,
        )
        self.preview.found = found.found
        return dataclasses.replace(self.source, kind=found.kind, url=found.url, item_kind=item_kind)

    def probed(self, response: Response) -> Iterator[Any]:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        try:
            source = self._detected(detect(response.url, response.body, content_type))
        except NothingDetected as exc:
            self.preview.status, self.preview.error = response.status, str(exc)
            return
        if source.url != response.url or source.kind in MULTI_DOCUMENT_KINDS:
            yield from self._begin(source)
            return
        # The page fetched to find out is the source itself: read it, rather than fetch again.
        self.runs[PREVIEW_ID] = SourceRun(source, pending=1, requested=1)
        yield from self.parse_first(response)

    def probe_failed(self, failure: Failure) -> Iterator[Any]:
        self.preview.error = f"could not fetch {self.source.url} ({failure.value})"
        yield from ()

    def closed(self, reason: str) -> None:
        run = self.runs.get(PREVIEW_ID)
        if run is None:
            return  # the probe failed or found nothing: the error is already recorded
        outcome = run.outcome() if run.reported else SourceFailed(PREVIEW_ID, f"stopped: {reason}")
        if isinstance(outcome, SourceFailed):
            self.preview.status = outcome.status or (run.info.status if run.info else None)
            self.preview.error = outcome.error
            return
        self.preview.status = outcome.info.status
        self.preview.items = [enrich(item) for item in outcome.items]
        self.preview.warnings = list(outcome.info.warnings)
        if outcome.people is not None:  # a directory page: people are for members, not here
            found = f"{len(outcome.people)} people read from the directory page (not shown)"
            self.preview.warnings.insert(0, found)


def preview_source(
    settings: Settings,
    url: str,
    kind: str = "auto",
    item_kind: str = "",
    options: dict[str, Any] | None = None,
) -> Preview:
    """Fetch the source at `url` once, as a crawl would, and say what it would collect.

    `kind` "auto" detects it; an empty `item_kind` takes the detected one, else the source
    kind's default (catalog.sources.default_item_kind: a calendar's items are events).
    Starts a Twisted reactor: call at most once per process.
    """
    preview = Preview(
        url, kind, item_kind if kind == "auto" else item_kind or default_item_kind(kind)
    )
    source = SourceRef(
        PREVIEW_ID,
        url,
        kind,
        preview.item_kind or default_item_kind(kind),
        None,
        None,
        options or {},
    )
    limited = dataclasses.replace(
        settings, crawl_max_pages=min(settings.crawl_max_pages, PREVIEW_MAX_PAGES)
    )
    run_spider_once(limited, PreviewSpider, source=source, preview=preview)
    return preview
