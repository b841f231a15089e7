"""A complaint no case is opened for: closed by a head of its body with a reason the complainant
reads (and may have reviewed above), or referred up to the body above; never buried unseen."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ombud.accounts.models import Role
from ombud.audit.models import AuditEntry
from ombud.cases.services import case_open
from ombud.intake.models import Complaint, ComplaintEvent
from ombud.intake.selectors import complaint_status_data
from ombud.intake.services import (
    CLOSING_REASONS,
    complaint_close,
    complaint_file,
    complaint_refer_up,
    complaint_review_request,
)
from tests.intake.conftest import Force, complaint_about

pytestmark = pytest.mark.django_db

WHY = "The ledger you describe is the farm's, not the station's: we passed it to the county audit."


def filed(force: Force) -> Complaint:
    return complaint_file(actor=None, data=complaint_about(force.grain_officer)).complaint


def test_a_head_closes_a_complaint_without_a_case_and_the_complainant_reads_why(
    force: Force, make_member: Any
) -> None:
    complaint = filed(force)
    head = make_member(force.body_a, Role.BODY_HEAD)
    closed = complaint_close(actor=head, complaint=complaint, reason="outside_remit", explanation=WHY)
    assert (closed.status, closed.closed_at is not None) == ("closed", True)
    status = complaint_status_data(closed)
    assert status["history"][-1]["kind"] == "closed"
    assert status["history"][-1]["note"] == str(CLOSING_REASONS["outside_remit"])
    assert [m["body"] for m in status["messages"]] == [WHY] and status["review_until"] is not None
    entry = AuditEntry.objects.get(action="complaint.close", object_id=str(complaint.pk))
    assert "outside_remit" in entry.payload and "ledger" not in entry.payload
    # The body does not have the last word: the complainant takes it to the body above.
    reviewed = complaint_review_request(complaint=closed, reason="The ledger is the station's own.")
    assert (reviewed.status, reviewed.routed_to) == ("received", force.provincial)


def test_the_reason_reads_in_the_complainant_s_language_not_the_head_s(force: Force, make_member: Any) -> None:
    from django.utils import translation

    complaint = filed(force)
    with translation.override("en"):
        complaint_close(
            actor=make_member(force.body_a, Role.BODY_HEAD),
            complaint=complaint,
            reason="withdrawn",
            explanation=WHY,
        )
    with translation.override("ko"):
        note = complaint_status_data(complaint)["history"][-1]["note"]
    assert note == "진정인이 진정을 취하했습니다."


def test_closing_or_referring_one_complaint_does_not_silence_the_other_voices(
    force: Force, make_member: Any
) -> None:
    from django.utils import timezone

    from ombud.intake.services import many_voices_due

    three = [
        complaint_file(
            actor=None, data=complaint_about(force.grain_officer, anonymous=False, name=name, contact="")
        ).complaint
        for name in ("Kim Ok", "Ri Chol", "Pak Sun")
    ]
    complaint_close(
        actor=make_member(force.body_a, Role.BODY_HEAD), complaint=three[0], reason="duplicate", explanation=WHY
    )
    complaint_refer_up(actor=make_member(force.body_a), complaint=three[1])
    # Three people complained: the one still waiting goes up, the closed and the referred count.
    assert many_voices_due(as_of=timezone.now()) == [three[2].pk]


def test_a_complaint_closed_after_it_was_found_due_is_not_moved(force: Force, make_member: Any) -> None:
    from django.utils import timezone

    from ombud.intake.services import complaint_escalate

    complaint = filed(force)
    stale = Complaint.objects.get(pk=complaint.pk)
    complaint_close(
        actor=make_member(force.body_a, Role.BODY_HEAD), complaint=complaint, reason="duplicate", explanation=WHY
    )
    assert complaint_escalate(actor=None, complaint=stale, why="action_deadline", as_of=timezone.now()) is None
    with pytest.raises(ValidationError, match="closed complaint"):
        complaint_refer_up(actor=make_member(force.body_a), complaint=stale)
    after = Complaint.objects.get(pk=complaint.pk)
    assert (after.status, after.routed_to, after.escalations) == ("closed", force.body_a, 0)


def test_only_a_head_of_its_body_closes_it_and_only_with_a_reason(force: Force, make_member: Any) -> None:
    complaint = filed(force)
    for role in (Role.INVESTIGATOR, Role.INTAKE_CLERK):
        with pytest.raises(PermissionDenied):
            complaint_close(
                actor=make_member(force.body_a, role), complaint=complaint, reason="duplicate", explanation=WHY
            )
    with pytest.raises(PermissionDenied):  # a head of another body, the one above included
        complaint_close(
            actor=make_member(force.provincial, Role.BODY_HEAD),
            complaint=complaint,
            reason="duplicate",
            explanation=WHY,
        )
    head = make_member(force.body_a, Role.BODY_HEAD)
    with pytest.raises(ValidationError, match="reasons for closing"):
        complaint_close(actor=head, complaint=complaint, reason="bored", explanation=WHY)
    with pytest.raises(ValidationError, match="why"):
        complaint_close(actor=head, complaint=complaint, reason="duplicate", explanation="No.")
    complaint.refresh_from_db()
    assert complaint.status == "received" and not complaint.messages.exists()
    assert not AuditEntry.objects.filter(action="complaint.close").exists()


def test_a_complaint_a_case_holds_closes_with_the_case_not_alone(force: Force, make_member: Any) -> None:
    complaint = filed(force)
    head = make_member(force.body_a, Role.BODY_HEAD)
    case_open(actor=head, body=force.body_a, title="Grain", complaints=[complaint])
    with pytest.raises(ValidationError, match="closes with the case"):
        complaint_close(actor=head, complaint=complaint, reason="duplicate", explanation=WHY)
    with pytest.raises(ValidationError, match="goes where the case goes"):
        complaint_refer_up(actor=head, complaint=complaint)


def test_its_body_refers_a_complaint_up_never_sideways(force: Force, make_member: Any) -> None:
    complaint = filed(force)
    with pytest.raises(PermissionDenied):
        complaint_refer_up(actor=make_member(force.body_a, Role.INTAKE_CLERK), complaint=complaint)
    referred = complaint_refer_up(actor=make_member(force.body_a), complaint=complaint)
    assert (referred.routed_to, referred.escalations, referred.status) == (force.provincial, 1, "received")
    event = referred.events.get(kind=ComplaintEvent.Kind.ESCALATED)
    assert event.body == force.provincial and "referred" in event.note
    # Up again to the top, and nothing above it.
    top = complaint_refer_up(actor=make_member(force.provincial), complaint=referred)
    assert top.routed_to == force.national
    with pytest.raises(ValidationError, match="highest body"):
        complaint_refer_up(actor=make_member(force.national), complaint=top)


def test_the_page_and_the_api_close_and_refer(force: Force, make_member: Any) -> None:
    complaint, other = filed(force), filed(force)
    page = reverse("complaint_detail", args=[complaint.pk])
    clerk, head = Client(), Client()
    clerk.force_login(make_member(force.body_a, Role.INTAKE_CLERK))
    head.force_login(make_member(force.body_a, Role.BODY_HEAD))
    assert 'id="close-form"' not in clerk.get(page).content.decode()
    shown = head.get(page).content.decode()
    assert 'id="close-form"' in shown and 'id="refer-form"' in shown
    refused = head.post(
        reverse("complaint_close", args=[complaint.pk]), {"reason": "duplicate", "explanation": "no"}
    )
    assert refused.status_code == 400 and Complaint.objects.get(pk=complaint.pk).status == "received"
    closed = head.post(
        reverse("complaint_close", args=[complaint.pk]), {"reason": "duplicate", "explanation": WHY}
    )
    assert closed.status_code == 302 and Complaint.objects.get(pk=complaint.pk).status == "closed"
    assert 'id="close-form"' not in head.get(page).content.decode()

    api = reverse("api-complaint-close", args=[other.pk])
    assert (
        clerk.post(api, {"reason": "withdrawn", "explanation": WHY}, content_type="application/json").status_code
        == 403
    )
    assert (
        head.post(api, {"reason": "bored", "explanation": WHY}, content_type="application/json").status_code == 400
    )
    answer = head.post(reverse("api-complaint-refer", args=[other.pk]))
    assert answer.status_code == 200 and answer.json() == {
        "reference": other.reference,
        "routed_to": force.provincial.name,
    }
