"""Writes to complaints: filing (portal, clerk, API), acknowledgement, messages, evidence from the
complainant, revealing a named complainant's identity, and escalation. Each is one transaction with
its audit entries; nothing a complainant submits is dropped."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.accounts.models import Role
from ombud.accounts.scope import scope_for
from ombud.audit.services import audit_record
from ombud.core import keys
from ombud.core.files import FileRefused, attachment_name, clean_upload, store_blob
from ombud.core.keys import seal, unseal
from ombud.intake.models import (
    Category,
    ClosingReason,
    Complainant,
    Complaint,
    ComplaintEvent,
    ComplaintFile,
    ComplaintSubject,
    Message,
)
from ombud.intake.receipts import receipt_digest, receipt_new
from ombud.intake.routing import NoBodyQualifies, route
from ombud.intake.selectors import may_reveal_identity, review_open_until
from ombud.org.models import Officer, Official, OversightBody, Place

MAX_DESCRIPTION = 20_000


@dataclass(frozen=True)
class SubjectInput:
    officer: Officer | None = None
    official: Official | None = None
    description: str = ""


@dataclass(frozen=True)
class UploadInput:
    name: str
    data: bytes


@dataclass
class ComplaintInput:
    description: str
    subjects: list[SubjectInput] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    occurred_on: dt.date | None = None
    place: Place | None = None
    place_text: str = ""
    anonymous: bool = True
    name: str = ""
    contact: str = ""
    addressee: OversightBody | None = None
    channel: str = Complaint.Channel.PORTAL
    files: list[UploadInput] = field(default_factory=list)
    idempotency_key: str = ""


@dataclass(frozen=True)
class FiledComplaint:
    complaint: Complaint
    receipt: str
    proof: str
    refused_files: list[FileRefused]
    repeated: bool = False


def _validate(data: ComplaintInput, today: dt.date) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    if not data.description.strip():
        errors["description"].append(_("Say what happened."))
    elif len(data.description) > MAX_DESCRIPTION:
        errors["description"].append(_("Keep the description under %(n)s characters.") % {"n": MAX_DESCRIPTION})
    if data.occurred_on is not None and data.occurred_on > today:
        errors["occurred_on"].append(_("The date cannot be in the future."))
    if not data.anonymous and not data.name.strip():
        errors["name"].append(_("Give your name, or choose to stay anonymous."))
    if data.anonymous and (data.name.strip() or data.contact.strip()):
        errors["anonymous"].append(_("An anonymous complaint keeps no name or contact; leave them empty."))
    if len(data.name) > 200 or len(data.contact) > 200:
        errors["name"].append(_("Name and contact must be under 200 characters."))
    for subject in data.subjects:
        given = sum(
            x is not None and x != "" for x in (subject.officer, subject.official, subject.description.strip())
        )
        if given != 1:
            errors["subjects"].append(_("Each person named is an officer, an official or a description."))
        if len(subject.description) > 300:
            errors["subjects"].append(_("Describe each person in under 300 characters."))
    if len(data.place_text) > 200:
        errors["place"].append(_("Describe the place in under 200 characters."))
    texts = [
        ("description", data.description),
        ("name", data.name),
        ("contact", data.contact),
        ("place", data.place_text),
    ]
    texts += [("subjects", s.description) for s in data.subjects]
    for field_name, text in texts:
        if "\x00" in text:
            errors[field_name].append(_("Remove the null characters from this text."))
    if errors:
        raise ValidationError(dict(errors))


def complaint_digest(complaint: Complaint) -> str:
    """SHA-256 of the complaint's content as filed: the proof of filing carries it, so a complainant
    can later show that this content was filed without the proof revealing it."""
    subjects = sorted(
        (s.kind, s.officer_id or 0, s.official_id or 0, s.description) for s in complaint.subjects.all()
    )
    content = {
        "reference": complaint.reference,
        "description": complaint.description,
        "occurred_on": str(complaint.occurred_on or ""),
        "place": complaint.place_id,
        "place_text": complaint.place_text,
        "subjects": subjects,
        "categories": sorted(c.code for c in complaint.categories.all()),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def proof_make(complaint: Complaint, body: OversightBody) -> str:
    """A signed proof of filing: date, receiving body and content digest, nothing of the content."""
    statement = {
        "v": 1,
        "reference": complaint.reference,
        "filed_at": complaint.received_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "body": body.code,
        "body_name": body.name,
        "digest": complaint_digest(complaint),
        "signer": keys.fingerprint(),
    }
    message = json.dumps(statement, sort_keys=True, separators=(",", ":")).encode()
    signature = keys.sign(message)
    return _b64(message) + "." + _b64(signature)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# How long a retry with the same idempotency key gets the receipt back.
IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)


def _idempotent_receipt(idempotency_key: str, content: str) -> str:
    """The receipt for a keyed submission is derived, not stored: a retry with the same key and the
    same content gets the same receipt back; nobody without the instance's key can derive it."""
    mac = hmac.new(keys.keyed_digest(idempotency_key, "idempotency").encode(), content.encode(), hashlib.sha256)
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    number = int.from_bytes(mac.digest()[:13], "big")
    chars = "".join(alphabet[(number >> (5 * i)) & 31] for i in range(20))
    return "-".join(chars[i : i + 4] for i in range(0, 20, 4))


def _submission_fingerprint(data: ComplaintInput) -> str:
    """What a retry must repeat to get the receipt back: the content and the identity too, so that
    someone who knows a complaint's text and its key (staff read the text) cannot take its receipt
    by sending the text again, anonymously or under another name."""
    return json.dumps(
        {
            "a": data.anonymous,
            "n": data.name,
            "k": data.contact,
            "d": data.description,
            "o": str(data.occurred_on or ""),
            "p": data.place.pk if data.place else None,
            "s": [
                (s.officer.pk if s.officer else 0, s.official.pk if s.official else 0, s.description)
                for s in data.subjects
            ],
            "c": sorted(c.code for c in data.categories),
        },
        sort_keys=True,
    )


def _reference(now: dt.datetime) -> str:
    # Short, unguessable enough not to be enumerated, and readable over the phone.
    return f"C-{now:%Y}-{receipt_new()[:9]}"


def complaint_file(*, actor: Any, data: ComplaintInput, now: dt.datetime | None = None) -> FiledComplaint:
    """File, route and deadline a complaint; return it with its receipt (shown once) and proof.

    Files that fail their checks are refused by name and the complaint is filed without them."""
    now = now or timezone.now()
    _validate(data, timezone.localdate(now))
    idem_digest = keys.keyed_digest(data.idempotency_key, "idempotency") if data.idempotency_key else None
    if idem_digest is not None:
        existing = Complaint.objects.filter(idempotency_key=idem_digest).select_related("routed_to").first()
        if existing is not None:
            receipt = _idempotent_receipt(data.idempotency_key, _submission_fingerprint(data))
            if existing.receipt_digest != receipt_digest(receipt):
                raise ValidationError({"idempotency_key": _("This key was used for a different complaint.")})
            if now - existing.received_at > IDEMPOTENCY_WINDOW:
                # A retry comes within minutes; a key replayed later is someone else's guess.
                raise ValidationError(
                    {
                        "idempotency_key": _(
                            "This key was used more than a day ago: send the complaint with a new key."
                        )
                    }
                )
            assert existing.routed_to is not None
            with transaction.atomic():
                audit_record(actor=actor, action="complaint.file.repeat", obj=existing)
            return FiledComplaint(existing, receipt, proof_make(existing, existing.routed_to), [], repeated=True)
    cleaned: list[tuple[UploadInput, bytes, str]] = []
    refused: list[FileRefused] = []
    for upload in data.files:
        try:
            kept, content_type = clean_upload(upload.name, upload.data)
        except FileRefused as exc:
            refused.append(exc)
        else:
            cleaned.append((upload, kept, content_type))
    officers = [s.officer for s in data.subjects if s.officer is not None]
    try:
        decision = route(officers=officers, place=data.place, addressee=data.addressee, on=timezone.localdate(now))
    except NoBodyQualifies:
        raise ValidationError({"subjects": _("No oversight body can take this complaint yet.")}) from None
    receipt = (
        _idempotent_receipt(data.idempotency_key, _submission_fingerprint(data))
        if data.idempotency_key
        else receipt_new()
    )
    with transaction.atomic():
        complainant = _complainant_make(data)
        body = decision.body
        complaint = Complaint.objects.create(
            reference=_reference(now),
            received_at=now,
            occurred_on=data.occurred_on,
            place=data.place,
            place_text=data.place_text.strip(),
            description=data.description.strip(),
            channel=data.channel,
            complainant=complainant,
            addressee=data.addressee,
            routed_to=body,
            routing_reason=decision.reason,
            ack_due_at=now + dt.timedelta(days=body.ack_days),
            action_due_at=now + dt.timedelta(days=body.action_days),
            receipt_digest=receipt_digest(receipt),
            idempotency_key=idem_digest,
        )
        complaint.categories.set(data.categories)
        ComplaintSubject.objects.bulk_create(
            [
                ComplaintSubject(
                    complaint=complaint,
                    kind=(
                        ComplaintSubject.Kind.OFFICER
                        if s.officer
                        else ComplaintSubject.Kind.OFFICIAL
                        if s.official
                        else ComplaintSubject.Kind.UNIDENTIFIED
                    ),
                    officer=s.officer,
                    official=s.official,
                    description=s.description.strip(),
                    unit=s.officer.unit if s.officer else None,
                )
                for s in data.subjects
            ]
        )
        for number, (_upload, kept, content_type) in enumerate(cleaned, start=1):
            digest = store_blob(kept)
            ComplaintFile.objects.create(
                complaint=complaint,
                sha256=digest,
                name=attachment_name(content_type, number),
                content_type=content_type,
                size=len(kept),
                added_at=now,
            )
        ComplaintEvent.objects.bulk_create(
            [
                ComplaintEvent(complaint=complaint, kind=ComplaintEvent.Kind.FILED, at=now),
                ComplaintEvent(complaint=complaint, kind=ComplaintEvent.Kind.ROUTED, at=now, body=body),
            ]
        )
        audit_record(
            actor=actor,
            action="complaint.file",
            obj=complaint,
            data={
                "channel": data.channel,
                "routed_to": body.pk,
                "rule": decision.reason.get("rule"),
                "anonymous": complainant is None or complainant.anonymous,
                "subjects": len(data.subjects),
                "files": len(cleaned),
                "refused_files": len(refused),
            },
        )
        proof = proof_make(complaint, body)
    return FiledComplaint(complaint, receipt, proof, refused)


def _complainant_make(data: ComplaintInput) -> Complainant | None:
    if data.anonymous:
        return None
    name, contact = data.name.strip(), data.contact.strip()
    field_keys = keys.field_keys()
    return Complainant.objects.create(
        anonymous=False,
        name_sealed=keys.seal(name, "complainant.name", field_keys),
        contact_sealed=keys.seal(contact, "complainant.contact", field_keys) if contact else None,
        key_id=field_keys.current_id,
        identity_digest=keys.keyed_digest(f"{name.casefold()}\x00{contact.casefold()}", "complainant"),
    )


# -- the complainant's side, through the receipt ---------------------------------------------------


def complaint_by_receipt(receipt: str) -> Complaint | None:
    """The complaint a receipt opens, or None for a wrong or expired one (callers answer both alike).

    The lookup is by keyed hash: an index probe whose timing says nothing an attacker can use, and
    the digests are compared in constant time."""
    from ombud.intake.receipts import receipt_normalize

    normal = receipt_normalize(receipt)
    digest = receipt_digest(normal or "invalid")
    complaint = Complaint.objects.filter(receipt_digest=digest).first()
    if normal is None or complaint is None or not hmac.compare_digest(complaint.receipt_digest or "", digest):
        return None
    keep_days = getattr(settings, "OMBUD_RECEIPT_DAYS_AFTER_CLOSE", 365)
    if complaint.closed_at is not None and complaint.closed_at + dt.timedelta(days=keep_days) < timezone.now():
        return None
    return complaint


def _message_check(text: str) -> None:
    """What a message between a complainant and the body must be, whoever writes it."""
    if not text.strip():
        raise ValidationError({"message": _("Write a message.")})
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError({"message": _("The message is too long.")})
    if "\x00" in text:
        raise ValidationError({"message": _("Remove the null characters from this text.")})


def complainant_message(*, complaint: Complaint, text: str) -> Message:
    _message_check(text)
    with transaction.atomic():
        message = Message.objects.create(
            complaint=complaint, from_complainant=True, body=text.strip(), at=timezone.now()
        )
        audit_record(
            actor=None, action="complaint.message.complainant", obj=complaint, data={"message": message.pk}
        )
        return message


def complainant_add_files(*, complaint: Complaint, files: list[UploadInput]) -> tuple[int, list[FileRefused]]:
    added = 0
    refused: list[FileRefused] = []
    now = timezone.now()
    with transaction.atomic():
        number = complaint.files.count()
        for upload in files:
            try:
                kept, content_type = clean_upload(upload.name, upload.data)
            except FileRefused as exc:
                refused.append(exc)
                continue
            number += 1
            ComplaintFile.objects.create(
                complaint=complaint,
                sha256=store_blob(kept),
                name=attachment_name(content_type, number),
                content_type=content_type,
                size=len(kept),
                added_at=now,
            )
            added += 1
        if added:
            ComplaintEvent.objects.create(complaint=complaint, kind=ComplaintEvent.Kind.EVIDENCE_ADDED, at=now)
            audit_record(actor=None, action="complaint.files.add", obj=complaint, data={"added": added})
    return added, refused


# -- staff side -----------------------------------------------------------------------------------


def staff_message(*, actor: Any, complaint: Complaint, text: str) -> Message:
    _message_check(text)
    with transaction.atomic():
        message = Message.objects.create(
            complaint=complaint, from_complainant=False, author=actor, body=text.strip(), at=timezone.now()
        )
        audit_record(actor=actor, action="complaint.message.staff", obj=complaint, data={"message": message.pk})
        return message


def complaint_acknowledge(*, actor: Any, complaint: Complaint, now: dt.datetime | None = None) -> Complaint:
    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.acknowledged_at is not None:
            raise ValidationError(_("This complaint was already acknowledged."))
        complaint.acknowledged_at = now
        if complaint.status == Complaint.Status.RECEIVED:
            complaint.status = Complaint.Status.ACKNOWLEDGED
        complaint.save(update_fields=["acknowledged_at", "status"])
        ComplaintEvent.objects.create(
            complaint=complaint, kind=ComplaintEvent.Kind.ACKNOWLEDGED, at=now, body=complaint.routed_to
        )
        audit_record(actor=actor, action="complaint.acknowledge", obj=complaint)
        return complaint


# Why a body closes a complaint without opening a case: the complainant reads the reason, with the
# body's own words, and may ask the body above to review the closing.
CLOSING_REASONS = {reason.value: reason.label for reason in ClosingReason}
# The body's own words to the complainant: "no" is not a reason.
MIN_CLOSING_WORDS = 20


def complaint_close(
    *, actor: Any, complaint: Complaint, reason: str, explanation: str, now: dt.datetime | None = None
) -> Complaint:
    """A head of the body it is routed to closes a complaint no case was opened for, with one of
    ``CLOSING_REASONS`` and an explanation the complainant reads as a message. Closing is how a
    complaint could be buried, so it is a head's step, never a clerk's or an investigator's, the
    complainant is told why, and he may ask the body above to review it (``complaint_review_request``)."""
    now = now or timezone.now()
    if reason not in CLOSING_REASONS:
        raise ValidationError({"reason": _("Choose one of the reasons for closing.")})
    if len(explanation.strip()) < MIN_CLOSING_WORDS:
        raise ValidationError(
            {
                "explanation": _("Tell the complainant in a few words why (%(n)d characters or more).")
                % {"n": MIN_CLOSING_WORDS}
            }
        )
    _message_check(explanation)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
        body = complaint.routed_to
        if body is None or not scope_for(actor).acts_in(body.pk, {Role.BODY_HEAD}):
            raise PermissionDenied(_("Only a head of the body the complaint is with may close it."))
        if complaint.status == Complaint.Status.CLOSED:
            raise ValidationError(_("This complaint is already closed."))
        if complaint.cases.filter(status="open").exists():  # cases.models.Case.Status.OPEN
            raise ValidationError(_("A case holds this complaint: it closes with the case."))
        complaint.status = Complaint.Status.CLOSED
        complaint.closed_at = now
        complaint.save(update_fields=["status", "closed_at"])
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=ComplaintEvent.Kind.CLOSED,
            at=now,
            body=body,
            note=reason,
        )
        Message.objects.create(
            complaint=complaint, from_complainant=False, author=actor, body=explanation.strip(), at=now
        )
        audit_record(actor=actor, action="complaint.close", obj=complaint, data={"reason": reason})
        return complaint


def complaint_refer_up(*, actor: Any, complaint: Complaint, now: dt.datetime | None = None) -> Complaint:
    """The body it is with sends an open complaint to the body above (the complaint is beyond it: it
    concerns a senior officer, or a matter too large), as an escalation would, never sideways or down."""
    now = now or timezone.now()
    with transaction.atomic():
        # Checked under the lock the escalation takes: a closing or a case in between is seen.
        complaint = (
            Complaint.objects.select_for_update(of=("self",)).select_related("routed_to").get(pk=complaint.pk)
        )
        body = complaint.routed_to
        if body is None or not scope_for(actor).acts_in(body.pk, {Role.BODY_HEAD, Role.INVESTIGATOR}):
            raise PermissionDenied(
                _("Only the investigators and heads of the body the complaint is with may refer it.")
            )
        if complaint.status == Complaint.Status.CLOSED:
            raise ValidationError(_("A closed complaint is not referred: its complainant may ask for a review."))
        if complaint.cases.filter(status="open").exists():  # cases.models.Case.Status.OPEN
            raise ValidationError(_("A case holds this complaint: it goes where the case goes."))
        if not complaint_escalate(actor=actor, complaint=complaint, why="referred", as_of=now):
            raise ValidationError(_("The complaint is already with the highest body: there is none above."))
    complaint.refresh_from_db()
    return complaint


@dataclass(frozen=True)
class Identity:
    name: str
    contact: str


def _unsealed(complainant: Complainant | None, field_keys: keys.FieldKeys) -> Identity | None:
    if complainant is None or complainant.anonymous or complainant.name_sealed is None:
        return None
    sealed_contact = complainant.contact_sealed
    return Identity(
        name=keys.unseal(bytes(complainant.name_sealed), "complainant.name", field_keys),
        contact=keys.unseal(bytes(sealed_contact), "complainant.contact", field_keys) if sealed_contact else "",
    )


def complainant_names(complaints: Iterable[Complaint]) -> list[str]:
    """The names of these complaints' named complainants, unsealed in memory only for a machine
    check (a text to be published must not hold one); never shown, so not an audited read."""
    field_keys = keys.field_keys()
    identities = (_unsealed(c.complainant, field_keys) for c in complaints)
    return [identity.name for identity in identities if identity is not None and identity.name.strip()]


def complainant_identity_reveal(*, actor: Any, complaint: Complaint, reason: str) -> Identity | None:
    """A named complainant's identity, for a stated reason that goes into the audit log's record of
    the read (as a digest: the reason may itself hold personal data)."""
    if not may_reveal_identity(actor, complaint):
        raise PermissionDenied(
            _("Only the investigators and heads of the body handling the complaint may see who made it.")
        )
    if len(reason.strip()) < 10:
        raise ValidationError(
            {"reason": _("State why you need the complainant's identity (10 characters or more).")}
        )
    identity = _unsealed(complaint.complainant, keys.field_keys())
    if identity is None:
        return None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="complainant.identity.view",
            obj=complaint,
            data={
                # Keyed: a reason may hold the name, and a plain hash of it would let any reader of
                # the log confirm a guess. With the key, a reason shown later can still be checked.
                "reason_hmac": keys.keyed_digest(reason.strip(), "identity-reason"),
                "reason_length": len(reason),
            },
        )
    return identity


# -- escalation -------------------------------------------------------------------------------------


@dataclass
class EscalationReport:
    escalated: list[int] = field(default_factory=list)
    at_top: list[int] = field(default_factory=list)


def _overdue_q(as_of: dt.datetime) -> Q:
    unacknowledged = Q(status=Complaint.Status.RECEIVED, ack_due_at__lt=as_of)
    no_action = Q(status__in=[Complaint.Status.RECEIVED, Complaint.Status.ACKNOWLEDGED], action_due_at__lt=as_of)
    return unacknowledged | no_action


def complaint_escalate(*, actor: Any, complaint: Complaint, why: str, as_of: dt.datetime) -> bool | None:
    """Move the complaint one level up. False when it already sits with the top body; None when,
    read again under lock, it is no longer one to move: closed, or taken into a case, since it was
    found due (a review moves a closed complaint only)."""
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",)).select_related("routed_to").get(pk=complaint.pk)
        )
        if why == "review":
            movable = complaint.status == Complaint.Status.CLOSED
        else:
            movable = complaint.status in (Complaint.Status.RECEIVED, Complaint.Status.ACKNOWLEDGED)
        if not movable:
            return None
        current = complaint.routed_to
        officers = [s.officer for s in complaint.subjects.select_related("officer__unit") if s.officer]
        try:
            decision = route(
                officers=officers,
                place=complaint.place,
                above_level=current.level if current else None,
                on=timezone.localdate(as_of),
            )
        except NoBodyQualifies:
            return False
        body = decision.body
        previous = complaint.routed_to_id
        complaint.routed_to = body
        complaint.routing_reason = {**decision.reason, "escalated_from": previous, "why": why}
        complaint.escalations += 1
        complaint.status = Complaint.Status.RECEIVED
        complaint.acknowledged_at = None
        complaint.ack_due_at = as_of + dt.timedelta(days=body.ack_days)
        complaint.action_due_at = as_of + dt.timedelta(days=body.action_days)
        complaint.save(
            update_fields=[
                "routed_to",
                "routing_reason",
                "escalations",
                "status",
                "acknowledged_at",
                "ack_due_at",
                "action_due_at",
            ]
        )
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=ComplaintEvent.Kind.ESCALATED,
            at=as_of,
            body=body,
            note=_escalation_note(why),
        )
        audit_record(
            actor=actor,
            action="complaint.escalate",
            obj=complaint,
            data={"from": previous, "to": body.pk, "why": why},
        )
        transaction.on_commit(lambda: body_notify_escalation(body=body, complaint=complaint, why=why))
        return True


def body_notify_escalation(*, body: OversightBody, complaint: Complaint, why: str) -> int:
    """Tell the new body's members that a complaint climbed to them. The mail carries the reference
    and the reason only: nothing of its content, nothing of who filed it."""
    from django.core.mail import send_mass_mail

    from ombud.accounts.models import Membership

    today = timezone.localdate()
    recipients = sorted(
        set(
            Membership.objects.filter(body=body, start_on__lte=today)
            .filter(Q(end_on__isnull=True) | Q(end_on__gt=today))
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return 0
    subject = _("Complaint %(ref)s escalated to %(body)s") % {"ref": complaint.reference, "body": body.name}
    text = _escalation_note(why) + "\n\n" + _("Open your inbox in ombud to acknowledge it.")
    return send_mass_mail([(subject, text, None, [address]) for address in recipients], fail_silently=True)


def _escalation_note(why: str) -> str:
    notes = {
        "ack_deadline": _("Not acknowledged in time: sent to a higher body."),
        "action_deadline": _("No action in time: sent to a higher body."),
        "many_voices": _("Several people complained about the same officer: sent to a higher body."),
        "review": _("You asked for a review of how it was closed: sent to a higher body."),
        "referred": _("The body it was with referred it to a higher body."),
    }
    return notes.get(why, _("Sent to a higher body."))


# A request for review says why: "x" gives the body above nothing to look at.
MIN_REVIEW_REASON = 10


def complaint_review_request(*, complaint: Complaint, reason: str, now: dt.datetime | None = None) -> Complaint:
    """The complainant, with his receipt, asks the body above the one that closed his complaint to
    review it, saying why: the complaint is open again, with that body, with fresh deadlines, and his
    reasons are a message on it. The body that closed it can therefore be captured, and still not
    have the last word; each closing may be taken one level up, until the top."""
    now = now or timezone.now()
    _message_check(reason)
    if len(reason.strip()) < MIN_REVIEW_REASON:
        raise ValidationError(
            {
                "reason": _("Say in a sentence why it should be reviewed (%(n)d characters or more).")
                % {"n": MIN_REVIEW_REASON}
            }
        )
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
        until = review_open_until(complaint)
        if until is None:
            raise ValidationError(_("A review can be asked for once the complaint is closed."))
        if now > until:
            raise ValidationError(_("The time to ask for a review has ended."))
        if not complaint_escalate(actor=None, complaint=complaint, why="review", as_of=now):
            # False: the top body closed it (None cannot be: it was read closed under this lock).
            raise ValidationError(
                _("The complaint is already with the highest body: there is none above to review it.")
            )
        Complaint.objects.filter(pk=complaint.pk).update(closed_at=None)
        complainant_message(complaint=complaint, text=reason)
        audit_record(actor=None, action="complaint.review_request", obj=complaint)
        complaint.refresh_from_db()
        return complaint


def complaints_escalate_due(*, actor: Any = None, as_of: dt.datetime | None = None) -> EscalationReport:
    """Escalate every complaint past a deadline, and those about an officer that several distinct
    complainants reported within the window, one level each."""
    as_of = as_of or timezone.now()
    report = EscalationReport()
    overdue = Complaint.objects.filter(_overdue_q(as_of)).values_list("pk", "ack_due_at", "status")
    due: dict[int, str] = {}
    for pk, ack_due_at, status in overdue.iterator():
        late_ack = status == Complaint.Status.RECEIVED and ack_due_at is not None and ack_due_at < as_of
        due[pk] = "ack_deadline" if late_ack else "action_deadline"
    for pk in many_voices_due(as_of=as_of):
        due.setdefault(pk, "many_voices")
    for pk, why in sorted(due.items()):
        moved = complaint_escalate(actor=actor, complaint=Complaint(pk=pk), why=why, as_of=as_of)
        if moved:
            report.escalated.append(pk)
        elif moved is False:
            report.at_top.append(pk)
        # None: closed or taken into a case since it was listed.
    return report


def many_voices_due(*, as_of: dt.datetime) -> list[int]:
    """Open, never-escalated complaints about an officer named by at least N distinct complainants
    within the window (anonymous complaints count one each)."""
    window = dt.timedelta(days=getattr(settings, "OMBUD_MANY_VOICES_DAYS", 90))
    needed = getattr(settings, "OMBUD_MANY_VOICES_COMPLAINANTS", 3)
    # Every complaint of the window is a voice, whatever became of it: one closed as a duplicate,
    # or referred up, does not silence the others.
    rows = ComplaintSubject.objects.filter(
        officer__isnull=False,
        complaint__received_at__gte=as_of - window,
        complaint__received_at__lte=as_of,
    ).values_list(
        "officer_id",
        "complaint_id",
        "complaint__complainant__identity_digest",
        "complaint__status",
        "complaint__escalations",
    )
    voices: dict[int, set[str]] = defaultdict(set)
    complaints: dict[int, set[int]] = defaultdict(set)
    waiting = (Complaint.Status.RECEIVED, Complaint.Status.ACKNOWLEDGED)
    for officer_id, complaint_id, identity, status, escalations in rows:
        voices[officer_id].add(identity or f"anonymous:{complaint_id}")
        if status in waiting and escalations == 0:
            complaints[officer_id].add(complaint_id)
    return sorted({c for officer_id, ids in complaints.items() if len(voices[officer_id]) >= needed for c in ids})


def complainants_reseal(*, field_keys: keys.FieldKeys, progress: bool = False) -> int:
    """Re-encrypt every complainant's sealed fields under the current key, in one transaction."""
    from tqdm import tqdm

    sealed = Complainant.objects.filter(anonymous=False).exclude(key_id=field_keys.current_id)
    count = 0
    with transaction.atomic():
        for complainant in tqdm(sealed.select_for_update().iterator(), total=sealed.count(), disable=not progress):
            name = unseal(bytes(complainant.name_sealed or b""), "complainant.name", field_keys)
            contact_sealed = complainant.contact_sealed
            contact = unseal(bytes(contact_sealed), "complainant.contact", field_keys) if contact_sealed else None
            complainant.name_sealed = seal(name, "complainant.name", field_keys)
            complainant.contact_sealed = (
                seal(contact, "complainant.contact", field_keys) if contact is not None else None
            )
            complainant.key_id = field_keys.current_id
            complainant.save(update_fields=["name_sealed", "contact_sealed", "key_id"])
            count += 1
        audit_record(
            actor=None,
            action="keys.rotate",
            object_type="core.fieldkey",
            object_id=field_keys.current_id,
            data={"resealed": count},
        )
    return count
