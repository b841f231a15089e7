"""The score history on an officer's dossier reads whatever dates he was scored at: the dates under
the axis never run into each other, and the axis's title is written whole inside the chart."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from ombud.risk.charts import dated_line_chart

Y_LABEL = "chance of a sustained allegation in the year"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The test's own guess at how wide text is drawn: 0.6 of the font size for a digit or a letter (the
# usual sans-serif fonts draw digits 0.55 to 0.64 wide), a whole em for a Chinese or Korean one.
NARROW_EM, WIDE_EM = 0.6, 1.0


def quarter_ends(count: int, first: dt.date = dt.date(2020, 3, 31)) -> list[dt.date]:
    days = []
    year, month = first.year, first.month
    for _ in range(count):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        days.append(following - dt.timedelta(days=1))
        year, month = (year + 1, 3) if month == 12 else (year, month + 3)
    return days


def daily(count: int, first: dt.date = dt.date(2025, 6, 1)) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range(count)]


DATES = {
    "2 quarterly": quarter_ends(2),
    "7 quarterly": quarter_ends(7),
    "24 quarterly": quarter_ends(24),
    "2 daily": daily(2),
    "7 daily": daily(7),
    "24 daily": daily(24),
    # Quarterly scores, then a rescoring the next days: the dates bunch up at the right.
    "quarterly then daily": [*quarter_ends(3, dt.date(2025, 6, 30)), *daily(4, dt.date(2026, 1, 1))],
    "years then weeks": [*quarter_ends(8), *[dt.date(2022, 1, 1) + dt.timedelta(weeks=n) for n in range(16)]],
}


def chart(days: list[dt.date], y_label: str = Y_LABEL) -> ET.Element:
    points = [(day, 0.01 + 0.002 * (n % 5)) for n, day in enumerate(days)]
    svg = dated_line_chart(points, name="score", title="Early-warning score over time", y_label=y_label)
    frame = ET.fromstring(str(svg))
    assert frame.get("class") == "chart-frame"
    drawn = frame.find("svg")
    assert drawn is not None
    return drawn


def text_width(text: str, size: float) -> float:
    return size * sum(WIDE_EM if unicodedata.east_asian_width(c) in "WF" else NARROW_EM for c in text)


def lines_of(element: ET.Element) -> list[tuple[ET.Element, str]]:
    """A text's lines: each <tspan>, or the text itself."""
    spans = element.findall("tspan")
    return [(span, span.text or "") for span in spans] if spans else [(element, element.text or "")]


def extent(element: ET.Element, line: str, x: float) -> tuple[float, float]:
    """Where a line of text starts and ends along its own direction."""
    length = text_width(line, float(element.get("font-size", 11)))
    anchor = element.get("text-anchor", "start")
    start = {"start": x, "end": x - length}.get(anchor, x - length / 2)
    return start, start + length


def view_box(svg: ET.Element) -> tuple[float, float]:
    _x, _y, width, height = (float(n) for n in svg.get("viewBox", "").split())
    return width, height


@pytest.mark.parametrize("days", DATES.values(), ids=DATES.keys())
def test_the_dates_under_the_score_history_never_run_into_each_other(days: list[dt.date]) -> None:
    svg = chart(days)
    width, _height = view_box(svg)
    labels = sorted(
        (float(text.get("x", 0)), text) for text in svg.iter("text") if ISO_DATE.fullmatch(text.text or "")
    )
    written = [text.text for _x, text in labels]
    # The first and the last day are always written, and every label is a day he was scored.
    assert written[0] == days[0].isoformat() and written[-1] == days[-1].isoformat()
    assert set(written) <= {day.isoformat() for day in days}
    spans = [extent(text, text.text or "", x) for x, text in labels]
    assert spans[0][0] >= 0 and spans[-1][1] <= width, "a date runs past the chart's edge"
    for (_, end), (start, _) in pairwise(spans):
        # At least half an em between two dates, so they read as two.
        assert start - end >= 5.5, f"dates run into each other: {written}"


@pytest.mark.parametrize(
    "y_label",
    [
        Y_LABEL,
        Y_LABEL + ", as estimated on the day of the scoring from the officer's record until then",
        "一年内有被证实的指控的可能性按该警员截至评分日的记录估计仅供主管参考并须结合其他资料判断",
        "1년 안에 입증된 혐의가 있을 가능성",
    ],
    ids=["as-shown", "long", "chinese", "korean"],
)
def test_the_score_history_s_axis_title_is_written_whole_inside_the_chart(y_label: str) -> None:
    svg = chart(quarter_ends(7), y_label)
    width, height = view_box(svg)
    [title] = [text for text in svg.iter("text") if y_label.split()[0][:4] in "".join(text.itertext())]
    assert re.sub(r"\s+", "", "".join(title.itertext())) == re.sub(r"\s+", "", y_label)
    rotated = re.fullmatch(r"rotate\(-90 ([\d.]+) ([\d.]+)\)", title.get("transform", ""))
    for element, line in lines_of(title):
        if rotated:  # written up the side: it runs along the chart's height, around the rotation's centre
            start, end = extent(element, line, float(rotated.group(2)))
            assert start >= 0 and end <= height, f"the axis title is cut: {line!r}"
        else:
            start, end = extent(element, line, float(element.get("x", title.get("x", 0))))
            assert start >= 0 and end <= width, f"the axis title is cut: {line!r}"
