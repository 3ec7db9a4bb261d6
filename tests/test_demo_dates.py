"""The demo site's `{{date ...}}` tokens (mutual/demo_dates.py): each format, counted from a fixed
"today" the test passes in, and every file of demo/site rendered whole for days a year apart."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from crawlers.calendars import parse as parse_calendar
from mutual.demo import DEMO_DIR
from mutual.demo_dates import BadDateToken, render_dates, render_token

TODAY = date(2026, 12, 7)  # a Monday
SITE = DEMO_DIR / "site"
JSON_APIS = {("ashby", "posting-api"), ("lever", "v0"), ("greenhouse", "v1")}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("+3d iso", "2026-12-10"),
        ("-3d 09:00 iso-local", "2026-12-04T09:00:00"),
        ("+3d 18:30 rfc3339 tz=America/Los_Angeles", "2026-12-10T18:30:00-08:00"),
        ("+180d 18:30 rfc3339 tz=America/Los_Angeles", "2027-06-05T18:30:00-07:00"),
        ("-2d 14:00 rfc3339", "2026-12-05T14:00:00Z"),
        ("-3d 16:00 rfc822", "Fri, 04 Dec 2026 16:00:00 GMT"),
        ("-3d 16:00 rfc822 tz=America/Chicago", "Fri, 04 Dec 2026 16:00:00 -0600"),
        ("+3d 18:30 ical", "20261210T183000"),
        ("+3d 18:30 ical-utc tz=America/Los_Angeles", "20261211T023000Z"),
        ("-1d 12:00 epoch-ms", str(int(datetime(2026, 12, 6, 12, tzinfo=UTC).timestamp()) * 1000)),
        ("+3d day", "Thursday 10 December"),
        ("+46d day-year", "Friday 22 January 2027"),
        ("-6d long", "1 December 2026"),
        ("-6d us-long", "December 1, 2026"),
        ("-6d us-ordinal", "December 1st, 2026"),
        ("-5d us-ordinal", "December 2nd, 2026"),
        ("+4d us-ordinal", "December 11th, 2026"),
        ("-6d short", "1 Dec 2026"),
        ("-6d us-numeric", "12/1/2026"),
        ("+365d year", "2027"),
    ],
)
def test_each_format_counts_from_the_given_today(spec: str, expected: str) -> None:
    assert render_token(spec, TODAY) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("+0d iso on=TH", "2026-12-10"),  # the first Thursday from Monday 7 December
        ("+3d iso on=TH", "2026-12-10"),  # already a Thursday: unchanged
        ("+0d iso on=2TH", "2026-12-10"),  # the second Thursday of December
        ("+4d iso on=2TH", "2027-01-14"),  # past it: the second Thursday of January
        ("+0d iso on=-1TU", "2026-12-29"),  # the last Tuesday of December
        ("+0d iso on=1MO", "2026-12-07"),
    ],
)
def test_on_moves_forward_to_the_first_day_matching_a_byday(spec: str, expected: str) -> None:
    assert render_token(spec, TODAY) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "3d iso",
        "+3 iso",
        "+3d",
        "+3d nonsense",
        "+3d 25:99 iso",
        "+3d iso tz=Mars/Base",
        "+3d iso on=XX",
        "+3d iso colour=red",
        "+3d 10:00 11:00 iso",
    ],
)
def test_a_token_that_says_no_date_is_refused(spec: str) -> None:
    with pytest.raises(BadDateToken):
        render_token(spec, TODAY)


def test_render_dates_replaces_every_token_and_leaves_the_rest() -> None:
    body = b"<pubDate>{{date -1d 08:00 rfc822}}</pubDate> {{BASE}} {{HUGE}} \xff"
    assert render_dates(body, TODAY) == (
        b"<pubDate>Sun, 06 Dec 2026 08:00:00 GMT</pubDate> {{BASE}} {{HUGE}} \xff"
    )


def _rendered_site(today: date) -> dict[Path, str]:
    """Every file of demo/site as served on `today` ({{BASE}} left as it is)."""
    files = [path for path in SITE.rglob("*") if path.is_file()]
    return {path: render_dates(path.read_bytes(), today).decode("utf-8") for path in files}


@pytest.mark.parametrize("today", [TODAY, TODAY + timedelta(days=365), date(2031, 2, 28)])
def test_the_demo_site_has_no_fixed_dates_left_and_its_tokens_render(today: date) -> None:
    for path, text in _rendered_site(today).items():
        assert "{{date" not in text, path
        if path.suffix == ".json" or path.parts[-5:-3] in JSON_APIS:
            json.loads(text.replace("{{BASE}}", "http://127.0.0.1"))  # still valid JSON
    served = "".join(_rendered_site(today).values())
    assert str(today.year) in served


def test_no_fixed_date_is_left_in_the_demo_site() -> None:
    """Only identifiers and titles keep a year ("bafl-2026-1141", "2026 Salary Survey")."""
    fixed = re.compile(r"(?<![\w-])20\d\d-\d\d-\d\d|20\d{6}T\d{6}|\w{3}, \d\d \w{3} 20\d\d")
    for path in SITE.rglob("*"):
        if path.is_file():
            assert fixed.findall(path.read_text(encoding="utf-8")) == [], path


def test_the_rss_jobs_are_posted_in_the_twenty_days_before_today() -> None:
    today = TODAY + timedelta(days=365)
    rss = _rendered_site(today)[SITE / "bay-finance" / "careers.rss"]
    posted = [parsedate_to_datetime(d).date() for d in re.findall(r"<pubDate>(.*?)</pubDate>", rss)]
    assert posted and all(today - timedelta(days=20) <= day < today for day in posted)


@pytest.mark.parametrize("today", [TODAY, TODAY + timedelta(days=365), date(2030, 7, 1)])
def test_the_calendar_is_upcoming_on_any_today_and_its_series_keep_their_rules(
    today: date,
) -> None:
    body = (SITE / "eastbay-tech" / "events.ics").read_bytes()
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    items = parse_calendar("http://127.0.0.1/events.ics", render_dates(body, today), now=now).items
    starts: dict[str, list[datetime]] = {item.title: [] for item in items}
    for item in items:
        starts[item.title].append(datetime.fromisoformat(item.details["event"]["start"]))
    demo_nights = starts["Demo Night: five-minute demos from East Bay builders"]
    assert len(demo_nights) >= 5  # monthly, every second Thursday, for the horizon's six months
    assert all(_local(s).weekday() == 3 and 8 <= _local(s).day <= 14 for s in demo_nights)
    study_halls = starts["Python & Data Study Hall"]
    assert all(
        _local(s).weekday() == 1 and (_local(s) + timedelta(days=7)).day <= 7 for s in study_halls
    )
    workshop = starts["Saturday workshop: Rust for Python developers"]
    assert [_local(s).weekday() for s in workshop] == [5]
    assert all(now <= s <= now + timedelta(days=90) for s in workshop)
    cancelled = [item for item in items if item.status == "cancelled"]
    assert [item.title for item in cancelled] == ["CANCELLED: Holiday Hack Day"]


def _local(moment: datetime) -> datetime:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("America/Los_Angeles"))
