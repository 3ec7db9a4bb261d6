"""The JSON Feed parser on saved bodies: a newsletter of resources, a job feed, a hostile feed."""

from datetime import UTC, datetime

import pytest

from crawlers import feeds
from crawlers.json_feed import NotAJsonFeed, parse
from tests.conftest import FIXTURES

BASE = "http://jobs.example.org"
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _body(name: str) -> bytes:
    return (FIXTURES / "feeds" / name).read_bytes().replace(b"{{BASE}}", BASE.encode())


def _parse(name: str, kind: str = "job"):  # type: ignore[no-untyped-def]
    return parse(f"{BASE}/feeds/{name}", _body(name), kind, now=NOW)


def test_newsletter_items_become_resources_with_author_tags_and_dates() -> None:
    result = _parse("newsletter.json", "resource")
    assert result.title == "The Ledger — HFMA Rocky Mountain newsletter"
    assert result.complete
    guide = result.items[0]
    assert guide.kind == "resource"
    assert guide.url == f"{BASE}/newsletter/2026-11-price-transparency-guide/"
    assert guide.title == "A practical guide to the 2027 price transparency rule"
    assert (
        guide.summary == "What changes for machine-readable files, and a checklist for your team."
    )
    assert guide.published_at == datetime(2026, 11, 19, 16, 0, tzinfo=UTC)
    assert guide.details == {"author": "Dana Whitfield, CPA"}
    assert guide.tags == ("Price transparency", "Compliance")


def test_newsletter_body_is_sanitised_and_extensions_and_attachments_ignored() -> None:
    guide = _parse("newsletter.json", "resource").items[0]
    assert "<em>actual</em>" in guide.body
    for hostile in ("<iframe", "onclick", "steal()"):
        assert hostile not in guide.body
    assert "checklist.pdf" not in guide.body
    assert "issue" not in guide.details


def test_json_feed_1_0_author_relative_url_and_plain_text_content() -> None:
    webinar = _parse("newsletter.json", "resource").items[1]
    assert webinar.url == f"{BASE}/newsletter/webinar-denials-management/"
    assert webinar.details["author"] == "Revenue Cycle Committee"
    assert webinar.body == (
        "<p>Recording and slides from the November lunch-and-learn.</p>"
        "<p>Presented by the chapter's revenue cycle committee.</p>"
    )


def test_an_item_without_url_gets_the_feed_address_and_a_stable_key() -> None:
    first = _parse("newsletter.json", "resource").items[2]
    again = _parse("newsletter.json", "resource").items[2]
    assert first.url == f"{BASE}/feeds/newsletter.json"
    assert first.key.startswith(f"{BASE}/feeds/newsletter.json#entry-")
    assert first.key == again.key
    assert first.source_key == "ledger-issue-117"


def test_a_job_item_keeps_its_external_url_as_where_to_apply() -> None:
    job = _parse("jobs.json").items[0]
    assert job.url == f"{BASE}/jobs/5531"
    assert job.details["apply_url"] == "https://apply.example.net/stmarys/req/5531"


def test_hostile_feed_keeps_what_it_can_and_cleans_it() -> None:
    result = _parse("hostile.json")
    titles = [item.title for item in result.items]
    assert titles == [
        "12345",
        "Payroll Clerk",
        "Link is a script",
        "Linkless and idless but with <b>text</b>",
        "Entry without any link",
    ]
    assert result.title == ""
    assert any("skipped 2" in warning for warning in result.warnings)


def test_hostile_feed_dates_links_and_markup() -> None:
    number, rtl, script, odd, linkless = _parse("hostile.json").items
    assert number.published_at is None  # 0000-00-00
    assert rtl.published_at is None  # 2099: never pinned to the top
    assert script.published_at is None  # "next Tuesday"
    assert odd.published_at == datetime(2026, 11, 17, 14, 0, tzinfo=UTC)  # RFC 822 modified
    assert linkless.published_at == datetime(2026, 11, 1, 4, 30, tzinfo=UTC)
    assert script.url == f"{BASE}/feeds/hostile.json"  # javascript: never becomes a link
    assert "javascript:" not in script.body and "onload" not in script.body
    assert "<script" not in number.body
    assert number.tags == ()
    assert rtl.tags == ("1", "Payroll")
    assert odd.body == "<p>Linkless and idless but with &lt;b&gt;text&lt;/b&gt;</p>"


def test_a_one_megabyte_title_is_truncated() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": "/a",'
    body += b'"title": "' + b"A" * 1_000_000 + b'"}]}'
    item = parse(f"{BASE}/f.json", body, now=NOW).items[0]
    assert len(item.title) <= 500


def test_items_that_are_not_a_list_make_an_incomplete_result() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1.1", "title": "Jobs", "items": {"a": 1}}'
    result = parse(f"{BASE}/f.json", body, now=NOW)
    assert result.items == []
    assert not result.complete  # nothing may be taken for removed
    assert result.title == "Jobs"


def test_invalid_bytes_are_replaced_and_reported() -> None:
    body = b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": "1", "url": "/a",'
    body += b'"title": "Caf\xe9 manager"}]}'
    result = parse(f"{BASE}/f.json", body, now=NOW)
    assert result.items[0].title == "Caf\ufffd manager"
    assert result.warnings


def test_utf16_with_bom_is_read() -> None:
    text = '{"version": "https://jsonfeed.org/version/1", "items": [{"id": "1", "url": "/a", '
    text += '"title": "Café manager"}]}'
    assert parse(f"{BASE}/f.json", text.encode("utf-16"), now=NOW).items[0].title == (
        "Café manager"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'"a string"',
        b'{"name": "some other JSON API"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    ],
)
def test_what_is_not_a_json_feed_says_so(body: bytes) -> None:
    with pytest.raises(NotAJsonFeed):
        parse(f"{BASE}/f.json", body, now=NOW)


def test_feeds_parse_reads_json_feeds_by_content_or_declared_type() -> None:
    body = b"\xef\xbb\xbf \n" + _body("newsletter.json")
    result = feeds.parse(f"{BASE}/n.json", body, "resource", now=NOW)
    assert result.title == "The Ledger — HFMA Rocky Mountain newsletter"
    assert len(result.items) == 3
    assert result.complete
    typed = feeds.parse(
        f"{BASE}/n.json",
        b"\n\n" + _body("newsletter.json"),
        "resource",
        NOW,
        "application/feed+json",
    )
    assert len(typed.items) == 3


def test_feeds_parse_reports_broken_json_as_not_a_feed() -> None:
    with pytest.raises(feeds.NotAFeed):
        feeds.parse(f"{BASE}/n.json", b'{"items": [', now=NOW)
    with pytest.raises(feeds.NotAFeed):
        feeds.parse(f"{BASE}/n.json", b"null", now=NOW, content_type="application/json")
