"""Recency in the score: fresh postings and soon-to-happen events raised a little."""

from __future__ import annotations

from typing import Any

from indexer.query.clock import NODE_CLOCK, at

# Recency: the text score is multiplied by 1 + RECENCY_WEIGHT * decay, between 1 and 1.5, so a
# fresh posting wins a tie but never overtakes a clearly better match.
RECENCY_WEIGHT = 0.5
RECENCY_SCALE = "30d"


def _recency_function(
    kind_filter: dict[str, Any], field: str, offset: str, clock: str
) -> dict[str, Any]:
    # From the start of today, not this millisecond: scores must not change between the pages
    # of one search, or search_after on _score would skip or repeat hits.
    origin = at(clock, "/d")
    decay = {field: {"origin": origin, "scale": RECENCY_SCALE, "offset": offset, "decay": 0.5}}
    only = {"bool": {"filter": [kind_filter, {"exists": {"field": field}}]}}
    return {"filter": only, "exp": decay, "weight": RECENCY_WEIGHT}


def with_recency(query: dict[str, Any], clock: str = NODE_CLOCK) -> dict[str, Any]:
    """`query` with its score gently raised for recent postings and soon-to-happen events."""
    return {
        "function_score": {
            "query": query,
            "functions": [
                {"weight": 1},
                _recency_function(
                    {"terms": {"kind": ["job", "resource"]}}, "published_at", "3d", clock
                ),
                _recency_function({"term": {"kind": "event"}}, "event.start", "7d", clock),
            ],
            "score_mode": "sum",
            "boost_mode": "multiply",
        }
    }
