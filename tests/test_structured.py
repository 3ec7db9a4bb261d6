"""The pure schema.org parser on saved pages: career centres, ATS pages, listings, meetups."""

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from crawlers.normalise import MAX_BODY, MAX_TITLE
from crawlers.results import ParseResult
from crawlers.structured import MAX_ITEMS, NoStructuredData, parse, structured_types
from tests.conftest import FIXTURES

BASE = "http://careers.example.org"
NOW = datetime(2026, 11, 25, tzinfo=UTC)
CAREER_URL = f"{BASE}/jobs/senior-environmental-planner-cascadia-water-district/"


def _body(name: str) -> bytes:
    return (FIXTURES / "structured" / name).read_bytes().replace(b"{{BASE}}", BASE.encode())


def _parse(name: str, url: str = "") -> ParseResult:
    return parse(url or f"{BASE}/pages/{name}", _body(name), now=NOW)


def _page(*blocks: Any, extra: str = "") -> bytes:
    """A page holding each block as one JSON-LD script (strings are written as they are)."""
    scripts = "".join(
        '<script type="application/ld+json">'
        + (block if isinstance(block, str) else json.dumps(block, ensure_ascii=False))
        + "</script>"
        for block in blocks
    )
    return f"<html><head><title>t</title>{scripts}</head><body>{extra}</body></html>".encode()


def _job(**fields: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "JobPosting", "title": "Organiser", **fields}


# --- Association career centre: one JobPosting on its detail page ----------------------------


def test_career_centre_posting_has_title_employer_and_place() -> None:
    [item] = _parse("career-centre-job.html", CAREER_URL).items
    assert item.kind == "job"
    assert item.title == "Senior Environmental Planner"
    assert item.organisation == "Cascadia Water District"
    assert item.location == "Portland, OR, US"
    assert (item.details["city"], item.details["region"], item.details["country"]) == (
        "Portland",
        "OR",
        "US",
    )


def test_yearly_salary_range_is_kept_with_currency_and_period() -> None:
    [item] = _parse("career-centre-job.html", CAREER_URL).items
    assert item.details["salary"] == {
        "min": 88400.0,
        "max": 112600.0,
        "currency": "USD",
        "period": "year",
    }


def test_valid_through_as_a_date_means_the_end_of_that_day_utc() -> None:
    [item] = _parse("career-centre-job.html", CAREER_URL).items
    assert item.details["valid_through"] == "2026-12-31T23:59:59+00:00"


def test_date_posted_with_an_offset_is_stored_in_utc() -> None:
    [item] = _parse("career-centre-job.html", CAREER_URL).items
    assert item.published_at == datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


def test_identifier_becomes_a_namespaced_external_id() -> None:
    [item] = _parse("career-centre-job.html", CAREER_URL).items
    assert item.details["external_id"] == "schema:Cascadia Water District:CWD-2026-114"
    assert item.details["employment_type"] == "FULL_TIME"


def test_description_is_sanitised_and_summarised() -> None:
    [item] = _parse("career-centre-job.html", CAREER_URL).items
    assert "<li>Manage consultant teams</li>" in item.body
    assert "<script" not in item.body and "document.cookie" not in item.body
    assert item.summary.startswith("Cascadia Water District seeks a Senior Environmental Planner")
    assert "<" not in item.summary


def test_a_detail_page_is_the_item_url_without_tracking_and_is_not_complete() -> None:
    result = _parse("career-centre-job.html", CAREER_URL + "?utm_source=newsletter")
    assert result.items[0].url == CAREER_URL
    assert result.items[0].key == ""
    assert result.complete is False
    assert result.title.startswith("Senior Environmental Planner | Cascadia Water District")


# --- ATS-hosted page: @graph with Organization, WebPage and a remote JobPosting --------------


def test_graph_posting_names_its_employer_through_an_id_reference() -> None:
    [item] = _parse("ats-job.html", f"{BASE}/jobs/4821-data-engineer").items
    assert item.title == "Data Engineer (Contract, Remote)"
    assert item.organisation == "Open Source Collective"
    assert item.details["external_id"] == "schema:Open Source Collective:4821"


def test_telecommute_posting_is_remote_for_the_applicant_countries() -> None:
    [item] = _parse("ats-job.html", f"{BASE}/jobs/4821-data-engineer").items
    assert item.details["remote"] == "TELECOMMUTE"
    assert item.location == "United States; Canada"
    assert item.details["employment_type"] == "CONTRACTOR"


def test_an_expired_posting_is_returned_with_its_past_closing_time() -> None:
    [item] = _parse("ats-job.html", f"{BASE}/jobs/4821-data-engineer").items
    closes = datetime.fromisoformat(item.details["valid_through"])
    assert closes == datetime(2026, 10, 1, 23, 59, 59, tzinfo=UTC)
    assert closes < NOW


def test_html_escaped_once_more_inside_json_is_read_as_html() -> None:
    [item] = _parse("ats-job.html", f"{BASE}/jobs/4821-data-engineer").items
    assert "<b>2,400 open source maintainers</b>" in item.body
    assert "&lt;" not in item.body and "&lt;" not in item.summary


# --- A listing page with a JSON-LD list of three postings ------------------------------------


def test_listing_gives_every_posting_and_is_complete() -> None:
    result = _parse("listing.html", f"{BASE}/about/careers")
    assert [i.title for i in result.items] == [
        "Membership Coordinator",
        "Events Manager",
        "Grants Writer (Part-time)",
    ]
    assert result.complete is True
    assert result.follow == ()


def test_postings_without_their_own_page_each_get_a_distinct_identity() -> None:
    items = _parse("listing.html", f"{BASE}/about/careers").items
    assert items[0].url == f"{BASE}/about/careers/membership-coordinator"
    assert items[1].url == items[2].url == f"{BASE}/about/careers"
    keys = {item.key or item.url for item in items}
    assert len(keys) == 3
    assert all(k.startswith(f"{BASE}/about/careers#") for k in (items[1].key, items[2].key))


def test_identities_do_not_change_when_the_listing_is_reordered() -> None:
    blocks = json.loads(
        _body("listing.html").split(b'ld+json">')[1].split(b"</script>")[0].decode("utf-8")
    )
    before = parse(f"{BASE}/about/careers", _page(blocks), now=NOW).items
    after = parse(f"{BASE}/about/careers", _page(blocks[::-1]), now=NOW).items
    assert {i.title: i.key for i in before} == {i.title: i.key for i in after}


def test_several_job_locations_and_employment_types_are_all_kept() -> None:
    events_manager = _parse("listing.html", f"{BASE}/about/careers").items[1]
    assert events_manager.location == "Dubuque, IA, US; Galena, IL, US"
    assert events_manager.details["employment_type"] == "FULL_TIME, TEMPORARY"


def test_a_salary_written_as_text_is_kept_as_posted() -> None:
    grants_writer = _parse("listing.html", f"{BASE}/about/careers").items[2]
    assert "salary" not in grants_writer.details
    assert grants_writer.details["salary_text"] == "$28\u2013$34 an hour, depending on experience"
    assert grants_writer.location == "Dubuque, Iowa"


def test_a_country_object_and_a_plain_employer_name_are_read() -> None:
    coordinator = _parse("listing.html", f"{BASE}/about/careers").items[0]
    assert coordinator.details["country"] == "US"
    assert coordinator.organisation == "Riverbend Community Foundation"


# --- Microdata only ---------------------------------------------------------------------------


def test_microdata_posting_with_hourly_pay() -> None:
    [item] = _parse("microdata-job.html", f"{BASE}/jobs/").items
    assert item.title == "Line Cook (Deli Kitchen)"
    assert item.organisation == "Northside Food Co-op"
    assert item.url == f"{BASE}/jobs/line-cook-deli"
    assert item.location == "Minneapolis, MN, US"
    assert item.details["salary"] == {"min": 18.5, "max": 22.0, "currency": "USD", "period": "hour"}
    assert item.published_at == datetime(2026, 11, 12, 14, 15, tzinfo=UTC)


def test_the_same_posting_in_json_ld_and_microdata_is_one_item() -> None:
    microdata = _body("microdata-job.html").decode().split("<body>")[1].split("</body>")[0]
    page = _page(
        _job(title="Line Cook (Deli Kitchen)", url=f"{BASE}/jobs/line-cook-deli"),
        extra=microdata,
    )
    # The JSON-LD states no location and the microdata does; it is still one posting.
    [item] = parse(f"{BASE}/jobs/line-cook-deli", page, now=NOW).items
    assert item.url == f"{BASE}/jobs/line-cook-deli"
    assert item.key == ""


# --- Events -----------------------------------------------------------------------------------


def test_cancelled_event_is_marked_cancelled() -> None:
    item = _parse("event.html", f"{BASE}/chipy/events/").items[0]
    assert item.kind == "event"
    assert item.title == "ChiPy December Meetup: Typing in Practice"
    assert item.status == "cancelled"
    assert item.details["event"]["status"] == "cancelled"


def test_event_times_in_utc_with_venue_and_mixed_attendance() -> None:
    item = _parse("event.html", f"{BASE}/chipy/events/").items[0]
    event = item.details["event"]
    assert event["start"] == "2026-12-04T00:30:00+00:00"
    assert event["end"] == "2026-12-04T02:30:00+00:00"
    assert event["attendance"] == "mixed"
    assert event["venue"] == "Braintree Offices"
    assert "timezone" not in event  # an offset alone does not name a time zone
    assert item.location == "Chicago, IL, US"
    assert item.organisation == "Chicago Python Users Group"


def test_event_ticket_offer_is_where_to_register() -> None:
    item = _parse("event.html", f"{BASE}/chipy/events/").items[0]
    assert item.url == f"{BASE}/chipy/events/301115544/"
    assert item.details["apply_url"] == "https://tickets.example.com/e/chipy-december-2026"


def test_a_named_time_zone_is_kept_and_reads_local_times() -> None:
    project_night = _parse("event.html", f"{BASE}/chipy/events/").items[1]
    event = project_night.details["event"]
    assert event["timezone"] == "America/Chicago"
    assert event["start"] == "2027-01-15T00:00:00+00:00"  # 18:00 in Chicago, January
    assert event["attendance"] == "in-person"
    assert project_night.status == "active"


def test_a_listing_that_continues_is_not_complete_and_names_its_next_page() -> None:
    result = _parse("event.html", f"{BASE}/chipy/events/")
    # The cancelled meetup, then the monthly project night from 14 January to the horizon.
    assert [item.title for item in result.items] == [
        "ChiPy December Meetup: Typing in Practice"
    ] + ["ChiPy Project Night"] * 5
    assert result.complete is False
    assert result.follow == (f"{BASE}/chipy/events/?page=2",)


def test_an_online_only_event_and_an_unknown_time_zone() -> None:
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Webinar: grant reporting",
        "startDate": "2026-12-10",
        "timezone": "Mars/Olympus_Mons",
        "location": {"@type": "VirtualLocation", "url": "https://meet.example/abc"},
    }
    [item] = parse(f"{BASE}/events/webinar", _page(event), now=NOW).items
    facts = item.details["event"]
    assert facts["attendance"] == "online"
    assert facts["all_day"] is True
    assert facts["start"] == "2026-12-10T00:00:00+00:00"
    assert "timezone" not in facts


# --- Hostile structured data ------------------------------------------------------------------


def test_a_broken_block_is_skipped_and_the_others_are_kept() -> None:
    result = _parse("broken-jsonld.html", f"{BASE}/jobs/")
    titles = [i.title for i in result.items]
    # The commented block with trailing commas and a control character is repaired; the one
    # cut short is skipped with a warning; the good block's posting sits in a nested @graph.
    assert titles == ["Field Trip Leader (Seasonal)", "Volunteer Coordinator"]
    assert any("JSON-LD block 2 skipped" in w for w in result.warnings)
    assert result.items[1].location == "Bolinas, CA, US"


def test_bogus_dates_are_no_dates() -> None:
    leader = _parse("broken-jsonld.html", f"{BASE}/jobs/").items[0]
    assert leader.published_at is None  # "0000-00-00"
    assert "valid_through" not in leader.details  # "next Tuesday"


@pytest.mark.parametrize(
    "value", ["2099-01-01T00:00:00Z", "1970-01-01", "2026-13-45", "2026-11-01T25:00", True]
)
def test_implausible_publication_dates_are_dropped(value: object) -> None:
    [item] = parse(f"{BASE}/j", _page(_job(datePosted=value)), now=NOW).items
    assert item.published_at is None


def test_giant_strings_are_cut_to_size() -> None:
    # A one-megabyte title and description, as hostile pages send them.
    giant = _job(title="Organiser " * 100_000, description="<p>" + "word " * 200_000 + "</p>")
    started = time.monotonic()
    [item] = parse(f"{BASE}/j", _page(giant), now=NOW).items
    assert time.monotonic() - started < 10
    assert len(item.title) <= MAX_TITLE and item.title.endswith("…")
    assert len(item.body) <= MAX_BODY


def test_deep_nesting_costs_one_block() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    result = parse(f"{BASE}/j", _page(deep, _job()), now=NOW)
    assert [i.title for i in result.items] == ["Organiser"]
    assert any("JSON-LD block 1 skipped" in w for w in result.warnings)


def test_a_page_of_thousands_of_postings_is_bounded() -> None:
    many = [_job(title=f"Role {n}", url=f"{BASE}/j/{n}") for n in range(MAX_ITEMS + 300)]
    result = parse(f"{BASE}/jobs", _page(many), now=NOW)
    assert len(result.items) == MAX_ITEMS
    assert any(f"first {MAX_ITEMS}" in w for w in result.warnings)


def test_salary_amounts_that_are_not_numbers_are_not_invented() -> None:
    amounts = {"@type": "QuantitativeValue", "minValue": "85k", "maxValue": "NaN"}
    salary = {"@type": "MonetaryAmount", "currency": "US$", "value": amounts}
    [item] = parse(f"{BASE}/j", _page(_job(baseSalary=salary)), now=NOW).items
    assert "salary" not in item.details


def test_a_single_monthly_amount_with_an_unknown_currency() -> None:
    amount = {"@type": "QuantitativeValue", "value": "4,500", "unitText": "MONTH"}
    salary = {"@type": "MonetaryAmount", "currency": "US$", "value": amount}
    [item] = parse(f"{BASE}/j", _page(_job(baseSalary=salary)), now=NOW).items
    assert item.details["salary"] == {
        "min": 4500.0,
        "max": 4500.0,
        "currency": None,
        "period": "month",
    }


def test_an_off_site_url_is_where_to_apply_not_the_item() -> None:
    posting = _job(url="https://apply.workforce.example/req/991?utm_source=x", jobLocationType="")
    [item] = parse(f"{BASE}/jobs/organiser", _page(posting), now=NOW).items
    assert item.url == f"{BASE}/jobs/organiser"
    assert item.details["apply_url"] == "https://apply.workforce.example/req/991"


def test_type_given_as_a_list_with_a_prefix() -> None:
    posting = _job(**{"@type": ["schema:JobPosting", "Thing"]})
    assert [i.title for i in parse(f"{BASE}/j", _page(posting), now=NOW).items] == ["Organiser"]


# --- Pages without postings -------------------------------------------------------------------


def test_a_page_without_structured_data_is_refused() -> None:
    with pytest.raises(NoStructuredData, match="no structured data at all"):
        _parse("no-data.html")


def test_refusal_names_the_types_the_page_does_hold() -> None:
    organisation = {"@context": "https://schema.org", "@type": "Organization", "name": "Union"}
    with pytest.raises(NoStructuredData, match="found: Organization"):
        parse(f"{BASE}/about", _page(organisation), now=NOW)


def test_structured_types_lists_what_a_page_holds() -> None:
    types = structured_types(f"{BASE}/jobs/4821-data-engineer", _body("ats-job.html"))
    assert {"JobPosting", "Organization", "WebPage"} <= types
    assert "Event" in structured_types(f"{BASE}/chipy/events/", _body("event.html"))
    assert structured_types(f"{BASE}/about", _body("no-data.html")) == set()


@pytest.mark.parametrize("body", [b"", b"   ", b"\x00\xff\xfe%PDF-1.4", b'{"jobs": []}'])
def test_bodies_that_are_not_pages_are_refused_without_crashing(body: bytes) -> None:
    assert structured_types(f"{BASE}/x", body) == set()
    with pytest.raises(NoStructuredData):
        parse(f"{BASE}/x", body, now=NOW)


def test_a_page_in_its_declared_legacy_charset_keeps_its_accents() -> None:
    page = _page(_job(title="Animateur café-réparation", hiringOrganization="Société Vélo"))
    latin1 = page.replace(b"<head>", b'<head><meta charset="iso-8859-1">').decode()
    [item] = parse(f"{BASE}/j", latin1.encode("latin-1"), now=NOW).items
    assert item.title == "Animateur café-réparation"
    assert item.organisation == "Société Vélo"


def test_a_utf16_page_with_a_byte_order_mark_is_read() -> None:
    page = _page(_job(title="Coordinatrice bénévoles")).decode()
    [item] = parse(f"{BASE}/j", page.encode("utf-16"), now=NOW).items
    assert item.title == "Coordinatrice bénévoles"
