"""``ombud demo``: migrate, build the demo province if the database is empty, print one login per
role, and serve on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ombud.core.arguments import whole_number
from ombud.core.demo import demo_users_ensure
from ombud.core.management.commands.serve import serve
from ombud.org.models import Officer
from ombud.world.management.commands.simulate import MAX_OFFICERS, MAX_SEED, MAX_YEARS

# A task the worker is running is given this long to finish when the demo stops.
WORKER_STOP_SECONDS = 10


def _stop_with_parent() -> None:
    """In the worker's process, before it starts: Linux sends it SIGTERM when the demo dies, however
    it dies (killed outright, a crash), so no worker is left running on its own."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _worker_stop(worker: subprocess.Popen[bytes]) -> None:
    """Asked once, the worker finishes its task; asked again, it stops at once, and an evaluation
    it was running is marked failed ("ask for it again") rather than left running."""
    for _attempt in range(2):
        worker.terminate()
        try:
            worker.wait(timeout=WORKER_STOP_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue
    worker.kill()


class Command(BaseCommand):
    help = _("Build the demo province (if the database is empty), print demo logins and serve it.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help=_("build and print logins, then stop"))
        parser.add_argument(
            "--officers",
            type=whole_number(1, MAX_OFFICERS),
            default=2000,
            help=_("officers in the demo force (default 2000)"),
        )
        parser.add_argument(
            "--years", type=whole_number(1, MAX_YEARS), default=12, help=_("years of history (default 12)")
        )
        parser.add_argument(
            "--seed", type=whole_number(0, MAX_SEED), default=7, help=_("random seed of the synthetic world")
        )
        parser.add_argument("--port", type=whole_number(1, 65535), default=settings.PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if Officer.objects.exists():
            self.stdout.write(_("The database already holds a force; using it."))
        else:
            self.stdout.write(_("Building the demo province (this takes a minute)..."))
            call_command(
                "simulate",
                officers=options["officers"],
                years=options["years"],
                seed=options["seed"],
                stdout=self.stdout,
            )
        logins = demo_users_ensure()
        from ombud.risk.models import Evaluation, RiskScore

        self._early_warning(score=not RiskScore.objects.exists(), evaluate=not Evaluation.objects.exists())
        self.stdout.write("")
        self.stdout.write(_("Demo logins (new passwords on every run):"))
        for login in logins:
            self.stdout.write(
                f"  {login.role:<15} user {login.username:<13} password {login.password}   {login.where}"
            )
        self.stdout.write(_("Data directory: %(dir)s") % {"dir": settings.DATA_DIR})
        if options["no_serve"]:
            return
        self.stdout.write(_("Open http://127.0.0.1:%(port)s/ and log in.") % {"port": options["port"]})
        self.stdout.flush()
        # The worker beside the server, as in a deployment: what the pages queue (an evaluation an
        # analyst asks for) is run, and the daily jobs (escalation, scoring) fall due as they would.
        worker = subprocess.Popen(
            [sys.executable, "-m", "ombud", "worker", "--no-reload"], preexec_fn=_stop_with_parent
        )
        try:
            serve(host="127.0.0.1", port=options["port"], workers=3, threads=4)
        finally:
            _worker_stop(worker)

    def _evaluate_settled(self, today: dt.date) -> Any:
        """The report the demo shows first, measured on the latest year whose outcomes are settled
        (a year that ended yesterday still has most of its findings under investigation), back to
        three years ago; the latest that can be trained for where none is."""
        from ombud.risk.evaluation import OUTCOMES_SETTLED, outcomes_known
        from ombud.risk.events import events_load
        from ombud.risk.model import ModelError
        from ombud.risk.services import risk_evaluate

        ev = events_load()
        candidates = [today - dt.timedelta(days=366 + 365 * back) for back in range(3)]
        # Too short a record to measure it: not taken for settled.
        known = {day: outcomes_known(ev, day) or 0.0 for day in candidates}
        settled = [day for day in candidates if known[day] >= OUTCOMES_SETTLED]
        order = list(dict.fromkeys(settled[:1] + sorted(candidates, key=lambda day: -known[day])))
        for day in order[:-1]:
            try:
                return risk_evaluate(as_of=day, events=ev)
            except ModelError:
                continue  # too little record before that date to train on: another may have enough
        return risk_evaluate(as_of=order[-1], events=ev)

    def _early_warning(self, *, score: bool, evaluate: bool) -> None:
        """Score the force and measure the model once (each if not done yet), as the worker and an
        analyst would, so that the alerts and the evaluation report show from the first login."""
        if not (score or evaluate):
            return

        from django.core.exceptions import ValidationError
        from django.utils import timezone

        from ombud.risk.model import ModelError
        from ombud.risk.services import risk_score

        self.stdout.write(_("Scoring the force for early warning..."))
        today = timezone.localdate()
        try:
            if score:
                report = risk_score(as_of=today, retrain=True)
                scored = ngettext("%(n)d officer scored", "%(n)d officers scored", report.scored) % {
                    "n": report.scored
                }
                raised = ngettext("%(n)d alert raised", "%(n)d alerts raised", report.alerts) % {
                    "n": report.alerts
                }
                self.stdout.write(f"{scored}, {raised}.")
            if not evaluate:
                return
            run = self._evaluate_settled(today)
            self.stdout.write(
                _("Model evaluated as of %(date)s (the report at /risk/report/).")
                % {"date": run.as_of.isoformat()}
            )
        except (ModelError, ValidationError) as exc:
            # Too short a history to learn from (a demo of a year or two): the rest of the demo stands.
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            self.stdout.write(_("Early warning left for later: %(why)s") % {"why": message})
