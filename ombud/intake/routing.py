"""Capture-resistant routing: which oversight body receives a complaint, and why.

A body qualifies when it has jurisdiction over every subject's unit, sits at least one level above
it, and has no conflicted member: no member who is a subject, who serves in a subject's unit, who
was named together with a subject in an earlier complaint or case, or who supervises a subject's
unit or a unit above it (his chain of command). The search starts one level
above the subjects and climbs until a body qualifies. A complainant who addresses a higher body
gets that body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from ombud.accounts.models import Membership, Role
from ombud.cases.models import Allegation
from ombud.intake.models import ComplaintSubject
from ombud.org.models import Jurisdiction, Officer, OversightBody, Place, Unit


class NoBodyQualifies(Exception):
    """Not even the top body can take the complaint: an instance without bodies, or all conflicted."""


@dataclass
class RoutingDecision:
    body: OversightBody
    reason: dict[str, Any] = field(default_factory=dict)


def _subject_units(officers: list[Officer], place: Place | None) -> list[Unit]:
    units = [o.unit for o in officers if o.unit is not None]
    if not units and place is not None:
        units = [place.unit]
    return units


def body_covers(body: OversightBody, unit: Unit) -> bool:
    """Whether the unit lies in one of the body's jurisdictions."""
    return any(unit.path.startswith(j.unit.path) for j in body.jurisdictions.all())


def _conflicts(
    bodies: list[OversightBody], officers: list[Officer], units: list[Unit], on: dt.date
) -> dict[int, list[dict[str, Any]]]:
    """For each body, why it may not take the complaint (empty list: it may)."""
    memberships = list(
        Membership.objects.filter(body__in=bodies, start_on__lte=on)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
        .select_related("user__officer")
    )
    subject_ids = {o.pk for o in officers}
    unit_ids = {u.pk for u in units}
    member_officers = {m.user.officer.pk for m in memberships if m.user.officer is not None}
    co_subjects: set[int] = set()
    if subject_ids and member_officers:
        named_with = ComplaintSubject.objects.filter(officer_id__in=subject_ids).values("complaint_id")
        co_subjects.update(
            ComplaintSubject.objects.filter(
                complaint_id__in=named_with, officer_id__in=member_officers
            ).values_list("officer_id", flat=True)
        )
        alleged_with = Allegation.objects.filter(officer_id__in=subject_ids).values("case_id")
        co_subjects.update(
            Allegation.objects.filter(case_id__in=alleged_with, officer_id__in=member_officers).values_list(
                "officer_id", flat=True
            )
        )
        co_subjects -= subject_ids
    # The subjects' chain of command: members who supervise a subject's unit or a unit above it.
    chain_of_command = set(
        Membership.objects.filter(
            user_id__in={m.user_id for m in memberships},
            role=Role.SUPERVISOR,
            unit_id__in={i for u in units for i in u.ancestor_ids()},
            start_on__lte=on,
        )
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
        .values_list("user_id", flat=True)
    )
    found: dict[int, list[dict[str, Any]]] = {b.pk: [] for b in bodies}
    for m in memberships:
        officer = m.user.officer
        if officer is None or m.body_id is None:
            continue
        if officer.pk in subject_ids:
            found[m.body_id].append({"member": m.user_id, "rule": "member_is_subject"})
        elif officer.unit_id in unit_ids:
            found[m.body_id].append({"member": m.user_id, "rule": "member_serves_in_subject_unit"})
        elif officer.pk in co_subjects:
            found[m.body_id].append({"member": m.user_id, "rule": "member_was_co_subject"})
    for m in memberships:
        if m.user_id in chain_of_command and m.body_id is not None:
            found[m.body_id].append({"member": m.user_id, "rule": "member_supervises_subject"})
    return found


def route(
    *,
    officers: list[Officer],
    place: Place | None,
    addressee: OversightBody | None = None,
    above_level: int | None = None,
    on: dt.date | None = None,
) -> RoutingDecision:
    """Pick the body. ``above_level`` restricts the search to bodies strictly above that level
    (escalation climbs from the current body)."""
    day = on or timezone.localdate()
    units = _subject_units(officers, place)
    if units:
        # Only bodies overseeing an ancestor of every subject's unit can qualify: fetch just those.
        ancestors = set.intersection(*(set(u.ancestor_ids()) for u in units))
        bodies = list(
            OversightBody.objects.filter(jurisdictions__unit_id__in=ancestors)
            .distinct()
            .prefetch_related(Prefetch("jurisdictions", queryset=Jurisdiction.objects.select_related("unit")))
        )
        ceiling = min(u.depth for u in units) - 1
        candidates = [b for b in bodies if b.level <= ceiling and all(body_covers(b, u) for u in units)]
    else:
        # Nobody and nowhere named: only a body over the whole force can take it.
        bodies = list(OversightBody.objects.all())
        top = min((b.level for b in bodies), default=0)
        candidates = [b for b in bodies if b.level == top]
    if above_level is not None:
        candidates = [b for b in candidates if b.level < above_level]
    if not candidates:
        raise NoBodyQualifies("no oversight body has jurisdiction above the subjects")
    conflicts = _conflicts(candidates, officers, units, day)
    considered = [
        {"body": b.pk, "code": b.code, "level": b.level, "conflicts": conflicts[b.pk]}
        for b in sorted(candidates, key=lambda b: (-b.level, b.code))
    ]
    reason: dict[str, Any] = {
        "subject_officers": sorted(o.pk for o in officers),
        "subject_units": sorted(u.pk for u in units),
        "considered": considered,
    }
    if addressee is not None:
        # Honoured when it is at least as high as routing would go and oversees the subjects.
        qualifies = any(b.pk == addressee.pk for b in candidates)
        if qualifies:
            reason["rule"] = "addressed_by_complainant"
            reason["chosen"] = addressee.pk
            if conflicts.get(addressee.pk):
                reason["addressee_conflicts"] = conflicts[addressee.pk]
            return RoutingDecision(addressee, reason)
        reason["addressee_refused"] = addressee.pk
    for entry in considered:
        if not entry["conflicts"]:
            body = next(b for b in candidates if b.pk == entry["body"])
            reason["rule"] = "escalated" if above_level is not None else "nearest_unconflicted"
            reason["chosen"] = body.pk
            return RoutingDecision(body, reason)
    # Every qualifying body is conflicted: the top one takes it, and the reason says so.
    top_body = min(candidates, key=lambda b: (b.level, b.code))
    reason["rule"] = "all_conflicted_top_body"
    reason["chosen"] = top_body.pk
    return RoutingDecision(top_body, reason)


def routing_reason_text(reason: dict[str, Any], bodies: dict[int, str]) -> list[str]:
    """The reason in plain sentences for staff."""
    from django.utils.translation import gettext as _

    rules = {
        "member_is_subject": _("a member is named in the complaint"),
        "member_serves_in_subject_unit": _("a member serves in the subject's unit"),
        "member_was_co_subject": _("a member was named with the subject in an earlier complaint or case"),
        "member_supervises_subject": _("a member supervises the subject's unit or a unit above it"),
    }
    lines = []
    for entry in reason.get("considered", []):
        name = bodies.get(entry["body"], entry.get("code", "?"))
        if entry["conflicts"]:
            why = "; ".join(sorted({rules.get(c["rule"], c["rule"]) for c in entry["conflicts"]}))
            lines.append(_("%(body)s was passed over: %(why)s.") % {"body": name, "why": why})
        else:
            lines.append(_("%(body)s has jurisdiction and no conflict.") % {"body": name})
    chosen = bodies.get(reason.get("chosen", 0), "?")
    rule = reason.get("rule")
    if rule == "addressed_by_complainant":
        lines.append(_("The complainant addressed %(body)s directly.") % {"body": chosen})
    elif rule == "all_conflicted_top_body":
        lines.append(_("Every body was conflicted; the highest, %(body)s, takes it.") % {"body": chosen})
    elif rule == "escalated":
        lines.append(_("Escalated to %(body)s.") % {"body": chosen})
    else:
        lines.append(_("Routed to %(body)s, the nearest body without conflict.") % {"body": chosen})
    if "addressee_refused" in reason:
        lines.append(_("The body the complainant addressed does not oversee the subjects at a higher level."))
    return lines
