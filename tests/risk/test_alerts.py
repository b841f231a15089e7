"""Scoring the force raises alerts for the officer's supervisor, each saying why in at least three
plain sentences; the supervisor records an intervention or dismisses the alert with a reason, on
the page or through the API; both are audited and shown on the dossier with the score history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from ombud.audit.models import AuditEntry
from ombud.audit.selectors import audit_verify
from ombud.risk import model as risk_model
from ombud.risk import services as risk_services
from ombud.risk.models import Alert, Intervention, RiskScore
from ombud.risk.services import alert_dismiss, alert_intervene, risk_score
from ombud.risk.tasks import score_nightly
from tests.conftest import Force, Login
from tests.factories import ComplaintFactory, ComplaintSubjectFactory
from tests.risk.data import import_dir
from tests.risk.helpers import score_with_gus_flagged, write_interchange

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(force: Force) -> Force:
    return score_with_gus_flagged(force)


def gus_alert(force: Force) -> Alert:
    return Alert.objects.get(officer=force.officers["gus"], state=Alert.State.OPEN)


def test_scoring_stores_a_reproducible_score_for_every_active_officer(scored: Force) -> None:
    scores = RiskScore.objects.filter(as_of=timezone.localdate())
    assert scores.count() == 5
    gus = scores.get(officer=scored.officers["gus"])
    # The highest of five: one officer in five (himself) scores at least as high.
    assert gus.score == pytest.approx(0.75) and gus.percentile == 20
    assert len(gus.inputs_digest) == 64 and gus.model_version.startswith(f"{risk_model.FORMAT_VERSION}.")
    assert 3 <= len(gus.factors) <= 5


def test_every_alert_gives_at_least_three_plain_language_factors(scored: Force) -> None:
    alerts = list(Alert.objects.all())
    assert {a.officer_id for a in alerts} == {scored.officers["gus"].pk, scored.officers["frank"].pk}
    for alert in alerts:
        texts = [r["text"] for r in alert.reasons]
        assert len(texts) >= 3 and all(isinstance(t, str) and len(t) > 10 for t in texts)
    texts = [r["text"] for r in gus_alert(scored).reasons]
    # Gus is also over a threshold rule: it is named first, then the model's factors.
    # Gus had three complaints in the rule's year: the alert says what the rule counted.
    assert texts[0] == "Threshold rule: 3 or more complaints in 12 months (counted on the date scored: 3)"
    # The fixture's records began months ago: the year's count is not known yet, the whole record is.
    assert texts[1] == "3 complaints since the records began"
    # Nothing that states an absence ("no unit", "0 allegations") is given as a reason while his
    # record has enough that is there.
    assert "No unit on record for the day" not in texts
    assert not any(text.startswith(("0 ", "No ")) for text in texts), texts
    assert gus_alert(scored).unit == scored.units["a1"]


def test_scoring_again_raises_no_second_alert_while_one_is_open(scored: Force) -> None:
    report = risk_score(percent=40)
    assert (report.alerts, report.already_open) == (0, 2)
    assert Alert.objects.count() == 2


def test_a_run_that_meets_another_runs_alert_keeps_nothing_and_says_so(
    scored: Force, monkeypatch: pytest.MonkeyPatch
) -> None:
    Alert.objects.all().delete()
    runs = AuditEntry.objects.filter(action="risk.score").count()

    def another_run_raises_gus_alert_meanwhile(*args: object) -> set[int]:
        # What the nightly task's commit looks like from inside this run, after it read no open alert.
        Alert.objects.create(officer=scored.officers["gus"], raised_at=timezone.now(), reasons=[])
        return set()

    monkeypatch.setattr(risk_services, "_answer_holds", another_run_raises_gus_alert_meanwhile)
    with pytest.raises(ValidationError, match="Another scoring run raised alerts at the same time"):
        risk_score(percent=40)
    # Frank's alert, which nothing stopped, was not kept either, nor the run's audit entry.
    assert not Alert.objects.filter(officer=scored.officers["frank"]).exists()
    assert AuditEntry.objects.filter(action="risk.score").count() == runs


def test_an_answered_alert_is_not_raised_again_until_a_new_complaint_comes_in(scored: Force) -> None:
    alert_dismiss(actor=scored.users["dave"], alert=gus_alert(scored), reason="One incident, already reviewed.")
    report = risk_score(percent=40)
    assert (report.alerts, report.already_open, report.answered_recently) == (0, 1, 1)
    assert not Alert.objects.filter(officer=scored.officers["gus"], state=Alert.State.OPEN).exists()
    complaint = ComplaintFactory(routed_to=scored.bodies["a"], received_at=timezone.now())
    ComplaintSubjectFactory(complaint=complaint, officer=scored.officers["gus"])
    assert risk_score(percent=40).alerts == 1
    assert gus_alert(scored).state == Alert.State.OPEN


def test_dates_whose_record_or_outcome_is_not_known_are_refused(scored: Force) -> None:
    from django.core.exceptions import ValidationError

    from ombud.risk.models import Evaluation
    from ombud.risk.services import risk_evaluate, risk_train

    today = timezone.localdate()
    stored = risk_model.artifact_path().read_bytes()
    with pytest.raises(ValidationError, match="in the future"):
        risk_train(as_of=today + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="in the future"):
        risk_score(as_of=today + dt.timedelta(days=1))
    # This force's record is months long: no date has both the history to train on and a year over
    # after it (tests/risk/test_evaluation.py has a year that ends today refused on a long record).
    for days in (200, 365, 700):
        with pytest.raises(ValidationError, match="too short to evaluate the model on any date"):
            risk_evaluate(as_of=today - dt.timedelta(days=days))
    with pytest.raises(ValidationError, match="learnt later"):
        risk_score(as_of=today - dt.timedelta(days=400))
    assert risk_model.artifact_path().read_bytes() == stored
    assert not Evaluation.objects.exists()
    assert not RiskScore.objects.exclude(as_of=today).exists()
    # Asked to train what it needs, it trains on what was known on that date (this force's record
    # began too late for one), and keeps the stored model when it cannot.
    with pytest.raises(risk_model.ModelError, match="not enough history before"):
        risk_score(as_of=today - dt.timedelta(days=400), retrain=True)
    assert risk_model.artifact_path().read_bytes() == stored


def test_the_supervisor_sees_his_officers_open_alerts_and_others_see_nothing(scored: Force, login: Login) -> None:
    page = login("dave").get(reverse("risk_alerts"))
    assert page.status_code == 200
    assert "Gus Chen" in page.content.decode() and "3 complaints since the records began" in page.content.decode()
    assert login("charlie").get(reverse("risk_alerts")).status_code == 404
    assert login("frank").get(reverse("risk_alerts")).status_code == 404


def test_a_long_list_of_alerts_is_paged(scored: Force, login: Login, monkeypatch: pytest.MonkeyPatch) -> None:
    from ombud.risk import views as risk_views

    monkeypatch.setattr(risk_views, "PAGE_LENGTH", 1)
    client = login("dave")
    first, second = (client.get(reverse("risk_alerts"), {"page": n}).content.decode() for n in (1, 2))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second and "2 open alerts" in first
    assert {("Gus Chen" in first), ("Gus Chen" in second)} == {True, False}


def test_an_alert_answered_from_the_second_page_keeps_its_page(
    scored: Force, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ombud.risk import views as risk_views

    monkeypatch.setattr(risk_views, "PAGE_LENGTH", 1)
    client = login("dave")
    second = client.get(reverse("risk_alerts"), {"page": 2}).content.decode()
    alert = next(a for a in Alert.objects.filter(state=Alert.State.OPEN) if f'id="alert-{a.pk}"' in second)
    url = reverse("risk_alert_dismiss", args=[alert.pk]) + "?page=2"
    assert f'action="{url}"' in second
    # Sent back without a reason: the error is shown with this alert's form, and nothing is kept.
    refused = client.post(url, {f"dismiss-{alert.pk}-reason": ""})
    assert refused.status_code == 400
    alert.refresh_from_db()
    assert alert.state == Alert.State.OPEN
    assert (
        f'id="alert-{alert.pk}"' in refused.content.decode()
        and "why the alert is dismissed (10 characters or more)" in refused.content.decode()
    )
    # Too short: the service's reason, said once.
    short = client.post(url, {f"dismiss-{alert.pk}-reason": "too short"}).content.decode()
    assert short.count("why the alert is dismissed (10 characters or more)") == 1
    # Answered: back to the page it was on.
    done = client.post(url, {f"dismiss-{alert.pk}-reason": "One incident, already dealt with."})
    assert done.status_code == 302 and done["Location"] == reverse("risk_alerts") + "?page=2"


def test_the_supervisor_records_an_intervention_audited_and_on_the_dossier(scored: Force, login: Login) -> None:
    alert = gus_alert(scored)
    client = login("dave")
    response = client.post(
        reverse("risk_alert_intervene", args=[alert.pk]),
        {
            f"intervene-{alert.pk}-kind": "counselling",
            f"intervene-{alert.pk}-note": "Talked through the complaints.",
        },
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == Alert.State.INTERVENED
    assert (alert.intervention.kind, alert.intervention.by) == ("counselling", scored.users["dave"])
    entry = AuditEntry.objects.filter(action="risk.alert.intervene").get()
    assert entry.actor_id == scored.users["dave"].pk and "Talked" not in entry.payload
    assert audit_verify().ok
    page = login("alice").get(reverse("officer_dossier", args=[scored.officers["gus"].pk])).content.decode()
    assert "Talked through the complaints." in page and "counselling" in page
    # The answered alert says what was done, not only that something was; the footer's language
    # switch comes back to the same list.
    answered = login("dave").get(reverse("risk_alerts"), {"state": "intervened"}).content.decode()
    assert "Intervention recorded (counselling) · " in answered
    assert 'name="next" type="hidden" value="/risk/alerts/?state=intervened"' in answered
    assert 'id="risk-scores"' in page and "0.750" in page


def test_a_dismissal_needs_a_reason_and_is_kept(scored: Force, login: Login) -> None:
    alert = gus_alert(scored)
    client = login("dave")
    empty = client.post(reverse("risk_alert_dismiss", args=[alert.pk]), {f"dismiss-{alert.pk}-reason": ""})
    assert empty.status_code == 400
    done = client.post(
        reverse("risk_alert_dismiss", args=[alert.pk]),
        {f"dismiss-{alert.pk}-reason": "Complaints were one incident."},
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert (alert.state, alert.intervention.kind) == (Alert.State.DISMISSED, Intervention.Kind.DISMISSAL)
    assert AuditEntry.objects.filter(action="risk.alert.dismiss").count() == 1
    with pytest.raises(Exception, match="already been answered"):
        alert_dismiss(actor=scored.users["dave"], alert=alert, reason="Dismissed once more.")


def test_an_alert_answered_meanwhile_says_so_on_the_page(scored: Force, login: Login) -> None:
    alert = gus_alert(scored)
    client = login("dave")
    alert_dismiss(actor=scored.users["dave"], alert=alert, reason="Answered in another tab.")
    late = client.post(
        reverse("risk_alert_intervene", args=[alert.pk]),
        {f"intervene-{alert.pk}-kind": "training", f"intervene-{alert.pk}-note": "Sent to training."},
        follow=True,
    )
    assert late.status_code == 200 and "This alert has already been answered." in late.content.decode()
    assert Intervention.objects.filter(alert=alert).count() == 1


def test_only_the_officers_supervisors_may_answer_an_alert(scored: Force, login: Login) -> None:
    alert = gus_alert(scored)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        alert_intervene(actor=scored.users["charlie"], alert=alert, kind="training", note="not mine")
    response = login("charlie").post(
        reverse("risk_alert_intervene", args=[alert.pk]),
        {f"intervene-{alert.pk}-kind": "training", f"intervene-{alert.pk}-note": "x"},
    )
    assert response.status_code == 404
    assert not Intervention.objects.exists()


def test_the_api_lists_open_alerts_and_takes_an_answer(scored: Force, login: Login) -> None:
    client = login("dave")
    listed = client.get("/api/v1/risk/alerts/").json()["results"]
    assert {a["officer_name"] for a in listed} == {"Gus Chen", "Frank Li"}
    assert all(len(a["reasons"]) >= 3 for a in listed)
    alert = gus_alert(scored)
    made = client.post(
        f"/api/v1/risk/alerts/{alert.pk}/intervene/",
        {"kind": "training", "note": "Sent to de-escalation training."},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["kind"] == "training"
    bad = client.post(f"/api/v1/risk/alerts/{gus_alert_pk(scored)}/dismiss/", {}, content_type="application/json")
    assert bad.status_code == 400
    assert login("charlie").get("/api/v1/risk/alerts/").json()["count"] == 0
    # The answered alert has left the open list; ?state= finds it with its answer.
    client = login("dave")
    assert [a["officer_name"] for a in client.get("/api/v1/risk/alerts/").json()["results"]] == ["Frank Li"]
    (answered,) = client.get("/api/v1/risk/alerts/?state=intervened").json()["results"]
    assert answered["answer"]["kind"] == "training" and answered["answer"]["by"] == "dave"
    assert client.get("/api/v1/risk/alerts/?state=all").json()["count"] == 2
    assert client.get("/api/v1/risk/alerts/?state=closed").status_code == 400


def gus_alert_pk(force: Force) -> int:
    return Alert.objects.get(officer=force.officers["frank"]).pk


def test_the_nightly_task_scores_with_the_stored_model(scored: Force) -> None:
    result = score_nightly.call()
    assert result == {"scored": 5, "alerts": 0, "trained": 0}


def test_the_nightly_task_says_why_it_scores_nobody_where_today_cannot_be_scored(force: Force) -> None:
    # The shared force's record is months old: too little history to train a first model on.
    risk_model.artifact_path().unlink(missing_ok=True)
    result = score_nightly.call()
    assert result["scored"] == 0 and "not enough history" in str(result["skipped"])
    assert not RiskScore.objects.exists()


def test_the_nightly_task_leaves_an_imported_history_that_ended_years_ago_alone(tmp_path: Path) -> None:
    assert score_nightly.call()["skipped"] == (
        "Nothing to score: no complaint or allegation naming an officer is recorded yet."
    )
    import_dir(
        write_interchange(
            tmp_path / "old",
            officers=[{"officer_id": "A", "last_name": "Abel"}],
            complaints=[{"complaint_id": "1", "received_on": "2003-05-02"}],
            allegations=[{"complaint_id": "1", "officer_id": "A", "finding": "sustained"}],
        )
    )
    result = score_nightly.call()
    assert result == {
        "scored": 0,
        "alerts": 0,
        "trained": 0,
        "skipped": "Nothing to score as of today: the record ends on 2003-05-02, more than a year ago; score it "
        "as of a date it covers with ombud risk score --as-of.",
    }
    assert not AuditEntry.objects.filter(action__in=["risk.train", "risk.score"]).exists()


@pytest.mark.parametrize("language", ["en", "ko", "zh-hans"])
def test_a_tampered_model_is_refused_by_scoring_and_kept_in_every_language(scored: Force, language: str) -> None:
    path = risk_model.artifact_path()
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    # The nightly run retrains a stale or foreign model; an altered one it must neither use nor
    # overwrite, whatever language the instance speaks.
    with translation.override(language), pytest.raises(risk_model.ModelError) as refused:
        risk_score(percent=40, retrain=True)
    assert refused.value.tampered
    assert path.read_bytes() == bytes(data)
    # The nightly task, which skips what cannot be scored today, fails on it.
    with translation.override(language), pytest.raises(risk_model.ModelError):
        score_nightly.call()
    assert path.read_bytes() == bytes(data)


def test_the_report_page_shows_the_evaluation_with_its_chart_to_analysts(scored: Force, login: Login) -> None:
    from ombud.risk.models import Evaluation

    Evaluation.objects.create(
        as_of=timezone.localdate(),
        label="sustained",
        created_at=timezone.now(),
        result={
            "as_of": "2017-12-31",
            "label": "sustained",
            "cohort": 100,
            "positives": 5,
            "outcomes_known": 0.42,
            "rankers": {
                "model": {"p_at_1": 1.0, "p_at_5": 0.4, "p_at_10": 0.3, "recall_at_5": 0.4, "auc": 0.8},
                "count_12m": {"p_at_1": 0.0, "p_at_5": 0.2, "p_at_10": 0.2, "recall_at_5": 0.2, "auc": 0.7},
                "rule:3_in_12_months": {
                    "flags": 4,
                    "precision": 0.25,
                    "recall": 0.2,
                    "model_precision_at_same_flags": 0.5,
                },
            },
            "curve": {"shares": [1, 2, 3], "model": [1.0, 0.5, 0.4], "count_12m": [0.0, 0.5, 0.3]},
            "training": {"as_of_dates": ["2016-12-31"], "rows": 90},
            "fairness": {
                "flag_share": 5,
                "unit": [
                    {
                        "group": "Station A1",
                        "officers": 100,
                        "positives": 5,
                        "base_rate": 0.05,
                        "flags": 5,
                        "flag_rate": 0.05,
                        "precision": 0.0,
                    }
                ],
            },
        },
    )
    page = login("erin").get(reverse("risk_report"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "polyline" in text and "3_in_12_months" in text and "Station A1" in text
    # None of the unit's flags was right: that is a precision of 0, not a missing figure.
    assert "<td>0.0\u00a0%</td>" in text
    # Each group's flag rate drawn beside its base rate.
    fairness = text[text.index('id="fairness"') :]
    assert 'class="chart bar-pairs own-colours"' in fairness
    assert "<title>Station A1, flag rate: 5.0\u00a0%</title>" in fairness
    assert "<title>Station A1, base rate: 5.0\u00a0%</title>" in fairness
    # Shares read as percentages, the rule by what it says, the chart's axis in round steps.
    assert "<td>40.0\u00a0%</td>" in text and "3 or more complaints in 12 months" in text
    assert ">0 %</text>" in text and ">100 %</text>" in text and "share with the label" in text
    assert "How to read these figures" in text and 'aria-current="page"' in text
    # Measured on a year with most findings still to come: the reader is told before the figures.
    assert text.index("Only about 42% of the outcomes of the year after 2017-12-31") < text.index(
        "<td>40.0\u00a0%</td>"
    )
    assert login("erin").get(reverse("risk_report"), {"evaluation": "abc"}).status_code == 404
    # The analyst reaches the report from the menu; a supervisor reaches his alerts, not the report.
    assert f'href="{reverse("risk_report")}"' in text
    assert login("dave").get(reverse("risk_report")).status_code == 404
    home = login("dave").get(reverse("home")).content.decode()
    assert f'href="{reverse("risk_alerts")}"' in home and f'href="{reverse("risk_report")}"' not in home


def test_the_worker_runs_the_nightly_scoring_once_a_day() -> None:
    import datetime as dt

    from ombud.core.schedule import PERIODIC

    job = next(job for job in PERIODIC if job.name == "risk.score_nightly")
    assert job.task() is score_nightly and job.every == dt.timedelta(days=1)


def test_scikit_learn_is_not_imported_when_the_web_process_starts() -> None:
    import subprocess
    import sys

    code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings'; django.setup(); "
        "import ombud.urls, ombud.risk.services, ombud.risk.views, ombud.risk.api; "
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_model_that_scores_everyone_alike_raises_no_alert_of_its_own(force: Force) -> None:
    # Which of a block of equal scores would be alerted is the database's order, not a judgement.
    from tests.risk.helpers import stub_model

    risk_model.save(stub_model("severe_measures_all", as_of=timezone.localdate()))
    Alert.objects.all().delete()
    report = risk_score(percent=40)
    assert report.scored == 5 and set(RiskScore.objects.values_list("score", flat=True)) == {0.0}
    # Five equal scores share one place: each officer has all five at least as high.
    assert set(RiskScore.objects.values_list("percentile", flat=True)) == {100.0}
    assert not Alert.objects.exclude(reasons__0__text__startswith="Threshold rule").exists()


def test_an_alert_keeps_the_rule_as_it_read_when_raised(scored: Force, login: Login) -> None:
    from ombud.risk.models import ThresholdRule

    ThresholdRule.objects.filter(name="3_in_12_months").update(min_count=4, description="4 or more complaints")
    client = login("dave")
    page = client.get(reverse("risk_alerts")).content.decode()
    rule = "Threshold rule: 3 or more complaints in 12 months (counted on the date scored: 3)"
    assert rule in page and "4 or more complaints" not in page
    listed = client.get("/api/v1/risk/alerts/").json()["results"]
    gus = next(a for a in listed if a["officer_name"] == "Gus Chen")
    # The date his reasons speak of ("the date scored"), beside the day the alert was raised.
    assert gus["as_of"] == timezone.localdate().isoformat()
    assert f"Scored as of</dt><dd>{timezone.localdate():%Y-%m-%d}" in page
    assert gus["reasons"][0] == "Threshold rule: 3 or more complaints in 12 months (counted on the date scored: 3)"


def test_the_reasons_are_written_in_the_readers_language(scored: Force, login: Login) -> None:
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("ko"):
        korean = ngettext(
            "%(n)d complaint since the records began", "%(n)d complaints since the records began", 3
        ) % {"n": 3}
    assert korean != "3 complaints since the records began"
    client = login("dave")
    client.cookies["django_language"] = "ko"
    page = client.get(reverse("risk_alerts")).content.decode()
    assert korean in page and "3 complaints since the records began" not in page
    listed = client.get("/api/v1/risk/alerts/", HTTP_ACCEPT_LANGUAGE="ko").json()["results"]
    assert any(korean in a["reasons"] for a in listed)
    # The rules the project seeded are read in the reader's language too (one an administrator
    # wrote stays as written).
    with translation.override("ko"):
        rule = translation.gettext("3 or more complaints in 12 months")
    assert rule != "3 or more complaints in 12 months"
    assert any(rule in a["reasons"][0] for a in listed) and rule in page


def test_answered_alerts_stay_readable_by_state(scored: Force, login: Login) -> None:
    alert = gus_alert(scored)
    alert_dismiss(actor=scored.users["dave"], alert=alert, reason="One incident, already dealt with.")
    client = login("dave")
    assert f'id="alert-{alert.pk}"' not in client.get(reverse("risk_alerts")).content.decode()
    dismissed = client.get(reverse("risk_alerts"), {"state": "dismissed"}).content.decode()
    assert f'id="alert-{alert.pk}"' in dismissed and "One incident, already dealt with." in dismissed
    assert "Dismiss the alert" not in dismissed
    assert f'id="alert-{alert.pk}"' in client.get(reverse("risk_alerts"), {"state": "all"}).content.decode()


def test_a_dismissal_that_says_nothing_is_refused(scored: Force, login: Login) -> None:
    alert = gus_alert(scored)
    client = login("dave")
    for reason in (123, 12345678901, "x", "   "):
        refused = client.post(
            f"/api/v1/risk/alerts/{alert.pk}/dismiss/", {"reason": reason}, content_type="application/json"
        )
        assert refused.status_code == 400, reason
        # Named under the field the client sent.
        assert "reason" in refused.json(), refused.json()
    alert.refresh_from_db()
    assert alert.state == Alert.State.OPEN and not Intervention.objects.exists()


def test_an_alert_names_the_unit_it_was_raised_at_and_where_he_is_now(scored: Force, login: Login) -> None:
    from ombud.org.models import Officer

    # Moved to station A2 after the alert: his new supervisors answer it (here, the administrator).
    Officer.objects.filter(pk=scored.officers["gus"].pk).update(unit=scored.units["a2"])
    client = login("admin")
    listed = client.get("/api/v1/risk/alerts/").json()["results"]
    assert next(a for a in listed if a["officer_name"] == "Gus Chen")["unit"] == scored.units["a1"].name
    page = client.get(reverse("risk_alerts")).content.decode()
    assert f"{scored.units['a1'].name} (now {scored.units['a2'].name})" in page


def test_an_empty_list_before_any_scoring_is_not_an_all_clear(force: Force, login: Login) -> None:
    Alert.objects.all().delete()  # the fixture's own, made without scoring
    page = login("dave").get(reverse("risk_alerts")).content.decode()
    assert "No officer has been scored yet" in page and "No open alert" not in page


def test_coming_back_to_an_answer_address_shows_the_alert_on_its_list(scored: Force, login: Login) -> None:
    # A reload after a refused answer, or a login that returns to it, used to meet an empty 405.
    alert = gus_alert(scored)
    client = login("dave")
    back = client.get(reverse("risk_alert_dismiss", args=[alert.pk]) + "?page=1")
    assert back.status_code == 302 and back["Location"] == reverse("risk_alerts") + f"?page=1#alert-{alert.pk}"
    refused = client.post(reverse("risk_alert_dismiss", args=[alert.pk]), {f"dismiss-{alert.pk}-reason": " "})
    assert refused.status_code == 400 and "autofocus" in refused.content.decode()
    assert login("charlie").get(reverse("risk_alert_intervene", args=[alert.pk])).status_code == 404


def test_the_dossier_draws_the_officer_s_scores_over_time(force: Force, login: Login) -> None:
    from tests.risk.helpers import stub_model

    gus = force.officers["gus"]
    dossier = reverse("officer_dossier", args=[gus.pk])
    today = timezone.localdate()
    risk_model.save(stub_model("complaints_all", as_of=today - dt.timedelta(days=60)))
    risk_score(as_of=today - dt.timedelta(days=60), percent=40)
    # One score is a figure, not a trend: the table gives it and no chart is drawn.
    page = login("alice").get(dossier).content.decode()
    assert 'id="risk-scores"' in page and "line-chart" not in page
    score_with_gus_flagged(force)
    page = login("alice").get(dossier).content.decode()
    section = page[page.index('id="risk-scores"') :]
    assert 'class="chart line-chart' in section and "Early-warning score over time" in section
    # A point per day scored, oldest first, each with its date and score as a tooltip.
    points = section[section.index("<polyline") :].split('points="')[1].split('"')[0].split()
    assert len(points) == 2 and float(points[0].split(",")[0]) < float(points[1].split(",")[0])
    first, latest = (
        RiskScore.objects.get(officer=gus, as_of=today - dt.timedelta(days=60)),
        RiskScore.objects.get(officer=gus, as_of=today),
    )
    assert f"score {first.as_of.isoformat()}: {first.score:.3f}" in section
    assert f"score {latest.as_of.isoformat()}: {latest.score:.3f}" in section
    # The later score is higher (two more complaints), so its point is drawn higher up.
    assert latest.score > first.score and float(points[1].split(",")[1]) < float(points[0].split(",")[1])


def test_the_dossier_api_gives_the_scores_and_answers_to_his_supervisors_not_to_the_officer(
    scored: Force, login: Login
) -> None:
    frank = scored.officers["frank"]
    alert = Alert.objects.get(officer=frank, state=Alert.State.OPEN)
    alert_intervene(actor=scored.users["dave"], alert=alert, kind="training", note="Sent on the ethics course.")
    url = reverse("api-officer-dossier", args=[frank.pk])
    body = login("alice").get(url).json()
    score = RiskScore.objects.get(officer=frank)
    assert body["risk_scores"] == [
        {
            "as_of": score.as_of.isoformat(),
            "score": score.score,
            "percentile": score.percentile,
            "model_version": score.model_version,
        }
    ]
    [answer] = body["risk_answers"]
    assert (answer["kind"], answer["note"], answer["on"]) == (
        "training",
        "Sent on the ethics course.",
        timezone.localdate().isoformat(),
    )
    own = login("frank").get(url).json()
    assert own["own"] and own["risk_scores"] == [] and own["risk_answers"] == [] and own["alerts"] == []


def test_an_alert_from_a_rule_an_administrator_added_says_what_the_rule_counted(force: Force) -> None:
    from ombud.risk.models import ThresholdRule

    ThresholdRule.objects.update(active=False)
    ThresholdRule.objects.create(
        name="two_in_2_years", description="2 or more complaints in 2 years", window_days=730, min_count=2
    )
    score_with_gus_flagged(force)
    reasons = {
        alert.officer_id: alert.reasons[0]["text"] for alert in Alert.objects.filter(rule__name="two_in_2_years")
    }
    assert reasons == {
        force.officers[
            "gus"
        ].pk: "Threshold rule: 2 or more complaints in 2 years (counted on the date scored: 3)",
        force.officers[
            "frank"
        ].pk: "Threshold rule: 2 or more complaints in 2 years (counted on the date scored: 2)",
    }


def test_a_factors_weight_is_measured_against_the_median_officer_of_the_force_not_of_the_flagged(
    tmp_path: Path,
) -> None:
    # Twenty officers of one unit, two with complaints: the model reads only their complaints.
    from ombud.org.models import Officer
    from tests.risk.data import import_dir
    from tests.risk.helpers import stub_model, write_interchange

    today = timezone.localdate()
    complaints, allegations = [], []
    for who, n in (("O0", 5), ("O1", 3)):
        for j in range(n):
            day = (today - dt.timedelta(days=20 + 10 * j)).isoformat()
            complaints.append({"complaint_id": f"{who}-{j}", "received_on": day, "occurred_on": day})
            allegations.append({"complaint_id": f"{who}-{j}", "officer_id": who, "category": "Neglect"})
    officers = [{"officer_id": f"O{i}", "last_name": f"N{i}", "unit": "U1"} for i in range(20)]
    import_dir(
        write_interchange(tmp_path / "f", officers=officers, complaints=complaints, allegations=allegations)
    )
    risk_model.save(stub_model("complaints_all", as_of=today))
    risk_score(as_of=today, percent=10)
    score = RiskScore.objects.get(officer=Officer.objects.get(external_id="O1"))
    weights = {f["family"]: f["weight"] for f in score.factors}
    # His score, 3 / (3 + 1), is all his complaints' doing: the median officer of the force has none.
    assert score.score == pytest.approx(0.75)
    assert weights["complaints"] == pytest.approx(0.75)


def test_the_database_holds_one_open_alert_per_officer_whatever_runs_at_once(scored: Force) -> None:
    from django.db import IntegrityError, transaction

    open_one = gus_alert(scored)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(officer=open_one.officer, raised_at=timezone.now(), reasons=[])
    # Once it is answered, a new one may be raised.
    open_one.state = Alert.State.DISMISSED
    open_one.save(update_fields=["state"])
    Alert.objects.create(officer=open_one.officer, raised_at=timezone.now(), reasons=[])
    assert Alert.objects.filter(officer=open_one.officer).count() == 2


def upgraded_from(migration: str, model: str, build: Callable[[Any], None]) -> None:
    """Migrate the risk app back to ``migration``, let ``build`` write rows through that state's
    ``model``, and migrate it forward again (the rows go through every later migration)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("risk", migration)]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("risk")
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        build(executor.loader.project_state(before).apps.get_model("risk", model))
    finally:
        MigrationExecutor(connection).migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_upgrading_keeps_the_newest_of_two_open_alerts_a_race_raised() -> None:
    from tests.factories import OfficerFactory

    officer = OfficerFactory()

    def two_open(old: Any) -> None:
        for days in (2, 1):
            old.objects.create(
                officer_id=officer.pk, raised_at=timezone.now() - dt.timedelta(days=days), reasons=[]
            )

    upgraded_from("0008_evaluation_request_language", "Alert", two_open)
    kept = Alert.objects.get(officer=officer)
    assert kept.state == Alert.State.OPEN and timezone.now() - kept.raised_at < dt.timedelta(days=1, hours=1)


@pytest.mark.django_db(transaction=True)
def test_upgrading_gives_stored_places_the_meaning_new_ones_have() -> None:
    from tests.factories import OfficerFactory

    officers = [OfficerFactory() for _ in range(3)]

    def placed_from_zero(old: Any) -> None:
        # Places from 0, equal scores ranked by id, as scoring stored them before.
        for officer, score, place in zip(officers, (0.9, 0.5, 0.5), (0.0, 33.333, 66.667), strict=True):
            old.objects.create(
                officer_id=officer.pk,
                as_of=dt.date(2026, 1, 31),
                model_version="9.x",
                score=score,
                percentile=place,
            )

    upgraded_from("0010_alert_one_open_per_officer", "RiskScore", placed_from_zero)
    places = dict(RiskScore.objects.values_list("officer_id", "percentile"))
    assert [places[o.pk] for o in officers] == [33.333, 100.0, 100.0]


def test_the_place_of_the_highest_officers_never_reads_top_0_percent() -> None:
    from ombud.risk.templatetags.risk import top_share

    # The highest of 20,000 is in the top 0.005 %; below 0.1 % as many decimals as it takes.
    assert [top_share(p) for p in (23.456, 1.0, 0.1, 0.049, 0.005, 0.01)] == [
        "23.5",
        "1.0",
        "0.1",
        "0.049",
        "0.005",
        "0.01",
    ]
    assert top_share(None) == "—"
    assert top_share(0.0) == "< 0.001"  # stored to three decimals: the top of a very large force


def test_a_tiny_p_never_reads_as_zero() -> None:
    from ombud.risk.templatetags.risk import p_stated, p_value

    assert [p_value(p) for p in (1.0, 0.2461, 0.01, 0.004, None)] == ["1.00", "0.25", "0.01", "< 0.01", "—"]
    # In a sentence: never "p = < 0.01".
    assert [p_stated(p) for p in (0.2461, 0.004)] == ["p = 0.25", "p < 0.01"]


def test_scoring_says_when_a_rule_counts_categories_the_record_never_names(scored: Force) -> None:
    from io import StringIO

    from django.core.management import call_command

    from ombud.intake.models import Category
    from ombud.risk.models import ThresholdRule

    # This force's complaints name bribery: the rule may flag, and nothing is said.
    out = StringIO()
    call_command("risk", "score", "--percent", "40", stdout=out)
    assert "rule sustained_bribery flags" in out.getvalue() and "which no complaint" not in out.getvalue()
    # Set to a category none of its complaints has, it can flag no one, and scoring says why.
    unused = Category.objects.exclude(complaints__isnull=False).order_by("code").first()
    assert unused is not None
    ThresholdRule.objects.get(name="sustained_bribery").categories.set([unused])
    again = StringIO()
    call_command("risk", "score", "--percent", "40", stdout=again)
    told = f"Rule sustained_bribery counts the category {unused.code}, which no complaint in this record has"
    assert told in again.getvalue()
