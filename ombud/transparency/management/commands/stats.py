"""``ombud stats [--json]``: how much the database holds."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from ombud.transparency.selectors import force_stats


class Command(BaseCommand):
    help = "Print counts of units, places, officers, officials, complaints, cases, allegations, measures..."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = force_stats()
        if options["json"]:
            self.stdout.write(json.dumps(stats, sort_keys=True))
            return
        width = max(len(name) for name in stats)
        for name, value in stats.items():
            self.stdout.write(f"{name.ljust(width)}  {value:>10,}")
