"""Cleaning hostile text: control characters, direction overrides, surrogates, huge titles."""

from datetime import UTC, datetime

from crawlers.normalise import (
    MAX_TITLE,
    canonical_url,
    clean_text,
    html_to_text,
    plausible_date,
    sanitise_html,
)

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_control_and_direction_characters_are_removed() -> None:
    assert clean_text("Analyst\x00\x07 \u202eredro\u202c  (Remote)\r\n") == "Analyst redro (Remote)"


def test_lone_surrogates_become_valid_utf8() -> None:
    cleaned = clean_text("Data \ud800 Engineer")
    cleaned.encode("utf-8")  # would raise on a surrogate
    assert cleaned.startswith("Data") and cleaned.endswith("Engineer")


def test_a_megabyte_title_is_truncated() -> None:
    title = clean_text("A" * 1_000_000, MAX_TITLE)
    assert len(title) == MAX_TITLE and title.endswith("…")


def test_sanitiser_removes_every_script_vector() -> None:
    hostile = (
        '<p onclick="x()">Hi</p><script>x()</script><iframe srcdoc="<script>x()</script>"></iframe>'
        '<svg onload="x()"></svg><base href="http://evil.example/"><form action="/steal"></form>'
        '<a href="javascript:x()">a</a><a href="data:text/html,x">b</a>'
        '<p style="background:url(javascript:x())">c</p>'
    )
    cleaned = sanitise_html(hostile)
    for vector in (
        "onclick",
        "<script",
        "<iframe",
        "srcdoc",
        "<svg",
        "onload",
        "<base",
        "<form",
        "javascript:",
        "data:",
        "style=",
    ):
        assert vector not in cleaned, vector
    assert "<p>Hi</p>" in cleaned


def test_html_to_text_keeps_words_apart_and_unescapes() -> None:
    assert html_to_text("<p>Salary&nbsp;&amp; equity</p><p>Remote</p>") == "Salary & equity Remote"


def test_canonical_url_drops_tracking_and_sorts_query() -> None:
    url = "https://Jobs.Example.org/p?utm_source=x&b=2&a=1&fbclid=abc#apply"
    assert canonical_url(url) == "https://jobs.example.org/p?a=1&b=2"


def test_implausible_dates_are_dropped() -> None:
    assert plausible_date(datetime(1, 1, 1, tzinfo=UTC), NOW) is None
    assert plausible_date(datetime(2099, 1, 1, tzinfo=UTC), NOW) is None
    naive = plausible_date(datetime(2026, 11, 20, 9, 0), NOW)
    assert naive == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
