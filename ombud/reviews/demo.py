"""The demo's reviews: a directive from the demo county's body to every unit under it, answered at
some stations on time, at one late, at one not yet, and ignored by the rest (marked overdue); the
first station's assembly with its agenda compiled from the records, the minutes, a resolution
proposing a suspension (now in due process) and the sign-off; and a published outcome. Everything
goes through the services people use, so the demo shows the real workflow."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ombud.accounts.models import Membership, Role, User
from ombud.discipline.models import Measure
from ombud.org.models import Unit
from ombud.reviews.models import Directive, Meeting, MeetingKind
from ombud.reviews.selectors import years_before
from ombud.reviews.services import (
    agenda_compile,
    agenda_item_minutes,
    attendance_record,
    directive_issue,
    directive_targets_mark_overdue,
    meeting_minutes,
    meeting_schedule,
    meeting_sign_off,
    resolution_add,
)
from ombud.transparency.services import measures_not_final, outcome_draft, outcome_publish


def demo_reviews_ensure() -> None:
    """Once: the demo's directive, its meetings and a published outcome (nothing if already there)."""
    if Directive.objects.exists():
        return
    head = User.objects.filter(username="head").first()
    investigator = User.objects.filter(username="investigator").first()
    membership = Membership.objects.filter(user=head, role=Role.BODY_HEAD).select_related("body__seat").first()
    if head is None or investigator is None or membership is None or membership.body is None:
        return
    body = membership.body
    today = timezone.localdate()
    due = today - dt.timedelta(days=10)
    with transaction.atomic():
        directive = directive_issue(
            actor=head,
            body=body,
            title="General assemblies after the national conference",
            meeting_kind=MeetingKind.GENERAL_ASSEMBLY,
            due_on=due,
            period_start=years_before(due, 10),
            period_end=due,
            instructions=(
                "Every branch and station holds a general assembly of its party branch and cells at once. "
                "Each officer's record of the last ten years is read out; officers with past flaws answer for them."
            ),
            now=timezone.now() - dt.timedelta(days=45),
        )
        stations = list(
            Unit.objects.filter(
                kind__is_station=True, path__startswith=directive.unit.path if directive.unit else ""
            ).order_by("code")[:4]
        )
        # On time over two days and signed off; on time, minutes still open; late and signed off; to come.
        days = [
            (due - dt.timedelta(days=16), due - dt.timedelta(days=15)),
            (due - dt.timedelta(days=13), due - dt.timedelta(days=13)),
            (today - dt.timedelta(days=3), today - dt.timedelta(days=3)),
            (today + dt.timedelta(days=5), today + dt.timedelta(days=5)),
        ]
        meetings = [
            meeting_schedule(
                actor=investigator,
                kind=MeetingKind.GENERAL_ASSEMBLY,
                title=f"General assembly of {station.name}",
                starts_on=first_day,
                ends_on=last_day,
                place=f"{station.name}, meeting hall",
                unit=station,
                directive=directive,
            )
            for station, (first_day, last_day) in zip(stations, days, strict=False)
        ]
        for index, meeting in enumerate(meetings[:3]):
            _hold(meeting, investigator=investigator, head=head, sign=index != 1, resolve=index == 0)
        directive_targets_mark_overdue(actor=None, on=today)
        _publish_an_outcome(body_id=body.pk, investigator=investigator, head=head)


def _hold(meeting: Meeting, *, investigator: User, head: User, sign: bool, resolve: bool) -> None:
    rows = list(meeting.attendance.values_list("officer_id", flat=True))
    present = {officer_id: n % 9 != 4 for n, officer_id in enumerate(rows)}
    notes = {officer_id: "on leave" for officer_id, here in present.items() if not here}
    attendance_record(actor=investigator, meeting=meeting, present=present, notes=notes)
    items = agenda_compile(actor=investigator, meeting=meeting)
    for item in items[:3]:
        agenda_item_minutes(
            actor=investigator,
            item=item,
            statement="I accept the findings and ask the assembly for a chance to make amends.",
            criticisms="Comrades criticised his closeness to the farm management committee of his villages.",
        )
    if resolve and items:
        first = items[0]
        starts = timezone.localdate() + dt.timedelta(days=14)
        resolution_add(
            actor=investigator,
            meeting=meeting,
            agenda_item=first,
            text="The assembly proposes his temporary suspension pending the committee's inquiry.",
            measure_kind=Measure.Kind.SUSPENSION,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=90),
        )
        resolution_add(
            actor=investigator,
            meeting=meeting,
            text="Every officer answering for a village reports gifts received, whatever their value.",
        )
    meeting_minutes(
        actor=investigator,
        meeting=meeting,
        minutes="The records of the period were read out officer by officer; each answered in turn.",
    )
    if sign:
        meeting_sign_off(actor=head, meeting=meeting)


def _publish_an_outcome(*, body_id: int, investigator: User, head: User) -> None:
    candidates = (
        Measure.objects.filter(
            case__body_id=body_id,
            kind=Measure.Kind.SUSPENSION,
            state__in=[Measure.State.IN_FORCE, Measure.State.ENDED, Measure.State.DECIDED],
        )
        .select_related("case", "officer__unit")
        .order_by("pk")
    )
    # Only a case whose measures are final may have its outcome published.
    measure = next((m for m in candidates if m.case is not None and not measures_not_final(m.case)), None)
    if measure is None or measure.case is None:
        return
    where = measure.officer.unit.name if measure.officer.unit else "the county"
    outcome = outcome_draft(
        actor=investigator,
        case=measure.case,
        title=f"An officer of {where} suspended",
        text=(
            f"After a sustained finding of bribery in grain, an officer of {where} was suspended from duty "
            "for three months. The committee's inquiry continues."
        ),
    )
    outcome_publish(
        actor=head, outcome=outcome, checklist=["no_complainant", "no_small_group", "decided", "notified"]
    )
