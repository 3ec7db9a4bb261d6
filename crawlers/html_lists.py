"""HTML listing pages without structured data (a community job board, an alumni association's
"Career opportunities" page, an events list): a pure parser driven by the user's selectors.

Selectors are CSS by default; one starting with "xpath:" is XPath. Field selectors are relative to
the item (in XPath, start them with "./" or ".//"), and each field takes its first match.

Listing pages are crawl traps more often than feeds: calendars link to the next month forever and
Java or PHP sites put a session id in every link. The caller passes the page number it is on, and
next pages stop at `max_pages`; session ids are removed from every URL so one posting keeps one URL.
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import lxml.html  # type: ignore[import-untyped]  # lxml ships no type information
import parsel
from cssselect import SelectorError
from w3lib.encoding import html_to_unicode
from w3lib.url import url_query_cleaner

from catalog.records import ParsedItem
from crawlers import resources
from crawlers.normalise import (
    EARLIEST_PLAUSIBLE,
    MAX_SUMMARY,
    MAX_TITLE,
    absolute_http_url,
    canonical_url,
    clean_text,
    html_to_text,
    plausible_date,
    sanitise_html,
)
from crawlers.results import ParseResult

KINDS = ("job", "event", "resource")
# A listing page is small; bigger bodies are cut so parsing stays quick.
MAX_BODY_BYTES = 5_000_000
MAX_ITEMS = 500
MAX_SELECTOR = 1_000
# Events are announced ahead, but not this far: a later start is a typo or a calendar trap.
EVENT_HORIZON = timedelta(days=3 * 366)
# Tried after the option's own format, on each date-like part of the text (commas, dots and
# ordinal suffixes removed first, so "Nov. 12, 2026" and "November 10th, 2026" match).
COMMON_DATE_FORMATS = ("%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%m/%d/%Y")
_DATE_CANDIDATE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}"
    r"|[A-Za-z]{3,9}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)? [A-Za-z]{3,9}\.?,? \d{4}"
)
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b")
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
        _zone(self.timezone)

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
        _select(parsel.Selector(text="<html><body></body></html>"), selector)
    except (SelectorError, ValueError) as exc:
        kind = "XPath" if _is_xpath(selector) else "CSS selector"
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


def _zone(name: str) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidListOptions(f"timezone: unknown time zone {name!r}") from exc


def _is_xpath(selector: str) -> bool:
    return selector.startswith("xpath:")


def _select(node: parsel.Selector, selector: str) -> parsel.SelectorList[parsel.Selector]:
    if _is_xpath(selector):
        return node.xpath(selector[len("xpath:") :].strip())
    return node.css(selector)


def without_session_ids(url: str) -> str:
    """The URL without session ids, so one page keeps one URL across visits."""
    stripped = _PATH_SESSION.sub("", url)
    return str(url_query_cleaner(stripped, SESSION_PARAMETERS, remove=True, unique=False))


def parse(
    url: str,
    body: bytes,
    options: ListOptions,
    *,
    now: datetime | None = None,
    page: int = 1,
    max_pages: int = 20,
) -> ParseResult:
    """The entries of the listing page at `url`, the `page`-th page of its listing.

    `follow` holds the next page (first, while page < max_pages), then, with follow_details, the
    URL of each item (exactly its `url`: pass that page to parse_detail with the item).
    `complete` is True only for a first page that links to no next page and lists at least one
    entry, read whole: the whole listing was in this body, so a posting missing from it was taken
    down. An empty page is not trusted as complete: a changed layout looks the same.
    """
    now = now or datetime.now(UTC)
    document, warnings = _document(url, body)
    truncated = bool(warnings)
    nodes = _select(document, options.item)
    if len(nodes) > MAX_ITEMS:
        warnings.append(f"only the first {MAX_ITEMS} of {len(nodes)} entries were read")
        truncated = True
    items = _items(nodes[:MAX_ITEMS], url, options, now, warnings)
    if not nodes:
        warnings.append(f"no entries matched the item selector {options.item!r}")
    next_url = _next_page(document, url, options)
    follow: list[str] = []
    if next_url and page < max_pages:
        follow.append(next_url)
    elif next_url:
        warnings.append(f"stopped after page {page}: max_pages ({max_pages}) reached")
    if options.follow_details:
        follow.extend(item.url for item in items if item.url not in follow)
    complete = page == 1 and not next_url and bool(items) and not truncated
    title = clean_text(_text(document.css("title")), MAX_TITLE)
    return ParseResult(items, tuple(warnings), complete, tuple(follow), title)


def parse_detail(url: str, body: bytes, options: ListOptions, listed: ParsedItem) -> ParsedItem:
    """The listed item with its body (and summary, when the listing had none) from its page.

    The listing's title, date, organisation and location are kept: the listing is what the
    selectors were written for. When the detail page has nothing readable the item is unchanged.
    """
    markup = ""
    if options.detail_body:
        document, _ = _document(url, body)
        markup = _markup(_select(document, options.detail_body)[:1], url)
    if not html_to_text(markup):
        try:
            markup = resources.main_text(body, url)
        except resources.NoMainText:
            return listed
    return replace(listed, body=markup, summary=listed.summary or html_to_text(markup))


def _document(url: str, body: bytes) -> tuple[parsel.Selector, list[str]]:
    """The page as a parsel tree, decoded as declared (BOM, meta charset) or as UTF-8."""
    warnings: list[str] = []
    if len(body) > MAX_BODY_BYTES:
        warnings.append(f"page larger than {MAX_BODY_BYTES} bytes; only its beginning was read")
        body = body[:MAX_BODY_BYTES]
    _, text = html_to_unicode(None, body)
    return parsel.Selector(text=text, base_url=url), warnings


def _items(
    nodes: Iterable[parsel.Selector],
    url: str,
    options: ListOptions,
    now: datetime,
    warnings: list[str],
) -> list[ParsedItem]:
    """One item per entry with a title and an http(s) link, each URL once."""
    items: dict[str, ParsedItem] = {}
    skipped = duplicates = 0
    for node in nodes:
        item = _item(node, url, options, now)
        if item is None:
            skipped += 1
        elif item.url in items:
            duplicates += 1
        else:
            items[item.url] = item
    if skipped:
        warnings.append(f"skipped {skipped} entries without a title or an http(s) link")
    if duplicates:
        warnings.append(f"skipped {duplicates} entries repeating another entry's link")
    return list(items.values())


def _item(
    node: parsel.Selector, url: str, options: ListOptions, now: datetime
) -> ParsedItem | None:
    title = clean_text(_text(_select(node, options.title)[:1]), MAX_TITLE)
    link = _absolute(url, _href(_select(node, options.link)[:1]))
    if not title or not link:
        return None
    summary_nodes = _select(node, options.summary)[:1] if options.summary else None
    published, details = _dates(node, options, now)
    return ParsedItem(
        url=link,
        title=title,
        kind=options.kind,
        summary=clean_text(_text(summary_nodes), MAX_SUMMARY) if summary_nodes else "",
        body=_markup(summary_nodes, url) if summary_nodes else "",
        organisation=_field(node, options.organisation),
        location=_field(node, options.location),
        published_at=published,
        details=details,
    )


def _field(node: parsel.Selector, selector: str) -> str:
    return clean_text(_text(_select(node, selector)[:1])) if selector else ""


def _text(nodes: Iterable[parsel.Selector]) -> str:
    """The text of the nodes: text and attribute results as they are, elements' text without
    their scripts and styles."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node.root, str):
            parts.append(node.root)
        else:
            parts.extend(node.xpath(".//text()[not(ancestor::script or ancestor::style)]").getall())
    return " ".join(parts)


def _href(nodes: Iterable[parsel.Selector]) -> str:
    """The link a selection names: an attribute value, the element's href, or its first link's."""
    for node in nodes:
        if isinstance(node.root, str):
            return node.root
        return str(node.attrib.get("href") or node.xpath(".//a/@href").get() or "")
    return ""


def _absolute(base: str, href: str) -> str:
    """The canonical absolute URL of a link, or "" when it is not http(s) or does not parse."""
    absolute = absolute_http_url(base, href)
    return canonical_url(without_session_ids(absolute)) if absolute else ""


def _markup(nodes: Iterable[parsel.Selector], url: str) -> str:
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


def _next_page(document: parsel.Selector, url: str, options: ListOptions) -> str:
    if not options.next_page:
        return ""
    next_url = _absolute(url, _href(_select(document, options.next_page)[:1]))
    same = next_url == _absolute(url, url)
    return "" if same else next_url


def _dates(
    node: parsel.Selector, options: ListOptions, now: datetime
) -> tuple[datetime | None, dict[str, Any]]:
    """(published_at, details): the entry's date as a date of publication, or as an event's
    start for events (future dates are the point there, within EVENT_HORIZON)."""
    if not options.date:
        return None, {}
    found = _listed_date(_select(node, options.date)[:1], options)
    if found is None:
        return None, {}
    value, all_day = found
    if options.kind != "event":
        return plausible_date(value, now), {}
    start = value.astimezone(UTC)
    if not EARLIEST_PLAUSIBLE <= start <= now + EVENT_HORIZON:
        return None, {}
    event: dict[str, Any] = {"start": start.isoformat(), "all_day": all_day}
    if options.timezone:
        event["timezone"] = options.timezone
    return None, {"event": event}


def _listed_date(
    nodes: parsel.SelectorList[parsel.Selector], options: ListOptions
) -> tuple[datetime, bool] | None:
    """(aware datetime, date only?) from a <time datetime>, the option's format, or the text."""
    zone = _zone(options.timezone)
    for node in nodes:
        if not isinstance(node.root, str):
            attribute = node.xpath("./@datetime | .//time/@datetime").get()
            found = _iso_date(attribute or "", zone)
            if found:
                return found
    text = clean_text(_text(nodes))
    value = _strptime(text, options.date_format) if options.date_format else None
    value = value or _common_date(text)
    if value is None:
        return None
    return value.replace(tzinfo=value.tzinfo or zone), value.hour == value.minute == 0


def _iso_date(value: str, zone: tzinfo) -> tuple[datetime, bool] | None:
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=parsed.tzinfo or zone), len(value) == len("2026-11-17")


def _strptime(text: str, date_format: str) -> datetime | None:
    try:
        return datetime.strptime(text, date_format)
    except ValueError:
        return None


def _common_date(text: str) -> datetime | None:
    """The first date-like part of the text in one of COMMON_DATE_FORMATS ("3 days ago",
    "February 30" and two-digit years give None)."""
    for candidate in _DATE_CANDIDATE.findall(text):
        plain = _ORDINAL.sub(r"\1", candidate).replace(",", "").replace(".", "")
        for date_format in COMMON_DATE_FORMATS:
            value = _strptime(plain, date_format)
            if value:
                return value
    return None
