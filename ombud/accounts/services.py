"""Writes to users and their roles, each one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.accounts.models import BODY_ROLES, Membership, Role, User
from ombud.audit.services import audit_record
from ombud.org.models import Officer, OversightBody, Unit


def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    officer: Officer | None = None,
    check_password: bool = True,
    **fields: Any,
) -> User:
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ValidationError({"username": _("This user name is taken.")})
        user = User(username=username, officer=officer, **fields)
        if password is None:
            user.set_unusable_password()
        else:
            if check_password:
                validate_password(password, user)
            user.set_password(password)
        user.save()
        audit_record(
            actor=actor, action="user.create", obj=user, data={"officer": officer.pk if officer else None}
        )
        return user


def membership_grant(
    *,
    actor: Any,
    user: User,
    role: Role,
    body: OversightBody | None = None,
    unit: Unit | None = None,
    start_on: dt.date | None = None,
) -> Membership:
    if role in BODY_ROLES and body is None:
        raise ValidationError(_("This role is held in an oversight body."))
    if role == Role.SUPERVISOR and unit is None:
        raise ValidationError(_("A supervisor supervises a unit."))
    with transaction.atomic():
        membership = Membership(
            user=user, role=role, body=body, unit=unit, start_on=start_on or timezone.localdate()
        )
        membership.full_clean()
        membership.save()
        audit_record(
            actor=actor,
            action="membership.grant",
            obj=membership,
            data={
                "user": user.pk,
                "role": str(role),
                "body": body.pk if body else None,
                "unit": unit.pk if unit else None,
            },
        )
        return membership
