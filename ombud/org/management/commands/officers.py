"""``ombud officers move FILE.csv``: move many officers at once (a rotation across a force), each row
an officer's new unit and places from a day on, through the same service as the page and the API.
The whole file is one transaction: a bad row is reported with its line and nothing is moved."""

from __future__ import annotations

import csv
import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from ombud.core.arguments import date_argument
from ombud.org.models import Officer, Place, Unit
from ombud.org.services import officer_move

COLUMNS = ("badge", "unit", "places", "on")
MAX_PRINTED = 200


class _Refused(Exception):
    """Rolls the whole file back once every row is checked."""


class Command(BaseCommand):
    help = _("Move officers to other units and places, as listed in a CSV file (docs/cli.md).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        move = sub.add_parser(
            "move",
            help=_(
                "a CSV file with the columns badge, unit (its code), places (the codes of the places he "
                "answers for from then on, separated by ';'; empty for none) and, optionally, on (the day)"
            ),
        )
        move.add_argument("file", type=Path)
        move.add_argument(
            "--on", type=date_argument, default=None, help=_("the day of rows without one (default today)")
        )
        move.add_argument("--quiet", action="store_true", help=_("no progress bar"))

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                header = [name.strip() for name in reader.fieldnames or []]
                rows = list(reader)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(
                _("%(file)s: not a CSV file in UTF-8 (%(error)s).") % {"file": path, "error": exc}
            ) from None
        missing = [name for name in COLUMNS[:3] if name not in header]
        if missing:
            raise CommandError(
                _("%(file)s: the header lacks %(columns)s (it needs badge, unit, places and may have on).")
                % {"file": path, "columns": ", ".join(missing)}
            )
        problems: list[str] = []
        moved = started = ended = 0
        try:
            with transaction.atomic():
                for line, row in enumerate(tqdm(rows, unit="row", disable=options["quiet"], file=self.stderr), 2):
                    try:
                        move = officer_move(actor=None, **_row_move(row, options["on"]))
                    except ValidationError as exc:
                        problems.append(f"{path}:{line}: " + " ".join(exc.messages))
                        continue
                    moved += 1
                    started += len(move.places_started)
                    ended += len(move.places_ended)
                if problems:
                    raise _Refused
        except _Refused:
            for problem in problems[:MAX_PRINTED]:
                self.stderr.write(problem)
            raise CommandError(
                ngettext(
                    "%(n)d row cannot be moved: nothing was changed.",
                    "%(n)d rows cannot be moved: nothing was changed.",
                    len(problems),
                )
                % {"n": len(problems)}
            ) from None
        self.stdout.write(
            ngettext("Moved %(n)d officer.", "Moved %(n)d officers.", moved) % {"n": moved}
            + " "
            + _("Places taken up: %(started)d; given up: %(ended)d.") % {"started": started, "ended": ended}
        )


def _row_move(row: dict[str, Any], default_on: dt.date | None) -> dict[str, Any]:
    """The service's arguments for one row, or a ValidationError naming what is wrong with it."""
    cells = {name.strip(): (value or "").strip() for name, value in row.items() if name is not None}
    if any("\x00" in value for value in cells.values()):
        # No database could store or look up such a cell (PostgreSQL's text refuses it).
        raise ValidationError(_("A cell holds a NUL character."))
    badge = cells.get("badge", "")
    officer = Officer.objects.filter(badge=badge).first() if badge else None
    if officer is None:
        raise ValidationError(_("No officer has the badge %(badge)r.") % {"badge": badge})
    unit = Unit.objects.filter(code=cells.get("unit", "")).first()
    if unit is None:
        raise ValidationError(_("No unit has the code %(code)r.") % {"code": cells.get("unit", "")})
    codes = [code.strip() for code in cells.get("places", "").split(";") if code.strip()]
    places = list(Place.objects.filter(code__in=codes).select_related("unit"))
    unknown = sorted(set(codes) - {place.code for place in places})
    if unknown:
        raise ValidationError(_("No place has the code %(codes)s.") % {"codes": ", ".join(map(repr, unknown))})
    on = default_on
    if cells.get("on"):
        try:
            on = date_argument(cells["on"])
        except ArgumentTypeError as exc:
            raise ValidationError(str(exc)) from None
    return {"officer": officer, "unit": unit, "places": places, "on": on}
