"""The simulator's ground truth: who is really corrupt and which rings exist. Kept apart from the
product's tables and never shown on its pages; only evaluations read it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Truth(models.Model):
    class Kind(models.TextChoices):
        HONEST = "honest"
        BRIBE_TAKER = "bribe_taker"
        COLLUDER = "colluder"
        VAMPIRE = "vampire"

    officer = models.OneToOneField(
        "org.Officer", on_delete=models.CASCADE, related_name="+", verbose_name=_("officer")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    ring = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("ring"))
    # Honest officers who refused to collude and drew retaliatory complaints.
    retaliated = models.BooleanField(default=False, verbose_name=_("retaliated"))
    corrupt_from = models.DateField(null=True, blank=True, verbose_name=_("corrupt since"))

    class Meta:
        verbose_name = _("hidden truth")
        verbose_name_plural = _("hidden truths")


class RingMember(models.Model):
    ring = models.PositiveIntegerField(db_index=True, verbose_name=_("ring"))
    official = models.ForeignKey(
        "org.Official", on_delete=models.CASCADE, related_name="+", verbose_name=_("official")
    )

    class Meta:
        verbose_name = _("ring member")
        verbose_name_plural = _("ring members")


class WorldRun(models.Model):
    seed = models.BigIntegerField(verbose_name=_("seed"))
    parameters = models.JSONField(verbose_name=_("parameters"))
    digest = models.CharField(max_length=64, verbose_name=_("digest"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("world run")
        verbose_name_plural = _("world runs")


class BodyTruth(models.Model):
    """Whether an oversight body was captured: its members friends of the local chain it oversees,
    so that complaints sent to it are less often investigated and less often sustained."""

    body = models.OneToOneField(
        "org.OversightBody", on_delete=models.CASCADE, related_name="+", verbose_name=_("oversight body")
    )
    captured = models.BooleanField(default=False, verbose_name=_("captured"))

    class Meta:
        verbose_name = _("body's hidden truth")
        verbose_name_plural = _("bodies' hidden truths")


class ComplaintTruth(models.Model):
    """What lay behind a simulated complaint."""

    class Motive(models.TextChoices):
        BACKGROUND = "background"  # everyday friction with any officer
        BRIBE_TAKING = "bribe_taking"
        RING = "ring"  # a ring of officer and officials at work
        VAMPIRE = "vampire"
        RETALIATION = "retaliation"  # officials getting back at an officer who refused them
        BEFORE_DISMISSAL = "before_dismissal"  # the complaints that finally got an officer dismissed

    complaint = models.OneToOneField(
        "intake.Complaint", on_delete=models.CASCADE, related_name="+", verbose_name=_("complaint")
    )
    motive = models.CharField(max_length=20, choices=Motive.choices, verbose_name=_("motive"))
    # The complaint describes something that really happened.
    founded = models.BooleanField(verbose_name=_("founded"))

    class Meta:
        verbose_name = _("complaint's hidden truth")
        verbose_name_plural = _("complaints' hidden truths")


class Retaliation(models.Model):
    """An official who complained about an honest officer after the officer refused to collude."""

    officer = models.ForeignKey(
        "org.Officer", on_delete=models.CASCADE, related_name="+", verbose_name=_("officer")
    )
    official = models.ForeignKey(
        "org.Official", on_delete=models.CASCADE, related_name="+", verbose_name=_("official")
    )
    refused_on = models.DateField(verbose_name=_("refused on"))

    class Meta:
        verbose_name = _("retaliation")
        verbose_name_plural = _("retaliations")
