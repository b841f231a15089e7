"""Attendance, minutes, resolutions and the sign-off: who is expected, who came, what was said and
resolved; a resolution proposing a measure enters due process; signed-off minutes are frozen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ombud.audit.models import AuditEntry
from ombud.audit.selectors import audit_verify
from ombud.cases.models import Case
from ombud.discipline.models import Measure
from ombud.discipline.services import measure_decide, measure_notify, measure_respond
from ombud.org.models import Officer
from ombud.org.services import officer_assign_station
from ombud.reviews.models import AgendaItem, Directive, DirectiveTarget, Meeting, MeetingKind, Resolution
from ombud.reviews.services import (
    agenda_compile,
    agenda_item_minutes,
    attendance_record,
    meeting_minutes,
    meeting_schedule,
    meeting_sign_off,
    resolution_add,
)
from tests.conftest import Force, Login
from tests.factories import OfficerFactory, PlaceAssignmentFactory
from tests.reviews.conftest import schedule, today

REASONS = "The response does not explain the grain."

pytestmark = pytest.mark.django_db


def all_present(force: Force, meeting: Meeting) -> Meeting:
    present = {row.officer_id: True for row in meeting.attendance.all()}
    return attendance_record(actor=force.users["bob"], meeting=meeting, present=present)


def held_with_agenda(force: Force, meeting: Meeting) -> tuple[Meeting, AgendaItem]:
    meeting = all_present(force, meeting)
    items = agenda_compile(actor=force.users["bob"], meeting=meeting)
    return meeting, next(item for item in items if item.officer_id == force.officers["frank"].pk)


# --- attendance ------------------------------------------------------------------------------------


def test_the_expected_attendees_are_every_officer_serving_there_and_those_answering_for_its_villages(
    force: Force, directive: Directive
) -> None:
    visitor = OfficerFactory(last_name="Visitor", unit=force.units["a2"])
    PlaceAssignmentFactory(officer=visitor, place=force.places["a1_south"], start_on=dt.date(2020, 1, 1))
    meeting = schedule(force, directive, "a1")
    expected = set(meeting.attendance.values_list("officer__last_name", flat=True))
    assert expected == {"Li", "Chen", "Visitor"}
    assert set(meeting.attendance.values_list("present", flat=True)) == {None}


def test_attendance_is_recorded_present_or_absent_for_every_expected_officer(
    force: Force, meeting: Meeting
) -> None:
    frank, gus = force.officers["frank"], force.officers["gus"]
    with pytest.raises(ValidationError):
        attendance_record(actor=force.users["bob"], meeting=meeting, present={frank.pk: True})
    with pytest.raises(ValidationError):
        attendance_record(
            actor=force.users["bob"],
            meeting=meeting,
            present={frank.pk: True, gus.pk: True, force.officers["ivan"].pk: True},
        )
    attendance_record(
        actor=force.users["bob"], meeting=meeting, present={frank.pk: True, gus.pk: False}, notes={gus.pk: "sick"}
    )
    rows = {row.officer_id: (row.present, row.note) for row in meeting.attendance.all()}
    assert rows == {frank.pk: (True, ""), gus.pk: (False, "sick")}
    meeting.refresh_from_db()
    assert meeting.held_at is not None


def test_attendance_waits_for_the_meetings_first_day(force: Force, directive: Directive) -> None:
    meeting = schedule(force, directive, "a1", on=today() + dt.timedelta(days=2))
    with pytest.raises(ValidationError):
        all_present(force, meeting)


def test_another_countys_investigator_cannot_record_the_attendance(force: Force, meeting: Meeting) -> None:
    with pytest.raises(PermissionDenied):
        attendance_record(actor=force.users["charlie"], meeting=meeting, present={})


def test_a_body_meeting_summons_the_officers_on_its_agenda(force: Force) -> None:
    meeting = meeting_schedule(
        actor=force.users["bob"],
        kind=MeetingKind.REVIEW,
        title="Committee review",
        starts_on=today(),
        body=force.bodies["a"],
    )
    assert meeting.attendance.count() == 0
    items = agenda_compile(actor=force.users["bob"], meeting=meeting)
    # County A's officers with records: frank (finding, measure, alert) and gus (alert).
    assert {item.officer.last_name for item in items} == {"Li", "Chen"}
    assert set(meeting.attendance.values_list("officer__last_name", flat=True)) == {"Li", "Chen"}


# --- minutes and resolutions -------------------------------------------------------------------------


def test_the_minutes_record_the_officers_statement_and_the_criticisms(force: Force, meeting: Meeting) -> None:
    meeting, item = held_with_agenda(force, meeting)
    agenda_item_minutes(
        actor=force.users["bob"], item=item, statement="I hid no grain.", criticisms="The ledgers say otherwise."
    )
    item.refresh_from_db()
    assert (item.statement, item.criticisms) == ("I hid no grain.", "The ledgers say otherwise.")


def test_nothing_is_minuted_before_the_meeting_is_held(force: Force, meeting: Meeting) -> None:
    with pytest.raises(ValidationError):
        resolution_add(actor=force.users["bob"], meeting=meeting, text="Too early.")
    with pytest.raises(ValidationError):
        meeting_minutes(actor=force.users["bob"], meeting=meeting, minutes="Too early.")


def test_a_resolution_proposing_a_suspension_enters_due_process(force: Force, meeting: Meeting) -> None:
    meeting, item = held_with_agenda(force, meeting)
    start = today() + dt.timedelta(days=7)
    resolution = resolution_add(
        actor=force.users["bob"],
        meeting=meeting,
        agenda_item=item,
        text="Suspend him pending the inquiry.",
        measure_kind=Measure.Kind.SUSPENSION,
        starts_on=start,
        ends_on=start + dt.timedelta(days=90),
    )
    measure = resolution.measure
    assert measure is not None and measure.case is not None
    assert (measure.officer, measure.kind, measure.state) == (force.officers["frank"], "suspension", "proposed")
    assert measure.case.body == force.bodies["a"] and not measure.case.complaints.exists()
    assert "own initiative" in measure.case.summary
    assert "Suspend him pending the inquiry." in measure.reason
    # Notice, the officer's response, a decision by a head who did not propose it.
    measure_notify(actor=force.users["bob"], measure=measure)
    measure_respond(actor=force.users["frank"], measure=measure, text="I ask for the witnesses to be heard.")
    with pytest.raises(PermissionDenied):
        measure_decide(actor=force.users["bob"], measure=measure, approve=True, text=REASONS)
    measure = measure_decide(actor=force.users["alice"], measure=measure, approve=True, text=REASONS)
    assert measure.state == Measure.State.DECIDED


def test_a_suspension_without_an_end_date_is_refused_and_leaves_nothing_behind(
    force: Force, meeting: Meeting
) -> None:
    meeting, item = held_with_agenda(force, meeting)
    cases = Case.objects.count()
    with pytest.raises(ValidationError):
        resolution_add(
            actor=force.users["bob"],
            meeting=meeting,
            agenda_item=item,
            text="Suspend him.",
            measure_kind="suspension",
        )
    assert Case.objects.count() == cases
    assert not Resolution.objects.exists()


def test_a_measure_concerns_an_officer_on_the_agenda(force: Force, meeting: Meeting) -> None:
    meeting, _item = held_with_agenda(force, meeting)
    with pytest.raises(ValidationError):
        resolution_add(actor=force.users["bob"], meeting=meeting, text="Warn someone.", measure_kind="warning")


# --- sign-off --------------------------------------------------------------------------------------


def test_only_a_head_of_the_body_signs_the_minutes_off(force: Force, meeting: Meeting) -> None:
    meeting, _item = held_with_agenda(force, meeting)
    with pytest.raises(PermissionDenied):
        meeting_sign_off(actor=force.users["bob"], meeting=meeting)
    meeting = meeting_sign_off(actor=force.users["alice"], meeting=meeting)
    assert meeting.signed_off_by == force.users["alice"]


def test_minutes_of_a_meeting_not_held_cannot_be_signed_off(force: Force, meeting: Meeting) -> None:
    with pytest.raises(ValidationError):
        meeting_sign_off(actor=force.users["alice"], meeting=meeting)


def test_signing_off_files_the_minutes_under_the_directive(force: Force, meeting: Meeting) -> None:
    meeting, _item = held_with_agenda(force, meeting)
    meeting_sign_off(actor=force.users["alice"], meeting=meeting)
    target = DirectiveTarget.objects.get(directive=meeting.directive, unit=meeting.unit)
    assert target.state == DirectiveTarget.State.MINUTES_FILED


def test_signed_off_minutes_are_frozen(force: Force, meeting: Meeting) -> None:
    meeting, item = held_with_agenda(force, meeting)
    agenda_item_minutes(actor=force.users["bob"], item=item, statement="As said.", criticisms="As raised.")
    meeting = meeting_sign_off(actor=force.users["alice"], meeting=meeting)
    record = AgendaItem.objects.get(pk=item.pk).record
    bob, alice = force.users["bob"], force.users["alice"]
    refusals = [
        lambda: attendance_record(actor=bob, meeting=meeting, present={force.officers["frank"].pk: False}),
        lambda: agenda_compile(actor=bob, meeting=meeting),
        lambda: agenda_item_minutes(actor=bob, item=item, statement="Changed.", criticisms=""),
        lambda: meeting_minutes(actor=bob, meeting=meeting, minutes="Changed."),
        lambda: resolution_add(actor=bob, meeting=meeting, text="Afterthought."),
        lambda: meeting_sign_off(actor=alice, meeting=meeting),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError, match="signed off"):
            refused()
    item.refresh_from_db()
    assert (item.statement, item.record) == ("As said.", record)
    assert not Resolution.objects.exists()
    assert meeting.attendance.get(officer=force.officers["frank"]).present is True


def test_the_frozen_minutes_page_offers_no_form_and_refuses_a_late_edit(
    login: Login, force: Force, meeting: Meeting
) -> None:
    meeting, item = held_with_agenda(force, meeting)
    meeting_sign_off(actor=force.users["alice"], meeting=meeting)
    client = login("bob")
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "The minutes are frozen" in page
    assert "<form" not in page.split("<main>")[1].split("</main>")[0]
    response = client.post(
        reverse("meeting_item", args=[meeting.pk, item.pk]),
        {f"item-{item.pk}-statement": "Rewritten.", f"item-{item.pk}-criticisms": ""},
    )
    assert response.status_code == 400
    assert AgendaItem.objects.get(pk=item.pk).statement == ""


def test_every_step_of_the_meeting_is_in_the_audit_chain(force: Force, meeting: Meeting) -> None:
    meeting, item = held_with_agenda(force, meeting)
    resolution_add(
        actor=force.users["bob"], meeting=meeting, agenda_item=item, text="Warned.", measure_kind="warning"
    )
    meeting_sign_off(actor=force.users["alice"], meeting=meeting)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "directive.issue",
        "meeting.schedule",
        "meeting.attendance",
        "meeting.agenda",
        "meeting.resolution",
        "case.open",
        "measure.propose",
        "meeting.sign_off",
    } <= actions
    assert audit_verify().ok


def test_an_officer_assigned_after_the_first_day_is_not_expected(force: Force, directive: Directive) -> None:
    newcomer = Officer.objects.create(last_name="Newcomer")
    officer_assign_station(
        actor=None, officer=newcomer, unit=force.units["a1"], start_on=today() + dt.timedelta(days=1)
    )
    meeting = schedule(force, directive, "a1")
    assert not meeting.attendance.filter(officer=newcomer).exists()
