"""Paging deep into a search: the next page's cursor, and the point in time it reads through."""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from indexer.client import SearchUnavailable
from indexer.names import IndexNames
from indexer.query.paging import PIT_KEEP_ALIVE

MAX_CURSOR_LENGTH = 2000


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last hit's sort values, within one point in time."""

    search_after: tuple[Any, ...]
    pit_id: str

    def encode(self) -> str:
        """An opaque, URL-safe token for a `next` link."""
        raw = json.dumps([list(self.search_after), self.pit_id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii")

    @staticmethod
    def decode(token: str) -> Cursor | None:
        """The cursor of a token `encode` made; None for anything else."""
        if not token or len(token) > MAX_CURSOR_LENGTH:
            return None
        try:
            values, pit_id = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        except (ValueError, TypeError, binascii.Error, UnicodeError):
            return None
        if not isinstance(values, list) or not isinstance(pit_id, str):
            return None
        if not (all(map(_sort_value, values)) and _utf8(pit_id)):
            return None
        return Cursor(tuple(values), pit_id)


LONG_RANGE = range(-(2**63), 2**63)  # Elasticsearch's sort values: longs, doubles, keywords


def _sort_value(value: Any) -> bool:
    """Whether `value` can be a sort value Elasticsearch gave out: a long, a finite double, or
    text; a crafted cursor with anything else is refused rather than sent."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value in LONG_RANGE
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, str) and _utf8(value)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which JSON allows and UTF-8 does not
        return False
    return True


def open_point_in_time(client: Elasticsearch, names: IndexNames) -> str:
    """A point in time on the index: pages read through it do not shift as items arrive."""
    try:
        response = client.open_point_in_time(index=names.alias, keep_alive=PIT_KEEP_ALIVE)
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
    return str(response["id"])


def close_point_in_time(client: Elasticsearch, pit_id: str) -> None:
    """Release a point in time; one that already expired is no error."""
    try:
        client.options(ignore_status=404).close_point_in_time(id=pit_id)
    except (TransportError, ApiError) as exc:
        raise SearchUnavailable(f"search failed: {exc}") from exc
