"""Reads of complaints, scoped to the user: the access gate for complaints.

A complaint is seen by the body it was routed to and by the bodies above it (whose subtree holds the
routed body's seat), never by the officer's own chain: supervisors and officers do not see
complaints, and nobody sees one that names them, an officer of their own unit or of a unit they
supervise, or an officer named together with them before. Only a body role opens complaints: a
supervisor's or analyst's reach over units adds nothing to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Concat
from django.utils import timezone

from ombud.accounts.models import Role
from ombud.accounts.scope import Scope, active_memberships, scope_for
from ombud.cases.models import Allegation
from ombud.core.access import NotFoundForUser
from ombud.core.typed import parse_id, search_text
from ombud.intake.models import Complaint, ComplaintSubject
from ombud.intake.routing import body_covers
from ombud.org.models import Officer, OversightBody, Place


def _unit_conflict_q(scope: Scope, unit_rel: str) -> Q:
    """Units (reached through ``unit_rel``) that are the user's own or under one he supervises."""
    q = Q(pk__in=[])
    if scope.own_unit_id is not None:
        q |= Q(**{f"{unit_rel}_id": scope.own_unit_id})
    for path in scope.supervised_paths:
        q |= Q(**{f"{unit_rel}__path__startswith": path})
    return q


def officer_conflict_q(scope: Scope, officer_rel: str = "officer") -> Q:
    """Officers (reached through ``officer_rel``) whose complaints and cases the user may not read:
    himself, an officer of his own unit or of a unit he supervises (his own chain of command), and an
    officer named together with him in an earlier complaint or case (routing's conflict rules)."""
    q = _unit_conflict_q(scope, f"{officer_rel}__unit")
    if scope.own_officer_id is not None:
        own = scope.own_officer_id
        named_with = ComplaintSubject.objects.filter(officer_id=own).values("complaint_id")
        alleged_with = Allegation.objects.filter(officer_id=own).values("case_id")
        q |= Q(**{f"{officer_rel}_id": own})
        q |= Q(
            **{
                f"{officer_rel}_id__in": ComplaintSubject.objects.filter(
                    complaint_id__in=named_with, officer__isnull=False
                ).values("officer_id")
            }
        )
        q |= Q(
            **{f"{officer_rel}_id__in": Allegation.objects.filter(case_id__in=alleged_with).values("officer_id")}
        )
    return q


def names_user_q(scope: Scope, subject_rel: str = "") -> Q:
    """Subjects (reached through ``subject_rel``) the user may not read about: an officer of
    ``officer_conflict_q``, or one who served, when named, in the user's unit or a unit he supervises."""
    return officer_conflict_q(scope, f"{subject_rel}officer") | _unit_conflict_q(scope, f"{subject_rel}unit")


def place_conflict_q(scope: Scope, complaint_rel: str = "") -> Q:
    """Complaints (reached through ``complaint_rel``) about a place of the user's own unit or of a unit
    he supervises: one that names no officer ("the tall officer at the post") is still about his
    station, and routing counts the place's unit as the subject's."""
    return _unit_conflict_q(scope, f"{complaint_rel}place__unit")


def may_be_conflicted(scope: Scope) -> bool:
    """Whether any complaint could name someone the user may not read about (see ``names_user_q``)."""
    return scope.own_officer_id is not None or bool(scope.supervised_paths)


def complaint_list_for_user(user: Any) -> QuerySet[Complaint]:
    scope = scope_for(user)
    if not scope.works_cases:
        return Complaint.objects.none()
    complaints = Complaint.objects.filter(
        scope.casework_q("routed_to__seat__") | Q(routed_to_id__in=scope.body_ids)
    )
    return without_conflicts(complaints, scope)


def without_conflicts(complaints: QuerySet[Complaint], scope: Scope) -> QuerySet[Complaint]:
    """Less the complaints the user is too close to read: naming him, his unit's or supervised
    officers, those once named with him, or about a place of his unit (the Django admin applies it
    too: an administrator may be an officer)."""
    if may_be_conflicted(scope):
        conflicted = ComplaintSubject.objects.filter(names_user_q(scope), complaint=OuterRef("pk"))
        complaints = complaints.exclude(Exists(conflicted)).exclude(place_conflict_q(scope))
    return complaints


# Who may read a named complainant's identity: the people who investigate, not intake clerks,
# administrators, supervisors or analysts.
IDENTITY_ROLES = frozenset({Role.INVESTIGATOR, Role.BODY_HEAD})


def may_reveal_identity(user: Any, complaint: Complaint) -> bool:
    """Whether ``user`` (who passed the gate) investigates or heads the body the complaint was routed
    to, or a body above it."""
    return complaint.routed_to is not None and reads_identities_in(user, complaint.routed_to)


def reads_identities_in(user: Any, body: OversightBody) -> bool:
    """Whether ``user`` investigates or heads ``body`` or a body above it: who may read the people
    named in its work (a complainant, who handed in a piece of evidence)."""
    for membership in active_memberships(user):
        if membership.role not in IDENTITY_ROLES or membership.body is None:
            continue
        if membership.body_id == body.pk or body_covers(membership.body, body.seat):
            return True
    return False


def complaint_get_for_user(user: Any, complaint_id: int) -> Complaint:
    complaint = complaint_list_for_user(user).filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFoundForUser
    return complaint


def can_enter_complaints(user: Any) -> bool:
    """Clerks, investigators and heads of a body enter complaints received on paper, by phone or letter."""
    scope = scope_for(user)
    return scope.administrator or bool(scope.body_ids)


def inbox_filters(params: Any) -> dict[str, Any]:
    """Inbox filters from query parameters, ignoring what does not parse."""
    filters: dict[str, Any] = {}
    if params.get("status") in Complaint.Status.values:
        filters["status"] = params["status"]
    if params.get("overdue") in ("1", "true", "yes"):
        filters["overdue"] = True
    for name in ("body", "officer"):
        if (pk := parse_id(params.get(name, ""))) is not None:
            filters[f"{name}_id"] = pk
    if q := search_text(params.get("q", ""), 100):
        filters["q"] = q
    return filters


def complaint_inbox(
    user: Any,
    *,
    status: str | None = None,
    overdue: bool = False,
    body_id: int | None = None,
    officer_id: int | None = None,
    q: str | None = None,
) -> QuerySet[Complaint]:
    """Complaints routed to the user's bodies (all visible ones for administrators), open first,
    then by the nearest deadline, overdue at the top."""
    from django.db.models import F
    from django.utils import timezone

    scope = scope_for(user)
    complaints = complaint_list_for_user(user)
    if not scope.administrator:
        complaints = complaints.filter(routed_to_id__in=scope.body_ids)
    if status:
        complaints = complaints.filter(status=status)
    if overdue:
        now = timezone.now()
        complaints = complaints.filter(
            Q(status=Complaint.Status.RECEIVED, ack_due_at__lt=now)
            | Q(status__in=[Complaint.Status.RECEIVED, Complaint.Status.ACKNOWLEDGED], action_due_at__lt=now)
        )
    if body_id is not None:
        complaints = complaints.filter(routed_to_id=body_id)
    if officer_id is not None:
        # Through the subjects without a join: a complaint naming him twice is still one complaint.
        complaints = complaints.filter(
            pk__in=ComplaintSubject.objects.filter(officer_id=officer_id).values("complaint_id")
        )
    if q:
        complaints = complaints.filter(Q(reference__icontains=q) | Q(description__icontains=q))
    return (
        complaints.select_related("routed_to")
        .prefetch_related("categories", "subjects")
        .order_by(F("closed_at").desc(nulls_first=True), F("action_due_at").asc(nulls_last=True), "-received_at")
    )


def routing_reason_lines(complaint: Complaint) -> list[str]:
    from ombud.intake.routing import routing_reason_text
    from ombud.org.models import OversightBody

    reason = complaint.routing_reason or {}
    ids = [c["body"] for c in reason.get("considered", [])] + [reason.get("chosen", 0)]
    names = dict(OversightBody.objects.filter(pk__in=ids).values_list("pk", "name"))
    return routing_reason_text(reason, names)


def related_complaints(complaint: Complaint, user: Any, *, days: int = 60, limit: int = 10) -> QuerySet[Complaint]:
    """Suggestions to link: other visible complaints about the same officer, or at the same place
    within ``days`` of this one."""
    import datetime as dt

    officer_ids = [s.officer_id for s in complaint.subjects.all() if s.officer_id]
    near = Q(received_at__gte=complaint.received_at - dt.timedelta(days=days)) & Q(
        received_at__lte=complaint.received_at + dt.timedelta(days=days)
    )
    same = Q(subjects__officer_id__in=officer_ids)
    if complaint.place_id:
        same |= Q(place_id=complaint.place_id) & near
    return (
        complaint_list_for_user(user)
        .filter(same)
        .exclude(pk=complaint.pk)
        .distinct()
        .select_related("routed_to")
        .order_by("-received_at")[:limit]
    )


# -- the public side: the form's searches and what a complainant may see ----------------------------


def officer_search(q: str) -> QuerySet[Officer]:
    """Serving officers whose name or badge matches every word typed (for the complaint form)."""
    officers = Officer.objects.filter(
        status__in=[Officer.Status.ACTIVE, Officer.Status.SUSPENDED, Officer.Status.STANDBY]
    )
    # A Chinese or Korean name is shown and typed family name first, with no space (赵强).
    officers = officers.annotate(family_first=Concat("last_name", "first_name"))
    for word in search_text(q, 60).split()[:4]:
        officers = officers.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(family_first__icontains=word)
            | Q(badge__iexact=word)
        )
    return officers.select_related("unit").order_by("last_name", "first_name", "pk")


def place_search(q: str) -> QuerySet[Place]:
    q = search_text(q, 60)
    places = Place.objects.select_related("unit")
    return (places.filter(name__icontains=q) if q else places).order_by("name", "pk")


def review_open_until(complaint: Complaint) -> dt.datetime | None:
    """Until when the complainant may ask the body above to review his closed complaint (None: he
    may not, the complaint being open)."""
    if complaint.status != Complaint.Status.CLOSED or complaint.closed_at is None:
        return None
    return complaint.closed_at + dt.timedelta(days=settings.OMBUD_REVIEW_DAYS)


def complaint_status_data(complaint: Complaint) -> dict[str, Any]:
    """What a complainant may see of their complaint: never staff names or other complainants."""
    review_until = review_open_until(complaint)
    events = complaint.events.select_related("body")
    return {
        "reference": complaint.reference,
        "status": complaint.status,
        "status_label": complaint.get_status_display(),
        "received_at": complaint.received_at,
        "routed_to": complaint.routed_to.name if complaint.routed_to else "",
        "history": [
            {
                "at": e.at,
                "kind": e.kind,
                "label": e.get_kind_display(),
                "body": e.body.name if e.body else "",
                "note": e.shown_note,
            }
            for e in events
        ],
        "messages": [
            {"at": m.at, "from": "you" if m.from_complainant else "investigator", "body": m.body}
            for m in complaint.messages.all()
        ],
        "files": [{"name": f.name, "added_at": f.added_at} for f in complaint.files.all()],
        "closed_at": complaint.closed_at,
        # Until when a review by the body above may be asked for (null while open or once too late).
        "review_until": review_until if review_until and timezone.now() <= review_until else None,
    }
