"""Reading a search's facet counts: each facet's values with labels, counts and picks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from indexer.query.access import NO_COMMUNITY
from indexer.query.facets import FACET_ATTRIBUTES, FILTER_FACET_VALUES
from indexer.query.request import SearchRequest

FACET_LABELS: dict[str, dict[str, str]] = {
    "kind": {"job": "Jobs", "event": "Events", "resource": "Resources"},
    "remote": {"remote": "Remote", "hybrid": "Hybrid", "onsite": "On site"},
    "employment_type": {
        "full-time": "Full time",
        "part-time": "Part time",
        "contract": "Contract",
        "temporary": "Temporary",
        "internship": "Internship",
        "volunteer": "Volunteer",
    },
    "salary_band": {b: f"{b}+ a year" for b in ("50k", "100k", "150k", "200k")},
    "posted_within": {"day": "Past day", "week": "Past week", "month": "Past month"},
    "upcoming": {"week": "This week", "month": "This month"},
    "attendance": {"online": "Online", "in_person": "In person"},
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


FacetMap = dict[str, tuple[FacetValue, ...]]


def _selected(request: SearchRequest, name: str) -> tuple[str, ...]:
    value = getattr(request, FACET_ATTRIBUTES[name])
    return tuple(value) if isinstance(value, tuple) else ((value,) if value else ())


def read_facets(aggregations: dict[str, Any], request: SearchRequest) -> FacetMap:
    """Facet name -> its values with labels, counts under the other picks, and whether picked."""
    facets: FacetMap = {}
    for name, agg in aggregations.items():
        buckets = agg.get("values", {}).get("buckets", [])
        if isinstance(buckets, dict):  # a `filters` aggregation: keyed, put in declared order
            declared = FILTER_FACET_VALUES[name]
            pairs = [(key, int(buckets[key]["doc_count"])) for key in declared if key in buckets]
        else:
            pairs = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
        chosen = _selected(request, name)
        # A picked value nothing matches still shows, so that it can be removed.
        pairs += [
            (value, 0) for value in sorted(chosen) if value not in dict(pairs) | {NO_COMMUNITY: 0}
        ]
        labels = FACET_LABELS.get(name, {})
        facets[name] = tuple(
            FacetValue(value, labels.get(value) or value, count, value in chosen)
            for value, count in pairs
            if count or value in chosen
        )
    return facets
