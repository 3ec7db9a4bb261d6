"""Filters a search is narrowed by: the box's `in:` and `community:`, and each facet's values."""

from __future__ import annotations

from typing import Any

from indexer.query.clock import at
from indexer.query.request import ATTENDANCE, POSTED_WITHIN, SALARY_BANDS, UPCOMING
from indexer.query_syntax import ParsedQuery


def box_filters(parsed: ParsedQuery) -> list[dict[str, Any]]:
    """`in:` and `community:` typed in the box narrow the search itself, facets included."""
    filters: list[dict[str, Any]] = []
    if parsed.kinds:
        filters.append({"terms": {"kind": list(parsed.kinds)}})
    if parsed.communities:
        filters.append({"terms": {"communities": list(parsed.communities)}})
    return filters


def _date_range(gte: str, lt: str | None = None) -> dict[str, Any]:
    bounds = {"gte": gte} | ({"lt": lt} if lt else {})
    return {"range": {"published_at": bounds}}


def posted_filter(within: str, clock: str) -> dict[str, Any]:
    """Posted since: the posting date, or when Mutual first saw an item that had none."""
    since = at(clock, POSTED_WITHIN[within])
    no_date = {"bool": {"must_not": {"exists": {"field": "published_at"}}}}
    first_seen = {"bool": {"filter": [no_date, {"range": {"first_seen": {"gte": since}}}]}}
    return {"bool": {"should": [_date_range(since), first_seen], "minimum_should_match": 1}}


def upcoming_filter(within: str, clock: str) -> dict[str, Any]:
    return {"range": {"event.start": {"gte": at(clock, "/d"), "lt": at(clock, UPCOMING[within])}}}


def salary_filter(band: str) -> dict[str, Any]:
    floor = SALARY_BANDS[band]
    reaches = [{"range": {f"salary.{k}": {"gte": floor}}} for k in ("annual_max", "annual_min")]
    return {"bool": {"should": reaches, "minimum_should_match": 1}}


def attendance_filter(mode: str) -> dict[str, Any]:
    return {"terms": {"event.attendance": list(ATTENDANCE[mode])}}


def all_filters(filters: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}
