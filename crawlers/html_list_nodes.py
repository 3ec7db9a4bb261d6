"""What a listing page's selected nodes say: their text, links without session ids, markup."""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Iterable

import lxml.html  # type: ignore[import-untyped]  # lxml ships no type information
import parsel
from w3lib.url import url_query_cleaner

from crawlers.normalise import (
    MAX_SUMMARY,
    absolute_http_url,
    canonical_url,
    clean_text,
    sanitise_html,
)

# Session ids as query parameters (exact names: w3lib compares them as written) and as the
# ";jsessionid=..." path parameter of Java servlets (and its PHP and generic cousins).
SESSION_PARAMETERS = (
    "sid",
    "SID",
    "sessionid",
    "sessionId",
    "session_id",
    "sessid",
    "jsessionid",
    "JSESSIONID",
    "phpsessid",
    "PHPSESSID",
    "aspsessionid",
    "CFID",
    "CFTOKEN",
    "cfid",
    "cftoken",
    "osCsid",
    "zenid",
)
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#;]*", re.IGNORECASE)


def without_session_ids(url: str) -> str:
    """The URL without session ids, so one page keeps one URL across visits."""
    stripped = _PATH_SESSION.sub("", url)
    return str(url_query_cleaner(stripped, SESSION_PARAMETERS, remove=True, unique=False))


def node_text(nodes: Iterable[parsel.Selector]) -> str:
    """The text of the nodes: text and attribute results as they are, elements' text without
    their scripts and styles."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node.root, str):
            parts.append(node.root)
        else:
            parts.extend(node.xpath(".//text()[not(ancestor::script or ancestor::style)]").getall())
    return " ".join(parts)


def node_href(nodes: Iterable[parsel.Selector]) -> str:
    """The link a selection names: an attribute value, the element's href, or its first link's."""
    for node in nodes:
        if isinstance(node.root, str):
            return node.root
        return str(node.attrib.get("href") or node.xpath(".//a/@href").get() or "")
    return ""


def absolute_link(base: str, href: str) -> str:
    """The canonical absolute URL of a link, or "" when it is not http(s) or does not parse."""
    absolute = absolute_http_url(base, href)
    return canonical_url(without_session_ids(absolute)) if absolute else ""


def node_markup(nodes: Iterable[parsel.Selector], url: str) -> str:
    """The nodes' HTML, sanitised, with their links made absolute (they are shown elsewhere)."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node.root, str):
            parts.append(f"<p>{clean_text(node.root, MAX_SUMMARY)}</p>")
            continue
        element = copy.deepcopy(node.root)
        # A link lxml cannot join stays as it was; sanitising drops what is unsafe.
        with contextlib.suppress(ValueError):
            element.make_links_absolute(url, resolve_base_href=False)
        parts.append(lxml.html.tostring(element, encoding="unicode"))
    return sanitise_html("".join(parts))
