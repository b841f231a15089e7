"""Writes to the force's structure. Each function is one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.audit.services import audit_record
from ombud.core.arguments import FIRST_DATE
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
from ombud.org.selectors import officer_mover


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
        if current is not None and day < current.start_on:
            raise ValidationError(_("A new assignment cannot start before the current one."))
        assignment = _station_start(officer, unit, day)
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


# Who has left the force is not moved (nor offered a move); who is suspended or on standby keeps a
# station (his measure may end) but answers for no place while it holds.
NOT_MOVED = (Officer.Status.RETIRED, Officer.Status.DISMISSED)


@dataclass(frozen=True)
class Move:
    officer: Officer
    on: dt.date
    unit_before: Unit | None
    places_started: list[Place]
    places_ended: list[Place]


def officer_move(
    *, actor: Any, officer: Officer, unit: Unit | None, places: list[Place], on: dt.date | None = None
) -> Move:
    """Move an officer: from ``on`` he serves at ``unit`` (None: where he serves now) and answers for
    exactly ``places`` (the ones he keeps go on, the others end, new ones start). Administrators
    only (``actor`` None: the console's operator); nobody moves himself. The assignments already
    recorded are never rewritten, so a move is dated on or after his last recorded change, and
    never in the future (``officer.unit`` is where he serves today)."""
    if actor is not None:
        officer_mover_required(actor, officer)
    day = on or timezone.localdate()
    with transaction.atomic():
        # Two moves of one officer at the same moment would both end the same assignment.
        given, officer = (
            officer,
            Officer.objects.select_for_update(of=("self",)).select_related("unit").get(pk=officer.pk),
        )
        target = unit or officer.unit
        _move_checked(officer, target, places, day)
        assert target is not None  # _move_checked refuses a move to nowhere
        open_places = {
            a.place_id: a
            for a in PlaceAssignment.objects.select_for_update(of=("self",))
            .filter(officer=officer, end_on__isnull=True)
            .select_related("place")
            .order_by("pk")
        }
        wanted = {place.pk: place for place in places}
        ended = [a for place_id, a in open_places.items() if place_id not in wanted]
        started = [place for place_id, place in wanted.items() if place_id not in open_places]
        unit_before = officer.unit
        if target != unit_before:
            _station_start(officer, target, day)
        elif not started and not ended:
            raise ValidationError(_("Nothing changes: he already serves there and answers for these places."))
        _places_change(officer, ended, started, day)
        audit_record(
            actor=actor,
            action="officer.move",
            obj=officer,
            data={
                "on": day.isoformat(),
                "unit": [unit_before.pk if unit_before else None, target.pk],
                "places_started": sorted(place.pk for place in started),
                "places_ended": sorted(a.place_id for a in ended),
            },
        )
        # The caller's copy too: it may go on to file or route something about him.
        given.unit = officer.unit
        return Move(officer, day, unit_before, started, [a.place for a in ended])


def officer_mover_required(actor: Any, officer: Officer) -> None:
    """The API asks first, before it reads the request's body: others learn nothing from its checks."""
    if not officer_mover(actor, officer):
        raise PermissionDenied(
            _("Only administrators move officers, and nobody moves himself: another administrator records it.")
        )


def _move_checked(officer: Officer, unit: Unit | None, places: list[Place], day: dt.date) -> None:
    if officer.status in NOT_MOVED:
        raise ValidationError(
            _("He has left the force (%(status)s): he is not moved.") % {"status": officer.get_status_display()}
        )
    if unit is None:
        raise ValidationError({"unit": _("He serves nowhere yet: give the unit he moves to.")})
    if places and officer.status != Officer.Status.ACTIVE:
        raise ValidationError(
            {
                "places": _("A measure holds him (%(status)s): he answers for no place while it does.")
                % {"status": officer.get_status_display()}
            }
        )
    if day > timezone.localdate():
        raise ValidationError({"on": _("A move is recorded on the day it takes effect, not before.")})
    if day < FIRST_DATE:
        raise ValidationError({"on": _("Give a day from %(first)s on.") % {"first": FIRST_DATE.isoformat()}})
    if officer.hired_on and day < officer.hired_on:
        raise ValidationError({"on": _("He was hired on %(day)s, after that day.") % {"day": officer.hired_on}})
    if officer.left_on and day >= officer.left_on:
        raise ValidationError({"on": _("He left the force on %(day)s.") % {"day": officer.left_on}})
    last = _last_change(officer)
    if last is not None and day < last:
        raise ValidationError(
            {"on": _("His assignments last changed on %(day)s: a move is dated on or after it.") % {"day": last}}
        )
    outside = sorted(
        f"{place.name} ({place.code})" for place in places if not place.unit.path.startswith(unit.path)
    )
    if outside:
        raise ValidationError(
            {
                "places": _("Not in %(unit)s or the units under it: %(places)s.")
                % {"unit": unit.name, "places": ", ".join(outside)}
            }
        )


def _last_change(officer: Officer) -> dt.date | None:
    days: list[dt.date] = []
    for model in (StationAssignment, PlaceAssignment):
        for start, end in model.objects.filter(officer=officer).values_list("start_on", "end_on"):
            days.append(end or start)
    return max(days, default=None)


def _station_start(officer: Officer, unit: Unit, day: dt.date) -> StationAssignment:
    """He serves at ``unit`` from ``day``. A move on the day the current assignment began corrects
    it: that assignment held no day and goes, and the one it ended, if at the same unit, goes on
    unbroken (so a move undone the same day leaves the record as it was)."""
    current = StationAssignment.objects.filter(officer=officer, end_on__isnull=True).first()
    if current is not None and current.start_on == day:
        current.delete()
    elif current is not None:
        current.end_on = day
        current.save(update_fields=["end_on"])
    officer.unit = unit
    officer.save(update_fields=["unit"])
    resumed = StationAssignment.objects.filter(officer=officer, unit=unit, end_on=day).first()
    if resumed is not None:
        resumed.end_on = None
        resumed.save(update_fields=["end_on"])
        return resumed
    return StationAssignment.objects.create(officer=officer, unit=unit, start_on=day)


def _places_change(officer: Officer, ended: list[PlaceAssignment], started: list[Place], day: dt.date) -> None:
    """The same rule for places: one taken on the day it ends held no day and goes; one that ended
    on the day and is taken up again goes on."""
    for assignment in ended:
        if assignment.start_on == day:
            assignment.delete()
        else:
            assignment.end_on = day
            assignment.save(update_fields=["end_on"])
    resumed = {
        a.place_id: a for a in PlaceAssignment.objects.filter(officer=officer, place__in=started, end_on=day)
    }
    for assignment in resumed.values():
        assignment.end_on = None
        assignment.save(update_fields=["end_on"])
    PlaceAssignment.objects.bulk_create(
        [
            PlaceAssignment(officer=officer, place=place, start_on=day)
            for place in started
            if place.pk not in resumed
        ]
    )


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
