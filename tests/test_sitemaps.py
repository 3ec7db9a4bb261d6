"""The sitemap parser: indexes, urlsets with lastmod, gzip, caps, and hostile XML."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers import sitemaps
from crawlers.sitemaps import NotASitemap, SitemapTooLarge
from tests.conftest import FIXTURES

SITEMAPS = FIXTURES / "sitemaps"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
JOBS_SITEMAP = "https://www.winl.org/job_listing-sitemap.xml"


def _body(name: str) -> bytes:
    return (SITEMAPS / name).read_bytes()


def _jobs(pattern: str | None = None, max_urls: int = 500) -> sitemaps.SitemapResult:
    body = _body("job_listing-sitemap.xml")
    return sitemaps.parse(JOBS_SITEMAP, body, pattern=pattern, max_urls=max_urls, now=NOW)


def test_index_lists_child_sitemaps_to_follow() -> None:
    result = sitemaps.parse(
        "https://www.winl.org/sitemap_index.xml", _body("sitemap_index.xml"), now=NOW
    )

    assert result.pages == []
    assert result.sitemaps == [
        "https://www.winl.org/post-sitemap.xml",
        "https://www.winl.org/page-sitemap.xml",
        "https://www.winl.org/job_listing-sitemap.xml",
        "https://www.winl.org/sitemaps/archive-2025.xml.gz",  # relative loc, joined
    ]
    assert any("no http(s) URL" in warning for warning in result.warnings)  # javascript: dropped


def test_pattern_keeps_only_job_pages() -> None:
    urls = [url for url, _ in _jobs(pattern=r"/jobs/.").pages]

    assert "https://www.winl.org/about/job-board-terms/" not in urls
    assert "https://www.winl.org/jobs/" not in urls  # the listing itself
    assert "https://www.winl.org/jobs/executive-director-harbor-arts/" in urls
    assert len(urls) == 7


def test_lastmod_becomes_an_aware_utc_datetime() -> None:
    dates = dict(_jobs().pages)

    assert dates["https://www.winl.org/jobs/executive-director-harbor-arts/"] == datetime(
        2026, 11, 12, 14, 20, tzinfo=UTC
    )
    # Written with a -05:00 offset: 09:00 in New York is 14:00 UTC.
    assert dates["https://www.winl.org/jobs/grants-coordinator-eastside-literacy/"] == datetime(
        2026, 11, 3, 14, 0, tzinfo=UTC
    )
    assert dates["https://www.winl.org/jobs/program-manager-girls-who-lead/"] == datetime(
        2026, 11, 17, tzinfo=UTC
    )


def test_bogus_or_missing_lastmod_is_none_but_the_page_is_kept() -> None:
    dates = dict(_jobs().pages)

    assert dates["https://www.winl.org/jobs/finance-manager-lakeshore-senior-services/"] is None
    assert dates["https://www.winl.org/jobs/volunteer-coordinator-st-brigid/"] is None  # 0000-00-00
    assert dates["https://www.winl.org/jobs/communications-associate-mountain-states/"] is None


def test_page_urls_are_canonical_and_listed_once() -> None:
    urls = [url for url, _ in _jobs().pages]

    assert "https://www.winl.org/jobs/program-manager-girls-who-lead/" in urls  # utm_ removed
    assert not any("utm_" in url for url in urls)
    assert (
        urls.count("https://www.winl.org/jobs/development-director-baltimore-food-collective/") == 1
    )


def test_newest_pages_first_and_capped_at_max_urls() -> None:
    result = _jobs(pattern="/jobs/.", max_urls=3)

    assert [url for url, _ in result.pages] == [
        "https://www.winl.org/jobs/development-director-baltimore-food-collective/",
        "https://www.winl.org/jobs/program-manager-girls-who-lead/",
        "https://www.winl.org/jobs/executive-director-harbor-arts/",
    ]
    assert any("max_urls" in warning for warning in result.warnings)


def test_gzipped_sitemap_is_read() -> None:
    result = sitemaps.parse(
        "https://www.winl.org/sitemaps/archive-2025.xml.gz", _body("archive-2025.xml.gz"), now=NOW
    )

    assert len(result.pages) == 5
    assert result.pages[0] == (
        "https://www.winl.org/resources/2025/how-to-prepare-for-a-panel-interview/",
        datetime(2025, 9, 24, tzinfo=UTC),
    )


def test_gzip_bomb_is_refused_without_decompressing_it_all() -> None:
    bomb = gzip.compress(b" " * (sitemaps.MAX_SITEMAP_BYTES + 1024), compresslevel=1)

    with pytest.raises(SitemapTooLarge, match="larger than"):
        sitemaps.parse("https://www.winl.org/sitemap.xml.gz", bomb, now=NOW)


def test_broken_gzip_is_not_a_sitemap() -> None:
    with pytest.raises(NotASitemap, match="gzip"):
        sitemaps.parse("https://www.winl.org/sitemap.xml.gz", b"\x1f\x8b\x08\x00garbage", now=NOW)


def test_billion_laughs_is_neutralised_quickly() -> None:
    started = time.monotonic()
    result = sitemaps.parse(
        "https://jobs.example-association.org/sitemap.xml", _body("billion-laughs.xml"), now=NOW
    )

    assert time.monotonic() - started < 1.0
    assert len(repr(result)) < 1_000  # nothing expanded into the result
    assert not any("lollol" in url for url, _ in result.pages)
    assert any("entities" in warning for warning in result.warnings)


def test_external_entities_never_read_local_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    body = _body("xxe.xml").replace(b"file:///etc/passwd", secret.as_uri().encode())

    result = sitemaps.parse("https://jobs.example-association.org/sitemap.xml", body, now=NOW)

    assert "TOP-SECRET-TOKEN" not in repr(result)
    assert "https://jobs.example-association.org/jobs/treasurer/" in dict(result.pages)


def test_xxe_fixture_shows_no_passwd_content() -> None:
    result = sitemaps.parse(
        "https://jobs.example-association.org/sitemap.xml", _body("xxe.xml"), now=NOW
    )

    assert "root:" not in repr(result)
    assert "/bin/" not in repr(result)


@pytest.mark.parametrize(
    "body",
    [b"", b"<!DOCTYPE html><html><body><h1>Jobs</h1></body></html>", b"User-agent: *\nDisallow:"],
)
def test_other_bodies_are_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(NotASitemap):
        sitemaps.parse("https://www.winl.org/sitemap.xml", body, now=NOW)


def test_invalid_pattern_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"invalid URL pattern '/jobs/\('"):
        _jobs(pattern="/jobs/(")
