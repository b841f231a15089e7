"""Casework in a real browser: an investigator logs in, opens a case from a complaint routed to his
body, adds an allegation, uploads evidence and proposes a finding; the body head logs in and decides
it; the finding shows on the accused officer's dossier."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ombud.accounts.models import Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.cases.models import Allegation, Case, CustodyEntry, EvidenceItem
from ombud.intake.models import Complaint
from ombud.intake.services import complaint_file
from ombud.org.models import Officer, OversightBody, UnitKind
from ombud.org.services import body_create, officer_create, place_create, unit_create
from tests.browser.conftest import browser_tab
from tests.intake.conftest import complaint_about
from tests.reference import reference_data_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "sacks-of-grain-in-the-cellar"
LEDGER = b"Grain ledger, Songhak farm, 2026: 2 sacks to the station officer.\n"
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOT = Path("/tmp/case-page.png")


@dataclass
class World:
    officer: Officer
    body: OversightBody
    investigator: User
    head: User
    complaint: Complaint


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
    place_create(actor=None, code="V-1", name="Songhak village", unit=station)
    officer = officer_create(
        actor=None, last_name="Kang", first_name="Chol", badge="A1-001", unit=station, start_on=dt.date(2015, 1, 1)
    )
    body_create(actor=None, code="NAT", name="National Inspectorate", seat=ministry)
    body = body_create(actor=None, code="CA-B", name="Musan County Committee", seat=county)
    people = {}
    for username, first, last, role in [
        ("investigator", "Min", "Ho", Role.INVESTIGATOR),
        ("head", "Sun", "Ri", Role.BODY_HEAD),
    ]:
        user = user_create(actor=None, username=username, password=PASSWORD, first_name=first, last_name=last)
        membership_grant(actor=None, user=user, role=role, body=body, start_on=dt.date(2015, 1, 1))
        people[username] = user
    filed = complaint_file(actor=None, data=complaint_about(officer))
    assert filed.complaint.routed_to == body
    return World(officer, body, people["investigator"], people["head"], filed.complaint)


@pytest.fixture
def desktop(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context at an office screen's width, addressing the live server."""
    with browser_tab(browser, live_server, DESKTOP) as tab:
        yield tab


def log_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/home/$"))


def log_out(page: Any) -> None:
    page.click("form.logout button")
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_a_finding_proposed_by_the_investigator_and_decided_by_the_head_shows_on_the_dossier(
    world: World, desktop: Any, tmp_path: Path
) -> None:
    page = desktop
    log_in(page, "investigator")

    # The workspace, then a case opened from the complaint routed to his body.
    page.goto("/cases/")
    page.click("#open-case")
    page.check(f"input[name=complaints][value='{world.complaint.pk}']")
    page.fill("#id_title", "Grain taken at Songhak")
    page.fill("#id_summary", "Two sacks of grain to look away from the farm manager's store.")
    page.click("text=Open the case")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    assert list(case.complaints.all()) == [world.complaint]
    assert page.locator("h1").inner_text().startswith(case.number)

    # An allegation of bribery against the officer, found by his badge.
    page.click("#add-allegation summary")
    page.fill("#id_allegation-officer_text", "A1-001")
    page.click("button[name=find_officer]")
    page.wait_for_selector("#officer-matches")
    assert page.is_checked(f"input[name='allegation-officer'][value='{world.officer.pk}']")
    page.select_option("#id_allegation-category", "bribery")
    page.select_option("#id_allegation-goods", "grain")
    page.fill("#id_allegation-value", "300")
    page.fill("#id_allegation-occurred_on", "2026-05-01")
    page.click("button[name=add]")
    page.wait_for_selector(".flash li.success")
    allegation = Allegation.objects.get()
    assert (allegation.officer, allegation.particulars) == (world.officer, {"goods": "grain", "value": 300.0})

    # Evidence: uploaded, shown with its SHA-256, downloaded through the custody chain.
    ledger = tmp_path / "ledger.txt"
    ledger.write_bytes(LEDGER)
    page.set_input_files("#id_evidence-file", str(ledger))
    page.fill("#id_evidence-description", "The farm's grain ledger")
    page.fill("#id_evidence-received_from", "the farm's bookkeeper")
    page.click("text=Add the evidence")
    page.wait_for_selector(".flash li.success")
    item = EvidenceItem.objects.get()
    assert item.sha256 in page.inner_text("#evidence")
    with page.expect_download() as download:
        page.click(f"#item-{item.pk} a.download")
    assert Path(download.value.path()).read_bytes() == LEDGER
    assert list(CustodyEntry.objects.filter(item=item).values_list("action", flat=True)) == [
        "received",
        "downloaded",
    ]

    # The finding, proposed with its reasons.
    page.goto(f"/cases/{case.pk}/")
    page.click(f"#allegation-{allegation.pk} summary")
    page.select_option(f"#id_propose-{allegation.pk}-finding", "sustained")
    page.fill(f"#id_propose-{allegation.pk}-reason", "The ledger and two witnesses.")
    page.click("text=Propose the finding")
    page.wait_for_selector(".flash li.success")
    assert "finding proposed" in page.inner_text(f"#allegation-{allegation.pk}")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    log_out(page)

    # The body head decides it.
    log_in(page, "head")
    page.goto(f"/cases/{case.pk}/")
    assert page.is_visible(f"#allegation-{allegation.pk} form.decide-finding")
    page.click(f"#allegation-{allegation.pk} form.decide-finding button[type=submit]")
    page.wait_for_selector(".flash li.success")
    allegation.refresh_from_db()
    assert (allegation.finding, allegation.decided_by, allegation.proposed_by) == (
        "sustained",
        world.head,
        world.investigator,
    )

    # The finding is on the accused officer's dossier, as the head reads it.
    page.goto(f"/officers/{world.officer.pk}/")
    row = page.locator("#allegations tbody tr").first
    assert case.number in row.inner_text() and "sustained" in row.inner_text()
