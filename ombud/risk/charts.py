"""Line charts drawn on the server as inline SVG, like the bar charts of ``ombud.core.charts``, so
the pages need no JavaScript: the report page's precision in the top k %, and an officer's
early-warning scores over time on his dossier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString

from ombud.core.charts import svg_figure

_PAD_LEFT, _PAD_BOTTOM, _PAD_TOP, _PAD_RIGHT = 56, 40, 12, 16
# Presentation attributes on the elements themselves, so the chart reads the same without the
# stylesheet (in a saved page, a mail, a printout).
_COLOURS = ("#1f5fa8", "#c0562b", "#3f8f3a", "#7a4fa0")
MAX_POINTS = 120


def line_chart(
    xs: Sequence[float],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    x_label: str,
    y_label: str = "",
    width: int = 520,
    height: int = 240,
    x_ticks: Sequence[tuple[float, str]] | None = None,
    x_names: Sequence[str] | None = None,
) -> SafeString:
    """Lines over shared x values; each line's points carry their value as a tooltip, and a legend
    names the lines where there are several (the table beside the chart gives every figure). The x
    values are shares in per cent (labelled every 5) unless ``x_ticks`` places and names the labels
    and ``x_names`` names each value in the tooltips (dates, for a history)."""
    highest = max((v for _, values in series for v in values), default=0.0) or 1.0
    # Four even steps of a round size (1, 2, 2.5 or 5 times a power of ten): labels read 0, 5, 10,
    # 15, 20 %, not 0.00, 0.04, 0.09.
    step = next(
        (
            size * 10.0**power
            for power in range(-4, 1)
            for size in (1, 2, 2.5, 5)
            if 4 * size * 10.0**power >= highest
        ),
        highest / 4,
    )
    top = 4 * step
    left, right = min(xs, default=0), max(xs, default=1)
    span = (right - left) or 1
    plot_w = width - _PAD_LEFT - _PAD_RIGHT
    plot_h = height - _PAD_TOP - _PAD_BOTTOM

    def x(value: float) -> float:
        return round(_PAD_LEFT + (value - left) / span * plot_w, 1)

    def y(value: float) -> float:
        return round(_PAD_TOP + plot_h - value / top * plot_h, 1)

    parts: list[SafeString] = []
    for step in range(5):
        value = top * step / 4
        parts.append(
            format_html(
                '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>'
                '<text class="label" x="{}" y="{}" font-size="11" fill="#333" text-anchor="end">{}</text>',
                _PAD_LEFT,
                width - _PAD_RIGHT,
                y(value),
                y(value),
                _PAD_LEFT - 6,
                y(value) + 4,
                _percent(value, step),
            )
        )
    anchors = {left: "middle", right: "middle"}
    if x_ticks is None:
        x_ticks = [(value, f"{value}%") for value in xs if int(value) % 5 == 0 or value == left]
    else:
        # Labels as long as a date would run past the chart's edges if centred on the first and last.
        anchors = {left: "start", right: "end"}
    names = list(x_names) if x_names is not None else [f"{value}%" for value in xs]
    for value, text in x_ticks:
        parts.append(
            format_html(
                '<text class="label" x="{}" y="{}" font-size="11" fill="#333" text-anchor="{}">{}</text>',
                x(value),
                height - 24,
                anchors.get(value, "middle"),
                text,
            )
        )
    for index, (name, values) in enumerate(series):
        points = " ".join(f"{x(a)},{y(b)}" for a, b in zip(xs, values, strict=True))
        colour = _COLOURS[index % len(_COLOURS)]
        parts.append(
            format_html(
                '<polyline class="series series-{}" points="{}" fill="none" stroke="{}" stroke-width="2"/>',
                index,
                points,
                colour,
            )
        )
        # A point per value, with its tooltip, where they are few enough to tell apart.
        for a, b, label in zip(xs, values, names, strict=True) if len(xs) <= MAX_POINTS else ():
            parts.append(
                format_html(
                    '<circle class="series-{}" cx="{}" cy="{}" r="2.5" fill="{}"><title>{} {}: {}</title></circle>',
                    index,
                    x(a),
                    y(b),
                    colour,
                    name,
                    label,
                    f"{b:.3f}",
                )
            )
        if len(series) == 1:
            continue
        # The legend sits top right, where precision curves (falling as k grows) leave room: a
        # stroke of the line's colour, then its name to the left of it.
        key_x, key_y = width - _PAD_RIGHT - 4, _PAD_TOP + 12 + 16 * index
        parts.append(
            format_html(
                '<line class="legend-key series-{}" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="3"/>'
                '<text class="legend series-{}" x="{}" y="{}" font-size="12" fill="{}" text-anchor="end">{}</text>',
                index,
                key_x - 18,
                key_x,
                key_y - 4,
                key_y - 4,
                colour,
                index,
                key_x - 24,
                key_y,
                colour,
                name,
            )
        )
    if x_label:
        parts.append(
            format_html(
                '<text class="label" x="{}" y="{}" font-size="11" fill="#333" text-anchor="middle">{}</text>',
                _PAD_LEFT + plot_w / 2,
                height - 6,
                x_label,
            )
        )
    if y_label:
        parts.append(
            format_html(
                '<text class="label" x="{}" y="{}" font-size="11" fill="#333" text-anchor="middle" '
                'transform="rotate(-90 {} {})">{}</text>',
                11,
                _PAD_TOP + plot_h / 2,
                11,
                _PAD_TOP + plot_h / 2,
                y_label,
            )
        )
    return svg_figure("chart line-chart own-colours", width, height, title, parts)


def _percent(value: float, step: float) -> str:
    """A share as a percentage, with a decimal only where the steps need one."""
    decimals = 0 if float(round(step * 100, 6)).is_integer() else 1
    return f"{value * 100:.{decimals}f} %"


def dated_line_chart(
    points: Sequence[tuple[dt.date, float]], *, name: str, title: str, y_label: str, ticks: int = 5
) -> SafeString:
    """One line over dates (in order), with up to ``ticks`` of them labelled, evenly spread."""
    xs = [float(day.toordinal()) for day, _value in points]
    shown = sorted({round(i * (len(points) - 1) / max(ticks - 1, 1)) for i in range(min(ticks, len(points)))})
    return line_chart(
        xs,
        [(name, [value for _day, value in points])],
        title=title,
        x_label="",
        y_label=y_label,
        x_ticks=[(xs[i], points[i][0].isoformat()) for i in shown],
        x_names=[day.isoformat() for day, _value in points],
    )


_ROW, _BAR, _LABEL_WIDTH, _VALUE_WIDTH, _LEGEND = 30, 11, 170, 52, 26
# A label longer than this is cut (the whole name is its tooltip, and in the table beside the chart).
_LABEL_CHARS = 22


def paired_bar_chart(
    rows: Sequence[tuple[str, float, float]], *, names: tuple[str, str], title: str, width: int = 560
) -> SafeString:
    """Two horizontal bars per row (a group's flag rate over its base rate, say), shares written as
    percentages at the end of each bar, with a legend naming the two."""
    highest = max((max(a, b) for _label, a, b in rows), default=0.0) or 1.0
    plot_w = width - _LABEL_WIDTH - _VALUE_WIDTH
    height = _LEGEND + _ROW * len(rows) + 4
    parts: list[SafeString] = []
    for index, name in enumerate(names):
        key_x = _LABEL_WIDTH + index * plot_w / 2
        parts.append(
            format_html(
                '<rect class="legend-key series-{}" x="{}" y="6" width="14" height="{}" fill="{}"/>'
                '<text class="legend" x="{}" y="16" font-size="12" fill="#333">{}</text>',
                index,
                key_x,
                _BAR,
                _COLOURS[index],
                key_x + 20,
                name,
            )
        )
    for row, (label, *values) in enumerate(rows):
        top = _LEGEND + row * _ROW
        short = label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"
        parts.append(
            format_html(
                '<text class="label" x="{}" y="{}" font-size="12" fill="#333" text-anchor="end">{}<title>{}</title></text>',
                _LABEL_WIDTH - 8,
                top + _BAR + 5,
                short,
                label,
            )
        )
        for index, value in enumerate(values):
            y = top + 2 + index * (_BAR + 1)
            length = round(value / highest * plot_w, 1)
            parts.append(
                format_html(
                    '<rect class="series-{}" x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}, {}: {}</title></rect>'
                    '<text class="value" x="{}" y="{}" font-size="10" fill="#333">{}</text>',
                    index,
                    _LABEL_WIDTH,
                    y,
                    length,
                    _BAR,
                    _COLOURS[index],
                    label,
                    names[index],
                    f"{value * 100:.1f} %",
                    _LABEL_WIDTH + length + 4,
                    y + _BAR - 2,
                    f"{value * 100:.1f} %",
                )
            )
    return svg_figure("chart bar-pairs own-colours", width, height, title, parts)
