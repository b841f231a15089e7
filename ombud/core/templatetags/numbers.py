"""Figures for people: ``{{ 0.0816|percent }}`` is "8.2 %", ``{{ 15183|grouped }}`` "15,183" (in the
reader's locale). Empty figures read "—"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext

register = template.Library()


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def percent(value: Any, decimals: int = 1) -> str:
    """A share (0 to 1) as a percentage."""
    if value is None or value == "":
        return "—"
    share = _number(value)
    if share is None:
        return str(value)
    number = number_format(_rounded(share * 100, int(decimals)), decimal_pos=int(decimals), use_l10n=True)
    # The sign's spacing is the language's ("8.2 %" in English, "8.2%" in Chinese and Korean); a
    # space there never breaks the line.
    return (pgettext("a percentage", "%(number)s %%") % {"number": number}).replace(" ", "\u00a0")


@register.filter
def grouped(value: Any) -> str:
    """A count with its thousands grouped."""
    if value is None or value == "":
        return "—"
    number = _number(value)
    if number is None:
        return str(value)
    decimals = 0 if number.is_integer() else 1
    return number_format(_rounded(number, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _rounded(number: float, decimals: int) -> Decimal:
    # number_format cuts the digits it does not show (0.1389 would read 13.8 %): round them, as
    # the charts and the command line do.
    return Decimal(repr(number)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
