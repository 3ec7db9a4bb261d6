"""One guarded fetch of a URL, for auto-detection when a source is added.

It goes through the same Scrapy settings as a crawl (user agent, robots.txt, address guard,
size and time caps), so adding a source cannot reach what crawling it could not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from twisted.python.failure import Failure

from catalog.sources import SourceRef
from crawlers.run import signal_handlers_restored
from crawlers.scrapy_settings import scrapy_settings
from ground.errors import MutualError
from ground.settings import Settings


class ProbeFailed(MutualError):
    """The URL could not be fetched to find out what it is."""


@dataclass
class Fetched:
    url: str
    status: int
    content_type: str
    body: bytes


class ProbeSpider(Spider):
    name = "mutual-probe"

    def __init__(self, source: SourceRef, results: list[Fetched | str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.results = results

    async def start(self) -> AsyncIterator[Request]:
        yield Request(
            self.source.url,
            callback=self.fetched,
            errback=self.failed,
            dont_filter=True,
            meta={"source": self.source, "cookiejar": 0},
        )

    def fetched(self, response: Response) -> Iterator[Any]:
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        self.results.append(Fetched(response.url, response.status, content_type, response.body))
        yield from ()

    def failed(self, failure: Failure) -> Iterator[Any]:
        self.results.append(f"{type(failure.value).__name__}: {failure.value}")
        yield from ()


def run_spider_once(settings: Settings, spider: type[Spider], **kwargs: Any) -> None:
    """Run `spider` (built with `kwargs`) under a crawl's Scrapy settings, with no item
    pipelines and no retries. Starts a Twisted reactor: call at most once per process."""
    crawler_settings = scrapy_settings(settings)
    crawler_settings["ITEM_PIPELINES"] = {}
    crawler_settings["RETRY_TIMES"] = 0
    process = CrawlerProcess(crawler_settings)
    process.crawl(spider, **kwargs)
    with signal_handlers_restored():
        process.start()


def fetch_once(settings: Settings, source: SourceRef) -> Fetched:
    """The body at `source.url`. Starts a Twisted reactor: call at most once per process."""
    results: list[Fetched | str] = []
    run_spider_once(settings, ProbeSpider, source=source, results=results)
    if not results:
        raise ProbeFailed(f"no answer from {source.url}")
    result = results[0]
    if isinstance(result, str):
        raise ProbeFailed(f"could not fetch {source.url} ({result}); give --kind to add it anyway")
    return result
