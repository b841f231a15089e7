"""factory_boy factories for the main models. Units get their materialised path through
``org.services.unit_create``; records that have no service yet are built directly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from ombud.accounts.models import Membership, Role, User
from ombud.cases.models import Allegation, Case, CaseTask, EvidenceItem
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Category, Complaint, ComplaintSubject
from ombud.org.models import (
    Officer,
    Official,
    OversightBody,
    Place,
    PlaceAssignment,
    StationAssignment,
    Unit,
    UnitKind,
)
from ombud.org.services import body_create, unit_create
from ombud.risk.models import Alert, RiskScore


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


class UnitKindFactory(DjangoModelFactory[UnitKind]):
    class Meta:
        model = UnitKind
        django_get_or_create = ["code"]

    code = "station"
    name = factory.LazyAttribute(lambda kind: kind.code.replace("_", " ").title())
    level = 3
    is_station = factory.LazyAttribute(lambda kind: kind.code == "station")


class UnitFactory(DjangoModelFactory[Unit]):
    """A unit placed in the tree by the service, so its path and depth are right."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = factory.SubFactory(UnitKindFactory)
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return unit_create(actor=None, **kwargs)


class PlaceFactory(DjangoModelFactory[Place]):
    class Meta:
        model = Place

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"Village {n}")
    unit = factory.SubFactory(UnitFactory)


class OfficerFactory(DjangoModelFactory[Officer]):
    """An officer; pass ``unit`` and an assignment is started there, as the service does."""

    class Meta:
        model = Officer

    badge = factory.Sequence(lambda n: f"B{n:05d}")
    first_name = factory.Iterator(["Wei", "Minh", "Jun", "Hana", "Lan", "Bao"])
    last_name = factory.Sequence(lambda n: f"Officer{n}")
    rank = "Constable"
    hired_on = dt.date(2010, 1, 1)

    @classmethod
    def _create(cls, model_class: type[Officer], *args: Any, **kwargs: Any) -> Officer:
        unit = kwargs.pop("unit", None)
        officer = Officer.objects.create(**kwargs)
        if unit is not None:
            StationAssignment.objects.create(
                officer=officer, unit=unit, start_on=officer.hired_on or dt.date(2010, 1, 1)
            )
            officer.unit = unit
            officer.save(update_fields=["unit"])
        return officer


class StationAssignmentFactory(DjangoModelFactory[StationAssignment]):
    class Meta:
        model = StationAssignment

    officer = factory.SubFactory(OfficerFactory)
    unit = factory.SubFactory(UnitFactory)
    start_on = dt.date(2015, 1, 1)


class PlaceAssignmentFactory(DjangoModelFactory[PlaceAssignment]):
    class Meta:
        model = PlaceAssignment

    officer = factory.SubFactory(OfficerFactory)
    place = factory.SubFactory(PlaceFactory)
    start_on = dt.date(2015, 1, 1)


class OfficialFactory(DjangoModelFactory[Official]):
    class Meta:
        model = Official

    first_name = factory.Iterator(["Tuan", "Ming", "Su"])
    last_name = factory.Sequence(lambda n: f"Official{n}")


class OversightBodyFactory(DjangoModelFactory[OversightBody]):
    """A body with jurisdiction over its seat's subtree, made by the service."""

    class Meta:
        model = OversightBody

    code = factory.Sequence(lambda n: f"BODY{n:03d}")
    name = factory.Sequence(lambda n: f"Oversight body {n}")
    seat = factory.SubFactory(UnitFactory)

    @classmethod
    def _create(cls, model_class: type[OversightBody], *args: Any, **kwargs: Any) -> OversightBody:
        return body_create(actor=None, **kwargs)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = ""
    last_name = ""
    password = factory.django.Password("not-a-real-password-1")


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.INVESTIGATOR
    body = factory.SubFactory(OversightBodyFactory)
    unit = None
    start_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class CategoryFactory(DjangoModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.LazyAttribute(lambda c: c.code.replace("-", " "))


class ComplaintFactory(DjangoModelFactory[Complaint]):
    class Meta:
        model = Complaint
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"C-{n:06d}")
    received_at = factory.LazyFunction(lambda: days_ago(10))
    description = "The officer took grain to look away."
    channel = Complaint.Channel.PORTAL
    routed_to = factory.SubFactory(OversightBodyFactory)

    @factory.post_generation
    def categories(self, create: bool, extracted: list[Category] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.categories.set(extracted)


class ComplaintSubjectFactory(DjangoModelFactory[ComplaintSubject]):
    """An officer named in a complaint, with the unit he served in at the time."""

    class Meta:
        model = ComplaintSubject

    complaint = factory.SubFactory(ComplaintFactory)
    kind = ComplaintSubject.Kind.OFFICER
    officer = factory.SubFactory(OfficerFactory)
    unit = factory.LazyAttribute(lambda s: s.officer.unit if s.officer else None)


class CaseFactory(DjangoModelFactory[Case]):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"K-{n:05d}")
    body = factory.SubFactory(OversightBodyFactory)
    title = factory.Sequence(lambda n: f"Case {n}")
    opened_at = factory.LazyFunction(lambda: days_ago(5))


class AllegationFactory(DjangoModelFactory[Allegation]):
    class Meta:
        model = Allegation

    case = factory.SubFactory(CaseFactory)
    officer = factory.SubFactory(OfficerFactory)
    category = factory.SubFactory(CategoryFactory)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=40))


class EvidenceItemFactory(DjangoModelFactory[EvidenceItem]):
    class Meta:
        model = EvidenceItem

    case = factory.SubFactory(CaseFactory)
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    name = "ledger.jpg"
    content_type = "image/jpeg"
    size = 1024
    added_at = factory.LazyFunction(timezone.now)


class CaseTaskFactory(DjangoModelFactory[CaseTask]):
    class Meta:
        model = CaseTask

    case = factory.SubFactory(CaseFactory)
    title = "Interview the village secretary"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


class MeasureFactory(DjangoModelFactory[Measure]):
    class Meta:
        model = Measure

    officer = factory.SubFactory(OfficerFactory)
    kind = Measure.Kind.WARNING
    state = Measure.State.PROPOSED
    proposed_at = factory.LazyFunction(lambda: days_ago(20))


class MeasureStepFactory(DjangoModelFactory[MeasureStep]):
    class Meta:
        model = MeasureStep

    measure = factory.SubFactory(MeasureFactory)
    kind = MeasureStep.Kind.NOTICE
    at = factory.LazyFunction(lambda: days_ago(15))


class RiskScoreFactory(DjangoModelFactory[RiskScore]):
    class Meta:
        model = RiskScore

    officer = factory.SubFactory(OfficerFactory)
    as_of = factory.LazyFunction(timezone.localdate)
    model_version = "test-1"
    score = 0.9


class AlertFactory(DjangoModelFactory[Alert]):
    class Meta:
        model = Alert

    officer = factory.SubFactory(OfficerFactory)
    raised_at = factory.LazyFunction(lambda: days_ago(3))
    reasons = factory.LazyFunction(lambda: ["3 complaints of bribery in 12 months"])
