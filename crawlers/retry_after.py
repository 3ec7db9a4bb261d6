"""Reading a server's Retry-After header (RFC 9110 section 10.2.3)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None, now: datetime | None = None) -> int | None:
    """Seconds to wait from a Retry-After value (delay seconds or an HTTP date); None if absent
    or unreadable. A date in the past means no wait."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return int(value[:9]) if len(value) <= 9 else 10**9  # absurd waits are capped later
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(int((when - (now or datetime.now(UTC))).total_seconds()), 0)
