"""RDFa pages and repeating eventSchedules: a chamber's vacancies, a weekly meetup's nights.

The parser's tests use a fixed "today" (as the calendar's do); the crawl tests fetch the pages
over HTTP from the local site through `mutual source add` and `mutual crawl`, then search.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from crawlers.results import ParseResult
from crawlers.structured import NoStructuredData, parse, structured_types
from ground.settings import Settings
from mutual.local_site import LocalSite
from tests.helpers import run_mutual
from tests.test_structured import BASE, NOW, _body

LONDON = ZoneInfo("Europe/London")
CHAMBER_URL = f"{BASE}/vacancies/"
MEETUP_URL = f"{BASE}/leeds-python/hack-night/"


def _chamber() -> ParseResult:
    return parse(CHAMBER_URL, _body("chamber-rdfa.html"), now=NOW)


def _meetup(page: bytes | None = None, **limits: int) -> ParseResult:
    return parse(MEETUP_URL, page or _body("meetup-weekly.html"), now=NOW, **limits)


def _schedule_page(**schedule: Any) -> bytes:
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Open studio",
        "eventSchedule": {"@type": "Schedule", "scheduleTimezone": "Europe/London", **schedule},
    }
    return f'<script type="application/ld+json">{json.dumps(event)}</script>'.encode()


def _local_starts(result: ParseResult) -> list[datetime]:
    return [
        datetime.fromisoformat(item.details["event"]["start"]).astimezone(LONDON)
        for item in result.items
    ]


def test_a_page_in_rdfa_alone_gives_its_vacancies_with_employer_place_and_pay() -> None:
    result = _chamber()
    jobs = {item.title: item for item in result.items if item.kind == "job"}
    assert set(jobs) == {"Export Sales Coordinator", "Apprentice Accounts Assistant"}
    export = jobs["Export Sales Coordinator"]
    assert export.url == f"{BASE}/vacancies/export-sales-coordinator/"
    assert export.organisation == "Pennine Valves Ltd"
    assert export.location == "Elland, West Yorkshire, GB"
    assert export.details["salary"] == {
        "min": 27000.0,
        "max": 31000.0,
        "currency": "GBP",
        "period": "year",
    }
    # <time datetime="..."> gives the machine date, not the text "18 November 2026".
    assert export.published_at == datetime(2026, 11, 18, tzinfo=UTC)
    assert export.details["valid_through"] == "2026-12-16T17:00:00+00:00"
    assert "export orders" in export.summary
    apprentice = jobs["Apprentice Accounts Assistant"]
    assert (apprentice.organisation, apprentice.location) == (
        "Shibden Mill Accountants LLP",
        "Halifax, GB",
    )
    assert apprentice.details["employment_type"] == "FULL_TIME, INTERN"
    assert result.warnings == ()


def test_rdfa_postings_come_in_page_order_and_keep_their_keys_crawl_to_crawl() -> None:
    # RDF keeps no order and names blank nodes at random; the page's order is restored.
    roles = "".join(
        f'<div typeof="JobPosting"><h3 property="title">Volunteer Coordinator, {name}</h3>'
        f'<p property="hiringOrganization" typeof="Organization"><span property="name">{name}'
        f'</span></p><meta property="employmentType" content="PART_TIME">'
        f'<meta property="employmentType" content="VOLUNTEER"></div>'
        for name in ("Calder Food Bank", "Halifax Minster", "Square Chapel Arts")
    )
    page = f'<html><body vocab="https://schema.org/">{roles}</body></html>'.encode()
    readings = [parse(CHAMBER_URL, page, now=NOW).items for _ in range(5)]
    for items in readings:
        assert [item.organisation for item in items] == [
            "Calder Food Bank",
            "Halifax Minster",
            "Square Chapel Arts",
        ]
        assert [item.key for item in items] == [item.key for item in readings[0]]
        assert {item.details["employment_type"] for item in items} == {"PART_TIME, VOLUNTEER"}
    assert len({item.key for item in readings[0]}) == 3


def test_rdfa_types_are_seen_by_auto_detection() -> None:
    types = structured_types(CHAMBER_URL, _body("chamber-rdfa.html"))
    assert {"JobPosting", "BusinessEvent", "Organization", "PostalAddress"} <= types


def test_an_rdfa_event_on_the_first_wednesday_stops_at_its_schedules_end() -> None:
    events = [item for item in _chamber().items if item.kind == "event"]
    assert {item.title for item in events} == {"First Wednesday Networking Breakfast"}
    starts = [datetime.fromisoformat(item.details["event"]["start"]) for item in events]
    # 4 November is before the window (a day before 25 November); the series ends in March.
    assert [s.astimezone(LONDON).date() for s in starts] == [
        date(2026, 12, 2),
        date(2027, 1, 6),
        date(2027, 2, 3),
        date(2027, 3, 3),
    ]
    first = events[0]
    assert first.details["event"]["end"] == "2026-12-02T09:00:00+00:00"
    assert first.details["event"]["timezone"] == "Europe/London"
    assert first.details["event"]["venue"] == "The Piece Hall, Square Chapel Room"
    assert (first.organisation, first.location) == ("Calderdale Chamber of Commerce", "Halifax, GB")


def test_a_weekly_schedule_is_every_thursday_evening_in_london_within_the_horizon() -> None:
    result = _meetup()
    starts = _local_starts(result)
    assert starts[:4] == [
        datetime(2026, 11, 26, 18, 30, tzinfo=LONDON),
        datetime(2026, 12, 3, 18, 30, tzinfo=LONDON),
        datetime(2026, 12, 10, 18, 30, tzinfo=LONDON),
        datetime(2026, 12, 17, 18, 30, tzinfo=LONDON),
    ]
    # Christmas Eve and New Year's Eve are excepted; the next night is 7 January.
    assert starts[4] == datetime(2027, 1, 7, 18, 30, tzinfo=LONDON)
    assert all(s.weekday() == 3 and (s.hour, s.minute) == (18, 30) for s in starts)
    assert max(starts) <= NOW + timedelta(days=180) < max(starts) + timedelta(days=7)
    assert len(starts) == 26 - 2
    summer = result.items[starts.index(datetime(2027, 4, 1, 18, 30, tzinfo=LONDON))]
    assert summer.details["event"]["start"] == "2027-04-01T17:30:00+00:00"  # BST, UTC+1
    assert summer.details["event"]["end"] == "2027-04-01T20:00:00+00:00"
    assert {item.title for item in result.items} == {"Leeds Python Hack Night"}
    assert {item.url for item in result.items} == {MEETUP_URL}
    assert {item.location for item in result.items} == {"Leeds, GB"}


def test_each_night_has_its_own_key_that_the_next_crawl_gives_again() -> None:
    first, again = _meetup().items, _meetup().items
    keys = [item.key for item in first]
    assert len(set(keys)) == len(keys)
    assert keys == [item.key for item in again]
    assert keys[0] == f"{MEETUP_URL}#2026-11-26T18:30:00+00:00"


def test_the_calendar_horizon_and_occurrence_cap_bound_the_series() -> None:
    assert len(_meetup(horizon_days=14).items) == 2  # 26 November and 3 December
    capped = _meetup(max_occurrences=3)
    assert len(capped.items) == 3
    assert any("capped" in warning for warning in capped.warnings)


def test_repeat_count_days_by_name_and_a_duration() -> None:
    page = _schedule_page(
        repeatFrequency="Weekly",
        byDay=["Tuesday", "Saturday"],
        startDate="2026-11-24",
        startTime="10:00",
        duration="PT1H30M",
        repeatCount=3,
    )
    result = _meetup(page)
    assert _local_starts(result) == [
        datetime(2026, 11, 24, 10, tzinfo=LONDON),
        datetime(2026, 11, 28, 10, tzinfo=LONDON),
        datetime(2026, 12, 1, 10, tzinfo=LONDON),
    ]
    assert result.items[0].details["event"]["end"] == "2026-11-24T11:30:00+00:00"


def test_a_schedule_that_ended_gives_nothing_and_says_why() -> None:
    page = _schedule_page(repeatFrequency="P1W", startDate="2025-01-02", endDate="2025-06-26")
    result = _meetup(page)
    assert result.items == []
    assert any("repeats but not in the next 180 days" in w for w in result.warnings)


def test_a_schedule_that_does_not_repeat_gives_the_event_its_start() -> None:
    page = _schedule_page(startDate="2026-12-09", startTime="19:00", endTime="21:00")
    [item] = _meetup(page).items
    assert item.details["event"]["start"] == "2026-12-09T19:00:00+00:00"
    assert item.details["event"]["end"] == "2026-12-09T21:00:00+00:00"
    assert item.key == ""


def test_a_daily_schedule_from_long_ago_is_not_walked_day_by_day() -> None:
    page = _schedule_page(repeatFrequency="P1D", startDate="1900-01-01", startTime="09:00")
    began = time.monotonic()
    result = _meetup(page)
    assert time.monotonic() - began < 2
    assert result.items == []
    assert any("too long ago" in warning for warning in result.warnings)


def _next_thursdays(today: datetime, days: int) -> list[datetime]:
    """Every Thursday 18:30 in London from a day before `today` to `days` after it."""
    start, end = today - timedelta(days=1), today + timedelta(days=days)
    nights = []
    day = (start - timedelta(days=1)).date()
    while day <= end.date():
        night = datetime(day.year, day.month, day.day, 18, 30, tzinfo=LONDON)
        if night.weekday() == 3 and start <= night <= end:
            nights.append(night)
        day += timedelta(days=1)
    return nights


def _event_hits(settings: Settings) -> list[dict[str, Any]]:
    run_mutual(settings, "index")
    found = run_mutual(settings, "search", "--kind", "event", "--size", "100", "--json").stdout
    hits: list[dict[str, Any]] = json.loads(found)["hits"]
    return hits


def test_crawled_chamber_page_in_rdfa_is_searchable(catalog: Settings, site: LocalSite) -> None:
    run_mutual(catalog, "community", "add", "Calderdale Chamber", "--slug", "chamber")
    url = f"{site.base_url}/structured/chamber-rdfa.html"
    run_mutual(catalog, "source", "add", "chamber", url, "--kind", "structured")
    run_mutual(catalog, "crawl")
    run_mutual(catalog, "index")
    found = run_mutual(catalog, "search", "export sales", "--json").stdout
    [hit] = json.loads(found)["hits"]
    assert hit["title"] == "Export Sales Coordinator"
    assert hit["organisation"] == "Pennine Valves Ltd"
    assert "Elland" in hit["location"]


def test_crawled_weekly_meetup_shows_its_next_thursdays(catalog: Settings, site: LocalSite) -> None:
    today = datetime.now(UTC)
    nights = _next_thursdays(today, 30)
    page = site.root / "structured/meetup-weekly.html"
    skipped = nights[1].date().isoformat()
    page.write_text(page.read_text().replace('"2026-12-24", "2026-12-31"', f'"{skipped}"'))
    settings = replace(catalog, calendar_horizon_days=30)
    run_mutual(settings, "community", "add", "Leeds Python", "--slug", "leeds-python")
    url = f"{site.base_url}/structured/meetup-weekly.html"
    run_mutual(settings, "source", "add", "leeds-python", url, "--kind", "structured")
    run_mutual(settings, "crawl")
    hits = _event_hits(settings)
    assert {hit["title"] for hit in hits} == {"Leeds Python Hack Night"}
    assert {hit["event"]["timezone"] for hit in hits} == {"Europe/London"}
    starts = sorted(datetime.fromisoformat(hit["event"]["start"]) for hit in hits)
    assert starts == [night.astimezone(UTC) for night in nights if night.date() != nights[1].date()]


def test_a_page_of_many_series_expands_a_bounded_number_quickly() -> None:
    events = [
        {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": f"Club night {number}",
            "url": f"{BASE}/clubs/{number}",
            "eventSchedule": {
                "@type": "Schedule",
                "repeatFrequency": "P1D",
                "byMonthDay": [1, 31],
                "byMonth": 2,
                "startDate": "2026-11-01",
                "startTime": "20:00",
            },
        }
        for number in range(40)
    ]
    scripts = "".join(
        f'<script type="application/ld+json">{json.dumps(e)}</script>' for e in events
    )
    began = time.monotonic()
    result = parse(f"{BASE}/clubs/", scripts.encode(), now=NOW)
    assert time.monotonic() - began < 5
    assert any("first 20 events only" in warning for warning in result.warnings)
    # Each expanded series gives 1 February 2027 only (31 February never comes).
    expanded = [item for item in result.items if item.key]
    assert len(expanded) == 20
    assert {item.details["event"]["start"] for item in expanded} == {"2027-02-01T20:00:00+00:00"}
    assert len(result.items) == 40


def test_a_sitemap_page_with_a_weekly_schedule_keeps_to_the_horizon(
    catalog: Settings, site: LocalSite
) -> None:
    (site.root / "meetups-sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>{{BASE}}/structured/meetup-weekly.html</loc></url></urlset>\n"
    )
    settings = replace(catalog, calendar_horizon_days=20)
    run_mutual(settings, "community", "add", "Leeds Python", "--slug", "leeds-python")
    url = f"{site.base_url}/meetups-sitemap.xml"
    run_mutual(
        settings, "source", "add", "leeds-python", url, "--kind", "sitemap", "--item-kind", "event"
    )
    run_mutual(settings, "crawl")
    starts = sorted(datetime.fromisoformat(hit["event"]["start"]) for hit in _event_hits(settings))
    expected = _next_thursdays(datetime.now(UTC), 20)
    expected = [n for n in expected if n.date() not in {date(2026, 12, 24), date(2026, 12, 31)}]
    assert starts == [night.astimezone(UTC) for night in expected]


def test_a_huge_rdfa_page_is_skipped_with_a_warning_not_read_for_ever() -> None:
    job = '<div typeof="JobPosting"><h3 property="title">Role</h3></div>'
    page = f'<html><body vocab="https://schema.org/">{job * 10_001}</body></html>'.encode()
    began = time.monotonic()
    with pytest.raises(NoStructuredData, match="RDFa skipped: 20002 annotated elements"):
        parse(CHAMBER_URL, page, now=NOW)
    assert time.monotonic() - began < 5
