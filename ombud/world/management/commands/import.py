"""``ombud import FORMAT DIR``: load a force's history (the interchange format, or the NYC CCRB and
Philadelphia datasets) into the tables the portal fills. Idempotent; bad rows are reported with
their file and line, skipped, and counted."""

from __future__ import annotations

import errno
import os
import re
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any, Never

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from ombud.world.importers import READERS
from ombud.world.importers.base import ImportError_, slug
from ombud.world.importers.loader import batch_load, new_rows

MAX_PRINTED = 200


def _source_argument(text: str) -> str:
    # A value no run could use stops the command as every other option's does (docs/cli.md).
    if not re.fullmatch(r"[a-z0-9_.-]{1,32}", text):
        raise ArgumentTypeError(
            _("give 1 to 32 lowercase letters a-z, digits, '.', '_' or '-': %(text)r") % {"text": text}
        )
    return text


class Command(BaseCommand):
    help = _(
        "Import a force's officers, complaints and allegations: `interchange DIR` (docs/interchange.md), "
        "`ccrb DIR` (NYC CCRB) or `philadelphia DIR` (Philadelphia Police). A second run adds nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("format", choices=sorted(READERS), help=_("what the directory holds"))
        parser.add_argument("directory", type=Path, help=_("the directory of CSV files"))
        parser.add_argument(
            "--source",
            default=None,
            type=_source_argument,
            help=_(
                "interchange only: a short name for where the records come from (default: the directory's name)"
            ),
        )
        parser.add_argument("--name", default="", help=_("interchange only: the force's name"))
        parser.add_argument("--quiet", action="store_true", help=_("no progress bar"))

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            # Said as every file named on the command line is (ombud.cli): "ombud: DIR: reason".
            code = errno.ENOTDIR if directory.exists() else errno.ENOENT
            raise OSError(code, os.strerror(code), str(directory))
        kind = options["format"]
        bars: dict[str, tqdm[Never]] = {}

        def progress(label: str, n: int) -> None:
            phase = (
                "write"
                if label
                in {"officers", "complaints", "cases", "complaint subjects", "allegations", "complaint categories"}
                else "read"
            )
            if phase not in bars:
                for bar in bars.values():
                    bar.close()
                bars[phase] = tqdm(
                    desc=_("writing") if phase == "write" else _("reading"),
                    total=total if phase == "write" else None,
                    unit="row",
                    unit_scale=True,
                    disable=options["quiet"],
                    file=self.stderr,
                )
            bars[phase].set_postfix_str(label, refresh=False)
            bars[phase].update(n)

        total = 0
        try:
            reader = READERS[kind]
            if kind == "interchange":
                name = directory.resolve().name
                source = options["source"] or slug(name, max_length=32, ascii_only=True, digest=False)
                if not options["source"] and source == "other" and name.lower() != "other":
                    # Two directories named in another script, or with no letter at all ("---"), would
                    # both become "other", one force.
                    raise CommandError(
                        _("The directory's name %(name)r makes no source name: give one with --source.")
                        % {"name": name}
                    )
                batch = reader(directory, source=source, name=options["name"], progress=progress)
            else:
                batch = reader(directory, progress=progress)
            total = new_rows(batch)
            report = batch_load(batch, progress=progress)
            if "write" in bars:
                # Its total was an upper bound (rows already there, complaints without a case are
                # not written): done is 100 %, not where the bound left it.
                bars["write"].total = bars["write"].n
                bars["write"].refresh()
        except ImportError_ as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            # Another source's records already hold a reference or code this one would take.
            raise CommandError(
                _("The import conflicts with records already in the database (%(error)s); nothing was imported.")
                % {"error": exc}
            ) from exc
        finally:
            for bar in bars.values():
                bar.close()
        for problem in report.problems[:MAX_PRINTED]:
            self.stderr.write(str(problem))
        if len(report.problems) > MAX_PRINTED:
            self.stderr.write(
                _("... and %(n)d more rows, skipped or kept without a bad value")
                % {"n": len(report.problems) - MAX_PRINTED}
            )
        if report.force_name and report.force_name.casefold() != report.source.casefold():
            done = _("Imported “%(name)s” (source %(source)s) in %(t).1f s: %(added)d rows added.")
        else:
            done = _("Imported “%(source)s” in %(t).1f s: %(added)d rows added.")
        self.stdout.write(
            done
            % {
                "name": report.force_name,
                "source": report.source,
                "t": report.seconds,
                "added": report.added_total,
            }
        )
        for label in sorted(set(report.added) | set(report.already)):
            counts = {
                "label": label,
                "added": report.added.get(label, 0),
                "already": report.already.get(label, 0),
                "updated": report.updated.get(label, 0),
            }
            if counts["updated"]:
                line = (
                    _("%(label)-22s %(added)10d added, %(already)d already there (%(updated)d updated)") % counts
                )
            else:
                line = _("%(label)-22s %(added)10d added, %(already)d already there") % counts
            self.stdout.write("  " + line)
        if report.unrelated_to:
            self.stderr.write(
                _(
                    "None of these records names an officer or a complaint of the %(n)d complaints source "
                    "%(source)s held before: if they are another force's, they are now filed with them under one "
                    "source. Import another force under its own --source."
                )
                % {"n": report.unrelated_to, "source": report.source}
            )
        if report.allegations_elsewhere:
            self.stderr.write(
                ngettext(
                    "%(n)d allegation imported earlier was left as it was: this release gives it another category "
                    "(the complaint's rows for its officer may be in another order than before).",
                    "%(n)d allegations imported earlier were left as they were: this release gives them another "
                    "category (the complaint's rows for their officer may be in another order than before).",
                    report.allegations_elsewhere,
                )
                % {"n": report.allegations_elsewhere}
            )
        skipped, kept = len(report.skipped), report.kept_rows
        if skipped:
            self.stderr.write(
                ngettext(
                    "%(n)d bad row was skipped (listed above with its file and line).",
                    "%(n)d bad rows were skipped (listed above with their file and line).",
                    skipped,
                )
                % {"n": skipped}
            )
        if kept:
            self.stderr.write(
                ngettext(
                    "%(n)d row was kept without a bad value (listed above).",
                    "%(n)d rows were kept without a bad value (listed above).",
                    kept,
                )
                % {"n": kept}
            )
        if not report.problems:
            self.stdout.write(_("No bad rows."))
        if report.badges_left_out:
            self.stderr.write(
                ngettext(
                    "%(n)d officer was imported without the badge number given: it is shared with another officer "
                    "of the file or already held by someone (a badge number is unique).",
                    "%(n)d officers were imported without the badge numbers given: each is shared with another "
                    "officer of the file or already held by someone (a badge number is unique).",
                    report.badges_left_out,
                )
                % {"n": report.badges_left_out}
            )
