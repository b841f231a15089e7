"""Measures follow due process and change what the officer may do while in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ombud.cases.selectors import measures_own
from ombud.cases.services import allegation_add
from ombud.discipline.models import FollowUp, Measure
from ombud.discipline.services import (
    follow_up_add,
    follow_up_done,
    follow_ups_escalate_overdue,
    measure_appeal,
    measure_appeal_decide,
    measure_decide,
    measure_notify,
    measure_propose,
    measure_respond,
    measures_apply,
)
from ombud.intake.models import Category
from ombud.org.models import Officer, PlaceAssignment
from ombud.org.services import officer_assign_place
from tests.cases.conftest import Casework, sustained_bribery

REASONS = "The response does not explain the grain."

TODAY = timezone.localdate()


_sustained = sustained_bribery


def _suspension(casework: Casework, starts: dt.date = TODAY, ends: dt.date | None = None) -> Measure:
    return measure_propose(
        actor=casework.investigator,
        case=casework.case,
        officer=casework.force.grain_officer,
        kind="suspension",
        reason="Took grain to look away.",
        allegation=_sustained(casework),
        starts_on=starts,
        ends_on=ends or TODAY + dt.timedelta(days=90),
    )


def _decided(casework: Casework, **dates: dt.date) -> Measure:
    measure = measure_notify(actor=casework.investigator, measure=_suspension(casework, **dates))
    measure_respond(actor=casework.officer_user, measure=measure, text="The sacks were a gift for my mother.")
    return measure_decide(actor=casework.head, measure=measure, approve=True, text=REASONS)


def test_a_suspension_without_an_end_date_is_refused(casework: Casework) -> None:
    with pytest.raises(ValidationError) as raised:
        measure_propose(
            actor=casework.investigator,
            case=casework.case,
            officer=casework.force.grain_officer,
            kind="suspension",
            reason="x",
            starts_on=TODAY,
        )
    assert "ends_on" in raised.value.message_dict
    assert not Measure.objects.exists()


def test_a_measure_never_starts_before_today(casework: Casework) -> None:
    with pytest.raises(ValidationError) as backdated:
        _suspension(casework, starts=TODAY - dt.timedelta(days=1))
    assert "starts_on" in backdated.value.error_dict
    assert not Measure.objects.exists()


def test_a_measure_decided_after_its_start_day_starts_on_its_decision_for_the_whole_period(
    casework: Casework,
) -> None:
    measure = _suspension(casework, starts=TODAY, ends=TODAY + dt.timedelta(days=30))
    measure_notify(actor=casework.investigator, measure=measure)
    measure_respond(actor=casework.officer_user, measure=measure, text="A gift.")
    # The decision comes five days after the day the suspension was to start.
    Measure.objects.filter(pk=measure.pk).update(
        starts_on=TODAY - dt.timedelta(days=5), ends_on=TODAY + dt.timedelta(days=25)
    )
    decided = measure_decide(actor=casework.head, measure=measure, approve=True, text=REASONS)
    assert (decided.starts_on, decided.ends_on) == (TODAY, TODAY + dt.timedelta(days=30))


def test_a_measure_needs_a_sustained_finding_on_its_allegation(casework: Casework) -> None:
    allegation = allegation_add(
        actor=casework.investigator,
        case=casework.case,
        category=Category.objects.get(code="neglect"),
        officer=casework.force.grain_officer,
    )
    with pytest.raises(ValidationError):
        measure_propose(
            actor=casework.investigator,
            case=casework.case,
            officer=casework.force.grain_officer,
            kind="warning",
            reason="x",
            allegation=allegation,
        )


def test_a_measure_cannot_be_decided_before_notice(casework: Casework) -> None:
    measure = _suspension(casework)
    with pytest.raises(ValidationError):
        measure_decide(actor=casework.head, measure=measure, approve=True, text=REASONS)


def test_the_officer_keeps_his_time_to_respond(casework: Casework) -> None:
    measure = measure_notify(actor=casework.investigator, measure=_suspension(casework))
    assert measure.response_due_on == TODAY + dt.timedelta(days=14)
    with pytest.raises(ValidationError):
        measure_decide(actor=casework.head, measure=measure, approve=True, text=REASONS)


def test_only_the_officer_himself_responds(casework: Casework) -> None:
    measure = measure_notify(actor=casework.investigator, measure=_suspension(casework))
    with pytest.raises(PermissionDenied):
        measure_respond(actor=casework.investigator, measure=measure, text="On his behalf.")
    measure_respond(actor=casework.officer_user, measure=measure, text="I deny it.")
    assert list(measure.steps.values_list("kind", flat=True)) == ["proposed", "notice", "response"]


def test_the_proposer_cannot_decide_the_measure(casework: Casework) -> None:
    measure = measure_propose(
        actor=casework.head,
        case=casework.case,
        officer=casework.force.grain_officer,
        kind="reprimand",
        reason="Proposed by the head.",
        allegation=_sustained(casework),
    )
    measure_notify(actor=casework.head, measure=measure)
    measure_respond(actor=casework.officer_user, measure=measure, text="Noted.")
    with pytest.raises(PermissionDenied):
        measure_decide(actor=casework.head, measure=measure, approve=True, text=REASONS)
    assert (
        measure_decide(actor=casework.deputy_head, measure=measure, approve=True, text=REASONS).state == "decided"
    )


def test_a_decided_suspension_suspends_the_officer_until_its_end_date(casework: Casework) -> None:
    officer = casework.force.grain_officer
    officer_assign_place(
        actor=None, officer=officer, place=casework.force.village_a1, start_on=dt.date(2020, 1, 1)
    )
    measure = _decided(casework, starts=TODAY + dt.timedelta(days=3), ends=TODAY + dt.timedelta(days=30))
    assert measures_apply(on=TODAY) == {"started": 0, "ended": 0}
    assert Officer.objects.get(pk=officer.pk).status == "active"
    assert measures_apply(on=TODAY + dt.timedelta(days=3))["started"] == 1
    assert Officer.objects.get(pk=officer.pk).status == "suspended"
    assert not PlaceAssignment.objects.filter(officer=officer, end_on__isnull=True).exists()
    assert measures_apply(on=TODAY + dt.timedelta(days=30)) == {"started": 0, "ended": 0}
    assert measures_apply(on=TODAY + dt.timedelta(days=31))["ended"] == 1
    assert Officer.objects.get(pk=officer.pk).status == "active"
    assert Measure.objects.get(pk=measure.pk).state == "ended"


def test_when_a_suspension_ends_a_standby_still_in_force_keeps_the_officer_on_standby(casework: Casework) -> None:
    officer = casework.force.grain_officer
    _decided(casework, starts=TODAY, ends=TODAY + dt.timedelta(days=10))
    standby = measure_propose(
        actor=casework.investigator,
        case=casework.case,
        officer=officer,
        kind="standby",
        reason="Kept off duty while the prosecutor decides.",
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=60),
    )
    measure_notify(actor=casework.investigator, measure=standby)
    measure_respond(actor=casework.officer_user, measure=standby, text="I await the prosecutor.")
    measure_decide(actor=casework.head, measure=standby, approve=True, text=REASONS)
    assert measures_apply(on=TODAY)["started"] == 2
    assert Officer.objects.get(pk=officer.pk).status == "suspended"
    assert measures_apply(on=TODAY + dt.timedelta(days=11))["ended"] == 1
    assert Officer.objects.get(pk=officer.pk).status == "standby"
    assert measures_apply(on=TODAY + dt.timedelta(days=61))["ended"] == 1
    assert Officer.objects.get(pk=officer.pk).status == "active"


def test_a_dismissed_officer_stays_dismissed_when_a_later_suspension_comes_and_goes(casework: Casework) -> None:
    officer = casework.force.grain_officer
    Officer.objects.filter(pk=officer.pk).update(status="dismissed")
    _decided(casework, starts=TODAY, ends=TODAY + dt.timedelta(days=10))
    measures_apply(on=TODAY)
    assert Officer.objects.get(pk=officer.pk).status == "dismissed"
    measures_apply(on=TODAY + dt.timedelta(days=11))
    assert Officer.objects.get(pk=officer.pk).status == "dismissed"


def test_an_appeal_is_decided_by_a_third_person_and_overturning_restores_the_officer(casework: Casework) -> None:
    measure = _decided(casework)
    measures_apply(on=TODAY)
    assert Officer.objects.get(pk=casework.force.grain_officer.pk).status == "suspended"
    measure_appeal(actor=casework.officer_user, measure=measure, text="New witness.")
    with pytest.raises(PermissionDenied):
        measure_appeal_decide(actor=casework.head, measure=measure, uphold=False, text="I decided it myself.")
    measure_appeal_decide(
        actor=casework.deputy_head, measure=measure, uphold=False, text="The witness is credible."
    )
    assert Measure.objects.get(pk=measure.pk).state == "rejected"
    assert Officer.objects.get(pk=casework.force.grain_officer.pk).status == "active"


def test_a_period_over_before_the_daily_run_is_recorded_without_taking_the_officer_s_villages(
    casework: Casework,
) -> None:
    officer = casework.force.grain_officer
    officer_assign_place(
        actor=None, officer=officer, place=casework.force.village_a1, start_on=dt.date(2020, 1, 1)
    )
    measure = _decided(casework, starts=TODAY, ends=TODAY + dt.timedelta(days=10))
    assert measures_apply(on=TODAY + dt.timedelta(days=20)) == {"started": 1, "ended": 1}
    assert Measure.objects.get(pk=measure.pk).state == "ended"
    assert Officer.objects.get(pk=officer.pk).status == "active"
    assert PlaceAssignment.objects.filter(officer=officer, end_on__isnull=True).exists()


def _step_kinds(measure: Measure) -> list[str]:
    return list(measure.steps.order_by("at", "pk").values_list("kind", flat=True))


def _seen_by_officer(casework: Casework, measure: Measure) -> str:
    """The state the officer reads on his own measures' page."""
    return next(own.state_label for own in measures_own(casework.officer_user) if own.id == measure.pk)


def test_a_suspension_under_appeal_ends_on_its_end_date_and_upholding_leaves_it_ended(casework: Casework) -> None:
    officer = casework.force.grain_officer
    measure = _decided(casework, starts=TODAY, ends=TODAY + dt.timedelta(days=10))
    measures_apply(on=TODAY)
    measure_appeal(actor=casework.officer_user, measure=measure, text="New witness.")
    assert _seen_by_officer(casework, measure) == "under appeal; in force meanwhile"
    assert measures_apply(on=TODAY + dt.timedelta(days=11)) == {"started": 0, "ended": 1}
    assert Officer.objects.get(pk=officer.pk).status == "active"
    assert Measure.objects.get(pk=measure.pk).state == "appealed"
    assert _seen_by_officer(casework, measure) == "under appeal; its period is over"
    measure_appeal_decide(actor=casework.deputy_head, measure=measure, uphold=True, text="The grain was taken.")
    assert Measure.objects.get(pk=measure.pk).state == "ended"
    # Upheld, it does not come into force a second time.
    assert measures_apply(on=TODAY + dt.timedelta(days=12)) == {"started": 0, "ended": 0}
    assert Officer.objects.get(pk=officer.pk).status == "active"
    assert _step_kinds(measure).count("in_force") == 1
    assert _step_kinds(measure).count("ended") == 1


def test_an_appeal_lodged_before_the_start_day_does_not_hold_the_measure_back(casework: Casework) -> None:
    officer = casework.force.grain_officer
    measure = _decided(casework, starts=TODAY + dt.timedelta(days=5), ends=TODAY + dt.timedelta(days=30))
    measure_appeal(actor=casework.officer_user, measure=measure, text="New witness.")
    assert _seen_by_officer(casework, measure) == "under appeal"
    assert measures_apply(on=TODAY + dt.timedelta(days=5)) == {"started": 1, "ended": 0}
    assert Officer.objects.get(pk=officer.pk).status == "suspended"
    assert Measure.objects.get(pk=measure.pk).state == "appealed"
    assert Measure.objects.get(pk=measure.pk).state_label == "under appeal; in force meanwhile"
    measure_appeal_decide(actor=casework.deputy_head, measure=measure, uphold=True, text="The grain was taken.")
    assert Measure.objects.get(pk=measure.pk).state == "in_force"
    assert measures_apply(on=TODAY + dt.timedelta(days=6)) == {"started": 0, "ended": 0}
    assert Officer.objects.get(pk=officer.pk).status == "suspended"
    assert measures_apply(on=TODAY + dt.timedelta(days=31)) == {"started": 0, "ended": 1}
    assert Officer.objects.get(pk=officer.pk).status == "active"
    assert _step_kinds(measure).count("in_force") == 1


def test_an_appeal_can_be_made_once(casework: Casework) -> None:
    measure = _decided(casework)
    measure_appeal(actor=casework.officer_user, measure=measure, text="Ground one.")
    measure_appeal_decide(actor=casework.deputy_head, measure=measure, uphold=True, text="Upheld.")
    with pytest.raises(ValidationError):
        measure_appeal(actor=casework.officer_user, measure=measure, text="Ground two.")


def test_an_overdue_follow_up_is_escalated_once(casework: Casework) -> None:
    measure = _decided(casework)
    follow_up_add(
        actor=casework.head,
        measure=measure,
        description="Refer to the prosecutor.",
        due_on=TODAY + dt.timedelta(days=10),
    )
    assert follow_ups_escalate_overdue(on=TODAY + dt.timedelta(days=5)) == 0
    assert follow_ups_escalate_overdue(on=TODAY + dt.timedelta(days=11)) == 1
    assert follow_ups_escalate_overdue(on=TODAY + dt.timedelta(days=12)) == 0
    assert FollowUp.objects.get().escalated_at is not None


def test_a_follow_up_follows_a_decision_and_is_done_once(casework: Casework) -> None:
    proposed = _suspension(casework)
    with pytest.raises(ValidationError, match="not possible now"):
        follow_up_add(actor=casework.head, measure=proposed, description="Weigh the grain.", due_on=TODAY)
    measure_notify(actor=casework.investigator, measure=proposed)
    measure_respond(actor=casework.officer_user, measure=proposed, text="A gift.")
    measure = measure_decide(actor=casework.head, measure=proposed, approve=True, text=REASONS)
    with pytest.raises(ValidationError) as past:
        follow_up_add(
            actor=casework.head,
            measure=measure,
            description="Weigh the grain.",
            due_on=TODAY - dt.timedelta(days=1),
        )
    assert "due_on" in past.value.error_dict
    follow_up = follow_up_add(
        actor=casework.investigator, measure=measure, description="Weigh the grain.", due_on=TODAY
    )
    assert follow_up_done(actor=casework.head, follow_up=follow_up).done_at is not None
    with pytest.raises(ValidationError, match="already"):
        follow_up_done(actor=casework.head, follow_up=follow_up)
    # Done in time: never escalated.
    assert follow_ups_escalate_overdue(on=TODAY + dt.timedelta(days=30)) == 0


def test_a_suspended_officer_s_account_gets_403_on_staff_actions_until_the_suspension_ends(
    casework: Casework,
    client,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    from rest_framework.test import APIClient

    from ombud.accounts.models import Role, User
    from ombud.accounts.services import membership_grant

    account = casework.officer_user
    membership_grant(
        actor=None, user=account, role=Role.INVESTIGATOR, body=casework.force.body_b, start_on=dt.date(2020, 1, 1)
    )
    _decided(casework, starts=TODAY, ends=TODAY + dt.timedelta(days=30))
    api = APIClient()
    api.force_authenticate(account)
    client.force_login(account)
    assert api.get("/api/v1/complaints/").status_code == 200
    assert client.get("/home/").status_code == 200

    measures_apply(on=TODAY)
    # Each request loads its user afresh, as here.
    account = User.objects.get(pk=account.pk)
    api.force_authenticate(account)
    assert api.get("/api/v1/complaints/").status_code == 403
    assert client.get("/units/").status_code == 403
    assert client.get(f"/officers/{casework.force.grain_officer.pk}/").status_code == 200

    measures_apply(on=TODAY + dt.timedelta(days=31))
    account = User.objects.get(pk=account.pk)
    api.force_authenticate(account)
    assert api.get("/api/v1/complaints/").status_code == 200
    assert client.get("/units/").status_code == 200
