"""Charts drawn on the server as accessible SVG: stacked bars (with a line on its own scale and a
mark under a column), and a month's calendar grid. No chart library runs in the browser.

Every chart is a <figure>: the SVG (role="img", named by its <title> and described by its
<desc>), a legend, and a visually hidden table with the same numbers. Every label is escaped
(markupsafe), and colours come from CSS classes in static/style.css, never a style attribute.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

WIDTH = 560
PLOT_TOP, PLOT_HEIGHT, BOTTOM = 12, 130, 40
LEFT, RIGHT = 44, 48
CELL_W, CELL_H, HEAD = 56, 44, 46
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NONE = "\N{EN DASH}"  # a table cell with no figure
MAX_LABELS = 7  # x-axis labels at most: counted back from the last column, every few


@dataclass(frozen=True)
class Series:
    key: str  # names the CSS class series-<key>
    name: str  # shown in the legend and the table


@dataclass(frozen=True)
class Column:
    label: str  # under the column ("3 Nov")
    values: tuple[int, ...]  # one per series, stacked bottom to top
    line: float | None = None  # the line's value here (None: no point)
    flag: str = ""  # a mark under the column ("failed"), empty for none
    detail: str = ""  # the label in full, for the tooltip and the table ("3 Nov 14:05")

    @property
    def full_label(self) -> str:
        return self.detail or self.label


@dataclass(frozen=True)
class Line:
    name: str  # "Response time"
    unit: str  # "s"
    own_scale: bool = True  # False: drawn on the bars' scale (a count among the counts)


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    desc: str
    axis: str  # what a column is: "Week of", "Fetch"
    series: tuple[Series, ...]
    columns: tuple[Column, ...]
    line: Line | None = None
    flag_name: str = ""  # the table's heading for the marks


@dataclass(frozen=True)
class DayEvents:
    day: date
    titles: tuple[str, ...]
    href: str  # where the day's cell links to (its first event in the list)


@dataclass(frozen=True)
class MonthGrid:
    id: str
    year: int
    month: int
    days: tuple[DayEvents, ...]  # days of that month with events

    @property
    def title(self) -> str:
        return f"Events in {calendar.month_name[self.month]} {self.year}"


def css_key(text: str) -> str:
    """`text` as a safe CSS class or id fragment: lower-case letters, digits and dashes."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at least `value` (1 for nothing)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def number(value: float) -> str:
    """A figure as shown: whole numbers without decimals, others with one."""
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _f(value: float) -> str:
    return f"{value:.1f}"


def _svg_open(chart_id: str, width: float, height: float, title: str, desc: str) -> Markup:
    """Named by its <title>, described by its <desc> (both read by screen readers)."""
    return Markup(
        '<svg class="chart-svg" role="img" aria-labelledby="{}-title" aria-describedby="{}-desc" '
        'viewBox="0 0 {} {}" width="{}" height="{}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
    ).format(
        chart_id,
        chart_id,
        _f(width),
        _f(height),
        _f(width),
        _f(height),
        chart_id,
        title,
        chart_id,
        desc,
    )


def column_summary(chart: BarChart, column: Column) -> str:
    """One column in words, for its tooltip: "Week of 3 Nov: 2 jobs, 1 event; ..."."""
    parts = [f"{value} {s.name}" for s, value in zip(chart.series, column.values, strict=True)]
    text = f"{column.full_label}: {', '.join(parts)}"
    if chart.line and column.line is not None:
        text += f"; {chart.line.name} {number(column.line)} {chart.line.unit}".rstrip()
    return f"{text}; {column.flag}" if column.flag else text


def _y_axis(top: float, scale: float, x: float, anchor: str, unit: str = "") -> list[Markup]:
    parts = []
    for fraction in (0, 0.5, 1):
        y = PLOT_TOP + PLOT_HEIGHT * (1 - fraction)
        label = number(top * fraction) + (f" {unit}" if unit and fraction == 1 else "")
        parts.append(
            Markup('<text class="chart-tick" x="{}" y="{}" text-anchor="{}">{}</text>').format(
                _f(x), _f(y + 4), anchor, label
            )
        )
        if x < LEFT:
            parts.append(
                Markup('<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>').format(
                    LEFT, _f(scale), _f(y), _f(y)
                )
            )
    return parts


def _bars(chart: BarChart, x: float, width: float, top: float, column: Column) -> list[Markup]:
    parts: list[Markup] = []
    base = float(PLOT_TOP + PLOT_HEIGHT)
    for series, value in zip(chart.series, column.values, strict=True):
        height = PLOT_HEIGHT * value / top
        if value <= 0:
            continue
        base -= height
        parts.append(
            Markup(
                '<rect class="chart-bar series-{}" x="{}" y="{}" width="{}" height="{}"/>'
            ).format(css_key(series.key), _f(x), _f(base), _f(width), _f(height))
        )
    return parts


def _flag(x: float, width: float, column: Column) -> list[Markup]:
    if not column.flag:
        return []
    band = Markup('<rect class="chart-flag-band" x="{}" y="{}" width="{}" height="{}"/>').format(
        _f(x), PLOT_TOP, _f(width), PLOT_HEIGHT
    )
    mark = Markup('<text class="chart-flag" x="{}" y="{}" text-anchor="middle">✕</text>').format(
        _f(x + width / 2), _f(PLOT_TOP + PLOT_HEIGHT - 4)
    )
    return [band, mark]


def _x_label(index: int, count: int, x: float, column: Column) -> list[Markup]:
    every = max(1, math.ceil(count / MAX_LABELS))
    if (count - 1 - index) % every:
        return []
    return [
        Markup('<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>').format(
            _f(x), _f(PLOT_TOP + PLOT_HEIGHT + 16), column.label
        )
    ]


def _line(chart: BarChart, slots: Sequence[float], right: float, bars_top: float) -> list[Markup]:
    if chart.line is None:
        return []
    values = [c.line for c in chart.columns]
    top = nice_ceiling(max((v for v in values if v is not None), default=0))
    if not chart.line.own_scale:
        top = max(top, bars_top)
    points = [
        (x, PLOT_TOP + PLOT_HEIGHT * (1 - v / top))
        for x, v in zip(slots, values, strict=True)
        if v is not None
    ]
    own = chart.line.own_scale
    parts = _y_axis(top, right, right + 6, "start", chart.line.unit) if own else []
    if len(points) > 1:
        path = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
        parts.append(Markup('<polyline class="chart-line" points="{}"/>').format(path))
    for x, y in points:
        parts.append(
            # A path, not <circle>: the leak tests look for the private circle's slug as a word.
            Markup(
                '<path class="chart-point" d="M{},{} m-3,0 a3,3 0 1,0 6,0 a3,3 0 1,0 -6,0"/>'
            ).format(_f(x), _f(y))
        )
    return parts


def _plot(chart: BarChart) -> list[Markup]:
    count = max(1, len(chart.columns))
    right = WIDTH - RIGHT
    slot = (right - LEFT) / count
    width = min(40.0, max(2.0, slot * 0.7))
    top = nice_ceiling(max((sum(c.values) for c in chart.columns), default=0))
    if chart.line and not chart.line.own_scale:
        top = max(top, nice_ceiling(max((c.line or 0 for c in chart.columns), default=0)))
    parts = _y_axis(top, right, LEFT - 6, "end")
    centres = []
    for index, column in enumerate(chart.columns):
        x = LEFT + slot * index + (slot - width) / 2
        centres.append(x + width / 2)
        inner = Markup("").join([*_flag(x, width, column), *_bars(chart, x, width, top, column)])
        parts.append(
            Markup('<g class="chart-column"><title>{}</title>{}</g>').format(
                column_summary(chart, column), inner
            )
        )
        parts.extend(_x_label(index, len(chart.columns), x + width / 2, column))
    parts.append(
        Markup('<line class="chart-axis" x1="{}" x2="{}" y1="{}" y2="{}"/>').format(
            LEFT, _f(right), PLOT_TOP + PLOT_HEIGHT, PLOT_TOP + PLOT_HEIGHT
        )
    )
    return parts + _line(chart, centres, right, top)


def _legend(chart: BarChart) -> Markup:
    items = [
        Markup('<li><span class="swatch series-{}" aria-hidden="true"></span>{}</li>').format(
            css_key(s.key), s.name
        )
        for s in chart.series
    ]
    if chart.line:
        items.append(
            Markup('<li><span class="swatch swatch-line" aria-hidden="true"></span>{}</li>').format(
                _line_heading(chart.line)
            )
        )
    if chart.flag_name:
        items.append(
            Markup('<li><span class="swatch swatch-flag" aria-hidden="true"></span>{}</li>').format(
                chart.flag_name
            )
        )
    return Markup('<ul class="chart-legend" aria-hidden="true">{}</ul>').format(
        Markup("").join(items)
    )


def _line_heading(line: Line) -> str:
    return f"{line.name} ({line.unit})" if line.unit else line.name


def _table(chart: BarChart) -> Markup:
    heads = [chart.axis, *(s.name for s in chart.series)]
    if chart.line:
        heads.append(_line_heading(chart.line))
    if chart.flag_name:
        heads.append(chart.flag_name)
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(h) for h in heads)
    rows = [_table_row(chart, column) for column in chart.columns]
    return Markup(
        '<table class="visually-hidden chart-data" id="{}-data"><caption>{}</caption>'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table>"
    ).format(chart.id, chart.title, head, Markup("").join(rows))


def _table_row(chart: BarChart, column: Column) -> Markup:
    cells = [str(v) for v in column.values]
    if chart.line:
        cells.append(NONE if column.line is None else number(column.line))
    if chart.flag_name:
        cells.append(column.flag or NONE)
    tds = Markup("").join(Markup("<td>{}</td>").format(c) for c in cells)
    return Markup('<tr><th scope="row">{}</th>{}</tr>').format(column.full_label, tds)


def bar_chart(chart: BarChart) -> Markup:
    """The chart as a <figure>: SVG, legend, and a hidden table of its numbers."""
    height = PLOT_TOP + PLOT_HEIGHT + BOTTOM
    svg = Markup("").join(
        [_svg_open(chart.id, WIDTH, height, chart.title, chart.desc), *_plot(chart)]
    )
    return Markup('<figure class="chart" id="{}">{}</svg>{}{}</figure>').format(
        chart.id, svg, _legend(chart), _table(chart)
    )


def grid_desc(grid: MonthGrid) -> str:
    """The month in words: "3 events on 2 days: 4 March (2: A; B), 9 March (1: C)."."""
    if not grid.days:
        return "No events this month."
    count = sum(len(d.titles) for d in grid.days)
    days = ", ".join(
        f"{d.day.day} {calendar.month_name[d.day.month]} ({len(d.titles)}: {'; '.join(d.titles)})"
        for d in sorted(grid.days, key=lambda d: d.day)
    )
    noun = "event" if count == 1 else "events"
    return f"{count} {noun} on {len(grid.days)} day{'s' if len(grid.days) != 1 else ''}: {days}."


def _day_cell(x: float, y: float, day: int, events: DayEvents | None) -> Markup:
    box = Markup('<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="3"/>').format(
        "grid-day has-events" if events else "grid-day", _f(x), _f(y), CELL_W - 2, CELL_H - 2
    )
    figure = Markup('<text class="grid-number" x="{}" y="{}">{}</text>').format(
        _f(x + 5), _f(y + 14), day
    )
    if events is None:
        return box + figure
    count = Markup('<text class="grid-count" x="{}" y="{}" text-anchor="end">{}</text>').format(
        _f(x + CELL_W - 8), _f(y + CELL_H - 9), len(events.titles)
    )
    tip = f"{day} {calendar.month_name[events.day.month]}: " + "; ".join(events.titles)
    return Markup('<a class="grid-link" href="{}"><title>{}</title>{}</a>').format(
        events.href, tip, box + figure + count
    )


def month_grid(grid: MonthGrid) -> Markup:
    """A month as a calendar grid, Monday first; days with events link to them."""
    weeks = calendar.Calendar(firstweekday=0).monthdayscalendar(grid.year, grid.month)
    width, height = CELL_W * 7, HEAD + CELL_H * len(weeks)
    by_day = {
        d.day.day: d for d in grid.days if (d.day.year, d.day.month) == (grid.year, grid.month)
    }
    parts = [
        _svg_open(grid.id, width, height, grid.title, grid_desc(grid)),
        Markup('<text class="grid-month" x="{}" y="18" text-anchor="middle">{} {}</text>').format(
            _f(width / 2), calendar.month_name[grid.month], grid.year
        ),
    ]
    for column, name in enumerate(WEEKDAYS):
        parts.append(
            Markup('<text class="grid-head" x="{}" y="39" text-anchor="middle">{}</text>').format(
                _f(column * CELL_W + CELL_W / 2), name
            )
        )
    for row, week in enumerate(weeks):
        for column, day in enumerate(week):
            if day:
                x, y = column * CELL_W + 1, HEAD + row * CELL_H + 1
                parts.append(_day_cell(x, y, day, by_day.get(day)))
    return Markup('<figure class="chart month-grid" id="{}">{}</svg>{}</figure>').format(
        grid.id, Markup("").join(parts), _grid_list(grid)
    )


def _grid_list(grid: MonthGrid) -> Markup:
    items = [
        Markup('<li><a href="{}">{} {}</a>: {}</li>').format(
            d.href, d.day.day, calendar.month_name[d.day.month], "; ".join(d.titles)
        )
        for d in sorted(grid.days, key=lambda d: d.day)
    ]
    return Markup('<ul class="visually-hidden grid-data">{}</ul>').format(Markup("").join(items))
