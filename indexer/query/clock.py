"""The clock a request's dates count from, and date math counted from it."""

from __future__ import annotations

from datetime import UTC, datetime

NODE_CLOCK = "now"  # Elasticsearch's own clock, read when the request runs


def clock_at(now: datetime | None) -> str:
    """The clock a request's dates count from: `now` anchored at the start of its hour, or the
    node's own clock when None. Every date here is rounded to the hour or the day, so the
    anchor means the same instants as the node's clock, and a request that reads no clock may
    be answered from Elasticsearch's request cache."""
    if now is None:
        return NODE_CLOCK
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:00:00Z")


def at(clock: str, math: str) -> str:
    """Date math counted from `clock` ("-7d/d" -> "now-7d/d" or "<anchor>||-7d/d")."""
    return f"{clock}{math}" if clock == NODE_CLOCK else f"{clock}||{math}"
