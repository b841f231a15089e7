"""Argument types the ``ombud`` commands share, so that a value no command could use is refused
by argparse with a one-line message (exit status 2) before anything runs."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentTypeError
from collections.abc import Callable

from django.utils.translation import gettext as _

# Dates before 1900 are typing slips (the importers refuse them too); the last years of the
# calendar leave no room for the year after a date, which the early-warning labels count.
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(9998, 12, 31)


def date_argument(text: str) -> dt.date:
    """A day written YYYY-MM-DD, from 1900 on."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(_("not a date (YYYY-MM-DD): %(text)s") % {"text": text}) from None
    check_date(day, text)
    return day


def check_date(day: dt.date, text: str) -> None:
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ArgumentTypeError(
            _("%(text)s: give a date from %(first)s to %(last)s")
            % {"text": text, "first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()}
        )


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ArgumentTypeError(_("not a whole number: %(text)s") % {"text": text}) from None
        if not low <= value <= high:
            raise ArgumentTypeError(
                _("%(value)s: give a whole number from %(low)s to %(high)s")
                % {"value": text, "low": low, "high": high}
            )
        return value

    return parse
