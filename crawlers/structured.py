"""schema.org JobPosting and Event from a page's JSON-LD and microdata: a pure parser.

Association career centres, ATS-hosted job pages and event pages publish their postings as
schema.org data for search engines; reading it gives titles, employers, addresses, salaries and
dates as the publisher typed them, without guessing from the page layout.

A page is read with extruct, one JSON-LD block at a time, so that one broken block (comments,
trailing commas, an HTML comment wrapper) costs only itself; the rest of the page still counts.
Every walk over the data is bounded, so a hostile page cannot make the parser run away.

`complete`: a page holding two or more postings or events and no rel="next" link is taken as a
whole listing (an item missing from it later has been taken down); a detail page, or a listing
that says it continues on a next page, is not complete (the next page is put in `follow`).
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

# extruct ships no type information (no py.typed); its results are plain dicts and lists.
import extruct  # type: ignore[import-untyped]
from extruct.jsonld import JsonLdExtractor  # type: ignore[import-untyped]
from extruct.utils import parse_html  # type: ignore[import-untyped]
from w3lib.encoding import html_to_unicode

from catalog.records import ParsedItem
from crawlers.normalise import (
    MAX_BODY,
    MAX_TITLE,
    absolute_http_url,
    canonical_url,
    clean_text,
    html_to_text,
    plausible_date,
    sanitise_html,
)
from crawlers.results import ParseResult

MAX_BLOCKS = 100  # JSON-LD blocks read per page
MAX_BLOCK_CHARS = 4_000_000  # a bigger block is skipped, not parsed
MAX_NODES = 5_000  # schema.org objects visited per page
MAX_DEPTH = 20  # nesting followed (@graph in @graph, ItemList > ListItem > item ...)
MAX_ITEMS = 500  # postings and events kept per page

JOB_TYPES = frozenset({"JobPosting"})
EVENT_TYPES = frozenset(
    {
        "Event",
        "BusinessEvent",
        "ChildrensEvent",
        "ComedyEvent",
        "CourseInstance",
        "DanceEvent",
        "EducationEvent",
        "EventSeries",
        "ExhibitionEvent",
        "Festival",
        "FoodEvent",
        "Hackathon",
        "LiteraryEvent",
        "MusicEvent",
        "PublicationEvent",
        "SaleEvent",
        "ScreeningEvent",
        "SocialEvent",
        "SportsEvent",
        "TheaterEvent",
        "VisualArtsEvent",
    }
)
PERIODS = {
    "HOUR": "hour",
    "HOURLY": "hour",
    "DAY": "day",
    "DAILY": "day",
    "WEEK": "week",
    "WEEKLY": "week",
    "MONTH": "month",
    "MONTHLY": "month",
    "YEAR": "year",
    "YEARLY": "year",
    "ANNUAL": "year",
    "ANNUALLY": "year",
}
EVENT_STATUS = {
    "EventScheduled": "scheduled",
    "EventCancelled": "cancelled",
    "EventPostponed": "postponed",
    "EventRescheduled": "rescheduled",
    "EventMovedOnline": "moved-online",
}
ATTENDANCE = {
    "OfflineEventAttendanceMode": "in-person",
    "OnlineEventAttendanceMode": "online",
    "MixedEventAttendanceMode": "mixed",
}

# C0 controls but tab and newlines: lxml refuses them, and JSON allows none outside strings.
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WRAPPERS = re.compile(r"<!--|-->|<!\[CDATA\[|\]\]>")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PLAIN_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*$")
_NEXT_LINK = (
    '//link[contains(concat(" ", normalize-space(@rel), " "), " next ")]/@href'
    ' | //a[contains(concat(" ", normalize-space(@rel), " "), " next ")]/@href'
)


class NoStructuredData(ValueError):
    """The page holds no schema.org JobPosting or Event; the message names what it does hold."""


@dataclass(frozen=True)
class _Page:
    """What a page holds: every schema.org object, outermost first, and what the page says."""

    nodes: list[dict[str, Any]]
    warnings: list[str]
    title: str = ""
    next_url: str = ""


@dataclass(frozen=True)
class _Context:
    page_url: str
    ids: Mapping[str, dict[str, Any]]  # objects by @id, to follow {"@id": ...} references
    now: datetime


def structured_types(url: str, body: bytes) -> set[str]:
    """The schema.org types on the page (JobPosting, Event, Organization...), for auto-detection."""
    return {t for node in _read_page(url, body).nodes for t in _types(node)}


def parse(url: str, body: bytes, *, now: datetime | None = None) -> ParseResult:
    """Postings and events the page at `url` describes in JSON-LD or microdata.

    Raises NoStructuredData when it describes none, so the caller can try another reading.
    """
    now = now or datetime.now(UTC)
    page = _read_page(url, body)
    postings = [node for node in page.nodes if _kind(node)]
    if not postings:
        raise NoStructuredData(_nothing_found(page))
    warnings = list(page.warnings)
    if len(postings) > MAX_ITEMS:
        warnings.append(f"kept the first {MAX_ITEMS} of {len(postings)} postings")
    context = _Context(url, _ids(page.nodes), now)
    items = _with_identities(_build_all(postings[:MAX_ITEMS], context, warnings), url)
    return ParseResult(
        items=items,
        warnings=tuple(warnings),
        complete=len(items) > 1 and not page.next_url,
        follow=(page.next_url,) if page.next_url else (),
        title=page.title,
    )


def _nothing_found(page: _Page) -> str:
    """Why the page yields nothing: the types it does hold, and the blocks it could not read."""
    found = sorted({t for node in page.nodes for t in _types(node)})
    message = "no schema.org JobPosting or Event on the page"
    message += "; found: " + ", ".join(found[:20]) if found else " (no structured data at all)"
    return "; ".join([message, *page.warnings[:3]])


# --- Reading the page ------------------------------------------------------------------------


def _read_page(url: str, body: bytes) -> _Page:
    tree = _parse_tree(body)
    if tree is None:
        return _Page([], [])
    warnings: list[str] = []
    data = _jsonld(tree, warnings) + _microdata(tree, url, warnings)
    title = clean_text(" ".join(tree.xpath("//title[1]//text()")), MAX_TITLE)
    return _Page(list(_walk(data)), warnings, title, _next_url(tree, url))


def _parse_tree(body: bytes) -> Any:
    """The page's element tree, decoded by its declared charset, or None if nothing to read."""
    _, text = html_to_unicode(None, body)
    # Control characters break lxml and JSON alike; they are never meaningful in a page.
    text = _RAW_CONTROL.sub("", text)
    try:
        return parse_html(text.encode("utf-8"), "UTF-8")
    except Exception:  # lxml raises its own ParserError for an empty document
        return None


def _jsonld(tree: Any, warnings: list[str]) -> list[Any]:
    scripts = [
        script
        for script in tree.xpath("//script[@type]")
        if str(script.get("type")).split(";")[0].strip().lower() == "application/ld+json"
    ]
    if len(scripts) > MAX_BLOCKS:
        warnings.append(f"read the first {MAX_BLOCKS} of {len(scripts)} JSON-LD blocks")
    data: list[Any] = []
    for number, script in enumerate(scripts[:MAX_BLOCKS], start=1):
        data.extend(_jsonld_block(script, number, warnings))
    return data


def _jsonld_block(script: Any, number: int, warnings: list[str]) -> list[Any]:
    """One block's objects; a block that cannot be read is skipped with a warning."""
    text = str(script.xpath("string()"))
    if len(text) > MAX_BLOCK_CHARS:
        warnings.append(f"JSON-LD block {number} skipped: {len(text)} characters is too long")
        return []
    try:
        # extruct reads strict JSON first, then forgives // and /* */ comments and trailing
        # commas; the second try also drops HTML comment and CDATA wrappers around the JSON.
        script.set("type", "application/ld+json")  # extruct matches this spelling only
        try:
            return list(JsonLdExtractor().extract_items(script))
        except ValueError:
            script.text = _WRAPPERS.sub("", text)
            return list(JsonLdExtractor().extract_items(script))
    except Exception as exc:  # any failure of a lenient third-party reader costs one block only
        warnings.append(f"JSON-LD block {number} skipped: not JSON ({type(exc).__name__})")
        return []


def _microdata(tree: Any, url: str, warnings: list[str]) -> list[Any]:
    try:
        found = extruct.extract(tree, base_url=url, syntaxes=["microdata"], uniform=True)
    except Exception as exc:  # a malformed itemscope must not cost the JSON-LD
        warnings.append(f"microdata skipped ({type(exc).__name__})")
        return []
    return list(found.get("microdata") or [])


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


def _types(node: Mapping[str, Any]) -> set[str]:
    """The node's types without prefix: "schema:JobPosting", a schema.org URL -> "JobPosting"."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    names = (re.split(r"[/:#]", v.strip())[-1] for v in values if isinstance(v, str))
    return {clean_text(name, 80) for name in names if name}


def _kind(node: Mapping[str, Any]) -> str:
    types = _types(node)
    if types & JOB_TYPES:
        return "job"
    return "event" if types & EVENT_TYPES else ""


def _ids(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Objects that carry more than an @id, by @id (a @graph names its Organization once)."""
    return {
        node["@id"]: node
        for node in nodes
        if isinstance(node.get("@id"), str) and set(node) - {"@id", "@type"}
    }


# --- Values ----------------------------------------------------------------------------------


def _one(value: Any, ids: Mapping[str, dict[str, Any]]) -> Any:
    """The first of a list, with an {"@id": ...} reference replaced by the object it names."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and not set(value) - {"@id", "@type"}:
        return ids.get(str(value.get("@id")), value)
    return value


def _many(value: Any, ids: Mapping[str, dict[str, Any]]) -> list[Any]:
    values = value if isinstance(value, list) else [value]
    return [_one(v, ids) for v in values[:50] if v is not None]


def _text(value: Any) -> str:
    """A property as text: a string or number, an object's name or @value, a list's first."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value)


def _enum(value: Any) -> str:
    """A schema.org enumeration member without prefix: ".../EventCancelled" -> "EventCancelled"."""
    return re.split(r"[/:#]", _text(value).strip()[:200])[-1]


def _same_site(url: str, other: str) -> bool:
    def host(address: str) -> str:
        name = (urlsplit(address).hostname or "").lower()
        return name.removeprefix("www.")

    return host(url) == host(other)


def _instant(value: Any, zone: ZoneInfo | None = None) -> tuple[datetime | None, bool]:
    """An ISO 8601 date or time in UTC, and whether it was a date alone.

    A time without offset is read in `zone` when the publisher named one, else as UTC; a value
    that is not ISO 8601 ("next Tuesday", "0000-00-00") is no date at all.
    """
    text = _text(value).strip()[:64]
    if not text:
        return None, False
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone or UTC)
        return parsed.astimezone(UTC), bool(_DATE_ONLY.match(text))
    except (ValueError, OverflowError):
        return None, False


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _number(value: Any) -> float | None:
    """A plain amount ("85,000", 85000) as a float; anything else ("$85k", NaN, -1) is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().replace(" ", "")
        if not _PLAIN_NUMBER.match(value[:40]):
            return None
        value = value.replace(",", "")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and 0 <= number < 1e12 else None


def _currency(value: Any) -> str | None:
    code = _text(value).strip().upper()
    return code if len(code) == 3 and code.isalpha() and code.isascii() else None


def _body(value: Any) -> tuple[str, str]:
    """The description as sanitised HTML, and its plain text for the summary."""
    text = _text(value)[: MAX_BODY * 2]
    if "<" not in text and "&lt;" in text:
        text = html.unescape(text)  # some publishers escape the HTML once more inside JSON
    # The summary comes from the HTML as published, whose <div> and <h1> still part the words.
    return sanitise_html(text), html_to_text(text)


# --- Places ----------------------------------------------------------------------------------


def _address_parts(address: Any) -> dict[str, str]:
    if not isinstance(address, dict):
        return {}
    parts = {
        "city": clean_text(_text(address.get("addressLocality"))),
        "region": clean_text(_text(address.get("addressRegion"))),
        "country": clean_text(_text(address.get("addressCountry"))),
    }
    return {key: value for key, value in parts.items() if value}


def _place(place: Any, ids: Mapping[str, dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """A place as one line ("City, Region, Country") and the parts it states separately."""
    if isinstance(place, str):
        return clean_text(place), {}
    if not isinstance(place, dict):
        return "", {}
    address = _one(place.get("address"), ids)
    if isinstance(address, str):
        return clean_text(address), {}
    parts = _address_parts(address)
    return ", ".join(parts.values()) or clean_text(_text(place.get("name"))), parts


def _places(value: Any, ids: Mapping[str, dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """All places as one line ("A; B"), and the parts of the first that states any."""
    lines: list[str] = []
    first: dict[str, str] = {}
    for place in _many(value, ids):
        line, parts = _place(place, ids)
        if line and line not in lines:
            lines.append(line)
        first = first or parts
    return clean_text("; ".join(lines)), first


# --- Job postings ----------------------------------------------------------------------------


def _job(node: dict[str, Any], context: _Context) -> tuple[ParsedItem, str] | None:
    title = clean_text(_text(node.get("title") or node.get("name")), MAX_TITLE)
    if not title:
        return None
    ids = context.ids
    organisation = clean_text(_text(_one(node.get("hiringOrganization"), ids)))
    location, details = _places(node.get("jobLocation"), ids)
    location = location or _applicant_locations(node, ids)
    details.update(_job_details(node, context))
    url, elsewhere = _item_url(node, context.page_url)
    # directApply is a boolean in schema.org, but some publishers put the form's address there.
    apply_url = absolute_http_url(context.page_url, _text(node.get("directApply"))) or elsewhere
    if apply_url and canonical_url(apply_url) != url:
        details["apply_url"] = canonical_url(apply_url)
    identifier = _identifier(node.get("identifier"))
    if identifier:
        owner = organisation or urlsplit(context.page_url).hostname or ""
        details["external_id"] = f"schema:{owner}:{identifier}"
    item = _job_item(
        node,
        context,
        url=url,
        title=title,
        organisation=organisation,
        location=location,
        details=details,
    )
    return item, identifier


def _job_item(
    node: dict[str, Any],
    context: _Context,
    *,
    url: str,
    title: str,
    organisation: str,
    location: str,
    details: dict[str, Any],
) -> ParsedItem:
    """The posting's text, dates and tags around what `_job` worked out."""
    body, summary = _body(node.get("description"))
    return ParsedItem(
        url=url,
        title=title,
        kind="job",
        summary=summary,
        body=body,
        organisation=organisation,
        location=location,
        published_at=plausible_date(_instant(node.get("datePosted"))[0], context.now),
        tags=_tags(node, ("occupationalCategory", "industry")),
        details=details,
    )


def _applicant_locations(node: dict[str, Any], ids: Mapping[str, dict[str, Any]]) -> str:
    """Where a remote posting's applicants may live, when it names no workplace."""
    names = [clean_text(_text(v)) for v in _many(node.get("applicantLocationRequirements"), ids)]
    return clean_text("; ".join(name for name in names if name))


def _job_details(node: dict[str, Any], context: _Context) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if "TELECOMMUTE" in _text(node.get("jobLocationType")).upper():
        details["remote"] = "TELECOMMUTE"
    employment = _many(node.get("employmentType"), context.ids)
    employment_type = clean_text(", ".join(t for t in map(_text, employment) if t))
    if employment_type:
        details["employment_type"] = employment_type
    salary = _salary(_one(node.get("baseSalary"), context.ids))
    if salary:
        details["salary"] = salary
    elif isinstance(node.get("baseSalary"), str):
        details["salary_text"] = clean_text(node["baseSalary"])
    valid_through = _valid_through(node.get("validThrough"))
    if valid_through:
        details["valid_through"] = valid_through
    return details


def _salary(value: Any) -> dict[str, Any] | None:
    """A MonetaryAmount as {"min", "max", "currency", "period"}, or None without an amount."""
    if not isinstance(value, dict):
        return None
    amount = value.get("value")
    if isinstance(amount, list):
        amount = amount[0] if amount else None
    unit = value.get("unitText")
    if isinstance(amount, dict):
        low, high = _number(amount.get("minValue")), _number(amount.get("maxValue"))
        single, unit = _number(amount.get("value")), amount.get("unitText") or unit
    else:
        low = high = None
        single = _number(amount)
    if low is None and high is None:
        low = high = single
    if low is None and high is None:
        return None
    period = PERIODS.get(_text(unit).strip().upper().replace("PER ", ""))
    return {"min": low, "max": high, "currency": _currency(value.get("currency")), "period": period}


def _valid_through(value: Any) -> str:
    """The closing instant in UTC; a date alone means the end of that day (UTC)."""
    closes, date_only = _instant(value)
    if closes is None:
        return ""
    if date_only:
        closes += timedelta(days=1, seconds=-1)
    return _iso(closes)


def _identifier(value: Any) -> str:
    """The publisher's own id: a PropertyValue's value, or the identifier as written."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("value") or value.get("@value") or value.get("identifier")
    return clean_text(_text(value), 120)


def _tags(node: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, ...]:
    tags: list[str] = []
    for key in keys:
        for value in _many(node.get(key), {}):
            tag = clean_text(_text(value), 80)
            if tag and tag not in tags:
                tags.append(tag)
    return tuple(tags[:10])


def _item_url(node: dict[str, Any], page_url: str) -> tuple[str, str]:
    """The item's address (its own `url` when on the page's site, else the page) and the
    off-site address it names, which is where one applies or registers."""
    own = absolute_http_url(page_url, _text(node.get("url")))
    if own and _same_site(own, page_url):
        return canonical_url(own), ""
    return canonical_url(page_url), own


# --- Events ----------------------------------------------------------------------------------


def _event(node: dict[str, Any], context: _Context) -> tuple[ParsedItem, str] | None:
    title = clean_text(_text(node.get("name")), MAX_TITLE)
    if not title:
        return None
    ids = context.ids
    event, venue, location, details = _event_place(node, ids)
    event.update(_event_facts(node))
    if venue:
        event["venue"] = venue
    details["event"] = event
    url, elsewhere = _item_url(node, context.page_url)
    apply_url = _offer_url(node, context) or elsewhere
    if apply_url and canonical_url(apply_url) != url:
        details["apply_url"] = canonical_url(apply_url)
    body, summary = _body(node.get("description"))
    item = ParsedItem(
        url=url,
        title=title,
        kind="event",
        summary=summary,
        body=body,
        organisation=clean_text(_text(_one(node.get("organizer"), ids))),
        location=location,
        published_at=plausible_date(_instant(node.get("datePublished"))[0], context.now),
        details=details,
        status="cancelled" if event.get("status") == "cancelled" else "active",
    )
    return item, _identifier(node.get("identifier"))


def _event_facts(node: dict[str, Any]) -> dict[str, Any]:
    """Start and end in UTC, the named time zone, status and attendance mode."""
    zone = _zone(node)
    facts: dict[str, Any] = {}
    start, all_day = _instant(node.get("startDate"), zone)
    end, end_is_date = _instant(node.get("endDate"), zone)
    if start:
        facts["start"] = _iso(start)
        facts["all_day"] = all_day
    if end:
        # A last day, as iCalendar does it: the event runs until the next midnight.
        facts["end"] = _iso(end + timedelta(days=1) if end_is_date else end)
    if zone:
        facts["timezone"] = zone.key
    status = EVENT_STATUS.get(_enum(node.get("eventStatus")))
    if status:
        facts["status"] = status
    attendance = ATTENDANCE.get(_enum(node.get("eventAttendanceMode")))
    if attendance:
        facts["attendance"] = attendance
    return facts


def _event_place(
    node: dict[str, Any], ids: Mapping[str, dict[str, Any]]
) -> tuple[dict[str, Any], str, str, dict[str, Any]]:
    """The event facts the location implies, the venue's name, the location line and parts."""
    physical: list[Any] = []
    virtual: list[Any] = []
    for place in _many(node.get("location"), ids):
        is_virtual = "VirtualLocation" in _types(place) if isinstance(place, dict) else False
        is_link = isinstance(place, str) and place.strip().startswith(("http://", "https://"))
        (virtual if is_virtual or is_link else physical).append(place)
    location, parts = _places(physical, ids)
    first = physical[0] if physical else None
    venue = clean_text(_text(first.get("name"))) if isinstance(first, dict) else ""
    facts: dict[str, Any] = {"attendance": "online"} if virtual and not physical else {}
    return facts, venue, location or venue, dict(parts)


def _zone(node: dict[str, Any]) -> ZoneInfo | None:
    """The IANA time zone the publisher names (Schedule.scheduleTimezone), if it is a real one."""
    schedule = node.get("eventSchedule")
    schedule = schedule[0] if isinstance(schedule, list) and schedule else schedule
    named = schedule.get("scheduleTimezone") if isinstance(schedule, dict) else None
    name = _text(named or node.get("timezone")).strip()
    if not name or len(name) > 64 or not _ZONE_NAME.match(name):
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # unknown or malformed key
        return None


def _offer_url(node: dict[str, Any], context: _Context) -> str:
    for offer in _many(node.get("offers"), context.ids):
        if isinstance(offer, dict):
            url = absolute_http_url(context.page_url, _text(offer.get("url")))
            if url:
                return url
    return ""


# --- Items and their identities --------------------------------------------------------------


def _build_all(
    nodes: list[dict[str, Any]], context: _Context, warnings: list[str]
) -> list[tuple[ParsedItem, str]]:
    built: list[tuple[ParsedItem, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for node in nodes:
        kind = _kind(node)
        result = _job(node, context) if kind == "job" else _event(node, context)
        if result is None:
            warnings.append(f"skipped a {kind} without a title")
            continue
        item, identifier = result
        # The same posting in JSON-LD and in microdata is one posting (the first read, JSON-LD),
        # even when one states more than the other; so are two same-titled postings that share
        # the page's address and have no identifier, which nothing else would tell apart.
        signature = (item.url, item.title.casefold(), identifier)
        if signature not in seen:
            seen.add(signature)
            built.append(result)
    return built


def _with_identities(built: list[tuple[ParsedItem, str]], page_url: str) -> list[ParsedItem]:
    """Items; those that share the page's address get a key each, so that every posting of a
    listing page keeps its own identity: its identifier, else a hash of its title."""
    page = canonical_url(page_url)
    if sum(1 for item, _ in built if item.url == page) < 2:
        return [item for item, _ in built]
    items: list[ParsedItem] = []
    used: set[str] = set()
    for item, identifier in built:
        if item.url != page:
            items.append(item)
            continue
        name = f"id-{_digest(identifier)}" if identifier else f"t-{_digest(item.title.casefold())}"
        key, number = name, 1
        while key in used:
            number += 1
            key = f"{name}-{number}"
        used.add(key)
        items.append(replace(item, key=f"{page}#{key}"))
    return items


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16]
