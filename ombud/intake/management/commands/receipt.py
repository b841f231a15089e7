"""``ombud receipt verify PROOF``: check a complainant's signed proof of filing."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ombud.intake.proofs import proof_verify


class Command(BaseCommand):
    help = _("Verify a proof of filing printed on a complaint receipt.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify", help=_("check a proof's signature and print what it states"))
        verify.add_argument("proof", help=_("the proof text, or @FILE to read it from a file"))
        verify.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        proof = options["proof"]
        if proof.startswith("@"):
            proof = Path(proof[1:]).read_text(encoding="utf-8")
        check = proof_verify(proof)
        if options["json"]:
            self.stdout.write(
                json.dumps({"ok": check.ok, "statement": check.statement, "problems": check.problems})
            )
        elif check.ok:
            s = check.statement
            self.stdout.write(
                _(
                    "Valid proof: complaint %(reference)s filed %(filed_at)s with %(body_name)s; content digest %(digest)s"
                )
                % s
            )
        if not check.ok:
            raise CommandError("; ".join(check.problems))
