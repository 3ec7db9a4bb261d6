"""What every job board's reader shares: the board being read, and the item of a posting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from catalog.records import ParsedItem
from crawlers.ats.values import http_url
from crawlers.normalise import (
    MAX_BODY,
    MAX_TITLE,
    clean_text,
    html_to_text,
    json_text,
    plausible_date,
    sanitise_html,
)


@dataclass
class Board:
    """One answer being read: whose board it is, and what went wrong on the way."""

    vendor: str
    slug: str
    now: datetime
    organisation: str = ""
    warnings: list[str] = field(default_factory=list)


def posting_item(
    board: Board,
    posting: dict[str, Any],
    *,
    title: Any,
    url: Any,
    body: str,
    published: datetime | None,
    details: dict[str, Any],
    location: str = "",
    tags: tuple[str, ...] = (),
    organisation: str = "",
    apply_url: Any = None,
) -> ParsedItem | None:
    """The item, when it has a title and an address; the publisher's id goes in its details."""
    clean_title, item_url = clean_text(json_text(title), MAX_TITLE), http_url(url)
    if not clean_title or not item_url:
        return None
    details = {key: value for key, value in details.items() if value}
    apply_address = http_url(apply_url)
    if apply_address and apply_address != item_url:
        details["apply_url"] = apply_address
    posting_id = clean_text(json_text(posting.get("id")), 100)
    if posting_id:
        details["external_id"] = f"{board.vendor}:{board.slug}:{posting_id}"
    return ParsedItem(
        url=item_url,
        title=clean_title,
        kind="job",
        # From the HTML as published: its <div> and <h1> still part the words.
        summary=html_to_text(body[: MAX_BODY * 2]),
        body=sanitise_html(body),
        organisation=organisation or board.organisation,
        location=location,
        published_at=plausible_date(published, board.now),
        tags=tags,
        details=details,
    )
