"""``ombud report period [--unit CODE] --since DATE --until DATE --format csv|pdf --out FILE``: the
period report of a unit's subtree, or of the whole force without ``--unit`` (docs/reports.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ombud.conf import write_atomically
from ombud.core.arguments import date_argument
from ombud.org.models import Unit
from ombud.reviews.reports import parse_period, period_report, report_csv, report_pdf


class Command(BaseCommand):
    help = _("Write reports: the period report of a unit (or the whole force) as CSV or PDF.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        period = sub.add_parser("period", help=_("complaints, allegations, findings, measures over a period"))
        period.add_argument(
            "--unit", help=_("code of the unit whose subtree is reported (default: the whole force)")
        )
        period.add_argument("--since", required=True, type=date_argument, help=_("first day, YYYY-MM-DD"))
        period.add_argument(
            "--until", required=True, type=date_argument, help=_("last day, YYYY-MM-DD (included)")
        )
        period.add_argument("--format", choices=["csv", "pdf"], default="csv")
        period.add_argument("--out", required=True, type=Path, help=_("file to write"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            since, until = parse_period(options["since"].isoformat(), options["until"].isoformat())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(_("No unit with code %(code)s.") % {"code": options["unit"]})
        report = period_report(unit=unit, since=since, until=until)
        out: Path = options["out"]
        if options["format"] == "pdf":
            write_atomically(out, report_pdf(report))
        else:
            write_atomically(out, report_csv(report).encode("utf-8"))
        self.stdout.write(
            _("Wrote %(path)s: %(units)d units, %(complaints)d complaints in the period.")
            % {"path": out, "units": len(report.rows) - 1, "complaints": report.current.complaints}
        )
