"""The evaluation report in a real browser: an analyst asks for an evaluation as of a date, sees it
queued, and once the worker has made it, follows the request to its figures and chart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from ombud.accounts.models import Role
from ombud.accounts.services import membership_grant, user_create
from tests.browser.test_casework_browser import PASSWORD, log_in
from tests.reference import reference_data_ensure
from tests.risk.data import import_dir, synthetic_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_asks_for_an_evaluation_and_reads_it_when_the_worker_is_done(
    page: Any, transactional_db: None, tmp_path: Path
) -> None:
    # The flush between transactional tests takes the migration-seeded rules and categories with it.
    reference_data_ensure()
    import_dir(synthetic_force(tmp_path / "force", officers=160, start=2013, end=2017))
    erin = user_create(actor=None, username="erin", password=PASSWORD, first_name="Erin", last_name="Lam")
    membership_grant(actor=None, user=erin, role=Role.ANALYST)

    log_in(page, "erin")
    page.goto("/risk/report/")
    assert "No evaluation has been run yet" in page.content()
    page.fill("#id_as_of", "2016-12-31")
    page.select_option("#id_label", "sustained")
    page.get_by_role("button", name="Evaluate").click()
    page.wait_for_url(re.compile(r"/risk/report/#requests$"))
    assert "is queued" in page.locator("ul.flash").inner_text()
    assert "queued" in page.locator("#requests li").first.inner_text()

    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)
    page.reload()
    request = page.locator("#requests li").first
    assert "done" in request.inner_text()
    request.get_by_role("link", name="the figures").click()
    page.wait_for_url(re.compile(r"/risk/report/\?evaluation=\d+$"))
    assert "As of 2016-12-31" in page.locator("#summary h2").inner_text()
    assert page.locator("#chart svg polyline").count() == 2
    # On a phone the chart's labels stay legible (they shrank to 6-7 px with the chart) and the page
    # itself does not scroll sideways: the chart does, in its frame.
    label = page.locator("#chart svg text.label").first
    shown_px = label.evaluate("e => e.getScreenCTM().a * parseFloat(e.getAttribute('font-size'))")
    assert shown_px >= 8.5
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Officer by officer against the 12-month count and each rule that flagged anyone: how many with
    # the label only one of the two picked, and whether that split could be chance.
    assert re.search(
        # Whole officers (the JSON keeps the expected counts where ties straddle the cut), and "p < 0.01"
        # where it is, never "p = < 0.01".
        r"picked by the model only: \d+; by the 12-month count only: \d+ \((p = [01]\.\d\d|p < 0\.01)\)",
        page.locator("#paired-count").inner_text(),
    )
    row = page.locator("#rules tbody tr", has_text="3_in_12_months")
    assert re.fullmatch(r"[01]\.\d\d|< 0\.01", row.locator("td").last.inner_text())
