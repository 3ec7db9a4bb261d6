"""The pure iCalendar parser on saved exports: Meetup, Google Calendar, an updated event, and a
calendar written to hurt (endless rules, unknown zones, broken bytes)."""

import time
from datetime import UTC, datetime

import pytest

from catalog.records import ParsedItem
from crawlers.calendars import NotACalendar, parse
from crawlers.normalise import MAX_TITLE
from crawlers.results import ParseResult
from tests.conftest import FIXTURES

NOW = datetime(2026, 11, 25, tzinfo=UTC)
MEETUP = "https://www.meetup.com/_chipy_/events/ical/"
SERIES_URL = "https://www.meetup.com/_chipy_/events/301234567/"


def _parse(
    name: str, url: str = "https://calendar.example.org/events.ics", **options: int
) -> ParseResult:
    body = (FIXTURES / "calendars" / name).read_bytes()
    body = body.replace(b"{{HUGE}}", b"Free money " * 100_000)  # a one-megabyte SUMMARY
    body = body.replace(b"{{BADBYTE}}", b"\xff\xfe").replace(b"{{NUL}}", b"\x00")
    return parse(url, body, now=NOW, **options)


def _meetup() -> list[ParsedItem]:
    return [i for i in _parse("meetup-chipy.ics", MEETUP).items if i.url == SERIES_URL]


def _by_title(result: ParseResult, title: str) -> ParsedItem:
    return next(item for item in result.items if item.title == title)


def _starts(items: list[ParsedItem]) -> list[str]:
    return [item.details["event"]["start"] for item in items]


def test_calendar_name_is_the_title_and_the_calendar_is_complete() -> None:
    result = _parse("meetup-chipy.ics", MEETUP)
    assert result.title == "Events - ChiPy (Chicago Python User Group)"
    assert result.complete is True
    assert all(item.kind == "event" for item in result.items)


def test_weekly_meetup_becomes_one_item_per_occurrence_in_the_window() -> None:
    items = _meetup()
    # Thursdays 18:00 Chicago (CST, UTC-6) from Dec 3 until the UNTIL in late February;
    # Nov 5-19 are before the window and Nov 26 (Thanksgiving) is an EXDATE.
    assert len(items) == 13
    assert "2026-11-27T00:00:00+00:00" not in _starts(items)
    assert _starts(items)[1] == "2026-12-11T00:00:00+00:00"
    assert items[1].details["event"]["timezone"] == "America/Chicago"
    assert items[1].details["event"]["end"] == "2026-12-11T02:00:00+00:00"


def test_occurrences_share_the_url_but_each_has_its_own_key() -> None:
    items = _meetup()
    assert {item.url for item in items} == {SERIES_URL}  # utm_ parameters stripped too
    keys = [item.key for item in items]
    assert len(set(keys)) == len(keys)
    assert keys[1] == (
        "https://www.meetup.com/_chipy_/events/ical/"
        "#event_301234567@meetup.com/2026-12-11T00:00:00+00:00"
    )
    assert all(item.source_key == "event_301234567@meetup.com" for item in items)


def test_a_single_event_with_its_own_url_needs_no_key() -> None:
    talks = _by_title(_parse("meetup-chipy.ics", MEETUP), "ChiPy Holiday Lightning Talks")
    assert talks.url == "https://www.meetup.com/_chipy_/events/301299999/"
    assert talks.key == ""


def test_a_single_event_without_url_is_keyed_on_the_calendar_and_uid() -> None:
    result = _parse("association-google.ics", "https://sha.example.org/cal.ics?utm_source=x")
    webinar = _by_title(result, "Webinar: Price Transparency in 2027")
    assert webinar.url == "https://sha.example.org/cal.ics"
    assert webinar.key == "https://sha.example.org/cal.ics#1k2j3h4g5f6d7s8a9p0o@google.com"


def test_an_override_moves_one_occurrence_by_an_hour() -> None:
    moved = _meetup()[0]
    assert moved.title == "ChiPy Project Night (late start: room booked until 7)"
    assert moved.details["event"]["start"] == "2026-12-04T01:00:00+00:00"  # 19:00 CST
    # Still the occurrence of Dec 3 18:00: the key names the time it now starts.
    assert moved.key.endswith("/2026-12-04T01:00:00+00:00")


def test_a_cancelled_occurrence_is_kept_and_marked() -> None:
    items = _meetup()
    cancelled = [item for item in items if item.status == "cancelled"]
    assert _starts(cancelled) == ["2026-12-18T00:00:00+00:00"]
    assert cancelled[0].details["event"]["status"] == "cancelled"
    assert all(i.details["event"]["status"] == "scheduled" for i in items if i not in cancelled)


def test_meetup_fields_organisation_location_tags_and_dates() -> None:
    night = _meetup()[1]
    assert night.organisation == "ChiPy (Chicago Python User Group)"
    assert night.location.startswith("Braintree (222 W Merchandise Mart Plaza, Suite 800")
    assert night.details["event"]["venue"] == night.location
    assert night.details["event"]["attendance"] == "in-person"
    assert night.tags == ("Python", "Software Development")
    assert night.published_at == datetime(2026, 10, 1, 12, 0, tzinfo=UTC)  # CREATED


def test_plain_descriptions_become_escaped_paragraphs() -> None:
    night = _meetup()[1]
    assert night.body.startswith("<p>Bring a laptop and a project (or find one here).<br>")
    assert night.body.count("<p>") == 2
    assert night.summary.startswith("Bring a laptop and a project")
    talks = _by_title(_parse("meetup-chipy.ics", MEETUP), "ChiPy Holiday Lightning Talks")
    assert "<script" not in talks.body
    assert "&lt;script&gt;" in talks.body  # shown as text, never run


def test_all_day_conference_spans_dates_at_midnight_utc() -> None:
    result = _parse("association-google.ics")
    conference = _by_title(result, "Annual Conference 2027")
    event = conference.details["event"]
    assert event["all_day"] is True
    assert event["start"] == "2027-03-10T00:00:00+00:00"
    assert event["end"] == "2027-03-13T00:00:00+00:00"
    assert conference.organisation == "Society of Healthcare Accountants — Events"
    assert event["attendance"] == "in-person"


def test_all_day_event_without_end_lasts_one_day() -> None:
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:fair@x\r\n"
        b"DTSTART;VALUE=DATE:20261205\r\nSUMMARY:Craft fair\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    event = parse("https://x.example/c.ics", body, now=NOW).items[0].details["event"]
    assert (event["start"], event["end"]) == (
        "2026-12-05T00:00:00+00:00",
        "2026-12-06T00:00:00+00:00",
    )


def test_webinar_with_zoom_link_is_online_and_hybrid_is_mixed() -> None:
    result = _parse("association-google.ics")
    webinar = _by_title(result, "Webinar: Price Transparency in 2027")
    assert webinar.details["event"]["attendance"] == "online"
    assert webinar.organisation == "SHA Education Committee"
    assert webinar.location == ""
    hybrid = _by_title(result, "Denver Chapter Roundtable (hybrid)")
    assert hybrid.details["event"]["attendance"] == "mixed"
    assert hybrid.details["event"]["start"] == "2026-12-16T00:00:00+00:00"  # 17:00 MST
    assert hybrid.details["event"]["timezone"] == "America/Denver"


def test_html_description_is_sanitised() -> None:
    hybrid = _by_title(_parse("association-google.ics"), "Denver Chapter Roundtable (hybrid)")
    assert "<b>roundtable</b>" in hybrid.body
    for hostile in ("<script", "javascript:", "document.cookie"):
        assert hostile not in hybrid.body
    assert hybrid.summary.startswith("Chapter roundtable on year-end close.")


def test_only_the_newest_version_of_an_updated_event_is_used() -> None:
    result = _parse("updated-event.ics")
    assert len(result.items) == 2
    board = result.items[0]
    assert board.title == "Board meeting (moved to the library)"  # SEQUENCE 1, listed first
    assert board.details["event"]["start"] == "2026-12-08T01:00:00+00:00"
    assert board.location == "Riverside Branch Library, Community Room"
    potluck = result.items[1]
    assert potluck.title == "Winter potluck (new room)"  # same SEQUENCE, later LAST-MODIFIED
    assert result.title == "Riverside Tenants' Association"
    assert board.organisation == "Riverside Tenants' Association"


def test_endless_rules_return_quickly_and_bounded() -> None:
    started = time.perf_counter()
    result = _parse("hostile.ics", max_occurrences=50)
    assert time.perf_counter() - started < 1.0
    assert len(result.items) == 50
    titles = [item.title for item in result.items]
    # Every event keeps its first occurrence even though the daily one could fill the cap.
    assert titles.count("Every single second") == 1
    assert "Meeting in an unknown zone" in titles
    assert titles.count("Daily stand-up forever") == 50 - len(set(titles)) + 1
    warnings = " ".join(result.warnings)
    assert "'Daily stand-up forever' (billion@hostile.example) was capped" in warnings
    assert "'Every single second' repeats secondly" in warnings
    assert "'Every minute since 2000' repeats minutely" in warnings
    assert "'Every February 30th' has a rule no date can match" in warnings


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=15",
        "FREQ=DAILY;INTERVAL=7;BYDAY=TU",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
        "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=31",
        "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30",
    ],
)
def test_rules_that_cancel_each_other_do_not_scan_to_the_year_9999(rule: str) -> None:
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:r@x\r\n"
        f"DTSTART;TZID=Europe/Berlin:20200401T100000\r\nRRULE:{rule}\r\n"
        "SUMMARY:Never\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    started = time.perf_counter()
    result = parse("https://x.example/c.ics", body, now=NOW)
    assert time.perf_counter() - started < 0.5
    assert result.items == []
    assert any("'Never'" in warning for warning in result.warnings)


def test_a_recurring_event_keeps_its_first_occurrence_under_a_tiny_cap() -> None:
    result = _parse("meetup-chipy.ics", MEETUP, max_occurrences=2)
    assert [item.title for item in result.items] == [
        "ChiPy Project Night (late start: room booked until 7)",
        "ChiPy Holiday Lightning Talks",
    ]


def test_unknown_zone_and_floating_time_are_read_as_utc_with_warnings() -> None:
    result = _parse("hostile.ics")
    mars = _by_title(result, "Meeting in an unknown zone").details["event"]
    assert mars["start"] == "2026-12-03T10:00:00+00:00"
    breakfast = _by_title(result, "Floating breakfast").details["event"]
    assert breakfast["start"] == "2026-12-04T09:00:00+00:00"
    assert any("unknown time zone 'Mars/Olympus_Mons'" in w for w in result.warnings)
    assert any(
        "'Floating breakfast' has a floating time, taken as UTC" in w for w in result.warnings
    )


def test_floating_time_uses_the_calendars_x_wr_timezone() -> None:
    body = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:Europe/Paris\r\nBEGIN:VEVENT\r\n"
        b"UID:f@x\r\nDTSTART:20261204T090000\r\nSUMMARY:Petit d\xc3\xa9jeuner\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = parse("https://x.example/c.ics", body, now=NOW)
    event = result.items[0].details["event"]
    assert event["start"] == "2026-12-04T08:00:00+00:00"  # 09:00 CET
    assert event["timezone"] == "Europe/Paris"
    assert result.items[0].title == "Petit déjeuner"


def test_missing_start_is_skipped_and_backwards_end_is_fixed() -> None:
    result = _parse("hostile.ics")
    assert "An event with no start" not in [item.title for item in result.items]
    assert any("'An event with no start': no valid DTSTART" in w for w in result.warnings)
    backwards = _by_title(result, "Ends before it starts").details["event"]
    assert backwards["end"] == backwards["start"] == "2026-12-05T18:00:00+00:00"


def test_hostile_text_is_cleaned_and_truncated() -> None:
    result = _parse("hostile.ics")
    assert result.title == "Hostile Events"  # BEL and right-to-left override removed
    huge = next(item for item in result.items if item.source_key == "huge@hostile.example")
    assert len(huge.title) <= MAX_TITLE
    prizes = next(item for item in result.items if item.source_key == "controls@hostile.example")
    assert prizes.title.startswith("Free prizesgpj.exe")
    assert "\x00" not in prizes.title and "\u202e" not in prizes.title
    assert "<img" not in prizes.body
    assert any("not valid UTF-8" in w for w in result.warnings)
    assert any("NUL" in w for w in result.warnings)


def test_events_outside_the_window_are_left_out() -> None:
    result = _parse("association-google.ics", horizon_days=30)
    assert "Annual Conference 2027" not in [item.title for item in result.items]
    assert len(result.items) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<!doctype html><html><body>Our events</body></html>",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
        b"\x00\xff\xfe garbage \x00",
    ],
)
def test_a_body_that_is_not_a_calendar_raises(body: bytes) -> None:
    with pytest.raises(NotACalendar, match="not a calendar"):
        parse("https://x.example/c.ics", body, now=NOW)
