"""What every pure parser returns: the items it found and what else it learned about the body.

Parsers fill ParsedItem fields and `details` with what the publisher wrote; `crawlers.enrich`
then derives the comparable values (location parts, remote, employment type, annual salary) in
one place for every kind of source.

Keys of `ParsedItem.details` a parser may set (all optional, raw as published):
    apply_url: str              where to apply or register, when not the item's own URL
    employment_type: str        "FULL_TIME", "Full-time", "contract", ...
    remote: str                 a hint: "TELECOMMUTE", "remote", "hybrid", "onsite"
    salary: dict                {"min", "max": float | None, "currency": "USD" | None,
                                 "period": "year" | "month" | "week" | "day" | "hour" | None}
    salary_text: str            salary as written, when not structured ("$90k-$110k a year")
    valid_through: str          ISO 8601 instant in UTC after which a posting is closed
    city, region, country: str  when the source states them separately (schema.org address)
    event: dict                 {"start", "end": ISO 8601 in UTC, "timezone": IANA name,
                                 "all_day": bool, "attendance": "in-person" | "online" | "mixed",
                                 "venue": str, "status": "scheduled" | "cancelled" |
                                 "postponed" | "rescheduled" | "moved-online",
                                 "series": str, the same for every occurrence of one
                                 recurring event (its calendar and UID, or its page's key)}
    language: str               the language an event's text is in ("fr", "en-GB"), as its feed
                                or its source's `language` option says; read with the text
    author: str; content_type: str ("article", "guide", "newsletter", ...)
    external_id: str            the publisher's own stable id, namespaced ("greenhouse:acme:123")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from catalog.records import ParsedItem

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class ParseResult:
    """Items of one fetched body, with warnings worth showing in the source's health.

    `complete` is True when the body lists everything the source currently offers (a whole feed,
    calendar or job-board API answer), so an item missing from it may have been taken down; a
    page of a paginated list or a single detail page is not complete.
    `follow` holds URLs the spider should fetch next for the same source (next page, detail pages).
    """

    items: list[ParsedItem]
    warnings: tuple[str, ...] = ()
    complete: bool = True
    follow: tuple[str, ...] = ()
    title: str = ""


def read_each(
    values: Iterable[T], read: Callable[[T], R], warnings: list[str], what: str
) -> list[R]:
    """`read` of each value, leaving out (with one warning) the values it raises on.

    One event, entry, block or posting is a stranger's typo at worst: it must cost only itself,
    never every other item of its source (a whole calendar hidden by one bad DTSTART). Readers
    raise assorted types on such input (icalendar's BrokenCalendarProperty, urllib's ValueError
    on "http://[::1"), hence the broad catch, limited to one value at a time.
    """
    results: list[R] = []
    broken: list[str] = []
    for value in values:
        try:
            results.append(read(value))
        except Exception as exc:
            broken.append(f"{type(exc).__name__}: {exc}")
    if broken:
        warnings.append(f"skipped {len(broken)} broken {what} ({broken[0]})"[:300])
    return results
