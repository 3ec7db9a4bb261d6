"""Checking a source's kind-specific options when it is added or imported, not at every crawl."""

from __future__ import annotations

import re
from typing import Any

from crawlers.html_list_options import InvalidListOptions, ListOptions
from ground.errors import MutualError

SITEMAP_OPTIONS = {"pattern"}


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
    elif kind == "sitemap":
        _check_sitemap(options)
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
