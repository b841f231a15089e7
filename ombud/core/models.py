"""Bookkeeping shared by the parts: when each periodic job was last queued."""

from __future__ import annotations

from django.db import models


class PeriodicJob(models.Model):
    name = models.CharField(max_length=80, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
