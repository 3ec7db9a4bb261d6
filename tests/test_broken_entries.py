"""One broken event, entry, block or posting costs only itself: the rest of its source is kept
and the skipped one is named in a warning (which reaches the source's health and history)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from crawlers import calendars, feeds, structured
from crawlers.ats import job_board

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _event(n: int, start: str) -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:e{n}@example.org\r\nDTSTAMP:20261101T000000Z\r\n"
        f"DTSTART:{start}\r\nDURATION:PT2H\r\nSUMMARY:Meetup {n}\r\nEND:VEVENT\r\n"
    )


def test_a_calendar_keeps_its_events_around_one_with_an_impossible_start() -> None:
    events = (
        _event(1, "20261210T180000Z") + _event(2, "2026-13-45T99") + _event(3, "20261211T180000Z")
    )
    body = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t\r\n{events}END:VCALENDAR\r\n"
    result = calendars.parse("https://calendar.example.org/e.ics", body.encode(), now=NOW)
    assert [i.title for i in result.items] == ["Meetup 1", "Meetup 3"]
    assert any("Meetup 2" in w and "DTSTART" in w for w in result.warnings), result.warnings


def test_a_feed_keeps_its_entries_around_one_that_cannot_be_read() -> None:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link></item>"
        for t, link in (("A", "https://x.org/a"), ("B", "http://[::1"), ("C", "https://x.org/c"))
    )
    body = f'<rss version="2.0"><channel><title>Jobs</title>{entries}</channel></rss>'
    result = feeds.parse("https://x.org/jobs.rss", body.encode(), now=NOW)
    assert [i.title for i in result.items] == ["A", "C"]
    assert any("skipped 1 broken entries" in w for w in result.warnings), result.warnings


def test_a_job_board_keeps_its_postings_around_one_that_cannot_be_read() -> None:
    jobs = [
        {"id": n, "title": t, "absolute_url": url, "location": {"name": "Denver"}}
        for n, t, url in (
            (1, "A", "https://x.org/a"),
            (2, "B", "http://[::1"),
            (3, "C", "https://x.org/c"),
        )
    ]
    api = "https://boards-api.greenhouse.io/v1/boards/acme/jobs"
    result = job_board.parse(api, json.dumps({"jobs": jobs}).encode(), now=NOW)
    assert [i.title for i in result.items] == ["A", "C"]
    assert any("skipped 1 broken postings" in w for w in result.warnings), result.warnings


def test_a_page_keeps_its_postings_around_a_broken_json_ld_block() -> None:
    def job(title: str) -> str:
        posting = {"@context": "https://schema.org", "@type": "JobPosting", "title": title}
        return json.dumps(posting | {"datePosted": "2026-11-20", "url": f"https://x.org/{title}"})

    blocks = [job("A"), '{"@type": "JobPosting", "title": "B",, oops', job("C")]
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    page = f"<html><head><title>Jobs</title>{scripts}</head><body></body></html>"
    result = structured.parse("https://x.org/jobs", page.encode(), now=NOW)
    assert sorted(i.title for i in result.items) == ["A", "C"]
    assert any("JSON-LD block 2 skipped" in w for w in result.warnings), result.warnings
