"""The reviews pages and endpoints: who reaches what, the meeting recorded through its forms, and the
API over the same services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ombud.audit.models import AuditEntry
from ombud.reviews.models import Directive, DirectiveTarget, Meeting
from tests.conftest import Force, Login
from tests.reviews.conftest import today

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "index", "compliance"),
    [
        ("alice", 200, 200),
        ("bob", 200, 200),
        ("charlie", 200, 404),
        ("dave", 200, 200),
        ("erin", 200, 200),
        ("frank", 404, 404),
        ("admin", 200, 200),
    ],
)
def test_each_persona_reaches_the_reviews_pages_or_gets_a_404(
    login: Login, force: Force, directive: Directive, persona: str, index: int, compliance: int
) -> None:
    client = login(persona)
    assert client.get(reverse("reviews")).status_code == index
    assert client.get(reverse("directive_detail", args=[directive.pk])).status_code == compliance


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("bob", 200), ("charlie", 404), ("dave", 404), ("erin", 404), ("frank", 404), ("admin", 200)],
)
def test_only_the_oversight_bodies_read_a_meetings_agenda(
    login: Login, force: Force, meeting: Meeting, persona: str, status: int
) -> None:
    assert login(persona).get(reverse("meeting_detail", args=[meeting.pk])).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client: Client, force: Force, meeting: Meeting) -> None:
    for url in (reverse("reviews"), reverse("meeting_detail", args=[meeting.pk]), reverse("period_report")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_header_offers_reviews_to_staff_and_not_to_an_officer(login: Login, force: Force) -> None:
    assert reverse("reviews") in login("alice").get(reverse("home")).content.decode()
    assert reverse("reviews") not in login("frank").get(reverse("home")).content.decode()


def test_reading_a_meeting_is_written_to_the_audit_chain(login: Login, force: Force, meeting: Meeting) -> None:
    login("alice").get(reverse("meeting_detail", args=[meeting.pk]))
    assert AuditEntry.objects.filter(action="meeting.view", object_id=str(meeting.pk)).exists()


def test_a_station_assembly_is_recorded_through_its_forms(
    login: Login, force: Force, directive: Directive
) -> None:
    client = login("bob")
    a1 = force.units["a1"]
    new = reverse("meeting_new") + f"?directive={directive.pk}&unit={a1.pk}"
    assert client.get(new).status_code == 200
    response = client.post(
        new,
        {"kind": "general_assembly", "title": "Assembly of A1", "starts_on": today().isoformat(), "place": "Hall"},
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("meeting_detail", args=[meeting.pk])
    frank, gus = force.officers["frank"], force.officers["gus"]
    attendance = {
        f"attendance-present_{frank.pk}": "present",
        f"attendance-present_{gus.pk}": "absent",
        f"attendance-note_{gus.pk}": "sick",
    }
    assert client.post(reverse("meeting_attendance", args=[meeting.pk]), attendance).status_code == 302
    assert client.post(reverse("meeting_agenda", args=[meeting.pk])).status_code == 302
    item = meeting.agenda.get(officer=frank)
    minutes = {f"item-{item.pk}-statement": "I regret it.", f"item-{item.pk}-criticisms": "He hid the grain."}
    assert client.post(reverse("meeting_item", args=[meeting.pk, item.pk]), minutes).status_code == 302
    start = today() + dt.timedelta(days=3)
    resolution = {
        "resolution-agenda_item": item.pk,
        "resolution-text": "Suspend him.",
        "resolution-measure_kind": "suspension",
        "resolution-starts_on": start.isoformat(),
        "resolution-ends_on": (start + dt.timedelta(days=60)).isoformat(),
    }
    assert client.post(reverse("meeting_resolution", args=[meeting.pk]), resolution).status_code == 302
    # Only a head signs off: the investigator's attempt is refused by the service.
    sign = {"sign-confirm": "on"}
    assert client.post(reverse("meeting_sign_off", args=[meeting.pk]), sign).status_code == 403
    assert login("alice").post(reverse("meeting_sign_off", args=[meeting.pk]), sign).status_code == 302
    meeting.refresh_from_db()
    assert meeting.signed_off_at is not None
    assert DirectiveTarget.objects.get(directive=directive, unit=a1).state == DirectiveTarget.State.MINUTES_FILED
    assert item.resolutions.get().measure.kind == "suspension"


def test_a_resolution_with_a_bad_measure_comes_back_with_its_error(
    login: Login, force: Force, meeting: Meeting
) -> None:
    client = login("bob")
    present = {f"attendance-present_{row.officer_id}": "present" for row in meeting.attendance.all()}
    client.post(reverse("meeting_attendance", args=[meeting.pk]), present)
    client.post(reverse("meeting_agenda", args=[meeting.pk]))
    item = meeting.agenda.get(officer=force.officers["frank"])
    response = client.post(
        reverse("meeting_resolution", args=[meeting.pk]),
        {
            "resolution-agenda_item": item.pk,
            "resolution-text": "Suspend.",
            "resolution-measure_kind": "suspension",
        },
    )
    assert response.status_code == 400
    assert "needs an end date" in response.content.decode()


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_issues_a_directive_and_reports_its_compliance(login: Login, force: Force) -> None:
    client = login("alice")
    created = client.post(
        reverse("api-directives"),
        {
            "body": force.bodies["a"].pk,
            "title": "Assemblies",
            "meeting_kind": "general_assembly",
            "due_on": (today() + dt.timedelta(days=20)).isoformat(),
            "period_start": "2016-01-01",
            "period_end": today().isoformat(),
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    detail = client.get(reverse("api-directive", args=[pk])).json()
    assert [t["unit"] for t in detail["targets"]] == ["CTY-A", "STN-A1", "STN-A2"]
    assert detail["states"]["pending"] == 3
    assert [d["id"] for d in client.get(reverse("api-directives")).json()["results"]] == [pk]
    # As every list of the API, in pages of 50, each naming the next.
    for n in range(51):
        client.post(
            reverse("api-directives"),
            {
                "body": force.bodies["a"].pk,
                "title": f"Assemblies {n}",
                "meeting_kind": "general_assembly",
                "due_on": (today() + dt.timedelta(days=20)).isoformat(),
                "period_start": "2016-01-01",
                "period_end": today().isoformat(),
            },
            content_type="application/json",
        )
    first = client.get(reverse("api-directives")).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (52, 50, None)
    assert len(client.get(first["next"]).json()["results"]) == 2


def test_the_api_records_a_meeting_from_schedule_to_sign_off(
    login: Login, force: Force, directive: Directive
) -> None:
    bob = login("bob")
    scheduled = bob.post(
        reverse("api-directive-meetings", args=[directive.pk]),
        {"unit": force.units["a1"].pk, "title": "Assembly", "starts_on": today().isoformat()},
        content_type="application/json",
    )
    assert scheduled.status_code == 201
    meeting = scheduled.json()
    present = {str(row["officer"]): True for row in meeting["attendance"]}
    url = reverse("api-meeting-attendance", args=[meeting["id"]])
    assert bob.post(url, {"present": present}, content_type="application/json").status_code == 200
    agenda = bob.post(reverse("api-meeting-agenda", args=[meeting["id"]])).json()["agenda"]
    assert {item["officer"] for item in agenda} == {force.officers["frank"].pk, force.officers["gus"].pk}
    item = agenda[0]
    minuted = bob.post(
        reverse("api-agenda-item-minutes", args=[item["id"]]),
        {"statement": "I kept the grain for the village.", "criticisms": "He hid it from the villagers."},
        content_type="application/json",
    )
    assert minuted.status_code == 200
    assert [i["statement"] for i in minuted.json()["agenda"] if i["id"] == item["id"]] == [
        "I kept the grain for the village."
    ]
    general = reverse("api-meeting-minutes", args=[meeting["id"]])
    assert bob.post(general, {"minutes": ""}, content_type="application/json").status_code == 400
    assert (
        bob.post(general, {"minutes": "Read out officer by officer."}, content_type="application/json").status_code
        == 200
    )
    resolution = {
        "agenda_item": item["id"],
        "text": "Suspend him pending the inquiry.",
        "measure_kind": "suspension",
    }
    resolved = reverse("api-meeting-resolutions", args=[meeting["id"]])
    no_end = bob.post(resolved, resolution, content_type="application/json")
    assert no_end.status_code == 400 and "ends_on" in no_end.json()
    start = today() + dt.timedelta(days=3)
    dates = {"starts_on": start.isoformat(), "ends_on": (start + dt.timedelta(days=60)).isoformat()}
    assert bob.post(resolved, {**resolution, **dates}, content_type="application/json").status_code == 201
    assert bob.post(reverse("api-meeting-sign-off", args=[meeting["id"]])).status_code == 403
    signed = login("alice").post(reverse("api-meeting-sign-off", args=[meeting["id"]]))
    assert signed.status_code == 200 and signed.json()["signed_off_at"]
    frozen = bob.post(url, {"present": present}, content_type="application/json")
    assert frozen.status_code == 400
    # Reading the meeting, with the officers' records on its agenda, is audited as on the page: so is
    # every answer that carries it.
    reads = AuditEntry.objects.filter(action="meeting.view", object_id=str(meeting["id"]))
    before = reads.count()
    assert before >= 5  # schedule, attendance, agenda, item minutes, minutes, resolution, sign-off
    assert bob.get(reverse("api-meeting", args=[meeting["id"]])).status_code == 200
    assert reads.count() == before + 1


def test_the_api_hides_a_meeting_from_another_county(login: Login, force: Force, meeting: Meeting) -> None:
    assert login("charlie").get(reverse("api-meeting", args=[meeting.pk])).status_code == 404


def test_the_api_schedules_a_units_own_meeting_and_a_bodys(login: Login, force: Force) -> None:
    bob = login("bob")
    own = bob.post(
        reverse("api-meetings"),
        {"unit": force.units["a1"].pk, "title": "Station A1 assembly", "starts_on": today().isoformat()},
        content_type="application/json",
    )
    assert own.status_code == 201, own.content
    made = own.json()
    # No directive asked for it: the body is the one bob acts for over the station.
    assert (made["directive"], made["body"], made["unit"], made["kind"]) == (
        None,
        "BODY-A",
        "STN-A1",
        "general_assembly",
    )
    assert {row["officer"] for row in made["attendance"]} == {force.officers["frank"].pk, force.officers["gus"].pk}
    body_meeting = bob.post(
        reverse("api-meetings"),
        {
            "body": force.bodies["a"].pk,
            "meeting_kind": "review",
            "title": "Review",
            "starts_on": today().isoformat(),
        },
        content_type="application/json",
    )
    assert body_meeting.status_code == 201 and body_meeting.json()["unit"] is None
    listed = [m["id"] for m in bob.get(reverse("api-meetings")).json()["results"]]
    assert set(listed) == {made["id"], body_meeting.json()["id"]}
    # Another county's investigator neither lists nor reads them.
    assert login("charlie").get(reverse("api-meetings")).json()["results"] == []


@pytest.mark.parametrize(
    ("who", "body", "status", "field"),
    [
        ("bob", {"title": "Assembly", "starts_on": "2026-01-01"}, 400, "body"),
        (
            "bob",
            {"unit": "a1", "title": "Assembly", "starts_on": "2026-01-02", "ends_on": "2026-01-01"},
            400,
            "ends_on",
        ),
        ("bob", {"unit": "b1", "title": "Assembly", "starts_on": "2026-01-01"}, 400, "unit"),
        ("bob", {"body": "b", "title": "Assembly", "starts_on": "2026-01-01"}, 403, None),
        ("dave", {"unit": "a1", "title": "Assembly", "starts_on": "2026-01-01"}, 403, None),
    ],
)
def test_the_api_refuses_a_meeting_it_cannot_schedule_and_writes_nothing(
    login: Login, force: Force, who: str, body: dict[str, str], status: int, field: str | None
) -> None:
    sent = dict(body)
    if "unit" in sent:
        sent["unit"] = force.units[sent["unit"]].pk  # type: ignore[assignment]
    if "body" in sent:
        sent["body"] = force.bodies[sent["body"]].pk  # type: ignore[assignment]
    answer = login(who).post(reverse("api-meetings"), sent, content_type="application/json")
    assert answer.status_code == status, answer.content
    if field:
        assert field in answer.json()
    assert not Meeting.objects.exists()
