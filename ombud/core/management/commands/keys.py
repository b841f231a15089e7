"""``ombud keys rotate [--retire]``: re-encrypt every sealed field under a new key.
``ombud keys show``: key ids in use and the signing key's fingerprint."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ombud.core import keys
from ombud.intake.services import complainants_reseal


class Command(BaseCommand):
    help = _("Rotate the field-encryption key, or show the keys in use.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        rotate = sub.add_parser("rotate", help=_("make a new current key and re-encrypt everything under it"))
        rotate.add_argument("--retire", action="store_true", help=_("forget the old keys once nothing uses them"))
        sub.add_parser("show", help=_("print key ids and the signing key's fingerprint"))
        sub.add_parser("new", help=_("print a new key line for OMBUD_FIELD_KEYS"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "show":
            self.stdout.write(
                _("field keys: %(ids)s (current first)")
                % {"ids": ", ".join(k for k, _v in keys.field_keys().keys)}
            )
            self.stdout.write(_("signing key fingerprint: %(fp)s") % {"fp": keys.fingerprint()})
            return
        if options["verb"] == "new":
            self.stdout.write(keys.new_field_key_line())
            return
        if os.environ.get("OMBUD_FIELD_KEYS"):
            raise CommandError(
                _(
                    "The keys come from OMBUD_FIELD_KEYS: put a new key (from `ombud keys new`) first in it and run again."
                )
            )
        old = keys.field_keys()
        line = keys.new_field_key_line()
        path = keys.field_keys_file()
        # The new key is written next to the old ones before anything is re-encrypted, so a crash
        # at any point leaves every value readable.
        keys.write_field_keys(path, [line, *[keys.field_key_line(k, v) for k, v in old.keys]])
        count = complainants_reseal(field_keys=keys.field_keys(), progress=self.stdout.isatty())
        if options["retire"]:
            keys.write_field_keys(path, [line])
        self.stdout.write(
            _("%(n)d complainant records re-encrypted under key %(id)s.") % {"n": count, "id": line.split(":")[0]}
        )
