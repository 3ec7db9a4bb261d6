"""Resource pages (articles, guides, newsletter archive issues): a pure parser to one item.

The main text comes from trafilatura, which tells an article's body from the navigation, sidebars,
cookie banners and footers around it. It is handed the bytes of the page (never a URL, which
htmldate would fetch), capped at MAX_INPUT_BYTES so a huge page cannot hold a worker for long.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import trafilatura
from trafilatura.htmlprocessing import build_html_output
from trafilatura.settings import Document

from catalog.records import ParsedItem
from crawlers.normalise import (
    MAX_TITLE,
    canonical_url,
    clean_text,
    html_to_text,
    plausible_date,
    sanitise_html,
)
from crawlers.results import ParseResult

# Enough for any article; trafilatura's work grows with the tree, so bigger pages are cut.
MAX_INPUT_BYTES = 5_000_000
MAX_TAGS = 20
# Shorter is a menu or an error message that trafilatura's fallback picked up, not a page to show.
MIN_MAIN_TEXT = 50
# "Issue 42", "issue-7", "Issue #3", "Issue No. 12"; not "common issues with cover letters".
_NEWSLETTER = re.compile(r"newsletter|\bissue\b[\s#:_-]*(?:no\.?\s*)?\d", re.IGNORECASE)
_GUIDE = re.compile(r"\bguides?\b|\bhow[-_ ]to\b", re.IGNORECASE)
# Only the site's own statement of its name; trafilatura would otherwise fall back to the host.
_SITE_NAME_XPATH = (
    "//meta[@property='og:site_name']/@content | //meta[@name='og:site_name']/@content"
    " | //meta[@name='application-name']/@content"
)
_TITLE_XPATH = "//meta[@property='og:title']/@content | //title/text()"


class NoMainText(ValueError):
    """The body has no readable main text (not HTML, empty, or only navigation)."""


def parse(
    url: str,
    body: bytes,
    *,
    now: datetime | None = None,
    content_type_hint: str | None = None,
) -> ParseResult:
    """The resource page at `url` as one item of kind "resource".

    `content_type_hint` is the kind of resource the source is known to publish ("newsletter" for a
    newsletter archive); without it the kind is guessed from the URL and title.
    Raises NoMainText when the page has nothing readable.
    """
    now = now or datetime.now(UTC)
    warnings = _size_warnings(body)
    tree = _load(body)
    site_name = _first(tree, _SITE_NAME_XPATH)
    document = _extract(tree, url, now)
    body_html = _body_html(document)
    title = _title(document, tree, body_html)
    item = ParsedItem(
        url=canonical_url(url),
        title=title,
        kind="resource",
        summary=html_to_text(document.description) or html_to_text(body_html),
        body=body_html,
        organisation=site_name,
        published_at=_published(document, now),
        tags=_tags(document),
        details=_details(document, url, title, content_type_hint),
    )
    return ParseResult(items=[item], warnings=warnings, complete=False, title=site_name)


def main_text(body: bytes, url: str) -> str:
    """The main content of an HTML page as sanitised HTML (what ParsedItem.body holds).

    For pages read without selectors, such as a job's detail page. Raises NoMainText.
    """
    return _body_html(_extract(_load(body), url, None))


def _size_warnings(body: bytes) -> tuple[str, ...]:
    if len(body) <= MAX_INPUT_BYTES:
        return ()
    return (f"page larger than {MAX_INPUT_BYTES} bytes; only its beginning was read",)


def _load(body: bytes) -> Any:
    """The parsed page (an lxml tree), from at most MAX_INPUT_BYTES of it."""
    tree = trafilatura.load_html(body[:MAX_INPUT_BYTES])
    if tree is None:
        raise NoMainText("no main text: the body is not an HTML page")
    return tree


def _extract(tree: Any, url: str, now: datetime | None) -> Document:
    """Trafilatura's reading of the page: metadata when `now` is given, and the main text."""
    date_params = None
    if now is not None:
        # No guessing from free text: only dates the page states (meta tags, markup, URL).
        date_params = {
            "extensive_search": False,
            "original_date": True,
            # htmldate swaps a date past max_date for another guess; let it report what the
            # page says, and plausible_date judge it against `now`.
            "max_date": (now + timedelta(days=3660)).strftime("%Y-%m-%d"),
        }
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=now is not None,
        include_comments=False,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        favor_precision=True,
        date_extraction_params=date_params,
    )
    if not isinstance(document, Document):
        raise NoMainText("no main text found on the page")
    return document


def _body_html(document: Document) -> str:
    """The main text as sanitised HTML, or its blocks' text in <p>s when the conversion fails.

    Its length is measured on the HTML's text: trafilatura's plain text spells links out.
    """
    body = document.body if document.body is not None else []
    blocks = [" ".join("".join(block.itertext()).split()) for block in body]  # before conversion
    try:
        markup = sanitise_html(build_html_output(document))
    except (ValueError, TypeError):  # a tree trafilatura could not serialise
        markup = ""
    if not html_to_text(markup):
        markup = sanitise_html("".join(f"<p>{html.escape(b)}</p>" for b in blocks if b))
    if len(html_to_text(markup)) < MIN_MAIN_TEXT:
        raise NoMainText("no main text found on the page")
    return markup


def _first(tree: Any, xpath: str) -> str:
    for value in tree.xpath(xpath):
        text = clean_text(str(value))
        if text:
            return text
    return ""


def _title(document: Document, tree: Any, body_html: str) -> str:
    title = clean_text(document.title, MAX_TITLE) or _first(tree, _TITLE_XPATH)
    return clean_text(title, MAX_TITLE) or html_to_text(body_html, 80)


def _published(document: Document, now: datetime) -> datetime | None:
    """htmldate's date of publication ("YYYY-MM-DD"), kept only when plausible."""
    try:
        value = datetime.strptime(str(document.date or ""), "%Y-%m-%d")
    except ValueError:
        return None
    return plausible_date(value.replace(tzinfo=UTC), now)


def _tags(document: Document) -> tuple[str, ...]:
    """Categories and keywords, split on commas (keywords meta tags hold a list), once each."""
    tags: dict[str, str] = {}
    for value in [*(document.categories or []), *(document.tags or [])]:
        for part in str(value).split(","):
            tag = clean_text(part, 80)
            if tag and tag.casefold() not in tags:
                tags[tag.casefold()] = tag
    return tuple(tags.values())[:MAX_TAGS]


def _details(document: Document, url: str, title: str, hint: str | None) -> dict[str, Any]:
    details: dict[str, Any] = {"content_type": _content_type(url, title, hint)}
    author = clean_text(document.author)
    if author:
        details["author"] = author
    return details


def _content_type(url: str, title: str, hint: str | None) -> str:
    """The hint when given, else "newsletter", "guide" or "article" from the URL and title."""
    if hint and clean_text(hint, 40):
        return clean_text(hint, 40).lower()
    said = f"{url} {title}"
    if _NEWSLETTER.search(said):
        return "newsletter"
    if _GUIDE.search(said):
        return "guide"
    return "article"
