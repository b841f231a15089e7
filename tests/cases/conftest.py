"""Casework fixtures: the intake force, a county body with an investigator and a head, and a case
opened from a complaint about the grain officer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ombud.accounts.models import Role, User
from ombud.accounts.services import user_create
from ombud.cases.models import Allegation, Case
from ombud.cases.services import allegation_add, case_open, finding_decide, finding_propose
from ombud.discipline.models import Measure
from ombud.discipline.services import measure_propose
from ombud.intake.models import Category
from ombud.intake.services import complaint_file
from tests.intake.conftest import Force, _fresh_throttles, complaint_about, force, make_member, reference_data  # noqa: F401


@dataclass
class Casework:
    force: Force
    investigator: User
    head: User
    deputy_head: User
    officer_user: User
    case: Case


@pytest.fixture
def casework(force: Force, make_member) -> Casework:  # type: ignore[no-untyped-def]  # noqa: F811
    investigator = make_member(force.body_a, Role.INVESTIGATOR)
    head = make_member(force.body_a, Role.BODY_HEAD)
    deputy = make_member(force.body_a, Role.BODY_HEAD)
    officer_user = user_create(actor=None, username="kang", password=None, officer=force.grain_officer)
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    case = case_open(
        actor=investigator, body=force.body_a, title="Grain taken at Songhak", complaints=[filed.complaint]
    )
    return Casework(force, investigator, head, deputy, officer_user, case)


def sustained_bribery(casework: Casework) -> Allegation:
    """A bribery allegation against the grain officer, found sustained under four eyes."""
    allegation = allegation_add(
        actor=casework.investigator,
        case=casework.case,
        category=Category.objects.get(code="bribery"),
        officer=casework.force.grain_officer,
        particulars={"goods": "grain", "value": 300},
    )
    finding_propose(actor=casework.investigator, allegation=allegation, finding="sustained", reason="The ledger.")
    return finding_decide(actor=casework.head, allegation=allegation)


def proposed_warning(casework: Casework) -> Measure:
    """A warning proposed after a sustained bribery finding against the grain officer."""
    sustained_bribery(casework)
    return measure_propose(
        actor=casework.investigator,
        case=casework.case,
        officer=casework.force.grain_officer,
        kind="warning",
        reason="Grain.",
    )
