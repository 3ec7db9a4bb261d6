"""Where a request may send the browser next: the one check of every request-supplied target.

A `next=` (or any other target taken from a request) is followed only when it is a path of this
site. Browsers are lenient where Python's URL parser is not: they drop tabs and newlines anywhere,
trim spaces and control characters at the ends, read a backslash as a slash and `//host` (any
number of slashes) as another host. So a target is refused outright when it holds anything a
browser might drop or reinterpret, rather than normalised and hoped to match what the browser does.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import url_for

MAX_TARGET_LENGTH = 2000
# Control and format characters (tab, newline, NUL, zero-width, bidi marks) and every kind of
# space: browsers strip some of them, and none belongs in a path this site makes.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def local_target(target: str | None) -> str | None:
    """`target` when it is a path of this site (`/` then anything but `/`), else None."""
    if not target or len(target) > MAX_TARGET_LENGTH or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(unicodedata.category(char) in REFUSED_CATEGORIES for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def next_page(target: str | None) -> str:
    """Where to go after an action that names its own next page: that path when it is one of
    this site's, else the search page."""
    return local_target(target) or url_for("search.search_view")
