"""``ombud worker``: runs queued tasks (django-tasks' database backend) and queues the periodic
jobs (escalation daily; see ombud.core.schedule) when they fall due."""

from __future__ import annotations

import logging
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import close_old_connections, connection
from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from ombud.core.schedule import enqueue_due_jobs

logger = logging.getLogger(__name__)


def _schedule_loop(stop: threading.Event, every_seconds: float) -> None:
    while not stop.is_set():
        try:
            queued = enqueue_due_jobs()
            if queued:
                logger.info("queued periodic jobs: %s", ", ".join(queued))
        except Exception:
            # A failed check must not kill the worker; the next round tries again.
            logger.exception("periodic job check failed")
        finally:
            close_old_connections()
        stop.wait(every_seconds)
    connection.close()


class Command(DbWorkerCommand):
    help = _("Run background tasks and the periodic jobs (escalation of overdue complaints, daily).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule-every", type=float, default=60.0, help=_("seconds between checks for due periodic jobs")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("batch"):
            # One pass: queue what is due now, run everything queued, stop.
            enqueue_due_jobs()
            options["startup_delay"] = False
            super().handle(*args, **options)
            return
        stop = threading.Event()
        scheduler = threading.Thread(target=_schedule_loop, args=(stop, options["schedule_every"]), daemon=True)
        scheduler.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
