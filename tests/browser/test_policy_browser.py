"""The site's Content-Security-Policy (settings.py) in a real browser, on the pages whose templates
are not the project's own: Django's admin and DRF's browsable API. The ``page`` fixture fails the
test if the browser refused anything on any page it opened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ombud.accounts.services import user_create
from ombud.org.models import Officer
from ombud.risk.models import ThresholdRule
from tests.browser.test_casework_browser import PASSWORD, log_in
from tests.reference import reference_data_ensure
from tests.risk.data import import_dir, synthetic_force

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_and_the_browsable_api_run_under_the_site_s_policy(
    page: Any, transactional_db: None, tmp_path: Path
) -> None:
    reference_data_ensure()
    import_dir(synthetic_force(tmp_path / "force", officers=20, start=2015, end=2017))
    root = user_create(actor=None, username="root", password=PASSWORD, first_name="Ruth", last_name="Oh")
    root.is_staff = root.is_superuser = True
    root.save()
    log_in(page, "root")
    officer, rule = Officer.objects.first(), ThresholdRule.objects.first()
    assert officer is not None and rule is not None
    for path in (
        "/admin/",
        "/admin/org/officer/",
        f"/admin/org/officer/{officer.pk}/change/",
        f"/admin/risk/thresholdrule/{rule.pk}/change/",
        "/api/v1/risk/alerts/",
        "/api/v1/public/officers/?q=a",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "Content-Security-Policy" in {name.title() for name in response.headers}
    # The browsable API's forms and menus are scripted: its scripts, from the site, ran.
    page.goto("/api/v1/risk/alerts/")
    assert page.evaluate("typeof window.jQuery") == "function"
    # Their pages name no icon: the browser's own request for one finds the site's, not a 404.
    icon = page.goto("/favicon.ico")
    assert icon is not None and icon.status == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in icon.text()
