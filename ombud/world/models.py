"""The simulator's ground truth: who is really corrupt and which rings exist. Kept apart from the
product's tables and never shown on its pages; only evaluations read it."""

from __future__ import annotations

from django.db import models


class Truth(models.Model):
    class Kind(models.TextChoices):
        HONEST = "honest"
        BRIBE_TAKER = "bribe_taker"
        COLLUDER = "colluder"
        VAMPIRE = "vampire"

    officer = models.OneToOneField("org.Officer", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    ring = models.PositiveIntegerField(null=True, blank=True)
    # Honest officers who refused to collude and drew retaliatory complaints.
    retaliated = models.BooleanField(default=False)
    corrupt_from = models.DateField(null=True, blank=True)


class RingMember(models.Model):
    ring = models.PositiveIntegerField(db_index=True)
    official = models.ForeignKey("org.Official", on_delete=models.CASCADE, related_name="+")


class WorldRun(models.Model):
    seed = models.BigIntegerField()
    parameters = models.JSONField()
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()


class BodyTruth(models.Model):
    """Whether an oversight body was captured: its members friends of the local chain it oversees,
    so that complaints sent to it are less often investigated and less often sustained."""

    body = models.OneToOneField("org.OversightBody", on_delete=models.CASCADE, related_name="+")
    captured = models.BooleanField(default=False)


class ComplaintTruth(models.Model):
    """What lay behind a simulated complaint."""

    class Motive(models.TextChoices):
        BACKGROUND = "background"  # everyday friction with any officer
        BRIBE_TAKING = "bribe_taking"
        RING = "ring"  # a ring of officer and officials at work
        VAMPIRE = "vampire"
        RETALIATION = "retaliation"  # officials getting back at an officer who refused them
        BEFORE_DISMISSAL = "before_dismissal"  # the complaints that finally got an officer dismissed

    complaint = models.OneToOneField("intake.Complaint", on_delete=models.CASCADE, related_name="+")
    motive = models.CharField(max_length=20, choices=Motive.choices)
    # The complaint describes something that really happened.
    founded = models.BooleanField()


class Retaliation(models.Model):
    """An official who complained about an honest officer after the officer refused to collude."""

    officer = models.ForeignKey("org.Officer", on_delete=models.CASCADE, related_name="+")
    official = models.ForeignKey("org.Official", on_delete=models.CASCADE, related_name="+")
    refused_on = models.DateField()
