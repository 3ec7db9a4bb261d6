"""Greenhouse, Lever and Ashby board APIs: board addresses people paste, and saved API answers."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from crawlers.ats.addresses import ats_api_url, ats_vendor
from crawlers.ats.job_board import NotAJobBoard, parse
from crawlers.normalise import MAX_TITLE
from crawlers.results import ParseResult
from tests.conftest import FIXTURES

NOW = datetime(2026, 11, 25, tzinfo=UTC)
GREENHOUSE_API = "https://boards-api.greenhouse.io/v1/boards/fieldnote/jobs?content=true"
LEVER_API = "https://api.lever.co/v0/postings/tidepool?mode=json"
ASHBY_API = "https://api.ashbyhq.com/posting-api/job-board/commonground?includeCompensation=true"
LOCAL = "http://127.0.0.1:8765"


def _parse(name: str, url: str) -> ParseResult:
    return parse(url, (FIXTURES / "ats" / name).read_bytes(), now=NOW)


def _greenhouse() -> ParseResult:
    return _parse("greenhouse-jobs.json", GREENHOUSE_API)


def _lever() -> ParseResult:
    return _parse("lever-postings.json", LEVER_API)


def _ashby() -> ParseResult:
    return _parse("ashby-job-board.json", ASHBY_API)


# --- Board addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pasted",
    [
        "https://boards.greenhouse.io/fieldnote",
        "https://job-boards.greenhouse.io/fieldnote/jobs/4012399008?gh_src=linkedin",
        "https://boards.greenhouse.io/embed/job_board?for=fieldnote&b=https%3A%2F%2Ffieldnote.example",
        "https://boards-api.greenhouse.io/v1/boards/fieldnote/jobs",
    ],
)
def test_greenhouse_boards_map_to_the_jobs_api_with_content(pasted: str) -> None:
    assert ats_api_url(pasted) == GREENHOUSE_API


@pytest.mark.parametrize(
    "pasted",
    [
        "https://jobs.lever.co/tidepool",
        "https://jobs.lever.co/tidepool/5ac21346-8e0c-4494-8e7a-3eb92ff77902/apply",
        "https://api.lever.co/v0/postings/tidepool",
    ],
)
def test_lever_boards_map_to_the_postings_api_in_json(pasted: str) -> None:
    assert ats_api_url(pasted) == LEVER_API


def test_lever_eu_boards_map_to_the_eu_api() -> None:
    assert ats_api_url("https://jobs.eu.lever.co/tidepool") == (
        "https://api.eu.lever.co/v0/postings/tidepool?mode=json"
    )


@pytest.mark.parametrize(
    "pasted",
    [
        "https://jobs.ashbyhq.com/commonground",
        "https://jobs.ashbyhq.com/commonground/3f2a9c1e-7b44-4d0e-9a61-5c8e2d1b7f90/application",
        "https://api.ashbyhq.com/posting-api/job-board/commonground",
    ],
)
def test_ashby_boards_map_to_the_board_api_with_compensation(pasted: str) -> None:
    assert ats_api_url(pasted) == ASHBY_API


def test_api_bases_point_the_api_at_a_local_server() -> None:
    bases = {"greenhouse": LOCAL + "/gh", "lever": LOCAL, "ashby": LOCAL + "/"}
    assert ats_api_url("https://boards.greenhouse.io/fieldnote", bases) == (
        f"{LOCAL}/gh/v1/boards/fieldnote/jobs?content=true"
    )
    assert ats_api_url("https://jobs.lever.co/tidepool", bases) == (
        f"{LOCAL}/v0/postings/tidepool?mode=json"
    )
    assert ats_api_url("https://jobs.ashbyhq.com/commonground", bases) == (
        f"{LOCAL}/posting-api/job-board/commonground?includeCompensation=true"
    )


def test_an_api_address_maps_to_itself_on_any_host() -> None:
    for local in (
        f"{LOCAL}/v1/boards/fieldnote/jobs?content=true",
        f"{LOCAL}/gh/v1/boards/fieldnote/jobs?content=true",
    ):
        assert ats_api_url(local) == local
        assert ats_vendor(local) == "greenhouse"
    for api in (GREENHOUSE_API, LEVER_API, ASHBY_API):
        assert ats_api_url(api) == api


@pytest.mark.parametrize(
    "url",
    [
        "https://fieldnote.example/careers",
        "https://boards.greenhouse.io/",
        "https://boards.greenhouse.io/embed/job_board",
        "https://jobs.lever.co/tidepool%2F..%2Fadmin",
        "javascript:alert(1)//jobs.lever.co/x",
        "https://jobs.ashbyhq.com.evil.example/commonground",
        "",
    ],
)
def test_other_addresses_are_no_known_board(url: str) -> None:
    assert ats_api_url(url) is None
    assert ats_vendor(url) is None


def test_vendor_of_board_pages_and_api_addresses_even_local_ones() -> None:
    assert ats_vendor("https://job-boards.greenhouse.io/fieldnote") == "greenhouse"
    assert ats_vendor(f"{LOCAL}/v1/boards/fieldnote/jobs?content=true") == "greenhouse"
    assert ats_vendor("https://jobs.eu.lever.co/tidepool") == "lever"
    assert ats_vendor(f"{LOCAL}/v0/postings/tidepool?mode=json") == "lever"
    assert ats_vendor(f"{LOCAL}/posting-api/job-board/commonground") == "ashby"


# --- Greenhouse -------------------------------------------------------------------------------


def test_greenhouse_board_lists_every_posting_of_the_company() -> None:
    result = _greenhouse()
    assert [i.title for i in result.items] == [
        "Senior Backend Engineer, Payments",
        "Developer Advocate",
        "Data Analyst (12-month contract)",
        "Office Manager",
    ]
    assert {i.organisation for i in result.items} == {"Fieldnote Labs"}
    assert result.title == "Fieldnote Labs"
    assert result.complete is True
    assert result.items[0].url == "https://fieldnote.example/careers/open-roles?gh_jid=4012345008"


def test_greenhouse_escaped_content_is_unescaped_then_sanitised() -> None:
    body = _greenhouse().items[0].body
    assert "<h2>What you\u2019ll do</h2>" in body
    assert "<li>Own dues billing &amp; invoicing services</li>" in body
    assert "&lt;" not in body
    assert "onerror" not in body and "<img" not in body


def test_greenhouse_location_gives_the_remote_hint() -> None:
    items = _greenhouse().items
    assert items[0].location == "New York, NY" and "remote" not in items[0].details
    assert items[1].location == "Remote - US" and items[1].details["remote"] == "remote"
    assert items[2].details["remote"] == "hybrid"


def test_greenhouse_departments_are_tags_and_ids_are_namespaced() -> None:
    advocate = _greenhouse().items[1]
    assert advocate.tags == ("Community", "Marketing")
    assert advocate.details["external_id"] == "greenhouse:fieldnote:4012399008"


def test_greenhouse_first_publication_in_utc_and_future_dates_dropped() -> None:
    items = _greenhouse().items
    assert items[0].published_at == datetime(2026, 10, 28, 14, 50, 29, tzinfo=UTC)
    assert items[3].published_at is None  # "first published" in 2031


# --- Lever ------------------------------------------------------------------------------------


def test_lever_postings_with_hosted_page_and_apply_form() -> None:
    result = _lever()
    engineer = result.items[0]
    assert len(result.items) == 4
    assert engineer.title == "Platform Engineer"
    assert engineer.url == "https://jobs.lever.co/tidepool/5ac21346-8e0c-4494-8e7a-3eb92ff77902"
    assert engineer.details["apply_url"] == engineer.url + "/apply"
    assert engineer.organisation == "Tidepool"  # Lever names no company: the board's slug
    assert engineer.details["external_id"] == "lever:tidepool:5ac21346-8e0c-4494-8e7a-3eb92ff77902"


def test_lever_salary_ranges_yearly_and_hourly() -> None:
    items = _lever().items
    assert items[0].details["salary"] == {
        "min": 128000.0,
        "max": 152000.0,
        "currency": "USD",
        "period": "year",
    }
    assert items[1].details["salary"] == {
        "min": 26.0,
        "max": 31.0,
        "currency": "USD",
        "period": "hour",
    }
    assert "salary" not in items[2].details


def test_lever_workplace_type_is_the_remote_hint() -> None:
    hints = [item.details.get("remote") for item in _lever().items]
    assert hints == ["onsite", "remote", "hybrid", None]  # "unspecified" says nothing


def test_lever_locations_commitment_and_teams() -> None:
    support = _lever().items[1]
    assert support.location == "Remote - United States; Remote - Canada"
    assert support.details["employment_type"] == "Part-time"
    assert support.details["country"] == "US"
    assert support.tags == ("Support", "Member Services")


def test_lever_creation_time_in_milliseconds() -> None:
    assert _lever().items[0].published_at == datetime(2026, 11, 13, 16, 0, tzinfo=UTC)


def test_lever_body_holds_description_lists_and_closing() -> None:
    items = _lever().items
    body = items[0].body
    assert body.index("300 worker co-ops") < body.index("<h3>What you'll do</h3>")
    assert "<h3>Benefits</h3><ul><li>Member-ownership after one year</li>" in body
    assert body.endswith("Tidepool is an equal opportunity employer.")
    assert "co-ops. What you'll do" in items[0].summary
    assert "<script" not in items[2].body and "evil.example" not in items[2].body


# --- Ashby ------------------------------------------------------------------------------------


def test_ashby_unlisted_postings_are_left_out() -> None:
    result = _ashby()
    assert [i.title for i in result.items] == [
        "Community Programs Lead",
        "Partnerships Manager",
        "Events Coordinator (Contract)",
    ]
    assert result.warnings == ()


def test_ashby_compensation_tiers_become_one_salary_range() -> None:
    items = _ashby().items
    assert items[0].details["salary"] == {
        "min": 95000.0,
        "max": 120000.0,
        "currency": "USD",
        "period": "year",
    }
    # No summary components: the tiers' own salary components, by the hour.
    assert items[2].details["salary"] == {
        "min": 38.0,
        "max": 45.0,
        "currency": "USD",
        "period": "hour",
    }


def test_ashby_compensation_the_employer_hides_is_not_shown() -> None:
    partnerships = _ashby().items[1]
    assert "salary" not in partnerships.details
    assert "salary_text" not in partnerships.details
    assert "82" not in partnerships.body + partnerships.summary


def test_ashby_stated_workplace_type_wins_over_is_remote() -> None:
    hints = [item.details["remote"] for item in _ashby().items]
    assert hints == ["remote", "hybrid", "onsite"]


def test_ashby_locations_and_address_parts() -> None:
    partnerships = _ashby().items[1]
    assert partnerships.location == "London, UK; Manchester, UK"
    assert (partnerships.details["city"], partnerships.details["country"]) == (
        "London",
        "United Kingdom",
    )
    assert partnerships.details["employment_type"] == "FullTime"
    assert partnerships.tags == ("Growth", "Partnerships")


def test_ashby_description_html_or_plain_text() -> None:
    items = _ashby().items
    assert "<p>We run mentoring circles for 60 alumni networks.</p>" in items[0].body
    assert items[0].summary.startswith("About Common Ground We run mentoring circles")
    assert items[2].body == "<p>Six months of regional meetups &amp; one national summit.</p>"
    assert items[2].published_at == datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


# --- Answers that are not board answers -------------------------------------------------------


def test_an_error_answer_is_not_a_job_board() -> None:
    with pytest.raises(NotAJobBoard, match="Job board not found"):
        _parse("greenhouse-not-found.json", GREENHOUSE_API)


def test_a_truncated_answer_is_not_a_job_board() -> None:
    with pytest.raises(NotAJobBoard, match="not JSON"):
        _parse("lever-truncated.json", LEVER_API)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (LEVER_API, (FIXTURES / "ats" / "greenhouse-jobs.json").read_bytes()),
        (GREENHOUSE_API, (FIXTURES / "ats" / "lever-postings.json").read_bytes()),
        (ASHBY_API, b"<!DOCTYPE html><html><title>Jobs</title></html>"),
        (ASHBY_API, b"[" * 100_000 + b"]" * 100_000),
        (ASHBY_API, b""),
        ("https://fieldnote.example/careers", b'{"jobs": []}'),
    ],
)
def test_bodies_of_the_wrong_shape_are_refused(url: str, body: bytes) -> None:
    with pytest.raises(NotAJobBoard):
        parse(url, body, now=NOW)


def test_answers_from_a_local_base_are_read_by_path_shape() -> None:
    body = (FIXTURES / "ats" / "lever-postings.json").read_bytes()
    result = parse(f"{LOCAL}/v0/postings/tidepool?mode=json", body, now=NOW)
    assert result.items[1].title == "Member Support Specialist"


def test_hostile_postings_are_cleaned_or_skipped() -> None:
    good: dict[str, Any] = {
        "id": 1,
        "title": "Organiser\u202e\x00 " + "x" * 1_000_000,
        "absolute_url": "https://fieldnote.example/jobs/1",
        "updated_at": "0000-00-00",
        "content": "&lt;p onclick=&quot;steal()&quot;&gt;Hi&lt;/p&gt;",
    }
    hostile = [
        good,
        "not an object",
        {"id": 2, "title": "No address"},
        {"id": 3, "title": "Script", "absolute_url": "javascript:alert(1)"},
        {"id": 4, "absolute_url": "https://fieldnote.example/jobs/4"},
    ]
    result = parse(GREENHOUSE_API, json.dumps({"jobs": hostile}).encode(), now=NOW)
    [item] = result.items
    assert len(item.title) <= MAX_TITLE and "\u202e" not in item.title and "\x00" not in item.title
    assert item.published_at is None
    assert item.body == "<p>Hi</p>"
    assert item.organisation == "Fieldnote"
    assert result.warnings == ("skipped 4 postings without a title or an address",)


def test_salary_values_that_are_not_amounts_are_dropped() -> None:
    posting = {
        "id": "p1",
        "text": "Organiser",
        "hostedUrl": "https://jobs.lever.co/tidepool/p1",
        "createdAt": 10**30,
        "salaryRange": {
            "min": "lots",
            "max": None,
            "currency": "USD",
            "interval": "per-year-salary",
        },
    }
    [item] = parse(LEVER_API, json.dumps([posting]).encode(), now=NOW).items
    assert "salary" not in item.details
    assert item.published_at is None
