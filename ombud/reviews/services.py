"""Writes of reviews: directives that cascade down the tree, the meetings that answer them, their
attendance, the agenda compiled from the records, the minutes and resolutions, the sign-off that
freezes them, and the daily marking of overdue units. Each function is one transaction with its
audit entry; once a meeting's minutes are signed off, every function that would change them refuses.

A resolution proposing a measure enters discipline's due process: a case is opened on the body's own
initiative and the measure proposed in it, so notice, response and the four-eyes decision follow as
for any other measure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.accounts.models import Role
from ombud.accounts.scope import scope_for
from ombud.audit.services import audit_record
from ombud.cases.services import _require_body_role, case_open
from ombud.discipline.models import Measure
from ombud.discipline.services import measure_propose
from ombud.org.models import Officer, OversightBody, Unit
from ombud.org.selectors import unit_subtree
from ombud.reviews.models import (
    AgendaItem,
    Attendance,
    Directive,
    DirectiveTarget,
    Meeting,
    MeetingKind,
    Resolution,
)
from ombud.reviews.selectors import (
    agenda_proposal,
    compiled_record_json,
    meeting_circle,
    meeting_expected_officers,
    meeting_period,
    officer_records,
    years_before,
)

T = DirectiveTarget.State
WORK_ROLES: set[str] = {Role.INVESTIGATOR, Role.BODY_HEAD}
HEAD_ROLES: set[str] = {Role.BODY_HEAD}
# Target states a meeting's progress may still move on; minutes filed is final.
NOT_YET_HELD = (T.PENDING, T.SCHEDULED, T.OVERDUE)


def _in_jurisdiction(body: OversightBody, unit: Unit) -> bool:
    return any(unit.path.startswith(j.unit.path) for j in body.jurisdictions.select_related("unit"))


# -- directives ---------------------------------------------------------------------------------------


def directive_issue(
    *,
    actor: Any,
    body: OversightBody,
    title: str,
    meeting_kind: str,
    due_on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    instructions: str = "",
    unit: Unit | None = None,
    now: dt.datetime | None = None,
) -> Directive:
    """A body head orders the units of a subtree (the body's seat's, or one below it) to hold a
    meeting by ``due_on`` covering a period. Every unit of the subtree gets its duty, pending."""
    now = now or timezone.now()
    unit = unit or body.seat
    if not title.strip():
        raise ValidationError({"title": _("Give the directive a title.")})
    if meeting_kind not in MeetingKind.values:
        raise ValidationError({"meeting_kind": _("Choose the kind of meeting to hold.")})
    if due_on < timezone.localdate(now):
        raise ValidationError({"due_on": _("The deadline cannot be in the past.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period must end after it starts.")})
    if not _in_jurisdiction(body, unit):
        raise ValidationError({"unit": _("The body has no jurisdiction over %(unit)s.") % {"unit": unit.name}})
    _require_body_role(actor, body, HEAD_ROLES)
    with transaction.atomic():
        directive = Directive.objects.create(
            body=body,
            unit=unit,
            title=title.strip(),
            instructions=instructions.strip(),
            meeting_kind=meeting_kind,
            issued_at=now,
            due_on=due_on,
            period_start=period_start,
            period_end=period_end,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        units = list(unit_subtree(unit).values_list("pk", flat=True))
        DirectiveTarget.objects.bulk_create([DirectiveTarget(directive=directive, unit_id=pk) for pk in units])
        audit_record(
            actor=actor,
            action="directive.issue",
            obj=directive,
            data={"body": body.pk, "unit": unit.pk, "targets": len(units), "due_on": str(due_on)},
        )
        return directive


def directive_targets_mark_overdue(*, actor: Any = None, on: dt.date | None = None) -> int:
    """Mark every unit that has not held its meeting by the deadline: the worker runs this daily.
    Idempotent; a meeting held later turns the unit to held, marked late."""
    day = on or timezone.localdate()
    with transaction.atomic():
        due = list(
            DirectiveTarget.objects.select_for_update()
            .filter(state__in=[T.PENDING, T.SCHEDULED], directive__due_on__lt=day)
            .values_list("pk", "directive_id")
        )
        DirectiveTarget.objects.filter(pk__in=[pk for pk, _directive in due]).update(state=T.OVERDUE)
        per_directive: dict[int, int] = {}
        for _pk, directive_id in due:
            per_directive[directive_id] = per_directive.get(directive_id, 0) + 1
        for directive_id, count in sorted(per_directive.items()):
            audit_record(
                actor=actor,
                action="directive.overdue",
                object_type="reviews.directive",
                object_id=directive_id,
                data={"targets": count, "on": str(day)},
            )
    return len(due)


# -- meetings -----------------------------------------------------------------------------------------


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("body", "unit", "directive")
        .get(pk=meeting.pk)
    )


def _require_not_frozen(meeting: Meeting) -> None:
    if meeting.signed_off_at is not None:
        raise ValidationError(_("The minutes are signed off: they can no longer change."))


def _require_held(meeting: Meeting) -> None:
    if meeting.held_at is None:
        raise ValidationError(_("Record the attendance first: the meeting has not been held yet."))


def _acting_body(actor: Any, unit: Unit) -> OversightBody:
    """The lowest body the actor works for that oversees ``unit``: the body a unit's own meeting
    answers to when no directive names one."""
    scope = scope_for(actor)
    bodies = OversightBody.objects.filter(jurisdictions__unit__isnull=False).order_by("-level", "pk").distinct()
    if not scope.administrator:
        bodies = bodies.filter(pk__in=scope.body_ids)
    for body in bodies.prefetch_related("jurisdictions__unit"):
        if any(unit.path.startswith(j.unit.path) for j in body.jurisdictions.all()):
            return body
    raise PermissionDenied(_("You act for no body that oversees %(unit)s.") % {"unit": unit.name})


def meeting_schedule(
    *,
    actor: Any,
    kind: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    place: str = "",
    unit: Unit | None = None,
    body: OversightBody | None = None,
    directive: Directive | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Meeting:
    """Schedule a unit's meeting (answering a directive, or of its own accord) or a body's meeting.

    The expected attendees are computed now from the assignments on the first day: for a unit, every
    officer serving there and every officer answering for one of its villages."""
    ends_on = ends_on or starts_on
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Choose the kind of meeting.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the meeting a title.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The meeting must end on or after its first day.")})
    if directive is not None:
        if unit is None:
            raise ValidationError({"unit": _("Say which unit answers the directive.")})
        if not DirectiveTarget.objects.filter(directive=directive, unit=unit).exists():
            raise ValidationError({"unit": _("The directive does not reach %(unit)s.") % {"unit": unit.name}})
        if Meeting.objects.filter(directive=directive, unit=unit).exists():
            raise ValidationError({"unit": _("%(unit)s has already scheduled its meeting.") % {"unit": unit.name}})
        body = directive.body
        period_start = period_start or directive.period_start
        period_end = period_end or directive.period_end
    elif unit is not None and body is None:
        body = _acting_body(actor, unit)
    if body is None:
        raise ValidationError({"body": _("Say which unit or body holds the meeting.")})
    if unit is not None and not _in_jurisdiction(body, unit):
        raise ValidationError({"unit": _("The body has no jurisdiction over %(unit)s.") % {"unit": unit.name}})
    if period_start is None or period_end is None:
        period_end = period_end or starts_on
        period_start = period_start or years_before(period_end, settings.OMBUD_DOSSIER_YEARS)
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period must end after it starts.")})
    _require_body_role(actor, body, WORK_ROLES)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind,
            title=title.strip(),
            unit=unit,
            body=body,
            directive=directive,
            starts_on=starts_on,
            ends_on=ends_on,
            place=place.strip(),
            period_start=period_start,
            period_end=period_end,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        officers = list(meeting_expected_officers(meeting).values_list("pk", flat=True))
        Attendance.objects.bulk_create([Attendance(meeting=meeting, officer_id=pk) for pk in officers])
        if directive is not None:
            DirectiveTarget.objects.filter(directive=directive, unit=unit, state=T.PENDING).update(
                state=T.SCHEDULED
            )
        audit_record(
            actor=actor,
            action="meeting.schedule",
            obj=meeting,
            data={
                "unit": unit.pk if unit else None,
                "body": body.pk,
                "directive": directive.pk if directive else None,
                "expected": len(officers),
            },
        )
        return meeting


def attendance_record(
    *,
    actor: Any,
    meeting: Meeting,
    present: dict[int, bool],
    notes: dict[int, str] | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Record who came, by officer id: every expected attendee, present or absent. Recording it
    marks the meeting held; held after the directive's deadline, the unit is marked late."""
    now = now or timezone.now()
    notes = notes or {}
    with transaction.atomic():
        meeting = _locked(meeting)
        assert meeting.body is not None
        _require_body_role(actor, meeting.body, WORK_ROLES)
        _require_not_frozen(meeting)
        if meeting.starts_on > timezone.localdate(now):
            raise ValidationError(_("The meeting has not begun: attendance is recorded from its first day."))
        rows = {row.officer_id: row for row in Attendance.objects.select_for_update().filter(meeting=meeting)}
        strangers = sorted(set(present) - set(rows))
        if strangers:
            raise ValidationError(
                {
                    "present": _("These officers are not expected at this meeting: %(ids)s")
                    % {"ids": ", ".join(map(str, strangers))}
                }
            )
        missing = [pk for pk in rows if pk not in present and rows[pk].present is None]
        if missing:
            raise ValidationError({"present": _("Say for every expected officer whether he was present.")})
        changed = []
        for officer_id, was_present in present.items():
            row = rows[officer_id]
            row.present = bool(was_present)
            row.note = notes.get(officer_id, row.note).strip()[:200]
            changed.append(row)
        Attendance.objects.bulk_update(changed, ["present", "note"])
        first_time = meeting.held_at is None
        if first_time:
            meeting.held_at = now
            meeting.save(update_fields=["held_at"])
            if meeting.directive is not None:
                late = meeting.ends_on > meeting.directive.due_on
                DirectiveTarget.objects.filter(
                    directive=meeting.directive, unit=meeting.unit, state__in=NOT_YET_HELD
                ).update(state=T.HELD, late=late)
        audit_record(
            actor=actor,
            action="meeting.attendance",
            obj=meeting,
            data={
                "present": sum(1 for v in present.values() if v),
                "absent": sum(1 for v in present.values() if not v),
            },
        )
        return meeting


def agenda_compile(*, actor: Any, meeting: Meeting) -> list[AgendaItem]:
    """Put on the agenda exactly the officers the rule selects for the meeting's period (sustained
    findings, open cases, measures or early-warning alerts), each with his compiled record.

    Compiling again refreshes the records; an officer the rule no longer selects leaves the agenda
    unless the minutes already say something about him."""
    with transaction.atomic():
        meeting = _locked(meeting)
        assert meeting.body is not None
        _require_body_role(actor, meeting.body, WORK_ROLES)
        _require_not_frozen(meeting)
        own = scope_for(actor).own_officer_id
        if own is not None and meeting_circle(meeting).filter(pk=own).exists():
            raise PermissionDenied(
                _("You are among the officers this meeting concerns: someone else compiles it.")
            )
        proposals = agenda_proposal(user=actor, meeting=meeting)
        existing = {
            item.officer_id: item for item in AgendaItem.objects.select_for_update().filter(meeting=meeting)
        }
        chosen = {proposal.officer.pk for proposal in proposals}
        kept_silent = [
            item
            for officer_id, item in existing.items()
            if officer_id not in chosen and not (item.statement or item.criticisms or item.resolutions.exists())
        ]
        AgendaItem.objects.filter(pk__in=[item.pk for item in kept_silent]).delete()
        items = []
        for proposal in proposals:
            item = existing.get(proposal.officer.pk) or AgendaItem(meeting=meeting, officer=proposal.officer)
            item.reasons = proposal.reasons
            item.record = proposal.record_json()
            items.append(item)
        # Officers with minutes already written stay, after those the rule selects, their record
        # refreshed and no reason given.
        kept = [
            item for officer_id, item in existing.items() if officer_id not in chosen and item not in kept_silent
        ]
        if kept:
            since, until = meeting_period(meeting)
            records = officer_records(
                user=actor, officer_ids=[item.officer_id for item in kept], since=since, until=until
            )
            for item in kept:
                item.reasons = []
                if item.officer_id in records:
                    item.record = compiled_record_json(records[item.officer_id])
        items += kept
        # Positions are unique per meeting only by convention; renumber from 1 in the final order.
        for position, item in enumerate(items, start=1):
            item.position = position
            if item.pk is None:
                item.save()
            else:
                item.save(update_fields=["position", "reasons", "record"])
        if meeting.unit is None:
            # A body's meeting summons the officers it discusses.
            Attendance.objects.bulk_create(
                [Attendance(meeting=meeting, officer=item.officer) for item in items], ignore_conflicts=True
            )
        audit_record(
            actor=actor,
            action="meeting.agenda",
            obj=meeting,
            data={"items": len(items), "selected": len(proposals), "officers": sorted(chosen)},
        )
        return items


def agenda_item_minutes(*, actor: Any, item: AgendaItem, statement: str, criticisms: str) -> AgendaItem:
    """The officer's own statement and the criticisms raised, as the minutes record them."""
    with transaction.atomic():
        meeting = _locked(item.meeting)
        assert meeting.body is not None
        _require_body_role(actor, meeting.body, WORK_ROLES)
        _require_not_frozen(meeting)
        _require_held(meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.statement = statement.strip()
        item.criticisms = criticisms.strip()
        item.save(update_fields=["statement", "criticisms"])
        audit_record(actor=actor, action="meeting.item", obj=meeting, data={"item": item.pk})
        return item


def meeting_minutes(*, actor: Any, meeting: Meeting, minutes: str) -> Meeting:
    """The general minutes: what was said beyond the agenda items."""
    with transaction.atomic():
        meeting = _locked(meeting)
        assert meeting.body is not None
        _require_body_role(actor, meeting.body, WORK_ROLES)
        _require_not_frozen(meeting)
        _require_held(meeting)
        meeting.minutes = minutes.strip()
        meeting.save(update_fields=["minutes"])
        audit_record(actor=actor, action="meeting.minutes", obj=meeting)
        return meeting


def resolution_add(
    *,
    actor: Any,
    meeting: Meeting,
    text: str,
    agenda_item: AgendaItem | None = None,
    measure_kind: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Resolution:
    """Record a resolution; one about an officer on the agenda may propose a measure. The measure
    then goes through due process like any other: the meeting's body opens a case on its own
    initiative, the measure is proposed in it, notice is served, the officer may respond, and a
    body head other than the proposer decides."""
    if not text.strip():
        raise ValidationError({"text": _("Write the resolution.")})
    if measure_kind and agenda_item is None:
        raise ValidationError({"agenda_item": _("A measure concerns an officer on the agenda: choose him.")})
    with transaction.atomic():
        meeting = _locked(meeting)
        assert meeting.body is not None
        _require_body_role(actor, meeting.body, WORK_ROLES)
        _require_not_frozen(meeting)
        _require_held(meeting)
        if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
            raise ValidationError({"agenda_item": _("That item is not on this meeting's agenda.")})
        measure: Measure | None = None
        if measure_kind:
            assert agenda_item is not None
            officer = Officer.objects.get(pk=agenda_item.officer_id)
            held = meeting.starts_on.isoformat()
            case = case_open(
                actor=actor,
                body=meeting.body,
                title=_("Resolution of %(meeting)s about %(officer)s")
                % {"meeting": meeting.title, "officer": officer.full_name},
                summary=_("Opened on the body's own initiative by a resolution of %(meeting)s held on %(day)s.")
                % {"meeting": meeting.title, "day": held},
            )
            measure = measure_propose(
                actor=actor,
                case=case,
                officer=officer,
                kind=measure_kind,
                reason=_("Resolution of %(meeting)s (%(day)s): %(text)s")
                % {"meeting": meeting.title, "day": held, "text": text.strip()},
                starts_on=starts_on,
                ends_on=ends_on,
            )
        resolution = Resolution.objects.create(
            meeting=meeting,
            agenda_item=agenda_item,
            text=text.strip(),
            measure=measure,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="meeting.resolution",
            obj=meeting,
            data={
                "resolution": resolution.pk,
                "item": agenda_item.pk if agenda_item else None,
                "measure": measure.pk if measure else None,
            },
        )
        return resolution


def meeting_sign_off(*, actor: Any, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """A head of the meeting's body signs the minutes off; from then on they are frozen, and the
    unit's duty under its directive is done (minutes filed)."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting)
        assert meeting.body is not None
        _require_body_role(actor, meeting.body, HEAD_ROLES)
        _require_not_frozen(meeting)
        _require_held(meeting)
        if Attendance.objects.filter(meeting=meeting, present__isnull=True).exists():
            raise ValidationError(_("Record every expected officer's presence or absence before signing off."))
        meeting.signed_off_at = now
        meeting.signed_off_by = actor if getattr(actor, "pk", None) else None
        meeting.save(update_fields=["signed_off_at", "signed_off_by"])
        if meeting.directive is not None:
            DirectiveTarget.objects.filter(directive=meeting.directive, unit=meeting.unit).update(
                state=T.MINUTES_FILED
            )
        audit_record(
            actor=actor,
            action="meeting.sign_off",
            obj=meeting,
            data={"items": meeting.agenda.count(), "resolutions": meeting.resolutions.count()},
        )
        return meeting
