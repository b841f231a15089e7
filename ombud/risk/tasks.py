"""Background tasks of early warning: thin, they call a service."""

from __future__ import annotations

from django_tasks import task

from ombud.risk.services import risk_score


@task()
def score_nightly() -> dict[str, int]:
    """Score every active officer as of today, training a new model first when the stored one is
    missing, a month old, or was built by another scikit-learn."""
    report = risk_score(actor=None, retrain=True)
    return {"scored": report.scored, "alerts": report.alerts, "trained": int(report.trained)}
