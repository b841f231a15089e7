"""``ombud user add USERNAME --role ROLE [--unit U] [--body B]``: an account with a role, for the
people of a force loaded with ``ombud import`` (a supervisor to answer its alerts, an analyst to read
its evaluations) without the admin. The password is made here and printed once."""

from __future__ import annotations

import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from ombud.accounts.models import BODY_ROLES, Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.org.models import OversightBody, Unit

# An officer's own account is made with his officer record (the admin), not here.
ROLES = [role.value for role in Role if role != Role.OFFICER]


class Command(BaseCommand):
    help = _("Add a user with a role (a new user gets a password, printed once), or give a user another role.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        add = sub.add_parser("add", help=_("create the user if new, and grant the role"))
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=ROLES)
        add.add_argument("--unit", default="", help=_("the unit, by code or name: where a supervisor supervises"))
        add.add_argument(
            "--body",
            default="",
            help=_("the oversight body, by code or name: for its clerks, investigators and heads"),
        )
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        role = Role(options["role"])
        unit = _one(Unit, options["unit"], _("unit")) if options["unit"] else None
        body = _one(OversightBody, options["body"], _("body")) if options["body"] else None
        if body is not None and role not in BODY_ROLES:
            raise CommandError(
                _("Only intake clerks, investigators and body heads are held in a body: leave out --body.")
            )
        if unit is not None and role in BODY_ROLES:
            raise CommandError(_("This role is held in an oversight body: give --body, not --unit."))
        password = ""
        try:
            with transaction.atomic():
                user = User.objects.filter(username=options["username"]).first()
                if user is None:
                    password = "-".join(secrets.token_hex(3) for _part in range(4))
                    user = user_create(
                        actor=None,
                        username=options["username"],
                        password=password,
                        first_name=options["first_name"],
                        last_name=options["last_name"],
                    )
                membership_grant(actor=None, user=user, role=role, body=body, unit=unit)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        where = body or unit
        shown = role.label if where is None else _("%(role)s of %(where)s") % {"role": role.label, "where": where}
        if password:
            self.stdout.write(_("Created user %(user)s, %(role)s.") % {"user": user.username, "role": shown})
            self.stdout.write(_("Password (shown once): %(password)s") % {"password": password})
        else:
            self.stdout.write(_("User %(user)s is now also %(role)s.") % {"user": user.username, "role": shown})


def _one(model: type[Model], text: str, what: str) -> Any:
    """The unit or body with this code, else the only one with this name (in any case)."""
    found = list(model._default_manager.filter(code=text)) or list(
        model._default_manager.filter(Q(name__iexact=text))[:2]
    )
    if len(found) == 1:
        return found[0]
    if found:
        raise CommandError(
            _("More than one %(what)s is named %(text)r: give its code.") % {"what": what, "text": text}
        )
    raise CommandError(_("No %(what)s has the code or name %(text)r.") % {"what": what, "text": text})
