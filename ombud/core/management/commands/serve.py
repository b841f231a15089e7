"""``ombud serve [--port P]``: the production WSGI server (gunicorn) over ombud."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from gunicorn.app.base import BaseApplication

from ombud.core.arguments import whole_number
from ombud.core.keys import keys_ensure
from ombud.wsgi import application


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return application


def serve(*, host: str, port: int, workers: int, threads: int) -> None:
    # Made once here, so the workers forked below all read the same keys.
    keys_ensure()
    call_command("collectstatic", interactive=False, verbosity=0)
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": None,
            "timeout": 60,
            # gunicorn's control socket is one file in the user's home for every server started:
            # a second instance (a test server, the demo) would take it over and remove it on exit.
            # ombud is stopped by its signals and needs none.
            "control_socket_disable": True,
        }
    ).run()


class Command(BaseCommand):
    help = _("Serve ombud with a production WSGI server.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--port",
            type=whole_number(1, 65535),
            default=settings.PORT,
            help=_("port (default OMBUD_PORT or 8000)"),
        )
        parser.add_argument("--host", default=os.environ.get("OMBUD_HOST", "127.0.0.1"))
        # One process per core: more only adds contention for the one SQLite writer (bench/intake.py).
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(_("Serving ombud on http://%(host)s:%(port)s/") % options)
        self.stdout.flush()
        serve(host=options["host"], port=options["port"], workers=options["workers"], threads=options["threads"])
