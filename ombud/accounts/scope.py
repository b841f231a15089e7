"""What a user may see: the one place jurisdiction is computed. Every access gate
(``officer_get_for_user``, ``complaint_get_for_user``, ``case_get_for_user``...) builds on it.

A user sees what lies in the subtrees of the bodies and units they hold a role for, never a
complaint or case that names them or an officer of their own unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from ombud.accounts.models import BODY_ROLES, Membership, Role, User
from ombud.org.models import Jurisdiction, Officer

BARRED_STATUSES = frozenset({Officer.Status.SUSPENDED, Officer.Status.STANDBY, Officer.Status.DISMISSED})


@dataclass(frozen=True)
class Scope:
    everything: bool
    roles: frozenset[str]
    body_ids: frozenset[int]
    # Materialised paths of the unit subtrees the user may look into (see org.Unit.path).
    unit_paths: tuple[str, ...]
    own_officer_id: int | None
    own_unit_id: int | None
    # Administrators act anywhere; "everything" alone (a force-wide analyst) only sees anywhere.
    administrator: bool = False
    # An officer suspended, on standby or dismissed: his account may read his own record and take
    # part in his own due process, nothing else.
    barred: bool = False
    # The subtrees of the user's oversight bodies alone: complaints and cases are read through a body
    # role, never through a supervisor's or analyst's reach over units.
    body_paths: tuple[str, ...] = ()
    # The units the user supervises: his own chain of command, whose complaints he must not read.
    supervised_paths: tuple[str, ...] = ()
    # (body id, role) of each role held in a body: a clerk of one body who investigates for another
    # acts as a clerk in the first.
    body_roles: frozenset[tuple[int, str]] = frozenset()

    def acts_in(self, body_id: int, roles: Iterable[str]) -> bool:
        """Whether the user holds one of ``roles`` in this very body (administrators aside)."""
        return any((body_id, role) in self.body_roles for role in roles)

    @property
    def is_staff_role(self) -> bool:
        return self.everything or bool(self.roles - {Role.OFFICER})

    @property
    def works_cases(self) -> bool:
        """Complaints and cases are for oversight bodies (and administrators), never for the officer's
        own chain, nor for analysts, who work on aggregates."""
        return self.administrator or bool(self.roles & BODY_ROLES)

    def casework_q(self, prefix: str = "") -> Q:
        """Bodies' seats (reached through ``prefix``) whose complaints and cases the user works on:
        inside his bodies' jurisdictions (administrators: everywhere)."""
        if self.administrator:
            return Q(pk__isnull=False)
        return _paths_q(self.body_paths, prefix)

    def units_q(self, prefix: str = "") -> Q:
        """Units (reached through ``prefix``, e.g. ``"unit__"``) inside the user's subtrees."""
        if self.everything:
            # Not Q(): an empty Q vanishes when OR-ed (Q() | Q(x) is Q(x)), so a gate adding
            # "or routed to my body" would narrow everything down to that one condition.
            return Q(pk__isnull=False)
        return _paths_q(self.unit_paths, prefix)


def _paths_q(paths: tuple[str, ...], prefix: str) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def active_memberships(user: User, on: dt.date | None = None) -> list[Membership]:
    day = on or timezone.localdate()
    return list(
        Membership.objects.filter(user=user, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=day))
        .select_related("unit", "body")
        .prefetch_related(Prefetch("body__jurisdictions", queryset=Jurisdiction.objects.select_related("unit")))
    )


def scope_for(user: Any) -> Scope:
    """The user's scope, computed once per request object."""
    cached = getattr(user, "_ombud_scope", None)
    if isinstance(cached, Scope):
        return cached
    scope = _compute_scope(user)
    if user is not None and getattr(user, "is_authenticated", False):
        user._ombud_scope = scope
    return scope


def _compute_scope(user: Any) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(False, frozenset(), frozenset(), (), None, None)
    officer = user.officer
    if officer is not None and officer.status in BARRED_STATUSES:
        return Scope(False, frozenset({Role.OFFICER}), frozenset(), (), officer.pk, officer.unit_id, barred=True)
    memberships = active_memberships(user)
    roles = {m.role for m in memberships}
    if officer is not None:
        roles.add(Role.OFFICER)
    administrator = user.is_superuser or Role.ADMINISTRATOR in roles
    everything = administrator or any(m.role == Role.ANALYST and m.unit_id is None for m in memberships)
    body_ids: set[int] = set()
    body_paths: set[str] = set()
    paths: set[str] = set()
    supervised: set[str] = set()
    for m in memberships:
        if m.body is not None:
            body_ids.add(m.body.pk)
            body_paths.update(j.unit.path for j in m.body.jurisdictions.all())
        elif m.unit is not None:
            paths.add(m.unit.path)
            if m.role == Role.SUPERVISOR:
                supervised.add(m.unit.path)
    paths |= body_paths
    return Scope(
        everything=everything,
        roles=frozenset(roles),
        body_ids=frozenset(body_ids),
        unit_paths=tuple(sorted(_outermost(paths))),
        own_officer_id=officer.pk if officer else None,
        own_unit_id=officer.unit_id if officer else None,
        administrator=administrator,
        body_paths=tuple(sorted(_outermost(body_paths))),
        supervised_paths=tuple(sorted(_outermost(supervised))),
        body_roles=frozenset((m.body.pk, m.role) for m in memberships if m.body is not None),
    )


def _outermost(paths: set[str]) -> set[str]:
    """Drop subtrees already inside another, so queries stay short."""
    return {p for p in paths if not any(p != q and p.startswith(q) for q in paths)}
