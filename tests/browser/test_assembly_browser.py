"""A station's general assembly in a real browser, answering the county committee's directive: the
investigator schedules it from the compliance page, records who came, compiles the agenda from the
records (the accused officer's item carries his compiled record), minutes his statement and the
criticisms, records a resolution proposing his suspension; the committee's head signs the minutes
off, and they are frozen."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ombud.accounts.models import Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.cases.models import Finding
from ombud.discipline.models import Measure
from ombud.intake.models import Category
from ombud.org.models import Officer, OversightBody, Unit, UnitKind
from ombud.org.services import body_create, officer_assign_place, officer_create, place_create, unit_create
from ombud.reviews.models import AgendaItem, Directive, DirectiveTarget, Meeting, MeetingKind
from ombud.reviews.selectors import Counts, officer_dossier
from ombud.reviews.services import directive_issue
from tests.factories import AllegationFactory, CaseFactory, days_ago
from tests.reference import reference_data_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "the-assembly-reads-every-record"
SCREENSHOT = Path("/tmp/assembly-page.png")


@dataclass
class World:
    station: Unit
    accused: Officer
    colleague: Officer
    body: OversightBody
    investigator: User
    head: User
    directive: Directive


@pytest.fixture
def world(transactional_db: None) -> World:
    # The flush between transactional tests takes the migration-seeded kinds and categories with it.
    reference_data_ensure()
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    ministry = unit_create(actor=None, code="MIN", name="Ministry", kind=kinds["ministry"], parent=None)
    province = unit_create(actor=None, code="P1", name="North Province", kind=kinds["province"], parent=ministry)
    county = unit_create(actor=None, code="CA", name="Musan County", kind=kinds["county"], parent=province)
    station = unit_create(
        actor=None, code="CA-S1", name="Musan East Station", kind=kinds["station"], parent=county
    )
    village = place_create(actor=None, code="V-1", name="Songhak village", unit=station)
    accused = officer_create(
        actor=None, last_name="Kang", first_name="Chol", badge="A1-001", unit=station, start_on=dt.date(2015, 1, 1)
    )
    officer_assign_place(actor=None, officer=accused, place=village, start_on=dt.date(2015, 1, 1))
    colleague = officer_create(
        actor=None, last_name="Ri", first_name="Song", badge="A1-002", unit=station, start_on=dt.date(2016, 1, 1)
    )
    body = body_create(actor=None, code="CA-B", name="Musan County Committee", seat=county)
    people = {}
    for username, role in (("investigator", Role.INVESTIGATOR), ("head", Role.BODY_HEAD)):
        people[username] = user_create(
            actor=None, username=username, password=PASSWORD, first_name=username.title()
        )
        membership_grant(actor=None, user=people[username], role=role, body=body, start_on=dt.date(2015, 1, 1))
    # Grain hidden for the farm manager three years ago: sustained.
    case = CaseFactory(number="CA-B-2023-0001", body=body, opened_at=days_ago(1200))
    AllegationFactory(
        case=case,
        officer=accused,
        category=Category.objects.get(code="grain_diversion"),
        occurred_on=timezone.localdate() - dt.timedelta(days=1100),
        finding=Finding.SUSTAINED,
        decided_at=days_ago(1000),
        decided_by=people["head"],
        proposed_by=people["investigator"],
    )
    directive = directive_issue(
        actor=people["head"],
        body=body,
        title="General assemblies after the national conference",
        meeting_kind=MeetingKind.GENERAL_ASSEMBLY,
        due_on=timezone.localdate() + dt.timedelta(days=30),
        period_start=timezone.localdate() - dt.timedelta(days=3650),
        period_end=timezone.localdate(),
    )
    return World(station, accused, colleague, body, people["investigator"], people["head"], directive)


def log_in(page: Any, username: str, then: str) -> None:
    page.goto(f"/accounts/login/?next={then}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{then}")


def log_out(page: Any) -> None:
    page.click("form.logout button")
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_a_station_assembly_answers_the_directive_from_attendance_to_sign_off(page: Any, world: World) -> None:
    # The investigator finds his station's duty on the compliance page and schedules the assembly.
    log_in(page, "investigator", "/reviews/")
    page.click(f"text={world.directive.title}")
    page.wait_for_url(f"**/reviews/directives/{world.directive.pk}/")
    station_row = page.locator(f"#target-{world.station.pk}")
    assert "not yet scheduled" in station_row.inner_text()
    station_row.locator("a.schedule").click()
    page.wait_for_url("**/reviews/meetings/new/**")
    page.fill("#id_place", "Musan East Station, meeting hall")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_url(re.compile(r"/reviews/meetings/\d+/$"))
    meeting = Meeting.objects.get()
    assert meeting.directive == world.directive and meeting.unit == world.station

    # Attendance: the accused came, his colleague was away.
    page.check(f"input[name='attendance-present_{world.accused.pk}'][value=present]")
    page.check(f"input[name='attendance-present_{world.colleague.pk}'][value=absent]")
    page.fill(f"input[name='attendance-note_{world.colleague.pk}']", "on leave")
    page.click("button[name=record-attendance]")
    page.locator(".flash li", has_text="Attendance recorded").wait_for()
    assert "present" in page.locator(f"#attendee-{world.accused.pk}").inner_text()

    # The agenda from the records: exactly the accused, with his record for the period.
    page.click("#agenda-form button")
    page.locator(".flash li", has_text="Agenda compiled").wait_for()
    items = page.locator("article.agenda-item")
    assert items.count() == 1
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.officer == world.accused and item.reasons == ["sustained"]
    record = page.locator(f"#record-{item.pk}")
    assert record.locator("[data-figure=sustained]").inner_text() == "1"
    assert "CA-B-2023-0001" in record.inner_text()
    dossier = officer_dossier(
        user=world.investigator, officer_id=world.accused.pk, since=meeting.period_start, until=meeting.period_end
    )
    assert Counts(**item.record["counts"]) == dossier.recent

    # His statement and the criticisms, then the resolution proposing his suspension.
    form = page.locator(f"#item-{item.pk} form.item-minutes")
    form.locator("textarea[name$=statement]").fill("I hid the grain because the farm manager asked me to.")
    form.locator("textarea[name$=criticisms]").fill("He put the farm manager before the villagers.")
    form.locator("button").click()
    page.locator(".flash li", has_text="Minutes of the item recorded").wait_for()
    start = timezone.localdate() + dt.timedelta(days=7)
    page.select_option("#id_resolution-agenda_item", label="1. Chol Kang")
    page.fill("#id_resolution-text", "The assembly proposes his suspension pending the committee's inquiry.")
    page.select_option("#id_resolution-measure_kind", value=Measure.Kind.SUSPENSION)
    page.fill("#id_resolution-starts_on", start.isoformat())
    page.fill("#id_resolution-ends_on", (start + dt.timedelta(days=90)).isoformat())
    page.click("#resolution-form button[type=submit]")
    page.locator(".flash li", has_text="Resolution recorded").wait_for()
    assert "temporary suspension: proposed" in page.locator(f"#item-{item.pk} .resolutions").inner_text()
    measure = Measure.objects.get()
    assert (measure.officer, measure.kind, measure.state) == (world.accused, "suspension", "proposed")
    assert measure.case is not None and measure.case.body == world.body
    # Signing off is for the committee's head.
    assert page.locator("#sign-off-form").count() == 0
    log_out(page)

    # The head reads the minutes and signs them off; they are frozen.
    log_in(page, "head", f"/reviews/meetings/{meeting.pk}/")
    statement = page.locator(f"#item-{item.pk} textarea[name$=statement]").input_value()
    assert statement.startswith("I hid the grain")
    page.check("#id_sign-confirm")
    page.click("#sign-off-form button")
    page.locator("#frozen").wait_for()
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert page.locator("main form").count() == 0
    assert "I hid the grain" in page.locator(f"#item-{item.pk} .statement").inner_text()
    meeting.refresh_from_db()
    assert meeting.signed_off_by == world.head
    target = DirectiveTarget.objects.get(directive=world.directive, unit=world.station)
    assert (target.state, target.late) == (DirectiveTarget.State.MINUTES_FILED, False)
    page.goto(f"/reviews/directives/{world.directive.pk}/")
    assert "minutes filed" in page.locator(f"#target-{world.station.pk}").inner_text()
