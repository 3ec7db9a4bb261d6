"""What each of a person's communities brought them week by week, for the last twelve weeks: per
kind, and what reached them only through that community. The figures behind the portfolio's
charts; one Elasticsearch request (a date histogram per community) under the same access
filter as every search, and only for the communities the person belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from indexer.client import SearchUnavailable
from indexer.names import IndexNames
from indexer.portfolio import KINDS
from indexer.query.access import Viewer, visibility_filter

WEEKS = 12


@dataclass(frozen=True)
class Week:
    start: date  # the Monday the week begins
    kinds: dict[str, int]  # kind -> items first seen that week
    only_here: int  # of those, items none of the person's other communities carried

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def week_starts(now: datetime, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks, the current one last."""
    this_monday = now.date() - timedelta(days=now.weekday())
    return [this_monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def _millis(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp() * 1000)


def _community_aggs(slug: str, others: list[str], first: date, now: datetime) -> dict[str, Any]:
    return {
        "filter": {"term": {"communities": slug}},
        "aggs": {
            "weeks": {
                "date_histogram": {
                    "field": "first_seen",
                    "calendar_interval": "week",  # Elasticsearch's weeks begin on Monday
                    "time_zone": "UTC",
                    "min_doc_count": 0,
                    "extended_bounds": {"min": _millis(first), "max": int(now.timestamp() * 1000)},
                },
                "aggs": {
                    "kinds": {"terms": {"field": "kind", "size": len(KINDS)}},
                    "only_here": {
                        "filter": {"bool": {"must_not": [{"terms": {"communities": others}}]}}
                    },
                },
            }
        },
    }


def weeks_request(viewer: Viewer, now: datetime) -> dict[str, Any]:
    """The request body: per community of the viewer, its items of the last weeks by week."""
    first = week_starts(now)[0]
    slugs = list(viewer.member_of)
    aggs = {
        f"c{number}": _community_aggs(slug, [s for s in slugs if s != slug], first, now)
        for number, slug in enumerate(slugs)
    }
    query = {
        "bool": {
            "filter": [
                visibility_filter(viewer),
                {"term": {"status": "active"}},
                {"terms": {"communities": slugs}},
                {"range": {"first_seen": {"gte": first.isoformat()}}},
            ]
        }
    }
    return {"size": 0, "query": query, "aggs": aggs}


def portfolio_weeks(
    client: Elasticsearch, names: IndexNames, viewer: Viewer, now: datetime
) -> dict[str, tuple[Week, ...]]:
    """Twelve weeks per community slug of `viewer.member_of` (zeros before anything is indexed)."""
    if not viewer.member_of:
        return {}
    try:
        body = client.search(index=names.alias, **weeks_request(viewer, now)).body
    except NotFoundError:
        body = {"aggregations": {}}
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
    aggs = body.get("aggregations", {})
    starts = week_starts(now)
    return {
        slug: _weeks(starts, aggs.get(f"c{number}", {}))
        for number, slug in enumerate(viewer.member_of)
    }


def _weeks(starts: list[date], agg: dict[str, Any]) -> tuple[Week, ...]:
    buckets = {
        datetime.fromtimestamp(b["key"] / 1000, UTC).date(): b
        for b in agg.get("weeks", {}).get("buckets", [])
    }
    return tuple(_week(start, buckets.get(start, {})) for start in starts)


def _week(start: date, bucket: dict[str, Any]) -> Week:
    kinds = {b["key"]: int(b["doc_count"]) for b in bucket.get("kinds", {}).get("buckets", [])}
    only = int(bucket.get("only_here", {}).get("doc_count", 0))
    return Week(start=start, kinds={kind: kinds.get(kind, 0) for kind in KINDS}, only_here=only)
