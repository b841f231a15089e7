"""The intake pages as a complainant, an investigator and a clerk meet them (Django test client)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from ombud.accounts.models import Role
from ombud.accounts.services import user_create
from ombud.audit.models import AuditEntry
from ombud.core import keys
from ombud.intake.models import Complaint, ComplaintFile
from ombud.intake.services import complaint_file
from tests.intake.conftest import Force, complaint_about

pytestmark = pytest.mark.django_db

NAME, PHONE = "Qorvath Zindelmeyer", "+850-19-7731-4482"


def html(response: Any) -> str:
    return str(response.content.decode())


def report_data(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "description": "He took two sacks of grain to look away from the hidden store.",
        "occurred_on": "2026-01-10",
        "place_text": "",
        "officer_text": "",
        "person": "",
        "anonymous": "anonymous",
        "name": "",
        "contact": "",
        "addressee": "",
        "send": "1",
    }
    data.update(fields)
    return data


def receipt_of(page: str) -> str:
    groups = re.findall(r'<span class="group">([0-9A-Z]{4})</span>', page)
    assert len(groups) == 5, page
    return "-".join(groups)


def file_through_portal(client: Client, force: Force, **fields: Any) -> tuple[Any, str]:
    response = client.post(reverse("report"), report_data(officer=force.grain_officer.pk, **fields))
    assert response.status_code == 200
    return response, receipt_of(html(response))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


# --- the public form ----------------------------------------------------------------------------


def test_the_form_offers_the_categories_and_the_bodies_without_a_login(client: Client, force: Force) -> None:
    response = client.get(reverse("report"))
    page = html(response)
    assert response.status_code == 200
    assert 'value="bribery"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page
    assert "National Inspectorate" in page and "Musan County Committee" in page
    # Higher bodies first: the select lists them by level.
    assert page.index("National Inspectorate") < page.index("Musan County Committee")
    assert "we store no name or contact" in page
    assert "investigators see them only after recording why" in page
    assert "no-store" in response["Cache-Control"]


def test_filing_anonymously_shows_a_receipt_that_opens_the_status_page(client: Client, force: Force) -> None:
    response, receipt = file_through_portal(client, force, categories=["bribery"])
    page = html(response)
    complaint = Complaint.objects.get()
    assert complaint.channel == Complaint.Channel.PORTAL and complaint.complainant is None
    assert complaint.reference in page and "Musan County Committee" in page
    assert "Write it down or print this page" in page
    assert "/report/proof/" in page
    assert "no-store" in response["Cache-Control"]
    status = client.post(reverse("report_status"), {"receipt": receipt.lower().replace("-", " ")})
    assert status.status_code == 200
    assert complaint.reference in html(status) and "received" in html(status)
    assert "no-store" in status["Cache-Control"]


def test_a_body_chosen_that_does_not_oversee_the_officer_is_named_on_the_receipt(
    client: Client, force: Force
) -> None:
    page = html(file_through_portal(client, force, addressee=force.body_b.pk)[0])
    assert 'id="addressee-refused"' in page and force.body_b.name in page and force.body_a.name in page
    honoured = html(file_through_portal(Client(), force, addressee=force.national.pk)[0])
    assert 'id="addressee-refused"' not in honoured and force.national.name in honoured


def test_the_portal_s_only_cookie_ends_with_the_browser_session(client: Client, force: Force) -> None:
    response = client.get(reverse("report"))
    assert set(response.cookies) <= {"csrftoken"}
    token = response.cookies["csrftoken"]
    # No date to outlive the browser: one visit cannot be linked to the next by it.
    assert not token["max-age"] and not token["expires"]


def test_the_receipt_never_appears_in_a_url_a_cookie_or_the_session(client: Client, force: Force) -> None:
    response, receipt = file_through_portal(client, force)
    assert "Location" not in response
    cookies = " ".join(morsel.OutputString() for morsel in response.cookies.values())
    assert receipt not in cookies and receipt.replace("-", "") not in cookies
    assert receipt not in str(dict(client.session))
    status = client.post(reverse("report_status"), {"receipt": receipt})
    assert "Location" not in status
    assert receipt not in " ".join(m.OutputString() for m in status.cookies.values())
    # The status page's own forms carry it in POST bodies only.
    assert f'name="receipt" value="{receipt}"' in html(status)
    assert f"?receipt={receipt}" not in html(status)
    # A receipt put in a URL by someone else opens nothing.
    reference = Complaint.objects.get().reference
    assert reference not in html(client.get(reverse("report_status"), {"receipt": receipt}))


def test_a_wrong_receipt_and_an_expired_one_get_the_same_page(client: Client, force: Force) -> None:
    _, receipt = file_through_portal(client, force)
    now = timezone.now()
    Complaint.objects.update(
        received_at=now - dt.timedelta(days=800),
        closed_at=now - dt.timedelta(days=400),
        status=Complaint.Status.CLOSED,
    )
    expired = client.post(reverse("report_status"), {"receipt": receipt})
    wrong = client.post(reverse("report_status"), {"receipt": "0000-0000-0000-0000-0000"})
    garbage = client.post(reverse("report_status"), {"receipt": "not a receipt"})
    assert expired.status_code == wrong.status_code == garbage.status_code == 404
    assert without_csrf(html(expired)) == without_csrf(html(wrong)) == without_csrf(html(garbage))
    assert "No complaint matches this receipt" in html(wrong)


def test_too_many_receipt_checks_get_429_with_retry_after(client: Client, force: Force) -> None:
    codes = [client.post(reverse("report_status"), {"receipt": f"0000-0000-0000-0000-{n:04d}"}) for n in range(30)]
    throttled = [r for r in codes if r.status_code == 429]
    assert throttled, [r.status_code for r in codes]
    assert int(throttled[0]["Retry-After"]) >= 1
    assert "Please wait" in html(throttled[0])


def test_too_many_filings_from_one_client_get_429(client: Client, force: Force) -> None:
    codes = [client.post(reverse("report"), report_data(description="")).status_code for _ in range(35)]
    assert 429 in codes
    assert Complaint.objects.count() == 0


def test_a_validation_error_keeps_every_typed_value_and_says_files_must_be_chosen_again(
    client: Client, force: Force
) -> None:
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    data = report_data(
        description="The officer of Songhak took cigarettes and liquor.",
        occurred_on=future,
        place_text="behind the mill",
        person="a tall man from the farm office",
        categories=["bribery"],
        anonymous="named",
        name=NAME,
        contact=PHONE,
        evidence=SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg"),
    )
    response = client.post(reverse("report"), data)
    page = html(response)
    assert response.status_code == 200
    assert Complaint.objects.count() == 0
    assert "The date cannot be in the future." in page
    assert "The officer of Songhak took cigarettes and liquor." in page
    for kept in ("behind the mill", "a tall man from the farm office", NAME, PHONE, future):
        assert f'value="{kept}"' in page
    assert re.search(r'value="bribery"[^>]*checked', page)
    assert re.search(r'value="named" checked', page)
    assert "choose your photos or documents again" in page


def test_a_complaint_sent_after_the_session_ended_comes_back_typed_and_sends_on_the_second_try(
    force: Force,
) -> None:
    # His browser was restarted while he wrote: no CSRF cookie, a token the site no longer knows.
    browser = Client(enforce_csrf_checks=True, HTTP_SEC_FETCH_SITE="same-origin")
    data = report_data(officer=force.grain_officer.pk, csrfmiddlewaretoken="stale" * 8)
    first = browser.post(reverse("report"), data)
    assert first.status_code == 403 and Complaint.objects.count() == 0
    page = html(first)
    assert "The complaint was not sent" in page and "two sacks of grain" in page
    assert "no-store" in first["Cache-Control"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None and browser.cookies.get("csrftoken")
    second = browser.post(reverse("report"), {**data, "csrfmiddlewaretoken": token.group(1)})
    assert second.status_code == 200 and receipt_of(html(second))
    assert Complaint.objects.get().description.startswith("He took two sacks of grain")


def test_a_complaint_form_another_site_posts_is_never_shown_back_as_typed(force: Force) -> None:
    # Another site's page posting a made-up complaint, name and contact to the portal: refused, and
    # not returned as the visitor's own filled-in form to "check and send again".
    for headers in ({"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_ORIGIN": "https://elsewhere.example"}):
        browser = Client(enforce_csrf_checks=True, **headers)
        data = report_data(anonymous="", name="Planted Name", contact="planted@example.org")
        response = browser.post(reverse("report"), data)
        page = html(response)
        assert response.status_code == 403 and Complaint.objects.count() == 0
        assert "Planted Name" not in page and "two sacks of grain" not in page
        assert "The form has expired" in page


def test_a_refused_file_is_named_on_the_receipt_page_and_the_complaint_is_filed(
    client: Client, force: Force
) -> None:
    data = report_data(
        officer=force.grain_officer.pk,
        evidence=[
            SimpleUploadedFile(
                "photo.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff", content_type="image/jpeg"
            ),
            SimpleUploadedFile("sacks.jpg", jpeg(), content_type="image/jpeg"),
        ],
    )
    page = html(client.post(reverse("report"), data))
    receipt_of(page)
    assert "photo.exe was not accepted: this kind of file is not accepted" in page
    assert list(ComplaintFile.objects.values_list("name", flat=True)) == ["attachment-1.jpg"]


def test_find_officer_lists_the_matches_and_keeps_what_was_typed(client: Client, force: Force) -> None:
    data = report_data(
        description="He looked away for grain.", officer_text="kang", place_text="Songhak", find_officer="1"
    )
    del data["send"]
    response = client.post(reverse("report"), data)
    page = html(response)
    assert response.status_code == 200
    assert Complaint.objects.count() == 0
    assert f'name="officer" value="{force.grain_officer.pk}"' in page
    assert "Chol Kang" in page and "A1-001" in page and "Musan East Station" in page
    assert "Song Ri" not in page
    assert 'value="kang"' in page and 'value="Songhak"' in page and "He looked away for grain." in page
    # A search is not a failed filing: nothing is flagged.
    assert "errorlist" not in page and "was not sent yet" not in page


def test_find_place_lists_places_and_a_chosen_officer_stays_chosen(client: Client, force: Force) -> None:
    data = report_data(place_text="songhak", officer=force.grain_officer.pk, find_place="1")
    del data["send"]
    page = html(client.post(reverse("report"), data))
    assert f'name="place" value="{force.village_a1.pk}"' in page
    assert re.search(rf'name="officer" value="{force.grain_officer.pk}" checked', page)


def test_the_enter_key_searches_what_was_typed_and_never_files(client: Client, force: Force) -> None:
    data = report_data(officer_text="A1-001", place=force.village_a1.pk, place_text="songhak", find_typed="1")
    del data["send"]
    page = html(client.post(reverse("report"), data))
    assert Complaint.objects.count() == 0
    assert f'name="officer" value="{force.grain_officer.pk}"' in page
    # The place was already chosen: it stays chosen and is not searched again.
    assert re.search(rf'name="place" value="{force.village_a1.pk}" checked', page)
    assert "No place matches" not in page


def test_an_officer_typed_but_not_chosen_is_kept_as_a_description(client: Client, force: Force) -> None:
    client.post(reverse("report"), report_data(officer_text="the fat one at the east gate"))
    subject = Complaint.objects.get().subjects.get()
    assert subject.officer is None and subject.description == "the fat one at the east gate"


# --- the complainant's follow-up ----------------------------------------------------------------------


def filed_with_staff(client: Client, force: Force, make_member: Any) -> tuple[str, Complaint, Client]:
    """A complaint filed on the portal by ``client``: its receipt, itself, and a member of the body
    it was routed to, logged in."""
    _, receipt = file_through_portal(client, force)
    staff = Client()
    staff.force_login(make_member(force.body_a))
    return receipt, Complaint.objects.get(), staff


def test_the_complainant_answers_the_investigator_and_adds_evidence(
    client: Client, force: Force, make_member: Any
) -> None:
    receipt, complaint, staff = filed_with_staff(client, force, make_member)
    staff.post(reverse("complaint_message", args=[complaint.pk]), {"message": "Which day was it?"})
    status = html(client.post(reverse("report_status"), {"receipt": receipt}))
    assert "Which day was it?" in status and "Investigator" in status
    answered = client.post(
        reverse("report_status"), {"receipt": receipt, "action": "message", "message": "The harvest market day."}
    )
    assert "Your message was sent." in html(answered)
    added = client.post(
        reverse("report_status"),
        {"receipt": receipt, "action": "files", "evidence": SimpleUploadedFile("ledger.txt", b"3 sacks, May 1")},
    )
    assert (
        "1 file was added." in html(added)
        and "attachment-1.txt" in html(added)
        and "ledger.txt" not in html(added)
    )
    assert "The harvest market day." in html(staff.get(reverse("complaint_detail", args=[complaint.pk])))


def test_a_message_holding_a_null_character_is_refused_on_both_sides(
    client: Client, force: Force, make_member: Any
) -> None:
    # PostgreSQL cannot store NUL in text: without the check the database itself refused, a 500.
    receipt, complaint, staff = filed_with_staff(client, force, make_member)
    asked = staff.post(reverse("complaint_message", args=[complaint.pk]), {"message": "Which\x00 day?"})
    answered = client.post(
        reverse("report_status"), {"receipt": receipt, "action": "message", "message": "May\x00"}
    )
    for page in (asked, answered):
        assert page.status_code == 400 and "Remove the null characters from this text." in html(page)
    assert not complaint.messages.exists()


# --- the proof of filing ------------------------------------------------------------------------------


def test_the_proof_page_says_valid_or_not_and_shows_the_signing_key(client: Client, force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    valid = html(client.post(reverse("report_proof"), {"proof": filed.proof}))
    assert "Valid: this proof was signed by this ombud instance." in valid
    assert filed.complaint.reference in valid and "Musan County Committee" in valid
    assert keys.fingerprint() in valid
    assert filed.complaint.description not in valid
    head, _dot, signature = filed.proof.partition(".")
    forged = head + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    invalid = html(client.post(reverse("report_proof"), {"proof": forged}))
    assert "Not valid" in invalid and "signature does not match" in invalid
    assert "This is not a proof of filing." in html(client.post(reverse("report_proof"), {"proof": "hello"}))
    assert keys.fingerprint() in html(client.get(reverse("report_proof")))
    # The API checks it the same way, without an account.
    api = reverse("api-public-proof")
    checked = client.post(api, {"proof": filed.proof}, content_type="application/json").json()
    assert (checked["ok"], checked["problems"], checked["fingerprint"]) == (True, [], keys.fingerprint())
    assert checked["statement"]["reference"] == filed.complaint.reference
    forged_check = client.post(api, {"proof": forged}, content_type="application/json").json()
    assert forged_check["ok"] is False and "signature does not match" in forged_check["problems"][0]
    assert client.post(api, {"proof": ""}, content_type="application/json").status_code == 400
    assert client.post(api, {"proof": "x" * 5000}, content_type="application/json").status_code == 400


# --- staff: inbox, complaint page ---------------------------------------------------------------------


def test_the_inbox_shows_only_my_bodys_complaints(client: Client, force: Force, make_member: Any) -> None:
    mine = complaint_file(actor=None, data=complaint_about(force.grain_officer)).complaint
    other = complaint_file(
        actor=None, data=complaint_about(force.a2_officer, addressee=force.provincial)
    ).complaint
    client.force_login(make_member(force.body_a))
    page = html(client.get(reverse("complaint_inbox")))
    assert mine.reference in page and "Chol Kang" in page and "Bribery" in page
    assert other.reference not in page
    other_county = Client()
    other_county.force_login(make_member(force.body_b))
    response = other_county.get(reverse("complaint_inbox"))
    assert response.status_code == 200 and mine.reference not in html(response)
    assert "No complaint matches." in html(response)
    assert other_county.get(reverse("complaint_detail", args=[mine.pk])).status_code == 404


def test_the_inbox_filters_and_marks_overdue_complaints(client: Client, force: Force, make_member: Any) -> None:
    late = complaint_file(
        actor=None, data=complaint_about(force.grain_officer), now=timezone.now() - dt.timedelta(days=60)
    ).complaint
    fresh = complaint_file(
        actor=None, data=complaint_about(force.a1_colleague, description="Cigarettes.")
    ).complaint
    client.force_login(make_member(force.body_a))
    page = html(client.get(reverse("complaint_inbox")))
    assert re.search(rf'<tr class="overdue">\s*<td><a href="[^"]+">{late.reference}</a>', page)
    assert re.search(rf'<tr class="">\s*<td><a href="[^"]+">{fresh.reference}</a>', page)
    overdue_only = html(client.get(reverse("complaint_inbox"), {"overdue": "1"}))
    assert late.reference in overdue_only and fresh.reference not in overdue_only
    by_text = html(client.get(reverse("complaint_inbox"), {"q": "cigarettes"}))
    assert fresh.reference in by_text and late.reference not in by_text


def test_the_inbox_is_paginated_by_fifty(client: Client, force: Force, make_member: Any) -> None:
    for n in range(51):
        complaint_file(actor=None, data=complaint_about(force.grain_officer, description=f"Sack {n}."))
    client.force_login(make_member(force.body_a))
    first = html(client.get(reverse("complaint_inbox")))
    assert first.count('<tr class="') == 50 and "Page 1 of 2" in first
    assert html(client.get(reverse("complaint_inbox"), {"page": "2"})).count('<tr class="') == 1


def test_a_user_without_a_body_role_is_told_he_has_no_inbox(client: Client, force: Force) -> None:
    client.force_login(user_create(actor=None, username="nobody", password=None))
    response = client.get(reverse("complaint_inbox"))
    assert response.status_code == 200 and "You have no complaint inbox" in html(response)
    assert client.get(reverse("complaint_enter")).status_code == 404


def test_the_inbox_needs_a_login(client: Client, force: Force) -> None:
    response = client.get(reverse("complaint_inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_complaint_page_shows_the_routing_reason_and_links_the_officer(
    client: Client, force: Force, make_member: Any
) -> None:
    complaint = complaint_file(actor=None, data=complaint_about(force.grain_officer)).complaint
    client.force_login(make_member(force.body_a))
    page = html(client.get(reverse("complaint_detail", args=[complaint.pk])))
    assert "Routed to Musan County Committee, the nearest body without conflict." in page
    assert reverse("officer_dossier", args=[force.grain_officer.pk]) in page
    assert "He took two sacks of grain" in page
    assert "Anonymous: no identity is stored." in page


def test_the_complaint_page_suggests_related_complaints(client: Client, force: Force, make_member: Any) -> None:
    first = complaint_file(actor=None, data=complaint_about(force.grain_officer)).complaint
    second = complaint_file(actor=None, data=complaint_about(force.grain_officer, description="Again.")).complaint
    client.force_login(make_member(force.body_a))
    page = html(client.get(reverse("complaint_detail", args=[second.pk])))
    assert reverse("complaint_detail", args=[first.pk]) in page


def test_acknowledging_records_it_and_the_complainant_sees_it(
    client: Client, force: Force, make_member: Any
) -> None:
    receipt, complaint, staff = filed_with_staff(client, force, make_member)
    response = staff.post(reverse("complaint_acknowledge", args=[complaint.pk]), follow=True)
    assert "Acknowledged." in html(response)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ACKNOWLEDGED and complaint.acknowledged_at is not None
    again = staff.post(reverse("complaint_acknowledge", args=[complaint.pk]), follow=True)
    assert "already acknowledged" in html(again)
    assert "acknowledged" in html(client.post(reverse("report_status"), {"receipt": receipt}))
    assert staff.get(reverse("complaint_acknowledge", args=[complaint.pk])).status_code == 405


def _named_complaint(force: Force) -> Complaint:
    data = complaint_about(force.grain_officer, anonymous=False, name=NAME, contact=PHONE)
    return complaint_file(actor=None, data=data).complaint


def test_showing_a_named_complainant_needs_a_reason_and_is_audited(
    client: Client, force: Force, make_member: Any
) -> None:
    complaint = _named_complaint(force)
    client.force_login(make_member(force.body_a))
    page = html(client.get(reverse("complaint_detail", args=[complaint.pk])))
    assert NAME not in page and "Show identity" in page
    short = client.post(reverse("complaint_identity", args=[complaint.pk]), {"reason": "need it"})
    assert NAME not in html(short) and "10 characters or more" in html(short)
    assert not AuditEntry.objects.filter(action="complainant.identity.view").exists()
    shown = client.post(
        reverse("complaint_identity", args=[complaint.pk]), {"reason": "To arrange a protected interview."}
    )
    assert NAME in html(shown) and PHONE in html(shown)
    assert "no-store" in shown["Cache-Control"]
    assert AuditEntry.objects.filter(action="complainant.identity.view", object_id=str(complaint.pk)).count() == 1
    assert NAME not in html(client.get(reverse("complaint_detail", args=[complaint.pk])))


def test_a_file_downloads_through_the_gate_and_each_download_is_audited(
    client: Client, force: Force, make_member: Any
) -> None:
    client.post(
        reverse("report"),
        report_data(
            officer=force.grain_officer.pk,
            evidence=SimpleUploadedFile("sacks.jpg", jpeg(), content_type="image/jpeg"),
        ),
    )
    stored = ComplaintFile.objects.get()
    url = reverse("complaint_file", args=[stored.complaint_id, stored.pk])
    staff = Client()
    staff.force_login(make_member(force.body_a))
    response = staff.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert 'filename="attachment-1.jpg"' in response["Content-Disposition"]
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (8, 8)  # type: ignore[attr-defined]
    assert AuditEntry.objects.filter(action="complaint.file.download").count() == 1
    outsider = Client()
    outsider.force_login(make_member(force.body_b))
    assert outsider.get(url).status_code == 404
    assert staff.get(reverse("complaint_file", args=[stored.complaint_id, stored.pk + 99])).status_code == 404
    assert AuditEntry.objects.filter(action="complaint.file.download").count() == 1


# --- the clerk ----------------------------------------------------------------------------------------


def test_a_clerk_enters_a_letter_and_gets_a_receipt_to_print(
    client: Client, force: Force, make_member: Any
) -> None:
    clerk = make_member(force.body_a, role=Role.INVESTIGATOR)
    client.force_login(clerk)
    form = html(client.get(reverse("complaint_enter")))
    assert 'value="letter"' in form and 'value="portal"' not in form
    response = client.post(
        reverse("complaint_enter"),
        report_data(channel="letter", officer=force.grain_officer.pk, anonymous="named", name=NAME),
    )
    page = html(response)
    receipt = receipt_of(page)
    assert "Hand this page to the complainant" in page
    assert "no-store" in response["Cache-Control"]
    complaint = Complaint.objects.get()
    assert complaint.channel == Complaint.Channel.LETTER
    assert AuditEntry.objects.filter(action="complaint.file", actor_id=clerk.pk).exists()
    assert complaint.reference in html(Client().post(reverse("report_status"), {"receipt": receipt}))


def test_the_clerk_form_needs_a_channel(client: Client, force: Force, make_member: Any) -> None:
    client.force_login(make_member(force.body_a))
    response = client.post(reverse("complaint_enter"), report_data(channel="portal"))
    assert response.status_code == 200 and Complaint.objects.count() == 0
    assert "errorlist" in html(response)


def test_an_intake_clerk_is_not_offered_the_complainants_identity(
    client: Client, force: Force, make_member: Any
) -> None:
    complaint = _named_complaint(force)
    client.force_login(make_member(force.body_a, role=Role.INTAKE_CLERK))
    page = html(client.get(reverse("complaint_detail", args=[complaint.pk])))
    assert "Show identity" not in page and "Only the investigators and heads" in page
    refused = client.post(
        reverse("complaint_identity", args=[complaint.pk]), {"reason": "To arrange an interview."}
    )
    assert refused.status_code == 403 and NAME not in html(refused)
    assert not AuditEntry.objects.filter(action="complainant.identity.view").exists()


def test_who_read_a_complaint_is_on_the_record(client: Client, force: Force, make_member: Any) -> None:
    complaint = _named_complaint(force)
    reader = make_member(force.body_a)
    client.force_login(reader)
    client.get(reverse("complaint_detail", args=[complaint.pk]))
    api = APIClient()
    api.force_authenticate(reader)
    assert api.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200
    reads = AuditEntry.objects.filter(action="complaint.view", object_id=str(complaint.pk), actor_id=reader.pk)
    assert reads.count() == 2
    assert all(NAME not in entry.payload and "grain" not in entry.payload for entry in reads)
    # A complaint out of reach writes nothing.
    client.force_login(make_member(force.body_b))
    assert client.get(reverse("complaint_detail", args=[complaint.pk])).status_code == 404
    assert AuditEntry.objects.filter(action="complaint.view").count() == 2
