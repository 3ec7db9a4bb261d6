"""Derived job fields: what a search filter compares (place, work mode, type, instants in UTC)."""

from typing import Any

import pytest

from catalog.records import ParsedItem
from crawlers.enrich import enrich
from crawlers.enrichment.employment import employment_type
from tests.enrich_items import URL
from tests.enrich_items import job_item as _item


def _place(item: ParsedItem) -> tuple[str, str, str]:
    d = item.details
    return (d.get("city", ""), d.get("region", ""), d.get("country", ""))


@pytest.mark.parametrize(
    ("location", "place"),
    [
        ("Denver, CO", ("Denver", "CO", "US")),
        ("Denver, Colorado", ("Denver", "CO", "US")),
        ("Denver, CO 80202", ("Denver", "CO", "US")),
        ("Winston-Salem, NC", ("Winston-Salem", "NC", "US")),
        ("Washington, D.C.", ("Washington", "DC", "US")),
        ("Denver, CO, USA", ("Denver", "CO", "US")),
        ("Toronto, ON, Canada", ("Toronto", "ON", "CA")),
        ("Toronto, ON, CA", ("Toronto", "ON", "CA")),
        ("Vancouver, British Columbia", ("Vancouver", "BC", "CA")),
        ("London, UK", ("London", "", "GB")),
        ("London, United Kingdom", ("London", "", "GB")),
        ("Berlin, Deutschland", ("Berlin", "", "DE")),
        ("Paris, Île-de-France, France", ("Paris", "Île-de-France", "FR")),
        ("Remote - US", ("", "", "US")),
        ("Remote (Canada)", ("", "", "CA")),
        ("US-Remote", ("", "", "US")),
        ("Chicago, IL (Hybrid)", ("Chicago", "IL", "US")),
        ("Texas", ("", "TX", "US")),
        # Nothing we are sure of: no part is filled.
        ("Anywhere", ("", "", "")),
        ("Remote", ("", "", "")),
        ("Portland", ("", "", "")),
        ("Georgia", ("", "", "")),  # the state or the country
        ("Remote - CA", ("", "", "")),  # California or Canada
        ("Multiple Locations", ("", "", "")),
        ("123 Main St, Springfield", ("", "", "")),
    ],
)
def test_location_is_split_only_as_far_as_it_is_sure(
    location: str, place: tuple[str, str, str]
) -> None:
    assert _place(enrich(_item(location=location))) == place


def test_parts_the_source_stated_win_over_the_posted_text() -> None:
    item = enrich(_item(location="Denver, CO", city="Aurora", country="United States"))
    assert _place(item) == ("Aurora", "", "US")


@pytest.mark.parametrize(
    ("hint", "location", "title", "mode"),
    [
        ("TELECOMMUTE", "", "Analyst", "remote"),
        ("Work from home", "", "Analyst", "remote"),
        ("WFH", "", "Analyst", "remote"),
        ("Hybrid remote", "", "Analyst", "hybrid"),
        ("on-site", "", "Analyst", "onsite"),
        ("In office", "", "Analyst", "onsite"),
        ("Not remote", "", "Analyst", "onsite"),
        (None, "Remote - US", "Analyst", "remote"),
        (None, "Anywhere", "Analyst", "remote"),
        (None, "Chicago, IL (Hybrid)", "Analyst", "hybrid"),
        (None, "", "Data Analyst (Remote)", "remote"),
        (None, "", "Data Analyst | Acme | Hybrid", "hybrid"),
        (None, "", "Remote - Payroll Specialist", "remote"),
        # Nothing says so: unset, not guessed.
        (None, "Denver, CO", "Analyst", None),
        (None, "", "Remote Sensing Analyst", None),
        (None, "", "Remote Patient Monitoring Nurse", None),
        ("banana", "", "Analyst", None),
    ],
)
def test_work_mode_comes_from_hints_location_or_title(
    hint: str | None, location: str, title: str, mode: str | None
) -> None:
    details = {"remote": hint} if hint is not None else {}
    item = enrich(_item(title=title, location=location, **details))
    assert item.details.get("remote") == mode


def test_a_body_that_mentions_remote_in_passing_does_not_make_a_remote_job() -> None:
    item = ParsedItem(
        url=URL,
        title="Accounts Payable Clerk",
        location="Denver, CO",
        body="<p>On site five days; remote access to the ERP is provided.</p>",
        summary="On site five days; remote access to the ERP is provided.",
    )
    assert "remote" not in enrich(item).details


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("FULL_TIME", "full-time"),
        ("Full Time", "full-time"),
        ("full-time", "full-time"),
        ("FT", "full-time"),
        ("PART_TIME", "part-time"),
        ("Part-time", "part-time"),
        ("CONTRACTOR", "contract"),
        ("Contract to hire", "contract"),
        ("Freelance", "contract"),
        ("INTERN", "internship"),
        ("Internship", "internship"),
        ("Co-op", "internship"),
        ("TEMPORARY", "temporary"),
        ("Temp", "temporary"),
        ("Seasonal", "temporary"),
        ("VOLUNTEER", "volunteer"),
        ("PER_DIEM", "per-diem"),
        ("PRN", "per-diem"),
        ("OTHER", "other"),
        ("Design", "other"),  # a site category in the type field: known to be something
        (["CONTRACTOR", "FULL_TIME"], "contract"),  # a list: its first known type
        ("Full-time, Contract", "full-time"),
        ("Internal Audit, Full Time", "full-time"),  # "Internal" is not "Intern"
        ("", ""),
        ([], ""),
        (42, ""),
    ],
)
def test_employment_type_is_one_of_the_known_values(raw: Any, normalised: str) -> None:
    assert employment_type(raw) == normalised


def test_an_empty_employment_type_is_removed() -> None:
    assert "employment_type" not in enrich(_item(employment_type="  ")).details


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-31T23:59:00-07:00", "2027-01-01T06:59:00+00:00"),
        ("2026-12-31T10:00:00Z", "2026-12-31T10:00:00+00:00"),
        ("2026-12-31", "2026-12-31T00:00:00+00:00"),
        ("0000-00-00", None),
        ("next Tuesday", None),
        (12345, None),
    ],
)
def test_valid_through_is_an_instant_in_utc_or_dropped(raw: Any, expected: str | None) -> None:
    assert enrich(_item(valid_through=raw)).details.get("valid_through") == expected


def test_event_start_and_end_are_utc_and_bogus_ones_dropped() -> None:
    event = {"start": "2026-12-03T18:00:00-05:00", "end": "soon", "timezone": "America/New_York"}
    enriched = enrich(_item(event=event)).details["event"]
    assert enriched == {"start": "2026-12-03T23:00:00+00:00", "timezone": "America/New_York"}
    assert event["end"] == "soon"  # the parser's dict is not changed in place


def test_title_and_organisation_are_cleaned() -> None:
    item = ParsedItem(
        url=URL, title="  Pay\u202eroll\x00 Clerk\n", organisation="Acme\u0007  Corp ", location=" "
    )
    enriched = enrich(item)
    assert (enriched.title, enriched.organisation, enriched.location) == (
        "Payroll Clerk",
        "Acme Corp",
        "",
    )
    assert len(enrich(ParsedItem(url=URL, title="x" * 1_000_000)).title) <= 500


_ALL_KINDS_OF_ITEM = [
    _item(location="Remote - US", remote="TELECOMMUTE", employment_type=["FULL_TIME"]),
    _item(location="Toronto, ON", salary_text="$25 - $30 per hour"),
    _item(location="", salary_text="Competitive"),
    _item(salary={"min": 0, "currency": "USD", "period": "year"}, salary_text="$80k a year"),
    _item(salary={"min": 99e9, "currency": "USD", "period": "year"}, salary_text="$"),
    _item(title="Data Analyst (Remote)", valid_through="2026-12-31"),
    _item(event={"start": "2026-12-03", "end": "x"}, country="Deutschland"),
]


@pytest.mark.parametrize("item", _ALL_KINDS_OF_ITEM)
def test_enriching_twice_changes_nothing(item: ParsedItem) -> None:
    once = enrich(item)
    assert enrich(once) == once


def test_the_input_item_is_left_as_it_was() -> None:
    item = _item(location="Denver, CO", salary_text="$90k a year", remote="WFH")
    before = dict(item.details)
    enrich(item)
    assert item.details == before
