"""Reads of the force's structure, scoped to the user: the access gates for units and officers."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from ombud.accounts.scope import scope_for
from ombud.core.access import NotFoundForUser
from ombud.org.models import Officer, Unit


def unit_list_for_user(user: Any) -> QuerySet[Unit]:
    scope = scope_for(user)
    if not scope.is_staff_role:
        return Unit.objects.none()
    return Unit.objects.filter(scope.units_q()).select_related("kind")


def unit_get_for_user(user: Any, unit_id: int) -> Unit:
    unit = unit_list_for_user(user).filter(pk=unit_id).first()
    if unit is None:
        raise NotFoundForUser
    return unit


def officer_list_for_user(user: Any) -> QuerySet[Officer]:
    """Officers whose current (or last) unit is in the user's subtrees; an officer sees himself."""
    scope = scope_for(user)
    q = scope.units_q("unit__") if scope.is_staff_role else Q(pk__in=[])
    if scope.own_officer_id is not None:
        q |= Q(pk=scope.own_officer_id)
    return Officer.objects.filter(q).select_related("unit")


def officer_get_for_user(user: Any, officer_id: int) -> Officer:
    """An officer the user may see (``officer_list_for_user``), or one named in a complaint or an
    allegation the user may read: an officer transferred out of the body's reach since, or one who
    has left, is still investigated there, and those who investigate read his record (what of it
    each may read, the dossier decides)."""
    # Imported here: the casework gates build on this module's.
    from ombud.cases.selectors import named_in_casework_q

    officer = officer_list_for_user(user).filter(pk=officer_id).first()
    if officer is None:
        officer = Officer.objects.select_related("unit").filter(named_in_casework_q(user), pk=officer_id).first()
    if officer is None:
        raise NotFoundForUser
    return officer


def officer_mover(user: Any, officer: Officer) -> bool:
    """Whether the user may move this officer (``org.services.officer_move`` checks it again):
    administrators, never himself."""
    scope = scope_for(user)
    return scope.administrator and not scope.barred and scope.own_officer_id != officer.pk


def unit_subtree(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(path__startswith=unit.path)


def unit_children_with_counts(user: Any, parent: Unit | None) -> QuerySet[Unit]:
    """Children of ``parent`` (roots when None) that the user may see, with officer and place counts
    over each child's whole subtree."""
    units = unit_list_for_user(user)
    units = units.filter(parent=parent) if parent is not None else units.filter(parent__isnull=True)
    return units.annotate(child_count=Count("children", distinct=True)).order_by("name")
