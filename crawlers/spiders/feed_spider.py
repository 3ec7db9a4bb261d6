"""Fetches feed sources with conditional GET and hands parsed items to the catalog pipeline."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from catalog.records import FetchInfo
from catalog.sources import SourceRef
from crawlers import feeds
from crawlers.outcomes import SourceFailed, SourceFetched

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


class FeedSpider(Spider):
    name = "feeds"

    def __init__(self, sources: list[SourceRef], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = sources

    async def start(self) -> AsyncIterator[Request]:
        for source in self.sources:
            yield conditional_request(source, self.parse_feed, self.on_error)

    def parse_feed(self, response: Response) -> Iterator[SourceFetched | SourceFailed]:
        source: SourceRef = response.meta["source"]
        info = FetchInfo(
            status=response.status,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
        )
        if response.status == 304:
            yield SourceFetched(source.id, info)
            return
        content_type = _header(response, b"Content-Type")
        try:
            result = feeds.parse(
                response.url, response.body, source.item_kind, content_type=content_type
            )
        except feeds.NotAFeed as exc:
            yield SourceFailed(source.id, str(exc), response.status)
            return
        info = FetchInfo(info.status, info.etag, info.last_modified, result.warnings)
        yield SourceFetched(source.id, info, result.items)

    def on_error(self, failure: Failure) -> Iterator[SourceFailed]:
        request = failure.request  # type: ignore[attr-defined]
        source: SourceRef = request.meta["source"]
        if isinstance(failure.value, HttpError):
            status = failure.value.response.status
            yield SourceFailed(source.id, f"HTTP {status} from {request.url}", status)
            return
        yield SourceFailed(source.id, f"{type(failure.value).__name__}: {failure.value}")


def conditional_request(source: SourceRef, callback: Any, errback: Any) -> Request:
    """A request that lets the server answer 304 when nothing changed since the last fetch."""
    headers = {"Accept": FEED_ACCEPT}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    return Request(
        source.url,
        headers=headers,
        callback=callback,
        errback=errback,
        dont_filter=True,
        meta={"source": source, "handle_httpstatus_list": [304]},
    )


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
