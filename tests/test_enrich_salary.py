"""Derived salaries: amounts, currency and period from what was posted, annual figures when sure."""

from typing import Any

import pytest

from crawlers.enrich import enrich
from tests.enrich_items import job_item as _item

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
