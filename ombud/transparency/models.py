"""Published outcomes: wording reviewed before it is public; nothing identifies a complainant."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedOutcome(models.Model):
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_at"]
