"""Small charts drawn on the server as inline SVG, so a figure reads on any phone without JavaScript."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

_LABEL_BAND = 20
_VALUE_BAND = 16
# Narrower than this, a label would run into its neighbour: only every n-th one is written, and
# values are left to each bar's tooltip (and to the table a chart always sits next to).
_TEXT_WIDTH = 32


def bar_chart(
    bars: Sequence[tuple[str, int]], *, title: str, width: int = 480, bar_height: int = 160
) -> SafeString:
    """A vertical bar chart, each value written above its bar and its label below.

    The SVG scales to its container through its viewBox; its title is its accessible name."""
    height = bar_height + _LABEL_BAND + _VALUE_BAND
    top = max((value for _, value in bars), default=0) or 1
    slot = width / max(len(bars), 1)
    thickness = round(slot * 0.7, 1)
    label_every = max(1, math.ceil(_TEXT_WIDTH / slot))
    parts = []
    for index, (label, value) in enumerate(bars):
        tall = round(bar_height * value / top, 1)
        y = round(_VALUE_BAND + bar_height - tall, 1)
        centre = round(index * slot + slot / 2, 1)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                round(centre - thickness / 2, 1),
                y,
                thickness,
                tall,
                label,
                value,
            )
        )
        if slot >= _TEXT_WIDTH:
            parts.append(
                format_html('<text x="{}" y="{}" class="value">{}</text>', centre, round(y - 4, 1), value)
            )
        if index % label_every == 0:
            parts.append(format_html('<text x="{}" y="{}" class="label">{}</text>', centre, height - 5, label))
    return svg_figure("chart", width, height, title, parts)


def svg_figure(classes: str, width: int, height: int, title: str, parts: Sequence[SafeString]) -> SafeString:
    """The chart's SVG element in its frame: it scales to its container through its viewBox, and its
    title is its accessible name. The frame scrolls sideways where the screen is narrower than the
    chart's least width (site.css), so that a phone does not shrink its labels to 6 px."""
    return format_html(
        '<div class="chart-frame"><svg class="{}" role="img" viewBox="0 0 {} {}"><title>{}</title>{}</svg></div>',
        classes,
        width,
        height,
        title,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
