"""Derived job fields: what a search filter compares (place, work mode, type, annual salary)."""

from typing import Any

import pytest

from catalog.records import ParsedItem
from crawlers.enrich import employment_type, enrich

URL = "https://jobs.example.org/jobs/1"


def _item(title: str = "Staff Accountant", location: str = "", **details: Any) -> ParsedItem:
    return ParsedItem(url=URL, title=title, location=location, details=details)


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


_NO_AMOUNT: dict[str, Any] = {"min": None, "max": None, "annual_min": None, "annual_max": None}


@pytest.mark.parametrize(
    ("text", "location", "expected"),
    [
        (
            "$120,000 - $140,000 a year",
            "Denver, CO",
            {
                "min": 120000,
                "max": 140000,
                "currency": "USD",
                "period": "year",
                "annual_min": 120000,
                "annual_max": 140000,
            },
        ),
        (
            "$55/hr",
            "Austin, TX",
            {
                "min": 55,
                "max": 55,
                "currency": "USD",
                "period": "hour",
                "annual_min": 114400,
                "annual_max": 114400,
            },
        ),
        (
            "$25 - $30 per hour",
            "Toronto, ON",
            {
                "min": 25,
                "max": 30,
                "currency": "CAD",
                "period": "hour",
                "annual_min": 52000,
                "annual_max": 62400,
            },
        ),
        # "$" with no known country names no currency: amounts kept, nothing annualised.
        (
            "$55/hr",
            "Remote",
            {
                "min": 55,
                "max": 55,
                "currency": None,
                "period": "hour",
                "annual_min": None,
                "annual_max": None,
            },
        ),
        (
            "£45k\u2013£55k",  # an en dash
            "London, UK",
            {
                "min": 45000,
                "max": 55000,
                "currency": "GBP",
                "period": None,
                "annual_min": None,
                "annual_max": None,
            },
        ),
        (
            "€60.000 per annum",
            "Berlin, Germany",
            {
                "min": 60000,
                "max": 60000,
                "currency": "EUR",
                "period": "year",
                "annual_min": 60000,
                "annual_max": 60000,
            },
        ),
        (
            "USD 90K-110K",
            "",
            {
                "min": 90000,
                "max": 110000,
                "currency": "USD",
                "period": None,
                "annual_min": None,
                "annual_max": None,
            },
        ),
        (
            "80-95k",
            "Denver, CO",
            {
                "min": 80000,
                "max": 95000,
                "currency": None,
                "period": None,
                "annual_min": None,
                "annual_max": None,
            },
        ),
        (
            "CAD 70,000/yr",
            "",
            {
                "min": 70000,
                "max": 70000,
                "currency": "CAD",
                "period": "year",
                "annual_min": 70000,
                "annual_max": 70000,
            },
        ),
        (
            "C$4,500 monthly",
            "",
            {
                "min": 4500,
                "max": 4500,
                "currency": "CAD",
                "period": "month",
                "annual_min": 54000,
                "annual_max": 54000,
            },
        ),
        (
            "$1,200 / week",
            "Denver, CO",
            {
                "min": 1200,
                "max": 1200,
                "currency": "USD",
                "period": "week",
                "annual_min": 62400,
                "annual_max": 62400,
            },
        ),
        (
            "$310 per day",
            "Denver, CO",
            {
                "min": 310,
                "max": 310,
                "currency": "USD",
                "period": "day",
                "annual_min": 80600,
                "annual_max": 80600,
            },
        ),
        (
            "Up to $90,000 annually",
            "Denver, CO",
            {
                "min": None,
                "max": 90000,
                "currency": "USD",
                "period": "year",
                "annual_min": None,
                "annual_max": 90000,
            },
        ),
        (
            "From $50k per year",
            "Denver, CO",
            {
                "min": 50000,
                "max": None,
                "currency": "USD",
                "period": "year",
                "annual_min": 50000,
                "annual_max": None,
            },
        ),
        (
            "$21.50 an hour",
            "Denver, CO",
            {
                "min": 21.5,
                "max": 21.5,
                "currency": "USD",
                "period": "hour",
                "annual_min": 44720,
                "annual_max": 44720,
            },
        ),
        ("$", "Denver, CO", {**_NO_AMOUNT, "currency": "USD", "period": None}),
        ("Competitive", "Denver, CO", {**_NO_AMOUNT, "currency": None, "period": None}),
        ("DOE", "Denver, CO", {**_NO_AMOUNT, "currency": None, "period": None}),
        ("k", "", {**_NO_AMOUNT, "currency": None, "period": None}),
        # Absurd amounts are dropped and never annualised.
        ("$0 a year", "Denver, CO", {**_NO_AMOUNT, "currency": "USD", "period": "year"}),
        ("-$50,000 a year", "Denver, CO", {**_NO_AMOUNT, "currency": "USD", "period": "year"}),
        (
            "$99,000,000 a year",
            "Denver, CO",
            {**_NO_AMOUNT, "currency": "USD", "period": "year"},
        ),
        ("$9,000/hr", "Denver, CO", {**_NO_AMOUNT, "currency": "USD", "period": "hour"}),
    ],
)
def test_salary_text_is_parsed_and_annualised_only_when_period_and_currency_are_known(
    text: str, location: str, expected: dict[str, Any]
) -> None:
    salary = enrich(_item(location=location, salary_text=text)).details["salary"]
    assert salary == {**expected, "text": text}


def test_pennsylvania_is_not_per_annum() -> None:
    salary = enrich(_item(salary_text="$95,000, Pittsburgh, PA")).details["salary"]
    assert salary["period"] is None
    assert salary["annual_min"] is None


def test_a_structured_salary_is_annualised_and_wins_over_the_text() -> None:
    item = _item(
        location="Denver, CO",
        salary={"min": 30, "max": 35.5, "currency": "usd", "period": "HOUR"},
        salary_text="Competitive",
    )
    assert enrich(item).details["salary"] == {
        "min": 30.0,
        "max": 35.5,
        "currency": "USD",
        "period": "hour",
        "annual_min": 62400.0,
        "annual_max": 73840.0,
        "text": "Competitive",
    }


@pytest.mark.parametrize(
    "salary",
    [
        {"min": 0, "max": 0, "currency": "USD", "period": "year"},
        {"min": -10, "max": None, "currency": "USD", "period": "year"},
        {"min": True, "max": "lots", "currency": "USD", "period": "year"},
        {"min": float("nan"), "currency": "USD", "period": "year"},
        "a hundred grand",
        ["50000"],
    ],
)
def test_a_structured_salary_with_no_sane_amount_is_removed(salary: Any) -> None:
    assert "salary" not in enrich(_item(salary=salary)).details


def test_an_unknown_currency_is_kept_as_posted_and_not_converted() -> None:
    salary = enrich(_item(salary={"min": 5, "max": None, "currency": "XBT", "period": "month"}))
    assert salary.details["salary"]["currency"] == "XBT"
    assert salary.details["salary"]["annual_min"] == 60  # 5 XBT a month, still in XBT
    assert (
        enrich(_item(salary={"min": 5, "currency": "bitcoin", "period": "month"})).details[
            "salary"
        ]["annual_min"]
        is None
    )


def test_a_yen_salary_in_the_millions_is_not_absurd() -> None:
    item = _item(location="Tokyo, Japan", salary_text="¥6,000,000 per year")
    assert enrich(item).details["salary"]["annual_min"] == 6_000_000


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
