"""``ombud token create USERNAME``: print an API token for a user (created once, then reused)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from ombud.accounts.models import User
from ombud.audit.services import audit_record


class Command(BaseCommand):
    help = _("Create (or show) the API token of a user.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help=_("print the user's token, creating it if needed"))
        create.add_argument("username")
        create.add_argument("--rotate", action="store_true", help=_("replace an existing token"))

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not user.is_active:
            raise CommandError(_("No active user %(name)r.") % {"name": options["username"]})
        with transaction.atomic():
            if options["rotate"]:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
            if created:
                audit_record(actor=None, action="token.create", object_type="accounts.user", object_id=user.pk)
        self.stdout.write(token.key)
