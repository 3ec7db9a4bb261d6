"""Ashby's job-board API: {"jobs": [{"title", "jobUrl", "descriptionHtml", "compensation"}]}."""

from __future__ import annotations

import re
from typing import Any

from catalog.records import ParsedItem
from crawlers.ats.common import Board, posting_item
from crawlers.ats.values import (
    PERIODS,
    address_parts,
    as_list,
    iso_instant,
    names_of,
    nested,
    paragraph,
    plain_number,
    salary_range,
    texts_of,
    unique,
)
from crawlers.normalise import clean_text, json_text


def read_posting(job: dict[str, Any], board: Board) -> ParsedItem | None:
    secondary = as_list(job.get("secondaryLocations"))[:50]
    places = [job.get("location")] + [nested(place, "location") for place in secondary]
    details = address_parts(nested(job, "address", "postalAddress"))
    details["remote"] = _ashby_workplace(job)
    details["employment_type"] = clean_text(json_text(job.get("employmentType")))
    details.update(_ashby_compensation(job))
    return posting_item(
        board,
        job,
        title=job.get("title"),
        url=job.get("jobUrl"),
        apply_url=job.get("applyUrl"),
        body=json_text(job.get("descriptionHtml")) or paragraph(job.get("descriptionPlain")),
        location=clean_text("; ".join(unique(texts_of(places)))),
        published=iso_instant(job.get("publishedAt") or job.get("updatedAt")),
        tags=unique(names_of([job.get("department"), job.get("team")])),
        details=details,
    )


def _ashby_workplace(job: dict[str, Any]) -> str:
    """The stated workplace type wins: Ashby marks some hybrid postings isRemote as well."""
    stated = re.sub(r"[^a-z]", "", json_text(job.get("workplaceType")).lower())
    named = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"}.get(stated, "")
    return named or ("remote" if job.get("isRemote") is True else "")


def _ashby_compensation(job: dict[str, Any]) -> dict[str, Any]:
    """The salary range of the compensation tiers, or their summary as text; nothing at all
    when the employer chose not to show compensation on its postings."""
    compensation = job.get("compensation")
    if job.get("shouldDisplayCompensationOnJobPostings") is False or not isinstance(
        compensation, dict
    ):
        return {}
    components = as_list(compensation.get("summaryComponents")) or [
        component
        for tier in as_list(compensation.get("compensationTiers"))
        for component in as_list(nested(tier, "components"))
    ]
    salaries = [c for c in components if nested(c, "compensationType") == "Salary"]
    salary = _ashby_salary(salaries)
    if salary:
        return {"salary": salary}
    summary = clean_text(json_text(compensation.get("compensationTierSummary")))
    return {"salary_text": summary} if summary else {}


def _ashby_salary(components: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One range over the tiers' salary components when they share currency and interval."""
    if not components:
        return None
    first = components[0]
    alike = [
        c
        for c in components
        if (c.get("currencyCode"), c.get("interval"))
        == (first.get("currencyCode"), first.get("interval"))
    ]
    lows = [n for n in (plain_number(c.get("minValue")) for c in alike) if n is not None]
    highs = [n for n in (plain_number(c.get("maxValue")) for c in alike) if n is not None]
    count, _, unit = json_text(first.get("interval")).strip().lower().partition(" ")
    return salary_range(
        min(lows) if lows else None,
        max(highs) if highs else None,
        first.get("currencyCode"),
        PERIODS.get(unit) if count == "1" else None,  # "1 YEAR"; "NONE" is no period
    )
