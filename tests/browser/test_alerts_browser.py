"""Early warning in a real browser: the force is scored; the station's supervisor follows the
"Alerts" link, reads why the officer was flagged, and records an intervention; the alert leaves
his list, and the body head finds the intervention on the officer's dossier."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from ombud.risk.models import Alert
from tests.browser.test_casework_browser import PASSWORD, log_in, log_out
from tests.conftest import Force, force_build
from tests.reference import reference_data_ensure
from tests.risk.helpers import score_with_gus_flagged

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(transactional_db: None) -> Force:
    # The flush between transactional tests takes the migration-seeded kinds and categories with it.
    reference_data_ensure()
    force = force_build()
    score_with_gus_flagged(force)
    for name in ("dave", "alice"):
        user = force.users[name]
        user.set_password(PASSWORD)  # the one the casework test's log_in types
        user.save(update_fields=["password"])
    return force


def test_a_supervisor_reads_why_an_officer_was_flagged_and_records_an_intervention(
    page: Any, scored: Force
) -> None:
    log_in(page, "dave")
    page.get_by_role("link", name="Alerts").first.click()
    page.wait_for_url(re.compile(r"/risk/alerts/$"))
    card = page.locator("article.item", has_text="Gus Chen")
    assert card.locator("ul.factors li").count() >= 3
    assert "complaints" in card.locator("ul.factors").inner_text()

    alert = Alert.objects.get(officer=scored.officers["gus"], state=Alert.State.OPEN)
    card.locator(f"#id_intervene-{alert.pk}-kind").select_option("counselling")
    card.locator(f"#id_intervene-{alert.pk}-note").fill("Talked the complaints through with him.")
    card.get_by_role("button", name="Record").click()
    page.wait_for_url(re.compile(r"/risk/alerts/\?page=1$"))
    assert page.locator("ul.flash").is_visible()
    assert page.locator("article.item", has_text="Gus Chen").count() == 0
    log_out(page)

    log_in(page, "alice")
    page.goto(reverse("officer_dossier", args=[scored.officers["gus"].pk]))
    assert "Talked the complaints through with him." in page.content()
