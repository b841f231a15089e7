"""Background tasks of early warning: thin, they call a service."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from ombud.risk.services import evaluation_request_run, risk_score_nightly


@task()
def score_nightly() -> dict[str, int | str]:
    """Score every active officer as of today, training a new model first when the stored one is
    missing, a month old, or was built by another scikit-learn; a record that cannot be scored as of
    today says why under ``skipped``."""
    return risk_score_nightly()


@task()
def evaluate_requested(request_id: int) -> dict[str, Any]:
    """An evaluation an analyst asked for on the report page or through the API."""
    done = evaluation_request_run(request_id)
    return {"state": done.state, "evaluation": done.evaluation_id}
