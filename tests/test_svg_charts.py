"""The server-drawn charts (webapp/svg_charts.py, issue 24 point 6): the numbers drawn are the
numbers given, every label stays text, and each chart carries its name, description and a
table of its figures for those who cannot see it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from parsel import Selector

from indexer.hits import EventTimes, Hit
from indexer.portfolio_weeks import week_starts
from webapp.event_months import month_grids, shows_months, start_day
from webapp.svg_charts import (
    NONE,
    BarChart,
    Column,
    DayEvents,
    Line,
    MonthGrid,
    Series,
    bar_chart,
    month_grid,
    nice_ceiling,
)

HOSTILE = '<script>alert("x")</script>'
SERIES = (Series("job", "jobs"), Series("event", "events"))


def _chart(columns: tuple[Column, ...], line: Line | None = None) -> Selector:
    chart = BarChart(
        id="c",
        title=f"What {HOSTILE} brought",
        desc=f"{HOSTILE} desc",
        axis="Week",
        series=SERIES,
        columns=columns,
        line=line,
        flag_name="Failed",
    )
    return Selector(text=str(bar_chart(chart)))


def test_bars_have_the_numbers_given_and_a_table_of_them() -> None:
    page = _chart(
        (Column("3 Nov", (2, 1)), Column("10 Nov", (0, 0), flag="failed"), Column("17", (4, 0))),
        Line("Response time", "s"),
    )
    svg = page.css("svg")[0]
    assert svg.attrib["role"] == "img"
    assert (svg.attrib["aria-labelledby"], svg.attrib["aria-describedby"]) == ("c-title", "c-desc")
    assert page.css("svg > title::text").get() == f"What {HOSTILE} brought"
    assert len(page.css("g.chart-column")) == 3
    heights = [float(h) for h in page.css("g.chart-column")[0].css("rect::attr(height)").getall()]
    tallest = [float(h) for h in page.css("g.chart-column")[2].css("rect::attr(height)").getall()]
    assert heights[0] == 2 * heights[1] and sum(heights) * 4 == tallest[0] * 3  # 2+1 vs 4
    assert page.css("g.chart-column")[1].css("text.chart-flag")  # the failed one is marked
    rows = [r.css("th::text, td::text").getall() for r in page.css("table.chart-data tbody tr")]
    assert rows == [
        ["3 Nov", "2", "1", NONE, NONE],
        ["10 Nov", "0", "0", NONE, "failed"],
        ["17", "4", "0", NONE, NONE],
    ]
    assert page.css("table.chart-data thead th::text").getall() == [
        "Week",
        "jobs",
        "events",
        "Response time (s)",
        "Failed",
    ]


def test_a_line_draws_one_point_per_value_on_its_own_scale() -> None:
    columns = (Column("a", (1, 0), line=0.5), Column("b", (1, 0)), Column("c", (1, 0), line=2.0))
    page = _chart(columns, Line("Response time", "s"))
    assert len(page.css("path.chart-point")) == 2
    assert len(page.css("polyline.chart-line")) == 1
    assert "2 s" in page.css("text.chart-tick::text").getall()  # the right axis tops at 2 s


def test_labels_are_escaped_everywhere() -> None:
    html = str(
        bar_chart(
            BarChart(
                "c",
                HOSTILE,
                HOSTILE,
                HOSTILE,
                (Series(HOSTILE, HOSTILE),),
                (Column(HOSTILE, (1,), detail=HOSTILE),),
            )
        )
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "series-script-alert-x-script" in html  # a key makes a safe class, never markup
    page = Selector(text=html)
    assert page.css("svg > title::text").get() == HOSTILE  # text, as it was written
    grid = str(
        month_grid(
            MonthGrid("m", 2026, 3, (DayEvents(date(2026, 3, 4), (HOSTILE,), '#x" onclick="y'),))
        )
    )
    assert "<script>" not in grid and 'onclick="y' not in grid


def test_month_grid_has_every_day_and_links_days_with_events() -> None:
    days = (
        DayEvents(date(2026, 2, 3), ("Meetup", "Talk"), "#hit-a"),
        DayEvents(date(2026, 2, 20), ("Gala",), "#hit-c"),
    )
    page = Selector(text=str(month_grid(MonthGrid("m", 2026, 2, days))))
    assert len(page.css("rect.grid-day")) == 28
    assert page.css("a.grid-link::attr(href)").getall() == ["#hit-a", "#hit-c"]
    assert page.css("a.grid-link text.grid-count::text").getall() == ["2", "1"]
    assert page.css("svg > title::text").get() == "Events in February 2026"
    desc = page.css("svg > desc::text").get()
    assert desc == "3 events on 2 days: 3 February (2: Meetup; Talk), 20 February (1: Gala)."
    assert page.css("ul.grid-data a::attr(href)").getall() == ["#hit-a", "#hit-c"]


def _hit(hit_id: str, kind: str, start: str | None, zone: str = "") -> Hit:
    event = EventTimes(start=start, timezone=zone) if kind == "event" else None
    return Hit(hit_id, kind, hit_id, hit_id, "", "", "", "", None, (), event=event)  # type: ignore[arg-type]


def test_months_of_the_page_events_and_when_they_show() -> None:
    hits = [
        _hit("a", "event", "2026-03-31T23:30:00+00:00", "Europe/Paris"),  # 1 April in Paris
        _hit("b", "event", "2026-03-02T10:00:00+00:00"),
        _hit("c", "job", None),
    ]
    assert shows_months((), hits) and shows_months(("event",), hits[:1])
    assert not shows_months((), [hits[0], hits[2], _hit("d", "job", None)])
    assert start_day(hits[0].event) == date(2026, 4, 1)
    assert start_day(hits[0].event, "UTC") == date(2026, 3, 31)
    grids = [Selector(text=str(g)) for g in month_grids(hits)]
    assert [g.css("svg > title::text").get() for g in grids] == [
        "Events in March 2026",
        "Events in April 2026",
    ]


def test_week_starts_are_the_last_twelve_mondays() -> None:
    starts = week_starts(datetime(2026, 12, 9, 15, tzinfo=UTC))  # a Wednesday
    assert len(starts) == 12 and starts[-1] == date(2026, 12, 7)
    assert all(day.weekday() == 0 for day in starts) and starts[0] == date(2026, 9, 21)


def test_nice_ceiling() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 11, 0.3)] == [1, 1, 5, 10, 20, 0.5]
