"""A page's schema.org objects, outermost first, from JSON-LD, microdata and RDFa; title, next link.

Every walk over the data is bounded, so a hostile page cannot make the parser run away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# extruct ships no type information (no py.typed); its results are plain dicts and lists.
from extruct.utils import parse_html  # type: ignore[import-untyped]
from w3lib.encoding import html_to_unicode

from crawlers.normalise import MAX_TITLE, absolute_http_url, clean_text
from crawlers.schema_org.jsonld import read_jsonld
from crawlers.schema_org.microdata import read_microdata
from crawlers.schema_org.rdfa import read_rdfa

MAX_NODES = 5_000  # schema.org objects visited per page
MAX_DEPTH = 20  # nesting followed (@graph in @graph, ItemList > ListItem > item ...)
# C0 controls but tab and newlines: lxml refuses them, and JSON allows none outside strings.
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEXT_LINK = (
    '//link[contains(concat(" ", normalize-space(@rel), " "), " next ")]/@href'
    ' | //a[contains(concat(" ", normalize-space(@rel), " "), " next ")]/@href'
)


@dataclass(frozen=True)
class Page:
    """What a page holds: every schema.org object, outermost first, and what the page says."""

    nodes: list[dict[str, Any]]
    warnings: list[str]
    title: str = ""
    next_url: str = ""


def read_page(url: str, body: bytes) -> Page:
    html = _decoded(body)
    tree = _parse_tree(html)
    if tree is None:
        return Page([], [])
    warnings: list[str] = []
    data = read_jsonld(tree, warnings) + read_microdata(tree, url, warnings)
    data += read_rdfa(html, url, warnings)  # its own tree: pyRdfa reads a DOM-like one
    title = clean_text(" ".join(tree.xpath("//title[1]//text()")), MAX_TITLE)
    return Page(list(_walk(data)), warnings, title, _next_url(tree, url))


def _decoded(body: bytes) -> bytes:
    """The page as UTF-8, decoded by its declared charset, without raw control characters."""
    _, text = html_to_unicode(None, body)
    # Control characters break lxml and JSON alike; they are never meaningful in a page.
    return _RAW_CONTROL.sub("", text).encode("utf-8")


def _parse_tree(html: bytes) -> Any:
    """The page's element tree, or None if there is nothing to read."""
    try:
        return parse_html(html, "UTF-8")
    except Exception:  # lxml raises its own ParserError for an empty document
        return None


def _next_url(tree: Any, url: str) -> str:
    for href in tree.xpath(_NEXT_LINK):
        absolute = absolute_http_url(url, str(href))
        if absolute:
            return absolute
    return ""


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    """Every object in the data, outermost first: lists, @graph (nested too), property values.

    Bounded in objects and depth, so a hostile nest or a huge list costs a fixed amount of work.
    """
    stack: list[tuple[Any, int]] = [(data, 0)]
    visited = 0
    while stack and visited < MAX_NODES:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(value, list):
            stack.extend((child, depth + 1) for child in reversed(value[:MAX_NODES]))
        elif isinstance(value, dict):
            visited += 1
            yield value
            stack.extend((child, depth + 1) for child in reversed(list(value.values())))
