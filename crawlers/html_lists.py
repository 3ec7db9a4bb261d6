"""HTML listing pages without structured data (a community job board, an alumni association's
"Career opportunities" page, an events list): a pure parser driven by the user's selectors.

Selectors are CSS by default; one starting with "xpath:" is XPath. Field selectors are relative to
the item (in XPath, start them with "./" or ".//"), and each field takes its first match.

Listing pages are crawl traps more often than feeds: calendars link to the next month forever and
Java or PHP sites put a session id in every link. The caller passes the page number it is on, and
next pages stop at `max_pages`; session ids are removed from every URL so one posting keeps one URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

import parsel
from w3lib.encoding import html_to_unicode

from catalog.records import ParsedItem
from crawlers import resources
from crawlers.html_list_dates import entry_dates
from crawlers.html_list_nodes import absolute_link, node_href, node_markup, node_text
from crawlers.html_list_options import ListOptions, select
from crawlers.normalise import MAX_SUMMARY, MAX_TITLE, clean_text, html_to_text
from crawlers.results import ParseResult

# A listing page is small; bigger bodies are cut so parsing stays quick.
MAX_BODY_BYTES = 5_000_000
MAX_ITEMS = 500


def parse(
    url: str,
    body: bytes,
    options: ListOptions,
    *,
    now: datetime | None = None,
    page: int = 1,
    max_pages: int = 20,
) -> ParseResult:
    """The entries of the listing page at `url`, the `page`-th page of its listing.

    `follow` holds the next page (first, while page < max_pages), then, with follow_details, the
    URL of each item (exactly its `url`: pass that page to parse_detail with the item).
    `complete` is True only for a first page that links to no next page and lists at least one
    entry, read whole: the whole listing was in this body, so a posting missing from it was taken
    down. An empty page is not trusted as complete: a changed layout looks the same.
    """
    now = now or datetime.now(UTC)
    document, warnings = _document(url, body)
    truncated = bool(warnings)
    nodes = select(document, options.item)
    if len(nodes) > MAX_ITEMS:
        warnings.append(f"only the first {MAX_ITEMS} of {len(nodes)} entries were read")
        truncated = True
    items = _items(nodes[:MAX_ITEMS], url, options, now, warnings)
    if not nodes:
        warnings.append(f"no entries matched the item selector {options.item!r}")
    next_url = _next_page(document, url, options)
    follow: list[str] = []
    if next_url and page < max_pages:
        follow.append(next_url)
    elif next_url:
        warnings.append(f"stopped after page {page}: max_pages ({max_pages}) reached")
    if options.follow_details:
        follow.extend(item.url for item in items if item.url not in follow)
    complete = page == 1 and not next_url and bool(items) and not truncated
    title = clean_text(node_text(document.css("title")), MAX_TITLE)
    return ParseResult(items, tuple(warnings), complete, tuple(follow), title)


def parse_detail(url: str, body: bytes, options: ListOptions, listed: ParsedItem) -> ParsedItem:
    """The listed item with its body (and summary, when the listing had none) from its page.

    The listing's title, date, organisation and location are kept: the listing is what the
    selectors were written for. When the detail page has nothing readable the item is unchanged.
    """
    markup = ""
    if options.detail_body:
        document, _ = _document(url, body)
        markup = node_markup(select(document, options.detail_body)[:1], url)
    if not html_to_text(markup):
        try:
            markup = resources.main_text(body, url)
        except resources.NoMainText:
            return listed
    return replace(listed, body=markup, summary=listed.summary or html_to_text(markup))


def _document(url: str, body: bytes) -> tuple[parsel.Selector, list[str]]:
    """The page as a parsel tree, decoded as declared (BOM, meta charset) or as UTF-8."""
    warnings: list[str] = []
    if len(body) > MAX_BODY_BYTES:
        warnings.append(f"page larger than {MAX_BODY_BYTES} bytes; only its beginning was read")
        body = body[:MAX_BODY_BYTES]
    _, text = html_to_unicode(None, body)
    return parsel.Selector(text=text, base_url=url), warnings


def _items(
    nodes: Iterable[parsel.Selector],
    url: str,
    options: ListOptions,
    now: datetime,
    warnings: list[str],
) -> list[ParsedItem]:
    """One item per entry with a title and an http(s) link, each URL once."""
    items: dict[str, ParsedItem] = {}
    skipped = duplicates = 0
    for node in nodes:
        item = _item(node, url, options, now)
        if item is None:
            skipped += 1
        elif item.url in items:
            duplicates += 1
        else:
            items[item.url] = item
    if skipped:
        warnings.append(f"skipped {skipped} entries without a title or an http(s) link")
    if duplicates:
        warnings.append(f"skipped {duplicates} entries repeating another entry's link")
    return list(items.values())


def _item(
    node: parsel.Selector, url: str, options: ListOptions, now: datetime
) -> ParsedItem | None:
    title = clean_text(node_text(select(node, options.title)[:1]), MAX_TITLE)
    link = absolute_link(url, node_href(select(node, options.link)[:1]))
    if not title or not link:
        return None
    summary_nodes = select(node, options.summary)[:1] if options.summary else None
    published, details = entry_dates(node, options, now)
    return ParsedItem(
        url=link,
        title=title,
        kind=options.kind,
        summary=clean_text(node_text(summary_nodes), MAX_SUMMARY) if summary_nodes else "",
        body=node_markup(summary_nodes, url) if summary_nodes else "",
        organisation=_field(node, options.organisation),
        location=_field(node, options.location),
        published_at=published,
        details=details,
    )


def _field(node: parsel.Selector, selector: str) -> str:
    return clean_text(node_text(select(node, selector)[:1])) if selector else ""


def _next_page(document: parsel.Selector, url: str, options: ListOptions) -> str:
    if not options.next_page:
        return ""
    next_url = absolute_link(url, node_href(select(document, options.next_page)[:1]))
    same = next_url == absolute_link(url, url)
    return "" if same else next_url
