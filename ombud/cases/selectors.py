"""Reads of cases, scoped to the user: the access gate for cases (same rule as for complaints)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ombud.accounts.scope import scope_for
from ombud.cases.models import Allegation, Case
from ombud.core.access import NotFoundForUser
from ombud.intake.models import ComplaintSubject
from ombud.intake.selectors import names_user_q


def case_list_for_user(user: Any) -> QuerySet[Case]:
    scope = scope_for(user)
    if not scope.works_cases:
        return Case.objects.none()
    cases = Case.objects.filter(scope.units_q("body__seat__") | Q(body_id__in=scope.body_ids))
    if scope.own_officer_id is not None:
        q = Q(officer_id=scope.own_officer_id)
        if scope.own_unit_id is not None:
            q |= Q(officer__unit_id=scope.own_unit_id)
        named_in_allegation = Allegation.objects.filter(q, case=OuterRef("pk"))
        named_in_complaint = ComplaintSubject.objects.filter(names_user_q(scope), complaint__cases=OuterRef("pk"))
        cases = cases.exclude(Exists(named_in_allegation)).exclude(Exists(named_in_complaint))
    return cases


def case_get_for_user(user: Any, case_id: int) -> Case:
    case = case_list_for_user(user).filter(pk=case_id).first()
    if case is None:
        raise NotFoundForUser
    return case
