"""Published outcomes: wording reviewed before it is public; nothing identifies a complainant.

An outcome is drafted by the case's body, then published by a body head other than its writer, who
ticks the reviewer's checklist. Published text is what the public page shows, unchanged."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PublishedOutcome(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    drafted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    drafted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("drafted at"))
    # The reviewer's checklist as ticked at publication (item codes), kept with the text.
    checklist = models.JSONField(default=list, blank=True, verbose_name=_("checklist"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))
    published_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("published outcome")
        verbose_name_plural = _("published outcomes")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(published_at__isnull=False, published_by__isnull=False),
                name="published_outcome_has_publisher",
            ),
            models.CheckConstraint(
                condition=Q(published_by__isnull=True) | ~Q(published_by=models.F("drafted_by")),
                name="published_outcome_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return self.title
