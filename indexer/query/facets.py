"""The facets: which request attribute each reads, the filters of the values picked, and the
aggregations that count each facet's values under the other picks."""

from __future__ import annotations

from typing import Any

from indexer.query.access import Viewer
from indexer.query.clock import NODE_CLOCK
from indexer.query.filters import (
    all_filters,
    attendance_filter,
    posted_filter,
    salary_filter,
    upcoming_filter,
)
from indexer.query.request import ATTENDANCE, POSTED_WITHIN, SALARY_BANDS, UPCOMING, SearchRequest


def _terms_facet(field: str, size: int) -> dict[str, Any]:
    # A listing that names no employer or city is counted by the total, not as a blank value.
    return {"terms": {"field": field, "size": size, "exclude": [""]}}


def _filters_facet(filters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"filters": {"filters": filters}}


# Facet name -> the request attribute it reads. Order is the order facets are counted in.
FACET_ATTRIBUTES = {
    "kind": "kinds",
    "community": "communities",
    "organisation": "organisations",
    "location": "locations",
    "remote": "remote",
    "employment_type": "employment_types",
    "salary_band": "salary_band",
    "posted_within": "posted_within",
    "upcoming": "upcoming",
    "attendance": "attendance",
}
# Facets counted by keyword: name -> (field, how many of its values are shown).
TERMS_FACETS = {
    "kind": ("kind", 3),
    "community": ("communities", 50),
    "organisation": ("organisation", 10),
    "location": ("city", 10),
    "remote": ("remote", 5),
    "employment_type": ("employment_type", 10),
}
# The values of each facet counted by filters, in the order they are shown.
FILTER_FACET_VALUES: dict[str, tuple[str, ...]] = {
    "salary_band": tuple(SALARY_BANDS),
    "posted_within": tuple(POSTED_WITHIN),
    "upcoming": tuple(UPCOMING),
    "attendance": tuple(ATTENDANCE),
}


def facet_counters(clock: str) -> dict[str, dict[str, Any]]:
    """Facet name -> the aggregation that counts its values, dates counted from `clock`."""
    return {
        **{name: _terms_facet(field, size) for name, (field, size) in TERMS_FACETS.items()},
        "salary_band": _filters_facet({band: salary_filter(band) for band in SALARY_BANDS}),
        "posted_within": _filters_facet({s: posted_filter(s, clock) for s in POSTED_WITHIN}),
        "upcoming": _filters_facet({span: upcoming_filter(span, clock) for span in UPCOMING}),
        "attendance": _filters_facet({m: attendance_filter(m) for m in ATTENDANCE}),
    }


def facet_filters(request: SearchRequest, clock: str = NODE_CLOCK) -> dict[str, dict[str, Any]]:
    """The filter of each facet the user picked a value of, by facet name."""
    picked: dict[str, dict[str, Any]] = {}
    for name, (field, _) in TERMS_FACETS.items():
        values = getattr(request, FACET_ATTRIBUTES[name])
        if values:
            picked[name] = {"terms": {field: list(values)}}
    if request.organisation_keys:
        picked["organisation_key"] = {
            "terms": {"organisation_key": list(request.organisation_keys)}
        }
    if request.salary_band:
        picked["salary_band"] = salary_filter(request.salary_band)
    if request.posted_within:
        picked["posted_within"] = posted_filter(request.posted_within, clock)
    if request.upcoming:
        picked["upcoming"] = upcoming_filter(request.upcoming, clock)
    if request.attendance:
        picked["attendance"] = attendance_filter(request.attendance)
    return picked


def facet_aggregations(
    picked: dict[str, dict[str, Any]], viewer: Viewer, clock: str = NODE_CLOCK
) -> dict[str, Any]:
    """Each facet counted under every picked filter but its own, so values stay combinable;
    communities hidden from the viewer are never counted."""
    aggs: dict[str, Any] = {}
    for name, counter in facet_counters(clock).items():
        others = [f for other, f in picked.items() if other != name]
        values = counter
        if name == "community" and viewer.hidden:
            terms = counter["terms"]
            values = {"terms": {**terms, "exclude": [*terms["exclude"], *viewer.hidden]}}
        aggs[name] = {"filter": all_filters(others), "aggs": {"values": values}}
    return aggs
