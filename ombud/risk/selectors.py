"""Reads of early warning, scoped to the user: the alerts a supervisor answers, the evaluations an
analyst reads, and (for evaluations on a simulated force only) the simulator's ground truth."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ombud.accounts.models import Role
from ombud.accounts.scope import active_memberships, scope_for
from ombud.core.access import NotFoundForUser
from ombud.org.models import Officer
from ombud.org.selectors import officer_list_for_user
from ombud.risk.events import NO_DAY, day
from ombud.risk.models import Alert, Evaluation, EvaluationRequest, Intervention, RiskScore


def may_answer_alerts(user: Any) -> bool:
    """Supervisors answer the alerts of their units' officers; administrators may stand in."""
    scope = scope_for(user)
    return not scope.barred and (scope.administrator or Role.SUPERVISOR in scope.roles)


def may_read_evaluations(user: Any) -> bool:
    scope = scope_for(user)
    return not scope.barred and (scope.administrator or Role.ANALYST in scope.roles)


def supervised_q(user: Any, prefix: str = "") -> Q:
    """Officers (through ``prefix``) whose unit lies under a unit the user supervises."""
    scope = scope_for(user)
    if scope.administrator:
        return Q(pk__isnull=False)
    q = Q(pk__in=[])
    for membership in active_memberships(user):
        if membership.role == Role.SUPERVISOR and membership.unit is not None:
            q |= Q(**{f"{prefix}unit__path__startswith": membership.unit.path})
    return q


def alert_list_for_user(user: Any, *, state: str | None = Alert.State.OPEN) -> QuerySet[Alert]:
    """Alerts about officers the user supervises (never about himself)."""
    if not may_answer_alerts(user):
        return Alert.objects.none()
    scope = scope_for(user)
    officers = officer_list_for_user(user).filter(supervised_q(user))
    if scope.own_officer_id is not None:
        officers = officers.exclude(pk=scope.own_officer_id)
    alerts = Alert.objects.filter(officer__in=officers.values("pk"))
    if state:
        alerts = alerts.filter(state=state)
    return alerts.select_related("officer", "officer__unit", "unit", "rule", "score").order_by("-raised_at", "-id")


def alert_get_for_user(user: Any, alert_id: int) -> Alert:
    alert = alert_list_for_user(user, state=None).filter(pk=alert_id).first()
    if alert is None:
        raise NotFoundForUser
    return alert


def score_history(officer: Officer, *, limit: int = 50) -> list[RiskScore]:
    return list(RiskScore.objects.filter(officer=officer).order_by("-as_of", "-id")[:limit])


def evaluation_list_for_user(user: Any) -> QuerySet[Evaluation]:
    if not may_read_evaluations(user):
        return Evaluation.objects.none()
    return Evaluation.objects.order_by("-created_at", "-id")


def evaluations_pooled(evaluations: QuerySet[Evaluation], label: str) -> dict[str, Any]:
    """``evaluation.pooled`` over the latest evaluation of each as-of date with this label among
    ``evaluations`` (the reader's: ``evaluation_list_for_user``; all of them for the command line)."""
    from ombud.risk.evaluation import pooled

    latest: dict[dt.date, dict[str, Any]] = {}
    for evaluation in evaluations.filter(label=label).order_by("-created_at", "-id").only("as_of", "result"):
        latest.setdefault(evaluation.as_of, evaluation.result)
    return {"label": label, **pooled(list(latest.values()))}


def evaluation_get_for_user(user: Any, evaluation_id: int | None) -> Evaluation | None:
    """The evaluation asked for, or the latest one; None when there is none yet."""
    evaluations = evaluation_list_for_user(user)
    if evaluation_id is None:
        return evaluations.first()
    found = evaluations.filter(pk=evaluation_id).first()
    if found is None:
        raise NotFoundForUser
    return found


def evaluation_request_list_for_user(user: Any) -> QuerySet[EvaluationRequest]:
    """The evaluations asked of the worker, newest first: whoever reads evaluations sees them all."""
    if not may_read_evaluations(user):
        return EvaluationRequest.objects.none()
    return EvaluationRequest.objects.select_related("requested_by").order_by("-requested_at", "-id")


def evaluation_request_get_for_user(user: Any, request_id: int) -> EvaluationRequest:
    found = evaluation_request_list_for_user(user).filter(pk=request_id).first()
    if found is None:
        raise NotFoundForUser
    return found


def simulated_truth(as_of: dt.date) -> dict[str, Any] | None:
    """The simulator's hidden truth (``world.Truth``), for the evaluation only; None on real data."""
    from ombud.world.models import Retaliation, Truth

    rows = list(Truth.objects.values_list("officer_id", "kind", "corrupt_from"))
    if not rows:
        return None
    retaliated = set(
        Retaliation.objects.filter(refused_on__lte=as_of).values_list("officer_id", flat=True).distinct()
    )
    retaliated &= set(Truth.objects.filter(retaliated=True).values_list("officer_id", flat=True))
    return {
        "kind": {officer: kind for officer, kind, _ in rows},
        "corrupt_from": {officer: day(since) if since else NO_DAY for officer, _, since in rows},
        "retaliated": retaliated,
    }


@dataclass(frozen=True)
class AnswerRow:
    raised_on: dt.date
    kind: str
    kind_label: str
    note: str
    on: dt.date
    by: str


@dataclass(frozen=True)
class RiskHistory:
    """What the dossier adds for the officer's supervisors and bodies: his early-warning scores
    (newest first), the answers given to his alerts and his scores over two years for a chart. Three
    queries, however long the history."""

    scores: list[RiskScore]
    answers: list[AnswerRow]
    # For the chart: the score on each day scored in the two years up to the latest, oldest first.
    trend: list[tuple[dt.date, float]]


HISTORY_SCORES = 24
TREND_DAYS = 730


def officer_risk_history(officer: Officer) -> RiskHistory:
    scores = list(
        RiskScore.objects.filter(officer=officer)
        .only("as_of", "score", "percentile", "model_version")
        .order_by("-as_of", "-id")[:HISTORY_SCORES]
    )
    answers = [
        AnswerRow(
            raised_on=timezone.localdate(i.alert.raised_at),
            kind=i.kind,
            kind_label=i.get_kind_display(),
            note=i.note,
            on=timezone.localdate(i.at),
            by=i.by.get_full_name() or i.by.get_username(),
        )
        for i in Intervention.objects.filter(alert__officer=officer).select_related("alert", "by").order_by("-at")
    ]
    trend: dict[dt.date, float] = {}
    if scores:
        since = scores[0].as_of - dt.timedelta(days=TREND_DAYS)
        # A day scored twice (a model retrained the same day) shows its latest score.
        for day, score in (
            RiskScore.objects.filter(officer=officer, as_of__gte=since)
            .order_by("as_of", "id")
            .values_list("as_of", "score")
        ):
            trend[day] = score
    return RiskHistory(scores, answers, sorted(trend.items()))
