"""Writes to users and their roles, each one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from ombud.accounts.models import BODY_ROLES, Membership, Role, User
from ombud.accounts.scope import BARRED_STATUSES, scope_for
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
    if not user.is_active:
        raise ValidationError(_("This account is closed: open it again in the administration site first."))
    if body is not None and role not in BODY_ROLES:
        raise ValidationError({"body": _("Only intake clerks, investigators and body heads are held in a body.")})
    if unit is not None and role not in (Role.SUPERVISOR, Role.ANALYST):
        raise ValidationError({"unit": _("Only supervisors and analysts hold their role in a unit.")})
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


def new_password() -> str:
    """A password for a new account, shown once to whoever made it, to pass on and be changed."""
    return "-".join(secrets.token_hex(3) for _part in range(4))


def administrator_required(actor: Any) -> None:
    """Users and roles are the administrators' (``actor`` None: the console's operator, as
    ``ombud user`` runs)."""
    if actor is None:
        return
    scope = scope_for(actor)
    if scope.barred or not scope.administrator:
        raise PermissionDenied(_("Only administrators manage users and their roles."))


def _administrators_locked() -> None:
    """Every change that could leave the force without an administrator takes this one lock first,
    before any other: the accounts that are or were ever administrators (or superusers), in id
    order. Two such changes then run one after the other, each counting what the other left, and
    never wait on each other's rows crosswise."""
    ever = Membership.objects.filter(role=Role.ADMINISTRATOR).values("user_id")
    list(
        User.objects.select_for_update()
        .filter(Q(is_superuser=True) | Q(pk__in=ever))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _administrators_left(
    *, without_user: User | None = None, without_membership: Membership | None = None
) -> bool:
    """Whether someone will still administer the force once a user or a role is taken away: an
    open, active account not barred by a measure, superuser or holding the administrator role with
    no end day (a role ending later leaves nobody once it ends). Read after
    ``_administrators_locked``."""
    usable = Q(is_active=True) & ~Q(officer__status__in=sorted(BARRED_STATUSES))
    others = _open_administrator_roles()
    if without_membership is not None:
        # His other open administrator role, or his being a superuser, still counts.
        others = others.exclude(pk=without_membership.pk)
    holders = User.objects.filter(usable).filter(Q(is_superuser=True) | Q(pk__in=others.values("user_id")))
    if without_user is not None:
        holders = holders.exclude(pk=without_user.pk)
    return holders.exists()


def _open_administrator_roles() -> QuerySet[Membership]:
    """Administrator roles held today with no end day (one that ends later leaves nobody then)."""
    return Membership.objects.filter(
        role=Role.ADMINISTRATOR, start_on__lte=timezone.localdate(), end_on__isnull=True
    )


def _administers(user: User) -> bool:
    return user.is_superuser or _open_administrator_roles().filter(user=user).exists()


def membership_end(*, actor: Any, membership: Membership, on: dt.date | None = None) -> Membership:
    """End a role from a day on (today by default: the user no longer acts in it from that day).
    The role stays on record with its days; a day already past is refused (who read what under it
    is in the audit log, and must keep matching the role's days)."""
    administrator_required(actor)
    day = on or timezone.localdate()
    with transaction.atomic():
        _administrators_locked()
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.end_on is not None and membership.end_on <= timezone.localdate():
            raise ValidationError(_("This role has already ended, on %(day)s.") % {"day": membership.end_on})
        if day < timezone.localdate():
            raise ValidationError({"on": _("A role ends today or on a day to come, not on a day past.")})
        if membership.end_on is not None and day > membership.end_on:
            raise ValidationError(
                {
                    "on": _("It already ends on %(day)s: a role is ended, not lengthened.")
                    % {"day": membership.end_on}
                }
            )
        if day < membership.start_on:
            raise ValidationError(
                {"on": _("The role starts on %(day)s: it cannot end before.") % {"day": membership.start_on}}
            )
        if membership.role == Role.ADMINISTRATOR and not _administrators_left(without_membership=membership):
            raise ValidationError(_("Nobody else administers the force: grant the role to someone first."))
        membership.end_on = day
        membership.save(update_fields=["end_on"])
        audit_record(
            actor=actor,
            action="membership.end",
            obj=membership,
            data={"user": membership.user_id, "role": membership.role, "on": day.isoformat()},
        )
        return membership


def deactivation_refused(actor: Any, user: User) -> str:
    """Why this account cannot be closed now, or an empty string (the admin's form asks first)."""
    if actor is not None and actor.pk == user.pk:
        return _("Nobody closes his own account: another administrator does.")
    if _administers(user) and not _administrators_left(without_user=user):
        return _("Nobody else administers the force: grant the role to someone first.")
    return ""


def user_deactivate(*, actor: Any, user: User) -> User:
    """An account closed: it can no longer log in nor use its API token (which is deleted, so that
    an account opened again needs a new one). Its roles and everything it did stay on record."""
    administrator_required(actor)
    with transaction.atomic():
        _administrators_locked()
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise ValidationError(_("This account is already closed."))
        refused = deactivation_refused(actor, user)
        if refused:
            raise ValidationError(refused)
        user.is_active = False
        # A new password is needed to open it again, and its sessions, tied to the old one, end.
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        revoked, _count = Token.objects.filter(user=user).delete()
        audit_record(actor=actor, action="user.deactivate", obj=user, data={"token_revoked": bool(revoked)})
        return user
