"""A small SVG line chart for an indicator series: no scripts, no CDN, so it
works on a machine with no internet and in any browser that shows images."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Point:
    label: str  # the period (or meeting date) the value is for
    value: float
    comparator: float | None = None  # the national average, target … when given
    link: str | None = None  # where the value was read


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis values covering low..high.

    >>> nice_ticks(0, 37.4)
    [0.0, 10.0, 20.0, 30.0, 40.0]
    """
    if high == low:
        high, low = high + 1, low - 1 if low else 0
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.3g}"


def line_chart(points: list[Point], *, title: str, unit: str | None = None, comparator: str | None = None,
               width: int = 720, height: int = 320) -> str:
    """An SVG line chart of ``points`` in the order given, with the comparator
    (when any point has one) as a dashed line, and each point a link to its source."""
    if not points:
        return ""
    left, right, top, bottom = 64, 24, 36, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in points] + [p.comparator for p in points if p.comparator is not None]
    low = min(0.0, min(values))
    ticks = nice_ticks(low, max(values))
    y_min, y_max = ticks[0], ticks[-1]

    def x(i: int) -> float:
        return left + (plot_w / 2 if len(points) == 1 else plot_w * i / (len(points) - 1))

    def y(v: float) -> float:
        return top + plot_h - (v - y_min) / ((y_max - y_min) or 1) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-labelledby="chart-title" class="bp-chart" '
           'font-family="Helvetica, Arial, sans-serif" font-size="12">',
           f'<title id="chart-title">{escape(title)}</title>',
           f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}'
           f'{escape(f" ({unit})") if unit else ""}</text>']
    for tick in ticks:
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="#555">{_number(tick)}</text>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#999"/>')
    step = max(1, math.ceil(len(points) / 12))
    for i, point in enumerate(points):
        if i % step == 0 or i == len(points) - 1:
            out.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="end" fill="#555" '
                       f'transform="rotate(-30 {x(i):.1f} {top + plot_h + 18})">{escape(point.label)}</text>')
    compared = [(i, p.comparator) for i, p in enumerate(points) if p.comparator is not None]
    if compared:
        if len(compared) > 1:
            path = " ".join(f"{'M' if n == 0 else 'L'}{x(i):.1f},{y(v):.1f}" for n, (i, v) in enumerate(compared))
            out.append(f'<path d="{path}" fill="none" stroke="#888" stroke-width="2" stroke-dasharray="6 4"/>')
        for i, value in compared:
            out.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="white" stroke="#888" stroke-width="2" '
                       f'class="bp-comparator"><title>{escape(comparator or "comparator")}: {_number(value)}</title></circle>')
        legend_x = width - right
        out.append(f'<circle cx="{legend_x - 4}" cy="16" r="4" fill="white" stroke="#888" stroke-width="2"/>')
        out.append(f'<text x="{legend_x - 14}" y="20" text-anchor="end" fill="#555">'
                   f'{escape(comparator or "comparator")}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
    out.append(f'<path d="{path}" fill="none" stroke="#1f6fb2" stroke-width="2.5" class="bp-series"/>')
    for i, point in enumerate(points):
        dot = (f'<circle cx="{x(i):.1f}" cy="{y(point.value):.1f}" r="4.5" fill="#1f6fb2" class="bp-point">'
               f'<title>{escape(point.label)}: {_number(point.value)}{escape(" " + unit) if unit else ""}</title></circle>')
        out.append(f'<a href="{escape(point.link)}">{dot}</a>' if point.link else dot)
    out.append("</svg>")
    return "\n".join(out)


def period_key(period: str) -> tuple:
    """Periods in time order where their numbers say it: "2016/17" < "2017/18 Q1" < "2017/18 Q2"."""
    numbers = [int(n) for n in re.findall(r"\d+", period)]
    if numbers and numbers[0] < 100:  # "Q2 17/18", "April 16 - March 17": two-digit years
        numbers = [n + 2000 if n < 100 else n for n in numbers[:1]] + numbers[1:]
    quarter = re.search(r"\bQ([1-4])\b", period, re.IGNORECASE)
    return (numbers[:1], [int(quarter.group(1))] if quarter else [], numbers[1:], period)


def series_points(rows: list[dict]) -> list[Point]:
    """Points of a series from its indicator rows (``value``, ``period``,
    ``meeting_date``, ``comparator_value``, ``page_url``), one per period: where
    a period is reported more than once (at later meetings, or in the PDF and
    the text of one paper) the newest meeting's value stands. Ordered by
    period when every row has one, else by meeting date."""
    rows = [r for r in rows if r.get("value") is not None]
    by_period = all(r.get("period") for r in rows)
    latest: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: r.get("meeting_date") or ""):
        label = (row.get("period") if by_period else None) or row.get("meeting_date") or "?"
        latest[label] = row
    labels = sorted(latest, key=period_key) if by_period else sorted(latest)
    return [Point(label=label, value=float(latest[label]["value"]),
                  comparator=(float(latest[label]["comparator_value"])
                              if latest[label].get("comparator_value") is not None else None),
                  link=latest[label].get("page_url")) for label in labels]
