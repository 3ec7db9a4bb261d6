"""Fetches every kind of source and reports one outcome per source to the catalog pipeline.

A source may take several requests (a login form, the pages of a list, detail pages, the pages
a sitemap names); a SourceRun counts the requests still out and reports the source when the
last one is back, so the catalog gets all of a source's items in one transaction or none.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

from scrapy import FormRequest, Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from catalog.records import FetchInfo
from catalog.sources import SourceRef
from crawlers import html_lists, sitemaps
from crawlers.auth import origin, trusted_origins
from crawlers.directory_pages import (
    DirectoryOptions,
    InvalidDirectoryOptions,
    NoDirectoryEntries,
    parse_directory,
)
from crawlers.html_list_options import InvalidListOptions
from crawlers.outcomes import SourceFailed
from crawlers.parsers import UNREADABLE, parse_body, parse_page
from crawlers.source_selection import select_sources
from crawlers.spiders.event_page_run import CALENDAR, PAGE
from crawlers.spiders.login import LoginFailed, form_credentials, form_with_field
from crawlers.spiders.responses import describe_failure, header, without_query
from crawlers.spiders.source_run import Outcome, SourceRun, list_options
from ground.settings import Settings

log = logging.getLogger(__name__)
Callback = Callable[[Response], Iterator[Any]]

ACCEPT = {
    "feed": "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",
    "calendar": "text/calendar, */*;q=0.1",
    "jobboard": "application/json, */*;q=0.1",
    "sitemap": "application/xml, text/xml, */*;q=0.1",
}
# Scrapy's UrlLengthMiddleware drops longer requests silently (URLLENGTH_LIMIT).
MAX_URL_LENGTH = 2083
MULTI_DOCUMENT_KINDS = ("html", "sitemap")
HTML_ACCEPT = "text/html, application/xhtml+xml, */*;q=0.1"


class SourcesSpider(Spider):
    """`mutual crawl` runs it with the due sources; `scrapy crawl mutual` selects them itself."""

    name = "mutual"
    mutual: Settings

    def __init__(self, sources: list[SourceRef] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sources = sources
        self.runs: dict[int, SourceRun] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourcesSpider:
        spider: SourcesSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.mutual = crawler.settings["MUTUAL_SETTINGS"]
        return spider

    async def start(self) -> AsyncIterator[Request | SourceFailed]:
        if self.sources is None:
            self.sources = select_sources(self.mutual)
        for source in self.sources:
            if source.unusable:
                yield SourceFailed(source.id, source.unusable)
                continue
            run = self.runs[source.id] = SourceRun(source)
            for request in self._first_requests(run):
                yield request

    # -- requests -------------------------------------------------------------------------

    def _request(self, run: SourceRun, url: str, callback: Callback, **meta: Any) -> Request | None:
        """A request for `run`, counted; None once the source's page cap is reached."""
        if len(url) > MAX_URL_LENGTH:  # Scrapy would drop it without calling back
            run.complete = False
            run.warnings.append(f"skipped a URL of {len(url)} characters")
            return None
        if run.requested >= self.mutual.crawl_max_pages:
            run.complete = False
            run.warnings.append(f"stopped at {self.mutual.crawl_max_pages} pages (crawl_max_pages)")
            return None
        run.requested += 1
        run.pending += 1
        run.fetched.add(url)
        accept = ACCEPT.get(run.source.kind, HTML_ACCEPT) if not meta.get("html") else HTML_ACCEPT
        return Request(
            url,
            headers={"Accept": accept},
            callback=callback,
            errback=self.on_error,
            dont_filter=True,
            meta={"source": run.source, "cookiejar": run.source.id, **meta},
        )

    def _first_requests(self, run: SourceRun) -> Iterator[Request]:
        credentials = run.source.credentials
        if credentials is not None and credentials.kind == "form":
            request = self._request(run, credentials.login_url, self.parse_login, html=True)
        else:
            request = self._conditional(run)
        if request is not None:
            yield request

    def _conditional(self, run: SourceRun) -> Request | None:
        """The source's own URL, letting the server answer 304 when nothing changed."""
        request = self._request(run, run.source.url, self.parse_first, first=True)
        if request is None or run.source.kind in MULTI_DOCUMENT_KINDS:
            # A 304 for a list's first page or a sitemap index says nothing of the others.
            return request
        if run.source.etag:
            request.headers["If-None-Match"] = run.source.etag
        if run.source.last_modified:
            request.headers["If-Modified-Since"] = run.source.last_modified
        request.meta["handle_httpstatus_list"] = [304]
        return request

    # -- callbacks --------------------------------------------------------------------------

    def parse_login(self, response: Response) -> Iterator[Any]:
        run = self._run(response)
        yield from self._settle(run, lambda: [self._login_form(run, response)])

    def _login_form(self, run: SourceRun, response: Response) -> Request:
        """The login page's form filled in with the source's credentials (hidden fields, such
        as a CSRF token, kept as the page set them)."""
        credentials = form_credentials(run.source)
        trusted = trusted_origins(run.source)
        if origin(response.url) not in trusted:
            raise LoginFailed(
                f"the login page moved to another site ({without_query(response.url)})"
            )
        try:
            if not isinstance(response, TextResponse):
                raise ValueError("not an HTML page")
            form = FormRequest.from_response(
                response,
                # Always POST: a form without a method would put the password in the URL.
                method="POST",
                formxpath=form_with_field(credentials.password_field),
                formdata={
                    credentials.username_field: credentials.username,
                    credentials.password_field: credentials.secret,
                },
                callback=self.after_login,
                errback=self.on_error,
                dont_filter=True,
                # The answer to a sign-in is judged here: a redirect (to wherever the site
                # sends members) with its session cookie, or the form again when refused.
                meta={
                    "source": run.source,
                    "cookiejar": run.source.id,
                    "dont_redirect": True,
                    "handle_httpstatus_list": [301, 302, 303, 307, 308],
                },
            )
        except ValueError as exc:
            raise LoginFailed(f"no login form at {without_query(response.url)}: {exc}") from exc
        if origin(form.url) not in trusted:
            raise LoginFailed(f"the login form posts to another site ({without_query(form.url)})")
        run.requested += 1
        run.pending += 1
        return form

    def after_login(self, response: Response) -> Iterator[Any]:
        run = self._run(response)
        yield from self._settle(run, lambda: self._signed_in(run, response))

    def _signed_in(self, run: SourceRun, response: Response) -> list[Request | None]:
        """The source's own request once the sign-in was accepted; LoginFailed when the site
        sent the form back or redirected to it."""
        credentials = form_credentials(run.source)
        location = (header(response, b"Location") or "").split("?")[0]
        back_to_form = location and urljoin(response.url, location) == credentials.login_url
        form_again = isinstance(response, TextResponse) and response.xpath(
            "//input[@name=$field]", field=credentials.password_field
        )
        if back_to_form or form_again:
            login = without_query(credentials.login_url)
            raise LoginFailed(f"sign-in refused at {login} (the form came back)")
        return [self._conditional(run)]

    def parse_first(self, response: Response) -> Iterator[Any]:
        run = self._run(response)
        run.info = FetchInfo(
            response.status, header(response, b"ETag"), header(response, b"Last-Modified")
        )
        if response.status == 304:
            yield from self._settle(run, list)
            return
        yield from self._settle(run, lambda: self._read(run, response, page=1))

    def parse_list_page(self, response: Response) -> Iterator[Any]:
        run = self._run(response)
        page = int(response.meta.get("page", 1))
        yield from self._settle(run, lambda: self._read(run, response, page))

    def parse_detail(self, response: Response) -> Iterator[Any]:
        run = self._run(response)
        index: int = response.meta["listed"]
        options = list_options(run)
        run.items[index] = html_lists.parse_detail(
            response.url, response.body, options, run.items[index]
        )
        yield from self._settle(run, list)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        run = self._run(response)
        yield from self._settle(run, lambda: self._read_sitemap(run, response))

    def parse_sitemap_page(self, response: Response) -> Iterator[Any]:
        run = self._run(response)
        try:
            page = parse_page(run.source, response.url, response.body, self.mutual)
            run.add(replace(page, complete=True))
        except UNREADABLE as exc:
            run.complete = False
            run.warnings.append(f"{without_query(response.url)}: {exc}")
        yield from self._settle(run, list)

    def parse_event_page(self, response: Response) -> Iterator[Any]:
        run = self._run(response)
        content_type = header(response, b"Content-Type") or ""
        page = (response.meta[PAGE], response.url, response.body, content_type)
        yield from self._settle(run, lambda: run.event_pages.on_page(run, page))

    def parse_event_calendar(self, response: Response) -> Iterator[Any]:
        run = self._run(response)
        calendar = response.meta[CALENDAR]
        yield from self._settle(
            run, lambda: run.event_pages.on_calendar(run, calendar, response.body)
        )

    def _event_request(self, run: SourceRun) -> Callable[[str, str], Request | None]:
        """Requests for the run's event pages and calendars: not past the page cap, where a
        listing's own requests would have been cut (and marked so), but left out quietly."""

        def ask(url: str, what: str) -> Request | None:
            if run.requested >= self.mutual.crawl_max_pages or len(url) > MAX_URL_LENGTH:
                return None
            callback = self.parse_event_page if what == PAGE else self.parse_event_calendar
            request = self._request(run, url, callback, html=True, **{what: url})
            if request is not None and what == CALENDAR:
                request.headers["Accept"] = ACCEPT["calendar"]
            return request

        return ask

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        run = self.runs[request.meta["source"].id]
        yield from self._settle(run, lambda: self._record_error(run, request, failure))

    def _record_error(self, run: SourceRun, request: Request, failure: Failure) -> list[Request]:
        error, status, retry_after = describe_failure(failure)
        if request.meta.get(PAGE) or request.meta.get(CALENDAR):
            run.event_pages.on_error(run, request, error)
        elif request.meta.get("first") or request.callback == self.after_login:
            run.failure = SourceFailed(run.source.id, error, status, retry_after)
        elif request.callback == self.parse_login:
            run.failure = SourceFailed(run.source.id, f"login page: {error}", status)
        else:  # a later page: keep what the others gave, but the listing is not whole
            run.complete = False
            run.warnings.append(error)
        return []

    # -- reading bodies ---------------------------------------------------------------------

    def _read(self, run: SourceRun, response: Response, page: int) -> list[Request | None]:
        kind = run.source.kind
        if kind == "html":
            return self._read_list(run, response, page)
        if kind == "sitemap":
            return self._read_sitemap(run, response)
        if kind == "directory":
            return self._read_directory(run, response)
        content_type = header(response, b"Content-Type")
        run.add(
            parse_body(
                run.source, response.url, response.body, self.mutual, content_type=content_type
            )
        )
        return []

    def _read_list(self, run: SourceRun, response: Response, page: int) -> list[Request | None]:
        options = list_options(run)
        # The page cap is the spider's (_request counts every request of the source, detail
        # pages included), so the parser is told to follow every next page.
        result = html_lists.parse(
            response.url, response.body, options, page=page, max_pages=page + 1
        )
        first_new = len(run.items)
        # Pages are whole when all of them were read; an empty one may be a redesign that broke
        # the selectors, and must not take every item down.
        run.add(replace(result, complete=bool(result.items)))
        by_url = {item.url: first_new + i for i, item in enumerate(result.items)}
        requests: list[Request | None] = []
        for url in result.follow:
            if url in by_url:
                requests.append(self._request(run, url, self.parse_detail, listed=by_url[url]))
            else:
                requests.append(self._request(run, url, self.parse_list_page, page=page + 1))
        return requests

    def _read_directory(self, run: SourceRun, response: Response) -> list[Request | None]:
        """A directory page's people. A page without one raises NoDirectoryEntries, failing
        the source: an error or sign-in page answered 200 must not empty the directory."""
        options = DirectoryOptions.from_dict(run.source.options)
        page = parse_directory(response.url, response.body, options)
        run.people = page.entries
        run.warnings.extend(page.problems[:10])
        return []

    def _read_sitemap(self, run: SourceRun, response: Response) -> list[Request | None]:
        result = sitemaps.parse(
            response.url,
            response.body,
            pattern=run.source.options.get("pattern"),
            max_urls=self.mutual.crawl_max_pages,
        )
        run.warnings.extend(result.warnings)
        run.complete = run.complete and not result.warnings
        requests = [self._request(run, url, self.parse_sitemap) for url in result.sitemaps]
        pages = (url for url, _lastmod in result.pages)
        requests += [self._request(run, url, self.parse_sitemap_page, html=True) for url in pages]
        return requests

    # -- bookkeeping ------------------------------------------------------------------------

    def _run(self, response: Response) -> SourceRun:
        return self.runs[response.meta["source"].id]

    def _settle(
        self, run: SourceRun, step: Callable[[], Iterable[Request | None]]
    ) -> Iterator[Request | Outcome]:
        """Run one step of a source's crawl, then report the source if nothing is left out."""
        run.pending -= 1
        if run.failure is None:
            try:
                yield from (request for request in step() if request is not None)
                if run.pending == 0 and run.failure is None:  # all back: its events' pages
                    loopback = self.mutual.crawl_allow_loopback
                    pages = run.event_pages.start(run, loopback, self._event_request(run))
                    yield from (request for request in pages if request is not None)
            except (*UNREADABLE, NoDirectoryEntries) as exc:
                status = run.info.status if run.info else None
                run.failure = SourceFailed(run.source.id, str(exc), status)
            except (
                InvalidListOptions,
                InvalidDirectoryOptions,
                sitemaps.NotASitemap,
                LoginFailed,
            ) as exc:
                run.failure = SourceFailed(run.source.id, str(exc))
            except Exception as exc:  # a parser bug must fail its source, not the bookkeeping
                log.exception("source #%s: unexpected error", run.source.id)
                error = f"unexpected error ({type(exc).__name__}: {exc}); see the crawl log"
                run.failure = SourceFailed(run.source.id, error[:500])
        if run.pending == 0:
            run.reported = True
            yield run.outcome()
