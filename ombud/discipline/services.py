"""Measures with due process. A measure is proposed, notice is served on the officer, who may
respond by a deadline; someone other than the proposer decides it; the officer may appeal; then it
is in force until it ends. Suspension and standby change the officer's status and what his account
may do while they are in force. Each function is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.accounts.models import Role
from ombud.audit.services import audit_record
from ombud.cases.models import PACKAGE_SOURCE_PREFIX, Allegation, Case, Finding
from ombud.cases.services import _require_body_role, _require_open
from ombud.discipline.models import APPROVED, REJECTED, FollowUp, Measure, MeasureStep
from ombud.org.models import Officer, OversightBody
from ombud.org.services import officer_release_places

K = Measure.Kind
S = Measure.State
# Measures that take an officer off duty while in force, and the status they give him.
NEEDS_PERIOD = {K.SUSPENSION}


def _step(measure: Measure, kind: str, actor: Any, text: str = "", at: dt.datetime | None = None) -> None:
    MeasureStep.objects.create(measure=measure, kind=kind, at=at or timezone.now(), actor=actor, text=text.strip())


def _deciding_body(measure: Measure) -> OversightBody:
    if measure.case is not None:
        return measure.case.body
    raise ValidationError(_("This measure belongs to no case, so no body can decide it."))


def _require_not_himself(actor: Any, officer_id: int | None) -> None:
    if officer_id is not None and getattr(actor, "officer_id", None) == officer_id:
        raise PermissionDenied(_("Nobody takes a step on a measure against himself."))


def _require_staff_step(actor: Any, measure: Measure) -> None:
    """No step of the body's on a measure against the actor himself, nor on one imported with a
    referral package (the sending body's record: its steps were taken there)."""
    _require_not_himself(actor, measure.officer_id)
    if measure.imported:
        raise ValidationError(
            _("This measure was imported with a referral package: its steps are the sending body's.")
        )


def _locked(measure: Measure) -> Measure:
    return (
        Measure.objects.select_for_update(of=("self",)).select_related("case__body", "officer").get(pk=measure.pk)
    )


def _require_state(measure: Measure, *states: str) -> None:
    if measure.state not in states:
        raise ValidationError(
            _("This step is not possible now: the measure is %(state)s.") % {"state": measure.get_state_display()}
        )


def measure_propose(
    *,
    actor: Any,
    case: Case,
    officer: Officer,
    kind: str,
    reason: str,
    allegation: Allegation | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Measure:
    if kind not in K.values:
        raise ValidationError({"kind": _("Choose a kind of measure.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the measure.")})
    if kind in NEEDS_PERIOD and ends_on is None:
        raise ValidationError({"ends_on": _("A temporary suspension needs an end date.")})
    if starts_on is not None and starts_on < timezone.localdate():
        # A measure takes effect once decided, never backdated: due process comes first.
        raise ValidationError({"starts_on": _("A measure cannot start before today.")})
    if ends_on is not None and (starts_on is None or ends_on < starts_on):
        raise ValidationError({"ends_on": _("The end date must come after the start date.")})
    if allegation is not None:
        if allegation.case_id != case.pk or allegation.officer_id != officer.pk:
            raise ValidationError({"allegation": _("The allegation must be against this officer in this case.")})
        if allegation.finding != Finding.SUSTAINED:
            raise ValidationError({"allegation": _("A measure follows a sustained finding.")})
    _require_body_role(actor, case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    _require_not_himself(actor, officer.pk)
    with transaction.atomic():
        _require_open(case)
        measure = Measure.objects.create(
            officer=officer,
            case=case,
            allegation=allegation,
            kind=kind,
            reason=reason.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            proposed_by=actor,
            proposed_at=timezone.now(),
        )
        _step(measure, MeasureStep.Kind.PROPOSED, actor, reason)
        audit_record(
            actor=actor, action="measure.propose", obj=measure, data={"officer": officer.pk, "kind": kind}
        )
        return measure


def measure_notify(*, actor: Any, measure: Measure, response_days: int | None = None) -> Measure:
    """Serve notice on the officer: he sees the allegations and evidence summaries and may respond."""
    days: int = response_days or settings.OMBUD_RESPONSE_DAYS
    with transaction.atomic():
        measure = _locked(measure)
        _require_body_role(actor, _deciding_body(measure), {Role.INVESTIGATOR, Role.BODY_HEAD})
        _require_staff_step(actor, measure)
        _require_state(measure, S.PROPOSED)
        now = timezone.now()
        measure.state = S.NOTIFIED
        measure.notified_at = now
        measure.response_due_on = timezone.localdate(now) + dt.timedelta(days=days)
        measure.save(update_fields=["state", "notified_at", "response_due_on"])
        # The date to respond by is the measure's own (shown in each reader's language), not words here.
        _step(measure, MeasureStep.Kind.NOTICE, actor)
        audit_record(actor=actor, action="measure.notify", obj=measure, data={"due": str(measure.response_due_on)})
        return measure


def _require_the_officer(actor: Any, measure: Measure) -> None:
    if getattr(actor, "officer_id", None) != measure.officer_id:
        raise PermissionDenied(_("Only the officer concerned may do this, through his own account."))


def measure_respond(*, actor: Any, measure: Measure, text: str) -> Measure:
    if not text.strip():
        raise ValidationError({"text": _("Write your response.")})
    with transaction.atomic():
        measure = _locked(measure)
        _require_the_officer(actor, measure)
        _require_state(measure, S.NOTIFIED)
        if measure.response_due_on and timezone.localdate() > measure.response_due_on:
            raise ValidationError(_("The time to respond ended on %(date)s.") % {"date": measure.response_due_on})
        measure.state = S.RESPONDED
        measure.save(update_fields=["state"])
        _step(measure, MeasureStep.Kind.RESPONSE, actor, text)
        audit_record(actor=actor, action="measure.respond", obj=measure)
        return measure


def measure_decide(*, actor: Any, measure: Measure, approve: bool, text: str = "") -> Measure:
    """The body head decides, never the proposer; only after the officer responded or his time ran out."""
    with transaction.atomic():
        measure = _locked(measure)
        _require_body_role(actor, _deciding_body(measure), {Role.BODY_HEAD})
        _require_staff_step(actor, measure)
        _require_state(measure, S.NOTIFIED, S.RESPONDED)
        if measure.proposed_by_id is not None and measure.proposed_by_id == getattr(actor, "pk", None):
            raise PermissionDenied(_("The person who proposed a measure cannot decide it (four eyes)."))
        if (
            measure.state == S.NOTIFIED
            and measure.response_due_on
            and timezone.localdate() <= measure.response_due_on
        ):
            raise ValidationError(
                _("The officer may still respond until %(date)s.") % {"date": measure.response_due_on}
            )
        if measure.state == S.RESPONDED and not text.strip():
            raise ValidationError(
                {"text": _("The officer responded: give the reasons for the decision, answering him.")}
            )
        now = timezone.now()
        measure.state = S.DECIDED if approve else S.REJECTED
        measure.decided_by = actor
        measure.decided_at = now
        fields = ["state", "decided_by", "decided_at"]
        today = timezone.localdate(now)
        if approve and measure.starts_on is not None and measure.starts_on < today:
            # Decided after the day it was to start: it starts today, for the whole period proposed
            # (never backdated: the days before the decision were not served under it).
            if measure.ends_on is not None:
                measure.ends_on = today + (measure.ends_on - measure.starts_on)
            measure.starts_on = today
            fields += ["starts_on", "ends_on"]
        measure.save(update_fields=fields)
        _step(measure, MeasureStep.Kind.DECISION, actor, text or (APPROVED if approve else REJECTED))
        audit_record(actor=actor, action="measure.decide", obj=measure, data={"approved": approve})
        return measure


def measure_appeal(*, actor: Any, measure: Measure, text: str) -> Measure:
    if not text.strip():
        raise ValidationError({"text": _("Give the grounds of your appeal.")})
    days: int = settings.OMBUD_APPEAL_DAYS
    with transaction.atomic():
        measure = _locked(measure)
        _require_the_officer(actor, measure)
        if measure.imported:
            raise ValidationError(
                _("This measure was imported with a referral package: appeal it where it was decided.")
            )
        _require_state(measure, S.DECIDED, S.IN_FORCE)
        if measure.decided_at and timezone.now() > measure.decided_at + dt.timedelta(days=days):
            raise ValidationError(_("The time to appeal has ended."))
        if measure.steps.filter(kind=MeasureStep.Kind.APPEAL).exists():
            raise ValidationError(_("This measure was already appealed."))
        measure.state = S.APPEALED
        measure.save(update_fields=["state"])
        _step(measure, MeasureStep.Kind.APPEAL, actor, text)
        audit_record(actor=actor, action="measure.appeal", obj=measure)
        return measure


def measure_appeal_decide(*, actor: Any, measure: Measure, uphold: bool, text: str) -> Measure:
    if not text.strip():
        raise ValidationError({"text": _("Give the reasons for the appeal decision.")})
    with transaction.atomic():
        measure = _locked(measure)
        _require_body_role(actor, _deciding_body(measure), {Role.BODY_HEAD})
        _require_staff_step(actor, measure)
        _require_state(measure, S.APPEALED)
        if getattr(actor, "pk", None) in (measure.decided_by_id, measure.proposed_by_id):
            raise PermissionDenied(
                _("An appeal is decided by someone who neither proposed nor decided the measure.")
            )
        _step(measure, MeasureStep.Kind.APPEAL_DECISION, actor, text)
        measure.state = _course_run(measure) if uphold else S.REJECTED
        measure.save(update_fields=["state"])
        if not uphold:
            _settle_status(
                measure.officer_id,
                timezone.localdate(),
                actor,
                dismissal_overturned=measure.kind == K.DISMISSAL,
            )
        audit_record(actor=actor, action="measure.appeal_decide", obj=measure, data={"upheld": uphold})
        return measure


# What a measure in force makes of the officer, the strongest first.
STATUS_PRECEDENCE: list[tuple[str, str]] = [
    (K.DISMISSAL, Officer.Status.DISMISSED),
    (K.SUSPENSION, Officer.Status.SUSPENDED),
    (K.STANDBY, Officer.Status.STANDBY),
]
# Measures imported with a referral package record what the sending body decided: never enforced here.
DECIDED_HERE = ~Q(source__startswith=PACKAGE_SOURCE_PREFIX)


def _has_step(kind: str) -> Exists:
    return Exists(MeasureStep.objects.filter(measure=OuterRef("pk"), kind=kind))


# An appeal neither suspends a measure nor prolongs it: one under appeal comes into force on its
# start day and ends after its end day as it would without one (its state stays "under appeal", its
# steps say how far its days have run), and the appeal's decision either overturns it or leaves it
# where its days have brought it.
_STARTED, _ENDED = _has_step(MeasureStep.Kind.IN_FORCE), _has_step(MeasureStep.Kind.ENDED)
HOLDING = Q(state=S.IN_FORCE) | (Q(state=S.APPEALED) & Q(_STARTED) & ~Q(_ENDED))


def _course_run(measure: Measure) -> str:
    """The state an upheld measure returns to: as far as its days have brought it while under appeal."""
    kinds = set(measure.steps.values_list("kind", flat=True))
    if MeasureStep.Kind.ENDED in kinds:
        return S.ENDED
    return S.IN_FORCE if MeasureStep.Kind.IN_FORCE in kinds else S.DECIDED


def _holding(**officers: Any) -> Any:
    """The measures decided here that hold their officers now and decide their status."""
    kinds = [k for k, _s in STATUS_PRECEDENCE]
    return Measure.objects.filter(DECIDED_HERE, kind__in=kinds, **officers).filter(HOLDING)


def _holding_kinds(officer_id: int) -> set[str]:
    return set(_holding(officer_id=officer_id).values_list("kind", flat=True))


def officers_held_by_measures(officers: Any) -> set[int]:
    """The ids of the officers (of a queryset) whom a suspension, standby or dismissal decided here
    holds now: their status is their measures' (an import does not change it)."""
    return set(_holding(officer__in=officers).values_list("officer_id", flat=True))


def officer_held_by_measures(officer_id: int) -> bool:
    """Whether a suspension, standby or dismissal decided here holds the officer now."""
    return bool(_holding_kinds(officer_id))


def _settle_status(officer_id: int, on: dt.date, actor: Any, *, dismissal_overturned: bool = False) -> None:
    """The officer's status from the measures decided here that hold him now (in force, or in force
    and under appeal): the strongest of dismissal, suspension and standby, else active. A dismissal
    stands until an appeal overturns it; a retired officer is left as he is."""
    officer = Officer.objects.select_for_update().get(pk=officer_id)
    if officer.status == Officer.Status.RETIRED:
        return
    if officer.status == Officer.Status.DISMISSED and not dismissal_overturned:
        return
    holding = _holding_kinds(officer_id)
    status = next((status for kind, status in STATUS_PRECEDENCE if kind in holding), Officer.Status.ACTIVE)
    if officer.status == status:
        return
    officer.status = status
    officer.save(update_fields=["status"])
    if status != Officer.Status.ACTIVE:
        officer_release_places(actor=actor, officer=officer, on=on)
    audit_record(actor=actor, action="officer.status", obj=officer, data={"status": status})


def measures_apply(*, actor: Any = None, on: dt.date | None = None) -> dict[str, int]:
    """Bring decided measures into force on their start date and end them after their end date,
    changing officers' status: the worker runs this daily; it is idempotent."""
    day = on or timezone.localdate()
    started = ended = 0
    with transaction.atomic():
        due = Q(starts_on__isnull=True) | Q(starts_on__lte=day)
        starting = (
            Measure.objects.select_for_update()
            .filter(DECIDED_HERE)
            .filter(Q(state=S.DECIDED) | (Q(state=S.APPEALED) & ~Q(_STARTED)))
            .filter(due)
        )
        for measure in starting.select_related("officer"):
            # An appeal, or a window still open for one, does not hold a measure back: it is in force
            # meanwhile (and stays "under appeal" until the appeal is decided).
            if measure.state == S.DECIDED:
                measure.state = S.IN_FORCE
                measure.save(update_fields=["state"])
            _step(measure, MeasureStep.Kind.IN_FORCE, actor)
            # A period over before this run (the job did not run, or an appeal held the measure back
            # under an earlier rule) is recorded, then ended below, without taking the officer's
            # villages from him for a day.
            if measure.ends_on is None or measure.ends_on >= day:
                _settle_status(measure.officer_id, day, actor)
            audit_record(actor=actor, action="measure.in_force", obj=measure)
            started += 1
        ending = (
            Measure.objects.select_for_update()
            .filter(DECIDED_HERE, ends_on__isnull=False, ends_on__lt=day)
            .filter(HOLDING)
        )
        for measure in ending:
            if measure.state == S.IN_FORCE:
                measure.state = S.ENDED
                measure.save(update_fields=["state"])
            _step(measure, MeasureStep.Kind.ENDED, actor)
            _settle_status(measure.officer_id, day, actor)
            audit_record(actor=actor, action="measure.end", obj=measure)
            ended += 1
    return {"started": started, "ended": ended}


FOLLOWED_UP = (S.DECIDED, S.IN_FORCE, S.ENDED)


def follow_up_add(*, actor: Any, measure: Measure, description: str, due_on: dt.date) -> FollowUp:
    """What must follow a decided measure, and by when (escalated to the body above if overdue)."""
    if not description.strip():
        raise ValidationError({"description": _("Say what must follow.")})
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("A follow-up cannot be due before today.")})
    _require_body_role(actor, _deciding_body(measure), {Role.INVESTIGATOR, Role.BODY_HEAD})
    with transaction.atomic():
        measure = _locked(measure)
        _require_staff_step(actor, measure)
        _require_state(measure, *FOLLOWED_UP)
        follow_up = FollowUp.objects.create(measure=measure, description=description.strip(), due_on=due_on)
        audit_record(
            actor=actor, action="followup.add", obj=measure, data={"follow_up": follow_up.pk, "due": str(due_on)}
        )
        return follow_up


def follow_up_done(*, actor: Any, follow_up: FollowUp) -> FollowUp:
    _require_body_role(actor, _deciding_body(follow_up.measure), {Role.INVESTIGATOR, Role.BODY_HEAD})
    _require_staff_step(actor, follow_up.measure)
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if follow_up.done_at is not None:
            raise ValidationError(_("This follow-up was marked done already."))
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
        audit_record(actor=actor, action="followup.done", obj=follow_up.measure, data={"follow_up": follow_up.pk})
        return follow_up


def follow_ups_escalate_overdue(*, actor: Any = None, on: dt.date | None = None) -> int:
    """Flag every overdue follow-up once, for the body above the measure's body to see."""
    day = on or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        overdue = list(
            FollowUp.objects.select_for_update().filter(
                done_at__isnull=True, escalated_at__isnull=True, due_on__lt=day
            )
        )
        for follow_up in overdue:
            follow_up.escalated_at = now
            follow_up.save(update_fields=["escalated_at"])
            audit_record(
                actor=actor, action="followup.escalate", obj=follow_up.measure, data={"follow_up": follow_up.pk}
            )
    return len(overdue)
