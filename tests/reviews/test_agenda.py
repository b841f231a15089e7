"""The agenda from the records: exactly the officers the rule selects (sustained findings, open cases,
measures or early-warning alerts in the meeting's period, among the officers the meeting concerns),
each carrying his compiled record with the same figures as his dossier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ombud.accounts.models import Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.cases.models import Allegation, Case, Finding
from ombud.discipline.models import Measure
from ombud.org.models import Officer, PlaceAssignment, StationAssignment, Unit, UnitKind
from ombud.org.services import officer_assign_station, unit_create
from ombud.reviews.models import AgendaItem, Meeting, MeetingKind
from ombud.reviews.selectors import Counts, agenda_proposal, meeting_circle, meeting_page, officer_dossier
from ombud.reviews.services import agenda_compile, agenda_item_minutes, attendance_record, meeting_schedule
from ombud.risk.models import Alert
from tests.conftest import Force, Login
from tests.factories import (
    AlertFactory,
    AllegationFactory,
    CaseFactory,
    ComplaintFactory,
    ComplaintSubjectFactory,
    MeasureFactory,
    OfficerFactory,
    PlaceAssignmentFactory,
    PlaceFactory,
)
from tests.reviews.conftest import issue, today

pytestmark = pytest.mark.django_db


def ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def at(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


# The meeting reviews the two years up to a month ago.
PERIOD_START, PERIOD_END = 730, 30


@dataclass
class Station:
    unit: Unit
    case: Case
    officers: dict[str, Officer] = field(default_factory=dict)

    def ids(self, *names: str) -> set[int]:
        return {self.officers[name].pk for name in names}


def allegation(
    station: Station, officer: Officer, occurred: int, finding: str = "", decided: int | None = None
) -> None:
    AllegationFactory(
        case=station.case,
        officer=officer,
        category=Allegation._meta.get_field("category").related_model.objects.get(code="bribery"),
        occurred_on=ago(occurred),
        finding=finding,
        decided_at=at(decided) if decided is not None else None,
    )


def build_station(force: Force, *, code: str = "STN-A3", extra: int = 0) -> Station:
    """Station A3 of county A, with one officer for each branch of the rule (``extra`` more flagged)."""
    unit = unit_create(
        actor=None,
        code=code,
        name=f"Station {code}",
        kind=UnitKind.objects.get(code="station"),
        parent=force.units["county_a"],
    )
    station = Station(unit, CaseFactory(body=force.bodies["a"], opened_at=at(800)))
    o = station.officers

    def officer(name: str, unit: Unit | None = None) -> Officer:
        o[name] = OfficerFactory(last_name=name.title().replace("_", ""), unit=unit or station.unit)
        return o[name]

    allegation(station, officer("sustained_in"), 200, Finding.SUSTAINED, 100)
    allegation(station, officer("sustained_before"), 1000, Finding.SUSTAINED, 900)
    allegation(station, officer("cleared"), 200, Finding.NOT_SUSTAINED, 100)
    allegation(station, officer("open_case"), 200)
    allegation(station, officer("old_open"), 1000)
    # Undecided when the period ended, decided since: an open case at the end of the period.
    allegation(station, officer("decided_after_end"), 1000, Finding.NOT_SUSTAINED, 10)
    MeasureFactory(officer=officer("measured"), kind=Measure.Kind.WARNING, proposed_at=at(100))
    MeasureFactory(officer=officer("measured_after"), kind=Measure.Kind.WARNING, proposed_at=at(10))
    MeasureFactory(
        officer=officer("rejected"), kind=Measure.Kind.DEMOTION, state=Measure.State.REJECTED, proposed_at=at(100)
    )
    AlertFactory(officer=officer("alerted"), raised_at=at(100))
    AlertFactory(officer=officer("alert_after"), raised_at=at(5))
    complaint = ComplaintFactory(routed_to=force.bodies["a"], received_at=at(100))
    ComplaintSubjectFactory(complaint=complaint, officer=officer("complained"))
    officer("clean")
    # Serves at A2 but answers for a village of A3: the assembly of A3 concerns him.
    village_man = officer("village_man", force.units["a2"])
    PlaceAssignmentFactory(officer=village_man, place=PlaceFactory(unit=station.unit), start_on=ago(2000))
    allegation(station, village_man, 150, Finding.SUSTAINED, 90)
    # Left A3 before the meeting: no longer of its assembly.
    moved = officer("moved_away")
    officer_assign_station(actor=None, officer=moved, unit=force.units["a2"], start_on=ago(60))
    allegation(station, moved, 200, Finding.SUSTAINED, 100)
    allegation(station, officer("elsewhere", force.units["a2"]), 200, Finding.SUSTAINED, 100)
    for n in range(extra):
        AlertFactory(officer=officer(f"extra_{n}"), raised_at=at(50 + n))
    return station


SELECTED = ["sustained_in", "open_case", "old_open", "decided_after_end", "measured", "alerted", "village_man"]


def assembly(force: Force, station: Station) -> Meeting:
    directive = issue(force, period_start=ago(PERIOD_START), period_end=ago(PERIOD_END))
    return meeting_schedule(
        actor=force.users["bob"],
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title="General assembly of A3",
        starts_on=today(),
        unit=station.unit,
        directive=directive,
    )


def test_the_agenda_holds_exactly_the_officers_the_rule_selects(force: Force) -> None:
    station = build_station(force)
    meeting = assembly(force, station)
    items = agenda_compile(actor=force.users["bob"], meeting=meeting)
    assert {item.officer_id for item in items} == station.ids(*SELECTED)
    reasons = {item.officer_id: item.reasons for item in items}
    o = station.officers
    assert reasons[o["sustained_in"].pk] == ["sustained"]
    assert reasons[o["old_open"].pk] == ["pending"]
    assert reasons[o["decided_after_end"].pk] == ["pending"]
    assert reasons[o["measured"].pk] == ["measures"]
    assert reasons[o["alerted"].pk] == ["alerts"]
    assert [item.position for item in items] == list(range(1, len(items) + 1))


def test_the_agenda_agrees_with_the_rule_restated_as_queries(force: Force) -> None:
    """The rule written out again, independently, over the same records."""
    station = build_station(force)
    meeting = assembly(force, station)
    start, end = ago(PERIOD_START), ago(PERIOD_END)
    day = meeting.starts_on
    serving = Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gt=day))
    circle = set(StationAssignment.objects.filter(serving, unit=station.unit).values_list("officer_id", flat=True))
    circle |= set(
        PlaceAssignment.objects.filter(serving, place__unit=station.unit).values_list("officer_id", flat=True)
    )
    sustained = Allegation.objects.filter(finding=Finding.SUSTAINED, occurred_on__range=(start, end))
    undecided = Allegation.objects.filter(occurred_on__lte=end).filter(
        Q(decided_at__isnull=True) | Q(decided_at__date__gt=end)
    )
    measures = Measure.objects.filter(proposed_at__date__range=(start, end)).exclude(state=Measure.State.REJECTED)
    alerts = Alert.objects.filter(raised_at__date__range=(start, end))
    flagged = set()
    for records in (sustained, undecided, measures, alerts):
        flagged |= set(records.values_list("officer_id", flat=True))
    expected = circle & flagged
    items = agenda_compile(actor=force.users["bob"], meeting=meeting)
    assert {item.officer_id for item in items} == expected
    assert len(expected) == len(SELECTED)


def test_each_agenda_item_carries_the_same_figures_as_the_dossier(force: Force) -> None:
    station = build_station(force)
    meeting = assembly(force, station)
    bob = force.users["bob"]
    items = agenda_compile(actor=bob, meeting=meeting)
    assert items
    for item in items:
        dossier = officer_dossier(
            user=bob, officer_id=item.officer_id, since=ago(PERIOD_START), until=ago(PERIOD_END)
        )
        assert Counts(**item.record["counts"]) == dossier.recent
        in_period = [row for row in dossier.allegations if ago(PERIOD_START) <= row.dated_on <= ago(PERIOD_END)]
        assert len(
            [a for a in item.record["allegations"] if a["dated_on"] >= ago(PERIOD_START).isoformat()]
        ) == len(in_period)


def test_franks_agenda_item_matches_his_dossier_page_for_the_meetings_period(login: Login, force: Force) -> None:
    directive = issue(force)
    meeting = meeting_schedule(
        actor=force.users["bob"],
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title="A1",
        starts_on=today(),
        unit=force.units["a1"],
        directive=directive,
    )
    items = agenda_compile(actor=force.users["bob"], meeting=meeting)
    assert {item.officer.last_name for item in items} == {"Li", "Chen"}  # frank: finding and measure; gus: alert
    frank = next(item for item in items if item.officer_id == force.officers["frank"].pk)
    assert frank.record["counts"] == {
        "complaints": 1,
        "allegations": 1,
        "sustained": 1,
        "measures": 1,
        "alerts": 1,
        "pending": 0,
    }
    query = f"?since={directive.period_start}&until={directive.period_end}"
    page = login("bob").get(reverse("officer_dossier", args=[force.officers["frank"].pk]) + query)
    assert Counts(**frank.record["counts"]) == page.context["dossier"].recent
    meeting_page = login("bob").get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert (
        reverse("officer_dossier", args=[force.officers["frank"].pk]) + query.replace("&", "&amp;") in meeting_page
    )


def test_a_complaint_sent_over_the_countys_head_stays_out_of_the_countys_agenda(force: Force) -> None:
    directive = issue(force)
    meeting = meeting_schedule(
        actor=force.users["bob"],
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title="A2",
        starts_on=today(),
        unit=force.units["a2"],
        directive=directive,
    )
    # hana's only complaint went to the province: the county's compiled record does not know it.
    AlertFactory(officer=force.officers["hana"], raised_at=at(3))
    (item,) = agenda_compile(actor=force.users["bob"], meeting=meeting)
    assert item.record["counts"]["complaints"] == 0
    assert item.record["complaints"] == []


def test_a_reader_in_the_officers_chain_reads_the_agenda_without_the_complaints_and_cases_he_may_not_read(
    login: Login, force: Force
) -> None:
    """The records were compiled through the investigator's gates; a clerk of the same body who also
    supervises the station reads the meeting, but not the complaints and cases about his own officers."""
    station = build_station(force)
    meeting = assembly(force, station)
    bob = force.users["bob"]
    agenda_compile(actor=bob, meeting=meeting)
    sam = force.users["sam"] = user_create(
        actor=None, username="sam", password=None, first_name="Sam", last_name="Yu"
    )
    membership_grant(actor=None, user=sam, role=Role.INTAKE_CLERK, body=force.bodies["a"])
    membership_grant(actor=None, user=sam, role=Role.SUPERVISOR, unit=station.unit)
    o = station.officers
    stored = AgendaItem.objects.get(meeting=meeting, officer=o["sustained_in"])
    assert stored.record["allegations"] and stored.reasons == ["sustained"]

    as_read = meeting_page(sam, meeting).as_read
    for item in AgendaItem.objects.filter(meeting=meeting):
        shown = as_read[item.pk]
        assert shown.record["complaints"] == [] and shown.record["allegations"] == []
        # The figures are his dossier's as that reader reads it.
        dossier = officer_dossier(
            user=sam, officer_id=item.officer_id, since=ago(PERIOD_START), until=ago(PERIOD_END)
        )
        assert Counts(**shown.record["counts"]) == dossier.recent
    assert as_read[stored.pk].reasons == [] and as_read[stored.pk].withheld
    measured = AgendaItem.objects.get(meeting=meeting, officer=o["measured"])
    assert as_read[measured.pk].reasons == ["measures"] and not as_read[measured.pk].withheld

    case_number = stored.record["allegations"][0]["case_number"]
    page = login("sam").get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert case_number not in page and "records you do not read" in page
    agenda = login("sam").get(reverse("api-meeting", args=[meeting.pk])).json()["agenda"]
    assert case_number not in str(agenda)
    assert {item["officer"]: item["reasons"] for item in agenda}[o["sustained_in"].pk] == []
    # The investigator who compiled it reads it as it was compiled.
    assert case_number in login("bob").get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert meeting_page(bob, meeting).as_read[stored.pk].record == stored.record


def test_compiling_again_keeps_what_the_minutes_say_and_drops_the_rest(force: Force) -> None:
    station = build_station(force)
    meeting = assembly(force, station)
    bob = force.users["bob"]
    attendance_record(actor=bob, meeting=meeting, present={r.officer_id: True for r in meeting.attendance.all()})
    items = agenda_compile(actor=bob, meeting=meeting)
    spoken, silent = station.officers["measured"], station.officers["alerted"]
    item = next(i for i in items if i.officer_id == spoken.pk)
    agenda_item_minutes(actor=bob, item=item, statement="The warning was deserved.", criticisms="")
    Measure.objects.filter(officer=spoken).delete()
    Alert.objects.filter(officer=silent).delete()
    again = agenda_compile(actor=bob, meeting=meeting)
    officers = [i.officer_id for i in again]
    assert spoken.pk in officers and silent.pk not in officers
    assert officers[-1] == spoken.pk  # kept after those the rule selects
    assert AgendaItem.objects.get(meeting=meeting, officer=spoken).reasons == []


def test_the_proposal_reads_in_the_same_number_of_queries_however_many_officers(force: Force) -> None:
    few = assembly(force, build_station(force, code="STN-A3", extra=1))
    many = assembly(force, build_station(force, code="STN-A4", extra=12))
    bob = User.objects.get(pk=force.users["bob"].pk)
    agenda_proposal(user=bob, meeting=few)
    counts = {}
    for name, meeting in (("few", few), ("many", many)):
        with CaptureQueriesContext(connection) as queries:
            proposals = agenda_proposal(user=bob, meeting=meeting)
        counts[name] = (len(queries.captured_queries), len(proposals))
    assert counts["few"][0] == counts["many"][0] <= 4
    assert counts["many"][1] == counts["few"][1] + 11


def test_an_officer_who_investigates_cannot_compile_a_meeting_that_concerns_him(force: Force) -> None:
    directive = issue(force)
    meeting = meeting_schedule(
        actor=force.users["bob"],
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title="A1",
        starts_on=today(),
        unit=force.units["a1"],
        directive=directive,
    )
    bob = force.users["bob"]
    User.objects.filter(pk=bob.pk).update(officer=force.officers["gus"])
    with pytest.raises(PermissionDenied):
        agenda_compile(actor=User.objects.get(pk=bob.pk), meeting=meeting)


def test_the_circle_of_a_stations_assembly_is_whoever_served_or_answered_for_a_village_there(force: Force) -> None:
    station = build_station(force)
    meeting = assembly(force, station)
    circle = set(meeting_circle(meeting).values_list("pk", flat=True))
    o = station.officers
    assert o["village_man"].pk in circle and o["clean"].pk in circle
    assert o["moved_away"].pk not in circle and o["elsewhere"].pk not in circle
    assert set(meeting.attendance.values_list("officer_id", flat=True)) == circle
