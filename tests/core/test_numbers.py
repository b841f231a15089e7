"""Figures on the pages read as the command line and the charts give them: rounded, not cut."""

from __future__ import annotations

from django.utils import translation

from ombud.core.templatetags.numbers import grouped, percent


def test_a_share_is_rounded_to_the_shown_decimal_not_cut() -> None:
    # The report's table once read 13.8 % where the command line said 0.139 and the chart 4.2 %
    # above a table saying 4.1 %.
    assert [percent(v) for v in (0.1389, 0.0417, 0.2997, 0.0816)] == [
        "13.9\u00a0%",
        "4.2\u00a0%",
        "30.0\u00a0%",
        "8.2\u00a0%",
    ]
    assert percent(None) == "—" and percent(0) == "0.0\u00a0%"
    assert grouped(15183) == "15,183" and grouped(2.25) == "2.3" and grouped(1234567.85) == "1,234,567.9"


def test_figures_follow_the_readers_locale() -> None:
    with translation.override("de"):
        assert percent(0.1389) == "13,9\u00a0%"


def test_the_percent_sign_is_spaced_as_the_reader_s_language_spaces_it() -> None:
    for language in ("zh-hans", "ko"):
        with translation.override(language):
            assert percent(0.0305) == "3.1%"
    with translation.override("en"):
        assert percent(0.0305) == "3.1\u00a0%"
