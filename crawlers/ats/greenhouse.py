"""Greenhouse's board API: {"jobs": [{"title", "absolute_url", "content" (escaped HTML), ...}]}."""

from __future__ import annotations

import html
import re
from typing import Any

from catalog.records import ParsedItem
from crawlers.ats.common import Board, posting_item
from crawlers.ats.values import iso_instant, names_of, nested
from crawlers.normalise import MAX_BODY, clean_text, json_text

_REMOTE_WORDS = (
    ("remote", re.compile(r"\bremote\b", re.I)),
    ("hybrid", re.compile(r"\bhybrid\b", re.I)),
)


def read_posting(job: dict[str, Any], board: Board) -> ParsedItem | None:
    location = clean_text(json_text(nested(job, "location", "name")))
    # The content is HTML escaped once more ("&lt;p&gt;"): unescape, then sanitise.
    content = html.unescape(json_text(job.get("content"))[: MAX_BODY * 4])
    return posting_item(
        board,
        job,
        title=job.get("title"),
        url=job.get("absolute_url"),
        body=content,
        organisation=clean_text(json_text(job.get("company_name"))),
        location=location,
        published=iso_instant(job.get("first_published") or job.get("updated_at")),
        tags=names_of(job.get("departments")),
        details={"remote": _remote_in(location)},
    )


def _remote_in(location: str) -> str:
    """The hint ("remote", "hybrid") a location as posted gives: "Remote - US"."""
    return next((hint for hint, word in _REMOTE_WORDS if word.search(location)), "")
