"""Line charts drawn on the server as inline SVG, like the bar charts of ``ombud.core.charts``, so
the pages need no JavaScript: the report page's precision in the top k %, and an officer's
early-warning scores over time on his dossier."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from itertools import pairwise

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ombud.core.charts import svg_figure
from ombud.core.templatetags.numbers import percent

_PAD_LEFT, _PAD_BOTTOM, _PAD_TOP, _PAD_RIGHT = 56, 40, 12, 16
# Presentation attributes on the elements themselves, so the chart reads the same without the
# stylesheet (in a saved page, a mail, a printout).
_COLOURS = ("#1f5fa8", "#c0562b", "#3f8f3a", "#7a4fa0")
MAX_POINTS = 120
# The text is measured before any font is known (the page's, a mail reader's, a printer's), so its
# width is guessed on the wide side: a digit or a letter at most 0.64 of the font size (DejaVu Sans's
# digits, the widest of the usual fallbacks), a Chinese, Japanese or Korean character a whole em.
_NARROW_EM, _WIDE_EM = 0.64, 1.0
_FONT = 11
# Room left between two axis labels, and the line height of the axis title above the plot.
_TICK_GAP, _TITLE_LINE = 10, 14


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
    max_x_ticks: int | None = None,
) -> SafeString:
    """Lines over shared x values; each line's points carry their value as a tooltip, and a legend
    names the lines where there are several (the table beside the chart gives every figure). The x
    values are shares in per cent (labelled every 5) unless ``x_ticks`` offers the places and names
    of the labels and ``x_names`` names each value in the tooltips (dates, for a history).

    Of the labels offered, as many as fit side by side (at most ``max_x_ticks``) are written, evenly
    spread over the axis, so that they never run into each other however many and however bunched
    the values are. The y axis's title is written above the plot, across, on as many lines as it
    needs: up the side it had only the plot's height, and a long one (or a translation) was cut."""
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
    # The y axis's title takes a band above the plot, which grows the chart by as much.
    title_lines = _wrap(y_label, _FONT, width - 8) if y_label else []
    pad_top = _PAD_TOP + (len(title_lines) * _TITLE_LINE + 4 if title_lines else 0)
    height += pad_top - _PAD_TOP

    def x(value: float) -> float:
        return round(_PAD_LEFT + (value - left) / span * plot_w, 1)

    def y(value: float) -> float:
        return round(pad_top + plot_h - value / top * plot_h, 1)

    parts: list[SafeString] = []
    # (The loop's own name is not ``step``: that would hide the step's size from ``_percent``, and
    # half-percent steps would read 0 %, 0 %, 1 %, 2 %, 2 %.)
    for mark in range(5):
        value = top * mark / 4
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
    placed = [(x(value), text, anchors.get(value, "middle")) for value, text in sorted(x_ticks)]
    for position, text, anchor in _fitting(placed, width, max_x_ticks):
        parts.append(
            format_html(
                '<text class="label" x="{}" y="{}" font-size="11" fill="#333" text-anchor="{}">{}</text>',
                position,
                height - 24,
                anchor,
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
        key_x, key_y = width - _PAD_RIGHT - 4, pad_top + 12 + 16 * index
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
    if title_lines:
        # Left-aligned over the axis's figures, a line to each <tspan>: one text, read as one.
        parts.append(
            format_html(
                '<text class="label axis-title" x="4" y="{}" font-size="11" fill="#333" text-anchor="start">{}</text>',
                4 + _FONT,
                format_html_join(
                    "",
                    '<tspan x="4" dy="{}">{}</tspan>',
                    ((0 if index == 0 else _TITLE_LINE, line) for index, line in enumerate(title_lines)),
                ),
            )
        )
    return svg_figure("chart line-chart own-colours", width, height, title, parts)


def _text_width(text: str, size: float) -> float:
    """The width ``text`` may take at font size ``size``, guessed on the wide side."""
    return size * sum(_WIDE_EM if unicodedata.east_asian_width(c) in "WF" else _NARROW_EM for c in text)


def _extent(position: float, text: str, anchor: str) -> tuple[float, float]:
    """Where a label written at ``position`` with ``anchor`` starts and ends."""
    length = _text_width(text, _FONT)
    start = {"start": position, "end": position - length}.get(anchor, position - length / 2)
    return start, start + length


def _fitting(
    placed: Sequence[tuple[float, str, str]], width: float, most: int | None
) -> list[tuple[float, str, str]]:
    """Of the labels ``placed`` (position, text, anchor; in order along the axis), the most that fit
    without touching each other or the chart's edges, up to ``most``: the ones nearest to as many
    evenly spaced points from the first to the last. The first and the last are kept while two fit,
    so the axis always says when it begins and ends; the last alone when the chart is too narrow."""
    if not placed:
        return []
    first, last = placed[0][0], placed[-1][0]
    for count in range(min(most or len(placed), len(placed)), 0, -1):
        targets = [last] if count == 1 else [first + (last - first) * i / (count - 1) for i in range(count)]
        chosen = sorted({min(range(len(placed)), key=lambda k: abs(placed[k][0] - t)) for t in targets})
        extents = [_extent(*placed[k]) for k in chosen]
        inside = extents[0][0] >= 0 and extents[-1][1] <= width
        apart = all(a[1] + _TICK_GAP <= b[0] for a, b in pairwise(extents))
        if inside and apart:
            return [placed[k] for k in chosen]
    return [placed[-1]]


def _wrap(text: str, size: float, room: float) -> list[str]:
    """``text`` in lines no wider than ``room`` at font size ``size``: broken between words, and
    within a word only if it is wider than a line on its own (Chinese and Japanese have no spaces)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if line and _text_width(joined, size) > room:
            lines.append(line)
            joined = word
        line = joined
        while _text_width(line, size) > room:
            cut = max((k for k in range(1, len(line)) if _text_width(line[:k], size) <= room), default=1)
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def _percent(value: float, step: float) -> str:
    """A share as a percentage, with a decimal only where the steps need one."""
    decimals = 0 if float(round(step * 100, 6)).is_integer() else 1
    return f"{value * 100:.{decimals}f} %"


def dated_line_chart(
    points: Sequence[tuple[dt.date, float]], *, name: str, title: str, y_label: str, ticks: int = 5
) -> SafeString:
    """One line over dates (in order), with up to ``ticks`` of them labelled: as many as fit, spread
    evenly over the time (not over the list: scores weeks apart after years of quarterly ones would
    have had their dates written over each other)."""
    xs = [float(day.toordinal()) for day, _value in points]
    return line_chart(
        xs,
        [(name, [value for _day, value in points])],
        title=title,
        x_label="",
        y_label=y_label,
        x_ticks=[(value, day.isoformat()) for value, (day, _value) in zip(xs, points, strict=True)],
        x_names=[day.isoformat() for day, _value in points],
        max_x_ticks=ticks,
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
                    percent(value),
                    _LABEL_WIDTH + length + 4,
                    y + _BAR - 2,
                    percent(value),
                )
            )
    return svg_figure("chart bar-pairs own-colours", width, height, title, parts)
