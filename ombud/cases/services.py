"""Writes to cases: opening, allegations, notes and tasks, evidence with its chain of custody, and
findings under four eyes. Each function is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.accounts.models import Role
from ombud.accounts.scope import scope_for
from ombud.audit.services import audit_record
from ombud.cases.models import Allegation, Case, CaseNote, CaseTask, CustodyEntry, EvidenceItem, Finding, Goods
from ombud.cases.selectors import task_assignees
from ombud.core.arguments import FIRST_DATE
from ombud.core.files import MAX_BYTES, sniff, store_blob
from ombud.intake.models import Category, Complaint, ComplaintEvent
from ombud.org.models import Officer, Official, OversightBody

BRIBERY_GOODS = tuple(Goods.values)


def _require_body_role(actor: Any, body: OversightBody, roles: set[str]) -> None:
    """The actor must hold one of ``roles`` in ``body`` (administrators may act anywhere)."""
    scope = scope_for(actor)
    if scope.administrator:
        return
    if not scope.acts_in(body.pk, roles):
        raise PermissionDenied(_("You do not act for this body in that role."))


def _next_number(body: OversightBody, now: dt.datetime) -> str:
    # Lock the body row so two cases opened at once cannot take the same number.
    OversightBody.objects.select_for_update().filter(pk=body.pk).first()
    prefix = f"{body.code}-{now:%Y}-"
    taken = Case.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def case_open(
    *,
    actor: Any,
    body: OversightBody,
    title: str,
    summary: str = "",
    complaints: list[Complaint] | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Open a case from complaints routed to the body, or on the body's own initiative."""
    now = now or timezone.now()
    if not title.strip():
        raise ValidationError({"title": _("Give the case a title.")})
    _require_body_role(actor, body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    with transaction.atomic():
        # Read again under lock: a complaint closed or escalated a moment ago is not what the form
        # showed. (One complaint may be taken into more than one case: it may name several officers.)
        complaints = list(
            Complaint.objects.select_for_update().filter(pk__in=[c.pk for c in complaints or []]).order_by("pk")
        )
        foreign = [c.reference for c in complaints if c.routed_to_id != body.pk]
        if foreign:
            raise ValidationError(
                {
                    "complaints": _("These complaints are not routed to this body: %(refs)s")
                    % {"refs": ", ".join(foreign)}
                }
            )
        closed = [c.reference for c in complaints if c.status == Complaint.Status.CLOSED]
        if closed:
            raise ValidationError(
                {"complaints": _("These complaints are closed: %(refs)s") % {"refs": ", ".join(closed)}}
            )
        case = Case.objects.create(
            number=_next_number(body, now),
            body=body,
            title=title.strip(),
            summary=summary.strip(),
            lead=actor if getattr(actor, "pk", None) else None,
            opened_at=now,
        )
        if complaints:
            case.complaints.set(complaints)
            Complaint.objects.filter(pk__in=[c.pk for c in complaints]).update(
                status=Complaint.Status.INVESTIGATING
            )
            ComplaintEvent.objects.bulk_create(
                [
                    ComplaintEvent(complaint=c, kind=ComplaintEvent.Kind.CASE_OPENED, at=now, body=body)
                    for c in complaints
                ]
            )
        audit_record(
            actor=actor,
            action="case.open",
            obj=case,
            data={"body": body.pk, "complaints": [c.pk for c in complaints]},
        )
        return case


def _check_particulars(category: Category, particulars: dict[str, Any]) -> dict[str, Any]:
    if not category.is_bribery:
        # What was given and its value belong to bribery; elsewhere they would mislead the reader.
        return {k: v for k, v in particulars.items() if k not in ("goods", "value")}
    goods = particulars.get("goods")
    if goods not in BRIBERY_GOODS:
        raise ValidationError({"particulars": _("Say what was given: money, cigarettes, liquor, grain or other.")})
    value = particulars.get("value")
    if value is not None:
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValidationError({"particulars": _("The estimated value must be a number.")}) from None
        if value < 0:
            raise ValidationError({"particulars": _("The estimated value cannot be negative.")})
    return {**particulars, "goods": goods, "value": value}


def allegation_add(
    *,
    actor: Any,
    case: Case,
    category: Category,
    officer: Officer | None = None,
    official: Official | None = None,
    particulars: dict[str, Any] | None = None,
    occurred_on: dt.date | None = None,
) -> Allegation:
    if (officer is None) == (official is None):
        raise ValidationError({"subject": _("An allegation names one subject: an officer or an official.")})
    _require_body_role(actor, case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    if occurred_on is not None and not FIRST_DATE <= occurred_on <= timezone.localdate():
        raise ValidationError(
            {"occurred_on": _("The date must be between %(first)s and today.") % {"first": FIRST_DATE.isoformat()}}
        )
    checked = _check_particulars(category, particulars or {})
    with transaction.atomic():
        _require_open(case)
        allegation = Allegation.objects.create(
            case=case,
            officer=officer,
            official=official,
            category=category,
            particulars=checked,
            occurred_on=occurred_on,
            added_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="allegation.add",
            obj=allegation,
            data={
                "case": case.pk,
                "officer": officer.pk if officer else None,
                "official": official.pk if official else None,
                "category": category.code,
            },
        )
        return allegation


def _require_open(case: Case) -> None:
    """Inside the write's transaction: the case as stored, locked, so that nothing is added to a case
    closed a moment ago by someone else (the caller's copy may be older)."""
    status = Case.objects.select_for_update().filter(pk=case.pk).values_list("status", flat=True).first()
    if status != Case.Status.OPEN:
        raise ValidationError(_("The case is closed."))


def note_add(*, actor: Any, case: Case, text: str, kind: str = CaseNote.Kind.NOTE) -> CaseNote:
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    _require_body_role(actor, case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, kind=kind, text=text.strip(), author=actor, at=timezone.now())
        audit_record(actor=actor, action="case.note", obj=case, data={"note": note.pk, "kind": kind})
        return note


def task_add(*, actor: Any, case: Case, title: str, due_on: dt.date, assignee: Any = None) -> CaseTask:
    if not title.strip():
        raise ValidationError({"title": _("Say what is to be done.")})
    if due_on < timezone.localdate(case.opened_at):
        raise ValidationError({"due_on": _("A task cannot be due before the case was opened.")})
    _require_body_role(actor, case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    if assignee is not None and not task_assignees(case).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": _("A task goes to an investigator or head of the case's body who may read the case.")}
        )
    with transaction.atomic():
        _require_open(case)
        task = CaseTask.objects.create(case=case, title=title.strip(), due_on=due_on, assignee=assignee)
        audit_record(actor=actor, action="case.task", obj=case, data={"task": task.pk, "due_on": str(due_on)})
        return task


def task_done(*, actor: Any, task: CaseTask) -> CaseTask:
    """Mark a task done (once: a second time changes nothing and says so)."""
    _require_body_role(actor, task.case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    with transaction.atomic():
        # A closed case's leftover task may still be marked done: the case's list stays true.
        task = CaseTask.objects.select_for_update().select_related("case").get(pk=task.pk)
        if task.done_at is not None:
            raise ValidationError(_("This task was marked done already."))
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit_record(actor=actor, action="case.task.done", obj=task.case, data={"task": task.pk})
        return task


# -- evidence -----------------------------------------------------------------------------------------


def evidence_add(
    *,
    actor: Any,
    case: Case,
    name: str,
    data: bytes,
    description: str = "",
    received_from: str = "",
    supersedes: EvidenceItem | None = None,
    max_bytes: int | None = None,
) -> EvidenceItem:
    """Keep a file as evidence exactly as received (evidence is never re-encoded), addressed by its
    SHA-256. A correction is a new item that supersedes the old one; the old one stays."""
    limit = max_bytes or MAX_BYTES
    if not data:
        raise ValidationError({"file": _("%(name)s is empty.") % {"name": name}})
    if len(data) > limit:
        raise ValidationError(
            {"file": _("%(name)s is larger than the limit of %(mb)s MB.") % {"name": name, "mb": limit // 2**20}}
        )
    _require_body_role(actor, case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    if supersedes is not None:
        if supersedes.case_id != case.pk:
            raise ValidationError({"supersedes": _("An item can only supersede evidence of the same case.")})
        if EvidenceItem.objects.filter(supersedes=supersedes).exists():
            raise ValidationError({"supersedes": _("That item was already superseded.")})
    now = timezone.now()
    with transaction.atomic():
        _require_open(case)
        digest = store_blob(data)
        item = EvidenceItem.objects.create(
            case=case,
            sha256=digest,
            name=name[:200],
            content_type=sniff(data) or "application/octet-stream",
            size=len(data),
            description=description.strip(),
            received_from=received_from.strip(),
            added_by=actor,
            added_at=now,
            supersedes=supersedes,
        )
        CustodyEntry.objects.create(
            item=item,
            action=CustodyEntry.Action.RECEIVED,
            at=now,
            actor=actor,
            from_party=received_from.strip(),
            to_party=case.body.name,
            note=_("Superseding item %(id)s") % {"id": supersedes.pk} if supersedes else "",
        )
        audit_record(
            actor=actor,
            action="evidence.add",
            obj=item,
            data={
                "case": case.pk,
                "sha256": digest,
                "size": len(data),
                "supersedes": supersedes.pk if supersedes else None,
            },
        )
        return item


def custody_record(
    *, actor: Any, item: EvidenceItem, action: str, from_party: str = "", to_party: str = "", note: str = ""
) -> CustodyEntry:
    """A hand-over, a view or a download: every one is a custody entry and an audit entry."""
    if action not in CustodyEntry.Action.values:
        raise ValidationError({"action": _("Unknown custody action.")})
    if action == CustodyEntry.Action.TRANSFERRED and not to_party.strip():
        raise ValidationError({"to_party": _("Say to whom the item was handed.")})
    if actor is not None:  # None: the instance itself, e.g. `ombud case package` on the server
        _require_body_role(actor, item.case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    with transaction.atomic():
        entry = CustodyEntry.objects.create(
            item=item,
            action=action,
            at=timezone.now(),
            actor=actor,
            from_party=from_party.strip(),
            to_party=to_party.strip(),
            note=note.strip(),
        )
        audit_record(actor=actor, action=f"evidence.{action}", obj=item, data={"custody": entry.pk})
        return entry


def evidence_read(*, actor: Any, item: EvidenceItem) -> bytes:
    """The item's bytes, checked against its SHA-256, with the download recorded."""
    from ombud.core.files import open_blob

    data = open_blob(item.sha256)
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise ValidationError(_("The stored file no longer matches its SHA-256: report this."))
    custody_record(actor=actor, item=item, action=CustodyEntry.Action.DOWNLOADED)
    return data


# -- findings -----------------------------------------------------------------------------------------


def finding_propose(*, actor: Any, allegation: Allegation, finding: str, reason: str) -> Allegation:
    if finding not in Finding.values:
        raise ValidationError({"finding": _("Choose a finding.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the finding.")})
    _require_body_role(actor, allegation.case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    with transaction.atomic():
        allegation = (
            Allegation.objects.select_for_update(of=("self",)).select_related("case").get(pk=allegation.pk)
        )
        _require_open(allegation.case)
        if allegation.finding:
            raise ValidationError(_("This allegation's finding is already decided."))
        allegation.proposed_finding = finding
        allegation.proposed_reason = reason.strip()
        allegation.proposed_by = actor
        allegation.proposed_at = timezone.now()
        allegation.save(update_fields=["proposed_finding", "proposed_reason", "proposed_by", "proposed_at"])
        audit_record(actor=actor, action="finding.propose", obj=allegation, data={"finding": finding})
        return allegation


def finding_decide(
    *, actor: Any, allegation: Allegation, finding: str | None = None, reason: str = ""
) -> Allegation:
    """The body head decides the proposed finding (or another one, with reasons). Four eyes: never
    the person who proposed it."""
    _require_body_role(actor, allegation.case.body, {Role.BODY_HEAD})
    with transaction.atomic():
        allegation = (
            Allegation.objects.select_for_update(of=("self",)).select_related("case").get(pk=allegation.pk)
        )
        _require_open(allegation.case)
        if not allegation.proposed_finding:
            raise ValidationError(_("No finding has been proposed yet."))
        if allegation.finding:
            raise ValidationError(_("This allegation's finding is already decided."))
        if allegation.proposed_by_id is not None and allegation.proposed_by_id == getattr(actor, "pk", None):
            raise PermissionDenied(_("The person who proposed a finding cannot decide it (four eyes)."))
        decided = finding or allegation.proposed_finding
        if decided not in Finding.values:
            raise ValidationError({"finding": _("Choose a finding.")})
        if decided != allegation.proposed_finding and not reason.strip():
            raise ValidationError({"reason": _("Give reasons for departing from the proposed finding.")})
        allegation.finding = decided
        allegation.finding_reason = reason.strip() or allegation.proposed_reason
        allegation.decided_by = actor
        allegation.decided_at = timezone.now()
        allegation.save(update_fields=["finding", "finding_reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action="finding.decide",
            obj=allegation,
            data={"finding": decided, "proposed": allegation.proposed_finding},
        )
        return allegation


CLOSING_OUTCOMES = (Case.Status.CLOSED, Case.Status.REFERRED)
MIN_CLOSING_REASON = 10


def case_close(*, actor: Any, case: Case, reason: str, outcome: str = Case.Status.CLOSED) -> Case:
    """A body head closes the case, or closes it as referred for prosecution, with the reasons in
    a sentence; its complaints close with it. Every allegation must have its decided finding."""
    reason = reason.strip()
    if outcome not in CLOSING_OUTCOMES:
        raise ValidationError({"outcome": _("Choose how the case ends: closed, or referred for prosecution.")})
    if len(reason) < MIN_CLOSING_REASON:
        raise ValidationError(
            {
                "reason": _("Say in a sentence why the case ends (at least %(n)d characters).")
                % {"n": MIN_CLOSING_REASON}
            }
        )
    _require_body_role(actor, case.body, {Role.BODY_HEAD})
    with transaction.atomic():
        _require_open(case)
        case = Case.objects.get(pk=case.pk)
        if not case.allegations.exists():
            raise ValidationError(_("Add the allegations and decide their findings before the case closes."))
        if case.allegations.filter(finding="").exists():
            raise ValidationError(_("Every allegation needs a decided finding before the case closes."))
        open_tasks = case.tasks.filter(done_at__isnull=True).count()
        now = timezone.now()
        case.status = outcome
        case.closed_at = now
        case.closing_reason = reason
        case.save(update_fields=["status", "closed_at", "closing_reason"])
        # A complaint another open case still investigates stays open with it.
        still_investigated = Case.objects.filter(complaints=OuterRef("pk"), status=Case.Status.OPEN).exclude(
            pk=case.pk
        )
        complaints = list(
            case.complaints.exclude(status=Complaint.Status.CLOSED).exclude(Exists(still_investigated))
        )
        Complaint.objects.filter(pk__in=[c.pk for c in complaints]).update(
            status=Complaint.Status.CLOSED, closed_at=now
        )
        ComplaintEvent.objects.bulk_create(
            [
                ComplaintEvent(complaint=c, kind=ComplaintEvent.Kind.CLOSED, at=now, body=case.body)
                for c in complaints
            ]
        )
        audit_record(
            actor=actor,
            action="case.close",
            obj=case,
            data={"outcome": outcome, "complaints": [c.pk for c in complaints], "open_tasks": open_tasks},
        )
        return case
