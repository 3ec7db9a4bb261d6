"""Plain records passed between the crawlers and the catalog (no database types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ParsedItem:
    """One item as a parser found it, already normalised and sanitised."""

    url: str
    title: str
    kind: str = "job"
    summary: str = ""
    body: str = ""
    organisation: str = ""
    location: str = ""
    published_at: datetime | None = None
    source_key: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    details: dict[str, Any] = field(default_factory=dict)
    # The item's identity when its URL alone does not name it (each occurrence of a recurring
    # event, a feed entry without a link); the id derives from `key or url`.
    key: str = ""
    # "active", or "cancelled" when the publisher says so (an event's STATUS:CANCELLED).
    status: str = "active"


@dataclass(frozen=True)
class FetchInfo:
    """What one fetch of a source returned, apart from its items."""

    status: int
    etag: str | None = None
    last_modified: str | None = None
    warnings: tuple[str, ...] = ()
