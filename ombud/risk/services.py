"""Early warning's writes: training the model (one function: the CLI and the nightly task both call
it), scoring the force and raising alerts, recording an evaluation, and a supervisor's answer to an
alert (an intervention, or a dismissal with its reason). Each write is one transaction with its
audit entry; the audit holds ids and counts only."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ombud.accounts.scope import scope_for
from ombud.audit.services import audit_record
from ombud.core.arguments import FIRST_DATE, LAST_DATE
from ombud.intake.models import Category
from ombud.org.models import Officer
from ombud.risk import model as risk_model
from ombud.risk.evaluation import evaluate, picked
from ombud.risk.events import NO_DAY, Events, events_load
from ombud.risk.explain import factors_for, reason_text, typical_values
from ombud.risk.features import LABEL_DAYS, active_rows, features, serving
from ombud.risk.models import Alert, Evaluation, EvaluationRequest, Intervention, RiskScore, ThresholdRule
from ombud.risk.rules import categories_in_record, description_shown, rule_counts, rule_families, rule_specs
from ombud.risk.selectors import alert_list_for_user, may_read_evaluations, simulated_truth

logger = logging.getLogger(__name__)

# The share of the force (in %) whose scores raise an alert, unless told otherwise.
# Plain-language factors are worked out for this share of the force at the top (and every officer
# a rule flags): the model is asked once more per family of features for each of them.
EXPLAIN_PERCENT = 10.0
# The nightly run trains a new model when the current one is older than this.
MODEL_MAX_AGE_DAYS = 30
# A live force, or a small one, may go weeks without a complaint: only a record that ends more than this before
# the outcome year does is taken to have ended (an imported history).
RECORD_END_SLACK_DAYS = 90
# Training or scoring as of a date this long after the record's last event is refused: a live force
# has complaints every year, an imported history that ended years ago does not.
RECORD_GAP_DAYS = 365
# An answered alert (an intervention, or a dismissal with its reason) is not raised again for this
# long unless a new complaint about the officer comes in: the supervisor's answer is given time to
# work, and the nightly run does not put the same question to him every morning.
ANSWER_HOLDS_DAYS = 180
# An evaluation takes minutes even on a large force: one running longer than this was left behind
# by a worker that was killed.
REQUEST_STALE_HOURS = 12
STOPPED = gettext_lazy(
    "The evaluation stopped before it was done (the worker was stopped, or met an error its log describes); "
    "ask for it again."
)


def alert_percent() -> float:
    """``OMBUD_RISK_ALERT_PERCENT``: the share of the force whose score raises an alert (read with the
    other settings, so a bad value stops start-up naming it)."""
    return float(settings.OMBUD_RISK_ALERT_PERCENT)


def risk_train(
    *, actor: Any = None, as_of: dt.date | None = None, label: str = "sustained", events: Events | None = None
) -> risk_model.TrainedModel:
    """Train on everything known by ``as_of`` (today by default) and store the signed artifact."""
    as_of = as_of or timezone.localdate()
    _not_after_today(as_of)
    ev = events or events_load()
    _record_reaches(ev, as_of)
    trained = risk_model.train(ev, as_of, label=label)
    path = risk_model.save(trained)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="risk.train",
            object_type="risk.model",
            object_id=trained.version,
            data={"as_of": as_of.isoformat(), "label": label, "file": path.name, **trained.training},
        )
    return trained


def risk_evaluate(
    *, actor: Any = None, as_of: dt.date, label: str = "sustained", events: Events | None = None
) -> Evaluation:
    """Evaluate a model trained as of ``as_of`` on the year after it, and keep the figures."""
    result = _evaluation_figures(as_of, label, events)
    with transaction.atomic():
        return _evaluation_keep(actor, as_of, label, result)


def _evaluation_figures(as_of: dt.date, label: str, events: Events | None = None) -> dict[str, Any]:
    ev = events or events_load()
    last = ev.last_day()
    earliest = risk_model.first_trainable(ev)
    # The last date whose year after it the record holds (an imported record ends some day).
    latest = dt.date.fromordinal(last + RECORD_END_SLACK_DAYS - LABEL_DAYS) if last != NO_DAY else None
    if earliest and latest and earliest > min(latest, _last_settled_date()):
        # Each way out of the other refusals would lead into this one: say it once.
        raise ValidationError(
            _(
                "The record runs from %(first)s to %(last)s: too short to evaluate the model on any date. A date "
                "needs half a year of records and a year of outcomes before it to train on, and a year of "
                "outcomes after it to be measured on: two and a half years in all."
            )
            % {
                "first": dt.date.fromordinal(ev.first_day()).isoformat(),
                "last": dt.date.fromordinal(last).isoformat(),
            }
        )
    year_later = _outcome_year_over(as_of)
    if last != NO_DAY and year_later.toordinal() > last + RECORD_END_SLACK_DAYS:
        # Past the end of an imported record, the year after the date would count as a year in which
        # nobody drew an allegation: every figure would be zero, and look like a finding.
        raise ValidationError(
            _(
                "The record ends on %(last)s, before the 365 days after %(date)s do (on %(end)s): their outcomes "
                "are not in the record. Choose a date on or before %(latest)s."
            )
            % {
                "last": dt.date.fromordinal(last).isoformat(),
                "date": as_of.isoformat(),
                "end": year_later.isoformat(),
                "latest": str(latest),
            }
        )
    return evaluate(ev, as_of, label=label, rules=rule_specs(), truth=simulated_truth(as_of))


def _evaluation_keep(actor: Any, as_of: dt.date, label: str, result: dict[str, Any]) -> Evaluation:
    run = Evaluation.objects.create(as_of=as_of, label=label, created_at=timezone.now(), result=result)
    audit_record(
        actor=actor,
        action="risk.evaluate",
        obj=run,
        data={"as_of": as_of.isoformat(), "label": label, "cohort": result["cohort"]},
    )
    return run


def _last_settled_date() -> dt.date:
    """The last as-of date whose year after it is over. Today is not: a year that ends today still
    has outcomes to come."""
    return timezone.localdate() - dt.timedelta(days=LABEL_DAYS + 1)


def _outcome_year_over(as_of: dt.date) -> dt.date:
    """The last day of the year after ``as_of``, refused while it is still to come."""
    if not FIRST_DATE <= as_of <= LAST_DATE:
        raise ValidationError(
            _("Give a date from %(first)s to %(last)s.")
            % {"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()}
        )
    year_later = as_of + dt.timedelta(days=LABEL_DAYS)
    if as_of > _last_settled_date():
        raise ValidationError(
            _(
                "The year after %(date)s ends on %(end)s: its outcomes are not known yet, so the model cannot "
                "be measured on it. Choose a date more than a year ago."
            )
            % {"date": as_of.isoformat(), "end": year_later.isoformat()}
        )
    return year_later


def evaluator_required(actor: Any) -> None:
    """Only analysts and administrators ask for evaluations (the API asks first, before it reads
    the request's body)."""
    if not may_read_evaluations(actor):
        raise PermissionDenied(_("Only analysts and administrators run evaluations."))


def evaluation_request(*, actor: Any, as_of: dt.date, label: str = "sustained") -> EvaluationRequest:
    """Queue an evaluation for the worker (the report page's and the API's way to ``ombud risk
    evaluate``). The same date and label already queued or running is that request, not a second."""
    from ombud.risk.tasks import evaluate_requested

    evaluator_required(actor)
    if label not in EvaluationRequest.Label.values:
        raise ValidationError(
            _("The label must be one of: %(labels)s.") % {"labels": ", ".join(EvaluationRequest.Label.values)}
        )
    _outcome_year_over(as_of)
    pending = {"as_of": as_of, "label": label, "state__in": EvaluationRequest.PENDING}
    with transaction.atomic():
        _abandoned_requests_fail()
        found = EvaluationRequest.objects.filter(**pending).first()
        if found is not None:
            return found
        try:
            with transaction.atomic():
                made = EvaluationRequest.objects.create(
                    as_of=as_of,
                    label=label,
                    requested_by=actor,
                    requested_at=timezone.now(),
                    language=translation.get_language() or "",
                )
        except IntegrityError:
            # Asked at the same moment by someone else: theirs is the request.
            return EvaluationRequest.objects.get(**pending)
        audit_record(
            actor=actor,
            action="risk.evaluation.request",
            obj=made,
            data={"as_of": as_of.isoformat(), "label": label},
        )
        # In the same transaction (the database backend's queue is a table): no request is stored
        # without its task, and no task runs before its request is there.
        evaluate_requested.enqueue(made.pk)
    return made


def _abandoned_requests_fail() -> None:
    """Requests a worker began and never finished (it was killed): failed, so that they no longer
    read "running" nor hold back the same request asked again."""
    cutoff = timezone.now() - dt.timedelta(hours=REQUEST_STALE_HOURS)
    for asked in EvaluationRequest.objects.filter(state=EvaluationRequest.State.RUNNING, started_at__lt=cutoff):
        with translation.override(asked.language or None):
            _request_end(asked, error=str(STOPPED))


def evaluation_request_run(request_id: int) -> EvaluationRequest:
    """Run a queued request (the worker's task): the evaluation, or the reason it cannot be made."""
    with transaction.atomic():
        asked = EvaluationRequest.objects.select_for_update().get(pk=request_id)
        if asked.state != EvaluationRequest.State.QUEUED:
            return asked  # run already (a task delivered twice), or failed as abandoned
        asked.state, asked.started_at = EvaluationRequest.State.RUNNING, timezone.now()
        asked.save(update_fields=["state", "started_at"])
    # The reason a request fails is read by the analyst who asked, in the language they asked in.
    with translation.override(asked.language or None):
        try:
            result = _evaluation_figures(asked.as_of, asked.label)
        except (ValidationError, risk_model.ModelError) as exc:
            return _request_end(asked, error=" ".join(_messages(exc)))
        except BaseException:
            # The worker told to stop, or an error nobody foresaw: the request says so rather than
            # reading "running" for ever.
            _request_end(asked, error=str(STOPPED))
            raise
    with transaction.atomic():
        run = _evaluation_keep(asked.requested_by, asked.as_of, asked.label, result)
        return _request_end(asked, evaluation=run)


def _request_end(
    asked: EvaluationRequest, *, error: str = "", evaluation: Evaluation | None = None
) -> EvaluationRequest:
    asked.state = EvaluationRequest.State.DONE if evaluation else EvaluationRequest.State.FAILED
    asked.error, asked.evaluation, asked.finished_at = error, evaluation, timezone.now()
    with transaction.atomic():
        asked.save(update_fields=["state", "error", "evaluation", "finished_at"])
        audit_record(actor=None, action=f"risk.evaluation.{asked.state}", obj=asked, data={"state": asked.state})
    return asked


def _messages(exc: Exception) -> list[str]:
    return list(exc.messages) if isinstance(exc, ValidationError) else [str(exc)]


# What an administrator sets on a threshold rule besides its name and categories.
RULE_FIELDS = ("description", "window_days", "min_count", "finding", "active")
# What a rule counts: its description, on every alert it raises, says it.
RULE_COUNTS = ("window_days", "min_count", "finding", "categories")


def rule_description_checked(rule: ThresholdRule, changed: Iterable[str]) -> None:
    """A change to what an existing rule counts must come with the description saying so: alerts
    would otherwise read "3 or more complaints in 180 days" over a count of one in 30."""
    changed = set(changed)
    if rule.pk and changed & set(RULE_COUNTS) and "description" not in changed:
        raise ValidationError(
            {
                "description": _(
                    "The rule would count something else than “%(description)s”: change its description "
                    "with it, to say what it counts."
                )
                % {"description": description_shown(rule.description)}
            }
        )


def rule_editor_required(actor: Any) -> None:
    """Only administrators edit the threshold rules (the API asks first, before it reads the
    request's body: others learn nothing from its checks)."""
    scope = scope_for(actor)
    if scope.barred or not scope.administrator:
        raise PermissionDenied(_("Only administrators edit the threshold rules."))


def rule_save(*, actor: Any, rule: ThresholdRule | None, changes: dict[str, Any], name: str = "") -> ThresholdRule:
    """Add a threshold rule (``rule`` None, under ``name``) or change one: administrators only,
    checked whole before anything is written, audited with the names of the fields changed (the
    admin pages do the same through Django's admin)."""
    rule_editor_required(actor)
    added = rule is None
    rule = ThresholdRule(name=name) if rule is None else rule
    changed = [key for key in RULE_FIELDS if key in changes and getattr(rule, key) != changes[key]]
    for setting in changed:
        setattr(rule, setting, changes[setting])
    categories = None
    if "categories" in changes:
        codes = set(changes["categories"])
        categories = list(Category.objects.filter(code__in=codes))
        unknown = codes - {category.code for category in categories}
        if unknown:
            # A category is given by its code; one given by its name is pointed to its code.
            by_name = {c.name.casefold(): c.code for c in Category.objects.all()}
            meant = sorted({by_name[u.casefold()] for u in unknown if u.casefold() in by_name})
            message = _("No such category: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
            if meant:
                message += " " + _("Categories are given by their codes: %(codes)s.") % {"codes": ", ".join(meant)}
            raise ValidationError({"categories": message})
        if added or codes != set(rule.categories.values_list("code", flat=True)):
            changed.append("categories")
    rule_description_checked(rule, changed)
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        if categories is not None:
            rule.categories.set(categories)
        audit_record(
            actor=actor,
            action="risk.rule.add" if added else "risk.rule.change",
            obj=rule,
            data={"changed": ["name", *changed] if added else changed},
        )
    return rule


@dataclass
class ScoreReport:
    as_of: dt.date
    model_version: str
    scored: int = 0
    alerts: int = 0
    already_open: int = 0
    answered_recently: int = 0
    trained: bool = False
    flagged_by_rule: dict[str, int] = field(default_factory=dict)
    # Rules counting categories no complaint on record has (they can flag no one), with those categories.
    unmatched_rules: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Officers on the roster not scored: not active (retired, dismissed, suspended, on standby), or
    # active but not serving on the date (left by then, hired after).
    roster: int = 0
    not_active: int = 0
    not_serving: int = 0

    def nobody_text(self) -> str:
        """Why nobody was scored, where nobody was ("" otherwise)."""
        if self.scored:
            return ""
        if not self.roster:
            return _("Nobody was scored: there is no officer on the roster.")
        return _(
            "Nobody was scored: of the %(roster)d officers on the roster, %(inactive)d are not active (retired, "
            "dismissed, suspended or on standby) and %(gone)d had left by %(as_of)s or were hired after it. An "
            "import sets an officer retired where his leaving date has passed or his status says he left."
        ) % {
            "roster": self.roster,
            "inactive": self.not_active,
            "gone": self.not_serving,
            "as_of": self.as_of.isoformat(),
        }


def _record_ended_before(ev: Events, as_of: dt.date) -> bool:
    """The record's last event is more than ``RECORD_GAP_DAYS`` before ``as_of``."""
    last = ev.last_day()
    return last != NO_DAY and as_of.toordinal() - last > RECORD_GAP_DAYS


def _record_reaches(ev: Events, as_of: dt.date) -> None:
    """Refuse a date long after the record's last event (an imported history that ended years
    ago): the years without records would read as years in which nobody complained, in training
    (the last years' outcomes all "none") and in every officer's features alike."""
    if _record_ended_before(ev, as_of):
        last = ev.last_day()
        raise ValidationError(
            _(
                "The record ends on %(last)s, more than a year before %(date)s: as of %(date)s the years without "
                "records would read as years in which nobody complained. Give a date the record covers "
                "(--as-of %(last)s or earlier)."
            )
            % {"last": dt.date.fromordinal(last).isoformat(), "date": as_of.isoformat()}
        )


def _not_after_today(as_of: dt.date) -> None:
    if as_of > timezone.localdate():
        raise ValidationError(
            _("%(date)s is in the future: nothing is known about it yet.") % {"date": as_of.isoformat()}
        )


def current_model(
    *, as_of: dt.date, retrain: bool, actor: Any = None, events: Events | None = None
) -> tuple[risk_model.TrainedModel, bool]:
    """The stored model; with ``retrain``, a fresh one when it is missing, stale, or was built by
    other software. A model file that fails its signature is never silently replaced: it is kept for
    whoever must find out how it was altered, and the error goes up."""
    try:
        stored = risk_model.load()
    except risk_model.ModelError as exc:
        if not retrain or exc.tampered:
            raise
        return risk_train(actor=actor, as_of=as_of, events=events), True
    # Stale, or trained on what was known after the date to score: it may not serve for the date.
    if retrain and not 0 <= (as_of - stored.as_of).days <= MODEL_MAX_AGE_DAYS:
        return risk_train(actor=actor, as_of=as_of, events=events), True
    return stored, False


def risk_score(
    *,
    actor: Any = None,
    as_of: dt.date | None = None,
    percent: float | None = None,
    retrain: bool = False,
    events: Events | None = None,
) -> ScoreReport:
    """Score every active officer as of ``as_of``; store the scores with their top factors and the
    digest of their inputs; raise an alert, for the officer's supervisors, on each officer in the top
    ``percent`` or flagged by an active threshold rule who has no open alert yet."""
    as_of = as_of or timezone.localdate()
    _not_after_today(as_of)
    percent = percent if percent is not None else alert_percent()
    ev = events or events_load()
    _record_reaches(ev, as_of)
    # The record read once: a model trained first reads the same events.
    model, trained = current_model(as_of=as_of, retrain=retrain, actor=actor, events=ev)
    if model.as_of > as_of:
        raise ValidationError(
            _(
                "The model was trained on what was known on %(model)s; scoring %(date)s with it would use what "
                "it learnt later. Train one as of that date first (ombud risk train --as-of %(date)s), or "
                "score with --retrain."
            )
            % {"model": model.as_of.isoformat(), "date": as_of.isoformat()}
        )
    t = as_of.toordinal()
    rows = active_rows(ev, t)
    matrix = features(ev, t, rows, model.spec)
    score = model.predict(matrix)
    n = len(rows)
    order = np.argsort(-score, kind="stable")
    place = np.empty(n, dtype=np.int64)
    place[order] = np.arange(n)
    # "Top p %": the share of those scored whose score is at least his. Tied officers share one
    # figure (on a force whose model scores everyone alike, everyone is in the top 100 %), and the
    # highest is in the top 1/n, not the top 0 %.
    at_least = n - np.searchsorted(np.sort(score), score, side="left")
    # Officers tied across the cut (every score 0 on a force with no outcome to learn from, say)
    # are not alerted: which of them would be is the database's order, not the model's.
    top = picked(n, percent)
    cut = score[order[top]] if top < n else -np.inf
    by_model = (score > cut) & (score > 0) if n else np.zeros(0, dtype=bool)
    rules = rule_specs()
    # The first rule that flags each officer, with what it counted for him.
    ruled: dict[int, str] = {}
    rule_count: dict[int, int] = {}
    report = ScoreReport(
        as_of=as_of,
        model_version=model.version,
        trained=trained,
        roster=ev.n_officers,
        not_active=int((~ev.active).sum()),
        not_serving=int((ev.active & ~serving(ev, t)).sum()),
    )
    for rule in rules:
        counts = rule_counts(ev, t, rule)[rows]
        flags = counts >= rule.min_count
        report.flagged_by_rule[rule.name] = int(flags.sum())
        if categories_in_record(ev, rule) is False:
            report.unmatched_rules[rule.name] = rule.categories
        for i in np.flatnonzero(flags).tolist():
            if i not in ruled:
                ruled[i], rule_count[i] = rule.name, int(counts[i])
    explain = (place < picked(n, max(EXPLAIN_PERCENT, percent))) | by_model
    explain[list(ruled)] = True
    explained = np.flatnonzero(explain)
    names = dict(zip(ev.category_codes, ev.category_names, strict=True))
    factors: dict[int, list[dict[str, object]]] = {}
    if len(explained):
        # An officer a rule flagged is told, first, what the rule counted.
        counted = {rule.name: rule_families(rule) for rule in rules}
        required = [counted[ruled[i]] if i in ruled else () for i in explained.tolist()]
        described = factors_for(
            model, matrix[explained], score[explained], names, required=required, typical=typical_values(matrix)
        )
        factors = dict(zip(explained.tolist(), described, strict=True))
    rounded = np.round(matrix, 6)
    now = timezone.now()
    officer_ids = ev.officer_id[rows].tolist()
    try:
        with transaction.atomic():
            existing = set(
                RiskScore.objects.filter(as_of=as_of, model_version=model.version).values_list(
                    "officer_id", flat=True
                )
            )
            fresh = [
                RiskScore(
                    officer_id=officer_ids[i],
                    as_of=as_of,
                    model_version=model.version,
                    score=float(score[i]),
                    percentile=round(float(at_least[i]) / max(n, 1) * 100, 3),
                    factors=factors.get(i, []),
                    inputs_digest=_digest(rounded[i], model.version, as_of),
                )
                for i in range(n)
                if officer_ids[i] not in existing
            ]
            for lo in range(0, len(fresh), 5000):
                RiskScore.objects.bulk_create(fresh[lo : lo + 5000], batch_size=1000)
            report.scored = n
            wanted = sorted(set(np.flatnonzero(by_model).tolist()) | set(ruled))
            wanted_ids = [officer_ids[i] for i in wanted]
            open_ids = set(
                Alert.objects.filter(officer_id__in=wanted_ids, state=Alert.State.OPEN).values_list(
                    "officer_id", flat=True
                )
            )
            held_ids = _answer_holds(ev, wanted_ids, now)
            score_ids = dict(
                RiskScore.objects.filter(
                    as_of=as_of, model_version=model.version, officer_id__in=wanted_ids
                ).values_list("officer_id", "pk")
            )
            units = dict(Officer.objects.filter(pk__in=wanted_ids).values_list("pk", "unit_id"))
            rule_rows = {r.name: r for r in ThresholdRule.objects.filter(name__in=set(ruled.values()))}
            alerts = []
            for i in wanted:
                officer = officer_ids[i]
                if officer in open_ids:
                    report.already_open += 1
                    continue
                if officer in held_ids:
                    report.answered_recently += 1
                    continue
                matched = rule_rows.get(ruled.get(i, ""))
                reasons: list[dict[str, object]] = []
                if matched is not None:
                    # The rule as it read when the alert was raised: an administrator may edit it later.
                    rule_reason: dict[str, object] = {
                        "rule": matched.name,
                        "description": matched.description,
                        "count": rule_count[i],
                    }
                    reasons.append({"text": reason_text(rule_reason, {}), **rule_reason})
                reasons += factors.get(i, [])
                alerts.append(
                    Alert(
                        officer_id=officer,
                        score_id=score_ids.get(officer),
                        rule=matched,
                        unit_id=units.get(officer),
                        raised_at=now,
                        reasons=reasons,
                    )
                )
            Alert.objects.bulk_create(alerts, batch_size=1000)
            report.alerts = len(alerts)
            audit_record(
                actor=actor,
                action="risk.score",
                object_type="risk.model",
                object_id=model.version,
                data={
                    "as_of": as_of.isoformat(),
                    "scored": n,
                    "alerts": report.alerts,
                    "already_open": report.already_open,
                    "answered_recently": report.answered_recently,
                    "percent": percent,
                    "rules": report.flagged_by_rule,
                },
            )
    except IntegrityError:
        # Another run (the nightly task, an analyst's) raised an alert on one of these officers
        # meanwhile: one open alert per officer holds, and this run is undone whole.
        raise ValidationError(
            _("Another scoring run raised alerts at the same time; nothing of this one was kept. Run it again.")
        ) from None
    return report


def risk_score_nightly() -> dict[str, int | str]:
    """The worker's daily run: ``risk_score`` as of today, training a model first where needed. A
    record that cannot be scored as of today (nothing recorded yet, too little history to train on,
    or an imported history that ended more than a year ago) is no failure of the day's run: it says
    why under ``skipped`` and scores nobody. A model file that fails its signature still fails it."""
    ev = events_load()
    last = ev.last_day()
    skipped = ""
    if last == NO_DAY:
        skipped = _("Nothing to score: no complaint or allegation naming an officer is recorded yet.")
    elif _record_ended_before(ev, timezone.localdate()):
        skipped = _(
            "Nothing to score as of today: the record ends on %(last)s, more than a year ago; score it as of a "
            "date it covers with ombud risk score --as-of."
        ) % {"last": dt.date.fromordinal(last).isoformat()}
    else:
        try:
            report = risk_score(actor=None, retrain=True, events=ev)
        except risk_model.ModelError as exc:
            if exc.tampered:
                raise
            skipped = str(exc)  # too little history yet to train the first model
        else:
            done: dict[str, int | str] = {
                "scored": report.scored,
                "alerts": report.alerts,
                "trained": int(report.trained),
            }
            if not report.scored:
                done["skipped"] = report.nobody_text()
                logger.info("risk.score_nightly: %s", done["skipped"])
            return done
    logger.info("risk.score_nightly: %s", skipped)
    return {"scored": 0, "alerts": 0, "trained": 0, "skipped": skipped}


def _answer_holds(ev: Events, officer_ids: list[int], now: dt.datetime) -> set[int]:
    """Officers whose latest alert was answered in the last ``ANSWER_HOLDS_DAYS`` days and about whom
    no complaint has come in since the answer."""
    answered: dict[int, dt.datetime] = {}
    for officer, at in Intervention.objects.filter(
        alert__officer_id__in=officer_ids, at__gte=now - dt.timedelta(days=ANSWER_HOLDS_DAYS)
    ).values_list("alert__officer_id", "at"):
        answered[officer] = max(at, answered.get(officer, at))
    if not answered:
        return set()
    # The day each officer's latest complaint became known, from the record already read.
    last_known = np.full(ev.n_officers, -1, dtype=np.int64)
    np.maximum.at(last_known, ev.cs_officer, ev.cs_received)
    row_of = {int(officer): i for i, officer in enumerate(ev.officer_id.tolist())}
    return {
        officer
        for officer, at in answered.items()
        if last_known[row_of[officer]] < timezone.localdate(at).toordinal()
    }


def _digest(values: np.ndarray, version: str, as_of: dt.date) -> str:
    head = f"{version}|{as_of.isoformat()}|".encode()
    return hashlib.sha256(head + np.ascontiguousarray(values, dtype=np.float64).tobytes()).hexdigest()


# -- a supervisor's answer ----------------------------------------------------------------------------------


# A dismissal's reason is what a later review reads: "x" or "123" says nothing.
DISMISS_REASON_MIN = 10


def _answer(*, actor: Any, alert: Alert, kind: str, note: str, state: str) -> Intervention:
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what was done, or why the alert is dismissed.")})
    if state == Alert.State.DISMISSED and len(note) < DISMISS_REASON_MIN:
        raise ValidationError({"note": _("Say in a sentence why the alert is dismissed (10 characters or more).")})
    with transaction.atomic():
        # The gate is checked again inside the transaction: the alert is re-read through it.
        locked = alert_list_for_user(actor, state=None).select_for_update(of=("self",)).filter(pk=alert.pk).first()
        if locked is None:
            raise PermissionDenied(_("You do not supervise this officer."))
        if locked.state != Alert.State.OPEN:
            raise ValidationError(_("This alert has already been answered."))
        intervention = Intervention.objects.create(alert=locked, kind=kind, note=note, by=actor, at=timezone.now())
        locked.state = state
        locked.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="risk.alert.dismiss" if state == Alert.State.DISMISSED else "risk.alert.intervene",
            obj=locked,
            data={"officer": locked.officer_id, "kind": kind},
        )
        return intervention


def alert_intervene(*, actor: Any, alert: Alert, kind: str, note: str) -> Intervention:
    """Record what the supervisor did: counselling, training, reassignment or a review."""
    if kind not in Intervention.Kind.values or kind == Intervention.Kind.DISMISSAL:
        raise ValidationError({"kind": _("Choose counselling, training, reassignment or review.")})
    return _answer(actor=actor, alert=alert, kind=kind, note=note, state=Alert.State.INTERVENED)


def alert_dismiss(*, actor: Any, alert: Alert, reason: str) -> Intervention:
    """Close the alert without an intervention; the reason is required and kept."""
    return _answer(
        actor=actor, alert=alert, kind=Intervention.Kind.DISMISSAL, note=reason, state=Alert.State.DISMISSED
    )
