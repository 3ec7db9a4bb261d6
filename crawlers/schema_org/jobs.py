"""schema.org JobPosting objects as job items: employer, places, salary, closing date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from catalog.records import ParsedItem
from crawlers.normalise import (
    MAX_TITLE,
    absolute_http_url,
    canonical_url,
    clean_text,
    plausible_date,
)
from crawlers.schema_org.graph import Context, many, one
from crawlers.schema_org.places import places_of
from crawlers.schema_org.values import (
    body_and_summary,
    currency_code,
    identifier_of,
    instant,
    iso,
    item_url,
    plain_number,
    text_of,
)

PERIODS = {
    "HOUR": "hour",
    "HOURLY": "hour",
    "DAY": "day",
    "DAILY": "day",
    "WEEK": "week",
    "WEEKLY": "week",
    "MONTH": "month",
    "MONTHLY": "month",
    "YEAR": "year",
    "YEARLY": "year",
    "ANNUAL": "year",
    "ANNUALLY": "year",
}


def read_job(node: dict[str, Any], context: Context) -> tuple[ParsedItem, str] | None:
    title = clean_text(text_of(node.get("title") or node.get("name")), MAX_TITLE)
    if not title:
        return None
    ids = context.ids
    organisation = clean_text(text_of(one(node.get("hiringOrganization"), ids)))
    location, details = places_of(node.get("jobLocation"), ids)
    location = location or _applicant_locations(node, ids)
    details.update(_job_details(node, context))
    url, elsewhere = item_url(node, context.page_url)
    # directApply is a boolean in schema.org, but some publishers put the form's address there.
    apply_url = absolute_http_url(context.page_url, text_of(node.get("directApply"))) or elsewhere
    if apply_url and canonical_url(apply_url) != url:
        details["apply_url"] = canonical_url(apply_url)
    identifier = identifier_of(node.get("identifier"))
    if identifier:
        owner = organisation or urlsplit(context.page_url).hostname or ""
        details["external_id"] = f"schema:{owner}:{identifier}"
    item = _job_item(
        node,
        context,
        url=url,
        title=title,
        organisation=organisation,
        location=location,
        details=details,
    )
    return item, identifier


def _job_item(
    node: dict[str, Any],
    context: Context,
    *,
    url: str,
    title: str,
    organisation: str,
    location: str,
    details: dict[str, Any],
) -> ParsedItem:
    """The posting's text, dates and tags around what `read_job` worked out."""
    body, summary = body_and_summary(node.get("description"))
    return ParsedItem(
        url=url,
        title=title,
        kind="job",
        summary=summary,
        body=body,
        organisation=organisation,
        location=location,
        published_at=plausible_date(instant(node.get("datePosted"))[0], context.now),
        tags=_tags(node, ("occupationalCategory", "industry")),
        details=details,
    )


def _applicant_locations(node: dict[str, Any], ids: Mapping[str, dict[str, Any]]) -> str:
    """Where a remote posting's applicants may live, when it names no workplace."""
    names = [clean_text(text_of(v)) for v in many(node.get("applicantLocationRequirements"), ids)]
    return clean_text("; ".join(name for name in names if name))


def _job_details(node: dict[str, Any], context: Context) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if "TELECOMMUTE" in text_of(node.get("jobLocationType")).upper():
        details["remote"] = "TELECOMMUTE"
    employment = many(node.get("employmentType"), context.ids)
    employment_type = clean_text(", ".join(t for t in map(text_of, employment) if t))
    if employment_type:
        details["employment_type"] = employment_type
    salary = _salary(one(node.get("baseSalary"), context.ids))
    if salary:
        details["salary"] = salary
    elif isinstance(node.get("baseSalary"), str):
        details["salary_text"] = clean_text(node["baseSalary"])
    valid_through = _valid_through(node.get("validThrough"))
    if valid_through:
        details["valid_through"] = valid_through
    return details


def _salary(value: Any) -> dict[str, Any] | None:
    """A MonetaryAmount as {"min", "max", "currency", "period"}, or None without an amount."""
    if not isinstance(value, dict):
        return None
    amount = value.get("value")
    if isinstance(amount, list):
        amount = amount[0] if amount else None
    unit = value.get("unitText")
    if isinstance(amount, dict):
        low, high = plain_number(amount.get("minValue")), plain_number(amount.get("maxValue"))
        single, unit = plain_number(amount.get("value")), amount.get("unitText") or unit
    else:
        low = high = None
        single = plain_number(amount)
    if low is None and high is None:
        low = high = single
    if low is None and high is None:
        return None
    period = PERIODS.get(text_of(unit).strip().upper().replace("PER ", ""))
    return {
        "min": low,
        "max": high,
        "currency": currency_code(value.get("currency")),
        "period": period,
    }


def _valid_through(value: Any) -> str:
    """The closing instant in UTC; a date alone means the end of that day (UTC)."""
    closes, date_only = instant(value)
    if closes is None:
        return ""
    if date_only:
        closes += timedelta(days=1, seconds=-1)
    return iso(closes)


def _tags(node: dict[str, Any], keys: tuple[str, ...]) -> tuple[str, ...]:
    tags: list[str] = []
    for key in keys:
        for value in many(node.get(key), {}):
            tag = clean_text(text_of(value), 80)
            if tag and tag not in tags:
                tags.append(tag)
    return tuple(tags[:10])
