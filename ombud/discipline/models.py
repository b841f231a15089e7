"""Measures against officers, with due process: proposal, notice, response, four-eyes decision,
appeal, in force, ended; and follow-ups whose deadlines are watched."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from ombud.cases.models import PACKAGE_SOURCE_PREFIX


class Measure(models.Model):
    class Kind(models.TextChoices):
        WARNING = "warning", _("warning")
        REPRIMAND = "reprimand", _("reprimand")
        SUSPENSION = "suspension", _("temporary suspension")
        STANDBY = "standby", _("standby")
        REASSIGNMENT = "reassignment", _("reassignment")
        DEMOTION = "demotion", _("demotion")
        DISMISSAL = "dismissal", _("dismissal")
        CRIMINAL_REFERRAL = "criminal_referral", _("referral for criminal proceedings")
        PARTY_REFERRAL = "party_referral", _("referral for party/political discipline")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        NOTIFIED = "notified", _("notice served")
        RESPONDED = "responded", _("response received")
        DECIDED = "decided", _("decided")
        APPEALED = "appealed", _("under appeal")
        IN_FORCE = "in_force", _("in force")
        ENDED = "ended", _("ended")
        REJECTED = "rejected", _("rejected")

    officer = models.ForeignKey(
        "org.Officer", on_delete=models.PROTECT, related_name="measures", verbose_name=_("officer")
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("case"),
    )
    allegation = models.ForeignKey(
        "cases.Allegation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("allegation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PROPOSED)
    reason = models.TextField(_("reason"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(db_index=True, verbose_name=_("proposed at"))
    notified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("notified at"))
    response_due_on = models.DateField(null=True, blank=True, verbose_name=_("response due on"))
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    source = models.CharField(max_length=32, blank=True, verbose_name=_("source"))
    external_id = models.CharField(max_length=64, blank=True, verbose_name=_("id in the source"))

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("measure")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="suspension") | Q(ends_on__isnull=False), name="suspension_has_end_date"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=False) & Q(ends_on__gte=models.F("starts_on")),
                name="measure_period",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="measure_four_eyes",
            ),
        ]

    @property
    def state_label(self) -> str:
        """The state as people read it. An appeal neither holds a measure back nor prolongs it, so
        one under appeal is also in force, or over, meanwhile: "under appeal" alone would leave a
        suspended officer's commander guessing whether he is suspended."""
        if self.state == self.State.APPEALED:
            # ``all()`` reads the steps where a list prefetched them.
            kinds = {step.kind for step in self.steps.all()}
            if MeasureStep.Kind.ENDED in kinds:
                return gettext("under appeal; its period is over")
            if MeasureStep.Kind.IN_FORCE in kinds:
                return gettext("under appeal; in force meanwhile")
        return str(self.get_state_display())

    @property
    def imported(self) -> bool:
        """Imported with a referral package: the sending body's record, never acted on here."""
        return self.source.startswith(PACKAGE_SOURCE_PREFIX)


class MeasureStep(models.Model):
    """Each step of due process, in order: the notice, the officer's response, the decision, the
    appeal and its decision, coming into force, ending."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        NOTICE = "notice", _("notice served")
        RESPONSE = "response", _("officer's response")
        DECISION = "decision", _("decision")
        APPEAL = "appeal", _("appeal")
        APPEAL_DECISION = "appeal_decision", _("appeal decision")
        IN_FORCE = "in_force", _("in force")
        ENDED = "ended", _("ended")

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="steps", verbose_name=_("measure"))
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    at = models.DateTimeField(verbose_name=_("when"))
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    text = models.TextField(blank=True, verbose_name=_("text"))

    class Meta:
        verbose_name = _("measure step")
        verbose_name_plural = _("measure steps")
        ordering = ["at", "id"]

    @property
    def shown_text(self) -> str:
        """The step's words in the reader's language where the system wrote them (kept in English,
        so that an officer reading in Korean is not shown the Chinese of the head who decided)."""
        return gettext(self.text) if self.text in SYSTEM_STEP_TEXTS else self.text


# What the system writes into a step when a person wrote nothing: kept as these English words, shown
# translated (``MeasureStep.shown_text``).
APPROVED = gettext_noop("Approved.")
REJECTED = gettext_noop("Rejected.")
SYSTEM_STEP_TEXTS = frozenset({APPROVED, REJECTED})


class FollowUp(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("measure")
    )
    description = models.TextField(verbose_name=_("description"))
    due_on = models.DateField(verbose_name=_("due on"))
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))
    escalated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("escalated at"))

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
