"""An analyst asks for an evaluation on the report page or through the API; the worker makes it,
and the request says how it went: done with its figures, or failed with the reason in words. Bad
dates and other roles change nothing."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from ombud.accounts.models import Role
from ombud.accounts.services import membership_grant, user_create
from ombud.audit.models import AuditEntry
from ombud.risk import services
from ombud.risk.models import Evaluation, EvaluationRequest
from ombud.risk.services import evaluation_request, evaluation_request_run
from tests.reference import reference_data_ensure
from tests.risk.data import import_dir, synthetic_force

# The worker closes and reopens connections between tasks, as in production: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/risk/evaluation-requests/"


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    # The flush after a transactional test takes the migration-seeded rules and categories with it.
    reference_data_ensure()


def _client(username: str, role: str | None) -> tuple[Client, Any]:
    user = user_create(actor=None, username=username, password=None, first_name=username.title(), last_name="Lam")
    if role:
        membership_grant(actor=None, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client, user


def _run_worker() -> None:
    call_command("worker", "--batch", "--no-startup-delay", verbosity=0)


def test_an_analyst_asks_for_an_evaluation_through_the_api_and_the_worker_makes_it(
    reference_data: None, tmp_path: Path
) -> None:
    import_dir(synthetic_force(tmp_path / "force", officers=160, start=2013, end=2017))
    analyst, erin = _client("erin", Role.ANALYST)
    other, _ = _client("gus", None)

    asked = analyst.post(URL, {"as_of": "2016-12-31"}, content_type="application/json")
    assert asked.status_code == 202
    queued = asked.json()
    assert (queued["state"], queued["label"], queued["evaluation"], queued["requested_by"]) == (
        "queued",
        "sustained",
        None,
        "erin",
    )
    # Asked again before the worker came round: the same request, not a second run.
    again = analyst.post(URL, {"as_of": "2016-12-31", "label": "sustained"}, content_type="application/json")
    assert (again.status_code, again.json()["id"]) == (202, queued["id"])

    # A year whose outcomes are still to come, a label that does not exist, a role that does not
    # evaluate: refused, and nothing is queued.
    soon = analyst.post(URL, {"as_of": "2099-01-01"}, content_type="application/json")
    assert soon.status_code == 400 and "not known yet" in str(soon.json())
    for slip in ("9999-12-31", "1800-01-01"):
        refused = analyst.post(URL, {"as_of": slip}, content_type="application/json")
        assert refused.status_code == 400 and "Give a date from 1900-01-01" in str(refused.json())
    assert (
        analyst.post(URL, {"as_of": "2016-12-31", "label": "bribes"}, content_type="application/json").status_code
        == 400
    )
    assert analyst.post(URL, {"as_of": "31/12/2016"}, content_type="application/json").status_code == 400
    no_day = analyst.post(URL, {"as_of": "2016-02-30"}, content_type="application/json")
    assert no_day.status_code == 400 and no_day.json() == {"as_of": ["2016-02-30 is not a day of the calendar."]}
    assert other.post(URL, {"as_of": "2015-12-31"}, content_type="application/json").status_code == 403
    assert other.post(URL, {"as_of": "nonsense"}, content_type="application/json").status_code == 403
    assert EvaluationRequest.objects.count() == 1 and not Evaluation.objects.exists()
    assert other.get(URL).json()["count"] == 0
    assert other.get(f"{URL}{queued['id']}/").status_code == 404

    _run_worker()
    done = analyst.get(f"{URL}{queued['id']}/").json()
    assert done["state"] == "done" and done["error"] == "" and done["finished_at"]
    figures = analyst.get(f"/api/v1/risk/evaluations/{done['evaluation']}/").json()["result"]
    assert figures["as_of"] == "2016-12-31" and figures["cohort"] > 0
    assert {"model", "count_12m", "rule:3_in_12_months"} <= set(figures["rankers"])
    # The same figures the command line gives for the date.
    printed = StringIO()
    call_command("risk", "evaluate", "--as-of", "2016-12-31", "--json", stdout=printed)
    cli = json.loads(printed.getvalue())
    assert (cli["cohort"], cli["positives"], cli["rankers"]["count_12m"]) == (
        figures["cohort"],
        figures["positives"],
        figures["rankers"]["count_12m"],
    )
    # Both steps are audited in the analyst's name, and the request's end by the worker.
    assert AuditEntry.objects.filter(action="risk.evaluation.request", actor_id=erin.pk).count() == 1
    assert AuditEntry.objects.filter(action="risk.evaluate", actor_id=erin.pk).count() == 1
    assert AuditEntry.objects.filter(action="risk.evaluation.done", actor_id=None).count() == 1
    # Once done, the same date may be asked again (a changed rule, new data): a new run.
    third = analyst.post(URL, {"as_of": "2016-12-31"}, content_type="application/json").json()
    assert third["id"] != queued["id"] and third["state"] == "queued"


def test_a_request_the_record_cannot_answer_fails_with_its_reason_on_the_report_page(
    reference_data: None, tmp_path: Path
) -> None:
    import_dir(synthetic_force(tmp_path / "force", officers=60, start=2013, end=2016))
    analyst, _ = _client("erin", Role.ANALYST)
    page = analyst.post("/risk/report/evaluate/", {"as_of": "2016-12-31", "label": "any"})
    assert page.status_code == 302 and page["Location"].endswith("/risk/report/#requests")
    listed = analyst.get("/risk/report/").content.decode()
    assert "The evaluation as of 2016-12-31 is queued" in listed
    assert "2016-12-31 · any allegation in the following year · <strong>queued</strong>" in listed

    _run_worker()
    asked = EvaluationRequest.objects.get()
    assert asked.state == EvaluationRequest.State.FAILED and asked.evaluation is None
    assert not Evaluation.objects.exists()
    listed = analyst.get("/risk/report/").content.decode()
    assert "<strong>failed</strong>" in listed and "their outcomes are not in the record" in listed

    # A date within the last year is refused on the page with the reason, and nothing is queued.
    refused = analyst.post("/risk/report/evaluate/", {"as_of": "2099-01-01", "label": "sustained"})
    assert refused.status_code == 400 and "its outcomes are not known yet" in refused.content.decode()
    assert EvaluationRequest.objects.count() == 1

    # The worker has no reader of its own: the reason is written in the language the analyst
    # asked in, whatever the worker's.
    chinese, _ = _client("mei", Role.ANALYST)
    chinese.post(
        "/risk/report/evaluate/", {"as_of": "2016-12-31", "label": "sustained"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    with translation.override("en"):
        _run_worker()
    failed = EvaluationRequest.objects.get(requested_by__username="mei")
    assert failed.state == EvaluationRequest.State.FAILED and "这段时间的结果不在记录中" in failed.error
    assert (
        "their outcomes are not in the record"
        in EvaluationRequest.objects.get(requested_by__username="erin").error
    )


def test_a_worker_stopped_in_the_middle_leaves_a_failed_request_not_one_running_for_ever(
    reference_data: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_dir(synthetic_force(tmp_path / "force", officers=60, start=2013, end=2017))
    _, erin = _client("erin", Role.ANALYST)
    asked = evaluation_request(actor=erin, as_of=dt.date(2016, 12, 31))

    def stopped(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt  # the worker told twice to stop

    monkeypatch.setattr(services, "_evaluation_figures", stopped)
    with pytest.raises(KeyboardInterrupt):
        evaluation_request_run(asked.pk)
    asked.refresh_from_db()
    assert asked.state == EvaluationRequest.State.FAILED and "ask for it again" in asked.error
    assert not Evaluation.objects.exists()

    # A worker killed outright leaves its request running: half a day on, asking again fails it
    # and queues a new one.
    again = evaluation_request(actor=erin, as_of=dt.date(2016, 12, 31))
    EvaluationRequest.objects.filter(pk=again.pk).update(
        state=EvaluationRequest.State.RUNNING, started_at=timezone.now() - dt.timedelta(hours=13)
    )
    third = evaluation_request(actor=erin, as_of=dt.date(2016, 12, 31))
    assert third.pk != again.pk and third.state == EvaluationRequest.State.QUEUED
    assert EvaluationRequest.objects.get(pk=again.pk).state == EvaluationRequest.State.FAILED
