"""A source run's visits to its events' own pages, for events its source gives no start.

Once a source's requests are all back, each event item without a start whose URL the guard
allows (and that the run has not fetched already, as an html list's detail page or a sitemap's
page) has its page fetched once, at most MAX_EVENT_PAGES per run, one request per URL however
many items share it. A page without a dated Event may link a calendar, fetched once for every
page that links it (at most MAX_EVENT_CALENDARS per run). These requests go through the spider's
`_request`, so robots.txt, the per-host delays, the guard and the page cap apply as to any other;
an error on one is a warning on the source, never its failure nor a sign that the listing is cut.

Not cached between crawls: an entry whose source gives no start is looked up again next time
(the entry's start is whatever its page says now, so a moved date is seen).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from scrapy import Request

from catalog.records import ParsedItem
from catalog.sources import SourceRef
from crawlers.event_pages import (
    PageEvent,
    calendar_events,
    calendar_match,
    read_page,
    wants_page,
    with_page_event,
)
from crawlers.guard import UnsafeURL, check_url
from crawlers.normalise import canonical_url
from crawlers.spiders.responses import without_query


class SourceRun(Protocol):
    """What the visits read and change of the source's run (crawlers.spiders.source_run, which
    holds an EventPageRun: a Protocol here keeps the two modules out of an import circle)."""

    source: SourceRef
    items: list[ParsedItem]
    warnings: list[str]
    fetched: set[str]


log = logging.getLogger(__name__)
MAX_EVENT_PAGES = 20
MAX_EVENT_CALENDARS = 5
PAGE, CALENDAR = "event_page", "event_calendar"  # the meta key each kind of request carries
# A request for (url, PAGE or CALENDAR), or None when the source's page cap is reached.
Ask = Callable[[str, str], Request | None]
Waiter = tuple[list[int], str, str]  # the items' indices, the event's URL, the page's URL


@dataclass
class EventPageRun:
    """The event pages and calendars one source run asked for, and who waits for them."""

    started: bool = False
    pages: dict[str, list[int]] = field(default_factory=dict)
    waiting: dict[str, list[Waiter]] = field(default_factory=dict)
    calendars: dict[str, list[ParsedItem]] = field(default_factory=dict)
    allow_loopback: bool = False
    ask: Ask | None = None

    def start(self, run: SourceRun, allow_loopback: bool, ask: Ask) -> list[Request | None]:
        """Requests for the pages of the run's undated events; none after the first call."""
        if self.started:
            return []
        self.started, self.allow_loopback, self.ask = True, allow_loopback, ask
        own = canonical_url(run.source.url)
        for index, item in enumerate(run.items):
            if not wants_page(item) or item.url in run.fetched or canonical_url(item.url) == own:
                continue
            if _allowed(item.url, allow_loopback):
                self.pages.setdefault(item.url, []).append(index)
        if len(self.pages) > MAX_EVENT_PAGES:
            run.warnings.append(
                f"read the pages of {MAX_EVENT_PAGES} of {len(self.pages)} events without a start"
            )
        return [ask(url, PAGE) for url in list(self.pages)[:MAX_EVENT_PAGES]]

    def on_page(
        self, run: SourceRun, response: tuple[str, str, bytes, str]
    ) -> list[Request | None]:
        """The page of an event read: (the event's URL, where it led, its body, its type)."""
        try:
            return self._on_page(run, response)
        except Exception as exc:  # a stranger's page costs its event's start, never the source
            log.exception("source #%s: unexpected error on an event page", run.source.id)
            run.warnings.append(f"event page {without_query(response[1])}: {exc!r}"[:300])
            return []

    def _on_page(
        self, run: SourceRun, response: tuple[str, str, bytes, str]
    ) -> list[Request | None]:
        event_url, page_url, body, content_type = response
        indices = self.pages.get(event_url, [])
        reading = read_page(event_url, page_url, body, content_type)
        run.warnings.extend(reading.warnings)
        if reading.event is not None:
            self._apply(run, indices, reading.event)
            return []
        calendar = reading.calendar_url
        if not calendar or self.ask is None or not _allowed(calendar, self.allow_loopback):
            return []
        waiter = (indices, event_url, page_url)
        if calendar in self.calendars:
            self._match(run, waiter, self.calendars[calendar])
            return []
        if calendar in self.waiting:
            self.waiting[calendar].append(waiter)
            return []
        if len(self.waiting) + len(self.calendars) >= MAX_EVENT_CALENDARS:
            return []
        self.waiting[calendar] = [waiter]
        return [self.ask(calendar, CALENDAR)]

    def on_calendar(self, run: SourceRun, calendar_url: str, body: bytes) -> list[Request | None]:
        """A calendar event pages link, read for every page waiting for it."""
        try:
            events = calendar_events(calendar_url, body)
        except Exception as exc:  # NotACalendar, or whatever a stranger's calendar provokes
            run.warnings.append(f"{without_query(calendar_url)}: {exc}"[:300])
            events = []
        self.calendars[calendar_url] = events
        for waiter in self.waiting.pop(calendar_url, []):
            self._match(run, waiter, events)
        return []

    def on_error(self, run: SourceRun, request: Request, error: str) -> None:
        """A failed event page or calendar: a warning; the events keep their text's start."""
        run.warnings.append(f"event page: {error}")
        calendar = request.meta.get(CALENDAR)
        if calendar:
            self.calendars[calendar] = []
            self.waiting.pop(calendar, None)

    def _match(self, run: SourceRun, waiter: Waiter, events: list[ParsedItem]) -> None:
        indices, event_url, page_url = waiter
        found = calendar_match(event_url, page_url, events)
        if found is not None:
            self._apply(run, indices, found)

    @staticmethod
    def _apply(run: SourceRun, indices: list[int], found: PageEvent) -> None:
        for index in indices:
            run.items[index] = with_page_event(run.items[index], found)


def _allowed(url: str, allow_loopback: bool) -> bool:
    try:
        check_url(url, allow_loopback)
    except UnsafeURL:
        return False
    return True
