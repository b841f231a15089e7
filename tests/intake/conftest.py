"""A small force for intake: ministry > province > counties A and B > stations, with a body at each
level above the stations, and the officers routing must steer around."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from ombud.accounts.models import Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.intake.models import Category
from ombud.intake.services import ComplaintInput, SubjectInput
from ombud.org.models import Officer, OversightBody, Place, Unit, UnitKind
from ombud.org.services import body_create, officer_create, place_create, unit_create
from tests.reference import reference_data_ensure


@dataclass
class Force:
    ministry: Unit
    province: Unit
    county_a: Unit
    county_b: Unit
    station_a1: Unit
    station_a2: Unit
    station_b1: Unit
    village_a1: Place
    national: OversightBody
    provincial: OversightBody
    body_a: OversightBody
    body_b: OversightBody
    grain_officer: Officer  # the accused, at station A1
    a2_officer: Officer
    a1_colleague: Officer


def _kind(code: str) -> UnitKind:
    return UnitKind.objects.get(code=code)


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    reference_data_ensure()


@pytest.fixture
def force(db: None) -> Force:
    ministry = unit_create(actor=None, code="MIN", name="Ministry", kind=_kind("ministry"), parent=None)
    province = unit_create(actor=None, code="P1", name="North Province", kind=_kind("province"), parent=ministry)
    county_a = unit_create(actor=None, code="CA", name="Musan County", kind=_kind("county"), parent=province)
    county_b = unit_create(actor=None, code="CB", name="Hoeryong County", kind=_kind("county"), parent=province)
    a1 = unit_create(actor=None, code="CA-S1", name="Musan East Station", kind=_kind("station"), parent=county_a)
    a2 = unit_create(actor=None, code="CA-S2", name="Musan West Station", kind=_kind("station"), parent=county_a)
    b1 = unit_create(actor=None, code="CB-S1", name="Hoeryong Station", kind=_kind("station"), parent=county_b)
    village = place_create(actor=None, code="V-1", name="Songhak village", unit=a1)
    start = dt.date(2015, 1, 1)
    return Force(
        ministry=ministry,
        province=province,
        county_a=county_a,
        county_b=county_b,
        station_a1=a1,
        station_a2=a2,
        station_b1=b1,
        village_a1=village,
        national=body_create(actor=None, code="NAT", name="National Inspectorate", seat=ministry),
        provincial=body_create(actor=None, code="PROV", name="Provincial Committee", seat=province),
        body_a=body_create(actor=None, code="CA-B", name="Musan County Committee", seat=county_a),
        body_b=body_create(actor=None, code="CB-B", name="Hoeryong County Committee", seat=county_b),
        grain_officer=officer_create(
            actor=None, last_name="Kang", first_name="Chol", badge="A1-001", unit=a1, start_on=start
        ),
        a2_officer=officer_create(
            actor=None, last_name="Ri", first_name="Song", badge="A2-001", unit=a2, start_on=start
        ),
        a1_colleague=officer_create(
            actor=None, last_name="Pak", first_name="Il", badge="A1-002", unit=a1, start_on=start
        ),
    )


@pytest.fixture
def make_member(force: Force):  # type: ignore[no-untyped-def]
    counter = iter(range(1000))

    def make(body: OversightBody, role: Role = Role.INVESTIGATOR, officer: Officer | None = None) -> User:
        user = user_create(actor=None, username=f"member{next(counter)}", password=None, officer=officer)
        membership_grant(actor=None, user=user, role=role, body=body, start_on=dt.date(2015, 1, 1))
        return user

    return make


def complaint_about(officer: Officer | None, **overrides: object) -> ComplaintInput:
    fields: dict[str, object] = {
        "description": "He took two sacks of grain to look away from the farm manager's hidden store.",
        "subjects": [SubjectInput(officer=officer)] if officer else [],
        "categories": [Category.objects.get(code="bribery")],
        "occurred_on": dt.date(2026, 5, 1),
    }
    fields.update(overrides)
    return ComplaintInput(**fields)  # type: ignore[arg-type]
