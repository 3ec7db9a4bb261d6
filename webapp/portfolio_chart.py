"""The portfolio's chart of one community: what it brought each of the last twelve weeks, by
kind, and how much of it reached the person only through that community."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from catalog.models.sources import Community
from indexer.portfolio_weeks import Week
from webapp.svg_charts import BarChart, Column, Line, Series, bar_chart, css_key

KIND_SERIES = (Series("job", "jobs"), Series("event", "events"), Series("resource", "resources"))
ONLY_HERE = Line("Only through it", "", own_scale=False)


def week_column(week: Week) -> Column:
    return Column(
        label=f"{week.start.day} {week.start:%b}",
        detail=f"Week of {week.start.day} {week.start:%b %Y}",
        values=tuple(week.kinds.get(series.key, 0) for series in KIND_SERIES),
        line=week.only_here,
    )


def weeks_desc(name: str, weeks: Sequence[Week]) -> str:
    totals = [sum(w.kinds.get(s.key, 0) for w in weeks) for s in KIND_SERIES]
    brought = ", ".join(f"{n} {s.name}" for n, s in zip(totals, KIND_SERIES, strict=True))
    only = sum(w.only_here for w in weeks)
    return (
        f"Over the last {len(weeks)} weeks {name} brought {brought}; {only} of them reached "
        "you only through it. Bars are the listings first seen each week, by kind; the line "
        "is those no other community of yours carried."
    )


def weeks_chart(community: Community, weeks: Sequence[Week]) -> Markup:
    return bar_chart(
        BarChart(
            id=f"weeks-{css_key(community.slug)}",
            title=f"What {community.name} brought you each week",
            desc=weeks_desc(community.name, weeks),
            axis="Week",
            series=KIND_SERIES,
            columns=tuple(week_column(week) for week in weeks),
            line=ONLY_HERE,
        )
    )
