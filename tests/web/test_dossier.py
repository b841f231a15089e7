"""The officer dossier: everything about one officer over the years, on one page, in a fixed number
of queries, and every reading of it in the audit chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ombud.accounts.models import Role
from ombud.accounts.services import membership_grant, user_create
from ombud.audit.models import AuditEntry
from ombud.audit.selectors import audit_verify
from ombud.cases.models import Finding
from ombud.cases.selectors import officers_for_allegation
from ombud.core.access import NotFoundForUser
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Complaint
from ombud.org.models import Officer, StationAssignment
from ombud.reviews.selectors import officer_dossier
from tests.conftest import Force, Login
from tests.factories import (
    AlertFactory,
    AllegationFactory,
    CaseFactory,
    ComplaintFactory,
    ComplaintSubjectFactory,
    MeasureFactory,
    MeasureStepFactory,
    OfficerFactory,
    PlaceAssignmentFactory,
    PlaceFactory,
    StationAssignmentFactory,
)

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 15


def dossier_url(officer: Officer) -> str:
    return reverse("officer_dossier", args=[officer.pk])


def years_ago(years: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=round(365.25 * years))


def officer_with_history(
    force: Force, *, years: int, complaints: int, allegations: int, measures: int, badge: str
) -> Officer:
    """An officer of station A1 who served at three other stations and answered for several villages
    over ``years`` years, with complaints, cases, findings, measures (each with its steps) and alerts."""
    officer = OfficerFactory(
        first_name="Vampire", last_name=f"Kang{badge}", badge=badge, hired_on=dt.date(2000, 1, 1)
    )
    stations = [force.units[key] for key in ("b1", "b2", "a2", "a1")]
    start = timezone.localdate() - dt.timedelta(days=365 * years)
    step = dt.timedelta(days=365 * years // len(stations))
    for index, unit in enumerate(stations):
        last = index == len(stations) - 1
        StationAssignmentFactory(
            officer=officer,
            unit=unit,
            start_on=start + index * step,
            end_on=None if last else start + (index + 1) * step,
        )
        PlaceAssignmentFactory(officer=officer, place=PlaceFactory(unit=unit), start_on=start + index * step)
    Officer.objects.filter(pk=officer.pk).update(unit=force.units["a1"])
    officer.refresh_from_db()

    body = force.bodies["a"]
    categories = list(force.categories.values())
    span = 365 * years
    for n in range(complaints):
        made = ComplaintFactory(
            routed_to=body,
            received_at=timezone.now() - dt.timedelta(days=span * n // max(complaints, 1) + 1),
            categories=categories[: 1 + n % len(categories)],
        )
        ComplaintSubjectFactory(complaint=made, officer=officer)
    cases = [
        CaseFactory(body=body, opened_at=years_ago(years * (k + 1) / 21)) for k in range(max(allegations // 3, 1))
    ]
    findings = [Finding.SUSTAINED, Finding.NOT_SUSTAINED, Finding.UNFOUNDED, ""]
    for n in range(allegations):
        finding = findings[n % len(findings)]
        AllegationFactory(
            case=cases[n % len(cases)],
            officer=officer,
            category=categories[n % len(categories)],
            occurred_on=timezone.localdate() - dt.timedelta(days=span * n // max(allegations, 1) + 2),
            finding=finding,
            decided_at=timezone.now() if finding else None,
            decided_by=force.users["alice"] if finding else None,
        )
    for n in range(measures):
        measure = MeasureFactory(
            officer=officer,
            case=cases[n % len(cases)],
            kind=Measure.Kind.WARNING if n % 2 else Measure.Kind.REPRIMAND,
            state=Measure.State.DECIDED,
            proposed_at=timezone.now() - dt.timedelta(days=span * n // max(measures, 1) + 3),
        )
        for kind in (MeasureStep.Kind.NOTICE, MeasureStep.Kind.RESPONSE, MeasureStep.Kind.DECISION):
            MeasureStepFactory(measure=measure, kind=kind, at=measure.proposed_at + dt.timedelta(days=5))
    for n in range(max(measures // 3, 1)):
        # One open at a time: the earlier ones were answered.
        AlertFactory(
            officer=officer,
            raised_at=timezone.now() - dt.timedelta(days=200 * n + 1),
            state="open" if n == 0 else "dismissed",
        )
    return officer


# --- what the dossier shows ---------------------------------------------------------------------


def test_the_dossier_opens_with_name_badge_rank_status_and_current_unit(login: Login, force: Force) -> None:
    page = login("alice").get(dossier_url(force.officers["frank"])).content.decode()
    head = page.split('class="dossier-head"')[1].split("</header>")[0]
    for text in ("Frank Li", "A1-001", "Constable", "active", "Station A1"):
        assert text in head


def test_the_dossier_lists_station_and_place_assignments(login: Login, force: Force) -> None:
    dossier = login("alice").get(dossier_url(force.officers["frank"])).context["dossier"]
    assert [(row.name, row.start_on) for row in dossier.station_assignments] == [
        ("Station A1", dt.date(2012, 3, 1))
    ]
    assert [row.name for row in dossier.place_assignments] == ["North A1 village"]


def test_the_dossier_lists_complaints_with_their_categories_body_and_status(login: Login, force: Force) -> None:
    response = login("alice").get(dossier_url(force.officers["frank"]))
    (row,) = response.context["dossier"].complaints
    assert row.reference == "CA-0002"
    assert row.categories == (force.categories["collusion"].name, force.categories["grain"].name)
    assert row.routed_to == "County A discipline committee"
    assert row.status == "received"
    assert "CA-0002" in response.content.decode()


def test_the_dossier_never_shows_what_the_complainant_wrote(login: Login, force: Force) -> None:
    page = login("admin").get(dossier_url(force.officers["frank"])).content.decode()
    assert force.complaints["frank"].description not in page


def test_the_dossier_lists_allegations_with_their_findings(login: Login, force: Force) -> None:
    response = login("alice").get(dossier_url(force.officers["frank"]))
    (row,) = response.context["dossier"].allegations
    assert (row.case_number, row.finding_label, row.sustained) == ("K-A-001", "sustained", True)
    assert row.decided_on is not None
    assert 'class="sustained"' in response.content.decode()


def test_the_dossier_lists_measures_with_each_step_of_due_process(login: Login, force: Force) -> None:
    response = login("alice").get(dossier_url(force.officers["frank"]))
    (row,) = response.context["dossier"].measures
    assert (row.kind, row.state, row.case_number) == ("reprimand", "decided", "K-A-001")
    assert [step.kind for step in row.steps] == ["notice served", "decision"]
    assert "notice served" in response.content.decode()


def test_the_timeline_merges_every_kind_of_record_in_date_order(login: Login, force: Force) -> None:
    timeline = login("alice").get(dossier_url(force.officers["frank"])).context["dossier"].timeline
    days = [entry.on for entry in timeline]
    assert days == sorted(days)
    assert {entry.kind for entry in timeline} == {
        "assignment",
        "complaint",
        "allegation",
        "finding",
        "measure",
        "alert",
    }
    assert timeline[0].text == "Began serving at Station A1"


def test_the_summary_counts_the_period_and_all_time(login: Login, force: Force) -> None:
    frank = force.officers["frank"]
    old = CaseFactory(number="K-A-OLD", body=force.bodies["a"], opened_at=years_ago(14))
    AllegationFactory(
        case=old,
        officer=frank,
        category=force.categories["bribery"],
        occurred_on=timezone.localdate() - dt.timedelta(days=365 * 14),
        finding=Finding.SUSTAINED,
        decided_at=years_ago(13),
    )
    dossier = login("alice").get(dossier_url(frank)).context["dossier"]
    assert dossier.years == 10
    assert (
        dossier.recent.complaints,
        dossier.recent.allegations,
        dossier.recent.sustained,
        dossier.recent.measures,
    ) == (
        1,
        1,
        1,
        1,
    )
    assert (dossier.all_time.allegations, dossier.all_time.sustained) == (2, 2)
    old_case = [entry for entry in dossier.timeline if "K-A-OLD" in entry.text]
    assert len(old_case) == 2
    assert not any(entry.in_period for entry in old_case)


def test_a_rejected_measure_is_listed_but_not_counted(login: Login, force: Force) -> None:
    MeasureFactory(officer=force.officers["frank"], kind=Measure.Kind.DEMOTION, state=Measure.State.REJECTED)
    dossier = login("alice").get(dossier_url(force.officers["frank"])).context["dossier"]
    assert len(dossier.measures) == 2
    assert dossier.all_time.measures == 1


def test_the_period_follows_the_setting(login: Login, force: Force, settings: Any) -> None:
    settings.OMBUD_DOSSIER_YEARS = 3
    dossier = login("alice").get(dossier_url(force.officers["frank"])).context["dossier"]
    assert dossier.years == 3
    assert dossier.since.year == timezone.localdate().year - 3
    assert "last 3 years" in login("alice").get(dossier_url(force.officers["frank"])).content.decode()


def test_a_reader_may_ask_for_another_period(login: Login, force: Force) -> None:
    client = login("alice")
    assert client.get(dossier_url(force.officers["frank"]) + "?years=5").context["dossier"].years == 5
    assert client.get(dossier_url(force.officers["frank"]) + "?years=nonsense").context["dossier"].years == 10


def test_a_station_outside_the_readers_reach_is_named_but_not_linked(login: Login, force: Force) -> None:
    hana = force.officers["hana"]
    StationAssignment.objects.filter(officer=hana).update(start_on=dt.date(2016, 1, 1))
    StationAssignmentFactory(
        officer=hana, unit=force.units["b1"], start_on=dt.date(2013, 1, 1), end_on=dt.date(2016, 1, 1)
    )
    response = login("alice").get(dossier_url(hana))
    rows = {row.name: row.unit_id for row in response.context["dossier"].station_assignments}
    assert rows == {"Station B1": None, "Station A2": force.units["a2"].pk}
    assert reverse("unit_detail", args=[force.units["b1"].pk]) not in response.content.decode()


# --- the record read through the complaint and case gates ----------------------------------------


def test_a_supervisor_reads_the_record_without_the_complaints_and_cases(login: Login, force: Force) -> None:
    response = login("dave").get(dossier_url(force.officers["frank"]))
    dossier = response.context["dossier"]
    page = response.content.decode()
    assert (dossier.shows_cases, dossier.complaints, dossier.allegations, dossier.measures) == (False, [], [], [])
    assert "CA-0002" not in page and "K-A-001" not in page
    assert "shown to oversight bodies only" in page
    assert [row.name for row in dossier.station_assignments] == ["Station A1"]
    assert [alert.reasons for alert in dossier.alerts] == [("sustained finding",)]


def test_a_complaint_sent_over_the_countys_head_stays_out_of_the_countys_reading(
    login: Login, force: Force
) -> None:
    over = ComplaintFactory(reference="CP-0002", routed_to=force.bodies["province"])
    ComplaintSubjectFactory(complaint=over, officer=force.officers["frank"])
    alice_reads = login("alice").get(dossier_url(force.officers["frank"])).context["dossier"]
    assert [row.reference for row in alice_reads.complaints] == ["CA-0002"]
    admin_reads = login("admin").get(dossier_url(force.officers["frank"])).context["dossier"]
    assert {row.reference for row in admin_reads.complaints} == {"CA-0002", "CP-0002"}


def test_an_investigator_serving_at_a1_reads_no_complaint_or_case_about_a_colleague(
    login: Login, force: Force
) -> None:
    from ombud.accounts.models import User
    from ombud.org.services import officer_create

    bob_the_officer = officer_create(
        actor=None, last_name="Kim", first_name="Bob", badge="A1-009", unit=force.units["a1"]
    )
    User.objects.filter(pk=force.users["bob"].pk).update(officer=bob_the_officer)
    client = login("bob")
    gus = client.get(dossier_url(force.officers["gus"])).context["dossier"]
    assert gus.complaints == []
    frank = client.get(dossier_url(force.officers["frank"])).context["dossier"]
    assert (frank.complaints, frank.allegations, frank.measures) == ([], [], [])


def test_a_measure_outside_any_case_is_shown_to_the_supervisor(login: Login, force: Force) -> None:
    MeasureFactory(officer=force.officers["frank"], kind=Measure.Kind.REASSIGNMENT, state=Measure.State.IN_FORCE)
    measures = login("dave").get(dossier_url(force.officers["frank"])).context["dossier"].measures
    assert [(row.kind, row.state) for row in measures] == [("reassignment", "in force")]


# --- the officer reading his own record ---------------------------------------------------------


def test_frank_reads_his_allegations_findings_and_measures(login: Login, force: Force) -> None:
    response = login("frank").get(dossier_url(force.officers["frank"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "K-A-001" in page and "sustained" in page and "reprimand" in page
    assert "This is your own record" in page


def test_frank_learns_of_no_complaint_while_it_is_open(login: Login, force: Force) -> None:
    response = login("frank").get(dossier_url(force.officers["frank"]))
    assert response.context["dossier"].complaints == []
    assert "CA-0002" not in response.content.decode()


def test_frank_sees_a_closed_complaint_only_by_month_and_status(login: Login, force: Force) -> None:
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from ombud.intake.models import Complaint

    received = dt.datetime(2025, 3, 17, 10, tzinfo=dt.UTC)
    # Closed, but the complainant may still have the closing reviewed above: not yet his to know.
    Complaint.objects.filter(reference="CA-0002").update(
        status=Complaint.Status.CLOSED, closed_at=timezone.now(), received_at=received
    )
    assert login("frank").get(dossier_url(force.officers["frank"])).context["dossier"].complaints == []
    settled = timezone.now() - dt.timedelta(days=settings.OMBUD_REVIEW_DAYS + 1)
    Complaint.objects.filter(reference="CA-0002").update(closed_at=settled)
    response = login("frank").get(dossier_url(force.officers["frank"]))
    (row,) = response.context["dossier"].complaints
    assert (row.reference, row.status, row.categories, row.routed_to) == ("", "closed", (), "")
    page = response.content.decode()
    section = page.split('id="complaints"')[1].split("</section>")[0]
    # The reference is the one on the complainant's proof of filing.
    assert "CA-0002" not in page
    # The day could point to who complained: he learns the month, on the table and the timeline.
    assert "2025-03" in section and "2025-03-17" not in page
    assert "closed" in section
    # The API answers the same: the month's first day, no reference.
    dossier = login("frank").get(f"/api/v1/officers/{force.officers['frank'].pk}/dossier/").json()
    assert [(c["reference"], c["received_on"]) for c in dossier["complaints"]] == [("", "2025-03-01")]
    assert "2025-03-17" not in str(dossier) and "CA-0002" not in str(dossier)
    # The county body's reading keeps the day.
    other = login("alice").get(dossier_url(force.officers["frank"])).content.decode()
    assert "2025-03-17" in other
    assert force.categories["grain"].name not in section
    assert "County A discipline committee" not in section


def test_frank_does_not_see_the_early_warning_alerts_about_him(login: Login, force: Force) -> None:
    response = login("frank").get(dossier_url(force.officers["frank"]))
    assert response.context["dossier"].alerts == []
    assert "sustained finding" not in response.content.decode()
    assert all(entry.kind != "alert" for entry in response.context["dossier"].timeline)


def test_the_selector_refuses_an_officer_out_of_reach(force: Force) -> None:
    with pytest.raises(NotFoundForUser):
        officer_dossier(user=force.users["charlie"], officer_id=force.officers["frank"].pk)
    with pytest.raises(NotFoundForUser):
        officer_dossier(user=force.users["frank"], officer_id=force.officers["gus"].pk)


# --- the audit of each reading ------------------------------------------------------------------


def test_reading_a_dossier_is_written_to_the_audit_chain(login: Login, force: Force) -> None:
    login("dave").get(dossier_url(force.officers["frank"]))
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.actor_id, entry.object_type, entry.object_id) == (
        "officer.dossier.view",
        force.users["dave"].pk,
        "org.officer",
        str(force.officers["frank"].pk),
    )
    assert audit_verify().ok


def test_a_refused_dossier_leaves_no_reading_in_the_audit_chain(login: Login, force: Force) -> None:
    login("charlie").get(dossier_url(force.officers["frank"]))
    assert not AuditEntry.objects.filter(action="officer.dossier.view").exists()


# --- a constant number of queries ---------------------------------------------------------------


def test_a_ten_year_history_renders_within_the_query_budget(
    login: Login, force: Force, django_assert_max_num_queries: Any
) -> None:
    officer = officer_with_history(force, years=10, complaints=40, allegations=60, measures=10, badge="V-10")
    client = login("alice")
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(dossier_url(officer))
    dossier = response.context["dossier"]
    assert (len(dossier.complaints), len(dossier.allegations), len(dossier.measures)) == (40, 60, 10)
    assert len(dossier.station_assignments) == 4 and len(dossier.place_assignments) == 4
    assert dossier.all_time.sustained == 15


def test_the_number_of_queries_does_not_grow_with_the_history(login: Login, force: Force) -> None:
    short = officer_with_history(force, years=1, complaints=1, allegations=1, measures=1, badge="V-01")
    long = officer_with_history(force, years=10, complaints=40, allegations=60, measures=10, badge="V-10")
    client = login("alice")
    client.get(dossier_url(short))  # the first request of a session may warm caches
    counts = {}
    for name, officer in (("short", short), ("long", long)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(dossier_url(officer)).status_code == 200
        counts[name] = len(queries.captured_queries)
    assert counts["short"] == counts["long"] <= QUERY_BUDGET


def test_a_body_still_reads_the_record_of_an_officer_it_investigates_after_he_moves_out_of_its_reach(
    login: Login, force: Force
) -> None:
    # County A's committee holds the complaint about Gus (A1); then he is transferred to County B.
    gus = force.officers["gus"]
    Officer.objects.filter(pk=gus.pk).update(unit=force.units["b1"])
    bob = login("bob")
    page = bob.get(dossier_url(gus))
    assert page.status_code == 200 and "CA-0001" in page.content.decode()
    # And may still name him in an allegation of the case he works.
    assert officers_for_allegation(force.users["bob"], "Chen").filter(pk=gus.pk).exists()
    # An officer of County B named in nothing Bob reads stays out of his reach, and the complaint
    # about Ivan that County B's committee holds stays out of his reading of Ivan's record.
    assert bob.get(dossier_url(force.officers["jin"])).status_code == 404
    assert bob.get(dossier_url(force.officers["ivan"])).status_code == 404
    # Nor does the complaint open Gus's record to the supervisor of the station he left.
    assert login("dave").get(dossier_url(gus)).status_code == 404


def test_the_record_of_an_officer_moved_away_stays_closed_to_the_clerks_and_after_the_complaint_closes(
    login: Login, force: Force
) -> None:
    gus = force.officers["gus"]
    Officer.objects.filter(pk=gus.pk).update(unit=force.units["b1"])
    clerk = user_create(actor=None, username="cleo", password=None, first_name="Cleo", last_name="Ra")
    membership_grant(actor=None, user=clerk, role=Role.INTAKE_CLERK, body=force.bodies["a"])
    client = login("bob")
    client.force_login(clerk)
    assert client.get(dossier_url(gus)).status_code == 404
    # Once the complaint is closed, County A's committee no longer reads the record of an officer of County B.
    Complaint.objects.filter(pk=force.complaints["gus"].pk).update(status=Complaint.Status.CLOSED)
    assert login("bob").get(dossier_url(gus)).status_code == 404
    assert not officers_for_allegation(force.users["bob"], "Chen").filter(pk=gus.pk).exists()
