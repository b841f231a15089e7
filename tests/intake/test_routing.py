"""Routing steers a complaint to the nearest body above the accused that has no conflict, and
says why; each exclusion rule is tested on its own."""

from __future__ import annotations

import datetime as dt

import pytest

from ombud.accounts.models import Role
from ombud.accounts.services import membership_grant
from ombud.cases.models import Allegation, Case
from ombud.intake.models import Category, ComplaintSubject
from ombud.intake.selectors import routing_reason_lines
from ombud.intake.services import SubjectInput, complaint_file
from ombud.org.services import officer_create
from tests.intake.conftest import Force, complaint_about


def test_a_complaint_about_a_station_officer_goes_to_the_county_body_above_him(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert filed.complaint.routed_to == force.body_a
    assert force.body_a.level < force.station_a1.depth
    assert filed.complaint.routing_reason["rule"] == "nearest_unconflicted"


def test_a_body_with_the_accused_as_member_is_passed_over(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    make_member(force.body_a, officer=force.grain_officer)
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert filed.complaint.routed_to == force.provincial
    rules = [c["rule"] for c in filed.complaint.routing_reason["considered"][0]["conflicts"]]
    assert rules == ["member_is_subject"]


def test_a_body_with_a_member_from_the_accused_station_is_passed_over(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    make_member(force.body_a, officer=force.a1_colleague)
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert filed.complaint.routed_to == force.provincial
    assert (
        filed.complaint.routing_reason["considered"][0]["conflicts"][0]["rule"] == "member_serves_in_subject_unit"
    )


def test_a_member_from_another_station_is_no_conflict(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    make_member(force.body_a, officer=force.a2_officer)
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert filed.complaint.routed_to == force.body_a


def test_a_member_once_named_with_the_accused_in_a_complaint_is_a_conflict(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    earlier = complaint_about(
        force.grain_officer,
        subjects=[SubjectInput(officer=force.grain_officer), SubjectInput(officer=force.a2_officer)],
    )
    complaint_file(actor=None, data=earlier)
    make_member(force.body_a, officer=force.a2_officer)
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert filed.complaint.routed_to == force.provincial
    assert filed.complaint.routing_reason["considered"][0]["conflicts"][0]["rule"] == "member_was_co_subject"


def test_a_member_once_alleged_with_the_accused_in_a_case_is_a_conflict(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    case = Case.objects.create(
        number="K-1", body=force.body_b, title="Grain", opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    bribery = Category.objects.get(code="bribery")
    Allegation.objects.create(case=case, officer=force.grain_officer, category=bribery)
    Allegation.objects.create(case=case, officer=force.a2_officer, category=bribery)
    make_member(force.body_a, officer=force.a2_officer)
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert filed.complaint.routed_to == force.provincial


@pytest.mark.parametrize(("county", "conflicted"), [("county_a", True), ("county_b", False)])
def test_a_member_who_supervises_the_accused_county_is_a_conflict(
    force: Force,
    make_member,  # type: ignore[no-untyped-def]
    county: str,
    conflicted: bool,
) -> None:
    # His chain of command: a supervisor over county A (above the accused's station) on county A's
    # body; supervising county B is no conflict.
    chief = make_member(force.body_a, officer=force.a2_officer)
    unit = getattr(force, county)
    membership_grant(actor=None, user=chief, role=Role.SUPERVISOR, unit=unit, start_on=dt.date(2015, 1, 1))
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert filed.complaint.routed_to == (force.provincial if conflicted else force.body_a)
    rules = [c["rule"] for c in filed.complaint.routing_reason["considered"][0]["conflicts"]]
    assert rules == (["member_supervises_subject"] if conflicted else [])
    lines = routing_reason_lines(filed.complaint)
    assert any("supervises the subject's unit" in line for line in lines) == conflicted


def test_when_every_level_is_conflicted_the_top_body_takes_it(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    accused = make_member(force.body_a, officer=force.grain_officer)
    membership_grant(
        actor=None, user=accused, role=Role.INVESTIGATOR, body=force.provincial, start_on=dt.date(2015, 1, 1)
    )
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert filed.complaint.routed_to == force.national
    membership_grant(
        actor=None, user=accused, role=Role.INVESTIGATOR, body=force.national, start_on=dt.date(2015, 1, 1)
    )
    again = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    assert again.complaint.routed_to == force.national
    assert again.complaint.routing_reason["rule"] == "all_conflicted_top_body"


def test_a_complainant_may_address_the_national_body_directly(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer, addressee=force.national))
    assert filed.complaint.routed_to == force.national
    assert filed.complaint.routing_reason["rule"] == "addressed_by_complainant"


def test_addressing_a_body_without_jurisdiction_falls_back_to_routing(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer, addressee=force.body_b))
    assert filed.complaint.routed_to == force.body_a
    assert filed.complaint.routing_reason["addressee_refused"] == force.body_b.pk


def test_a_complaint_naming_only_a_village_is_routed_by_the_village_station(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(None, place=force.village_a1))
    assert filed.complaint.routed_to == force.body_a


def test_a_complaint_naming_nobody_and_nowhere_goes_to_the_top_body(force: Force) -> None:
    filed = complaint_file(actor=None, data=complaint_about(None))
    assert filed.complaint.routed_to == force.national


def test_officers_of_two_counties_go_to_the_body_over_both(force: Force) -> None:
    other = officer_create(
        actor=None, last_name="Jo", badge="B1-9", unit=force.station_b1, start_on=dt.date(2016, 1, 1)
    )
    data = complaint_about(
        force.grain_officer, subjects=[SubjectInput(officer=force.grain_officer), SubjectInput(officer=other)]
    )
    filed = complaint_file(actor=None, data=data)
    assert filed.complaint.routed_to == force.provincial
    units = set(ComplaintSubject.objects.filter(complaint=filed.complaint).values_list("unit_id", flat=True))
    assert units == {force.station_a1.pk, force.station_b1.pk}


def test_staff_read_the_routing_reason_in_plain_words(force: Force, make_member) -> None:  # type: ignore[no-untyped-def]
    make_member(force.body_a, role=Role.BODY_HEAD, officer=force.a1_colleague)
    filed = complaint_file(actor=None, data=complaint_about(force.grain_officer))
    lines = routing_reason_lines(filed.complaint)
    assert any(
        "Musan County Committee was passed over" in line and "serves in the subject's unit" in line
        for line in lines
    )
    assert lines[-1] == "Routed to Provincial Committee, the nearest body without conflict."
