"""Admin for measures: read-only, since a measure follows due process (notice, response, a decision
by someone other than its proposer) that only the discipline services enforce."""

from __future__ import annotations

from django.contrib import admin

from ombud.core.admin import ReadOnlyAdmin, ReadOnlyInline
from ombud.discipline.models import FollowUp, Measure, MeasureStep


class MeasureStepInline(ReadOnlyInline):
    model = MeasureStep
    fields = ["kind", "at", "actor", "text"]


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ["description", "due_on", "done_at", "escalated_at"]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin[Measure]):
    about_officer = "officer"
    list_display = ["officer", "kind", "state", "starts_on", "ends_on", "proposed_at", "decided_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["officer"]
    search_fields = ["officer__last_name", "officer__badge"]
    inlines = [MeasureStepInline, FollowUpInline]
