"""Directives cascade down the tree; each unit's compliance is tracked; the worker marks the overdue;
a meeting held after the deadline is marked late; the compliance page shows it all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ombud.core.schedule import PERIODIC
from ombud.reviews.models import Directive, DirectiveTarget, Meeting
from ombud.reviews.services import attendance_record, directive_targets_mark_overdue
from ombud.reviews.tasks import mark_overdue_targets
from tests.conftest import Force, Login
from tests.reviews.conftest import issue, schedule, today

pytestmark = pytest.mark.django_db

S = DirectiveTarget.State


def states(directive: Directive) -> dict[str, tuple[str, bool]]:
    return {t.unit.code: (t.state, t.late) for t in directive.targets.select_related("unit")}


def hold(force: Force, meeting: Meeting) -> Meeting:
    present = {row.officer_id: True for row in meeting.attendance.all()}
    return attendance_record(actor=force.users["bob"], meeting=meeting, present=present)


def test_a_directive_from_a_county_body_reaches_every_unit_under_it(force: Force, directive: Directive) -> None:
    assert states(directive) == {
        "CTY-A": (S.PENDING, False),
        "STN-A1": (S.PENDING, False),
        "STN-A2": (S.PENDING, False),
    }


def test_a_directive_may_be_sent_to_a_subtree_below_the_body(force: Force) -> None:
    directive = issue(force, unit=force.units["a2"])
    assert set(states(directive)) == {"STN-A2"}


def test_only_a_head_of_the_body_issues_a_directive(force: Force) -> None:
    with pytest.raises(PermissionDenied):
        issue(force, actor=force.users["bob"])
    with pytest.raises(PermissionDenied):
        issue(force, actor=force.users["charlie"])
    assert not Directive.objects.exists()


def test_a_body_cannot_order_units_outside_its_jurisdiction(force: Force) -> None:
    with pytest.raises(ValidationError):
        issue(force, unit=force.units["b1"])


def test_a_directive_due_in_the_past_is_refused(force: Force) -> None:
    with pytest.raises(ValidationError):
        issue(force, due_in=-1)


def test_scheduling_its_meeting_marks_the_unit_scheduled(force: Force, directive: Directive) -> None:
    schedule(force, directive, "a1")
    assert states(directive)["STN-A1"] == (S.SCHEDULED, False)
    assert states(directive)["STN-A2"] == (S.PENDING, False)


def test_a_unit_answers_a_directive_with_one_meeting(force: Force, directive: Directive) -> None:
    schedule(force, directive, "a1")
    with pytest.raises(ValidationError):
        schedule(force, directive, "a1")


def test_a_meeting_held_by_the_deadline_is_held_and_not_late(force: Force, directive: Directive) -> None:
    hold(force, schedule(force, directive, "a1"))
    assert states(directive)["STN-A1"] == (S.HELD, False)


def test_a_meeting_held_after_the_deadline_is_marked_late(force: Force) -> None:
    directive = issue(force, days_ago=40, due_in=-20)
    meeting = schedule(force, directive, "a1", on=today() - dt.timedelta(days=5))
    hold(force, meeting)
    assert states(directive)["STN-A1"] == (S.HELD, True)


def test_the_worker_marks_the_units_that_missed_the_deadline_overdue(force: Force) -> None:
    directive = issue(force, days_ago=40, due_in=-20)
    hold(force, schedule(force, directive, "a1", on=today() - dt.timedelta(days=25)))
    schedule(force, directive, "a2", on=today() + dt.timedelta(days=3))
    assert directive_targets_mark_overdue(on=today()) == 2
    assert states(directive) == {
        "CTY-A": (S.OVERDUE, False),
        "STN-A1": (S.HELD, False),
        "STN-A2": (S.OVERDUE, False),
    }
    assert directive_targets_mark_overdue(on=today()) == 0


def test_nothing_is_overdue_before_the_deadline(force: Force, directive: Directive) -> None:
    assert directive_targets_mark_overdue(on=directive.due_on) == 0


def test_an_overdue_unit_that_holds_its_meeting_at_last_is_held_and_late(force: Force) -> None:
    directive = issue(force, days_ago=40, due_in=-20)
    directive_targets_mark_overdue()
    hold(force, schedule(force, directive, "a2", on=today()))
    assert states(directive)["STN-A2"] == (S.HELD, True)


def test_the_periodic_job_marks_the_overdue_daily(force: Force) -> None:
    job = next(job for job in PERIODIC if job.task() is mark_overdue_targets)
    assert job.every == dt.timedelta(days=1)
    directive = issue(force, days_ago=40, due_in=-20)
    assert mark_overdue_targets.call() == {"overdue": 3}
    assert {state for state, _late in states(directive).values()} == {S.OVERDUE}


# --- the compliance page ------------------------------------------------------------------------


def test_the_compliance_page_shows_the_tree_with_held_and_overdue_units(login: Login, force: Force) -> None:
    directive = issue(force, days_ago=40, due_in=-20)
    hold(force, schedule(force, directive, "a1", on=today() - dt.timedelta(days=3)))
    directive_targets_mark_overdue()
    response = login("alice").get(reverse("directive_detail", args=[directive.pk]))
    page = response.content.decode()
    compliance = response.context["compliance"]
    (county,) = compliance.roots
    assert county.target.unit == force.units["county_a"]
    assert [child.target.unit.code for child in county.children] == ["STN-A1", "STN-A2"]
    assert county.overdue_below == 2
    assert dict((code, n) for code, _label, n in compliance.states)[S.OVERDUE] == 2
    assert compliance.late == 1
    a1 = page.split(f'id="target-{force.units["a1"].pk}"')[1].split("</li>")[0]
    assert "held" in a1 and "late" in a1
    a2 = page.split(f'id="target-{force.units["a2"].pk}"')[0].rsplit("<li", 1)[1]
    assert "overdue" in a2
    assert "schedule its meeting" in page


def test_a_supervisor_follows_only_his_own_stations_duty(login: Login, force: Force, directive: Directive) -> None:
    meeting = schedule(force, directive, "a1")
    response = login("dave").get(reverse("directive_detail", args=[directive.pk]))
    assert [node.target.unit.code for node in response.context["compliance"].roots] == ["STN-A1"]
    page = response.content.decode()
    assert "schedule its meeting" not in page
    # He sees when his station's meeting is, not a link to a page the body keeps (it would answer 404).
    assert meeting.starts_on.isoformat() in page
    assert reverse("meeting_detail", args=[meeting.pk]) not in page
    assert login("dave").get(reverse("meeting_detail", args=[meeting.pk])).status_code == 404
    assert (
        reverse("meeting_detail", args=[meeting.pk])
        in login("bob").get(reverse("directive_detail", args=[directive.pk])).content.decode()
    )
    # The API says the same: the date, and the meeting's id only to a reader who may open it.
    [target] = login("dave").get(reverse("api-directive", args=[directive.pk])).json()["targets"]
    assert (target["meeting"], target["meeting_starts_on"]) == (None, meeting.starts_on.isoformat())
    targets = login("bob").get(reverse("api-directive", args=[directive.pk])).json()["targets"]
    assert {t["unit"]: t["meeting"] for t in targets}["STN-A1"] == meeting.pk


def test_another_countys_investigator_cannot_open_the_directive(
    login: Login, force: Force, directive: Directive
) -> None:
    assert login("charlie").get(reverse("directive_detail", args=[directive.pk])).status_code == 404


def test_a_head_issues_a_directive_through_the_form(login: Login, force: Force) -> None:
    client = login("alice")
    form = client.get(reverse("directive_new"))
    assert form.status_code == 200
    response = client.post(
        reverse("directive_new"),
        {
            "body": force.bodies["a"].pk,
            "title": "Assemblies now",
            "meeting_kind": "general_assembly",
            "due_on": (today() + dt.timedelta(days=10)).isoformat(),
            "period_start": "2016-01-01",
            "period_end": today().isoformat(),
        },
    )
    directive = Directive.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("directive_detail", args=[directive.pk])
    assert directive.targets.count() == 3


def test_an_investigator_is_not_offered_the_directive_form(login: Login, force: Force) -> None:
    assert login("bob").get(reverse("directive_new")).status_code == 404
