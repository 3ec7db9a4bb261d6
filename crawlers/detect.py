"""Auto-detection: what kind of source a URL is, from the URL and what it serves (pure).

`mutual source add COMMUNITY URL` without --kind fetches the URL once and asks `detect`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from crawlers import feeds, structured
from crawlers.ats.addresses import ats_api_url, ats_vendor
from ground.errors import MutualError

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_EVENT_WORDS = re.compile(r"\b(events?|calendar|meetups?|webinars?)\b", re.IGNORECASE)
_RESOURCE_WORDS = re.compile(
    r"\b(newsletters?|blog|news|articles?|resources?|podcast|digest)\b", re.IGNORECASE
)


class NothingDetected(MutualError):
    """The page offers nothing Mutual can read by itself; the message suggests --kind."""


@dataclass(frozen=True)
class Detection:
    kind: str
    url: str
    item_kind: str
    found: str  # what was found, in words, for the person adding the source


def detect_from_url(url: str, api_bases: dict[str, str] | None = None) -> Detection | None:
    """A known job-board address needs no fetch: its public API is where the postings are."""
    api = ats_api_url(url, api_bases)
    if api is None:
        return None
    vendor = ats_vendor(api) or "job board"
    return Detection("jobboard", api, "job", f"a {vendor.title()} job board; its public API {api}")


def detect(url: str, body: bytes, content_type: str = "") -> Detection:
    """The kind of source at `url`, whose response was `body`."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if "text/calendar" in content_type or head.startswith(b"begin:vcalendar"):
        return Detection("calendar", url, "event", "an iCalendar calendar")
    if b"<urlset" in head or b"<sitemapindex" in head:
        return Detection("sitemap", url, "job", "a sitemap (pages read for structured data)")
    feed = _as_feed(url, body, content_type)
    if feed is not None:
        return feed
    return _from_page(url, body)


def _as_feed(url: str, body: bytes, content_type: str) -> Detection | None:
    if b"<html" in body[:4096].lower():
        return None
    try:
        result = feeds.parse(url, body, content_type=content_type or None)
    except feeds.NotAFeed:
        return None
    title = result.title or "untitled"
    return Detection(
        "feed", url, guess_item_kind(title), f"a feed ({title!r}, {len(result.items)} entries)"
    )


def guess_item_kind(title: str) -> str:
    """Events or resources when the feed's title says so; jobs otherwise."""
    if _EVENT_WORDS.search(title):
        return "event"
    if _RESOURCE_WORDS.search(title):
        return "resource"
    return "job"


def _from_page(url: str, body: bytes) -> Detection:
    types = structured.structured_types(url, body)
    for schema_type, item_kind in (("JobPosting", "job"), ("Event", "event")):
        if schema_type in types:
            found = f"schema.org {schema_type} data on the page"
            return Detection("structured", url, item_kind, found)
    page = Selector(text=body.decode("utf-8", "replace"))
    for detection in (_linked_feed(url, page), _linked_calendar(url, page), _linked_board(page)):
        if detection is not None:
            return detection
    raise NothingDetected(
        f"found no feed, calendar, schema.org data or job board at {url}; add it with "
        "--kind html and --option selectors, --kind resource for an article page, or "
        "--kind sitemap"
    )


def _linked_feed(url: str, page: Selector) -> Detection | None:
    for link in page.css("link[rel~=alternate]"):
        if (link.attrib.get("type") or "").lower() in FEED_TYPES and link.attrib.get("href"):
            href = urljoin(url, link.attrib["href"])
            title = link.attrib.get("title") or ""
            found = f"a feed linked from the page ({title or href})"
            return Detection("feed", href, guess_item_kind(title), found)
    return None


def _linked_calendar(url: str, page: Selector) -> Detection | None:
    for link in page.css("a::attr(href)").getall():
        href = link.strip()
        if href.lower().startswith("webcal://"):
            href = f"{urlsplit(url).scheme}://" + href[len("webcal://") :]
        if href.lower().split("?")[0].endswith(".ics"):
            absolute = urljoin(url, href)
            return Detection("calendar", absolute, "event", f"a calendar linked ({absolute})")
    return None


def _linked_board(page: Selector) -> Detection | None:
    for href in page.css("a::attr(href), iframe::attr(src), script::attr(src)").getall():
        detection = detect_from_url(href.strip())
        if detection is not None:
            return detection
    return None
