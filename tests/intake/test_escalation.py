"""A complaint nobody acts on climbs one level per missed deadline, by command or by the worker;
many voices about one officer climb before any deadline."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from ombud.audit.models import AuditEntry
from ombud.audit.selectors import audit_verify
from ombud.intake.models import Complaint, ComplaintEvent
from ombud.intake.services import complaint_acknowledge, complaint_file, complaints_escalate_due, many_voices_due
from tests.intake.conftest import Force, complaint_about


def _later(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def test_an_unacknowledged_complaint_climbs_one_level_after_its_deadline(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    report = complaints_escalate_due(as_of=_later(force.body_a.ack_days + 1))
    complaint = Complaint.objects.get(pk=filed.complaint.pk)
    assert report.escalated == [complaint.pk]
    assert complaint.routed_to == force.provincial
    assert complaint.escalations == 1
    event = complaint.events.get(kind=ComplaintEvent.Kind.ESCALATED)
    assert event.body == force.provincial and "Not acknowledged in time" in event.note


def test_a_complaint_within_its_deadlines_stays(force: Force) -> None:
    complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert complaints_escalate_due(as_of=_later(1)).escalated == []


def test_an_acknowledged_complaint_without_action_climbs_after_the_action_deadline(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    complaint_acknowledge(actor=None, complaint=filed.complaint)
    assert complaints_escalate_due(as_of=_later(force.body_a.ack_days + 1)).escalated == []
    report = complaints_escalate_due(as_of=_later(force.body_a.action_days + 1))
    assert report.escalated == [filed.complaint.pk]
    assert Complaint.objects.get(pk=filed.complaint.pk).routing_reason["why"] == "action_deadline"


def test_each_run_climbs_one_level_until_the_top(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    bodies = []
    for step in range(1, 4):
        complaints_escalate_due(as_of=_later(100 * step))
        bodies.append(Complaint.objects.get(pk=filed.complaint.pk).routed_to)
    assert bodies == [force.provincial, force.national, force.national]
    assert complaints_escalate_due(as_of=_later(500)).at_top == [filed.complaint.pk]


def test_the_command_escalates_writes_audit_entries_and_the_chain_holds(force: Force) -> None:
    complaint_file(actor=None, data=complaint_about(force.grain_officer))
    complaint_file(actor=None, data=complaint_about(force.a2_officer))
    out = io.StringIO()
    call_command(
        "escalate", "--as-of", (timezone.localdate() + dt.timedelta(days=3 * 365)).isoformat(), stdout=out
    )
    assert "2 complaints escalated" in out.getvalue()
    assert AuditEntry.objects.filter(action="complaint.escalate").count() == 2
    assert audit_verify().ok


def test_three_distinct_complainants_send_complaints_up_before_any_deadline(force: Force) -> None:
    for person in ("Kim A", "Kim B", "Kim C"):
        complaint_file(actor=None, data=complaint_about(force.grain_officer, anonymous=False, name=person))
    assert len(many_voices_due(as_of=timezone.now())) == 3
    report = complaints_escalate_due(as_of=timezone.now())
    assert len(report.escalated) == 3
    assert set(Complaint.objects.values_list("routed_to", flat=True)) == {force.provincial.pk}
    assert set(Complaint.objects.values_list("routing_reason__why", flat=True)) == {"many_voices"}


def test_one_person_complaining_three_times_is_one_voice(force: Force) -> None:
    for _ in range(3):
        complaint_file(
            actor=None, data=complaint_about(force.grain_officer, anonymous=False, name="Kim A", contact="1")
        )
    assert many_voices_due(as_of=timezone.now()) == []


# The worker closes and reopens connections between tasks, as in production: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_daily_escalation(reference_data: None, force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    Complaint.objects.filter(pk=filed.complaint.pk).update(
        ack_due_at=timezone.now() - dt.timedelta(days=1), action_due_at=timezone.now() - dt.timedelta(days=1)
    )
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Complaint.objects.get(pk=filed.complaint.pk).routed_to == force.provincial


def test_the_new_body_s_members_are_told_by_mail_without_the_content(
    force: Force,
    make_member,
    mailoutbox,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    member = make_member(force.provincial)
    member.email = "inspector@example.org"
    member.save(update_fields=["email"])
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    with django_capture_on_commit_callbacks(execute=True):
        complaints_escalate_due(as_of=_later(force.body_a.ack_days + 1))
    assert [m.to for m in mailoutbox] == [["inspector@example.org"]]
    assert filed.complaint.reference in mailoutbox[0].subject
    assert "grain" not in mailoutbox[0].body
