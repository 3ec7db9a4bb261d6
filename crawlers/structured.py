"""schema.org JobPosting and Event from a page's JSON-LD, microdata and RDFa: a pure parser.

Association career centres, ATS-hosted job pages and event pages publish their postings as
schema.org data for search engines; reading it gives titles, employers, addresses, salaries and
dates as the publisher typed them, without guessing from the page layout.

A page is read with extruct, one JSON-LD block at a time, so that one broken block (comments,
trailing commas, an HTML comment wrapper) costs only itself; the rest of the page still counts.
Every walk over the data is bounded, so a hostile page cannot make the parser run away.

An event whose eventSchedule repeats (a weekly meetup) is one item per occurrence from a day back
to `horizon_days` ahead, expanded as a calendar's recurring events are (crawlers/ical).

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
from crawlers.schema_org.series import series_items

MAX_ITEMS = 500  # postings and events kept per page
MAX_SERIES = 20  # repeating events expanded per page; the others are kept as they are stated


class NoStructuredData(ValueError):
    """The page holds no schema.org JobPosting or Event; the message names what it does hold."""


def structured_types(url: str, body: bytes) -> set[str]:
    """The schema.org types on the page (JobPosting, Event, Organization...), for auto-detection."""
    return {t for node in read_page(url, body).nodes for t in types_of(node)}


def parse(
    url: str,
    body: bytes,
    *,
    now: datetime | None = None,
    horizon_days: int = 180,
    max_occurrences: int = 200,
) -> ParseResult:
    """Postings and events the page at `url` describes in JSON-LD, microdata or RDFa; a
    repeating event's occurrences up to `horizon_days` ahead, at most `max_occurrences` each.

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
    context = Context(url, objects_by_id(page.nodes), now, horizon_days, max_occurrences)
    built = _build_all(postings[:MAX_ITEMS], context, warnings)
    identified = with_identities([(item, identifier) for item, identifier, _ in built], url)
    items = _with_occurrences(identified, [node for _, _, node in built], context, warnings)
    if len(items) > MAX_ITEMS:
        warnings.append(f"kept the first {MAX_ITEMS} of {len(items)} events and postings")
        items = items[:MAX_ITEMS]
    return ParseResult(
        items=items,
        warnings=tuple(warnings),
        complete=len(items) > 1 and not page.next_url,
        follow=(page.next_url,) if page.next_url else (),
        title=page.title,
    )


def _with_occurrences(
    items: list[ParsedItem], nodes: list[dict[str, Any]], context: Context, warnings: list[str]
) -> list[ParsedItem]:
    """The items, each repeating event as its occurrences (the first MAX_SERIES series)."""
    found: list[ParsedItem] = []
    series = 0
    for item, node in zip(items, nodes, strict=True):
        repeats = item.kind == "event" and bool(node.get("eventSchedule"))
        if repeats and series >= MAX_SERIES:
            message = f"expanded the schedules of the first {MAX_SERIES} events only"
            warnings.extend([message] if message not in warnings else [])
            found.append(item)
            continue
        series += repeats
        found.extend(series_items(item, node, context, warnings))
    return found


def _nothing_found(page: Page) -> str:
    """Why the page yields nothing: the types it does hold, and the blocks it could not read."""
    found = sorted({t for node in page.nodes for t in types_of(node)})
    message = "no schema.org JobPosting or Event on the page"
    message += "; found: " + ", ".join(found[:20]) if found else " (no structured data at all)"
    return "; ".join([message, *page.warnings[:3]])


Built = tuple[ParsedItem, str, dict[str, Any]]  # the item, its identifier, the node it is from


def _build(node: dict[str, Any], context: Context) -> tuple[str, Built | None]:
    kind = kind_of(node)
    read = read_job(node, context) if kind == "job" else read_event(node, context)
    return kind, (*read, node) if read else None


def _build_all(nodes: list[dict[str, Any]], context: Context, warnings: list[str]) -> list[Built]:
    built: list[Built] = []
    seen: set[tuple[str, str, str]] = set()
    results = read_each(nodes, lambda node: _build(node, context), warnings, "postings or events")
    for kind, result in results:
        if result is None:
            warnings.append(f"skipped a {kind} without a title")
            continue
        item, identifier, _ = result
        # The same posting in JSON-LD and in microdata is one posting (the first read, JSON-LD),
        # even when one states more than the other; so are two same-titled postings that share
        # the page's address and have no identifier, which nothing else would tell apart.
        signature = (item.url, item.title.casefold(), identifier)
        if signature not in seen:
            seen.add(signature)
            built.append(result)
    return built
