"""What a spider reports for each source it fetched; the pipeline writes it to the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from catalog.people import DirectoryEntry
from catalog.records import FetchInfo, ParsedItem


@dataclass
class SourceFetched:
    """The source answered; `items` is empty when it answered 304 Not Modified.

    `complete` when the items are everything the source lists now, so that the ones missing
    count as missed (see catalog.items.store_items).
    """

    source_id: int
    info: FetchInfo
    items: list[ParsedItem] = field(default_factory=list)
    complete: bool = False
    # When the spider sent the source's first request (the crawl history's start time).
    started_at: datetime | None = None
    # A directory page's people (None for every other kind): at least one, read from a page
    # fetched whole, so they replace the directory's people.
    people: list[DirectoryEntry] | None = None


@dataclass
class SourceFailed:
    """The source could not be fetched or parsed; nothing it would have given is written."""

    source_id: int
    error: str
    status: int | None = None
    retry_after: int | None = None
    started_at: datetime | None = None
