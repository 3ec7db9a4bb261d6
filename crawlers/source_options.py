"""A source's kind-specific options (and a manifest's sources) checked when added or imported,
not at every crawl; KEY=VALUE options read as the command line takes them."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawlers.directory_pages import DirectoryOptions, InvalidDirectoryOptions
from crawlers.guard import check_url
from crawlers.html_list_options import InvalidListOptions, ListOptions
from ground.errors import MutualError

SITEMAP_OPTIONS = {"pattern"}
# A feed's events may say their date only in words ("Thursday 10 December, 6pm"): these say
# which zone and language to read them in (crawlers/enrichment/event_text_dates.py).
FEED_OPTIONS = {"timezone", "language"}
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")


class InvalidOptions(MutualError):
    """A source's options cannot be used by its kind's parser; the message names the option."""


def check_source_options(kind: str, options: Any) -> None:
    if not isinstance(options, dict):
        raise InvalidOptions(f"options of a {kind} source must be a table of KEY = VALUE")
    if kind == "html":
        try:
            ListOptions.from_dict(options)
        except InvalidListOptions as exc:
            raise InvalidOptions(str(exc)) from exc
    elif kind == "directory":
        try:
            DirectoryOptions.from_dict(options)
        except InvalidDirectoryOptions as exc:
            raise InvalidOptions(str(exc)) from exc
    elif kind == "sitemap":
        _check_sitemap(options)
    elif kind == "feed":
        _check_feed(options)
    elif options:
        raise InvalidOptions(f"a {kind} source takes no options (given: {', '.join(options)})")


def _check_sitemap(options: dict[str, Any]) -> None:
    unknown = set(options) - SITEMAP_OPTIONS
    if unknown:
        raise InvalidOptions(f"unknown sitemap option {sorted(unknown)[0]!r}; known: pattern")
    pattern = options.get("pattern", "")
    if not isinstance(pattern, str):
        raise InvalidOptions("pattern must be a regular expression in quotes")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise InvalidOptions(f"pattern {pattern!r} is not a regular expression: {exc}") from exc


def _check_feed(options: dict[str, Any]) -> None:
    unknown = set(options) - FEED_OPTIONS
    if unknown:
        raise InvalidOptions(
            f"unknown feed option {sorted(unknown)[0]!r}; known: {', '.join(sorted(FEED_OPTIONS))}"
        )
    zone = options.get("timezone", "UTC")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidOptions(
            f"timezone {zone!r} is not a time zone name such as Europe/Paris"
        ) from exc
    language = options.get("language", "en")
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
        raise InvalidOptions(f"language {language!r} is not a language code such as fr or en-GB")


def parse_options(kind: str, pairs: tuple[str, ...]) -> dict[str, Any]:
    """KEY=VALUE pairs as a dict (true/false and numbers read as such), checked for the kind:
    InvalidOptions for a pair that is no KEY=VALUE or options the crawler could not use."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidOptions(f"{pair!r} is not KEY=VALUE")
        options[key.strip()] = option_value(value.strip())
    check_source_options(kind, options)
    return options


def option_value(value: str) -> Any:
    """An option's value as typed: true and false as booleans, digits as a number."""
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return int(value) if value.isdigit() else value


def check_manifest_sources(data: dict[str, Any], allow_loopback: bool) -> None:
    """Every source of a read manifest, its URL and options checked. Without resolving names
    (a manifest holds many); the crawl checks addresses."""
    for entry in data["communities"]:
        for src in entry.get("sources", []):
            check_url(str(src["url"]), allow_loopback)
            check_source_options(str(src.get("kind", "feed")), src.get("options") or {})
