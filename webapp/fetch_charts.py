"""Fetch history as charts: items found, failures and response time. One column per fetch for
the operator's source page; one per day, the community's sources together, for its members.

Both read only the catalog's FetchAttempt rows, which keep the last fetches of each source
(catalog.fetch_history.KEEP_PER_SOURCE), so a chart covers what the history still holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.fetch_history import FAILED
from catalog.models.sources import FetchAttempt, Source
from webapp.svg_charts import BarChart, Column, Line, Series, bar_chart

ITEM_SERIES = (
    Series("new", "new"),
    Series("updated", "updated"),
    Series("unchanged", "unchanged"),
)
RESPONSE_TIME = Line("Response time", "s")
COMMUNITY_DAYS = 14


def _counts(attempts: Sequence[FetchAttempt]) -> tuple[int, int, int]:
    return (
        sum(a.items_new or 0 for a in attempts),
        sum(a.items_updated or 0 for a in attempts),
        sum(a.items_unchanged or 0 for a in attempts),
    )


def _short(day: date) -> str:
    return f"{day.day} {day:%b}"


def attempt_column(attempt: FetchAttempt) -> Column:
    failed = attempt.outcome == FAILED
    return Column(
        label=_short(attempt.started_at.date()),
        detail=f"{attempt.started_at:%Y-%m-%d %H:%M} UTC",
        values=_counts([attempt]),
        line=attempt.duration_ms / 1000,
        flag="failed" if failed else "",
    )


def source_chart(chart_id: str, label: str, attempts: Sequence[FetchAttempt]) -> Markup:
    """The source's fetches, oldest first (the history table lists them newest first)."""
    oldest_first = sorted(attempts, key=lambda a: a.id)
    failures = sum(a.outcome == FAILED for a in oldest_first)
    found = sum(sum(_counts([a])) for a in oldest_first)
    desc = (
        f"The last {len(oldest_first)} fetches of {label}, oldest first: {found} items found "
        f"in all, {failures} failed. Bars are the items each fetch found (new, updated, "
        "unchanged); the line is the response time; a cross marks a failed fetch."
    )
    return bar_chart(
        BarChart(
            id=chart_id,
            title=f"Fetch history of {label}",
            desc=desc,
            axis="Fetch started",
            series=ITEM_SERIES,
            columns=tuple(attempt_column(a) for a in oldest_first),
            line=RESPONSE_TIME,
            flag_name="Failed",
        )
    )


def community_attempts(session: Session, community_id: int, since: datetime) -> list[FetchAttempt]:
    query = (
        select(FetchAttempt)
        .join(Source, Source.id == FetchAttempt.source_id)
        .where(Source.community_id == community_id, FetchAttempt.started_at >= since)
        .order_by(FetchAttempt.id)
    )
    return list(session.scalars(query))


def day_column(day: date, attempts: Sequence[FetchAttempt]) -> Column:
    failures = sum(a.outcome == FAILED for a in attempts)
    mean = sum(a.duration_ms for a in attempts) / len(attempts) / 1000 if attempts else None
    return Column(
        label=_short(day),
        detail=f"{day:%A} {_short(day)}: {len(attempts)} fetches",
        values=_counts(attempts),
        line=mean,
        flag=f"{failures} failed" if failures else "",
    )


def community_chart(session: Session, community_id: int, name: str, now: datetime) -> Markup:
    """The community's sources' fetches of the last COMMUNITY_DAYS days, a column a day."""
    days = [now.date() - timedelta(days=back) for back in range(COMMUNITY_DAYS - 1, -1, -1)]
    since = datetime.combine(days[0], time(), tzinfo=UTC)
    attempts = community_attempts(session, community_id, since)
    by_day = {day: [a for a in attempts if a.started_at.date() == day] for day in days}
    failures = sum(a.outcome == FAILED for a in attempts)
    desc = (
        f"{name}'s sources were fetched {len(attempts)} times in the last {COMMUNITY_DAYS} "
        f"days; {sum(sum(_counts([a])) for a in attempts)} items found, {failures} fetches "
        "failed. Bars are the items found each day; the line is the mean response time; a "
        "cross marks a day with failures."
    )
    return bar_chart(
        BarChart(
            id="community-fetches",
            title=f"Fetches of {name}'s sources, last {COMMUNITY_DAYS} days",
            desc=desc,
            axis="Day",
            series=ITEM_SERIES,
            columns=tuple(day_column(day, by_day[day]) for day in days),
            line=Line("Mean response time", "s"),
            flag_name="Failures",
        )
    )
