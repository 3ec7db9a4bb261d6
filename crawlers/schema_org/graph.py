"""The page's objects as a graph: references by @id resolved, and what every item shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Context:
    page_url: str
    ids: Mapping[str, dict[str, Any]]  # objects by @id, to follow {"@id": ...} references
    now: datetime
    horizon_days: int = 180  # how far ahead a repeating eventSchedule is expanded
    max_occurrences: int = 200  # most occurrences taken from one page's schedules


def objects_by_id(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Objects that carry more than an @id, by @id (a @graph names its Organization once)."""
    return {
        node["@id"]: node
        for node in nodes
        if isinstance(node.get("@id"), str) and set(node) - {"@id", "@type"}
    }


def one(value: Any, ids: Mapping[str, dict[str, Any]]) -> Any:
    """The first of a list, with an {"@id": ...} reference replaced by the object it names."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and not set(value) - {"@id", "@type"}:
        return ids.get(str(value.get("@id")), value)
    return value


def many(value: Any, ids: Mapping[str, dict[str, Any]]) -> list[Any]:
    values = value if isinstance(value, list) else [value]
    return [one(v, ids) for v in values[:50] if v is not None]
