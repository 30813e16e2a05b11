"""Server-rendered SVG charts: no JavaScript, no CDN, readable without colour.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` (named through
`aria-labelledby`), and every figure is also written as text beside its mark. Bars that
reach the target are solid, bars below it are hatched, so the two differ in pattern and
not only in colour; lines differ by dash and marker shape. Pages show a table with the
same figures next to each chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_DARK = "#0b3d6e"
_LIGHT = "#5b8fc7"
_TARGET = "#a40e26"


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float
    # The figure written under the bar, e.g. "96,32% (131/136)".
    text: str


@dataclass(frozen=True)
class Series:
    name: str
    # One value per x label; None leaves a gap (a year still to come).
    values: list[float | None]
    dashed: bool = False
    marker: str = "circle"  # "circle" or "square"


def _number(value: float) -> str:
    """Up to two decimals, trailing zeros dropped, in the active language's notation (96,5 in Vietnamese)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return number_format(Decimal(text), decimal_pos=None)


def _frame(*, chart_id: str, title: str, description: str, width: int, height: int, body: list[str]) -> SafeString:
    head = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {} {}" '
        'aria-labelledby="{}-title {}-desc" id="{}"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every piece is escaped above or below


def bar_chart_svg(*, chart_id: str, title: str, description: str, bars: list[Bar], target: float = 100.0) -> SafeString:
    """Horizontal bars of percentages, a label above each, its figure under it, and the target line."""
    # Drawn for a phone: 360 units wide, shown at most 30rem wide (static/css/reports.css), so a 360 px
    # screen draws the text at about 13 px and a desktop at about 18 px, never smaller than the page's 12 px.
    width, label_height, bar_height, figure_height, gap = 360, 18, 18, 16, 10
    plot_left, plot_width = 4, 340
    top = 26
    row = label_height + bar_height + figure_height + gap
    height = top + row * max(len(bars), 1) + 8
    target_x = round(plot_left + plot_width * min(target, 100.0) / 100, 1)
    body = [
        format_html(
            '<defs><pattern id="{}-hatch" patternUnits="userSpaceOnUse" width="8" height="8" '
            'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff"/>'
            '<line x1="0" y1="0" x2="0" y2="8" stroke="{}" stroke-width="5"/></pattern></defs>',
            chart_id,
            _LIGHT,
        )
    ]
    for index, bar in enumerate(bars):
        y = top + index * row
        reached = bar.percent >= target
        length = round(plot_width * max(min(bar.percent, 100.0), 0.0) / 100, 1)
        fill = _DARK if reached else f"url(#{chart_id}-hatch)"
        body.append(
            format_html(
                '<g class="bar"><text x="{}" y="{}" font-size="14" fill="#1b1f24">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#f6f8fa" stroke="#57606a" stroke-width="1"/>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="13" fill="#1b1f24">{}{}</text></g>',
                plot_left,
                y + 14,
                bar.label,
                plot_left,
                y + label_height,
                plot_width,
                bar_height,
                plot_left,
                y + label_height,
                length,
                bar_height,
                fill,
                _DARK,
                plot_left,
                y + label_height + bar_height + 14,
                bar.text,
                "" if reached else format_html(" · {}", _("below target")),
            )
        )
    body.append(
        format_html(
            '<g class="target"><line x1="{}" y1="18" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
            'stroke-dasharray="6 3"/><text x="{}" y="13" font-size="12" text-anchor="end" fill="{}">{}</text></g>',
            target_x,
            target_x,
            height - 4,
            _TARGET,
            target_x,
            _TARGET,
            _("Target %(percent)s %%") % {"percent": _number(target)},
        )
    )
    return _frame(chart_id=chart_id, title=title, description=description, width=width, height=height, body=body)


def line_chart_svg(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[tuple[str, str]],
    series: list[Series],
    target: float | None = 100.0,
) -> SafeString:
    """Percentages (0–100) over `labels` (two lines each: ("15/06", "2025")), each point labelled with its value."""
    # A phone's width, like the bar chart: text at 11–13 units stays legible at 360 px.
    width, height = 360, 250
    left, right, top, bottom = 38, 8, 24, 44
    plot_width, plot_height = width - left - right, height - top - bottom
    count = max(len(labels), 1)
    step = plot_width / count

    def x_at(index: int) -> float:
        return round(left + step * (index + 0.5), 1)

    def y_at(value: float) -> float:
        return round(top + plot_height * (1 - max(min(value, 100.0), 0.0) / 100), 1)

    body = []
    for tick in (0, 25, 50, 75, 100):
        body.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d0d7de" stroke-width="1"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#57606a">{}%</text>',
                left,
                y_at(tick),
                width - right,
                y_at(tick),
                left - 4,
                y_at(tick) + 4,
                tick,
            )
        )
    if target is not None:
        body.append(
            format_html(
                '<g class="target"><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" '
                'stroke-dasharray="6 3"/>'
                '<text x="{}" y="{}" font-size="12" text-anchor="end" fill="{}">{}</text></g>',
                left,
                y_at(target),
                width - right,
                y_at(target),
                _TARGET,
                width - right,
                y_at(target) - 5,
                _TARGET,
                _("Target %(percent)s %%") % {"percent": _number(target)},
            )
        )
    for index, (first, second) in enumerate(labels):
        body.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#1b1f24">'
                '<tspan x="{}">{}</tspan><tspan x="{}" dy="13">{}</tspan></text>',
                x_at(index),
                height - bottom + 18,
                x_at(index),
                first,
                x_at(index),
                second,
            )
        )
    for number, line in enumerate(series):
        colour = _DARK if number == 0 else _LIGHT
        points = [(x_at(i), y_at(v), v, i) for i, v in enumerate(line.values) if v is not None]
        if len(points) > 1:
            body.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{}/>',
                    " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _i in points),
                    colour,
                    mark_safe(' stroke-dasharray="4 4"') if line.dashed else "",  # noqa: S308 - a constant
                )
            )
        for x, y, value, index in points:
            if line.marker == "square":
                mark = format_html(
                    '<rect x="{}" y="{}" width="8" height="8" fill="{}"/>', round(x - 4, 1), round(y - 4, 1), colour
                )
            else:
                mark = format_html('<circle cx="{}" cy="{}" r="4.5" fill="{}"/>', x, y, colour)
            # A value is written above its point unless another series is higher there: then below.
            others = [other.values[index] for other in series if other is not line and index < len(other.values)]
            below = any(other is not None and other > value for other in others)
            # …unless that would run into the date labels under the plot.
            if below and y + 17 > top + plot_height - 4:
                below = False
            text_y = round(y + 17 if below else y - 9, 1)
            body.append(
                format_html(
                    '{}<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#1b1f24">{}%</text>',
                    mark,
                    x,
                    text_y,
                    _number(value),
                )
            )
    if len(series) > 1:
        legend_x = left
        for number, line in enumerate(series):
            colour = _DARK if number == 0 else _LIGHT
            dash = ' stroke-dasharray="4 4"' if line.dashed else ""
            body.append(
                format_html(
                    '<g class="legend"><line x1="{}" y1="10" x2="{}" y2="10" stroke="{}" stroke-width="2"{}/>'
                    '<text x="{}" y="14" font-size="12" fill="#1b1f24">{}</text></g>',
                    legend_x,
                    legend_x + 24,
                    colour,
                    mark_safe(dash),  # noqa: S308 - a constant
                    legend_x + 30,
                    line.name,
                )
            )
            legend_x += 40 + 7 * len(line.name)
    return _frame(chart_id=chart_id, title=title, description=description, width=width, height=height, body=body)


__all__ = ["Bar", "Series", "bar_chart_svg", "line_chart_svg"]
