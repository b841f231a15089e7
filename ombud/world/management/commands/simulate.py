"""``ombud simulate``: build a synthetic force with years of history and write it into the database."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any, Never

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from ombud.core.arguments import date_argument, whole_number
from ombud.intake.models import Complaint
from ombud.org.models import Officer, Unit
from ombud.world.digest import digest_rows
from ombud.world.load import WorldLoadError, world_load, world_rows
from ombud.world.params import WorldParams
from ombud.world.sim import simulate

# Beyond these a world would not fit in memory, or would start before the calendar does.
MAX_OFFICERS = 1_000_000
MAX_YEARS = 100
MAX_SEED = 2**32 - 1  # NumPy's seeds


def add_prefix(seed: int) -> str:
    """A prefix for codes, badges and references that nothing in the database starts with yet."""
    base = f"S{seed}N{Officer.objects.count()}"
    for attempt in range(1000):
        prefix = f"{base}-" if attempt == 0 else f"{base}x{attempt}-"
        taken = (
            Unit.objects.filter(code__startswith=prefix).exists()
            or Officer.objects.filter(badge__startswith=prefix).exists()
            or Complaint.objects.filter(reference__startswith=prefix).exists()
        )
        if not taken:
            return prefix
    raise CommandError(_("Could not find a free prefix for the new world's codes."))


class Command(BaseCommand):
    help = _(
        "Write a synthetic force (units, villages, officers, officials, bodies) with years of complaints, "
        "cases and measures into the database. Deterministic for a seed. See docs/world.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        defaults = WorldParams()
        parser.add_argument(
            "--officers",
            type=whole_number(1, MAX_OFFICERS),
            default=defaults.officers,
            help=_("officers serving on the end date (default %(default)s)"),
        )
        parser.add_argument(
            "--years",
            type=whole_number(1, MAX_YEARS),
            default=defaults.years,
            help=_("years of history (default %(default)s)"),
        )
        parser.add_argument(
            "--seed",
            type=whole_number(0, MAX_SEED),
            default=defaults.seed,
            help=_("random seed (default %(default)s)"),
        )
        parser.add_argument(
            "--provinces",
            type=whole_number(0, 1000),
            default=0,
            help=_("provinces (default: one per 20,000 officers)"),
        )
        parser.add_argument(
            "--end-date",
            type=date_argument,
            default=None,
            help=_("last day of the history, YYYY-MM-DD (default: today)"),
        )
        parser.add_argument(
            "--add",
            action="store_true",
            help=_("add a world to a database that already holds officers (codes get a prefix)"),
        )
        parser.add_argument("--quiet", action="store_true", help=_("no progress bar"))

    def handle(self, *args: Any, **options: Any) -> None:
        prefix = ""
        if Officer.objects.exists():
            if not options["add"]:
                raise CommandError(
                    _(
                        "The database already holds %(n)d officers; nothing was written. "
                        "Use --add to add a synthetic world next to them, or start from an empty database."
                    )
                    % {"n": Officer.objects.count()}
                )
            prefix = add_prefix(options["seed"])
        params = WorldParams(
            officers=options["officers"],
            years=options["years"],
            seed=options["seed"],
            provinces=max(0, options["provinces"]),
            end_date=options["end_date"] or timezone.localdate(),
            prefix=prefix,
        )
        started = time.monotonic()
        if not options["quiet"]:
            self.stderr.write(
                _("Simulating %(n)d officers over %(y)d years...") % {"n": params.officers, "y": params.years}
            )
        world = simulate(params)
        simulated = time.monotonic() - started
        bars: list[tqdm[Never]] = []

        def progress(phase: str, n: int) -> None:
            # Two bars: writing the rows, then reading them back for the digest.
            digesting = phase.startswith("digest")
            if len(bars) < 1 + digesting:
                if bars:
                    bars[-1].close()
                bars.append(
                    tqdm(
                        total=digest_rows() if digesting else world_rows(world),
                        desc=_("digest") if digesting else _("writing"),
                        unit="row",
                        unit_scale=True,
                        disable=options["quiet"],
                        file=self.stderr,
                    )
                )
            bars[-1].set_postfix_str(phase.removeprefix("digest "), refresh=False)
            bars[-1].update(n)

        try:
            loaded = world_load(world, progress=progress)
        except WorldLoadError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for bar in bars:
                bar.close()
        elapsed = time.monotonic() - started
        self.stdout.write(
            _("World %(run)d written in %(t).1f s (simulated in %(s).1f s), seed %(seed)d, digest %(digest)s")
            % {"run": loaded.run.pk, "t": elapsed, "s": simulated, "seed": params.seed, "digest": loaded.digest}
        )
        if prefix:
            self.stdout.write(_("Codes, badges and references start with %(prefix)s") % {"prefix": prefix})
        for key, value in loaded.counts.items():
            self.stdout.write(f"  {key:<20} {value:>10,}")
