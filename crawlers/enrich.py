"""Comparable values derived from what parsers stored raw, in one place for every kind of source.

Parsers keep what the publisher wrote (crawlers/results.py lists the details keys); `enrich`
turns it into values a search filter can compare: location parts, one work mode, one employment
type, a salary with annual figures, instants in UTC. It never guesses: a part nothing states
stays unset. It is idempotent, so enriching an enriched item changes nothing.
"""

from __future__ import annotations

from dataclasses import replace

from catalog.records import ParsedItem
from crawlers.enrichment.employment import set_employment_type
from crawlers.enrichment.instants import set_instants
from crawlers.enrichment.location import set_place
from crawlers.enrichment.salary import set_salary
from crawlers.enrichment.work_mode import set_work_mode
from crawlers.normalise import MAX_TITLE, clean_text


def enrich(item: ParsedItem) -> ParsedItem:
    """A copy of `item` with cleaned short fields and derived details (see the module doc)."""
    details = dict(item.details)
    location = clean_text(item.location)
    title = clean_text(item.title, MAX_TITLE)
    set_place(details, location)
    set_work_mode(details, location, title)
    set_employment_type(details)
    set_salary(details)
    set_instants(details)
    return replace(
        item,
        title=title,
        organisation=clean_text(item.organisation),
        location=location,
        details=details,
    )
