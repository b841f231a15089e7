"""Writes to the force's structure. Each function is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.audit.services import audit_record
from ombud.org.models import (
    Jurisdiction,
    Officer,
    OversightBody,
    Place,
    PlaceAssignment,
    StationAssignment,
    Unit,
    UnitKind,
)


def unit_create(*, actor: Any, code: str, name: str, kind: UnitKind, parent: Unit | None) -> Unit:
    with transaction.atomic():
        unit = Unit(code=code, name=name, kind=kind, parent=parent, path="", depth=0)
        unit.depth = parent.depth + 1 if parent else 0
        unit.save()
        # The path holds the unit's own id, known only once it is saved.
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
        audit_record(actor=actor, action="unit.create", obj=unit, data={"parent": parent.pk if parent else None})
        return unit


def place_create(*, actor: Any, code: str, name: str, unit: Unit, kind: str = Place.Kind.VILLAGE) -> Place:
    with transaction.atomic():
        place = Place.objects.create(code=code, name=name, unit=unit, kind=kind)
        audit_record(actor=actor, action="place.create", obj=place, data={"unit": unit.pk})
        return place


def officer_create(
    *,
    actor: Any,
    last_name: str,
    first_name: str = "",
    badge: str = "",
    rank: str = "",
    unit: Unit | None = None,
    start_on: dt.date | None = None,
    **fields: Any,
) -> Officer:
    with transaction.atomic():
        officer = Officer.objects.create(
            last_name=last_name, first_name=first_name, badge=badge, rank=rank, **fields
        )
        audit_record(actor=actor, action="officer.create", obj=officer)
        if unit is not None:
            officer_assign_station(actor=actor, officer=officer, unit=unit, start_on=start_on or officer.hired_on)
        return officer


def officer_assign_station(
    *, actor: Any, officer: Officer, unit: Unit, start_on: dt.date | None
) -> StationAssignment:
    """End the officer's open station assignment and start a new one: history is never overwritten."""
    day = start_on or timezone.localdate()
    with transaction.atomic():
        current = (
            StationAssignment.objects.select_for_update().filter(officer=officer, end_on__isnull=True).first()
        )
        if current is not None:
            if day < current.start_on:
                raise ValidationError(_("A new assignment cannot start before the current one."))
            current.end_on = day
            current.save(update_fields=["end_on"])
        assignment = StationAssignment.objects.create(officer=officer, unit=unit, start_on=day)
        officer.unit = unit
        officer.save(update_fields=["unit"])
        audit_record(
            actor=actor, action="officer.assign_station", obj=officer, data={"unit": unit.pk, "from": str(day)}
        )
        return assignment


def officer_assign_place(*, actor: Any, officer: Officer, place: Place, start_on: dt.date) -> PlaceAssignment:
    with transaction.atomic():
        if PlaceAssignment.objects.filter(officer=officer, place=place, end_on__isnull=True).exists():
            raise ValidationError(_("The officer is already responsible for this place."))
        assignment = PlaceAssignment.objects.create(officer=officer, place=place, start_on=start_on)
        audit_record(actor=actor, action="officer.assign_place", obj=officer, data={"place": place.pk})
        return assignment


def officer_release_places(*, actor: Any, officer: Officer, on: dt.date) -> int:
    """End every open place assignment (a suspended or dismissed officer answers for no village)."""
    with transaction.atomic():
        ended = PlaceAssignment.objects.filter(officer=officer, end_on__isnull=True).update(end_on=on)
        audit_record(actor=actor, action="officer.release_places", obj=officer, data={"ended": ended})
        return ended


def body_create(
    *, actor: Any, code: str, name: str, seat: Unit, jurisdiction: list[Unit] | None = None, **fields: Any
) -> OversightBody:
    """A body sits at a unit and, unless told otherwise, oversees that unit's subtree."""
    with transaction.atomic():
        body = OversightBody.objects.create(code=code, name=name, seat=seat, level=seat.depth, **fields)
        for unit in jurisdiction or [seat]:
            Jurisdiction.objects.create(body=body, unit=unit)
        audit_record(actor=actor, action="body.create", obj=body, data={"seat": seat.pk})
        return body
