"""Reads of complaints, scoped to the user: the access gate for complaints.

A complaint is seen by the body it was routed to and by the bodies above it (whose subtree holds the
routed body's seat), never by the officer's own chain: supervisors and officers do not see
complaints, and nobody sees one that names them or an officer of their own unit."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ombud.accounts.scope import Scope, scope_for
from ombud.core.access import NotFoundForUser
from ombud.intake.models import Complaint, ComplaintSubject


def names_user_q(scope: Scope, subject_rel: str = "") -> Q:
    """Subjects (reached through ``subject_rel``) that are the user or an officer of the user's unit."""
    q = Q(pk__in=[])
    if scope.own_officer_id is not None:
        q |= Q(**{f"{subject_rel}officer_id": scope.own_officer_id})
    if scope.own_unit_id is not None:
        q |= Q(**{f"{subject_rel}unit_id": scope.own_unit_id}) | Q(**{f"{subject_rel}officer__unit_id": scope.own_unit_id})
    return q


def complaint_list_for_user(user: Any) -> QuerySet[Complaint]:
    scope = scope_for(user)
    if not scope.works_cases:
        return Complaint.objects.none()
    complaints = Complaint.objects.filter(scope.units_q("routed_to__seat__") | Q(routed_to_id__in=scope.body_ids))
    if scope.own_officer_id is not None:
        conflicted = ComplaintSubject.objects.filter(names_user_q(scope), complaint=OuterRef("pk"))
        complaints = complaints.exclude(Exists(conflicted))
    return complaints


def complaint_get_for_user(user: Any, complaint_id: int) -> Complaint:
    complaint = complaint_list_for_user(user).filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFoundForUser
    return complaint
