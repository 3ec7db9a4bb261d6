"""Job-board addresses: a Greenhouse, Lever or Ashby board's page to its public API's address.

The API addresses are built on configurable bases so tests can serve them from a local site;
an API address is recognised by its path alone ("/v1/boards/{board}/jobs" and so on), on any host.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import SplitResult, parse_qs, urlsplit

DEFAULT_API_BASES: Mapping[str, str] = {
    "greenhouse": "https://boards-api.greenhouse.io",
    "lever": "https://api.lever.co",
    "lever-eu": "https://api.eu.lever.co",  # boards on Lever's EU instance (jobs.eu.lever.co)
    "ashby": "https://api.ashbyhq.com",
}
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


def ats_api_url(url: str, api_bases: Mapping[str, str] | None = None) -> str | None:
    """The API address of the board at `url` (a board page, an embed, or the API address itself).

    `api_bases` overrides DEFAULT_API_BASES by key ("greenhouse", "lever", "ashby"). An API
    address keeps its own host, so the result of this function maps to itself. None when `url`
    is no board of a known vendor.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        return None
    api = api_parts(parts.path)
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
    found = api_parts(urlsplit(api).path) if api else None
    return found[0] if found else None


def api_parts(path: str) -> tuple[str, str, str] | None:
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
