"""Lever's postings API: [{"text", "hostedUrl", "categories", "createdAt" (ms), "salaryRange"}]."""

from __future__ import annotations

import html
from typing import Any

from catalog.records import ParsedItem
from crawlers.ats.common import Board, posting_item
from crawlers.ats.values import (
    PERIODS,
    as_dict,
    as_list,
    epoch_ms,
    paragraph,
    plain_number,
    salary_range,
    texts_of,
    unique,
)
from crawlers.normalise import MAX_BODY, clean_text, html_to_text, json_text

WORKPLACES = {
    "remote": "remote",
    "hybrid": "hybrid",
    "on-site": "onsite",
    "onsite": "onsite",
    "in-office": "onsite",
}


def read_posting(posting: dict[str, Any], board: Board) -> ParsedItem | None:
    categories = as_dict(posting.get("categories"))
    places = categories.get("allLocations")
    location = "; ".join(texts_of(places)) if isinstance(places, list) else ""
    details = {
        "remote": WORKPLACES.get(json_text(posting.get("workplaceType")).lower(), ""),
        "employment_type": clean_text(json_text(categories.get("commitment"))),
        "country": clean_text(json_text(posting.get("country")), 10),
        "salary": _lever_salary(posting.get("salaryRange")),
    }
    return posting_item(
        board,
        posting,
        title=posting.get("text"),
        url=posting.get("hostedUrl"),
        apply_url=posting.get("applyUrl"),
        body=_lever_body(posting),
        location=clean_text(location or json_text(categories.get("location"))),
        published=epoch_ms(posting.get("createdAt")),
        tags=unique(texts_of([categories.get("team"), categories.get("department")])),
        details=details,
    )


def _lever_body(posting: dict[str, Any]) -> str:
    """Description, then each list ("Requirements", "Benefits") under its heading, then the
    closing text: the posting as Lever's own page shows it."""
    parts = [json_text(posting.get("description")) or paragraph(posting.get("descriptionPlain"))]
    for entry in as_list(posting.get("lists"))[:50]:
        if isinstance(entry, dict):
            heading = html.escape(html_to_text(json_text(entry.get("text")), 200))
            parts.append(f"<h3>{heading}</h3><ul>{json_text(entry.get('content'))[:MAX_BODY]}</ul>")
    parts.append(json_text(posting.get("additional")))
    return "".join(part[: MAX_BODY * 2] for part in parts)


def _lever_salary(value: Any) -> dict[str, Any] | None:
    """salaryRange {"min", "max", "currency", "interval": "per-year-salary"} as a salary."""
    if not isinstance(value, dict):
        return None
    interval = json_text(value.get("interval")).lower()  # "one-time" is no period
    period = next((p for word, p in PERIODS.items() if word in interval), None)
    low, high = plain_number(value.get("min")), plain_number(value.get("max"))
    return salary_range(low, high, value.get("currency"), period)
