"""``ombud audit verify`` walks the chain; ``ombud audit head`` prints the head to publish."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ombud.audit.models import AuditEntry
from ombud.audit.selectors import audit_head, audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or print its head."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify", help="walk the chain; exit 1 naming the first bad entry")
        verify.add_argument("--quiet", action="store_true", help="no progress bar")
        head = sub.add_parser("head", help="print the chain head (sequence number and hash) to publish")
        head.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "head":
            seq, digest = audit_head()
            if options["json"]:
                self.stdout.write(json.dumps({"seq": seq, "hash": digest}))
            else:
                self.stdout.write(f"{seq} {digest}")
            return
        total = AuditEntry.objects.count()
        with tqdm(total=total, unit="entry", disable=options["quiet"] or total < 1000) as bar:
            report = audit_verify(progress=bar.update)
        if not report.ok:
            raise CommandError(f"audit chain broken: {report.problem}")
        self.stdout.write(f"audit chain holds: {report.entries} entries, head {report.head_hash}")
