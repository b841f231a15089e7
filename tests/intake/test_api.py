"""The intake API as a complainant's phone and a body's staff use it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from ombud.accounts.models import Role
from ombud.audit.models import AuditEntry
from ombud.intake.models import Complainant, Complaint
from tests.intake.conftest import Force

NAME, PHONE = "Qorvath Zindelmeyer", "+850-19-7731-4482"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def _file(api: APIClient, **body: object) -> tuple[int, dict[str, object]]:
    response = api.post("/api/v1/public/complaints/", body, format="json")
    return response.status_code, response.json()


def test_a_filing_sent_as_a_form_is_refused_not_filed_without_its_subjects(api: APIClient, force: Force) -> None:
    form = {"description": "He took two sacks of grain.", "subjects": "abc"}
    response = api.post("/api/v1/public/complaints/", form)  # multipart, as a browser form would
    assert response.status_code == 415
    assert api.post("/api/v1/public/complaints/", form, format="json").status_code == 400
    assert not Complaint.objects.exists()


def test_the_public_can_find_an_officer_by_name_or_badge(api: APIClient, force: Force) -> None:
    by_name = api.get("/api/v1/public/officers/", {"q": "kang"}).json()["results"]
    by_badge = api.get("/api/v1/public/officers/", {"q": "A1-001"}).json()["results"]
    assert [o["id"] for o in by_name] == [force.grain_officer.pk] == [o["id"] for o in by_badge]
    assert by_name[0]["station"] == "Musan East Station"


def test_the_public_can_find_a_place(api: APIClient, force: Force) -> None:
    found = api.get("/api/v1/public/places/", {"q": "songhak"}).json()["results"]
    assert [p["id"] for p in found] == [force.village_a1.pk]


def test_a_named_complaint_gets_a_receipt_that_opens_its_status(api: APIClient, force: Force) -> None:
    code, made = _file(
        api,
        description="He took grain.",
        subjects=[{"officer": force.grain_officer.pk}],
        categories=["bribery"],
        anonymous=False,
        name=NAME,
        contact=PHONE,
    )
    assert code == 201 and made["status"] == "received"
    status = api.post("/api/v1/public/complaints/status/", {"receipt": made["receipt"]}, format="json")
    assert status.status_code == 200
    data = status.json()
    assert data["reference"] == made["reference"]
    assert [h["kind"] for h in data["history"]] == ["filed", "routed"]
    assert NAME not in status.content.decode()


def test_a_wrong_receipt_gets_404_like_any_other(api: APIClient, force: Force) -> None:
    for receipt in ("0000-0000-0000-0000-0000", "garbage", "7KQ2-9XMD-AAAA-BBBB-CCCC"):
        response = api.post("/api/v1/public/complaints/status/", {"receipt": receipt}, format="json")
        assert response.status_code == 404
        assert response.json() == {"detail": "No complaint matches this receipt."}


def test_invalid_input_gets_errors_per_field_and_stores_nothing(api: APIClient, force: Force) -> None:
    code, errors = _file(
        api, description="", subjects=[{"officer": 999999}], categories=["nonsense"], occurred_on="yesterday"
    )
    assert code == 400
    assert {"description", "subjects", "categories", "occurred_on"} <= set(errors)
    assert Complaint.objects.count() == 0


def test_an_idempotency_key_files_one_complaint(api: APIClient, force: Force) -> None:
    body = {"description": "He took grain.", "subjects": [{"officer": force.grain_officer.pk}]}
    first = api.post(
        "/api/v1/public/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-0123456789abcdef"
    )
    second = api.post(
        "/api/v1/public/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-0123456789abcdef"
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["receipt"] == second.json()["receipt"]
    assert Complaint.objects.count() == 1


def test_a_key_and_the_text_do_not_give_the_receipt_to_someone_else(api: APIClient, force: Force) -> None:
    # Staff read a complaint's text; with its key, they must not be able to take its receipt.
    body = {"description": "He took grain.", "subjects": [{"officer": force.grain_officer.pk}]}
    key = "kiosk-0001-0000042"
    named = {**body, "anonymous": False, "name": NAME, "contact": PHONE}
    first = api.post("/api/v1/public/complaints/", named, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    for other in ({**body, "anonymous": True}, {**named, "name": "Someone Else"}):
        again = api.post("/api/v1/public/complaints/", other, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert again.status_code == 400, again.content
        assert "receipt" not in again.json() and "idempotency_key" in again.json()
    assert Complaint.objects.count() == 1


def test_a_retry_gets_the_receipt_back_for_a_day_only(api: APIClient, force: Force) -> None:
    body = {"description": "He took grain.", "subjects": [{"officer": force.grain_officer.pk}]}
    key = "retry-0123456789abcdef"
    first = api.post("/api/v1/public/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    assert AuditEntry.objects.filter(action="complaint.file.repeat").count() == 0
    api.post("/api/v1/public/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert AuditEntry.objects.filter(action="complaint.file.repeat").count() == 1
    Complaint.objects.update(received_at=timezone.now() - dt.timedelta(hours=25))
    late = api.post("/api/v1/public/complaints/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert late.status_code == 400 and "receipt" not in late.json()
    assert Complaint.objects.count() == 1


def test_a_client_cannot_pose_as_many_with_x_forwarded_for(api: APIClient, force: Force) -> None:
    codes = [
        api.post(
            "/api/v1/public/complaints/status/",
            {"receipt": f"{i:04d}-1111-2222-3333-4444"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.{i // 250}.{i % 250}",
        ).status_code
        for i in range(40)
    ]
    assert 429 in codes, codes


def test_guessing_receipts_meets_429_with_retry_after(api: APIClient, force: Force) -> None:
    codes = [
        api.post("/api/v1/public/complaints/status/", {"receipt": f"{i:04d}-1111-2222-3333-4444"}, format="json")
        for i in range(40)
    ]
    throttled = [r for r in codes if r.status_code == 429]
    assert throttled, "40 guesses in a row were never throttled"
    assert int(throttled[0]["Retry-After"]) > 0
    assert api.get("/api/v1/public/places/", {"q": "song"}).status_code == 200


def test_a_complainant_answers_a_message_through_the_receipt(api: APIClient, force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    _, made = _file(api, description="He took grain.", subjects=[{"officer": force.grain_officer.pk}])
    investigator = make_member(force.body_a)
    staff = APIClient()
    staff.force_authenticate(investigator)
    complaint = Complaint.objects.get()
    asked = staff.post(f"/api/v1/complaints/{complaint.pk}/messages/", {"message": "Which mill?"}, format="json")
    assert asked.status_code == 201
    answered = api.post(
        "/api/v1/public/complaints/messages/",
        {"receipt": made["receipt"], "message": "The east mill."},
        format="json",
    )
    assert answered.status_code == 201
    messages = answered.json()["messages"]
    assert [(m["from"], m["body"]) for m in messages] == [
        ("investigator", "Which mill?"),
        ("you", "The east mill."),
    ]


def test_staff_see_their_inbox_and_the_routing_reason(api: APIClient, force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    _file(api, description="He took grain.", subjects=[{"officer": force.grain_officer.pk}])
    investigator = make_member(force.body_a)
    outsider = make_member(force.body_b)
    staff = APIClient()
    staff.force_authenticate(investigator)
    inbox = staff.get("/api/v1/complaints/").json()["results"]
    assert len(inbox) == 1 and inbox[0]["routed_to"] == "Musan County Committee"
    detail = staff.get(f"/api/v1/complaints/{inbox[0]['id']}/").json()
    assert detail["routing_reason"]["rule"] == "nearest_unconflicted"
    assert any("nearest body without conflict" in line for line in detail["routing_reason_text"])
    staff.force_authenticate(outsider)
    assert staff.get("/api/v1/complaints/").json()["results"] == []
    assert staff.get(f"/api/v1/complaints/{inbox[0]['id']}/").status_code == 404


def test_staff_endpoints_need_a_token_and_accept_one(api: APIClient, force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    assert api.get("/api/v1/complaints/").status_code in (401, 403)
    user = make_member(force.body_a)
    out = io.StringIO()
    call_command("token", "create", user.username, stdout=out)
    token = out.getvalue().strip()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/complaints/").status_code == 200


def test_a_clerk_enters_a_paper_complaint_and_gets_a_receipt_to_print(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    clerk = make_member(force.body_a, role=Role.INTAKE_CLERK)
    staff = APIClient()
    staff.force_authenticate(clerk)
    response = staff.post(
        "/api/v1/complaints/",
        {
            "description": "Letter: grain hidden.",
            "channel": "letter",
            "anonymous": False,
            "name": NAME,
            "subjects": [{"officer": force.grain_officer.pk}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    assert complaint.channel == "letter" and response.json()["receipt"]
    assert Complainant.objects.get().anonymous is False


@pytest.mark.parametrize("body", ["null", "[]", '"a letter"', "7"])
def test_a_clerk_s_entry_that_is_not_a_json_object_is_refused_and_nothing_is_filed(
    force: Force,
    make_member,  # type: ignore[no-untyped-def]
    body: str,
) -> None:
    staff = APIClient()
    staff.force_authenticate(make_member(force.body_a, role=Role.INTAKE_CLERK))
    response = staff.post("/api/v1/complaints/", body, content_type="application/json")
    assert response.status_code == 400 and response.json()
    assert not Complaint.objects.exists()


def _named_about(force: Force) -> dict[str, object]:
    return {
        "description": "He took grain.",
        "subjects": [{"officer": force.grain_officer.pk}],
        "anonymous": False,
        "name": NAME,
    }


def test_revealing_a_named_complainant_takes_a_reason(api: APIClient, force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    _file(api, **_named_about(force))
    head = make_member(force.body_a, role=Role.BODY_HEAD)
    staff = APIClient()
    staff.force_authenticate(head)
    complaint = Complaint.objects.get()
    assert (
        staff.post(f"/api/v1/complaints/{complaint.pk}/identity/", {"reason": ""}, format="json").status_code
        == 400
    )
    shown = staff.post(
        f"/api/v1/complaints/{complaint.pk}/identity/", {"reason": "To take a witness statement"}, format="json"
    )
    assert shown.json()["name"] == NAME
    assert "no-store" in shown["Cache-Control"]


def test_an_intake_clerk_cannot_see_who_complained(api: APIClient, force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    _file(api, **_named_about(force))
    complaint = Complaint.objects.get()
    clerk = APIClient()
    clerk.force_authenticate(make_member(force.body_a, role=Role.INTAKE_CLERK))
    assert clerk.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200
    refused = clerk.post(
        f"/api/v1/complaints/{complaint.pk}/identity/", {"reason": "To take a witness statement"}, format="json"
    )
    assert refused.status_code == 403 and NAME not in refused.content.decode()
    assert not AuditEntry.objects.filter(action="complainant.identity.view").exists()
    # An investigator of a body above the one handling it may (the gate lets him read the complaint).
    above = APIClient()
    above.force_authenticate(make_member(force.provincial))
    shown = above.post(
        f"/api/v1/complaints/{complaint.pk}/identity/", {"reason": "To take a witness statement"}, format="json"
    )
    assert shown.json()["name"] == NAME


def test_the_openapi_schema_describes_the_intake_endpoints(api: APIClient, db: None) -> None:
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/public/complaints/", "/api/v1/public/complaints/status/", "/api/v1/complaints/{id}/"} <= set(
        paths
    )


def test_answers_that_hold_a_receipt_or_what_it_opens_are_never_cached(api: APIClient, force: Force) -> None:
    filed = api.post(
        "/api/v1/public/complaints/",
        {"description": "He took grain.", "subjects": [{"officer": force.grain_officer.pk}]},
        format="json",
    )
    assert filed.status_code == 201 and "no-store" in filed["Cache-Control"]
    status = api.post("/api/v1/public/complaints/status/", {"receipt": filed.json()["receipt"]}, format="json")
    assert status.status_code == 200 and "no-store" in status["Cache-Control"]


def test_a_complaint_naming_an_officer_twice_is_one_row_of_the_inbox(
    api: APIClient, force: Force, make_member
) -> None:  # type: ignore[no-untyped-def]
    officer = {"officer": force.grain_officer.pk}
    _file(api, description="He took grain, and again.", subjects=[officer, officer])
    staff = APIClient()
    staff.force_authenticate(make_member(force.body_a))
    inbox = staff.get("/api/v1/complaints/", {"officer": force.grain_officer.pk}).json()
    assert inbox["count"] == 1 and len(inbox["results"]) == 1


def test_the_schema_names_the_search_and_inbox_filters(api: APIClient, db: None) -> None:
    paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]

    def names(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"].get("parameters", [])}

    assert "q" in names("/api/v1/public/officers/") and "q" in names("/api/v1/public/places/")
    assert {"status", "overdue", "q", "body", "officer"} <= names("/api/v1/complaints/")


def test_an_address_under_the_api_that_matches_nothing_answers_json(api: APIClient, db: None) -> None:
    for path in ("/api/v1/risk/evaluations/abc/", "/api/v1/nothing-here/"):
        response = api.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}


def test_staff_read_a_complaints_history_messages_and_files_through_the_api(
    api: APIClient,
    force: Force,
    make_member,  # type: ignore[no-untyped-def]
) -> None:
    from ombud.intake.services import complainant_message, staff_message

    filed = api.post(
        "/api/v1/public/complaints/",
        {"description": "He took grain.", "subjects": [{"officer": force.grain_officer.pk}]},
        format="json",
    )
    complaint = Complaint.objects.get(reference=filed.json()["reference"])
    staff_user = make_member(force.body_a)
    staff_message(actor=staff_user, complaint=complaint, text="Which day was it?")
    complainant_message(complaint=complaint, text="Market day.")
    from ombud.intake.services import UploadInput, complainant_add_files

    complainant_add_files(complaint=complaint, files=[UploadInput("ledger.txt", b"3 sacks, May 1")])
    staff = APIClient()
    staff.force_authenticate(staff_user)
    detail = staff.get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert [h["kind"] for h in detail["history"]][:2] == ["filed", "routed"]
    assert [(m["from"], m["body"]) for m in detail["messages"]] == [
        (staff_user.get_username(), "Which day was it?"),
        ("complainant", "Market day."),
    ]
    (stored,) = detail["files"]
    download = staff.get(stored["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"3 sacks, May 1"
    assert AuditEntry.objects.filter(action="complaint.file.download").count() == 1
    other = APIClient()
    other.force_authenticate(make_member(force.body_b))
    assert other.get(stored["download"]).status_code == 404
