"""``ombud case list|package|verify-package|import-package``: cases and referral packages."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from ombud.cases.models import Case
from ombud.cases.packages import PackageRefused, package_build, package_import, package_verify
from ombud.conf import write_atomically
from ombud.core.arguments import whole_number
from ombud.core.typed import parse_id


def _case(identifier: str) -> Case:
    pk = parse_id(identifier)
    case = Case.objects.filter(pk=pk).first() if pk is not None else Case.objects.filter(number=identifier).first()
    if case is None:
        raise CommandError(_("No case %(id)s.") % {"id": identifier})
    return case


class Command(BaseCommand):
    help = _("List cases; write, verify and import referral packages.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        listing = sub.add_parser("list", help=_("list cases"))
        listing.add_argument("--json", action="store_true")
        listing.add_argument(
            "--limit", type=whole_number(0, 2**31 - 1), default=0, help=_("at most this many (0: all)")
        )
        package = sub.add_parser("package", help=_("write a signed referral package of a case"))
        package.add_argument("case", help=_("case id or number"))
        package.add_argument("--out", required=True, type=Path)
        verify = sub.add_parser("verify-package", help=_("check a package's signature and hashes"))
        verify.add_argument("file", type=Path)
        verify.add_argument("--json", action="store_true")
        imp = sub.add_parser("import-package", help=_("create the case of a trusted package here"))
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--trust",
            action="append",
            default=[],
            metavar="FINGERPRINT",
            help=_("a signer fingerprint to trust (repeatable)"),
        )
        imp.add_argument("--body", help=_("code of the receiving body (default: the top body)"))

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["verb"].replace("-", "_"))(options)

    def _list(self, options: dict[str, Any]) -> None:
        cases = (
            Case.objects.select_related("body")
            .annotate(
                evidence_count=Count("evidence", distinct=True),
                allegation_count=Count("allegations", distinct=True),
            )
            .order_by("pk")
        )
        if options["limit"]:
            cases = cases[: options["limit"]]
        rows = [
            {
                "id": c.pk,
                "number": c.number,
                "title": c.title,
                "status": c.status,
                "body": c.body.code,
                "opened_at": c.opened_at.isoformat(),
                "allegations": c.allegation_count,
                "evidence_count": c.evidence_count,
            }
            for c in cases
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows))
            return
        for r in rows:
            self.stdout.write(
                f"{r['id']:>6}  {r['number']:<22} {r['status']:<9} {r['evidence_count']:>3} evidence  {r['title']}"
            )

    def _package(self, options: dict[str, Any]) -> None:
        case = _case(options["case"])
        out: Path = options["out"]
        # The package's audit and custody entries stand only if the file was written.
        with transaction.atomic():
            data = package_build(actor=None, case=case)
            write_atomically(out, data)
        self.stdout.write(
            _("Wrote %(path)s (%(size)d bytes) for case %(number)s.")
            % {"path": out, "size": len(data), "number": case.number}
        )

    def _verify_package(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(_("No file %(path)s.") % {"path": path})
        check = package_verify(path)
        if options["json"]:
            self.stdout.write(json.dumps({"ok": check.ok, "signer": check.signer, "problems": check.problems}))
        elif check.ok:
            self.stdout.write(_("The package verifies; signed by %(fp)s.") % {"fp": check.signer})
        if not check.ok:
            if options["json"]:
                raise SystemExit(1)
            raise CommandError("\n".join(check.problems))

    def _import_package(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(_("No file %(path)s.") % {"path": path})
        try:
            case = package_import(
                actor=None, data=path.read_bytes(), trusted=options["trust"], body_code=options["body"]
            )
        except PackageRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("Imported as case %(number)s (id %(id)d).") % {"number": case.number, "id": case.pk})
