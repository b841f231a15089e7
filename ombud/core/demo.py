"""The demo province's users: one per role, placed where that role has something to show."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from ombud.accounts.models import Membership, Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.audit.services import audit_record
from ombud.org.models import Officer, OversightBody, Unit


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    where: str


def _password() -> str:
    # Readable aloud, still about 60 bits: a demo on localhost, but no well-known password.
    return "-".join(secrets.token_hex(2) for _ in range(4))


def demo_users_ensure() -> list[DemoLogin]:
    """Create the demo users if missing and give every one of them a fresh password.

    Passwords are never stored in clear, so they are reset on each run in order to be printed."""
    with transaction.atomic():
        body = (
            OversightBody.objects.filter(level__gte=1)
            .annotate(n=Count("complaints"))
            .order_by("-level", "-n", "pk")
            .first()
        )
        if body is None:
            return []
        station = (
            Unit.objects.filter(kind__is_station=True, path__startswith=body.seat.path)
            .annotate(n=Count("officers"))
            .order_by("-n", "pk")
            .first()
        )
        officer = (
            Officer.objects.filter(status=Officer.Status.ACTIVE, user__isnull=True)
            .exclude(unit__path__startswith=body.seat.path)
            .annotate(n=Count("complaint_subjects"))
            .order_by("-n", "pk")
            .first()
        ) or Officer.objects.filter(user__isnull=True).order_by("pk").first()
        plan: list[tuple[str, Role, OversightBody | None, Unit | None, Officer | None]] = [
            ("admin", Role.ADMINISTRATOR, None, None, None),
            ("clerk", Role.INTAKE_CLERK, body, None, None),
            ("investigator", Role.INVESTIGATOR, body, None, None),
            ("head", Role.BODY_HEAD, body, None, None),
            ("supervisor", Role.SUPERVISOR, None, station, None),
            ("analyst", Role.ANALYST, None, None, None),
            ("officer", Role.OFFICER, None, None, officer),
        ]
        logins = []
        for username, role, role_body, unit, role_officer in plan:
            password = _password()
            user = User.objects.filter(username=username).first()
            if user is None:
                user = user_create(
                    actor=None,
                    username=username,
                    password=password,
                    officer=role_officer,
                    check_password=False,
                    is_staff=role == Role.ADMINISTRATOR,
                    is_superuser=role == Role.ADMINISTRATOR,
                )
                if role != Role.OFFICER:
                    membership_grant(actor=None, user=user, role=role, body=role_body, unit=unit)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
                audit_record(actor=None, action="user.password_reset", obj=user)
            membership = Membership.objects.filter(user=user).select_related("body", "unit").first()
            where = str(membership.body or membership.unit or "") if membership else str(user.officer or "")
            logins.append(DemoLogin(username, password, str(role.label), where))
        return logins
