"""schema.org property values as text, enumerations, instants, amounts and addresses of items."""

from __future__ import annotations

import html
import math
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from crawlers.normalise import (
    MAX_BODY,
    absolute_http_url,
    canonical_url,
    clean_text,
    html_to_text,
    sanitise_html,
)

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLAIN_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")


def text_of(value: Any) -> str:
    """A property as text: a string or number, an object's name or @value, a list's first."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value)


def enum_member(value: Any) -> str:
    """A schema.org enumeration member without prefix: ".../EventCancelled" -> "EventCancelled"."""
    return re.split(r"[/:#]", text_of(value).strip()[:200])[-1]


def same_site(url: str, other: str) -> bool:
    def host(address: str) -> str:
        name = (urlsplit(address).hostname or "").lower()
        return name.removeprefix("www.")

    return host(url) == host(other)


def instant(value: Any, zone: ZoneInfo | None = None) -> tuple[datetime | None, bool]:
    """An ISO 8601 date or time in UTC, and whether it was a date alone.

    A time without offset is read in `zone` when the publisher named one, else as UTC; a value
    that is not ISO 8601 ("next Tuesday", "0000-00-00") is no date at all.
    """
    text = text_of(value).strip()[:64]
    if not text:
        return None, False
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone or UTC)
        return parsed.astimezone(UTC), bool(_DATE_ONLY.match(text))
    except (ValueError, OverflowError):
        return None, False


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def plain_number(value: Any) -> float | None:
    """A plain amount ("85,000", 85000) as a float; anything else ("$85k", NaN, -1) is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(" ", "")
        if not _PLAIN_NUMBER.match(value[:40]):
            return None
        value = value.replace(",", "")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and 0 <= number < 1e12 else None


def currency_code(value: Any) -> str | None:
    code = text_of(value).strip().upper()
    return code if len(code) == 3 and code.isalpha() and code.isascii() else None


def body_and_summary(value: Any) -> tuple[str, str]:
    """The description as sanitised HTML, and its plain text for the summary."""
    text = text_of(value)[: MAX_BODY * 2]
    if "<" not in text and "&lt;" in text:
        text = html.unescape(text)  # some publishers escape the HTML once more inside JSON
    # The summary comes from the HTML as published, whose <div> and <h1> still part the words.
    return sanitise_html(text), html_to_text(text)


def identifier_of(value: Any) -> str:
    """The publisher's own id: a PropertyValue's value, or the identifier as written."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("value") or value.get("@value") or value.get("identifier")
    return clean_text(text_of(value), 120)


def item_url(node: dict[str, Any], page_url: str) -> tuple[str, str]:
    """The item's address (its own `url` when on the page's site, else the page) and the
    off-site address it names, which is where one applies or registers."""
    own = absolute_http_url(page_url, text_of(node.get("url")))
    if own and same_site(own, page_url):
        return canonical_url(own), ""
    return canonical_url(page_url), own
