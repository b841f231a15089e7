"""Threshold rules are data: three defaults seeded by a migration, editable in the admin, and each
applied to the record as of a date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ombud.intake.models import Category
from ombud.org.models import Officer
from ombud.risk.events import events_load
from ombud.risk.models import ThresholdRule
from ombud.risk.rules import RuleSpec, rule_flags, rule_specs
from tests.conftest import Login
from tests.risk.data import import_dir
from tests.risk.helpers import write_interchange

pytestmark = pytest.mark.django_db


def complaints_on(
    directory: Path, days: dict[str, list[str]], *, finding: str = "not_sustained", category: str = "Discourtesy"
) -> Path:
    complaints, allegations = [], []
    for officer, dates in days.items():
        for n, day in enumerate(dates):
            complaint_id = f"{officer}-{n}"
            complaints.append(
                {"complaint_id": complaint_id, "received_on": day, "occurred_on": day, "closed_on": day}
            )
            allegations.append(
                {"complaint_id": complaint_id, "officer_id": officer, "category": category, "finding": finding}
            )
    officers = [{"officer_id": officer, "last_name": officer} for officer in days]
    return write_interchange(directory, officers=officers, complaints=complaints, allegations=allegations)


def flagged(rule: RuleSpec, day: dt.date) -> set[str]:
    ev = events_load()
    flags = rule_flags(ev, day.toordinal(), rule)
    names = dict(Officer.objects.values_list("pk", "external_id"))
    return {names[int(pk)] for pk in ev.officer_id[flags]}


def spec(name: str) -> RuleSpec:
    return next(rule for rule in rule_specs() if rule.name == name)


def test_the_three_default_rules_are_seeded_by_a_migration() -> None:
    rules = {rule.name: rule for rule in ThresholdRule.objects.all()}
    assert set(rules) >= {"3_in_12_months", "3_in_180_days", "sustained_bribery"}
    assert (rules["3_in_12_months"].window_days, rules["3_in_12_months"].min_count) == (365, 3)
    assert (rules["3_in_180_days"].window_days, rules["3_in_180_days"].min_count) == (180, 3)
    bribery = rules["sustained_bribery"]
    assert (bribery.window_days, bribery.finding) == (None, "sustained")
    assert set(bribery.categories.values_list("code", flat=True)) == set(
        Category.objects.filter(is_bribery=True).values_list("code", flat=True)
    )


def test_three_complaints_in_twelve_months_flag_an_officer_and_two_do_not(tmp_path: Path) -> None:
    import_dir(
        complaints_on(
            tmp_path,
            {
                "three": ["2017-01-10", "2017-06-01", "2017-12-01"],
                "spread": ["2016-01-10", "2017-03-01", "2017-12-01"],
                "two": ["2017-11-01", "2017-12-01"],
            },
        )
    )
    assert flagged(spec("3_in_12_months"), dt.date(2017, 12, 31)) == {"three"}
    assert flagged(spec("3_in_180_days"), dt.date(2017, 12, 31)) == set()
    assert flagged(spec("3_in_12_months"), dt.date(2017, 6, 30)) == set()


def test_three_complaints_in_180_days_flag_an_officer(tmp_path: Path) -> None:
    import_dir(complaints_on(tmp_path, {"burst": ["2017-08-01", "2017-09-01", "2017-12-20"]}))
    assert flagged(spec("3_in_180_days"), dt.date(2017, 12, 31)) == {"burst"}
    assert flagged(spec("3_in_180_days"), dt.date(2018, 3, 1)) == set()


def test_a_sustained_bribery_allegation_flags_the_officer_once_decided(tmp_path: Path) -> None:
    import_dir(complaints_on(tmp_path, {"taker": ["2015-05-05"]}, finding="sustained", category="bribery"))
    import_dir(complaints_on(tmp_path / "b", {"rude": ["2015-05-05"]}, finding="sustained"), source="other")
    assert flagged(spec("sustained_bribery"), dt.date(2017, 12, 31)) == {"taker"}
    assert flagged(spec("sustained_bribery"), dt.date(2015, 5, 1)) == set()


def test_an_administrator_edits_a_rule_in_the_admin(login: Login) -> None:
    rule = ThresholdRule.objects.get(name="3_in_12_months")
    client = login("admin")
    url = f"/admin/risk/thresholdrule/{rule.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": rule.name,
            "description": "4 or more complaints in 12 months",
            "window_days": 365,
            "min_count": 4,
            "finding": "",
            "active": "on",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.min_count, rule.description) == (4, "4 or more complaints in 12 months")
    # The API reads the rules as they now stand.
    listed = {r["name"]: r for r in login("dave").get("/api/v1/risk/rules/").json()["results"]}
    assert (listed["3_in_12_months"]["min_count"], listed["3_in_12_months"]["window_days"]) == (4, 365)
    assert listed["sustained_bribery"]["finding"] == "sustained" and listed["sustained_bribery"]["categories"]
    # Saved by the same service as the API, audited as the API's changes are.
    from ombud.audit.models import AuditEntry

    (entry,) = AuditEntry.objects.filter(object_type="risk.thresholdrule", object_id=str(rule.pk))
    assert (entry.action, json.loads(entry.payload)) == (
        "risk.rule.change",
        {"changed": ["description", "min_count"]},
    )
    # A rule added in the admin is one the API could add, with its categories.
    client = login("admin")
    added = client.post(
        "/admin/risk/thresholdrule/add/",
        {
            "name": "two_bribes_a_year",
            "description": "2 or more bribery complaints in 12 months",
            "window_days": 365,
            "min_count": 2,
            "finding": "",
            "categories": [Category.objects.get(code="bribery").pk],
            "active": "on",
        },
    )
    assert added.status_code == 302
    new = ThresholdRule.objects.get(name="two_bribes_a_year")
    assert list(new.categories.values_list("code", flat=True)) == ["bribery"]
    assert (
        AuditEntry.objects.get(object_type="risk.thresholdrule", object_id=str(new.pk)).action == "risk.rule.add"
    )
    # Its name is how alerts and evaluations name it: not changed afterwards.
    assert 'name="name"' not in client.get(f"/admin/risk/thresholdrule/{new.pk}/change/").content.decode()


def test_what_a_rule_counts_is_not_changed_in_the_admin_without_its_description(login: Login) -> None:
    rule = ThresholdRule.objects.get(name="3_in_180_days")
    form = {"name": rule.name, "description": rule.description, "window_days": 30, "min_count": 1, "finding": ""}
    response = login("admin").post(f"/admin/risk/thresholdrule/{rule.pk}/change/", {**form, "active": "on"})
    assert response.status_code == 200 and "change its description with it" in response.content.decode()
    rule.refresh_from_db()
    assert (rule.window_days, rule.min_count) == (180, 3)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("finding", "Sustained"),
        ("finding", "bogus"),
        ("window_days", 0),
        ("min_count", 0),
        ("window_days", 99999999999),  # 270 million years: a typing slip, not a rule
        ("min_count", 10**9),
    ],
)
def test_a_rule_that_could_never_flag_is_refused_in_the_admin(login: Login, field: str, value: object) -> None:
    rule = ThresholdRule.objects.get(name="3_in_12_months")
    form = {"name": rule.name, "description": rule.description, "window_days": 365, "min_count": 3, "finding": ""}
    response = login("admin").post(
        f"/admin/risk/thresholdrule/{rule.pk}/change/", {**form, field: value, "active": "on"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    rule.refresh_from_db()
    assert (rule.window_days, rule.min_count, rule.finding) == (365, 3, "")


def test_an_administrator_edits_and_adds_rules_through_the_api_and_others_cannot(login: Login) -> None:
    from ombud.audit.models import AuditEntry

    rule = ThresholdRule.objects.get(name="3_in_12_months")
    url = f"/api/v1/risk/rules/{rule.pk}/"
    admin = login("admin")
    changed = admin.patch(
        url, {"min_count": 4, "description": "4 or more complaints in 12 months"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["min_count"], changed.json()["window_days"]) == (4, 365)
    rule.refresh_from_db()
    assert (rule.min_count, rule.description) == (4, "4 or more complaints in 12 months")
    entry = AuditEntry.objects.filter(action="risk.rule.change").get()
    assert json.loads(entry.payload) == {"changed": ["description", "min_count"]}

    # Out of range, a finding that is not one, an unknown category: refused whole, nothing changes.
    for bad in (
        {"window_days": 0},
        {"min_count": 10**9},
        {"finding": "Sustained"},
        {"categories": ["no-such-thing"], "min_count": 5},
        {"description": ""},
    ):
        refused = admin.patch(url, bad, content_type="application/json")
        assert refused.status_code == 400, bad
    rule.refresh_from_db()
    assert (rule.min_count, rule.window_days, rule.finding, list(rule.categories.all())) == (4, 365, "", [])

    bribery = Category.objects.filter(is_bribery=True).values_list("code", flat=True)
    added = admin.post(
        "/api/v1/risk/rules/",
        {
            "name": "2_bribery_in_5_years",
            "description": "2 or more bribery complaints in 5 years",
            "window_days": 1826,
            "min_count": 2,
            "categories": list(bribery),
            "finding": "",
            "active": True,
        },
        content_type="application/json",
    )
    assert added.status_code == 201 and sorted(added.json()["categories"]) == sorted(bribery)
    spec = next(s for s in rule_specs() if s.name == "2_bribery_in_5_years")
    assert (spec.window_days, spec.min_count, spec.categories) == (1826, 2, tuple(sorted(bribery)))
    again = admin.post(
        "/api/v1/risk/rules/",
        {**added.json(), "name": "2_bribery_in_5_years"},
        content_type="application/json",
    )
    assert again.status_code == 400 and ThresholdRule.objects.filter(name="2_bribery_in_5_years").count() == 1
    assert set(again.json()) == {"name"}
    # A rule keeps its name (alerts cite it): a PATCH that would rename it, or sets a field rules do not
    # have, is refused, not obeyed in part; the rule as GET gave it, sent back changed, is accepted.
    for bad in ({"name": "renamed", "min_count": 5}, {"threshold": 5}):
        refused = admin.patch(url, bad, content_type="application/json")
        assert refused.status_code == 400 and set(refused.json()) == set(bad) - {"min_count"}, refused.json()
    assert ThresholdRule.objects.get(pk=rule.pk).min_count == 4
    round_trip = {**admin.get(url).json(), "min_count": 5, "description": "5 or more complaints in 12 months"}
    assert admin.patch(url, round_trip, content_type="application/json").json()["min_count"] == 5
    # What a rule counts changes with its description, which every alert it raises shows, or not at all.
    stale = admin.patch(url, {"window_days": 30, "min_count": 1}, content_type="application/json")
    assert stale.status_code == 400 and set(stale.json()) == {"description"}
    assert "5 or more complaints in 12 months" in stale.json()["description"][0]
    assert ThresholdRule.objects.get(pk=rule.pk).window_days == 365
    admin.patch(
        url, {"min_count": 4, "description": "4 or more complaints in 12 months"}, content_type="application/json"
    )

    # A supervisor reads the rules but changes none of them.
    dave = login("dave")
    assert dave.get(url).json()["min_count"] == 4
    assert dave.patch(url, {"min_count": 1}, content_type="application/json").status_code == 403
    # Asked first: a body that would not pass tells him nothing of the checks.
    assert dave.patch(url, {"min_count": "x"}, content_type="application/json").status_code == 403
    assert dave.post("/api/v1/risk/rules/", {"name": "x"}, content_type="application/json").status_code == 403
    assert (
        dave.post(
            "/api/v1/risk/rules/", {**added.json(), "name": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        ThresholdRule.objects.get(pk=rule.pk).min_count == 4
        and not ThresholdRule.objects.filter(name="x").exists()
    )
    assert admin.get("/api/v1/risk/rules/999999/").status_code == 404
