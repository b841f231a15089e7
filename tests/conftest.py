"""A small force built with the services, and the people who use ombud in it.

ministry > province > county A, county B > stations A1, A2, B1, B2; two villages per station; an
oversight body per county and one at the province. The personas:

- alice: head of county A's body          - erin: force-wide analyst
- bob: investigator of county A's body     - frank: an officer at station A1, with his own account
- charlie: investigator of county B's body, who must see nothing of county A
- dave: supervisor of station A1           - admin: administrator
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from ombud.accounts.models import Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.cases.models import Allegation, Case, Finding
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Category, Complaint
from ombud.org.models import Officer, OversightBody, Place, Unit, UnitKind
from ombud.org.services import body_create, officer_assign_place, officer_create, place_create, unit_create
from ombud.risk.models import Alert
from tests.factories import (
    AlertFactory,
    AllegationFactory,
    CaseFactory,
    ComplaintFactory,
    ComplaintSubjectFactory,
    MeasureFactory,
    MeasureStepFactory,
    OfficialFactory,
    days_ago,
)

ALICE_PASSWORD = "grain-ledger-of-county-a"


def required(available: bool, message: str) -> None:
    """Skip a test that needs something from the machine (a browser, a font) where it is missing,
    unless OMBUD_REQUIRE_ALL=1 (CI, which installs it), where it fails."""
    import os

    if available:
        return
    if os.environ.get("OMBUD_REQUIRE_ALL") == "1":
        pytest.fail(message)
    pytest.skip(message)


def cjk_font_required() -> None:
    from ombud.core.pdf import cjk_fonts

    required(
        bool(cjk_fonts()),
        "install Debian's fonts-wqy-microhei (or fonts-noto-cjk) to test PDFs in Chinese and Korean",
    )


def in_language(language: str, text: str) -> str:
    """``text`` as ombud's catalogue for ``language`` has it; the test fails where it has none."""
    from django.utils import translation

    with translation.override(language):
        translated = translation.gettext(text)
    assert translated != text, f"no {language} translation of {text!r}"
    return translated


def pdf_text(data: bytes) -> str:
    """The text a reader's PDF viewer finds in ``data``, page after page."""
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Nothing cached by one test (throttle counts, the public figures) is read by the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts and ends in the default language: a request in Korean activates Korean on
    the test's thread (Django's locale middleware leaves it so), and the next test would read it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class Force:
    units: dict[str, Unit] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    officers: dict[str, Officer] = field(default_factory=dict)
    bodies: dict[str, OversightBody] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    complaints: dict[str, Complaint] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    allegations: dict[str, Allegation] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    alerts: dict[str, Alert] = field(default_factory=dict)


def _build_units(force: Force) -> None:
    # Unit kinds and categories are reference data that the migrations seed.
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    u = force.units
    u["ministry"] = unit_create(
        actor=None, code="MIN", name="Ministry of Public Security", kind=kinds["ministry"], parent=None
    )
    u["province"] = unit_create(
        actor=None, code="PRV", name="River Province", kind=kinds["province"], parent=u["ministry"]
    )
    for county in "AB":
        key = f"county_{county.lower()}"
        u[key] = unit_create(
            actor=None,
            code=f"CTY-{county}",
            name=f"County {county} branch",
            kind=kinds["county"],
            parent=u["province"],
        )
        for n in (1, 2):
            station = f"{county}{n}"
            u[station.lower()] = unit_create(
                actor=None, code=f"STN-{station}", name=f"Station {station}", kind=kinds["station"], parent=u[key]
            )
            for village in ("North", "South"):
                force.places[f"{station.lower()}_{village.lower()}"] = place_create(
                    actor=None,
                    code=f"PL-{station}-{village}",
                    name=f"{village} {station} village",
                    unit=u[station.lower()],
                )


def _build_people(force: Force) -> None:
    u = force.units
    hired = dt.date(2012, 3, 1)
    for key, first, last, badge, station in [
        ("frank", "Frank", "Li", "A1-001", "a1"),
        ("gus", "Gus", "Chen", "A1-002", "a1"),
        ("hana", "Hana", "Park", "A2-001", "a2"),
        ("ivan", "Ivan", "Tran", "B1-001", "b1"),
        ("jin", "Jin", "Wu", "B2-001", "b2"),
    ]:
        force.officers[key] = officer_create(
            actor=None,
            last_name=last,
            first_name=first,
            badge=badge,
            rank="Constable",
            unit=u[station],
            hired_on=hired,
        )
    officer_assign_place(
        actor=None, officer=force.officers["frank"], place=force.places["a1_north"], start_on=hired
    )
    officer_assign_place(actor=None, officer=force.officers["gus"], place=force.places["a1_south"], start_on=hired)
    OfficialFactory(first_name="Tuan", last_name="Headman")

    b = force.bodies
    b["a"] = body_create(actor=None, code="BODY-A", name="County A discipline committee", seat=u["county_a"])
    b["b"] = body_create(actor=None, code="BODY-B", name="County B discipline committee", seat=u["county_b"])
    b["province"] = body_create(actor=None, code="BODY-P", name="Province inspectorate", seat=u["province"])

    def person(username: str, first: str, last: str, **fields: object) -> User:
        password = fields.pop("password", None)
        user = user_create(
            actor=None, username=username, password=password, first_name=first, last_name=last, **fields
        )
        force.users[username] = user
        return user

    membership_grant(
        actor=None, user=person("alice", "Alice", "Ng", password=ALICE_PASSWORD), role=Role.BODY_HEAD, body=b["a"]
    )
    membership_grant(actor=None, user=person("bob", "Bob", "Kim"), role=Role.INVESTIGATOR, body=b["a"])
    membership_grant(actor=None, user=person("charlie", "Charlie", "Do"), role=Role.INVESTIGATOR, body=b["b"])
    membership_grant(actor=None, user=person("dave", "Dave", "Ho"), role=Role.SUPERVISOR, unit=u["a1"])
    membership_grant(actor=None, user=person("erin", "Erin", "Lam"), role=Role.ANALYST)
    person("frank", "Frank", "Li", officer=force.officers["frank"])
    admin = person("admin", "Ada", "Min", is_staff=True, is_superuser=True)
    membership_grant(actor=None, user=admin, role=Role.ADMINISTRATOR)


def _build_records(force: Force) -> None:
    o, b, c = force.officers, force.bodies, force.categories
    c.update(
        {
            key: Category.objects.get(code=code)
            for key, code in [("bribery", "bribery"), ("collusion", "collusion"), ("grain", "grain_diversion")]
        }
    )

    def complaint(key: str, reference: str, officer: str, body: str, days: int, *categories: str) -> Complaint:
        made = ComplaintFactory(
            reference=reference,
            routed_to=b[body],
            received_at=days_ago(days),
            action_due_at=days_ago(days - 30),
            ack_due_at=days_ago(days - 7),
            categories=[c[name] for name in categories],
        )
        ComplaintSubjectFactory(complaint=made, officer=o[officer])
        force.complaints[key] = made
        return made

    complaint("gus", "CA-0001", "gus", "a", 40, "bribery")
    complaint("frank", "CA-0002", "frank", "a", 100, "grain", "collusion")
    complaint("hana_over_the_county", "CP-0001", "hana", "province", 20, "bribery")
    complaint("ivan", "CB-0001", "ivan", "b", 15, "bribery")

    force.cases["a"] = CaseFactory(number="K-A-001", body=b["a"], title="Grain hidden at North A1 village")
    force.cases["a"].complaints.add(force.complaints["frank"])
    force.cases["b"] = CaseFactory(number="K-B-001", body=b["b"], title="Cigarettes for silence at B1")
    force.allegations["frank"] = AllegationFactory(
        case=force.cases["a"],
        officer=o["frank"],
        category=c["grain"],
        occurred_on=timezone.localdate() - dt.timedelta(days=120),
        finding=Finding.SUSTAINED,
        decided_at=days_ago(30),
        decided_by=force.users["alice"],
        proposed_by=force.users["bob"],
    )
    force.allegations["ivan"] = AllegationFactory(case=force.cases["b"], officer=o["ivan"], category=c["bribery"])

    warning = MeasureFactory(
        officer=o["frank"],
        case=force.cases["a"],
        allegation=force.allegations["frank"],
        kind=Measure.Kind.REPRIMAND,
        state=Measure.State.DECIDED,
        proposed_at=days_ago(25),
        decided_at=days_ago(10),
        proposed_by=force.users["bob"],
        decided_by=force.users["alice"],
    )
    MeasureStepFactory(measure=warning, kind=MeasureStep.Kind.NOTICE, at=days_ago(24))
    MeasureStepFactory(measure=warning, kind=MeasureStep.Kind.DECISION, at=days_ago(10))
    force.measures["frank"] = warning
    force.alerts["gus"] = AlertFactory(officer=o["gus"], reasons=["2 bribery complaints in 12 months"])
    force.alerts["frank"] = AlertFactory(officer=o["frank"], reasons=["sustained finding"])


def force_build() -> Force:
    built = Force()
    _build_units(built)
    _build_people(built)
    _build_records(built)
    return built


@pytest.fixture
def force(db: None) -> Force:
    return force_build()


Login = Callable[[str], Client]


@pytest.fixture
def login(client: Client, force: Force) -> Login:
    """``login("alice")`` logs the test client in as that persona and returns the client."""

    def as_persona(name: str) -> Client:
        client.force_login(force.users[name])
        return client

    return as_persona


def _persona(name: str) -> Any:
    @pytest.fixture
    def fixture(force: Force) -> User:
        return force.users[name]

    return fixture


alice = _persona("alice")
bob = _persona("bob")
charlie = _persona("charlie")
dave = _persona("dave")
erin = _persona("erin")
frank = _persona("frank")
admin = _persona("admin")


def admin_officer_change(client: Client, officer_id: int, **changes: str) -> Any:
    """Post the admin's officer form as shown, with ``changes``."""
    from django.urls import reverse

    officer = Officer.objects.get(pk=officer_id)
    data = {
        "badge": officer.badge,
        "first_name": officer.first_name,
        "last_name": officer.last_name,
        "rank": officer.rank,
        "status": officer.status,
        "sex": officer.sex,
        "race": officer.race,
        "hired_on": officer.hired_on.isoformat() if officer.hired_on else "",
        "left_on": officer.left_on.isoformat() if officer.left_on else "",
    }
    for prefix in ("station_assignments", "place_assignments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return client.post(reverse("admin:org_officer_change", args=[officer_id]), data | changes)
