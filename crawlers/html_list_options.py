"""An HTML list source's options: the user's selectors and settings, checked once when read.

Selectors are CSS by default; one starting with "xpath:" is XPath.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import parsel
from cssselect import SelectorError

KINDS = ("job", "event", "resource")
MAX_SELECTOR = 1_000
_SELECTOR_FIELDS = (
    "item",
    "title",
    "link",
    "date",
    "organisation",
    "location",
    "summary",
    "next_page",
    "detail_body",
)
_REQUIRED = ("item", "title", "link")


class InvalidListOptions(ValueError):
    """The user's listing options are unusable; the message names the key and says why."""


@dataclass(frozen=True)
class ListOptions:
    """How to read one listing page: selectors for the entries and their fields.

    `kind` says what the entries are ("job" by default). For events the date is the event's start
    (details["event"]), for other kinds the date of publication. `timezone` (an IANA name) is the
    zone of dates written without an offset; UTC when empty.
    """

    item: str
    title: str
    link: str
    date: str = ""
    organisation: str = ""
    location: str = ""
    summary: str = ""
    next_page: str = ""
    follow_details: bool = False
    detail_body: str = ""
    date_format: str = ""
    kind: str = "job"
    timezone: str = ""

    def __post_init__(self) -> None:
        for name in _SELECTOR_FIELDS:
            _check_selector(name, getattr(self, name), required=name in _REQUIRED)
        if self.kind not in KINDS:
            raise InvalidListOptions(f"kind: {self.kind!r} is not one of {', '.join(KINDS)}")
        _check_date_format(self.date_format)
        time_zone(self.timezone)

    @classmethod
    def from_dict(cls, options: Mapping[str, Any]) -> ListOptions:
        """Options as the user wrote them (TOML table or command-line pairs), checked."""
        known = {f.name for f in fields(cls)}
        for key in options:
            if key not in known:
                raise InvalidListOptions(
                    f"unknown key {key!r}; expected one of {', '.join(sorted(known))}"
                )
        for key in _REQUIRED:
            if key not in options:
                raise InvalidListOptions(f"{key}: required")
        values = {key: _typed(key, value) for key, value in options.items()}
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The options as from_dict reads them, without the empty ones (TOML has no null)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {key: value for key, value in values.items() if value not in ("", None)}


def _typed(key: str, value: Any) -> Any:
    """The value for `key`: a bool for follow_details ("true"/"false" from a command line)."""
    if key == "follow_details":
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if not isinstance(value, bool):
            raise InvalidListOptions(f"follow_details: expected true or false, got {value!r}")
        return value
    if not isinstance(value, str):
        raise InvalidListOptions(f"{key}: expected a string, got {type(value).__name__}")
    return value.strip()


def _check_selector(name: str, selector: Any, *, required: bool) -> None:
    if not isinstance(selector, str):
        raise InvalidListOptions(f"{name}: expected a string, got {type(selector).__name__}")
    if not selector.strip():
        if required:
            raise InvalidListOptions(f"{name}: required, and empty")
        return
    if len(selector) > MAX_SELECTOR:
        raise InvalidListOptions(f"{name}: selector longer than {MAX_SELECTOR} characters")
    try:
        select(parsel.Selector(text="<html><body></body></html>"), selector)
    except (SelectorError, ValueError) as exc:
        kind = "XPath" if is_xpath(selector) else "CSS selector"
        raise InvalidListOptions(f"{name}: invalid {kind} {selector!r}: {exc}") from exc


def _check_date_format(date_format: Any) -> None:
    """A strptime format that reads back what it writes (strptime refuses unknown directives)."""
    if not isinstance(date_format, str):
        raise InvalidListOptions("date_format: expected a string")
    if not date_format:
        return
    if "%" not in date_format:
        raise InvalidListOptions(f"date_format: {date_format!r} has no % directive")
    sample = datetime(2026, 11, 17, 9, 30)
    try:
        datetime.strptime(sample.strftime(date_format), date_format)
    except ValueError as exc:
        raise InvalidListOptions(f"date_format: invalid {date_format!r}: {exc}") from exc


def time_zone(name: str) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidListOptions(f"timezone: unknown time zone {name!r}") from exc


def is_xpath(selector: str) -> bool:
    return selector.startswith("xpath:")


def select(node: parsel.Selector, selector: str) -> parsel.SelectorList[parsel.Selector]:
    if is_xpath(selector):
        return node.xpath(selector[len("xpath:") :].strip())
    return node.css(selector)
