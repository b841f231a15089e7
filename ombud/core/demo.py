"""The demo province's users, one per role, placed where that role has something to show; and
casework at every stage (evidence with custody, findings proposed and decided, measures from
proposed to ended) made through the same services people use, so the demo shows real workflows."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from PIL import Image, ImageDraw

from ombud.accounts.models import Membership, Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.audit.services import audit_record
from ombud.cases.models import Allegation, Case, CustodyEntry, EvidenceItem, Finding
from ombud.cases.services import (
    allegation_add,
    case_open,
    custody_record,
    evidence_add,
    finding_decide,
    finding_propose,
)
from ombud.discipline.models import Measure
from ombud.discipline.services import (
    follow_up_add,
    measure_appeal,
    measure_decide,
    measure_notify,
    measure_propose,
    measure_respond,
    measures_apply,
)
from ombud.intake.models import Category
from ombud.org.models import Officer, OversightBody, Unit
from ombud.reviews.demo import demo_reviews_ensure


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    where: str


def _password() -> str:
    # Readable aloud, still about 64 bits: a demo on localhost, but no well-known password.
    return "-".join(secrets.token_hex(2) for _ in range(4))


def demo_body() -> OversightBody | None:
    """The county body with the most complaints: the demo's staff work there."""
    return (
        OversightBody.objects.filter(level__gte=1)
        .annotate(n=Count("complaints"))
        .order_by("-level", "-n", "pk")
        .first()
    )


def _ensure_user(username: str, password: str, role: Role, **kwargs: Any) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        body, unit, officer = kwargs.get("body"), kwargs.get("unit"), kwargs.get("officer")
        user = user_create(
            actor=None,
            username=username,
            password=password,
            officer=officer,
            check_password=False,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        if role != Role.OFFICER:
            membership_grant(actor=None, user=user, role=role, body=body, unit=unit, start_on=dt.date(2000, 1, 1))
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=None, action="user.password_reset", obj=user)
    return user


def demo_users_ensure() -> list[DemoLogin]:
    """Create the demo users if missing (with casework for them) and give each a fresh password.

    Passwords are never stored in clear, so they are reset on each run in order to be printed."""
    body = demo_body()
    if body is None:
        return []
    station = (
        Unit.objects.filter(kind__is_station=True, path__startswith=body.seat.path)
        .annotate(n=Count("officers"))
        .order_by("-n", "pk")
        .first()
    )
    names = ("admin", "clerk", "investigator", "head", "deputy", "supervisor", "analyst", "officer")
    passwords = {name: _password() for name in names}
    with transaction.atomic():
        _ensure_user("admin", passwords["admin"], Role.ADMINISTRATOR)
        _ensure_user("clerk", passwords["clerk"], Role.INTAKE_CLERK, body=body)
        investigator = _ensure_user("investigator", passwords["investigator"], Role.INVESTIGATOR, body=body)
        head = _ensure_user("head", passwords["head"], Role.BODY_HEAD, body=body)
        _ensure_user("deputy", passwords["deputy"], Role.BODY_HEAD, body=body)
        _ensure_user("supervisor", passwords["supervisor"], Role.SUPERVISOR, unit=station)
        _ensure_user("analyst", passwords["analyst"], Role.ANALYST)
    officer_user = User.objects.filter(username="officer").first()
    if officer_user is None:
        accused = demo_casework_ensure(body=body, investigator=investigator, head=head)
        officer_user = _ensure_user("officer", passwords["officer"], Role.OFFICER, officer=accused)
        if accused is not None:
            demo_due_process(officer_user=officer_user, head=head)
    else:
        with transaction.atomic():
            _ensure_user("officer", passwords["officer"], Role.OFFICER)
    logins = []
    for user in User.objects.filter(username__in=passwords).select_related("officer").order_by("pk"):
        membership = Membership.objects.filter(user=user).select_related("body", "unit").first()
        role = membership.get_role_display() if membership else (Role.OFFICER.label if user.officer else "")
        where = str(membership.body or membership.unit or "") if membership else str(user.officer or "")
        logins.append(DemoLogin(user.username, passwords[user.username], str(role), where))
    demo_reviews_ensure()  # once: it does nothing when a directive exists
    return logins


# -- casework at every stage ----------------------------------------------------------------------------


def _photo(seed: int) -> bytes:
    """A small picture standing in for a photo of the goods handed over."""
    image = Image.new("RGB", (240, 160), (230, 225, 210))
    draw = ImageDraw.Draw(image)
    for k in range(6):
        x = (seed * 37 + k * 41) % 200
        draw.rectangle([x, 20 + k * 20, x + 35, 35 + k * 20], fill=(120 + k * 20, 90, 60))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _open_cases(body: OversightBody, investigator: User, wanted: int) -> list[Case]:
    """The body's open cases, topped up with inquiries opened on its own initiative into the
    officers most complained about in its area."""
    cases = list(Case.objects.filter(body=body, status=Case.Status.OPEN).order_by("-opened_at", "pk")[:wanted])
    suspects = (
        Officer.objects.filter(unit__path__startswith=body.seat.path, status=Officer.Status.ACTIVE)
        .annotate(n=Count("complaint_subjects"))
        .order_by("-n", "pk")
    )
    for officer in suspects[: max(0, wanted - len(cases))]:
        case = case_open(
            actor=investigator,
            body=body,
            title=f"Inquiry into {officer.full_name}",
            summary="Opened on the committee's own initiative after repeated complaints from his villages.",
        )
        allegation_add(
            actor=investigator,
            case=case,
            category=Category.objects.get(code="bribery"),
            officer=officer,
            particulars={"goods": "grain", "value": 400},
        )
        cases.append(case)
    return cases


def _officer_allegation(case: Case, investigator: User) -> Allegation:
    pending = (
        case.allegations.filter(officer__isnull=False, finding="", proposed_finding="")
        .select_related("officer")
        .first()
    )
    if pending is not None:
        return pending
    officer = (
        Officer.objects.filter(complaint_subjects__complaint__cases=case).first()
        or Officer.objects.filter(allegations__case=case).first()
        or Officer.objects.filter(unit__path__startswith=case.body.seat.path, status=Officer.Status.ACTIVE).first()
    )
    return allegation_add(
        actor=investigator,
        case=case,
        category=Category.objects.get(code="bribery"),
        officer=officer,
        particulars={"goods": "grain", "value": 250},
    )


def demo_casework_ensure(*, body: OversightBody, investigator: User, head: User) -> Officer | None:
    """Evidence, findings and measures at every stage in the demo body's open cases. Returns the
    officer whose own account will respond to and appeal his measures."""
    if EvidenceItem.objects.exists():
        return None
    cases = _open_cases(body, investigator, 9)
    today = timezone.localdate()
    accused: Officer | None = None
    for i, case in enumerate(cases):
        with transaction.atomic():
            photo = evidence_add(
                actor=investigator,
                case=case,
                name=f"handover-{i + 1}.png",
                data=_photo(i),
                description="Photograph of the goods handed over",
                received_from="a villager",
            )
            evidence_add(
                actor=investigator,
                case=case,
                name=f"statement-{i + 1}.txt",
                data=f"Statement taken on {today:%Y-%m-%d}: the officer accepted goods to look away.\n".encode(),
                description="Witness statement",
                received_from="investigator",
            )
            custody_record(
                actor=investigator,
                item=photo,
                action=CustodyEntry.Action.TRANSFERRED,
                from_party="investigator",
                to_party="evidence room",
            )
            kind, stage = _STAGES[(i - 1) % len(_STAGES)] if i else (Measure.Kind.WARNING, "finding")
            if stage == "appealed" and accused is not None:
                # The same officer's second measure, so his one account shows a response and an appeal.
                allegation = allegation_add(
                    actor=investigator, case=case, category=Category.objects.get(code="collusion"), officer=accused
                )
            else:
                allegation = _officer_allegation(case, investigator)
            finding_propose(
                actor=investigator,
                allegation=allegation,
                finding=Finding.SUSTAINED,
                reason="Photograph and two consistent statements.",
            )
            if i == 0:
                continue  # a finding proposed and awaiting the head's decision
            allegation = finding_decide(actor=head, allegation=allegation)
            assert allegation.officer is not None
            starts = today + dt.timedelta(days=30) if stage == "decided" else today - dt.timedelta(days=20)
            ends = starts + dt.timedelta(days=90) if kind == Measure.Kind.SUSPENSION else None
            if stage == "ended":
                starts, ends = today - dt.timedelta(days=120), today - dt.timedelta(days=30)
            backdated = starts < today
            measure = measure_propose(
                actor=investigator,
                case=case,
                officer=allegation.officer,
                kind=kind,
                allegation=allegation,
                reason="Sustained finding of bribery in grain.",
                starts_on=today if backdated else starts,
                ends_on=today + (ends - starts) if backdated and ends else ends,
            )
            if backdated:
                # As if proposed months ago: the service itself refuses a start before today.
                Measure.objects.filter(pk=measure.pk).update(starts_on=starts, ends_on=ends)
                measure.refresh_from_db()
            if stage == "proposed":
                continue
            measure_notify(actor=investigator, measure=measure, response_days=1 if stage != "notified" else 14)
            if stage in ("responded", "appealed"):
                accused = accused or allegation.officer
                continue
            if stage == "notified":
                continue
            # The response time has run out: as if notice had been served three weeks ago.
            Measure.objects.filter(pk=measure.pk).update(response_due_on=today - dt.timedelta(days=1))
            measure = measure_decide(
                actor=head, measure=measure, approve=True, text="Approved after the time to respond."
            )
            if backdated:
                # As if decided months ago too: a decision made today would start it today.
                Measure.objects.filter(pk=measure.pk).update(starts_on=starts, ends_on=ends)
                measure.refresh_from_db()
            if kind == Measure.Kind.CRIMINAL_REFERRAL:
                follow_up_add(
                    actor=head,
                    measure=measure,
                    description="Send the package to the prosecutor.",
                    due_on=today + dt.timedelta(days=14),
                )
    measures_apply(actor=None, on=today)
    return accused


_STAGES: list[tuple[str, str]] = [
    (Measure.Kind.STANDBY, "proposed"),
    (Measure.Kind.REPRIMAND, "notified"),
    (Measure.Kind.SUSPENSION, "responded"),
    (Measure.Kind.SUSPENSION, "decided"),
    (Measure.Kind.SUSPENSION, "in_force"),
    (Measure.Kind.WARNING, "appealed"),
    (Measure.Kind.CRIMINAL_REFERRAL, "in_force"),
    (Measure.Kind.SUSPENSION, "ended"),
]


def demo_due_process(*, officer_user: User, head: User) -> None:
    """The accused officer answers his notices through his own account; one answer becomes an appeal."""
    waiting = list(
        Measure.objects.filter(officer=officer_user.officer, state=Measure.State.NOTIFIED).order_by("pk")
    )
    for n, measure in enumerate(waiting):
        measure_respond(
            actor=officer_user, measure=measure, text="I deny it: the grain was a gift for my mother's funeral."
        )
        if n == 1:
            measure_decide(
                actor=head, measure=measure, approve=True, text="The response does not explain the ledger."
            )
            measure_appeal(actor=officer_user, measure=measure, text="A new witness will confirm the gift.")
