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
