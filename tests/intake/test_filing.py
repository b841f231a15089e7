"""Filing a complaint: receipts shown once and stored only as keyed hashes, identities sealed,
files cleaned, bad input refused with nothing written, repeats filed once."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image

from ombud.audit.models import AuditEntry
from ombud.audit.selectors import audit_verify
from ombud.core import keys
from ombud.core.files import open_blob
from ombud.intake.models import Complainant, Complaint, ComplaintFile
from ombud.intake.proofs import proof_verify
from ombud.intake.receipts import receipt_normalize
from ombud.intake.services import (
    UploadInput,
    complainant_add_files,
    complainant_identity_reveal,
    complaint_by_receipt,
    complaint_digest,
    complaint_file,
)
from tests.intake.conftest import Force, complaint_about

NAME, PHONE = "Qorvath Zindelmeyer", "+850-19-7731-4482"


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"  # camera maker
    exif[0x013B] = "Villager Name"  # artist
    exif[0x8825] = {1: "N", 2: (41.0, 24.0, 0.0), 3: "E", 4: (129.0, 12.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_receipt_has_five_groups_of_four_and_at_least_80_bits(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    # 20 characters of a 32-letter alphabet: 100 random bits.
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}", filed.receipt)
    others = {complaint_file(actor=None, data=complaint_about(force.grain_officer)).receipt for _ in range(5)}
    assert filed.receipt not in others and len(others) == 5


def test_only_a_keyed_hash_of_the_receipt_is_stored(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    stored = Complaint.objects.get(pk=filed.complaint.pk)
    assert stored.receipt_digest and filed.receipt not in stored.receipt_digest
    assert len(stored.receipt_digest) == 64


def test_the_receipt_opens_its_complaint_however_it_is_typed(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    typed = filed.receipt.lower().replace("-", " ").replace("0", "o")
    assert complaint_by_receipt(typed) == filed.complaint
    assert receipt_normalize("too-short") is None


def test_a_wrong_receipt_opens_nothing(force: Force) -> None:
    complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert complaint_by_receipt("0000-0000-0000-0000-0000") is None
    assert complaint_by_receipt("not a receipt at all") is None


def test_a_receipt_expires_a_year_after_its_complaint_closed(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    long_ago = timezone.now() - dt.timedelta(days=500)
    Complaint.objects.filter(pk=filed.complaint.pk).update(
        status=Complaint.Status.CLOSED, received_at=long_ago, closed_at=long_ago + dt.timedelta(days=90)
    )
    assert complaint_by_receipt(filed.receipt) is None


def test_a_named_complainant_is_sealed_and_revealed_only_with_a_reason(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    investigator = make_member(force.body_a)
    filed = complaint_file(
        actor=None, data=complaint_about(force.grain_officer, anonymous=False, name=NAME, contact=PHONE)
    )
    complainant = Complainant.objects.get()
    assert NAME.encode() not in bytes(complainant.name_sealed or b"")
    assert PHONE.encode() not in bytes(complainant.contact_sealed or b"")
    with pytest.raises(ValidationError):
        complainant_identity_reveal(actor=investigator, complaint=filed.complaint, reason="")
    with pytest.raises(PermissionDenied):
        complainant_identity_reveal(actor=None, complaint=filed.complaint, reason="Need to interview the witness")
    identity = complainant_identity_reveal(
        actor=investigator, complaint=filed.complaint, reason="Need to interview the witness"
    )
    assert identity is not None and (identity.name, identity.contact) == (NAME, PHONE)
    entry = AuditEntry.objects.get(action="complainant.identity.view")
    assert NAME not in entry.payload and "interview" not in entry.payload
    # Nor a plain hash of the reason, which anyone reading the log could test a guess against.
    import hashlib
    import json

    assert hashlib.sha256(b"Need to interview the witness").hexdigest() not in entry.payload
    assert json.loads(entry.payload)["reason_hmac"] == keys.keyed_digest(
        "Need to interview the witness", "identity-reason"
    )


def test_an_anonymous_complainant_has_nothing_stored(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert filed.complaint.complainant is None
    investigator = make_member(force.body_a)
    reason = "Need to interview the witness"
    assert complainant_identity_reveal(actor=investigator, complaint=filed.complaint, reason=reason) is None


def test_an_anonymous_complaint_with_a_name_is_refused(force: Force) -> None:
    with pytest.raises(ValidationError) as raised:
        complaint_file(actor=None, data=complaint_about(force.grain_officer, anonymous=True, name=NAME))
    assert "anonymous" in raised.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "   "}, "description"),
        ({"anonymous": False, "name": ""}, "name"),
        ({"occurred_on": dt.date(2999, 1, 1)}, "occurred_on"),
        ({"description": "x" * 20001}, "description"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    force: Force, overrides: dict[str, object], field: str
) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        complaint_file(actor=None, data=complaint_about(force.grain_officer, **overrides))
    assert field in raised.value.message_dict
    assert Complaint.objects.count() == 0
    assert AuditEntry.objects.count() == entries


def test_a_photo_loses_its_gps_camera_and_author(force: Force) -> None:
    photo = _jpeg_with_gps()
    assert b"SnoopCam" in photo
    filed = complaint_file(
        actor=None, data=complaint_about(force.grain_officer, files=[UploadInput("field.jpg", photo)])
    )
    stored = ComplaintFile.objects.get(complaint=filed.complaint)
    kept = open_blob(stored.sha256)
    assert b"SnoopCam" not in kept and b"Villager Name" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (32, 24)
        assert not image.getexif()
    assert stored.content_type == "image/jpeg"


def _pdf(metadata: dict[str, str], password: str = "") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata(metadata)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_loses_its_author_and_the_file_its_name(force: Force) -> None:
    from pypdf import PdfReader

    pdf = _pdf({"/Author": "Li Wei, 13800138000", "/Creator": "Word - complaint_LiWei.docx"})
    assert b"Li Wei" in pdf
    files = [
        UploadInput("IMG_20250301_LiWei.pdf", pdf),
        UploadInput("LiWei-notes.txt", b"The store is behind the mill."),
    ]
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer, files=files))
    stored = list(ComplaintFile.objects.filter(complaint=filed.complaint).order_by("pk"))
    assert [f.name for f in stored] == ["attachment-1.pdf", "attachment-2.txt"]
    kept = open_blob(stored[0].sha256)
    assert b"Li Wei" not in kept and b"LiWei" not in kept
    assert len(PdfReader(io.BytesIO(kept)).pages) == 1
    # Added later through the receipt: numbered on.
    added, refused = complainant_add_files(
        complaint=filed.complaint,
        files=[UploadInput("LiWei-2.pdf", pdf), UploadInput("locked.pdf", _pdf({}, "pw"))],
    )
    assert added == 1 and [r.name for r in refused] == ["locked.pdf"] and "password" in refused[0].why
    assert ComplaintFile.objects.filter(complaint=filed.complaint).latest("pk").name == "attachment-3.pdf"


def test_a_rejected_file_is_named_and_the_complaint_is_still_filed(force: Force) -> None:
    files = [
        UploadInput("virus.exe", b"MZ\x90\x00binary"),
        UploadInput("note.txt", b"The store is behind the mill."),
    ]
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer, files=files))
    assert [r.name for r in filed.refused_files] == ["virus.exe"]
    assert ComplaintFile.objects.filter(complaint=filed.complaint).count() == 1


def test_a_file_over_the_limit_is_refused(force: Force, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OMBUD_MAX_UPLOAD_BYTES = 1024
    filed = complaint_file(
        actor=None, data=complaint_about(force.grain_officer, files=[UploadInput("big.txt", b"a" * 2048)])
    )
    assert filed.refused_files[0].name == "big.txt"
    assert "limit" in filed.refused_files[0].why


def test_a_repeated_submission_with_the_same_key_files_one_complaint(force: Force) -> None:
    key = "phone-retry-7f3a9c21"
    first = complaint_file(actor=None, data=complaint_about(force.grain_officer, idempotency_key=key))
    second = complaint_file(actor=None, data=complaint_about(force.grain_officer, idempotency_key=key))
    assert Complaint.objects.count() == 1
    assert second.repeated and second.receipt == first.receipt
    assert complaint_by_receipt(second.receipt) == first.complaint


def test_the_same_key_with_other_content_is_refused(force: Force) -> None:
    key = "phone-retry-7f3a9c21"
    complaint_file(actor=None, data=complaint_about(force.grain_officer, idempotency_key=key))
    with pytest.raises(ValidationError):
        complaint_file(
            actor=None, data=complaint_about(force.grain_officer, idempotency_key=key, description="Other.")
        )
    assert Complaint.objects.count() == 1


def test_the_proof_of_filing_verifies_and_carries_no_content(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    check = proof_verify(filed.proof)
    assert check.ok
    assert check.statement["body"] == force.body_a.code
    assert check.statement["digest"] == complaint_digest(filed.complaint)
    assert "grain" not in str(check.statement)


def test_an_altered_proof_fails(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    message, signature = filed.proof.split(".")
    forged = message[:-2] + ("A" if message[-2] != "A" else "B") + message[-1] + "." + signature
    assert not proof_verify(forged).ok
    out = io.StringIO()
    call_command("receipt", "verify", filed.proof, stdout=out)
    assert "Valid proof" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("receipt", "verify", forged)


def test_every_filing_is_audited_and_the_chain_holds(force: Force) -> None:
    filed = complaint_file(
        actor=None, data=complaint_about(force.grain_officer, anonymous=False, name=NAME, contact=PHONE)
    )
    entry = AuditEntry.objects.get(action="complaint.file")
    assert entry.object_id == str(filed.complaint.pk)
    assert NAME not in entry.payload and "grain" not in entry.payload
    assert audit_verify().ok
