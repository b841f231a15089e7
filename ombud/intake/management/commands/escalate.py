"""``ombud escalate [--as-of DATE]``: move every complaint past its deadline one level up."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.core.arguments import check_date
from ombud.intake.services import complaints_escalate_due


def as_of_argument(value: str) -> dt.datetime:
    """A date (the end of that day) or a datetime, in the instance's time zone. A date in the
    future is allowed on purpose: it shows what the deadlines will have done by then."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(_("not a date (YYYY-MM-DD): %(text)s") % {"text": value}) from None
    check_date(parsed.date(), value)
    if len(value) <= 10:
        parsed = parsed.replace(hour=23, minute=59, second=59)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _as_of(value: dt.datetime | str | None) -> dt.datetime:
    # ``call_command("escalate", as_of="2030-01-01")`` passes the text: argparse types only what it parses.
    if isinstance(value, str):
        return as_of_argument(value)
    return value or timezone.now()


class Command(BaseCommand):
    help = _("Escalate complaints past their deadlines (and those many people complained of) one level up.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--as-of", type=as_of_argument, help=_("the date to judge deadlines by (default: now)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = complaints_escalate_due(actor=None, as_of=_as_of(options["as_of"]))
        self.stdout.write(
            _("%(n)d complaints escalated; %(top)d overdue with the top body already.")
            % {"n": len(report.escalated), "top": len(report.at_top)}
        )
