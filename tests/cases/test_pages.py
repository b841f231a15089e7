"""The casework pages as an investigator, a body head and the accused officer meet them (Django test
client), and the admin's refusal to alter evidence."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ombud.accounts.models import Role, User
from ombud.cases.models import Allegation, Case, CaseTask, CustodyEntry, EvidenceItem, Finding
from ombud.cases.packages import package_verify
from ombud.cases.services import allegation_add, case_open, evidence_add, finding_decide, finding_propose, task_add
from ombud.core import keys
from ombud.core.files import blob_path
from ombud.discipline.models import Measure
from ombud.discipline.services import measure_notify, measure_propose, measures_apply
from ombud.intake.models import Category, Complaint
from ombud.intake.services import complaint_file
from ombud.org.models import Officer
from tests.cases.conftest import Casework, proposed_warning
from tests.conftest import admin_officer_change
from tests.intake.conftest import complaint_about

NAME, PHONE = "Qorvath Zindelmeyer", "+850-19-7731-4482"
SECRET_TEXT = "Seven sacks went through the back door of the Songhak granary at midnight"
LEDGER = b"Grain ledger, Songhak farm, 2026: 2 sacks to the station officer.\n"


def html(response: HttpResponse) -> str:
    return response.content.decode()


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def case_url(case: Case) -> str:
    return reverse("case_detail", args=[case.pk])


def bribery_allegation(casework: Casework, case: Case | None = None) -> Allegation:
    return allegation_add(
        actor=casework.investigator,
        case=case or casework.case,
        category=Category.objects.get(code="bribery"),
        officer=casework.force.grain_officer,
        particulars={"goods": "grain", "value": 300},
    )


def allegation_data(**fields: Any) -> dict[str, Any]:
    data = {
        "officer_text": "",
        "officer_id": "",
        "official_id": "",
        "category": "bribery",
        "goods": "",
        "value": "",
        "details": "",
        "occurred_on": "",
        "add": "1",
    }
    data.update(fields)
    return {f"allegation-{k}" if k != "add" else k: v for k, v in data.items()}


# -- the workspace and opening a case ---------------------------------------------------------------------


def test_the_workspace_lists_my_cases_with_their_open_tasks(casework: Casework) -> None:
    task = task_add(
        actor=casework.investigator,
        case=casework.case,
        title="Weigh the hidden store",
        due_on=timezone.localdate(),
    )
    # Time passes: the task falls due.
    CaseTask.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    client = logged_in(casework.investigator)
    page = html(client.get(reverse("case_list")))
    assert casework.case.number in page and "Weigh the hidden store" in page
    assert "overdue" in page
    assert reverse("case_open") in page
    assert casework.case.number not in html(client.get(reverse("case_list"), {"status": "closed"}))
    assert casework.case.number in html(client.get(reverse("case_list"), {"q": "songhak"}))


def test_someone_who_works_no_cases_is_told_so(casework: Casework) -> None:
    response = logged_in(casework.officer_user).get(reverse("case_list"))
    assert response.status_code == 200 and 'id="no-cases"' in html(response)
    assert logged_in(casework.officer_user).get(reverse("case_open")).status_code == 404


def test_an_investigator_opens_a_case_from_a_complaint_routed_to_his_body(casework: Casework) -> None:
    filed = complaint_file(actor=None, data=complaint_about(casework.force.grain_officer))
    client = logged_in(casework.investigator)
    # The complaint's page leads there.
    link = f"{reverse('case_open')}?complaint={filed.complaint.pk}"
    assert link in html(client.get(reverse("complaint_detail", args=[filed.complaint.pk])))
    form = html(client.get(reverse("case_open"), {"complaint": filed.complaint.pk}))
    assert filed.complaint.reference in form
    assert re.search(rf'value="{filed.complaint.pk}"[^>]*checked', form)
    response = client.post(
        reverse("case_open"),
        {
            "body": casework.force.body_a.pk,
            "title": "Second grain case",
            "summary": "",
            "complaints": [filed.complaint.pk],
        },
    )
    case = Case.objects.get(title="Second grain case")
    assert response.status_code == 302 and response["Location"] == case_url(case)
    assert list(case.complaints.all()) == [filed.complaint]
    assert case.number in html(client.get(reverse("complaint_detail", args=[filed.complaint.pk])))
    filed.complaint.refresh_from_db()
    assert filed.complaint.status == Complaint.Status.INVESTIGATING
    assert filed.complaint.reference in html(client.get(case_url(case)))


def test_a_case_without_a_title_is_refused_and_nothing_is_written(casework: Casework) -> None:
    response = logged_in(casework.investigator).post(
        reverse("case_open"), {"body": casework.force.body_a.pk, "title": "   ", "summary": ""}
    )
    assert response.status_code == 400 and "errorlist" in html(response)
    assert Case.objects.count() == 1


def test_a_complaint_id_no_database_could_hold_is_refused_on_the_form_and_nothing_is_written(
    casework: Casework,
) -> None:
    response = logged_in(casework.investigator).post(
        reverse("case_open"),
        {"body": casework.force.body_a.pk, "title": "A case", "summary": "", "complaints": [str(2**70)]},
    )
    assert response.status_code == 400 and "errorlist" in html(response)
    assert Case.objects.count() == 1


# -- the case page ---------------------------------------------------------------------------------------


def test_the_case_page_shows_its_complaints_the_four_eyes_rule_and_the_key_fingerprint(casework: Casework) -> None:
    page = html(logged_in(casework.investigator).get(case_url(casework.case)))
    complaint = casework.case.complaints.get()
    assert reverse("complaint_detail", args=[complaint.pk]) in page and complaint.reference in page
    assert 'id="four-eyes"' in page
    assert keys.fingerprint() in page
    assert reverse("case_package", args=[casework.case.pk]) in page
    # The investigator may propose; deciding is for body heads.
    assert "Add an allegation" in page and "Decide the finding" not in page


def test_an_allegation_is_added_after_finding_the_officer_by_badge(casework: Casework) -> None:
    client = logged_in(casework.investigator)
    url = reverse("case_allegation_add", args=[casework.case.pk])
    search = client.post(url, {**allegation_data(officer_text="A1-001", goods="grain"), "find_officer": "1"})
    assert search.status_code == 200
    found = html(search)
    assert f'name="allegation-officer" value="{casework.force.grain_officer.pk}" checked' in found
    assert 'value="grain" selected' in found  # what was typed is kept
    assert not Allegation.objects.exists()
    added = client.post(
        url,
        allegation_data(
            officer=casework.force.grain_officer.pk, goods="grain", value="300", occurred_on="2026-05-01"
        ),
    )
    assert added.status_code == 302
    allegation = Allegation.objects.get()
    assert allegation.officer == casework.force.grain_officer
    assert allegation.particulars == {"goods": "grain", "value": 300.0}
    assert allegation.occurred_on == dt.date(2026, 5, 1)


def test_an_allegation_can_name_the_officer_by_id(casework: Casework) -> None:
    client = logged_in(casework.investigator)
    url = reverse("case_allegation_add", args=[casework.case.pk])
    response = client.post(url, allegation_data(officer_id=casework.force.a2_officer.pk, category="collusion"))
    assert response.status_code == 302
    assert Allegation.objects.get().officer == casework.force.a2_officer
    unknown = client.post(url, allegation_data(officer_id=999999, category="collusion"))
    assert unknown.status_code == 400 and "No officer you may name has this id." in html(unknown)


def test_a_bribery_allegation_without_what_was_given_shows_the_service_s_message(casework: Casework) -> None:
    response = logged_in(casework.investigator).post(
        reverse("case_allegation_add", args=[casework.case.pk]),
        allegation_data(officer=casework.force.grain_officer.pk, goods=""),
    )
    assert response.status_code == 400
    assert "Say what was given" in html(response)
    assert not Allegation.objects.exists()


def test_evidence_added_on_the_page_shows_its_sha256_and_its_download_is_in_custody(casework: Casework) -> None:
    client = logged_in(casework.investigator)
    response = client.post(
        reverse("case_evidence_add", args=[casework.case.pk]),
        {
            "form": "evidence",
            "evidence-file": SimpleUploadedFile("ledger.txt", LEDGER),
            "evidence-description": "The farm's grain ledger",
            "evidence-received_from": "the farm's bookkeeper",
        },
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    page = html(client.get(case_url(casework.case)))
    assert hashlib.sha256(LEDGER).hexdigest() in page and "the farm&#x27;s bookkeeper" in page
    download = client.get(reverse("evidence_download", args=[casework.case.pk, item.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == LEDGER  # type: ignore[attr-defined]
    assert list(item.custody.values_list("action", flat=True)) == ["received", "downloaded"]
    assert "downloaded" in html(client.get(case_url(casework.case)))


def test_a_correction_is_added_from_the_item_s_own_form_and_the_original_stays(casework: Casework) -> None:
    original = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER)
    client = logged_in(casework.investigator)
    prefix = f"supersede-{original.pk}"
    response = client.post(
        reverse("case_evidence_add", args=[casework.case.pk]),
        {
            "form": prefix,
            f"{prefix}-supersedes": original.pk,
            f"{prefix}-file": SimpleUploadedFile("ledger-v2.txt", LEDGER + b"page 2\n"),
            f"{prefix}-description": "Corrected scan",
            f"{prefix}-received_from": "",
        },
    )
    assert response.status_code == 302
    correction = EvidenceItem.objects.exclude(pk=original.pk).get()
    assert correction.supersedes == original
    assert (settings.MEDIA_ROOT / blob_path(original.sha256)).read_bytes() == LEDGER
    assert f"superseded by #{correction.pk}" in html(client.get(case_url(casework.case)))


def test_no_page_changes_or_deletes_an_evidence_item(casework: Casework) -> None:
    item = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER)
    before = EvidenceItem.objects.filter(pk=item.pk).values().get()
    client = logged_in(casework.head)
    download = reverse("evidence_download", args=[casework.case.pk, item.pk])
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(download, {"name": "forged.txt"}).status_code == 405, method
    # The upload form only adds: a "correction" of an already superseded item is refused, the rest kept.
    evidence_add(actor=casework.investigator, case=casework.case, name="v2.txt", data=b"v2", supersedes=item)
    refused = client.post(
        reverse("case_evidence_add", args=[casework.case.pk]),
        {"form": "evidence", "evidence-file": SimpleUploadedFile("v3.txt", b"v3"), "evidence-supersedes": item.pk},
    )
    assert refused.status_code == 400
    assert EvidenceItem.objects.filter(pk=item.pk).values().get() == before
    assert (settings.MEDIA_ROOT / blob_path(item.sha256)).read_bytes() == LEDGER
    assert EvidenceItem.objects.count() == 2


def test_a_hand_over_is_recorded_from_the_page(casework: Casework) -> None:
    item = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER)
    client = logged_in(casework.investigator)
    url = reverse("evidence_custody", args=[casework.case.pk, item.pk])
    prefix = f"custody-{item.pk}"
    refused = client.post(url, {f"{prefix}-to_party": "", f"{prefix}-from_party": "", f"{prefix}-note": ""})
    assert refused.status_code == 400
    made = client.post(
        url, {f"{prefix}-to_party": "Provincial laboratory", f"{prefix}-from_party": "", f"{prefix}-note": ""}
    )
    assert made.status_code == 302
    assert list(item.custody.values_list("action", "to_party")) == [
        ("received", "Musan County Committee"),
        ("transferred", "Provincial laboratory"),
    ]


def test_the_proposer_of_a_finding_cannot_decide_it_and_the_page_says_why(casework: Casework) -> None:
    allegation = bribery_allegation(casework)
    head = logged_in(casework.head)
    proposed = head.post(
        reverse("finding_propose", args=[casework.case.pk, allegation.pk]),
        {f"propose-{allegation.pk}-finding": "sustained", f"propose-{allegation.pk}-reason": "The ledger."},
    )
    assert proposed.status_code == 302
    assert "You proposed this finding, so another body head decides it." in html(head.get(case_url(casework.case)))
    decide_url = reverse("finding_decide", args=[casework.case.pk, allegation.pk])
    decide = {f"decide-{allegation.pk}-finding": "sustained", f"decide-{allegation.pk}-reason": ""}
    assert head.post(decide_url, decide).status_code == 403
    assert logged_in(casework.investigator).post(decide_url, decide).status_code == 403
    allegation.refresh_from_db()
    assert allegation.finding == ""
    deputy = logged_in(casework.deputy_head)
    assert "Decide the finding" in html(deputy.get(case_url(casework.case)))
    assert deputy.post(decide_url, decide).status_code == 302
    allegation.refresh_from_db()
    assert (allegation.finding, allegation.decided_by) == ("sustained", casework.deputy_head)


def test_notes_and_tasks_are_added_from_the_page(casework: Casework) -> None:
    client = logged_in(casework.investigator)
    assert (
        client.post(
            reverse("case_note_add", args=[casework.case.pk]),
            {"note-kind": "interview", "note-text": "The farm manager denies it."},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("case_task_add", args=[casework.case.pk]),
            {"task-title": "Weigh the store", "task-due_on": str(timezone.localdate() + dt.timedelta(days=9))},
        ).status_code
        == 302
    )
    page = html(client.get(case_url(casework.case)))
    assert "The farm manager denies it." in page and "Weigh the store" in page


def test_a_task_is_given_to_a_member_of_the_body_who_may_read_the_case(casework: Casework, make_member) -> None:  # type: ignore[no-untyped-def]
    from ombud.accounts.models import Role
    from ombud.cases.models import CaseTask

    clerk = make_member(casework.force.body_a, Role.INTAKE_CLERK)
    other_body = make_member(casework.force.body_b, Role.INVESTIGATOR)
    client = logged_in(casework.investigator)
    page = html(client.get(case_url(casework.case)))
    options = page.split('name="task-assignee"')[1].split("</select>")[0]
    assert f'value="{casework.head.pk}"' in options and f'value="{clerk.pk}"' not in options
    due = str(timezone.localdate() + dt.timedelta(days=9))
    url = reverse("case_task_add", args=[casework.case.pk])
    for refused in (clerk, other_body):
        answer = client.post(url, {"task-title": "Weigh it", "task-due_on": due, "task-assignee": refused.pk})
        assert answer.status_code == 400
    assert not CaseTask.objects.filter(title="Weigh it").exists()
    given = client.post(url, {"task-title": "Weigh it", "task-due_on": due, "task-assignee": casework.head.pk})
    assert given.status_code == 302 and CaseTask.objects.get(title="Weigh it").assignee == casework.head
    # The API names him by username, as it answers; one who may not read the case is refused.
    from tests.cases.test_api import client_for

    api = client_for(casework.investigator)
    tasks = f"/api/v1/cases/{casework.case.pk}/tasks/"
    body = {"title": "Count the sacks", "due_on": due}
    assert api.post(tasks, {**body, "assignee": clerk.username}, format="json").status_code == 400
    made = api.post(tasks, {**body, "assignee": casework.head.username}, format="json")
    assert made.status_code == 201 and made.json()["assignee"] == casework.head.username


def test_the_referral_package_button_downloads_a_package_that_verifies(casework: Casework) -> None:
    evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER)
    response = logged_in(casework.investigator).get(reverse("case_package", args=[casework.case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    check = package_verify(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert check.ok, check.problems


# -- measures ---------------------------------------------------------------------------------------------


def test_a_measure_goes_through_due_process_on_the_pages(casework: Casework) -> None:
    allegation = bribery_allegation(casework)
    finding_propose(actor=casework.investigator, allegation=allegation, finding="sustained", reason="The ledger.")
    finding_decide(actor=casework.head, allegation=allegation)
    investigator, head, deputy = (
        logged_in(u) for u in (casework.investigator, casework.head, casework.deputy_head)
    )
    today = timezone.localdate()
    proposed = investigator.post(
        reverse("measure_propose", args=[casework.case.pk]),
        {
            "measure-officer": casework.force.grain_officer.pk,
            "measure-kind": "suspension",
            "measure-allegation": allegation.pk,
            "measure-reason": "Took grain to look away.",
            "measure-starts_on": today.isoformat(),
            "measure-ends_on": "",
        },
    )
    assert proposed.status_code == 400 and "A temporary suspension needs an end date." in html(proposed)
    proposed = investigator.post(
        reverse("measure_propose", args=[casework.case.pk]),
        {
            "measure-officer": casework.force.grain_officer.pk,
            "measure-kind": "suspension",
            "measure-allegation": allegation.pk,
            "measure-reason": "Took grain to look away.",
            "measure-starts_on": today.isoformat(),
            "measure-ends_on": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert proposed.status_code == 302
    measure = Measure.objects.get()
    assert "Serve notice" in html(investigator.get(case_url(casework.case)))
    assert (
        investigator.post(
            reverse("measure_notify", args=[measure.pk]), {f"notify-{measure.pk}-response_days": "7"}
        ).status_code
        == 302
    )
    page = html(head.get(case_url(casework.case)))
    assert "The officer may respond until" in page and "Decide the measure" not in page

    officer = logged_in(casework.officer_user)
    mine = html(officer.get(reverse("my_measures")))
    assert "Send my response" in mine and "Took grain to look away." in mine
    responded = officer.post(
        reverse("my_measure_respond", args=[measure.pk]), {f"respond-{measure.pk}-text": "A gift for my mother."}
    )
    assert responded.status_code == 302
    assert "Decide the measure" not in html(
        investigator.get(case_url(casework.case))
    )  # the proposer never decides
    decide = {f"mdecide-{measure.pk}-decision": "approve", f"mdecide-{measure.pk}-text": "Upheld."}
    assert investigator.post(reverse("measure_decide", args=[measure.pk]), decide).status_code == 403
    assert head.post(reverse("measure_decide", args=[measure.pk]), decide).status_code == 302

    measures_apply(on=today)
    assert Officer.objects.get(pk=casework.force.grain_officer.pk).status == Officer.Status.SUSPENDED
    officer = logged_in(User.objects.get(pk=casework.officer_user.pk))
    assert officer.get(reverse("case_list")).status_code == 403  # suspended: no staff page
    decided_at = Measure.objects.get(pk=measure.pk).decided_at
    assert decided_at is not None
    appeal_by = timezone.localtime(decided_at + dt.timedelta(days=settings.OMBUD_APPEAL_DAYS))
    mine = html(officer.get(reverse("my_measures")))
    assert f'id="appeal-by-{measure.pk}">{appeal_by:%Y-%m-%d %H:%M}' in mine and "<dt>Respond by</dt>" not in mine
    appealed = officer.post(
        reverse("my_measure_appeal", args=[measure.pk]), {f"appeal-{measure.pk}-text": "The sacks were mine."}
    )
    assert appealed.status_code == 302
    assert "Decide the appeal" not in html(head.get(case_url(casework.case)))  # he decided the measure
    assert "Decide the appeal" in html(deputy.get(case_url(casework.case)))
    overturned = deputy.post(
        reverse("measure_decide_appeal", args=[measure.pk]),
        {f"appeal-{measure.pk}-decision": "overturn", f"appeal-{measure.pk}-text": "The ledger is unreliable."},
    )
    assert overturned.status_code == 302
    measure.refresh_from_db()
    assert measure.state == Measure.State.REJECTED
    assert Officer.objects.get(pk=casework.force.grain_officer.pk).status == Officer.Status.ACTIVE


def test_the_officer_s_page_never_shows_the_complainant_or_the_complaint(casework: Casework) -> None:
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
        summary=SECRET_TEXT,
        complaints=[named.complaint],
    )
    allegation = bribery_allegation(casework, case)
    photo = evidence_add(
        actor=casework.investigator,
        case=case,
        name="granary-photo.txt",
        data=b"photo",
        description="The granary's back door",
        received_from=NAME,
    )
    measure = measure_propose(
        actor=casework.investigator,
        case=case,
        officer=casework.force.grain_officer,
        kind="warning",
        reason="Grain.",
    )
    officer = logged_in(casework.officer_user)
    assert "No measure has been notified to you." in html(officer.get(reverse("my_measures")))
    measure_notify(actor=casework.investigator, measure=measure)
    page = html(officer.get(reverse("my_measures")))
    assert (
        allegation.category.name in page
        and f"evidence-{photo.pk}.txt" in page
        and "The granary&#x27;s back door" in page
    )
    for secret in (NAME, PHONE, SECRET_TEXT, named.complaint.reference, "Granary at midnight", "granary-photo"):
        assert secret not in page


def test_the_case_page_costs_the_same_queries_however_much_it_holds(casework: Casework) -> None:
    client = logged_in(casework.head)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(case_url(casework.case)).status_code == 200
        return len(captured)

    def grow(n: int) -> None:
        for i in range(n):
            allegation = bribery_allegation(casework)
            finding_propose(actor=casework.investigator, allegation=allegation, finding="sustained", reason="x")
            evidence_add(
                actor=casework.investigator, case=casework.case, name=f"f{i}.txt", data=f"file {i} {n}".encode()
            )

    grow(1)
    first = queries()
    grow(4)
    assert queries() == first


def test_only_an_officer_has_a_measures_page(casework: Casework) -> None:
    assert logged_in(casework.investigator).get(reverse("my_measures")).status_code == 404


# -- access ------------------------------------------------------------------------------------------------


def test_an_investigator_of_another_body_gets_404_on_the_case_and_its_evidence(
    casework: Casework, make_member
) -> None:  # type: ignore[no-untyped-def]
    item = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER)
    allegation = bribery_allegation(casework)
    outsider = logged_in(make_member(casework.force.body_b))
    pk = casework.case.pk
    for url in [
        case_url(casework.case),
        reverse("evidence_download", args=[pk, item.pk]),
        reverse("case_package", args=[pk]),
    ]:
        assert outsider.get(url).status_code == 404, url
    for url in [
        reverse("case_allegation_add", args=[pk]),
        reverse("finding_propose", args=[pk, allegation.pk]),
        reverse("case_evidence_add", args=[pk]),
        reverse("evidence_custody", args=[pk, item.pk]),
        reverse("case_note_add", args=[pk]),
    ]:
        assert outsider.post(url, {}).status_code == 404, url
    assert casework.case.number not in html(outsider.get(reverse("case_list")))
    assert list(item.custody.values_list("action", flat=True)) == ["received"]


def test_the_accused_officer_cannot_open_his_own_case_page(casework: Casework, make_member) -> None:  # type: ignore[no-untyped-def]
    assert logged_in(casework.officer_user).get(case_url(casework.case)).status_code == 404
    # Nor can an investigator of the body who serves in the accused's own unit.
    colleague = make_member(casework.force.body_a, Role.INVESTIGATOR, officer=casework.force.a1_colleague)
    bribery_allegation(casework)
    assert logged_in(colleague).get(case_url(casework.case)).status_code == 404


def test_a_finding_proposed_and_decided_outside_ombud_shows_on_the_case_page(casework: Casework) -> None:
    # Imported and simulated records carry findings no user of this instance proposed or decided.
    allegation = bribery_allegation(casework)
    Allegation.objects.filter(pk=allegation.pk).update(
        proposed_finding=Finding.SUSTAINED,
        proposed_at=timezone.now(),
        proposed_reason="Ledger matches the station's books.",
        proposed_by=None,
    )
    page = html(logged_in(casework.investigator).get(case_url(casework.case)))
    assert "Ledger matches the station&#x27;s books." in page
    assert f'<span class="muted">{timezone.localdate().isoformat()}</span>' in page


def test_a_body_head_closes_the_case_from_its_page_once_every_finding_is_decided(casework: Casework) -> None:
    allegation = bribery_allegation(casework)
    task = task_add(
        actor=casework.investigator, case=casework.case, title="Weigh the store", due_on=timezone.localdate()
    )
    investigator, head = logged_in(casework.investigator), logged_in(casework.head)
    assert 'id="close"' not in html(investigator.get(case_url(casework.case)))
    close = reverse("case_close", args=[casework.case.pk])
    reasons = {
        "close-outcome": "referred",
        "close-reason": "The ledger proves it; the prosecutor has the package.",
    }
    refused = head.post(close, reasons)
    assert refused.status_code == 400 and "Every allegation needs a decided finding" in html(refused)
    assert investigator.post(close, reasons).status_code == 403
    # The investigator marks his task done from the list.
    done = reverse("case_task_done", args=[casework.case.pk, task.pk])
    assert investigator.post(done).status_code == 302
    again = investigator.post(done)
    assert again.status_code == 400 and "marked done already" in html(again)
    finding_propose(actor=casework.investigator, allegation=allegation, finding="sustained", reason="The ledger.")
    finding_decide(actor=casework.head, allegation=allegation)
    assert head.post(close, {**reasons, "close-reason": "done"}).status_code == 400
    assert head.post(close, reasons).status_code == 302
    page = html(head.get(case_url(casework.case)))
    assert "status-referred" in page and "the prosecutor has the package" in page
    assert 'id="close"' not in page and 'id="add-evidence"' not in page
    assert casework.case.complaints.get().status == Complaint.Status.CLOSED


def test_a_follow_up_is_added_to_a_decided_measure_and_marked_done_from_the_case_page(casework: Casework) -> None:
    measure = proposed_warning(casework)
    investigator = logged_in(casework.investigator)
    assert "Add a follow-up" not in html(investigator.get(case_url(casework.case)))  # not decided yet
    measure_notify(actor=casework.investigator, measure=measure, response_days=1)
    Measure.objects.filter(pk=measure.pk).update(state="decided", decided_at=timezone.now())
    assert "Add a follow-up" in html(investigator.get(case_url(casework.case)))
    add = reverse("follow_up_add", args=[measure.pk])
    late = investigator.post(
        add,
        {f"followup-{measure.pk}-description": "Grain returned", f"followup-{measure.pk}-due_on": "2001-01-01"},
    )
    assert late.status_code == 400 and "cannot be due before today" in html(late)
    today = timezone.localdate().isoformat()
    ok = investigator.post(
        add, {f"followup-{measure.pk}-description": "Grain returned", f"followup-{measure.pk}-due_on": today}
    )
    assert ok.status_code == 302
    follow_up = measure.follow_ups.get()
    assert investigator.post(reverse("follow_up_done", args=[follow_up.pk])).status_code == 302
    again = investigator.post(reverse("follow_up_done", args=[follow_up.pk]))
    assert again.status_code == 400 and "marked done already" in html(again)
    assert f"done on {today}" in html(investigator.get(case_url(casework.case)))


def test_an_id_no_database_could_hold_is_a_404(casework: Casework) -> None:
    assert logged_in(casework.investigator).get(f"/cases/{2**70}/").status_code == 404


def test_the_pages_need_a_login(casework: Casework) -> None:
    response = Client().get(case_url(casework.case))
    assert response.status_code == 302 and "login" in response["Location"]


# -- the admin ----------------------------------------------------------------------------------------------


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("root", "root@example.org", "a-long-admin-password")


def test_the_admin_cannot_change_or_delete_an_evidence_item(casework: Casework, superuser: User) -> None:
    item = evidence_add(
        actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER, description="Ledger"
    )
    before = EvidenceItem.objects.filter(pk=item.pk).values().get()
    client = logged_in(superuser)
    change = reverse("admin:cases_evidenceitem_change", args=[item.pk])
    delete = reverse("admin:cases_evidenceitem_delete", args=[item.pk])
    assert client.get(change).status_code == 200  # shown read-only
    changed = client.post(change, {"name": "forged.txt", "description": "doctored", "sha256": "0" * 64, "size": 1})
    assert changed.status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:cases_evidenceitem_changelist"),
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)
    assert client.get(reverse("admin:cases_evidenceitem_add")).status_code == 403
    assert EvidenceItem.objects.filter(pk=item.pk).values().get() == before
    assert (settings.MEDIA_ROOT / blob_path(item.sha256)).read_bytes() == LEDGER
    assert CustodyEntry.objects.filter(item=item).count() == 1


def test_who_handed_in_evidence_is_read_by_the_investigators_and_heads_not_by_a_clerk_or_the_admin(
    casework: Casework,
    make_member,
    superuser: User,  # type: ignore[no-untyped-def]
) -> None:
    witness = "Pak Sun-hui, the bookkeeper's sister"
    item = evidence_add(
        actor=casework.investigator, case=casework.case, name="ledger.txt", data=LEDGER, received_from=witness
    )
    for reader in (casework.investigator, casework.head):
        page = html(logged_in(reader).get(case_url(casework.case)))
        assert page.count("Pak Sun-hui") == 2  # the item's source and its receipt in the chain of custody
    clerk = make_member(casework.force.body_a, Role.INTAKE_CLERK)
    page = html(logged_in(clerk).get(case_url(casework.case)))
    assert "withheld: shown to the investigators and heads of the body" in page
    # The file's own name is often a witness's too: the clerk reads a neutral one.
    assert f"evidence-{item.pk}.txt" in page and "ledger.txt" not in page
    assert "Pak Sun-hui" not in page
    # The file itself is the investigators' and heads' (reading it is a custody entry): the clerk is
    # shown its name and digest, not a download link that would answer 403.
    download = reverse("evidence_download", args=[casework.case.pk, item.pk])
    assert download not in page and download in html(logged_in(casework.investigator).get(case_url(casework.case)))
    assert logged_in(clerk).get(download).status_code == 403
    admin = logged_in(superuser)
    admin_page = html(admin.get(reverse("admin:cases_evidenceitem_change", args=[item.pk])))
    assert f"evidence-{item.pk}.txt" in admin_page and "Pak Sun-hui" not in admin_page
    assert "ledger.txt" not in admin_page
    # Nor can the admin's list be filtered by it, to spell it out a letter at a time.
    listing = admin.get(reverse("admin:cases_evidenceitem_changelist") + "?received_from__startswith=Pak")
    assert listing.status_code == 400
    # The referral package carries every source: neither the clerk nor the administrator builds one.
    for reader in (clerk, superuser):
        client = logged_in(reader)
        assert "Download the referral package" not in html(client.get(case_url(casework.case)))
        assert client.get(reverse("case_package", args=[casework.case.pk])).status_code == 403
    assert logged_in(casework.head).get(reverse("case_package", args=[casework.case.pk])).status_code == 200


def test_a_suspended_officer_recorded_as_retired_does_not_come_back_active_through_the_admin(
    casework: Casework, superuser: User
) -> None:
    from tests.cases.test_discipline import _decided

    officer = casework.force.grain_officer
    _decided(casework)
    measures_apply(on=timezone.localdate())
    client = logged_in(superuser)
    assert admin_officer_change(client, officer.pk, status="retired").status_code == 302
    refused = admin_officer_change(client, officer.pk, status="active")
    assert refused.status_code == 200 and "A measure in force holds this officer" in html(refused)
    assert Officer.objects.get(pk=officer.pk).status == "retired"


def test_the_admin_shows_who_holds_an_api_token_but_never_the_key_and_has_no_groups(
    casework: Casework, superuser: User
) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=casework.investigator)
    client = logged_in(superuser)
    listing = client.get("/admin/authtoken/tokenproxy/")
    assert listing.status_code == 200 and casework.investigator.username in html(listing)
    assert token.key not in html(listing)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 403
    assert client.get(f"/admin/authtoken/tokenproxy/{token.key}/change/").status_code in (302, 403, 404)
    assert client.get("/admin/auth/group/").status_code == 404


def test_who_read_a_case_is_on_the_record(casework: Casework) -> None:
    from ombud.audit.models import AuditEntry

    reader = casework.investigator
    assert logged_in(reader).get(case_url(casework.case)).status_code == 200
    reads = AuditEntry.objects.filter(action="case.view", object_id=str(casework.case.pk), actor_id=reader.pk)
    assert reads.count() == 1 and reads.get().object_type == "cases.case"
