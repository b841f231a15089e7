"""``ombud user``: accounts and their roles without the admin. ``add USERNAME --role ROLE [--unit U]
[--body B]`` gives an account a role (the people of a force loaded with ``ombud import``: a
supervisor to answer its alerts, an analyst to read its evaluations; a new account's password is
made here and printed once); ``end USERNAME --role ROLE`` ends a role, ``deactivate USERNAME``
closes an account, ``list`` lists them."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from ombud.accounts.api import UserSerializer
from ombud.accounts.models import BODY_ROLES, GRANTED_ROLES, Role, User
from ombud.accounts.scope import active_memberships
from ombud.accounts.selectors import users_listed
from ombud.accounts.services import membership_end, membership_grant, new_password, user_create, user_deactivate
from ombud.core.arguments import date_argument
from ombud.org.models import OversightBody, Unit

ROLES = [value for value, _label in GRANTED_ROLES]


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
        end = sub.add_parser("end", help=_("end a role the user holds (today, or from --on)"))
        end.add_argument("username")
        end.add_argument("--role", required=True, choices=ROLES)
        end.add_argument("--unit", default="", help=_("the unit, by code or name, where two are held"))
        end.add_argument("--body", default="", help=_("the oversight body, by code or name, where two are held"))
        end.add_argument("--on", type=date_argument, default=None, help=_("the day it ends (default today)"))
        deactivate = sub.add_parser(
            "deactivate", help=_("close an account: it can no longer log in, and its API token is deleted")
        )
        deactivate.add_argument("username")
        listing = sub.add_parser("list", help=_("the accounts with their roles"))
        listing.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        try:
            if verb == "end":
                self._end(options)
            elif verb == "deactivate":
                user_deactivate(actor=None, user=_user(options["username"]))
                self.stdout.write(_("Closed the account %(user)s.") % {"user": options["username"]})
            elif verb == "list":
                self._list(options["json"])
            else:
                self._add(options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _end(self, options: dict[str, Any]) -> None:
        user = _user(options["username"])
        held = [m for m in active_memberships(user) if m.role == options["role"]]
        if options["unit"]:
            unit = _one(Unit, options["unit"], _("unit"))
            held = [m for m in held if m.unit_id == unit.pk]
        if options["body"]:
            body = _one(OversightBody, options["body"], _("body"))
            held = [m for m in held if m.body_id == body.pk]
        if not held:
            raise CommandError(_("%(user)s holds no such role now.") % {"user": user.username})
        if len(held) > 1:
            raise CommandError(
                _("%(user)s holds it in more than one place (%(where)s): give --unit or --body.")
                % {"user": user.username, "where": ", ".join(str(m.body or m.unit) for m in held)}
            )
        ended = membership_end(actor=None, membership=held[0], on=options["on"])
        self.stdout.write(
            _("%(role)s of %(user)s ends on %(day)s.")
            % {"role": ended.get_role_display(), "user": user.username, "day": ended.end_on}
        )

    def _list(self, as_json: bool) -> None:
        rows = UserSerializer(users_listed(), many=True).data
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            state = "" if row["is_active"] else " " + _("(closed)")
            roles = "; ".join(
                f"{m['role']}{' @ ' + (m['body'] or m['unit']) if m['body'] or m['unit'] else ''} "
                f"{m['start_on']}..{m['end_on'] or ''}"
                for m in row["memberships"]
            )
            name = f"{row['first_name']} {row['last_name']}".strip()
            self.stdout.write(f"{row['username']}{state}\t{name}\t{roles}")

    def _add(self, options: dict[str, Any]) -> None:
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
                    password = new_password()
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


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("No user %(name)r.") % {"name": username})
    return user


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
