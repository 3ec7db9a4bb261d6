"""The resource-page parser: main text without boilerplate, metadata, kinds, and hostile pages."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

import pytest

from catalog.records import ParsedItem
from crawlers import resources
from crawlers.normalise import MAX_TITLE
from crawlers.resources import NoMainText
from tests.conftest import FIXTURES

RESOURCES = FIXTURES / "resources"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ARTICLE_URL = "https://www.winl.org/resources/what-hiring-managers-look-for/"
ISSUE_URL = "https://us12.campaign-archive.com/?u=5f2c81d0b3a94e7c1a2b3c4d5&id=8a1b2c3d4e"


def _body(name: str) -> bytes:
    return (RESOURCES / name).read_bytes()


def _article(**kwargs: Any) -> ParsedItem:
    result = resources.parse(ARTICLE_URL, _body("career-advice-article.html"), now=NOW, **kwargs)
    assert len(result.items) == 1
    return result.items[0]


def _issue() -> ParsedItem:
    return resources.parse(ISSUE_URL, _body("newsletter-issue.html"), now=NOW).items[0]


def test_article_metadata() -> None:
    item = _article()

    assert item.kind == "resource"
    assert item.url == ARTICLE_URL
    assert item.title == "What Hiring Managers at Nonprofits Actually Look For"
    assert item.details["author"] == "Dana Okafor"
    assert item.published_at == datetime(2026, 10, 14, tzinfo=UTC)
    assert item.organisation == "Women in Nonprofit Leadership"
    assert item.details["content_type"] == "article"


def test_article_summary_is_the_meta_description() -> None:
    assert _article().summary.startswith("Five program directors explain")


def test_article_body_keeps_the_text_and_drops_the_boilerplate() -> None:
    body = _article().body

    assert "Budgets and outcomes count, even for program roles" in body
    assert "<li>Name the funders you reported to" in body
    for boilerplate in (
        "We use cookies",
        "Become a Member",
        "Related posts",
        "Subscribe to our newsletter",
        "Privacy policy",
        "All rights reserved",
        "Share this",
        "gtag",
    ):
        assert boilerplate not in body, boilerplate


def test_tags_come_from_keywords_and_sections_once_each() -> None:
    tags = _article().tags

    assert "Career Advice" in tags
    assert "cover letters" in tags
    assert [tag.casefold() for tag in tags].count("interviews") == 1


def test_newsletter_issue_is_recognised_from_its_title() -> None:
    item = _issue()

    assert item.details["content_type"] == "newsletter"
    assert item.title == "Career Connections Newsletter, Issue 42: November 2026"
    assert "Resume clinic for all class years" in item.body
    assert item.summary.startswith("Holiday networking nights")


def test_site_name_is_not_invented_from_the_host() -> None:
    item = _issue()

    assert item.organisation == ""  # no og:site_name: not "us12.campaign-archive.com"
    assert item.published_at is None  # the archive page states no date


def test_guide_is_recognised_from_the_url() -> None:
    url = "https://www.winl.org/guides/what-hiring-managers-look-for/"

    item = resources.parse(url, _body("career-advice-article.html"), now=NOW).items[0]

    assert item.details["content_type"] == "guide"


def test_content_type_hint_wins() -> None:
    assert _article(content_type_hint="Newsletter").details["content_type"] == "newsletter"


def test_publication_date_in_the_future_is_dropped() -> None:
    item = resources.parse(
        ARTICLE_URL, _body("career-advice-article.html"), now=datetime(2026, 10, 1, tzinfo=UTC)
    ).items[0]

    assert item.published_at is None


def test_a_single_page_is_not_a_complete_listing() -> None:
    result = resources.parse(ARTICLE_URL, _body("career-advice-article.html"), now=NOW)

    assert result.complete is False
    assert result.follow == ()


def test_nothing_is_fetched_from_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    _article()
    with pytest.raises(NoMainText):
        # A body that is only a URL: htmldate would fetch a string like this one.
        resources.parse(ARTICLE_URL, b"https://www.winl.org/resources/", now=NOW)

    assert attempts == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"<html><body><nav><a href='/'>Home</a> <a href='/jobs'>Jobs</a></nav></body></html>",
    ],
)
def test_nothing_readable_raises_no_main_text(body: bytes) -> None:
    with pytest.raises(NoMainText):
        resources.parse(ARTICLE_URL, body, now=NOW)


def test_scripts_and_event_handlers_never_reach_the_body() -> None:
    hostile = (
        b'<p onmouseover="steal()">Mentors meet monthly. <a href="javascript:alert(1)">Join</a>'
        b"<script>alert(document.cookie)</script><iframe srcdoc='<script>x()</script>'></iframe>"
        b'<svg onload="alert(2)"></svg> Sessions are free for members of any chapter.</p>'
    )
    body = _body("career-advice-article.html").replace(b"<p>Finally, follow up.", hostile + b"<p>")

    item = resources.parse(ARTICLE_URL, body, now=NOW).items[0]

    assert "Mentors meet monthly" in item.body
    for dangerous in ("<script", "onmouseover", "javascript:", "iframe", "onload", "alert("):
        assert dangerous not in item.body, dangerous


def test_control_characters_and_huge_title_are_cleaned() -> None:
    title = "Salary \u202enoitaitogen\u202c\x00 guide " + "very " * 200_000
    body = _body("career-advice-article.html").replace(
        b"What Hiring Managers at Nonprofits Actually Look For", title.encode("utf-8")
    )

    item = resources.parse(ARTICLE_URL, body, now=NOW).items[0]

    assert len(item.title) <= MAX_TITLE
    assert item.title.startswith("Salary noitaitogen guide very")


def test_oversized_page_is_cut_before_extraction() -> None:
    padding = b"<!-- " + b"x" * (resources.MAX_INPUT_BYTES + 100) + b" -->"
    body = _body("career-advice-article.html").replace(b"</html>", padding + b"</html>")

    result = resources.parse(ARTICLE_URL, body, now=NOW)

    assert result.items[0].title == "What Hiring Managers at Nonprofits Actually Look For"
    assert any("larger than" in warning for warning in result.warnings)


def test_main_text_gives_sanitised_html_for_detail_pages() -> None:
    body = (FIXTURES / "html_lists" / "posting-1042.html").read_bytes()

    markup = resources.main_text(body, "https://www.anfp.org/careers/posting.jsp?id=1042")

    assert "<li>Prepare schedules for the annual audit and the Form 990.</li>" in markup
    assert "Sponsored by" not in markup
    assert "<script" not in markup


def test_text_is_kept_as_paragraphs_when_html_conversion_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(document: Any, with_metadata: bool = False) -> str:
        raise ValueError("cannot serialise")

    monkeypatch.setattr(resources, "build_html_output", broken)

    body = _article().body

    # Headings come back as plain paragraphs: this is the fallback, not trafilatura's HTML.
    assert "<p>Budgets and outcomes count, even for program roles</p>" in body
    assert "<p>Small nonprofits rarely have a separate finance team" in body
    assert "Privacy policy" not in body
