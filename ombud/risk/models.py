"""Early warning: threshold rules as data, scores that can be reproduced from their as-of date and
model version, alerts for supervisors, and the interventions that close them."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ombud.cases.models import Finding


class ThresholdRule(models.Model):
    name = models.SlugField(_("name"), max_length=60, unique=True)
    description = models.CharField(
        _("description"),
        max_length=200,
        help_text=_("Shown on every alert the rule raises: keep it in step with the numbers below."),
    )
    # A window longer than any record (a century) or a count no officer could reach is a typing slip.
    window_days = models.PositiveIntegerField(
        _("window (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(36525)],
        help_text=_("Days, at most 36525 (a century). Empty: the whole record."),
    )
    min_count = models.PositiveIntegerField(
        _("at least"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    # Count only allegations of these categories / with this finding (empty = any).
    categories = models.ManyToManyField(
        "intake.Category", verbose_name=_("categories"), blank=True, related_name="+"
    )
    finding = models.CharField(
        _("finding"),
        max_length=16,
        blank=True,
        choices=Finding.choices,
        help_text=_("Empty: count complaints; otherwise allegations with this finding."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("threshold rule")
        verbose_name_plural = _("threshold rules")

    def __str__(self) -> str:
        return self.name


class RiskScore(models.Model):
    officer = models.ForeignKey(
        "org.Officer", on_delete=models.CASCADE, related_name="risk_scores", verbose_name=_("officer")
    )
    as_of = models.DateField(db_index=True, verbose_name=_("as of"))
    model_version = models.CharField(max_length=64, verbose_name=_("model version"))
    score = models.FloatField(verbose_name=_("score"))
    # "Top p %": the share (in %) of the officers scored with him whose score is at least his (the
    # highest of 1,000 is 0.1; equal scores share one figure).
    percentile = models.FloatField(default=0, verbose_name=_("percentile"))
    factors = models.JSONField(default=list, verbose_name=_("factors"))
    # SHA-256 of the feature values the model read: with the as-of date and model version, the score
    # can be recomputed and checked.
    inputs_digest = models.CharField(max_length=64, blank=True, verbose_name=_("inputs digest"))

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        constraints = [
            models.UniqueConstraint(fields=["officer", "as_of", "model_version"], name="risk_score_unique"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="risk_score_range"),
        ]

    def __str__(self) -> str:
        return str(_("score %(score).3f as of %(date)s") % {"score": self.score, "date": self.as_of})


class Alert(models.Model):
    class State(models.TextChoices):
        # In context: an officer "dismissed" from the force and a case "open" read otherwise in translation.
        OPEN = "open", pgettext_lazy("alert state", "open")
        INTERVENED = "intervened", _("intervention recorded")
        DISMISSED = "dismissed", pgettext_lazy("alert state", "dismissed")

    officer = models.ForeignKey(
        "org.Officer", on_delete=models.PROTECT, related_name="alerts", verbose_name=_("officer")
    )
    score = models.ForeignKey(
        RiskScore, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("score")
    )
    rule = models.ForeignKey(
        ThresholdRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("rule")
    )
    # The officer's unit when the alert was raised, for the record. The supervisors of the unit he serves
    # in now answer it (selectors.alert_list_for_user): an officer who moved is counselled where he is.
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    raised_at = models.DateTimeField(db_index=True, verbose_name=_("raised at"))
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN, verbose_name=_("state"))
    reasons = models.JSONField(default=list, verbose_name=_("reasons"))

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # Two scoring runs at once (the nightly task and an analyst's) must not both raise one.
            models.UniqueConstraint(
                fields=["officer"], condition=Q(state="open"), name="alert_one_open_per_officer"
            ),
        ]

    def __str__(self) -> str:
        return str(_("alert #%(id)s, %(state)s") % {"id": self.pk, "state": self.get_state_display()})

    @property
    def rule_as_raised(self) -> str:
        """The threshold rule that raised the alert as it read then: an administrator may have
        edited the rule since."""
        from ombud.risk.rules import description_shown

        for reason in self.reasons if isinstance(self.reasons, list) else []:
            if isinstance(reason, dict) and "description" in reason:
                return description_shown(str(reason["description"]))
        return description_shown(self.rule.description) if self.rule else ""


class Intervention(models.Model):
    class Kind(models.TextChoices):
        COUNSELLING = "counselling", _("counselling")
        TRAINING = "training", _("training")
        REASSIGNMENT = "reassignment", _("reassignment")
        REVIEW = "review", _("review")
        DISMISSAL = "dismissal", _("alert dismissed")

    alert = models.OneToOneField(
        Alert, on_delete=models.PROTECT, related_name="intervention", verbose_name=_("alert")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    note = models.TextField(verbose_name=_("note"))
    by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    at = models.DateTimeField(verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self) -> str:
        return str(_("%(kind)s, alert #%(alert)s") % {"kind": self.get_kind_display(), "alert": self.alert_id})


class Evaluation(models.Model):
    """One run of ``ombud risk evaluate``: the figures the analysts' report page shows."""

    as_of = models.DateField(verbose_name=_("as of"))
    label = models.CharField(max_length=16, verbose_name=_("label"))
    created_at = models.DateTimeField(db_index=True, verbose_name=_("created at"))
    result = models.JSONField(verbose_name=_("result"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("model evaluation")
        verbose_name_plural = _("model evaluations")

    @property
    def label_display(self) -> str:
        """The label in the reader's language, as the requests name it."""
        return str(dict(EvaluationRequest.Label.choices).get(self.label, self.label))


class EvaluationRequest(models.Model):
    """An analyst's request, from the report page or the API, for an evaluation the worker runs: on
    a large force it takes minutes, longer than a web request may."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("evaluation request", "queued")
        RUNNING = "running", pgettext_lazy("evaluation request", "running")
        DONE = "done", pgettext_lazy("evaluation request", "done")
        FAILED = "failed", pgettext_lazy("evaluation request", "failed")

    class Label(models.TextChoices):
        SUSTAINED = "sustained", _("a sustained allegation in the following year")
        ANY = "any", _("any allegation in the following year")

    # Queued or running: the same date and label asked again is this request, not a second run.
    PENDING = (State.QUEUED, State.RUNNING)

    as_of = models.DateField(verbose_name=_("as of"))
    label = models.CharField(max_length=16, choices=Label.choices, verbose_name=_("label"))
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(db_index=True, verbose_name=_("requested at"))
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED, verbose_name=_("state"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    # Why it failed, in words for the analyst (a date past the record's end, too little history),
    # written in the language the analyst asked in: the worker has no reader of its own.
    error = models.TextField(blank=True, verbose_name=_("error"))
    language = models.CharField(max_length=16, blank=True, verbose_name=_("language"))
    evaluation = models.OneToOneField(
        Evaluation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="request",
        verbose_name=_("evaluation"),
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("evaluation request")
        verbose_name_plural = _("evaluation requests")
        constraints = [
            # Two analysts asking at the same moment make one request, on any database.
            models.UniqueConstraint(
                fields=["as_of", "label"],
                condition=Q(state__in=["queued", "running"]),
                name="risk_evaluation_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return str(
            _("evaluation as of %(date)s (%(label)s), %(state)s")
            % {
                "date": self.as_of.isoformat(),
                "label": self.get_label_display(),
                "state": self.get_state_display(),
            }
        )
