"""Publishing decided outcomes. A body drafts the public wording of a case's outcome; a body head who
did not write it reviews it against the checklist and publishes it. No complainant may be
identifiable: a text holding the name of a complainant of the case (unsealed in memory for the
comparison only), a complaint reference, a receipt-like code, a telephone number or an e-mail
address is refused outright, and the reviewer answers for the rest by ticking the checklist."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ombud.accounts.models import Role
from ombud.audit.services import audit_record, audit_record_now
from ombud.cases.models import Case
from ombud.cases.services import _require_body_role
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Complaint
from ombud.intake.selectors import reads_identities_in
from ombud.intake.services import complainant_names
from ombud.transparency.models import PublishedOutcome

# What the reviewer confirms before publishing, item by item.
CHECKLIST: dict[str, Any] = {
    "no_complainant": gettext_lazy(
        "No complainant, witness or villager who reported is named or described, and nothing only a "
        "complainant would know is told."
    ),
    "no_small_group": gettext_lazy(
        "No household, small hamlet, date or detail singles anyone out among a few people."
    ),
    "decided": gettext_lazy("The outcome is decided: nothing in it is still a proposal or under appeal."),
    "notified": gettext_lazy("The officers concerned have been notified of the decisions described."),
}

# A receipt is 20 characters of Crockford base32 in groups of four; three groups are already too many,
# and so is a run of twelve letters and digits mixed.
_RECEIPT_GROUPS = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{4}(?:-[0-9A-Za-z]{4}){2,}(?![0-9A-Za-z])")
_RECEIPT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{12,}(?![0-9A-Za-z])")
MIXED = 2
# The portal's complaint references: C-2026-7KQ2-9XMD.
_REFERENCE = re.compile(r"(?<![\w-])C-\d{4}-[0-9A-Za-z]{4}-?[0-9A-Za-z]{4,5}(?![\w])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_TOKEN = re.compile(r"[\w-]{4,32}")
MIN_PHONE_DIGITS = 9


def outcome_text_problems(text: str) -> list[str]:
    """Why the text may identify a complainant, as sentences for the writer (empty: none found)."""
    problems = []
    tokens = {token.strip("-") for token in _TOKEN.findall(text)}
    quoted = Complaint.objects.filter(reference__in=[t for t in tokens if t]).values_list("reference", flat=True)
    if quoted.exists() or _REFERENCE.search(text):
        problems.append(_("The text quotes a complaint reference: a complainant could be traced through it."))
    groups = [m.group(0) for m in _RECEIPT_GROUPS.finditer(text) if any(ch.isdigit() for ch in m.group(0))]
    runs = [
        run
        for run in _RECEIPT_RUN.findall(text)
        if sum(ch.isdigit() for ch in run) >= MIXED and sum(ch.isalpha() for ch in run) >= MIXED
    ]
    if groups or runs:
        problems.append(_("The text holds a code that looks like a complainant's receipt."))
    if _EMAIL.search(text):
        problems.append(_("The text holds an e-mail address."))
    if any(sum(ch.isdigit() for ch in m.group(0)) >= MIN_PHONE_DIGITS for m in _PHONE.finditer(text)):
        problems.append(_("The text holds what looks like a telephone number."))
    return problems


def case_has_decided_outcome(case: Case) -> bool:
    """A finding decided, or a measure decided (in force, or ended): something the public may read."""
    decided = (Measure.State.DECIDED, Measure.State.IN_FORCE, Measure.State.ENDED)
    return (
        case.allegations.exclude(finding="").exists()
        or Measure.objects.filter(case=case, state__in=decided).exists()
    )


def measures_not_final(case: Case, now: dt.datetime | None = None, *, lock: bool = False) -> list[Measure]:
    """The case's measures whose outcome can still change: awaiting notice, response, decision or an
    appeal's decision, or decided with the time to appeal still running."""
    now = now or timezone.now()
    pending = (Measure.State.PROPOSED, Measure.State.NOTIFIED, Measure.State.RESPONDED, Measure.State.APPEALED)
    appealable = Q(state__in=(Measure.State.DECIDED, Measure.State.IN_FORCE), decided_at__isnull=False) & Q(
        decided_at__gt=now - dt.timedelta(days=settings.OMBUD_APPEAL_DAYS)
    )
    appealed = MeasureStep.objects.filter(measure=OuterRef("pk"), kind=MeasureStep.Kind.APPEAL)
    # Publishing locks the case's measures: no step may slip in between this check and the publication.
    measures = Measure.objects.select_for_update() if lock else Measure.objects.all()
    return list(
        measures.filter(case=case).filter(Q(state__in=pending) | (appealable & ~Exists(appealed))).order_by("pk")
    )


# A part of a name this long is distinctive enough to point at the person on its own.
NAME_PART = 4


def names_a_complainant(text: str, case: Case) -> bool:
    """Whether the text holds the name of someone who complained in this case, whole or a
    distinctive part of it (the names are unsealed in memory only for this comparison)."""
    folded = text.casefold()
    for name in complainant_names(case.complaints.select_related("complainant")):
        parts = [name, *(part for part in name.split() if len(part) >= NAME_PART)]
        if any(part.casefold() in folded for part in parts):
            return True
    return False


def _check(title: str, text: str, case: Case, *, actor: Any) -> None:
    """Refuses a text the public may not read. Whether it names a complainant is an answer about
    who complained: it is given only to those who may read the complainants' names anyway
    (``outcome_draft``), only on a case with an outcome to publish, and each such refusal is audited
    as a reading of the identity would be, so a draft cannot test names unseen."""
    if not case_has_decided_outcome(case):
        raise ValidationError({"case": _("Nothing in this case is decided yet: there is no outcome to publish.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the outcome a title.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the outcome as the public will read it.")})
    problems = outcome_text_problems(f"{title}\n{text}")
    if names_a_complainant(f"{title}\n{text}", case):
        audit_record_now(actor=actor, action="outcome.names_complainant", obj=case)
        problems.append(_("The text holds the name of someone who complained in this case."))
    if problems:
        raise ValidationError({"text": problems})


def outcome_draft(*, actor: Any, case: Case, title: str, text: str) -> PublishedOutcome:
    """Drafted by the investigators and heads of the case's body: the text is checked against the
    names of those who complained, which an administrator or a clerk may not read."""
    _require_body_role(actor, case.body, {Role.INVESTIGATOR, Role.BODY_HEAD})
    if not reads_identities_in(actor, case.body):
        raise PermissionDenied(_("The investigators and heads of the case's body write its outcomes."))
    _check(title, text, case, actor=actor)
    with transaction.atomic():
        outcome = PublishedOutcome.objects.create(
            case=case,
            title=title.strip(),
            text=text.strip(),
            drafted_by=actor,
            drafted_at=timezone.now(),
        )
        audit_record(actor=actor, action="outcome.draft", obj=outcome, data={"case": case.pk})
        return outcome


def outcome_publish(*, actor: Any, outcome: PublishedOutcome, checklist: list[str]) -> PublishedOutcome:
    """A body head other than the writer publishes the draft, having ticked every checklist item."""
    with transaction.atomic():
        outcome = (
            PublishedOutcome.objects.select_for_update(of=("self",))
            .select_related("case__body")
            .get(pk=outcome.pk)
        )
        if outcome.case is None:
            raise ValidationError(_("This outcome belongs to no case."))
        _require_body_role(actor, outcome.case.body, {Role.BODY_HEAD})
        if outcome.state != PublishedOutcome.State.DRAFT:
            raise ValidationError(_("This outcome is already published."))
        if outcome.drafted_by_id is not None and outcome.drafted_by_id == getattr(actor, "pk", None):
            raise PermissionDenied(_("The wording is reviewed by someone other than its writer (four eyes)."))
        missing = [key for key in CHECKLIST if key not in checklist]
        if missing:
            raise ValidationError({"checklist": _("Confirm every item of the checklist before publishing.")})
        _check(outcome.title, outcome.text, outcome.case, actor=actor)
        if measures_not_final(outcome.case, lock=True):
            raise ValidationError(
                _(
                    "A measure of this case is still awaiting its steps or open to appeal: publish once every "
                    "measure is final."
                )
            )
        outcome.state = PublishedOutcome.State.PUBLISHED
        outcome.checklist = sorted(CHECKLIST)
        outcome.published_at = timezone.now()
        outcome.published_by = actor
        outcome.save(update_fields=["state", "checklist", "published_at", "published_by"])
        audit_record(actor=actor, action="outcome.publish", obj=outcome, data={"case": outcome.case_id})
        return outcome
