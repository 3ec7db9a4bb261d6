"""Cleaning what strangers publish into the values the catalog stores (one place for all kinds)."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import nh3
from w3lib.url import canonicalize_url, url_query_cleaner

TRACKING_PARAMETERS = (
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "utm_id",
    "gclid",
    "fbclid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "trk",
    "trackingid",
    "ref",
    "referrer",
    "src",
)
MAX_TITLE = 500
MAX_SHORT = 300
MAX_SUMMARY = 2_000
MAX_BODY = 100_000
# A posting dated this far ahead is a typo or a trick to sit on top of "newest".
FUTURE_TOLERANCE = timedelta(days=2)
EARLIEST_PLAUSIBLE = datetime(1995, 1, 1, tzinfo=UTC)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan"},
    "th": {"colspan"},
}
# C0/C1 controls (but tab and newlines) and the bidirectional overrides used to disguise text.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_SPACE = re.compile(r"\s+")


def canonical_url(url: str) -> str:
    """The URL with tracking parameters removed and query and escaping put in one order."""
    cleaned = url_query_cleaner(url.strip(), TRACKING_PARAMETERS, remove=True, keep_fragments=False)
    return str(canonicalize_url(cleaned))


MAX_URL = 2_000


def absolute_http_url(base: str, href: str) -> str:
    """`href` made absolute against `base`, or "" when it is empty, too long, unparseable
    (a host such as "http://[::1") or not http(s): the one check every parser's links pass."""
    href = href.strip()
    if not href or len(href) > MAX_URL:
        return ""
    try:
        absolute = urljoin(base, href)
        return absolute if urlsplit(absolute).scheme in ("http", "https") else ""
    except ValueError:
        return ""


def json_text(value: object) -> str:
    """A JSON value meant as text: strings as they are, numbers written out, anything else
    (objects, lists, booleans, null) as nothing."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def clean_text(text: str | None, limit: int = MAX_SHORT) -> str:
    """One line of plain text: no control or direction-override characters, spaces folded."""
    if not text:
        return ""
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become '?'
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text))
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# A few rounds undo markup escaped twice ("&amp;lt;b&amp;gt;"); more nesting than that is a trick.
_MARKUP_ROUNDS = 4


def markup_to_text(text: str) -> str:
    """Text as a reader sees it: tags removed, script and style contents dropped, entities read.

    nh3 (ammonia) with no allowed tag rather than a regular expression: it parses HTML as a
    browser does (unclosed tags, attributes holding ">", comments), the same parser that
    sanitises bodies. Repeated while markup remains, so an escaped tag cannot come out as one.
    """
    for _ in range(_MARKUP_ROUNDS):
        if "<" not in text and "&" not in text:
            return text
        converted = html.unescape(
            nh3.clean(text, tags=set(), clean_content_tags={"script", "style"})
        )
        if converted == text:
            return text
        text = converted
    return text.replace("<", "").replace(">", "")


def sanitise_html(markup: str | None, limit: int = MAX_BODY) -> str:
    """HTML reduced to an allow-list of harmless tags; links get rel=noopener and no scripts."""
    if not markup:
        return ""
    markup = _CONTROL.sub("", markup.encode("utf-8", "replace").decode("utf-8"))
    cleaned = nh3.clean(
        markup[: limit * 2],
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return cleaned[:limit] if len(cleaned) > limit else cleaned


def html_to_text(markup: str | None, limit: int = MAX_SUMMARY) -> str:
    """Plain text of an HTML fragment, for summaries and snippets."""
    if not markup:
        return ""
    spaced = re.sub(r"<(br|/p|/li|/h\d|/div)\b[^>]*>", " ", markup, flags=re.IGNORECASE)
    stripped = nh3.clean(spaced, tags=set(), clean_content_tags={"script", "style"})
    return clean_text(html.unescape(stripped), limit)


_BLOCK_END = re.compile(r"<(?:br|/p|/li|/h\d|/div|/td|/tr)\b[^>]*>", re.IGNORECASE)


def body_text(markup: str | None, limit: int) -> str:
    """Plain text of an already sanitised body, for the index: words kept apart, entities read.

    Lighter than html_to_text (no control-character pass): the body was cleaned on the way in,
    and the index sync calls this once per document.
    """
    if not markup:
        return ""
    stripped = nh3.clean(_BLOCK_END.sub(" ", markup), tags=set())
    return " ".join(html.unescape(stripped).split())[:limit]


def plausible_date(value: datetime | None, now: datetime) -> datetime | None:
    """The date in UTC, or None when missing, before the web's job boards, or in the future."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    if value < EARLIEST_PLAUSIBLE or value > now + FUTURE_TOLERANCE:
        return None
    return value
