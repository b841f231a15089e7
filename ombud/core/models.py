"""Bookkeeping shared by the parts: when each periodic job was last queued."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    name = models.CharField(max_length=80, unique=True, verbose_name=_("name"))
    last_enqueued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last queued at"))

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
