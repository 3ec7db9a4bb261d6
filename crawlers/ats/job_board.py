"""A job board's API answer read by its vendor's module: the parser of the jobboard kind.

No network here. Many communities' employers hire through one of these applicant-tracking
systems; each serves every open posting of a board as JSON in one answer, so a parsed answer is
`complete`: a posting missing from the next answer has been taken down.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from catalog.records import ParsedItem
from crawlers.ats import ashby, greenhouse, lever
from crawlers.ats.addresses import api_parts
from crawlers.ats.common import Board
from crawlers.normalise import clean_text, json_text
from crawlers.results import ParseResult, read_each

MAX_POSTINGS = 10_000  # postings read per answer; the largest real boards hold about a thousand


class NotAJobBoard(ValueError):
    """The address or the body is not a Greenhouse, Lever or Ashby board answer; says why."""


def parse(url: str, body: bytes, *, now: datetime | None = None) -> ParseResult:
    """Every posting in the API answer `body`, fetched from the API address `url`."""
    found = api_parts(urlsplit(url).path)
    if found is None:
        raise NotAJobBoard(f"not a Greenhouse, Lever or Ashby API address: {url[:200]}")
    vendor, slug, _ = found
    board = Board(vendor, slug, now or datetime.now(UTC), organisation=_company(slug))
    postings = _postings(vendor, _json(body))
    if len(postings) > MAX_POSTINGS:
        board.warnings.append(f"read the first {MAX_POSTINGS} of {len(postings)} postings")
    readers = {
        "greenhouse": greenhouse.read_posting,
        "lever": lever.read_posting,
        "ashby": ashby.read_posting,
    }
    read = readers[vendor]
    items = _read_all(postings[:MAX_POSTINGS], read, board)
    # Greenhouse names the company on each posting; the others only by the board's slug.
    title = items[0].organisation if items else board.organisation
    return ParseResult(items=items, warnings=tuple(board.warnings), title=title)


def _company(slug: str) -> str:
    """The company's name as well as the board slug tells it: "acme-robotics" -> "Acme Robotics"."""
    return clean_text(re.sub(r"[-_.]+", " ", slug).title())


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # not JSON, bad encoding, or hostile nesting
        raise NotAJobBoard(f"the answer is not JSON ({type(exc).__name__})") from exc


def _postings(vendor: str, data: Any) -> list[Any]:
    """The postings of the vendor's answer: Lever's is a list, the others' an object with
    "jobs". An error answer ({"error": "..."}) or any other shape is refused."""
    postings = data.get("jobs") if isinstance(data, dict) and vendor != "lever" else data
    if isinstance(postings, list) and (vendor == "lever") == isinstance(data, list):
        # Ashby's answer also holds postings hidden from the board: they are not open to all.
        return [p for p in postings if not (isinstance(p, dict) and p.get("isListed") is False)]
    error = data.get("error") if isinstance(data, dict) else None
    hint = f": {clean_text(json_text(error), 200)}" if error else ""
    raise NotAJobBoard(f"not a {vendor} job board answer (a JSON {type(data).__name__}{hint})")


def _read_all(
    postings: list[Any], read: Callable[[dict[str, Any], Board], ParsedItem | None], board: Board
) -> list[ParsedItem]:
    items: list[ParsedItem] = []
    skipped = 0

    def one(posting: Any) -> ParsedItem | None:
        return read(posting, board) if isinstance(posting, dict) else None

    for item in read_each(postings, one, board.warnings, "postings"):
        if item is None:
            skipped += 1
        else:
            items.append(item)
    if skipped:
        board.warnings.append(f"skipped {skipped} postings without a title or an address")
    return items
