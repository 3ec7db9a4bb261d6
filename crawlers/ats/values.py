"""The values of a job board's JSON answer read safely: lists, texts, names, numbers, times."""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from crawlers.normalise import MAX_BODY, canonical_url, clean_text, json_text

PERIODS = {"year": "year", "month": "month", "week": "week", "day": "day", "hour": "hour"}


def texts_of(values: Any) -> list[str]:
    return [t for t in (clean_text(json_text(v)) for v in as_list(values)[:50]) if t]


def names_of(values: Any) -> tuple[str, ...]:
    """Names of departments ({"name": ...}) or plain strings, at most ten."""
    names = (
        clean_text(json_text(nested(v, "name") if isinstance(v, dict) else v), 80)
        for v in as_list(values)
    )
    return tuple(name for name in names if name)[:10]


def unique(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def nested(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def paragraph(value: Any) -> str:
    text = json_text(value)[:MAX_BODY]
    return f"<p>{html.escape(text)}</p>" if text.strip() else ""


def http_url(value: Any) -> str:
    text = json_text(value).strip()
    if len(text) > 2_000 or urlsplit(text).scheme not in {"http", "https"}:
        return ""
    return canonical_url(text)


def address_parts(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    return {
        "city": clean_text(json_text(value.get("addressLocality"))),
        "region": clean_text(json_text(value.get("addressRegion"))),
        "country": clean_text(json_text(value.get("addressCountry"))),
    }


def iso_instant(value: Any) -> datetime | None:
    """An ISO 8601 time in UTC ("2026-11-19T12:12:24-05:00"), or None if it is not one."""
    text = json_text(value).strip()[:64]
    try:
        parsed = datetime.fromisoformat(text)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def epoch_ms(value: Any) -> datetime | None:
    """Lever's milliseconds since 1970 as a UTC time."""
    number = plain_number(value)
    try:
        return datetime.fromtimestamp(number / 1000, tz=UTC) if number is not None else None
    except (OverflowError, OSError, ValueError):
        return None


def plain_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def currency_code(value: Any) -> str | None:
    code = json_text(value).strip().upper()
    return code if len(code) == 3 and code.isalpha() and code.isascii() else None


def salary_range(
    low: float | None, high: float | None, currency: Any, period: str | None
) -> dict[str, Any] | None:
    """A salary as the details keep it, or None when it names no amount at all."""
    if low is None and high is None:
        return None
    return {"min": low, "max": high, "currency": currency_code(currency), "period": period}
