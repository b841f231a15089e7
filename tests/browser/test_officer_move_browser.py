"""Moving an officer in a real browser: the administrator opens his dossier, follows "Move", picks
the new station, asks for its places, ticks one and moves him; the dossier then lists both stations."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from ombud.org.models import PlaceAssignment
from tests.browser.test_casework_browser import PASSWORD, log_in
from tests.conftest import Force, force_build
from tests.reference import reference_data_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def built(transactional_db: None) -> Force:
    reference_data_ensure()
    force = force_build()
    admin = force.users["admin"]
    admin.set_password(PASSWORD)
    admin.save(update_fields=["password"])
    return force


def test_an_administrator_moves_an_officer_to_another_station_and_village(page: Any, built: Force) -> None:
    frank = built.officers["frank"]
    log_in(page, "admin")
    page.goto(reverse("officer_dossier", args=[frank.pk]))
    page.get_by_role("link", name="Move to another unit or other places").click()
    page.wait_for_url(re.compile(rf"/officers/{frank.pk}/move/$"))
    assert page.get_by_label("North A1 village (Station A1)").is_checked()

    page.get_by_label("Serves at").select_option(str(built.units["b1"].pk))
    page.get_by_role("button", name="Show its places").click()
    page.get_by_label("South B1 village (Station B1)").wait_for()
    assert page.get_by_label("North A1 village (Station A1)").count() == 0
    page.get_by_label("South B1 village (Station B1)").check()
    page.get_by_role("button", name="Move", exact=True).click()

    page.wait_for_url(re.compile(rf"/officers/{frank.pk}/$"))
    assert "Moved. His record keeps where he served before." in page.locator("ul.flash").inner_text()
    stations = page.locator("#stations").inner_text()
    assert "Station A1" in stations and "Station B1" in stations
    open_places = PlaceAssignment.objects.filter(officer=frank, end_on__isnull=True)
    assert list(open_places.values_list("place__code", flat=True)) == ["PL-B1-South"]
