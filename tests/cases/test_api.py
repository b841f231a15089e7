"""The casework API as an investigator, a body head and the accused officer use it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from ombud.accounts.models import User
from ombud.audit.models import AuditEntry
from ombud.cases.models import Allegation, Case, CustodyEntry, EvidenceItem
from ombud.cases.packages import package_verify
from ombud.cases.services import allegation_add, case_open, evidence_add, finding_decide, finding_propose
from ombud.core.files import blob_path
from ombud.discipline.services import measure_propose, measures_apply
from ombud.intake.models import Category
from ombud.intake.services import complaint_file
from ombud.org.models import Officer
from tests.cases.conftest import Casework, proposed_warning
from tests.conftest import in_language
from tests.intake.conftest import complaint_about

NAME, PHONE = "Qorvath Zindelmeyer", "+850-19-7731-4482"
SECRET_TEXT = "Seven sacks went through the back door of the Songhak granary at midnight"
LEDGER = b"Grain ledger, Songhak farm, 2026: 2 sacks to the station officer.\n"
DUE = str(timezone.localdate() + dt.timedelta(days=9))


def client_for(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def upload(api: APIClient, case: Case, data: bytes = LEDGER, name: str = "ledger.txt", **fields: Any) -> Any:
    body = {"file": SimpleUploadedFile(name, data), "description": "The farm's grain ledger", **fields}
    return api.post(f"/api/v1/cases/{case.pk}/evidence/", body, format="multipart")


def bribery_allegation(casework: Casework) -> Allegation:
    return allegation_add(
        actor=casework.investigator,
        case=casework.case,
        category=Category.objects.get(code="bribery"),
        officer=casework.force.grain_officer,
        particulars={"goods": "grain", "value": 300},
    )


def sustained(casework: Casework) -> Allegation:
    allegation = bribery_allegation(casework)
    finding_propose(actor=casework.investigator, allegation=allegation, finding="sustained", reason="The ledger.")
    return finding_decide(actor=casework.head, allegation=allegation)


# -- cases ------------------------------------------------------------------------------------------------


def test_an_investigator_opens_a_case_from_a_complaint_routed_to_his_body(casework: Casework) -> None:
    filed = complaint_file(actor=None, data=complaint_about(casework.force.grain_officer))
    api = client_for(casework.investigator)
    response = api.post(
        "/api/v1/cases/",
        {
            "body": "CA-B",
            "title": "Second grain case",
            "summary": "Follow-up.",
            "complaints": [filed.complaint.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["complaints"] == [filed.complaint.pk]
    assert made["body"] == "CA-B" and made["lead"] == casework.investigator.username
    listed = api.get("/api/v1/cases/").json()["results"]
    assert {c["id"] for c in listed} == {casework.case.pk, made["id"]}


def test_a_complaint_out_of_reach_cannot_be_put_into_a_case(casework: Casework, make_member) -> None:  # type: ignore[no-untyped-def]
    outsider = make_member(casework.force.body_b)
    complaint = casework.case.complaints.get()
    response = client_for(outsider).post(
        "/api/v1/cases/", {"body": "CB-B", "title": "Grab", "complaints": [complaint.pk]}, format="json"
    )
    assert response.status_code == 400 and "complaints" in response.json()
    assert Case.objects.count() == 1


def test_opening_a_case_for_a_body_one_does_not_work_for_is_403(casework: Casework, make_member) -> None:  # type: ignore[no-untyped-def]
    outsider = make_member(casework.force.body_b)
    response = client_for(outsider).post("/api/v1/cases/", {"body": "CA-B", "title": "Not mine"}, format="json")
    assert response.status_code == 403
    assert Case.objects.count() == 1


def test_the_case_list_filters_by_status(casework: Casework) -> None:
    api = client_for(casework.investigator)
    assert [c["id"] for c in api.get("/api/v1/cases/", {"status": "open"}).json()["results"]] == [casework.case.pk]
    assert api.get("/api/v1/cases/", {"status": "closed"}).json()["results"] == []


def test_the_case_detail_carries_allegations_evidence_measures_notes_and_tasks(casework: Casework) -> None:
    api = client_for(casework.investigator)
    allegation = sustained(casework)
    assert upload(api, casework.case).status_code == 201
    assert (
        api.post(
            f"/api/v1/cases/{casework.case.pk}/notes/", {"kind": "interview", "text": "Heard the farm manager."}
        ).status_code
        == 201
    )
    task = api.post(f"/api/v1/cases/{casework.case.pk}/tasks/", {"title": "Weigh the store", "due_on": DUE})
    assert task.status_code == 201
    proposed = api.post(
        f"/api/v1/cases/{casework.case.pk}/measures/",
        {
            "officer": casework.force.grain_officer.pk,
            "kind": "warning",
            "reason": "Grain.",
            "allegation": allegation.pk,
        },
        format="json",
    )
    assert proposed.status_code == 201, proposed.json()
    detail = api.get(f"/api/v1/cases/{casework.case.pk}/").json()
    assert [a["id"] for a in detail["allegations"]] == [allegation.pk]
    assert detail["allegations"][0]["finding"] == "sustained"
    assert detail["allegations"][0]["particulars"] == {"goods": "grain", "value": 300}
    assert (
        detail["evidence"]["count"] == 1
        and detail["evidence"]["items"][0]["sha256"] == hashlib.sha256(LEDGER).hexdigest()
    )
    assert [m["kind"] for m in detail["measures"]] == ["warning"]
    assert [n["kind"] for n in detail["notes"]] == ["interview"]
    assert [t["title"] for t in detail["tasks"]] == ["Weigh the store"]
    assert detail["open_tasks"][0]["due_on"] == DUE


def test_a_bribery_allegation_says_what_was_given(casework: Casework) -> None:
    api = client_for(casework.investigator)
    url = f"/api/v1/cases/{casework.case.pk}/allegations/"
    body: dict[str, Any] = {"officer": casework.force.grain_officer.pk, "category": "bribery"}
    missing = api.post(url, body, format="json")
    assert missing.status_code == 400 and "particulars" in missing.json()
    made = api.post(
        url,
        {**body, "particulars": {"goods": "liquor", "value": "45.50"}, "occurred_on": "2026-05-01"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["particulars"] == {"goods": "liquor", "value": 45.5}
    assert Allegation.objects.count() == 1


def test_an_allegation_names_one_subject(casework: Casework) -> None:
    response = client_for(casework.investigator).post(
        f"/api/v1/cases/{casework.case.pk}/allegations/", {"category": "collusion"}, format="json"
    )
    assert response.status_code == 400 and "subject" in response.json()


# -- findings ---------------------------------------------------------------------------------------------


def test_a_finding_is_proposed_by_one_person_and_decided_by_another(casework: Casework) -> None:
    allegation = bribery_allegation(casework)
    propose = client_for(casework.head).post(
        f"/api/v1/allegations/{allegation.pk}/propose-finding/",
        {"finding": "sustained", "reason": "The ledger and two witnesses."},
        format="json",
    )
    assert propose.status_code == 200 and propose.json()["proposed_finding"] == "sustained"
    by_proposer = client_for(casework.head).post(
        f"/api/v1/allegations/{allegation.pk}/decide-finding/", {}, format="json"
    )
    assert by_proposer.status_code == 403
    assert "four eyes" in by_proposer.json()["detail"]
    by_investigator = client_for(casework.investigator).post(
        f"/api/v1/allegations/{allegation.pk}/decide-finding/", {}, format="json"
    )
    assert by_investigator.status_code == 403
    allegation.refresh_from_db()
    assert allegation.finding == ""
    decided = client_for(casework.deputy_head).post(
        f"/api/v1/allegations/{allegation.pk}/decide-finding/", {}, format="json"
    )
    assert decided.status_code == 200
    assert (
        decided.json()["finding"] == "sustained" and decided.json()["decided_by"] == casework.deputy_head.username
    )


def test_deciding_before_a_proposal_is_refused_with_a_message(casework: Casework) -> None:
    allegation = bribery_allegation(casework)
    response = client_for(casework.head).post(
        f"/api/v1/allegations/{allegation.pk}/decide-finding/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["No finding has been proposed yet."]}


# -- evidence ---------------------------------------------------------------------------------------------


def test_evidence_is_uploaded_listed_and_downloaded_with_a_custody_entry(casework: Casework) -> None:
    api = client_for(casework.investigator)
    made = upload(api, casework.case, received_from="the farm's bookkeeper")
    assert made.status_code == 201, made.json()
    item = made.json()
    assert item["sha256"] == hashlib.sha256(LEDGER).hexdigest() and item["size"] == len(LEDGER)
    assert [c["action"] for c in item["custody"]] == ["received"]
    listed = api.get(f"/api/v1/cases/{casework.case.pk}/evidence/").json()
    assert (listed["count"], [i["id"] for i in listed["results"]]) == (1, [item["id"]])
    download = client_for(casework.head).get(f"/api/v1/evidence/{item['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == LEDGER  # type: ignore[attr-defined]
    assert download["X-Content-SHA256"] == item["sha256"]
    entries = list(CustodyEntry.objects.filter(item_id=item["id"]).values_list("action", "actor"))
    assert entries == [("received", casework.investigator.pk), ("downloaded", casework.head.pk)]


def test_a_correction_supersedes_an_item_and_both_are_kept(casework: Casework) -> None:
    api = client_for(casework.investigator)
    first = upload(api, casework.case).json()
    corrected = upload(api, casework.case, data=LEDGER + b"Corrected page 2.\n", supersedes=first["id"])
    assert corrected.status_code == 201 and corrected.json()["supersedes"] == first["id"]
    again = upload(api, casework.case, data=b"A third version.\n", supersedes=first["id"])
    assert again.status_code == 400 and "supersedes" in again.json()
    assert EvidenceItem.objects.count() == 2


@override_settings(OMBUD_MAX_UPLOAD_BYTES=1024)
def test_an_upload_over_the_limit_is_refused_and_nothing_is_stored(casework: Casework) -> None:
    response = upload(client_for(casework.investigator), casework.case, data=b"x" * 5000)
    assert response.status_code == 400 and "file" in response.json()
    assert not EvidenceItem.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_no_endpoint_changes_or_deletes_evidence(casework: Casework, method: str) -> None:
    api = client_for(casework.head)
    made = upload(client_for(casework.investigator), casework.case).json()
    item = EvidenceItem.objects.get(pk=made["id"])
    before = (item.sha256, item.name, item.size, item.description, item.received_from, item.case_id, item.added_at)
    custody = item.custody.count()
    urls = [
        f"/api/v1/evidence/{item.pk}/",
        f"/api/v1/evidence/{item.pk}/download/",
        f"/api/v1/evidence/{item.pk}/custody/",
        f"/api/v1/cases/{casework.case.pk}/evidence/",
    ]
    for url in urls:
        response = getattr(api, method)(url, {"description": "doctored", "file": "x"}, format="json")
        assert response.status_code == 405, url
    item.refresh_from_db()
    assert (
        item.sha256,
        item.name,
        item.size,
        item.description,
        item.received_from,
        item.case_id,
        item.added_at,
    ) == before
    assert (settings.MEDIA_ROOT / blob_path(item.sha256)).read_bytes() == LEDGER
    assert item.custody.count() == custody
    assert EvidenceItem.objects.count() == 1


def test_a_hand_over_is_a_custody_entry_and_names_the_receiver(casework: Casework) -> None:
    api = client_for(casework.investigator)
    item = upload(api, casework.case).json()
    refused = api.post(f"/api/v1/evidence/{item['id']}/custody/", {"to_party": ""}, format="json")
    assert refused.status_code == 400
    made = api.post(
        f"/api/v1/evidence/{item['id']}/custody/",
        {"from_party": "Musan County Committee", "to_party": "Provincial laboratory", "note": "for weighing"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["action"] == "transferred"
    detail = api.get(f"/api/v1/evidence/{item['id']}/").json()
    assert [(c["action"], c["to_party"]) for c in detail["custody"]] == [
        ("received", "Musan County Committee"),
        ("transferred", "Provincial laboratory"),
    ]


def test_an_investigator_of_another_body_finds_nothing(casework: Casework, make_member) -> None:  # type: ignore[no-untyped-def]
    item = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER)
    allegation = bribery_allegation(casework)
    outsider = client_for(make_member(casework.force.body_b))
    assert outsider.get("/api/v1/cases/").json()["results"] == []
    for url in [
        f"/api/v1/cases/{casework.case.pk}/",
        f"/api/v1/cases/{casework.case.pk}/evidence/",
        f"/api/v1/cases/{casework.case.pk}/package/",
        f"/api/v1/evidence/{item.pk}/",
        f"/api/v1/evidence/{item.pk}/download/",
    ]:
        assert outsider.get(url).status_code == 404, url
    assert (
        outsider.post(
            f"/api/v1/allegations/{allegation.pk}/propose-finding/", {"finding": "unfounded", "reason": "x"}
        ).status_code
        == 404
    )
    assert item.custody.count() == 1


def test_ids_no_database_could_hold_are_404(casework: Casework) -> None:
    api = client_for(casework.investigator)
    huge = 2**70
    for url in [f"/api/v1/cases/{huge}/", f"/api/v1/evidence/{huge}/", f"/api/v1/evidence/{huge}/download/"]:
        assert api.get(url).status_code == 404, url


def test_the_referral_package_downloads_and_verifies(casework: Casework) -> None:
    api = client_for(casework.investigator)
    sustained(casework)
    upload(api, casework.case)
    response = api.get(f"/api/v1/cases/{casework.case.pk}/package/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    check = package_verify(data)
    assert check.ok, check.problems
    assert check.manifest["case"]["number"] == casework.case.number
    assert CustodyEntry.objects.filter(action="packaged").count() == 1


# -- measures ---------------------------------------------------------------------------------------------


def test_a_measure_goes_through_due_process_through_the_api(casework: Casework) -> None:
    allegation = sustained(casework)
    investigator, head, deputy = (
        client_for(u) for u in (casework.investigator, casework.head, casework.deputy_head)
    )
    officer = client_for(casework.officer_user)
    today = timezone.localdate()
    url = f"/api/v1/cases/{casework.case.pk}/measures/"
    body: dict[str, Any] = {
        "officer": casework.force.grain_officer.pk,
        "kind": "suspension",
        "reason": "Took grain to look away.",
        "allegation": allegation.pk,
        "starts_on": today.isoformat(),
    }
    no_end = investigator.post(url, body, format="json")
    assert no_end.status_code == 400 and "ends_on" in no_end.json()
    made = investigator.post(url, {**body, "ends_on": (today + dt.timedelta(days=60)).isoformat()}, format="json")
    assert made.status_code == 201, made.json()
    measure_id = made.json()["id"]
    assert officer.get("/api/v1/me/measures/").json()["results"] == []  # a proposal is not his business yet

    notified = investigator.post(f"/api/v1/measures/{measure_id}/notify/", {"response_days": 10}, format="json")
    assert notified.status_code == 200 and notified.json()["state"] == "notified"
    # The officer sees his measure now, but a staff step on it is not his to take.
    assert (
        officer.post(f"/api/v1/measures/{measure_id}/decide/", {"approve": False}, format="json").status_code
        == 404
    )
    too_early = head.post(f"/api/v1/measures/{measure_id}/decide/", {"approve": True}, format="json")
    assert too_early.status_code == 400
    assert (
        investigator.post(f"/api/v1/measures/{measure_id}/respond/", {"text": "Me?"}, format="json").status_code
        == 403
    )
    responded = officer.post(
        f"/api/v1/measures/{measure_id}/respond/", {"text": "A gift for my mother."}, format="json"
    )
    assert responded.status_code == 200 and responded.json()["state"] == "responded"
    by_proposer = investigator.post(f"/api/v1/measures/{measure_id}/decide/", {"approve": True}, format="json")
    assert by_proposer.status_code == 403
    decided = head.post(
        f"/api/v1/measures/{measure_id}/decide/", {"approve": True, "text": "Upheld."}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["state"] == "decided"

    measures_apply(on=today)
    assert Officer.objects.get(pk=casework.force.grain_officer.pk).status == Officer.Status.SUSPENDED
    # Suspended: his account acts on nothing, but keeps his due process (a fresh user object, as
    # each real request loads, so his scope is computed again).
    officer = client_for(User.objects.get(pk=casework.officer_user.pk))
    assert officer.get("/api/v1/cases/").status_code == 403
    mine = officer.get("/api/v1/me/measures/").json()["results"]
    assert [m["state"] for m in mine] == ["in_force"] and mine[0]["can_appeal"] is True
    appealed = officer.post(
        f"/api/v1/me/measures/{measure_id}/appeal/", {"text": "The sacks were mine."}, format="json"
    )
    assert appealed.status_code == 200 and appealed.json()["state"] == "appealed"

    by_decider = head.post(
        f"/api/v1/measures/{measure_id}/decide-appeal/", {"uphold": False, "text": "x"}, format="json"
    )
    assert by_decider.status_code == 403
    overturned = deputy.post(
        f"/api/v1/measures/{measure_id}/decide-appeal/",
        {"uphold": False, "text": "The ledger is unreliable."},
        format="json",
    )
    assert overturned.status_code == 200 and overturned.json()["state"] == "rejected"
    assert Officer.objects.get(pk=casework.force.grain_officer.pk).status == Officer.Status.ACTIVE
    kinds = [s["kind"] for s in overturned.json()["steps"]]
    assert kinds == ["proposed", "notice", "response", "decision", "in_force", "appeal", "appeal_decision"]


def test_the_officer_sees_his_measures_but_never_the_complainant_or_the_complaint(casework: Casework) -> None:
    named = complaint_file(
        actor=None,
        data=complaint_about(
            casework.force.grain_officer, description=SECRET_TEXT, anonymous=False, name=NAME, contact=PHONE
        ),
    )
    case = case_open(
        actor=casework.investigator,
        body=casework.force.body_a,
        title="Granary at midnight",
        summary=f"Named complainant. {SECRET_TEXT}",
        complaints=[named.complaint],
    )
    allegation = allegation_add(
        actor=casework.investigator,
        case=case,
        category=Category.objects.get(code="bribery"),
        officer=casework.force.grain_officer,
        particulars={"goods": "grain", "value": 700},
    )
    finding_propose(
        actor=casework.investigator, allegation=allegation, finding="sustained", reason=f"{NAME} saw it."
    )
    finding_decide(actor=casework.head, allegation=allegation)
    evidence_add(
        actor=casework.investigator,
        case=case,
        name="granary-photo.txt",
        data=b"photo",
        description="The granary's back door",
        received_from=NAME,
    )
    investigator = client_for(casework.investigator)
    made = investigator.post(
        f"/api/v1/cases/{case.pk}/measures/",
        {
            "officer": casework.force.grain_officer.pk,
            "kind": "reprimand",
            "reason": "Grain taken.",
            "allegation": allegation.pk,
        },
        format="json",
    )
    investigator.post(f"/api/v1/measures/{made.json()['id']}/notify/", {}, format="json")

    response = client_for(casework.officer_user).get("/api/v1/me/measures/")
    assert response.status_code == 200
    [mine] = response.json()["results"]
    assert mine["kind"] == "reprimand" and mine["can_respond"] is True
    assert mine["allegations"] == [
        {
            "id": allegation.pk,
            "category": Category.objects.get(code="bribery").name,
            "category_label": Category.objects.get(code="bribery").name,
            "particulars": {"goods": "grain", "value": 700},
            "occurred_on": None,
            "finding": "sustained",
            "finding_label": "sustained",
        }
    ]
    # A file's own name may be a witness's: he reads a neutral one.
    photo = EvidenceItem.objects.get(case=case, name="granary-photo.txt")
    assert mine["evidence"][0]["name"] == f"evidence-{photo.pk}.txt"
    assert "granary-photo" not in response.content.decode()
    assert mine["evidence"][0]["description"] == "The granary's back door"
    # In Korean the label follows the reader, the category as stored does not.
    [in_korean] = (
        client_for(casework.officer_user).get("/api/v1/me/measures/", HTTP_ACCEPT_LANGUAGE="ko").json()["results"]
    )
    assert in_korean["allegations"][0]["category"] == mine["allegations"][0]["category"]
    assert in_korean["allegations"][0]["category_label"] == in_language("ko", mine["allegations"][0]["category"])
    text = response.content.decode()
    for secret in (NAME, PHONE, SECRET_TEXT, named.complaint.reference, "Granary at midnight"):
        assert secret not in text
    # Nor can he open the case, its complaint or its evidence.
    officer = client_for(casework.officer_user)
    assert officer.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert officer.get(f"/api/v1/complaints/{named.complaint.pk}/").status_code == 404
    assert officer.get(f"/api/v1/cases/{case.pk}/evidence/").status_code == 404


def test_a_user_without_an_officer_record_has_no_measures(casework: Casework) -> None:
    assert client_for(casework.investigator).get("/api/v1/me/measures/").json()["results"] == []


def test_a_clerk_of_the_body_who_investigates_for_another_body_acts_here_as_a_clerk(
    casework: Casework,
    make_member,  # type: ignore[no-untyped-def]
) -> None:
    from ombud.accounts.models import Role
    from ombud.accounts.services import membership_grant

    clerk = make_member(casework.force.body_a, Role.INTAKE_CLERK)
    membership_grant(
        actor=None, user=clerk, role=Role.INVESTIGATOR, body=casework.force.body_b, start_on=dt.date(2015, 1, 1)
    )
    api = client_for(clerk)
    assert api.get(f"/api/v1/cases/{casework.case.pk}/").status_code == 200  # he reads the case
    made = api.post(
        f"/api/v1/cases/{casework.case.pk}/evidence/",
        {"file": SimpleUploadedFile("forged.txt", b"forged"), "description": ""},
        format="multipart",
    )
    assert made.status_code == 403
    assert api.get(f"/api/v1/cases/{casework.case.pk}/package/").status_code == 403
    assert not EvidenceItem.objects.filter(case=casework.case).exists()


def test_the_api_withholds_who_handed_in_evidence_from_an_intake_clerk(casework: Casework, make_member) -> None:  # type: ignore[no-untyped-def]
    from ombud.accounts.models import Role

    item = evidence_add(
        actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER, received_from="a witness"
    )
    clerk = client_for(make_member(casework.force.body_a, Role.INTAKE_CLERK))
    detail = clerk.get(f"/api/v1/evidence/{item.pk}/").json()
    assert detail["received_from"] is None
    assert [(c["action"], c["from_party"]) for c in detail["custody"]] == [("received", None)]
    assert clerk.get(f"/api/v1/cases/{casework.case.pk}/evidence/").json()["results"][0]["received_from"] is None
    case = clerk.get(f"/api/v1/cases/{casework.case.pk}/").json()
    assert case["evidence"]["items"][0]["received_from"] is None
    # Nor the file's own name, which is often a witness's; the investigator reads it.
    neutral = f"evidence-{item.pk}.txt"
    assert (detail["name"], case["evidence"]["items"][0]["name"]) == (neutral, neutral)
    assert clerk.get(f"/api/v1/cases/{casework.case.pk}/evidence/").json()["results"][0]["name"] == neutral
    assert client_for(casework.investigator).get(f"/api/v1/evidence/{item.pk}/").json()["name"] == "ledger.txt"
    investigator = client_for(casework.investigator)
    assert investigator.get(f"/api/v1/cases/{casework.case.pk}/").json()["evidence"]["items"][0][
        "received_from"
    ] == ("a witness")
    detail = investigator.get(f"/api/v1/evidence/{item.pk}/").json()
    assert [(c["action"], c["from_party"]) for c in detail["custody"]] == [("received", "a witness")]


def test_reading_the_evidence_through_the_api_is_audited(casework: Casework) -> None:
    item = evidence_add(
        actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER, received_from="a witness"
    )
    api = client_for(casework.head)
    assert api.get(f"/api/v1/cases/{casework.case.pk}/evidence/").status_code == 200
    assert api.get(f"/api/v1/evidence/{item.pk}/").json()["received_from"] == "a witness"
    reads = AuditEntry.objects.filter(
        action="case.view", object_id=str(casework.case.pk), actor_id=casework.head.pk
    )
    assert [json.loads(entry.payload) for entry in reads] == [{"evidence": "list"}, {"evidence": item.pk}]


def test_a_case_is_closed_and_its_tasks_done_through_the_api(casework: Casework) -> None:
    allegation = bribery_allegation(casework)
    investigator, head = client_for(casework.investigator), client_for(casework.head)
    task = investigator.post(
        f"/api/v1/cases/{casework.case.pk}/tasks/", {"title": "Weigh the store", "due_on": DUE}
    )
    done = investigator.post(f"/api/v1/tasks/{task.json()['id']}/done/")
    assert done.status_code == 200 and done.json()["done_at"]
    assert investigator.post(f"/api/v1/tasks/{task.json()['id']}/done/").status_code == 400
    close = f"/api/v1/cases/{casework.case.pk}/close/"
    reasons = {"outcome": "closed", "reason": "Not sustained after the witnesses were heard."}
    assert head.post(close, reasons, format="json").status_code == 400
    finding_propose(
        actor=casework.investigator, allegation=allegation, finding="not_sustained", reason="Witnesses."
    )
    finding_decide(actor=casework.head, allegation=allegation)
    assert investigator.post(close, reasons, format="json").status_code == 403
    short = head.post(close, {"reason": "no"}, format="json")
    assert short.status_code == 400 and "reason" in short.json()
    assert head.post(close, {**reasons, "outcome": "open"}, format="json").status_code == 400
    closed = head.post(close, reasons, format="json")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed" and closed.json()["closing_reason"] == reasons["reason"]
    assert head.post(close, reasons, format="json").status_code == 400
    assert Case.objects.get(pk=casework.case.pk).complaints.get().status == "closed"


def test_a_follow_up_is_added_and_done_through_the_api(casework: Casework) -> None:
    from ombud.discipline.services import measure_decide, measure_notify, measure_respond

    measure = proposed_warning(casework)
    measure_notify(actor=casework.investigator, measure=measure)
    measure_respond(actor=casework.officer_user, measure=measure, text="A gift.")
    measure_decide(actor=casework.head, measure=measure, approve=True, text="The ledger says otherwise.")
    api = client_for(casework.investigator)
    url = f"/api/v1/measures/{measure.pk}/follow-ups/"
    assert (
        api.post(url, {"description": "Grain returned", "due_on": "2001-01-01"}, format="json").status_code == 400
    )
    added = api.post(url, {"description": "Grain returned", "due_on": DUE}, format="json")
    assert added.status_code == 201 and added.json()["done_at"] is None
    done = api.post(f"/api/v1/follow-ups/{added.json()['id']}/done/")
    assert done.status_code == 200 and done.json()["done_at"]
    assert api.post(f"/api/v1/follow-ups/{added.json()['id']}/done/").status_code == 400
    case = api.get(f"/api/v1/cases/{casework.case.pk}/").json()
    assert [f["description"] for f in case["measures"][0]["follow_ups"]] == ["Grain returned"]
    assert (
        client_for(casework.officer_user).post(f"/api/v1/follow-ups/{added.json()['id']}/done/").status_code == 404
    )


def test_an_accused_officer_who_also_works_for_the_body_takes_no_step_on_his_own_measure(
    casework: Casework,
) -> None:
    from ombud.accounts.models import Role
    from ombud.accounts.services import membership_grant
    from ombud.discipline.services import measure_decide, measure_notify, measure_respond

    measure = proposed_warning(casework)
    measure_notify(actor=casework.investigator, measure=measure)
    measure_respond(actor=casework.officer_user, measure=measure, text="A gift.")
    measure_decide(actor=casework.head, measure=measure, approve=True, text="The ledger says otherwise.")
    follow_up = client_for(casework.head).post(
        f"/api/v1/measures/{measure.pk}/follow-ups/",
        {"description": "Grain returned", "due_on": DUE},
        format="json",
    )
    accused = User.objects.get(pk=casework.officer_user.pk)
    membership_grant(actor=None, user=accused, role=Role.BODY_HEAD, body=casework.force.body_a)
    api = client_for(accused)
    assert api.post(f"/api/v1/follow-ups/{follow_up.json()['id']}/done/").status_code == 404
    added = api.post(
        f"/api/v1/measures/{measure.pk}/follow-ups/", {"description": "Nothing", "due_on": DUE}, format="json"
    )
    assert added.status_code == 404
    assert measure.follow_ups.get().done_at is None and measure.follow_ups.count() == 1
    with pytest.raises(PermissionDenied):
        measure_propose(
            actor=accused, case=casework.case, officer=casework.force.grain_officer, kind="warning", reason="Me."
        )


def test_the_api_needs_an_account(casework: Casework) -> None:
    api = APIClient()
    assert api.get("/api/v1/cases/").status_code in (401, 403)
    assert api.get(f"/api/v1/cases/{casework.case.pk}/").status_code in (401, 403)


def test_the_api_s_entry_names_its_collections_and_each_keeps_its_own_gate(casework: Casework) -> None:
    entry = APIClient().get("/api/v1/")
    assert entry.status_code == 200
    links = entry.json()
    assert links["schema"] == "http://testserver/api/v1/schema/"
    assert links["cases"] == "http://testserver/api/v1/cases/" and "risk-alerts" in links
    # The list is the same for everyone; the collections still answer only to an account.
    assert APIClient().get(links["cases"]).status_code in (401, 403)
    investigator = APIClient()
    investigator.force_authenticate(casework.investigator)
    assert investigator.get(links["cases"]).json()["count"] >= 1


def test_the_openapi_schema_describes_the_casework_endpoints(db: None) -> None:
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/allegations/",
        "/api/v1/cases/{id}/evidence/",
        "/api/v1/cases/{id}/package/",
        "/api/v1/cases/{id}/measures/",
        "/api/v1/allegations/{id}/propose-finding/",
        "/api/v1/allegations/{id}/decide-finding/",
        "/api/v1/evidence/{id}/download/",
        "/api/v1/evidence/{id}/custody/",
        "/api/v1/measures/{id}/notify/",
        "/api/v1/measures/{id}/respond/",
        "/api/v1/measures/{id}/decide/",
        "/api/v1/measures/{id}/appeal/",
        "/api/v1/measures/{id}/decide-appeal/",
        "/api/v1/me/measures/",
    ]:
        assert path in paths, path
    assert set(paths["/api/v1/evidence/{id}/"]) == {"get"}
    assert "multipart/form-data" in paths["/api/v1/cases/{id}/evidence/"]["post"]["requestBody"]["content"]
