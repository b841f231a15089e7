"""The portal in a real browser: a villager files an anonymous complaint with a photo from a phone,
follows it up with the receipt, and the county's investigator finds it with the photo's GPS position
and camera gone."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import ExifTags, Image

from ombud.accounts.models import Role, User
from ombud.accounts.services import membership_grant, user_create
from ombud.intake.models import Complaint
from ombud.org.models import Officer, OversightBody, UnitKind
from ombud.org.services import body_create, officer_create, place_create, unit_create
from tests.conftest import in_language
from tests.reference import reference_data_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "sacks-of-grain-in-the-cellar"
CAMERA = "Vampire Optics"


@dataclass
class World:
    officer: Officer
    body: OversightBody
    investigator: User


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
    investigator = user_create(
        actor=None, username="investigator", password=PASSWORD, first_name="Min", last_name="Ho"
    )
    membership_grant(
        actor=None, user=investigator, role=Role.INVESTIGATOR, body=body, start_on=dt.date(2015, 1, 1)
    )
    return World(officer, body, investigator)


def photo_with_metadata() -> bytes:
    """A JPEG as a phone takes it: with the camera's maker and the GPS position of the shot."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Model] = "Nightcam 9"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (42.0, 15.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (129.0, 12.0, 0.0),
    }
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    # The test means nothing unless the photo really carries what must be stripped.
    sent = Image.open(io.BytesIO(data)).getexif()
    assert sent[ExifTags.Base.Make] == CAMERA and sent.get_ifd(ExifTags.IFD.GPSInfo)
    return data


def test_an_anonymous_complaint_with_a_photo_reaches_the_investigator_without_the_photos_metadata(
    page: Any, world: World
) -> None:
    # The villager, on a phone, with no account.
    page.goto("/report/")
    page.screenshot(path="/tmp/portal-form.png", full_page=True)
    page.fill("#id_description", "He took two sacks of grain to look away from the farm manager's store.")
    page.fill("#id_officer_text", "kang")
    # Each click below loads a new page: wait for something only that page has before reading it.
    page.click("button[name=find_officer]")
    officer_choice = page.locator(f"input[name=officer][value='{world.officer.pk}']")
    officer_choice.wait_for()
    assert "Musan East Station" in page.locator("#who").inner_text()
    officer_choice.check()
    page.screenshot(path="/tmp/portal-officers.png", full_page=True)
    page.check("input[name=categories][value=bribery]")
    assert page.locator("input[name=anonymous][value=anonymous]").is_checked()
    page.set_input_files(
        "#id_evidence", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": photo_with_metadata()}]
    )
    page.click("button[name=send]")
    page.locator("#receipt").wait_for()
    groups = page.locator("#receipt .group").all_inner_texts()
    assert len(groups) == 5 and all(len(group) == 4 for group in groups)
    receipt = "-".join(groups)
    page.screenshot(path="/tmp/portal-receipt.png", full_page=True)
    assert "Musan County Committee" in page.locator(".receipt-card").inner_text()
    assert receipt not in page.url
    # The print button is shown by the site's own script, the only kind its Content-Security-Policy runs.
    assert page.locator("#print").is_visible() and not page.locator("#print-hint").is_visible()
    complaint = Complaint.objects.get()
    assert complaint.complainant is None and complaint.routed_to == world.body

    page.goto("/report/status/")
    page.fill("#receipt", receipt)
    page.click("button[value=check]")
    page.locator("#status").wait_for()
    assert complaint.reference in page.locator("h1").inner_text()
    assert "received" in page.locator("#status").inner_text()
    assert "attachment-1.jpg" in page.locator("#files").inner_text()
    page.screenshot(path="/tmp/portal-status.png", full_page=True)
    assert all(receipt not in cookie["value"] for cookie in page.context.cookies())

    # The county's investigator, through the login page.
    page.goto("/accounts/login/?next=/complaints/")
    page.fill("#id_username", "investigator")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/complaints/")
    page.click(f"text={complaint.reference}")
    page.wait_for_url(f"**/complaints/{complaint.pk}/")
    page.screenshot(path="/tmp/portal-detail.png", full_page=True)
    files = page.locator("#files")
    assert "attachment-1.jpg" in files.inner_text() and "image/jpeg" in files.inner_text()
    link = files.locator("a", has_text="attachment-1.jpg")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "attachment-1.jpg"
    with open(download.path(), "rb") as handle:
        received = handle.read()

    kept = Image.open(io.BytesIO(received))
    assert kept.size == (64, 48)
    exif = kept.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif and ExifTags.Base.Model not in exif
    assert "exif" not in kept.info
    assert CAMERA.encode() not in received


def test_pressing_enter_in_the_officer_field_searches_and_files_nothing(page: Any, world: World) -> None:
    page.goto("/report/")
    page.fill("#id_description", "He took liquor.")
    page.fill("#id_officer_text", "Kang")
    page.press("#id_officer_text", "Enter")
    page.locator(f"input[name=officer][value='{world.officer.pk}']").wait_for()
    assert page.input_value("#id_description") == "He took liquor."
    assert Complaint.objects.count() == 0


def test_a_villager_files_and_follows_up_in_his_own_language(page: Any, world: World) -> None:
    page.goto("/report/")
    page.select_option("#language", "zh-hans")
    page.click("form.language button[type=submit]")
    page.locator("h1", has_text=in_language("zh-hans", "Report wrongdoing by an officer")).wait_for()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.screenshot(path="/tmp/portal-zh-hans.png", full_page=True)
    # The kinds of wrongdoing are data, but the ones every instance starts with read in his language.
    assert in_language("zh-hans", "Concealing or diverting grain") in page.locator("main form").inner_text()
    # Sent without saying what happened: refused, in his language, and nothing is filed.
    page.click("button[name=send]")
    page.locator(".errorlist", has_text=in_language("zh-hans", "Say what happened.")).first.wait_for()
    assert Complaint.objects.count() == 0

    story = "他收了两袋粮食，就不管农场场长私藏粮食的事。"  # noqa: RUF001 -- a Chinese comma, as typed
    page.fill("#id_description", story)
    page.click("button[name=send]")
    page.locator("#receipt").wait_for()
    assert in_language("zh-hans", "Your complaint was received") in page.locator("h1").inner_text()
    receipt = "-".join(page.locator("#receipt .group").all_inner_texts())
    assert Complaint.objects.get().description == story

    page.goto("/report/status/")
    page.fill("#receipt", receipt)
    page.click("button[value=check]")
    page.locator("#status").wait_for()
    assert in_language("zh-hans", "Your complaint") in page.locator("h1").inner_text()
    assert in_language("zh-hans", "History") in page.locator("main").inner_text()
    page.screenshot(path="/tmp/portal-zh-hans-status.png", full_page=True)


def test_a_browser_set_to_korean_gets_the_portal_in_korean(browser: Any, live_server: Any, world: World) -> None:
    context = browser.new_context(base_url=live_server.url, locale="ko-KR")
    try:
        tab = context.new_page()
        tab.goto("/report/")
        assert in_language("ko", "Report wrongdoing by an officer") in tab.locator("h1").inner_text()
        tab.screenshot(path="/tmp/portal-ko.png", full_page=True)
        tab.goto("/report/status/")
        assert in_language("ko", "Follow up on your complaint") in tab.locator("h1").inner_text()
        assert tab.locator("#language").input_value() == "ko"
    finally:
        context.close()
