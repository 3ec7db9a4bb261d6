"""Greenhouse, Lever and Ashby public job-board APIs: board address to API address, and a pure
parser of the API's answer (no network here).

Many communities' employers hire through one of these applicant-tracking systems; each serves
every open posting of a board as JSON in one answer, so a parsed answer is `complete`: a posting
missing from the next answer has been taken down.

The API addresses are built on configurable bases so tests can serve them from a local site;
an API address is recognised by its path alone ("/v1/boards/{board}/jobs" and so on), on any host.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlsplit

from catalog.records import ParsedItem
from crawlers.normalise import (
    MAX_BODY,
    MAX_TITLE,
    canonical_url,
    clean_text,
    html_to_text,
    json_text,
    plausible_date,
    sanitise_html,
)
from crawlers.results import ParseResult

DEFAULT_API_BASES: Mapping[str, str] = {
    "greenhouse": "https://boards-api.greenhouse.io",
    "lever": "https://api.lever.co",
    "lever-eu": "https://api.eu.lever.co",  # boards on Lever's EU instance (jobs.eu.lever.co)
    "ashby": "https://api.ashbyhq.com",
}
MAX_POSTINGS = 10_000  # postings read per answer; the largest real boards hold about a thousand

# Each API's path (after any prefix of a configured base) and the address of a board's answer.
_API_PATHS = {
    "greenhouse": (
        re.compile(r"^(.*?)/v1/boards/([^/]+)/jobs/?$"),
        "/v1/boards/{}/jobs?content=true",
    ),
    "lever": (re.compile(r"^(.*?)/v0/postings/([^/]+)/?$"), "/v0/postings/{}?mode=json"),
    "ashby": (
        re.compile(r"^(.*?)/posting-api/job-board/([^/]+)/?$"),
        "/posting-api/job-board/{}?includeCompensation=true",
    ),
}
# The hosts of the boards people paste, and the API base (a DEFAULT_API_BASES key) of each.
_BOARD_HOSTS = {
    "boards.greenhouse.io": "greenhouse",
    "job-boards.greenhouse.io": "greenhouse",
    "jobs.lever.co": "lever",
    "jobs.eu.lever.co": "lever-eu",
    "jobs.ashbyhq.com": "ashby",
}
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_REMOTE_WORDS = (
    ("remote", re.compile(r"\bremote\b", re.I)),
    ("hybrid", re.compile(r"\bhybrid\b", re.I)),
)
PERIODS = {"year": "year", "month": "month", "week": "week", "day": "day", "hour": "hour"}
WORKPLACES = {
    "remote": "remote",
    "hybrid": "hybrid",
    "on-site": "onsite",
    "onsite": "onsite",
    "in-office": "onsite",
}


class NotAJobBoard(ValueError):
    """The address or the body is not a Greenhouse, Lever or Ashby board answer; says why."""


@dataclass
class _Board:
    """One answer being read: whose board it is, and what went wrong on the way."""

    vendor: str
    slug: str
    now: datetime
    organisation: str = ""
    warnings: list[str] = field(default_factory=list)


def ats_api_url(url: str, api_bases: Mapping[str, str] | None = None) -> str | None:
    """The API address of the board at `url` (a board page, an embed, or the API address itself).

    `api_bases` overrides DEFAULT_API_BASES by key ("greenhouse", "lever", "ashby"). An API
    address keeps its own host, so the result of this function maps to itself. None when `url`
    is no board of a known vendor.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        return None
    api = _api_parts(parts.path)
    if api:
        vendor, slug, prefix = api
        return _build(f"{parts.scheme}://{parts.netloc}{prefix}", vendor, slug)
    page = _board_page(parts)
    if page is None:
        return None
    base_key, slug = page
    bases = {**DEFAULT_API_BASES, **(api_bases or {})}
    return _build(bases[base_key].rstrip("/"), base_key.removesuffix("-eu"), slug)


def ats_vendor(url: str) -> str | None:
    """The vendor ("greenhouse", "lever", "ashby") of a board or API address, else None."""
    api = ats_api_url(url)
    found = _api_parts(urlsplit(api).path) if api else None
    return found[0] if found else None


def parse(url: str, body: bytes, *, now: datetime | None = None) -> ParseResult:
    """Every posting in the API answer `body`, fetched from the API address `url`."""
    found = _api_parts(urlsplit(url).path)
    if found is None:
        raise NotAJobBoard(f"not a Greenhouse, Lever or Ashby API address: {url[:200]}")
    vendor, slug, _ = found
    board = _Board(vendor, slug, now or datetime.now(UTC), organisation=_company(slug))
    postings = _postings(vendor, _json(body))
    if len(postings) > MAX_POSTINGS:
        board.warnings.append(f"read the first {MAX_POSTINGS} of {len(postings)} postings")
    read = {"greenhouse": _greenhouse, "lever": _lever, "ashby": _ashby}[vendor]
    items = _read_all(postings[:MAX_POSTINGS], read, board)
    # Greenhouse names the company on each posting; the others only by the board's slug.
    title = items[0].organisation if items else board.organisation
    return ParseResult(items=items, warnings=tuple(board.warnings), title=title)


# --- Addresses -------------------------------------------------------------------------------


def _api_parts(path: str) -> tuple[str, str, str] | None:
    """(vendor, board, path prefix) when the path has the shape of a vendor's board API."""
    for vendor, (pattern, _) in _API_PATHS.items():
        match = pattern.match(path)
        if match and _SLUG.match(match.group(2)):
            return vendor, match.group(2), match.group(1)
    return None


def _board_page(parts: SplitResult) -> tuple[str, str] | None:
    """(API base key, board) of a board page: boards.greenhouse.io/acme/jobs/1, the Greenhouse
    embed (?for=acme), jobs.lever.co/acme, jobs.ashbyhq.com/acme/<posting>..."""
    base_key = _BOARD_HOSTS.get((parts.hostname or "").lower())
    if base_key is None:
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    if base_key == "greenhouse" and segments[:1] == ["embed"]:
        slug = parse_qs(parts.query).get("for", [""])[0]
    else:
        slug = segments[0] if segments else ""
    return (base_key, slug) if _SLUG.match(slug) else None


def _build(base: str, vendor: str, slug: str) -> str:
    return base + _API_PATHS[vendor][1].format(slug)


def _company(slug: str) -> str:
    """The company's name as well as the board slug tells it: "acme-robotics" -> "Acme Robotics"."""
    return clean_text(re.sub(r"[-_.]+", " ", slug).title())


# --- Reading the answer ----------------------------------------------------------------------


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # not JSON, bad encoding, or hostile nesting
        raise NotAJobBoard(f"the answer is not JSON ({type(exc).__name__})") from exc


def _postings(vendor: str, data: Any) -> list[Any]:
    """The postings of the vendor's answer: Lever's is a list, the others' an object with
    "jobs". An error answer ({"error": "..."}) or any other shape is refused."""
    postings = data.get("jobs") if isinstance(data, dict) and vendor != "lever" else data
    if isinstance(postings, list) and (vendor == "lever") == isinstance(data, list):
        # Ashby's answer also holds postings hidden from the board: they are not open to all.
        return [p for p in postings if not (isinstance(p, dict) and p.get("isListed") is False)]
    error = data.get("error") if isinstance(data, dict) else None
    hint = f": {clean_text(json_text(error), 200)}" if error else ""
    raise NotAJobBoard(f"not a {vendor} job board answer (a JSON {type(data).__name__}{hint})")


def _read_all(
    postings: list[Any], read: Callable[[dict[str, Any], _Board], ParsedItem | None], board: _Board
) -> list[ParsedItem]:
    items: list[ParsedItem] = []
    skipped = 0
    for posting in postings:
        item = read(posting, board) if isinstance(posting, dict) else None
        if item is None:
            skipped += 1
        else:
            items.append(item)
    if skipped:
        board.warnings.append(f"skipped {skipped} postings without a title or an address")
    return items


def _item(
    board: _Board,
    posting: dict[str, Any],
    *,
    title: Any,
    url: Any,
    body: str,
    published: datetime | None,
    details: dict[str, Any],
    location: str = "",
    tags: tuple[str, ...] = (),
    organisation: str = "",
    apply_url: Any = None,
) -> ParsedItem | None:
    """The item, when it has a title and an address; the publisher's id goes in its details."""
    clean_title, item_url = clean_text(json_text(title), MAX_TITLE), _http_url(url)
    if not clean_title or not item_url:
        return None
    details = {key: value for key, value in details.items() if value}
    apply_address = _http_url(apply_url)
    if apply_address and apply_address != item_url:
        details["apply_url"] = apply_address
    posting_id = clean_text(json_text(posting.get("id")), 100)
    if posting_id:
        details["external_id"] = f"{board.vendor}:{board.slug}:{posting_id}"
    return ParsedItem(
        url=item_url,
        title=clean_title,
        kind="job",
        # From the HTML as published: its <div> and <h1> still part the words.
        summary=html_to_text(body[: MAX_BODY * 2]),
        body=sanitise_html(body),
        organisation=organisation or board.organisation,
        location=location,
        published_at=plausible_date(published, board.now),
        tags=tags,
        details=details,
    )


# --- Greenhouse: {"jobs": [{"title", "absolute_url", "content" (escaped HTML), ...}]} ---------


def _greenhouse(job: dict[str, Any], board: _Board) -> ParsedItem | None:
    location = clean_text(json_text(_get(job, "location", "name")))
    # The content is HTML escaped once more ("&lt;p&gt;"): unescape, then sanitise.
    content = html.unescape(json_text(job.get("content"))[: MAX_BODY * 4])
    return _item(
        board,
        job,
        title=job.get("title"),
        url=job.get("absolute_url"),
        body=content,
        organisation=clean_text(json_text(job.get("company_name"))),
        location=location,
        published=_instant(job.get("first_published") or job.get("updated_at")),
        tags=_names(job.get("departments")),
        details={"remote": _remote_in(location)},
    )


def _remote_in(location: str) -> str:
    """The hint ("remote", "hybrid") a location as posted gives: "Remote - US"."""
    return next((hint for hint, word in _REMOTE_WORDS if word.search(location)), "")


# --- Lever: [{"text", "hostedUrl", "categories", "createdAt" (ms), "salaryRange", ...}] -------


def _lever(posting: dict[str, Any], board: _Board) -> ParsedItem | None:
    categories = _dict(posting.get("categories"))
    places = categories.get("allLocations")
    location = "; ".join(_texts(places)) if isinstance(places, list) else ""
    details = {
        "remote": WORKPLACES.get(json_text(posting.get("workplaceType")).lower(), ""),
        "employment_type": clean_text(json_text(categories.get("commitment"))),
        "country": clean_text(json_text(posting.get("country")), 10),
        "salary": _lever_salary(posting.get("salaryRange")),
    }
    return _item(
        board,
        posting,
        title=posting.get("text"),
        url=posting.get("hostedUrl"),
        apply_url=posting.get("applyUrl"),
        body=_lever_body(posting),
        location=clean_text(location or json_text(categories.get("location"))),
        published=_epoch_ms(posting.get("createdAt")),
        tags=_unique(_texts([categories.get("team"), categories.get("department")])),
        details=details,
    )


def _lever_body(posting: dict[str, Any]) -> str:
    """Description, then each list ("Requirements", "Benefits") under its heading, then the
    closing text: the posting as Lever's own page shows it."""
    parts = [json_text(posting.get("description")) or _paragraph(posting.get("descriptionPlain"))]
    for entry in _list(posting.get("lists"))[:50]:
        if isinstance(entry, dict):
            heading = html.escape(html_to_text(json_text(entry.get("text")), 200))
            parts.append(f"<h3>{heading}</h3><ul>{json_text(entry.get('content'))[:MAX_BODY]}</ul>")
    parts.append(json_text(posting.get("additional")))
    return "".join(part[: MAX_BODY * 2] for part in parts)


def _lever_salary(value: Any) -> dict[str, Any] | None:
    """salaryRange {"min", "max", "currency", "interval": "per-year-salary"} as a salary."""
    if not isinstance(value, dict):
        return None
    low, high = _number(value.get("min")), _number(value.get("max"))
    if low is None and high is None:
        return None
    interval = json_text(value.get("interval")).lower()  # "one-time" is no period
    period = next((p for word, p in PERIODS.items() if word in interval), None)
    return {"min": low, "max": high, "currency": _currency(value.get("currency")), "period": period}


# --- Ashby: {"jobs": [{"title", "jobUrl", "descriptionHtml", "compensation", ...}]} -----------


def _ashby(job: dict[str, Any], board: _Board) -> ParsedItem | None:
    secondary = _list(job.get("secondaryLocations"))[:50]
    places = [job.get("location")] + [_get(place, "location") for place in secondary]
    details = _address(_get(job, "address", "postalAddress"))
    details["remote"] = _ashby_workplace(job)
    details["employment_type"] = clean_text(json_text(job.get("employmentType")))
    details.update(_ashby_compensation(job))
    return _item(
        board,
        job,
        title=job.get("title"),
        url=job.get("jobUrl"),
        apply_url=job.get("applyUrl"),
        body=json_text(job.get("descriptionHtml")) or _paragraph(job.get("descriptionPlain")),
        location=clean_text("; ".join(_unique(_texts(places)))),
        published=_instant(job.get("publishedAt") or job.get("updatedAt")),
        tags=_unique(_names([job.get("department"), job.get("team")])),
        details=details,
    )


def _ashby_workplace(job: dict[str, Any]) -> str:
    """The stated workplace type wins: Ashby marks some hybrid postings isRemote as well."""
    stated = re.sub(r"[^a-z]", "", json_text(job.get("workplaceType")).lower())
    named = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"}.get(stated, "")
    return named or ("remote" if job.get("isRemote") is True else "")


def _ashby_compensation(job: dict[str, Any]) -> dict[str, Any]:
    """The salary range of the compensation tiers, or their summary as text; nothing at all
    when the employer chose not to show compensation on its postings."""
    compensation = job.get("compensation")
    if job.get("shouldDisplayCompensationOnJobPostings") is False or not isinstance(
        compensation, dict
    ):
        return {}
    components = _list(compensation.get("summaryComponents")) or [
        component
        for tier in _list(compensation.get("compensationTiers"))
        for component in _list(_get(tier, "components"))
    ]
    salaries = [c for c in components if _get(c, "compensationType") == "Salary"]
    salary = _ashby_salary(salaries)
    if salary:
        return {"salary": salary}
    summary = clean_text(json_text(compensation.get("compensationTierSummary")))
    return {"salary_text": summary} if summary else {}


def _ashby_salary(components: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One range over the tiers' salary components when they share currency and interval."""
    if not components:
        return None
    first = components[0]
    alike = [
        c
        for c in components
        if (c.get("currencyCode"), c.get("interval"))
        == (first.get("currencyCode"), first.get("interval"))
    ]
    lows = [n for n in (_number(c.get("minValue")) for c in alike) if n is not None]
    highs = [n for n in (_number(c.get("maxValue")) for c in alike) if n is not None]
    if not lows and not highs:
        return None
    count, _, unit = json_text(first.get("interval")).strip().lower().partition(" ")
    return {
        "min": min(lows) if lows else None,
        "max": max(highs) if highs else None,
        "currency": _currency(first.get("currencyCode")),
        "period": PERIODS.get(unit) if count == "1" else None,  # "1 YEAR"; "NONE" is no period
    }


# --- Values ----------------------------------------------------------------------------------


def _texts(values: Any) -> list[str]:
    return [t for t in (clean_text(json_text(v)) for v in _list(values)[:50]) if t]


def _names(values: Any) -> tuple[str, ...]:
    """Names of departments ({"name": ...}) or plain strings, at most ten."""
    names = (
        clean_text(json_text(_get(v, "name") if isinstance(v, dict) else v), 80)
        for v in _list(values)
    )
    return tuple(name for name in names if name)[:10]


def _unique(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _paragraph(value: Any) -> str:
    text = json_text(value)[:MAX_BODY]
    return f"<p>{html.escape(text)}</p>" if text.strip() else ""


def _http_url(value: Any) -> str:
    text = json_text(value).strip()
    if len(text) > 2_000 or urlsplit(text).scheme not in {"http", "https"}:
        return ""
    return canonical_url(text)


def _address(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    return {
        "city": clean_text(json_text(value.get("addressLocality"))),
        "region": clean_text(json_text(value.get("addressRegion"))),
        "country": clean_text(json_text(value.get("addressCountry"))),
    }


def _instant(value: Any) -> datetime | None:
    """An ISO 8601 time in UTC ("2026-11-19T12:12:24-05:00"), or None if it is not one."""
    text = json_text(value).strip()[:64]
    try:
        parsed = datetime.fromisoformat(text)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _epoch_ms(value: Any) -> datetime | None:
    """Lever's milliseconds since 1970 as a UTC time."""
    number = _number(value)
    try:
        return datetime.fromtimestamp(number / 1000, tz=UTC) if number is not None else None
    except (OverflowError, OSError, ValueError):
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _currency(value: Any) -> str | None:
    code = json_text(value).strip().upper()
    return code if len(code) == 3 and code.isalpha() and code.isascii() else None
