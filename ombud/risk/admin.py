"""Admin for early warning. Threshold rules are data an administrator tunes; scores and alerts are
computed and closed by the risk services, so they are only read here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from ombud.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from ombud.risk.models import Alert, Intervention, RiskScore, ThresholdRule
from ombud.risk.services import rule_description_checked


class ThresholdRuleForm(forms.ModelForm[ThresholdRule]):
    class Meta:
        model = ThresholdRule
        fields = ["name", "description", "window_days", "min_count", "categories", "finding", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            rule_description_checked(self.instance, self.changed_data)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned


@admin.register(ThresholdRule)
class ThresholdRuleAdmin(AuditedAdmin[ThresholdRule]):
    form = ThresholdRuleForm
    list_display = ["name", "description", "window_days", "min_count", "finding", "active"]
    list_filter = ["active"]


@admin.register(RiskScore)
class RiskScoreAdmin(ReadOnlyAdmin[RiskScore]):
    list_display = ["officer", "as_of", "model_version", "score"]
    list_select_related = ["officer"]
    date_hierarchy = "as_of"


class InterventionInline(ReadOnlyInline):
    model = Intervention
    fields = ["kind", "note", "by", "at"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin[Alert]):
    list_display = ["officer", "raised_at", "state", "rule"]
    list_filter = ["state"]
    list_select_related = ["officer", "rule"]
    inlines = [InterventionInline]
