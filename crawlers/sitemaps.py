"""XML sitemaps (sitemaps.org): a pure parser from a fetched body to the pages and sitemaps listed.

Parsing goes through Scrapy's `Sitemap`, whose lxml iterparse runs with resolve_entities=False
(and lxml's defaults no_network=True, load_dtd=False): entities, internal ("billion laughs") or
external (file:///etc/passwd, http://...), are never expanded or fetched.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawlers.normalise import absolute_http_url, canonical_url, plausible_date

# The sitemaps.org limits: 50 MB uncompressed and 50,000 URLs per file. Bigger is not a sitemap
# we need to read whole (and a 50 MB gzip bomb decompresses to this much, not more).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 50_000
_GZIP_MAGIC = b"\x1f\x8b"


class NotASitemap(ValueError):
    """The body is not a sitemap (or sitemap index) that can be read; the message says why."""


class SitemapTooLarge(NotASitemap):
    """The body, once decompressed, is over MAX_SITEMAP_BYTES."""


@dataclass(frozen=True)
class SitemapResult:
    """Pages (canonical URL, last modification in UTC or None) and child sitemaps to fetch."""

    pages: list[tuple[str, datetime | None]]
    sitemaps: list[str]
    warnings: tuple[str, ...] = field(default=())


def parse(
    url: str,
    body: bytes,
    *,
    pattern: str | None = None,
    max_urls: int = 500,
    now: datetime | None = None,
) -> SitemapResult:
    """The pages (or, for a sitemap index, the child sitemaps) listed at `url`.

    `pattern` is a regular expression a page URL must contain ("/jobs/"); it does not filter
    child sitemaps. At most `max_urls` of each are kept: the most recently modified pages first.
    Raises NotASitemap (SitemapTooLarge for a body over MAX_SITEMAP_BYTES) and ValueError for an
    invalid pattern.
    """
    now = now or datetime.now(UTC)
    matcher = _compile(pattern)
    xml = _decompressed(body)
    sitemap = _open(xml)
    entries, warnings = _entries(sitemap)
    if b"<!ENTITY" in xml[:65_536]:
        warnings.append("the sitemap declares XML entities; they were not expanded")
    if sitemap.type == "sitemapindex":
        sitemaps = _sitemaps(url, entries, max_urls, warnings)
        return SitemapResult([], sitemaps, tuple(warnings))
    pages = _pages(url, entries, matcher=matcher, max_urls=max_urls, now=now, warnings=warnings)
    return SitemapResult(pages, [], tuple(warnings))


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid URL pattern {pattern!r}: {exc}") from exc


def _decompressed(body: bytes) -> bytes:
    """The XML: gzip bodies (.xml.gz served as is) decompressed, never past MAX_SITEMAP_BYTES."""
    if not body.startswith(_GZIP_MAGIC):
        if len(body) > MAX_SITEMAP_BYTES:
            raise SitemapTooLarge(f"sitemap larger than {MAX_SITEMAP_BYTES} bytes")
        return body
    try:
        return gunzip(body, max_size=MAX_SITEMAP_BYTES)
    except (OSError, EOFError, struct.error, zlib.error) as exc:
        raise NotASitemap(f"not a sitemap: broken gzip data ({exc})") from exc
    except ValueError as exc:  # Scrapy's "decompressed past max_size"
        raise SitemapTooLarge(
            f"gzip sitemap larger than {MAX_SITEMAP_BYTES} bytes once decompressed"
        ) from exc


def _open(xml: bytes) -> Sitemap:
    try:
        sitemap = Sitemap(xml)
    except (SyntaxError, StopIteration) as exc:  # lxml's XMLSyntaxError is a SyntaxError
        raise NotASitemap(f"not a sitemap: {str(exc) or 'no XML element found'}") from exc
    if sitemap.type not in ("urlset", "sitemapindex"):
        raise NotASitemap(f"not a sitemap: the root element is <{sitemap.type}>")
    return sitemap


def _entries(sitemap: Sitemap) -> tuple[list[dict[str, Any]], list[str]]:
    """The <url> or <sitemap> entries, at most MAX_ENTRIES, as far as the XML can be read."""
    entries: list[dict[str, Any]] = []
    warnings: list[str] = []
    try:
        for entry in sitemap:
            if len(entries) == MAX_ENTRIES:
                warnings.append(f"only the first {MAX_ENTRIES} entries were read")
                break
            entries.append(entry)
    except SyntaxError as exc:
        warnings.append(f"sitemap is not well-formed after {len(entries)} entries: {exc}"[:300])
    return entries, warnings


def _sitemaps(
    url: str, entries: list[dict[str, Any]], max_urls: int, warnings: list[str]
) -> list[str]:
    found = list(
        dict.fromkeys(
            u for u in (absolute_http_url(url, str(e.get("loc") or "")) for e in entries) if u
        )
    )
    if len(found) < len(entries):
        warnings.append(f"skipped {len(entries) - len(found)} child sitemaps: no http(s) URL")
    if len(found) > max_urls:
        warnings.append(f"only {max_urls} of {len(found)} child sitemaps kept (max_urls)")
    return found[:max_urls]


def _pages(
    url: str,
    entries: list[dict[str, Any]],
    *,
    matcher: re.Pattern[str] | None,
    max_urls: int,
    now: datetime,
    warnings: list[str],
) -> list[tuple[str, datetime | None]]:
    """Matching pages, each once, newest first (undated last), at most max_urls."""
    pages: dict[str, datetime | None] = {}
    for entry in entries:
        page = absolute_http_url(url, str(entry.get("loc") or ""))
        if not page or (matcher and not matcher.search(page)):
            continue
        try:
            page = canonical_url(page)
        except ValueError:
            continue
        pages.setdefault(page, _lastmod(entry.get("lastmod"), now))
    ordered = sorted(pages.items(), key=lambda p: (p[1] is not None, p[1] or now), reverse=True)
    if len(ordered) > max_urls:
        warnings.append(f"only the {max_urls} most recent of {len(ordered)} pages kept (max_urls)")
    return ordered[:max_urls]


def _lastmod(value: Any, now: datetime) -> datetime | None:
    """A W3C datetime ("2026-11-17", "2026-11-17T09:30:00+01:00", "...Z") in UTC, if plausible."""
    try:
        parsed = datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return plausible_date(parsed, now)
