"""Comparable values derived from what parsers stored raw, in one place for every kind of source.

Parsers keep what the publisher wrote (crawlers/results.py lists the details keys); `enrich`
turns it into values a search filter can compare: location parts, one work mode, one employment
type, a salary with annual figures, instants in UTC, an event's start from its text when its
source gives none (crawlers/enrichment/event_text_dates.py). It never guesses: a part nothing states
stays unset. It is idempotent, so enriching an enriched item changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from catalog.records import ParsedItem
from crawlers.enrichment.employment import set_employment_type
from crawlers.enrichment.event_text_dates import set_text_start
from crawlers.enrichment.instants import set_instants
from crawlers.enrichment.location import set_place
from crawlers.enrichment.salary import set_salary
from crawlers.enrichment.work_mode import set_work_mode
from crawlers.normalise import (
    MAX_SHORT,
    MAX_SUMMARY,
    MAX_TITLE,
    clean_text,
    html_to_text,
    markup_to_text,
)

# Details that are plain text (crawlers/results.py), at the top level or in details["event"].
TEXT_DETAILS = ("author", "venue", "city", "region", "country", "salary_text", "employment_type")


def enrich(item: ParsedItem) -> ParsedItem:
    """A copy of `item` with cleaned short fields and derived details (see the module doc)."""
    item = text_fields(item)
    details = dict(item.details)
    location = clean_text(item.location)
    title = clean_text(item.title, MAX_TITLE)
    set_place(details, location)
    set_work_mode(details, location, title)
    set_employment_type(details)
    set_salary(details)
    set_instants(details)
    if item.kind == "event":
        set_text_start(details, _event_text(item, title), item.published_at)
    return replace(
        item,
        title=title,
        organisation=clean_text(item.organisation),
        location=location,
        details=details,
    )


def _event_text(item: ParsedItem, title: str) -> str:
    """What an event says of itself in words: its title, summary and body, one per line."""
    return "\n".join((title, item.summary, html_to_text(item.body, 20_000)))


def text_fields(item: ParsedItem) -> ParsedItem:
    """The item with markup in its text fields converted to text, whatever its source: sources
    put tags and entities in titles and employers, and a field shown as text must never carry
    markup a page, the API, a feed or a mail subject would show or a client would run. The
    body stays HTML (sanitised by its parser)."""
    details = _text_details(item.details)
    if isinstance(details.get("event"), dict):
        details["event"] = _text_details(details["event"])
    return replace(
        item,
        title=_text(item.title, MAX_TITLE),
        summary=_text(item.summary, MAX_SUMMARY),
        organisation=_text(item.organisation),
        location=_text(item.location),
        tags=tuple(tag for tag in (_text(t, 80) for t in item.tags) if tag),
        details=details,
    )


def _text_details(details: dict[str, Any]) -> dict[str, Any]:
    converted = dict(details)
    for key in TEXT_DETAILS:
        if isinstance(converted.get(key), str):
            converted[key] = _text(converted[key])
    return converted


def _text(value: str, limit: int = MAX_SHORT) -> str:
    return clean_text(markup_to_text(value), limit)
