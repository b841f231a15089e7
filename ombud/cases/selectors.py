"""Reads of cases, scoped to the user: the access gate for cases (same rule as for complaints), and
the reads built on it for the case pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Exists, F, Min, Model, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from ombud.accounts.models import Role, User
from ombud.accounts.scope import Scope, active_memberships, scope_for
from ombud.cases.fulltext import case_text_q, complaint_text_q
from ombud.cases.models import Allegation, Case, CaseNote, CaseTask, CustodyEntry, EvidenceItem
from ombud.core import keys
from ombud.core.access import NotFoundForUser
from ombud.core.typed import search_text
from ombud.discipline.models import FollowUp, Measure, MeasureStep
from ombud.intake.models import Complaint, ComplaintSubject
from ombud.intake.selectors import (
    complaint_list_for_user,
    may_be_conflicted,
    names_user_q,
    officer_conflict_q,
    officer_search,
    place_conflict_q,
    reads_identities_in,
)
from ombud.org.models import Officer, OversightBody
from ombud.org.selectors import officer_list_for_user

_T = TypeVar("_T", bound=Model)


def case_list_for_user(user: Any) -> QuerySet[Case]:
    scope = scope_for(user)
    if not scope.works_cases:
        return Case.objects.none()
    cases = Case.objects.filter(scope.casework_q("body__seat__") | Q(body_id__in=scope.body_ids))
    return cases_without_conflicts(cases, scope)


def cases_without_conflicts(cases: QuerySet[Case], scope: Scope) -> QuerySet[Case]:
    """Less the cases the user is too close to read (as ``intake.selectors.without_conflicts``)."""
    if may_be_conflicted(scope):
        named_in_allegation = Allegation.objects.filter(officer_conflict_q(scope), case=OuterRef("pk"))
        named_in_complaint = ComplaintSubject.objects.filter(names_user_q(scope), complaint__cases=OuterRef("pk"))
        about_his_place = Complaint.objects.filter(place_conflict_q(scope), cases=OuterRef("pk"))
        cases = (
            cases.exclude(Exists(named_in_allegation))
            .exclude(Exists(named_in_complaint))
            .exclude(Exists(about_his_place))
        )
    return cases


def task_assignees(case: Case) -> QuerySet[User]:
    """Who a task of the case may be given to: the investigators and heads of its body serving
    today who may read the case (not one too close to it: named in it, or his unit's officers)."""
    today = timezone.localdate()
    members = (
        # One filter call: the same membership must be of the body, a work role and serving today.
        User.objects.filter(
            Q(memberships__end_on__isnull=True) | Q(memberships__end_on__gt=today),
            is_active=True,
            memberships__body=case.body,
            memberships__role__in=WORK_ROLES,
            memberships__start_on__lte=today,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    return members.filter(
        pk__in=[user.pk for user in members if case_list_for_user(user).filter(pk=case.pk).exists()]
    )


def case_get_for_user(user: Any, case_id: int) -> Case:
    _check_id(case_id)
    case = case_list_for_user(user).filter(pk=case_id).first()
    if case is None:
        raise NotFoundForUser
    return case


# -- read helpers built on the gate -------------------------------------------------------------------
#
# Every object below is reached through ``case_list_for_user``: an allegation, evidence item or
# measure is visible exactly when its case is. The one exception is the officer's own view of his
# measures (``measures_own``), which shows him only what due process owes him.

MAX_ID = 2**63 - 1
WORK_ROLES = frozenset({Role.INVESTIGATOR, Role.BODY_HEAD})
HEAD_ROLES = frozenset({Role.BODY_HEAD})


def _check_id(object_id: int) -> None:
    # An id no database column can hold is as absent as any other (and must not reach SQLite).
    if not 0 < object_id <= MAX_ID:
        raise NotFoundForUser


def acts_for(user: Any, body_id: int, roles: frozenset[str]) -> bool:
    """Whether the user holds one of ``roles`` in the body: the services' own rule, asked ahead so a
    page shows only the forms its user may send (the services check again)."""
    scope = scope_for(user)
    if scope.barred:
        return False
    return scope.administrator or scope.acts_in(body_id, roles)


def workspace_filters(params: Any) -> dict[str, Any]:
    """Workspace filters from query parameters, ignoring what does not parse."""
    filters: dict[str, Any] = {}
    if params.get("status") in Case.Status.values:
        filters["status"] = params["status"]
    q = search_text(params.get("q", ""), 100)
    if q:
        filters["q"] = q
    return filters


def case_workspace(user: Any, *, status: str | None = None, q: str | None = None) -> QuerySet[Case]:
    """The user's own cases: led by him or belonging to one of his bodies (all visible cases for an
    administrator), with their open tasks, nearest deadline first. ``q`` looks in the number, title,
    summary and the text of the linked complaints."""
    scope = scope_for(user)
    cases = case_list_for_user(user)
    if not scope.administrator:
        cases = cases.filter(Q(lead_id=getattr(user, "pk", None)) | Q(body_id__in=scope.body_ids))
    if status:
        cases = cases.filter(status=status)
    if q:
        in_complaints = Case.objects.filter(complaints__in=Complaint.objects.filter(complaint_text_q(q))).values(
            "pk"
        )
        cases = cases.filter(Q(number__icontains=q) | case_text_q(q) | Q(pk__in=in_complaints))
    open_tasks = CaseTask.objects.filter(done_at__isnull=True).select_related("assignee").order_by("due_on", "pk")
    return (
        cases.select_related("body", "lead")
        .prefetch_related(Prefetch("tasks", queryset=open_tasks, to_attr="open_tasks"), "complaints")
        # Only an open case's tasks put it at the top of the list.
        .annotate(next_due=Min("tasks__due_on", filter=Q(tasks__done_at__isnull=True, status=Case.Status.OPEN)))
        .order_by(F("next_due").asc(nulls_last=True), "-opened_at", "-pk")
    )


def bodies_for_new_case(user: Any) -> QuerySet[OversightBody]:
    """The bodies in which the user may open a case."""
    scope = scope_for(user)
    if scope.barred:
        return OversightBody.objects.none()
    if scope.administrator:
        return OversightBody.objects.order_by("level", "name")
    ids = {m.body_id for m in active_memberships(user) if m.body_id is not None and m.role in WORK_ROLES}
    return OversightBody.objects.filter(pk__in=ids).order_by("level", "name")


def complaints_for_new_case(user: Any) -> QuerySet[Complaint]:
    """Complaints a new case may be opened from: visible, routed to a body the user works for, not closed."""
    bodies = bodies_for_new_case(user)
    return (
        complaint_list_for_user(user)
        .filter(routed_to__in=bodies)
        .exclude(status=Complaint.Status.CLOSED)
        .select_related("routed_to")
        .prefetch_related("categories")
        .order_by("-received_at", "-pk")
    )


def named_in_casework_q(user: Any) -> Q:
    """Officers named in an open complaint or an open case of a body the user investigates or heads
    (within the gates of ``complaint_list_for_user`` and ``case_list_for_user``): one transferred out
    of the body's reach, or gone, while it investigates him. Not for its clerks, and not once the
    complaint and the case are closed: a body does not keep reading the record of an officer of
    another county because it once handled a complaint about him."""
    scope = scope_for(user)
    bodies = [body for body in scope.body_ids if scope.acts_in(body, WORK_ROLES)]
    if scope.barred or not bodies:
        return Q(pk__in=[])
    complaints = (
        complaint_list_for_user(user).filter(routed_to_id__in=bodies).exclude(status=Complaint.Status.CLOSED)
    )
    cases = case_list_for_user(user).filter(body_id__in=bodies, status=Case.Status.OPEN)
    in_complaints = ComplaintSubject.objects.filter(complaint__in=complaints, officer__isnull=False)
    in_cases = Allegation.objects.filter(case__in=cases, officer__isnull=False)
    return Q(pk__in=in_complaints.values("officer_id")) | Q(pk__in=in_cases.values("officer_id"))


def officers_for_allegation(user: Any, q: str = "") -> QuerySet[Officer]:
    """Officers an allegation may name, found by name or badge: those the user may see, and those
    named in the complaints and cases he works, wherever they serve now."""
    visible = Q(pk__in=officer_list_for_user(user).values("pk")) | named_in_casework_q(user)
    return (officer_search(q) if q.strip() else Officer.objects.all()).filter(visible)


def _on_a_case_in_reach(queryset: QuerySet[_T], user: Any, object_id: int, *, case: str = "case") -> _T:
    """The object of a case the user may open (``case``: the path from it to its case), else a 404
    (never a hint that it exists)."""
    _check_id(object_id)
    found = queryset.filter(pk=object_id, **{f"{case}__in": case_list_for_user(user)}).first()
    if found is None:
        raise NotFoundForUser
    return found


def allegation_get_for_user(user: Any, allegation_id: int) -> Allegation:
    return _on_a_case_in_reach(
        Allegation.objects.select_related("case__body", "officer", "official", "category"), user, allegation_id
    )


def evidence_get_for_user(user: Any, item_id: int) -> EvidenceItem:
    return _on_a_case_in_reach(EvidenceItem.objects.select_related("case__body", "added_by"), user, item_id)


def task_get_for_user(user: Any, task_id: int) -> CaseTask:
    return _on_a_case_in_reach(CaseTask.objects.select_related("case__body"), user, task_id)


def measure_list_for_user(user: Any) -> QuerySet[Measure]:
    """Measures of visible cases, and the officer's own measures once notice has been served on him
    (a proposal is the body's internal business until then)."""
    scope = scope_for(user)
    q = Q(case__in=case_list_for_user(user))
    if scope.own_officer_id is not None:
        q |= Q(officer_id=scope.own_officer_id) & ~Q(state=Measure.State.PROPOSED)
    return Measure.objects.filter(q)


def measure_get_for_user(user: Any, measure_id: int) -> Measure:
    _check_id(measure_id)
    measure = measure_list_for_user(user).filter(pk=measure_id).select_related("case__body", "officer").first()
    if measure is None:
        raise NotFoundForUser
    return measure


def staff_measure_get_for_user(user: Any, measure_id: int) -> Measure:
    """A measure for a staff step (notice, decision, appeal decision, follow-ups): through its case's
    gate only, never through the officer's own reach to his measures, so that an officer who also
    holds a body role can take no step on his own."""
    return _on_a_case_in_reach(Measure.objects.select_related("case__body", "officer"), user, measure_id)


def follow_up_get_for_user(user: Any, follow_up_id: int) -> FollowUp:
    return _on_a_case_in_reach(
        FollowUp.objects.select_related("measure__case__body"), user, follow_up_id, case="measure__case"
    )


# -- who handed in the evidence ------------------------------------------------------------------------


def sees_evidence_sources(user: Any, case: Case) -> bool:
    """Who handed in a piece of evidence may be the complainant or a witness: read, as a complainant's
    identity is, only by the investigators and heads of the case's body or a body above it (not by
    its intake clerks or an administrator)."""
    return reads_identities_in(user, case.body)


def evidence_name_for(user: Any, item: EvidenceItem) -> str:
    """The item's file name as this reader is shown it: its own name to those who see who handed it
    in, else a neutral one (``EvidenceItem.neutral_name``)."""
    return item.name if sees_evidence_sources(user, item.case) else item.neutral_name


def source_withheld(entry: CustodyEntry, sees_sources: bool) -> bool:
    """Whether a custody entry's "from" is withheld from this reader: the entry of an item's receipt
    names who handed it in."""
    return not sees_sources and entry.action == CustodyEntry.Action.RECEIVED and bool(entry.from_party)


# -- the case page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRow:
    item: EvidenceItem
    custody: list[CustodyEntry]
    superseded_by: EvidenceItem | None


@dataclass(frozen=True)
class MeasureRow:
    measure: Measure
    steps: list[MeasureStep]
    follow_ups: list[FollowUp]
    # The next steps this user may take: a subset of "notify", "decide", "decide_appeal".
    actions: frozenset[str]
    # Set while the officer may still respond: the body head decides only after this day.
    decide_after: dt.date | None


@dataclass(frozen=True)
class CasePage:
    case: Case
    complaints: list[Complaint]
    allegations: list[Allegation]
    evidence: list[EvidenceRow]
    notes: list[CaseNote]
    tasks: list[CaseTask]
    measures: list[MeasureRow]
    can_work: bool
    can_decide: bool
    # Whether this reader sees who handed in each item (``sees_evidence_sources``).
    sees_sources: bool
    fingerprint: str

    @property
    def is_open(self) -> bool:
        return self.case.status == Case.Status.OPEN


def measure_actions(
    user: Any, measure: Measure, *, today: dt.date | None = None
) -> tuple[frozenset[str], dt.date | None]:
    """The staff steps ``user`` may take next on ``measure``, by the services' rules (four eyes included)."""
    if measure.case is None:
        return frozenset(), None
    body_id = measure.case.body_id
    me = getattr(user, "pk", None)
    S = Measure.State
    actions: set[str] = set()
    decide_after = None
    if acts_for(user, body_id, WORK_ROLES):
        if measure.state == S.PROPOSED:
            actions.add("notify")
        if measure.state in (S.DECIDED, S.IN_FORCE, S.ENDED):
            actions.add("follow_up")
    if acts_for(user, body_id, HEAD_ROLES):
        if measure.state in (S.NOTIFIED, S.RESPONDED) and me != measure.proposed_by_id:
            day = today or timezone.localdate()
            if measure.state == S.NOTIFIED and measure.response_due_on and day <= measure.response_due_on:
                decide_after = measure.response_due_on
            else:
                actions.add("decide")
        if measure.state == S.APPEALED and me not in (measure.proposed_by_id, measure.decided_by_id):
            actions.add("decide_appeal")
    return frozenset(actions), decide_after


def case_page_for(user: Any, case_id: int) -> CasePage:
    case = case_get_for_user(user, case_id)
    case = Case.objects.select_related("body", "lead").get(pk=case.pk)
    items = list(
        case.evidence.select_related("added_by", "supersedes").prefetch_related(
            Prefetch("custody", queryset=CustodyEntry.objects.select_related("actor"))
        )
    )
    superseding = {item.supersedes_id: item for item in items if item.supersedes_id}
    measures = list(
        case.measures.select_related("officer", "allegation__category", "case")
        .prefetch_related(Prefetch("steps", queryset=MeasureStep.objects.select_related("actor")), "follow_ups")
        .order_by("proposed_at", "pk")
    )
    rows = []
    for measure in measures:
        actions, decide_after = measure_actions(user, measure)
        rows.append(
            MeasureRow(measure, list(measure.steps.all()), list(measure.follow_ups.all()), actions, decide_after)
        )
    return CasePage(
        case=case,
        complaints=list(case.complaints.select_related("routed_to").order_by("received_at", "pk")),
        allegations=list(
            case.allegations.select_related("officer__unit", "official", "category", "proposed_by", "decided_by")
        ),
        evidence=[EvidenceRow(item, list(item.custody.all()), superseding.get(item.pk)) for item in items],
        notes=list(case.notes.select_related("author")),
        tasks=list(case.tasks.select_related("assignee")),
        measures=rows,
        can_work=acts_for(user, case.body_id, WORK_ROLES),
        can_decide=acts_for(user, case.body_id, HEAD_ROLES),
        sees_sources=sees_evidence_sources(user, case),
        fingerprint=keys.fingerprint(),
    )


# -- what the officer concerned sees of his own measures ------------------------------------------------
#
# Built field by field from plain values: never the complaint, its text, the complainant, the case's
# summary, who handed in the evidence, or the custody chain.


@dataclass(frozen=True)
class OwnAllegation:
    id: int
    category: str
    category_label: str
    particulars: dict[str, Any]
    occurred_on: dt.date | None
    finding: str
    finding_label: str


@dataclass(frozen=True)
class OwnEvidence:
    name: str
    description: str
    added_on: dt.date


@dataclass(frozen=True)
class OwnStep:
    kind: str
    label: str
    at: dt.datetime
    text: str


@dataclass(frozen=True)
class OwnMeasure:
    id: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    reason: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    response_due_on: dt.date | None
    case_number: str
    steps: list[OwnStep]
    allegations: list[OwnAllegation]
    evidence: list[OwnEvidence]
    can_respond: bool
    can_appeal: bool
    # The last moment to appeal, once decided (none once appealed).
    appeal_until: dt.datetime | None = None


def _own_allegation(allegation: Allegation) -> OwnAllegation:
    return OwnAllegation(
        id=allegation.pk,
        category=allegation.category.name,
        category_label=str(allegation.category),
        particulars=dict(allegation.particulars or {}),
        occurred_on=allegation.occurred_on,
        finding=allegation.finding,
        finding_label=allegation.get_finding_display() if allegation.finding else "",
    )


def measures_own(user: Any, *, today: dt.date | None = None) -> list[OwnMeasure]:
    """The officer's own measures from the notice on, with the allegations against him behind each
    (the measure's own allegation, or every allegation against him in its case) and what the
    evidence is, by name and description."""
    scope = scope_for(user)
    if scope.own_officer_id is None:
        return []
    day = today or timezone.localdate()
    appeal_days: int = settings.OMBUD_APPEAL_DAYS
    measures = (
        Measure.objects.filter(officer_id=scope.own_officer_id)
        .exclude(state=Measure.State.PROPOSED)
        .select_related("case", "allegation__category")
        .prefetch_related("steps")
        .order_by("-proposed_at", "-pk")
    )
    own: list[OwnMeasure] = []
    for measure in measures:
        if measure.allegation is not None:
            allegations = [measure.allegation]
        elif measure.case_id is not None:
            allegations = list(
                Allegation.objects.filter(case_id=measure.case_id, officer_id=scope.own_officer_id).select_related(
                    "category"
                )
            )
        else:
            allegations = []
        evidence = (
            list(EvidenceItem.objects.filter(case_id=measure.case_id).only("name", "description", "added_at"))
            if measure.case_id
            else []
        )
        steps = list(measure.steps.all())
        appealed = any(step.kind == MeasureStep.Kind.APPEAL for step in steps)
        appeal_ends = measure.decided_at + dt.timedelta(days=appeal_days) if measure.decided_at else None
        appeal_open = appeal_ends is None or timezone.now() <= appeal_ends
        own.append(
            OwnMeasure(
                id=measure.pk,
                kind=measure.kind,
                kind_label=measure.get_kind_display(),
                state=measure.state,
                state_label=measure.state_label,
                reason=measure.reason,
                starts_on=measure.starts_on,
                ends_on=measure.ends_on,
                response_due_on=measure.response_due_on,
                case_number=measure.case.number if measure.case else "",
                steps=[OwnStep(s.kind, s.get_kind_display(), s.at, s.shown_text) for s in steps],
                allegations=[_own_allegation(a) for a in allegations],
                # A file's own name may be a witness's: the officer reads a neutral one.
                evidence=[
                    OwnEvidence(e.neutral_name, e.description, timezone.localdate(e.added_at)) for e in evidence
                ],
                can_respond=measure.state == Measure.State.NOTIFIED
                and (measure.response_due_on is None or day <= measure.response_due_on),
                can_appeal=measure.state in (Measure.State.DECIDED, Measure.State.IN_FORCE)
                and not appealed
                and appeal_open,
                appeal_until=timezone.localtime(appeal_ends)
                if appeal_ends
                and not appealed
                and measure.state in (Measure.State.DECIDED, Measure.State.IN_FORCE)
                else None,
            )
        )
    return own
