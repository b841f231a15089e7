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


# -- the complainant's review -----------------------------------------------------------------------------


def _closed(force: Force, days_ago: int = 1) -> tuple[Complaint, str]:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    closed_at = timezone.now() - dt.timedelta(days=days_ago)
    Complaint.objects.filter(pk=filed.complaint.pk).update(
        status=Complaint.Status.CLOSED, received_at=closed_at - dt.timedelta(days=30), closed_at=closed_at
    )
    return Complaint.objects.get(pk=filed.complaint.pk), filed.receipt


def test_a_complainant_takes_a_closed_complaint_to_the_body_above_once_per_closing(force: Force) -> None:
    from django.core.exceptions import ValidationError

    from ombud.intake.services import complaint_review_request

    open_one = complaint_file(actor=None, data=complaint_about(force.grain_officer)).complaint
    with pytest.raises(ValidationError, match="once the complaint is closed"):
        complaint_review_request(complaint=open_one, reason="They did nothing about the grain.")
    complaint, _receipt = _closed(force)
    with pytest.raises(ValidationError):
        complaint_review_request(complaint=complaint, reason="why")
    reviewed = complaint_review_request(complaint=complaint, reason="The witnesses were never heard.")
    assert (reviewed.status, reviewed.routed_to, reviewed.closed_at) == ("received", force.provincial, None)
    assert reviewed.messages.get().body == "The witnesses were never heard."
    assert "review" in reviewed.events.get(kind=ComplaintEvent.Kind.ESCALATED).note
    assert AuditEntry.objects.filter(action="complaint.review_request", object_id=str(complaint.pk)).count() == 1
    with pytest.raises(ValidationError, match="once the complaint is closed"):
        complaint_review_request(complaint=reviewed, reason="Again, and again.")


def test_a_review_is_asked_for_in_time_and_not_above_the_top(force: Force, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from ombud.intake.services import complaint_review_request

    late, _receipt = _closed(force, days_ago=settings.OMBUD_REVIEW_DAYS + 1)
    with pytest.raises(ValidationError, match="time to ask for a review has ended"):
        complaint_review_request(complaint=late, reason="The witnesses were never heard.")
    assert Complaint.objects.get(pk=late.pk).status == Complaint.Status.CLOSED
    top, _receipt = _closed(force)
    Complaint.objects.filter(pk=top.pk).update(routed_to=force.national)
    with pytest.raises(ValidationError, match="highest body"):
        complaint_review_request(
            complaint=Complaint.objects.get(pk=top.pk), reason="The witnesses were never heard."
        )
    assert Complaint.objects.get(pk=top.pk).status == Complaint.Status.CLOSED


def test_the_status_page_and_the_api_offer_the_review_while_it_may_be_asked_for(force: Force) -> None:
    from django.test import Client
    from django.urls import reverse
    from rest_framework.test import APIClient

    complaint, receipt = _closed(force)
    client = Client()
    page = client.post(reverse("report_status"), {"receipt": receipt}).content.decode()
    assert 'id="review"' in page
    refused = client.post(reverse("report_status"), {"receipt": receipt, "action": "review", "reason": "no"})
    assert refused.status_code == 400 and Complaint.objects.get(pk=complaint.pk).status == "closed"
    sent = client.post(
        reverse("report_status"),
        {"receipt": receipt, "action": "review", "reason": "The witnesses were never heard."},
    )
    assert sent.status_code == 200 and 'id="review"' not in sent.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).routed_to == force.provincial
    _other, other_receipt = _closed(force)
    api = APIClient()
    answer = api.post(
        "/api/v1/public/complaints/review/",
        {"receipt": other_receipt, "reason": "The witnesses were never heard."},
        format="json",
    )
    assert (
        answer.status_code == 200
        and answer.json()["status"] == "received"
        and answer.json()["review_until"] is None
    )
    assert (
        api.post(
            "/api/v1/public/complaints/review/",
            {"receipt": other_receipt, "reason": "Once more, please."},
            format="json",
        ).status_code
        == 400
    )
