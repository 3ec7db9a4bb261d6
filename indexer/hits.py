"""The Hit: one search hit as a result card, read from an indexed document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Salary:
    min: float | None = None
    max: float | None = None
    currency: str = ""
    period: str = ""


@dataclass(frozen=True)
class EventTimes:
    start: str | None = None
    end: str | None = None
    timezone: str = ""
    all_day: bool = False
    attendance: str = ""  # online, in-person, mixed
    venue: str = ""
    status: str = ""  # scheduled, cancelled, postponed, moved online


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    title: str
    title_html: Markup
    snippet_html: Markup
    url: str
    organisation: str
    location: str
    published_at: str | None
    seen_in: tuple[str, ...]
    apply_url: str = ""
    remote: str = ""
    employment_type: str = ""
    salary: Salary | None = None
    event: EventTimes | None = None
    author: str = ""
    status: str = "active"
    communities: tuple[str, ...] = ()
    organisation_key: str = ""
    series: str = ""  # the recurring event an occurrence belongs to, else the item's id


def _salary(source: dict[str, Any]) -> Salary | None:
    raw = source.get("salary")
    if not isinstance(raw, dict):
        return None
    return Salary(
        min=raw.get("annual_min", raw.get("min")),
        max=raw.get("annual_max", raw.get("max")),
        currency=str(raw.get("currency", "")),
        period="year" if "annual_min" in raw or "annual_max" in raw else str(raw.get("period", "")),
    )


def _event(source: dict[str, Any]) -> EventTimes | None:
    raw = source.get("event")
    if not isinstance(raw, dict):
        return None
    return EventTimes(
        start=raw.get("start"),
        end=raw.get("end"),
        timezone=str(raw.get("timezone", "")),
        all_day=bool(raw.get("all_day", False)),
        attendance=str(raw.get("attendance", "")),
        venue=str(raw.get("venue", "")),
        status=str(raw.get("status", "")),
    )


def _title_and_snippet(source: dict[str, Any], highlight: dict[str, Any]) -> tuple[Markup, Markup]:
    # Highlights come HTML-encoded from Elasticsearch (encoder: html) with only <mark> added.
    title = highlight.get("title")
    title_html = Markup(title[0]) if title else escape(source["title"])  # noqa: S704
    fragments = highlight.get("summary") or highlight.get("text")
    snippet = (
        Markup(fragments[0]) if fragments else escape(source.get("summary", "")[:300])  # noqa: S704
    )
    return title_html, snippet


def hit_from_document(raw: dict[str, Any], hidden: tuple[str, ...] = ()) -> Hit:
    """A Hit from one search hit (its `_source` and optional `highlight`); the communities in
    `hidden` (private ones the viewer is not in) are left out of "seen in"."""
    source = raw["_source"]
    seen_in = [c for c in source.get("seen_in", []) if c.get("slug") not in hidden]
    title_html, snippet_html = _title_and_snippet(source, raw.get("highlight", {}))
    return Hit(
        id=source["id"],
        kind=source["kind"],
        title=source["title"],
        title_html=title_html,
        snippet_html=snippet_html,
        url=source["url"],
        organisation=source.get("organisation", ""),
        location=source.get("location", ""),
        published_at=source.get("published_at"),
        seen_in=tuple(c["name"] for c in seen_in),
        apply_url=source.get("apply_url", ""),
        remote=source.get("remote", ""),
        employment_type=source.get("employment_type", ""),
        salary=_salary(source),
        event=_event(source),
        author=source.get("author", ""),
        status=source.get("status", "active"),
        communities=tuple(c["slug"] for c in seen_in),
        organisation_key=source.get("organisation_key", ""),
        series=source.get("series", "") or source["id"],
    )
