"""schema.org JobPosting and Event from a page's JSON-LD and microdata: a pure parser.

Association career centres, ATS-hosted job pages and event pages publish their postings as
schema.org data for search engines; reading it gives titles, employers, addresses, salaries and
dates as the publisher typed them, without guessing from the page layout.

A page is read with extruct, one JSON-LD block at a time, so that one broken block (comments,
trailing commas, an HTML comment wrapper) costs only itself; the rest of the page still counts.
Every walk over the data is bounded, so a hostile page cannot make the parser run away.

`complete`: a page holding two or more postings or events and no rel="next" link is taken as a
whole listing (an item missing from it later has been taken down); a detail page, or a listing
that says it continues on a next page, is not complete (the next page is put in `follow`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from catalog.records import ParsedItem
from crawlers.results import ParseResult, read_each
from crawlers.schema_org.events import read_event
from crawlers.schema_org.graph import Context, objects_by_id
from crawlers.schema_org.identities import with_identities
from crawlers.schema_org.jobs import read_job
from crawlers.schema_org.page import Page, read_page
from crawlers.schema_org.schema_types import kind_of, types_of

MAX_ITEMS = 500  # postings and events kept per page


class NoStructuredData(ValueError):
    """The page holds no schema.org JobPosting or Event; the message names what it does hold."""


def structured_types(url: str, body: bytes) -> set[str]:
    """The schema.org types on the page (JobPosting, Event, Organization...), for auto-detection."""
    return {t for node in read_page(url, body).nodes for t in types_of(node)}


def parse(url: str, body: bytes, *, now: datetime | None = None) -> ParseResult:
    """Postings and events the page at `url` describes in JSON-LD or microdata.

    Raises NoStructuredData when it describes none, so the caller can try another reading.
    """
    now = now or datetime.now(UTC)
    page = read_page(url, body)
    postings = [node for node in page.nodes if kind_of(node)]
    if not postings:
        raise NoStructuredData(_nothing_found(page))
    warnings = list(page.warnings)
    if len(postings) > MAX_ITEMS:
        warnings.append(f"kept the first {MAX_ITEMS} of {len(postings)} postings")
    context = Context(url, objects_by_id(page.nodes), now)
    items = with_identities(_build_all(postings[:MAX_ITEMS], context, warnings), url)
    return ParseResult(
        items=items,
        warnings=tuple(warnings),
        complete=len(items) > 1 and not page.next_url,
        follow=(page.next_url,) if page.next_url else (),
        title=page.title,
    )


def _nothing_found(page: Page) -> str:
    """Why the page yields nothing: the types it does hold, and the blocks it could not read."""
    found = sorted({t for node in page.nodes for t in types_of(node)})
    message = "no schema.org JobPosting or Event on the page"
    message += "; found: " + ", ".join(found[:20]) if found else " (no structured data at all)"
    return "; ".join([message, *page.warnings[:3]])


def _build(node: dict[str, Any], context: Context) -> tuple[str, tuple[ParsedItem, str] | None]:
    kind = kind_of(node)
    return kind, read_job(node, context) if kind == "job" else read_event(node, context)


def _build_all(
    nodes: list[dict[str, Any]], context: Context, warnings: list[str]
) -> list[tuple[ParsedItem, str]]:
    built: list[tuple[ParsedItem, str]] = []
    seen: set[tuple[str, str, str]] = set()
    results = read_each(nodes, lambda node: _build(node, context), warnings, "postings or events")
    for kind, result in results:
        if result is None:
            warnings.append(f"skipped a {kind} without a title")
            continue
        item, identifier = result
        # The same posting in JSON-LD and in microdata is one posting (the first read, JSON-LD),
        # even when one states more than the other; so are two same-titled postings that share
        # the page's address and have no identifier, which nothing else would tell apart.
        signature = (item.url, item.title.casefold(), identifier)
        if signature not in seen:
            seen.add(signature)
            built.append(result)
    return built
