"""The listing-page parser: user selectors, dates, pagination, crawl traps and hostile entries."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from crawlers import html_lists
from crawlers.html_list_options import InvalidListOptions, ListOptions
from crawlers.normalise import MAX_TITLE
from crawlers.results import ParseResult
from tests.conftest import FIXTURES

LISTS = FIXTURES / "html_lists"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
CAREERS = "https://www.anfp.org/careers/index.jsp"
CAREERS_2 = "https://www.anfp.org/careers/index.jsp?page=2"
POSTING = "https://www.anfp.org/careers/posting.jsp?id={}"
JOBS = ListOptions(
    item="div.job",
    title="h3.job-title",
    link="h3.job-title a",
    date="p.posted",
    organisation=".employer",
    location=".location",
    summary=".excerpt",
    next_page="a.next",
)
EVENTS = ListOptions(
    item="li.event",
    title=".event-title",
    link=".event-title a",
    date=".event-when",
    location=".event-where",
    summary=".event-description",
    kind="event",
    timezone="America/Chicago",
)
CALENDAR = ListOptions(
    item="div.cal-event",
    title="a",
    link="a",
    date=".cal-date",
    next_page="a.next-month",
    kind="event",
    timezone="America/Los_Angeles",
)


def _body(name: str) -> bytes:
    return (LISTS / name).read_bytes()


def _careers(options: ListOptions = JOBS, **kwargs: Any) -> ParseResult:
    return html_lists.parse(CAREERS, _body("careers.html"), options, now=NOW, **kwargs)


def _page_two(options: ListOptions = JOBS) -> ParseResult:
    return html_lists.parse(CAREERS_2, _body("careers-page2.html"), options, now=NOW, page=2)


def _by_id(result: ParseResult) -> dict[str, Any]:
    return {item.url.rsplit("=", 1)[1]: item for item in result.items}


def test_every_posting_block_becomes_a_job() -> None:
    result = _careers()

    assert len(result.items) == 12
    first = result.items[0]
    assert first.kind == "job"
    assert first.title == "Senior Accountant"
    assert first.url == POSTING.format(1042)
    assert first.organisation == "Riverside Community Foundation"
    assert first.location == "Portland, OR"
    assert first.summary.startswith("Prepare monthly close")
    assert result.title == "Career Opportunities - Association of Nonprofit Finance Professionals"


def test_entities_in_titles_are_decoded() -> None:
    assert _by_id(_careers())["1040"].title == "Director of Finance & Operations"


@pytest.mark.parametrize(
    ("posting", "day"),
    [
        ("1042", 17),  # November 17, 2026
        ("1041", 16),  # 16 Nov 2026
        ("1040", 15),  # 2026-11-15
        ("1039", 14),  # 11/14/2026
        ("1038", 12),  # Posted: Nov. 12, 2026
        ("1037", 10),  # November 10th, 2026
        ("1036", 9),  # 9 November 2026
    ],
)
def test_common_date_formats_are_read(posting: str, day: int) -> None:
    assert _by_id(_careers())[posting].published_at == datetime(2026, 11, day, tzinfo=UTC)


@pytest.mark.parametrize(
    "posting",
    ["1035", "1034", "1032"],  # "3 days ago", February 30, December 1, 2031
)
def test_relative_impossible_and_future_dates_are_dropped(posting: str) -> None:
    item = _by_id(_careers())[posting]

    assert item.published_at is None
    assert item.title  # the posting itself is kept


def test_date_format_option_reads_a_local_format() -> None:
    body = _body("careers.html").replace(b"Posted November 17, 2026", b"Eingestellt 17.11.2026")
    options = ListOptions.from_dict({**JOBS.to_dict(), "date_format": "Eingestellt %d.%m.%Y"})

    result = html_lists.parse(CAREERS, body, options, now=NOW)

    assert result.items[0].published_at == datetime(2026, 11, 17, tzinfo=UTC)


def test_session_ids_are_removed_from_item_and_next_page_urls() -> None:
    result = _careers()

    assert not any("jsessionid" in item.url for item in result.items)
    assert result.follow == ("https://www.anfp.org/careers/index.jsp?page=2",)


def test_first_page_with_a_next_page_is_not_complete() -> None:
    assert _careers().complete is False


def test_last_page_follows_nothing_and_is_not_complete() -> None:
    result = _page_two()

    assert result.follow == ()  # "Previous page" is not the next page
    assert result.complete is False


def test_single_page_listing_is_complete() -> None:
    result = html_lists.parse(
        "https://alumni.northfield.edu/events/", _body("alumni-events.html"), EVENTS, now=NOW
    )

    assert result.complete is True
    assert result.follow == ()


def test_empty_listing_is_not_trusted_as_complete() -> None:
    options = ListOptions.from_dict({**JOBS.to_dict(), "item": "div.posting"})  # site redesigned

    result = _careers(options)

    assert result.items == []
    assert result.complete is False
    assert any("div.posting" in warning for warning in result.warnings)


def test_max_pages_stops_following_with_a_warning() -> None:
    result = _careers(page=20, max_pages=20)

    assert result.follow == ()
    assert any("max_pages" in warning for warning in result.warnings)


def test_endless_next_month_calendar_is_bounded_by_max_pages() -> None:
    """The calendar links every month to the next one, forever (with a fresh session id)."""
    url = "https://pnw.anfp.org/chapter/calendar.jsp?month=11&year=2026"
    fetched = []
    page = 1
    while url and page <= 50:
        month_param = re.search(r"month=(\d+)", url)
        assert month_param
        month = int(month_param.group(1))
        body = _body("chapter-calendar.html").replace(b"month=12", f"month={month + 1}".encode())
        result = html_lists.parse(url, body, CALENDAR, now=NOW, page=page, max_pages=5)
        fetched.append(url)
        url = result.follow[0] if result.follow else ""
        page += 1

    assert len(fetched) == 5
    assert "jsessionid" not in " ".join(fetched)
    assert any("max_pages" in warning for warning in result.warnings)


def test_same_event_under_two_session_ids_is_listed_once() -> None:
    result = html_lists.parse(
        "https://pnw.anfp.org/chapter/calendar.jsp?month=11&year=2026",
        _body("chapter-calendar.html"),
        CALENDAR,
        now=NOW,
    )

    assert [item.url for item in result.items] == [
        "https://pnw.anfp.org/chapter/event.jsp?id=311",
        "https://pnw.anfp.org/chapter/event.jsp?id=312",
        "https://pnw.anfp.org/chapter/event.jsp?id=313",
    ]
    assert result.follow == ("https://pnw.anfp.org/chapter/calendar.jsp?month=12&year=2026",)


def test_jsessionid_and_sid_copies_of_a_posting_collapse() -> None:
    result = _page_two()

    assert [item.url for item in result.items].count(POSTING.format(1030)) == 1
    assert any("repeating" in warning for warning in result.warnings)


def test_entries_without_title_or_http_link_are_skipped_with_a_warning() -> None:
    result = _page_two()

    titles = [item.title for item in result.items]
    assert not any("Finance Intern" in title for title in titles)  # javascript: link
    assert len(result.items) == 3
    assert any("skipped 2 entries" in warning for warning in result.warnings)


def test_control_characters_and_scripts_are_cleaned_from_fields() -> None:
    item = _by_id(_page_two())["1029"]

    assert item.title == "Bookkeeper reganaM (Contract)"
    assert item.organisation == "Westside Tenants Union"
    assert "onerror" not in item.body
    assert "onclick" not in item.body
    assert "QuickBooks Online" in item.body
    assert item.published_at is None  # 0000-00-00


def test_keyword_stuffed_title_is_truncated() -> None:
    assert len(_by_id(_page_two())["1027"].title) == MAX_TITLE


def test_megabyte_title_is_truncated() -> None:
    body = _body("careers.html").replace(b"Grants Manager", b"Grants Manager " * 70_000)

    result = html_lists.parse(CAREERS, body, JOBS, now=NOW)

    assert max(len(item.title) for item in result.items) <= MAX_TITLE


def test_follow_details_adds_each_posting_after_the_next_page() -> None:
    options = ListOptions.from_dict({**JOBS.to_dict(), "follow_details": True})

    follow = _careers(options).follow

    assert follow[0] == "https://www.anfp.org/careers/index.jsp?page=2"
    assert follow[1:] == tuple(item.url for item in _careers(options).items)


def test_detail_page_body_from_the_detail_body_selector() -> None:
    options = ListOptions.from_dict({**JOBS.to_dict(), "detail_body": "#posting-body"})
    listed = _careers(options).items[0]

    item = html_lists.parse_detail(
        POSTING.format(1042), _body("posting-1042.html"), options, listed
    )

    assert "Reconcile restricted and endowed fund balances" in item.body
    assert "<li>" in item.body
    assert "Member Login" not in item.body
    assert "Sponsored by" not in item.body
    assert (item.title, item.published_at) == (listed.title, listed.published_at)
    assert item.summary == listed.summary


def test_detail_page_body_from_main_text_without_a_selector() -> None:
    listed = _careers().items[0]

    item = html_lists.parse_detail(POSTING.format(1042), _body("posting-1042.html"), JOBS, listed)

    assert "Qualifications" in item.body
    assert "Member Login" not in item.body
    assert "Terms of use" not in item.body
    assert item.title == "Senior Accountant"


def test_unreadable_detail_page_leaves_the_listed_item_unchanged() -> None:
    listed = _careers().items[0]

    assert html_lists.parse_detail(POSTING.format(1042), b"", JOBS, listed) == listed


def test_event_start_from_time_datetime_in_utc() -> None:
    result = html_lists.parse(
        "https://alumni.northfield.edu/events/", _body("alumni-events.html"), EVENTS, now=NOW
    )
    events = {item.title: item for item in result.items}

    chicago = events["Chicago Holiday Networking Night"]
    assert chicago.kind == "event"
    assert chicago.published_at is None
    assert chicago.details["event"]["start"] == "2026-12-04T00:00:00+00:00"  # 18:00 at -06:00
    assert chicago.details["event"]["all_day"] is False
    assert chicago.location == "The Gage, 24 S Michigan Ave, Chicago, IL"
    # No offset written: read in the listing's time zone (noon in Chicago is 18:00 UTC).
    assert events["Resume Clinic (Online)"].details["event"]["start"] == "2026-12-08T18:00:00+00:00"


def test_date_only_event_is_all_day_and_unknown_date_has_no_start() -> None:
    result = html_lists.parse(
        "https://alumni.northfield.edu/events/", _body("alumni-events.html"), EVENTS, now=NOW
    )
    events = {item.title: item for item in result.items}

    assert events["Winter Alumni Day"].details["event"]["all_day"] is True
    assert "event" not in events["Class of 1976 Reunion Planning Call"].details  # "TBD"


def test_xpath_selectors_work_like_css() -> None:
    options = ListOptions.from_dict(
        {
            "item": "xpath://div[@class='job']",
            "title": "xpath:.//h3/a",
            "link": "xpath:.//h3/a/@href",
            "organisation": "xpath:.//span[@class='employer']/text()",
        }
    )

    result = _careers(options)

    assert len(result.items) == 12
    assert result.items[0].url == POSTING.format(1042)
    assert result.items[0].organisation == "Riverside Community Foundation"


def test_utf16_page_with_bom_is_decoded() -> None:
    body = _body("careers.html").decode("utf-8").replace('charset="utf-8"', "")
    result = html_lists.parse(CAREERS, body.encode("utf-16"), JOBS, now=NOW)

    assert [item.title for item in result.items] == [item.title for item in _careers().items]


def test_page_lying_about_its_encoding_still_gives_valid_text() -> None:
    body = _body("careers.html").replace(b'charset="utf-8"', b'charset="iso-8859-1"')
    body = body.replace(
        b"Grants Manager", "Gérante de subventions \udcff".encode("utf-8", "surrogatepass")
    )

    result = html_lists.parse(CAREERS, body, JOBS, now=NOW)

    assert len(result.items) == 12
    for item in result.items:
        item.title.encode("utf-8")  # no lone surrogates left


def test_oversized_page_is_cut_and_not_complete() -> None:
    body = _body("alumni-events.html").replace(
        b"</footer>", b"</footer><!--" + b"x" * 5_100_000 + b"-->"
    )

    result = html_lists.parse("https://alumni.northfield.edu/events/", body, EVENTS, now=NOW)

    assert len(result.items) == 4
    assert result.complete is False
    assert any("larger than" in warning for warning in result.warnings)


def test_entries_past_max_items_are_not_read() -> None:
    entry = '<div class="job"><h3 class="job-title"><a href="?id={}">Clerk</a></h3></div>'
    entries = "".join(entry.format(n) for n in range(html_lists.MAX_ITEMS + 100))
    body = f"<html><body>{entries}</body></html>".encode()

    result = html_lists.parse(CAREERS, body, JOBS, now=NOW)

    assert len(result.items) == html_lists.MAX_ITEMS
    assert result.complete is False
    assert any(f"first {html_lists.MAX_ITEMS}" in warning for warning in result.warnings)


def test_options_round_trip_through_a_dict() -> None:
    options = ListOptions.from_dict({**EVENTS.to_dict(), "follow_details": "true"})

    assert options.follow_details is True
    assert ListOptions.from_dict(options.to_dict()) == options
    assert "date_format" not in options.to_dict()  # empty values are left out (TOML has no null)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"item": "div.job", "title": "h3", "link": "a", "titel": "h2"}, "unknown key 'titel'"),
        ({"item": "div.job", "link": "a"}, "title: required"),
        ({"item": "div.job", "title": "", "link": "a"}, "title: required"),
        ({"item": "div.job[", "title": "h3", "link": "a"}, "item: invalid CSS selector"),
        ({"item": "div", "title": "xpath:.//h3[", "link": "a"}, "title: invalid XPath"),
        ({"item": "div", "title": "h3", "link": "a", "date": 3}, "date: expected a string"),
        ({"item": "div", "title": "h3", "link": "a", "follow_details": "yes"}, "follow_details"),
        ({"item": "div", "title": "h3", "link": "a", "date_format": "%Q"}, "date_format"),
        ({"item": "div", "title": "h3", "link": "a", "timezone": "Mars/Olympus"}, "timezone"),
        ({"item": "div", "title": "h3", "link": "a", "kind": "webinar"}, "kind"),
    ],
)
def test_bad_options_name_the_bad_key(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidListOptions, match=re.escape(message)):
        ListOptions.from_dict(options)
