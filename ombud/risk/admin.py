"""Admin for early warning. Threshold rules are data an administrator tunes; scores and alerts are
computed and closed by the risk services, so they are only read here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from ombud.core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from ombud.risk.models import Alert, Intervention, RiskScore, ThresholdRule
from ombud.risk.services import RULE_FIELDS, rule_description_checked, rule_save


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
    """Saves through ``rule_save``, as the API does: one check, one audit action (``risk.rule.*``)."""

    form = ThresholdRuleForm
    list_display = ["name", "description", "window_days", "min_count", "finding", "active"]
    list_filter = ["active"]

    def get_readonly_fields(self, request: HttpRequest, obj: ThresholdRule | None = None) -> list[str]:
        # A rule's name is how alerts and evaluations name it: given once, as the API does.
        return ["name"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ThresholdRule, form: Any, change: bool) -> None:
        data = form.cleaned_data
        changes = {key: data[key] for key in RULE_FIELDS if key in data}
        changes["categories"] = [category.code for category in data.get("categories", [])]
        current = ThresholdRule.objects.get(pk=obj.pk) if change else None
        obj.pk = rule_save(actor=request.user, rule=current, changes=changes, name=obj.name).pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The categories were set by ``rule_save``."""

    def log_addition(self, request: HttpRequest, obj: ThresholdRule, message: Any) -> LogEntry:
        return admin.ModelAdmin.log_addition(self, request, obj, message)  # audited by rule_save

    def log_change(self, request: HttpRequest, obj: ThresholdRule, message: Any) -> LogEntry:
        return admin.ModelAdmin.log_change(self, request, obj, message)  # audited by rule_save


@admin.register(RiskScore)
class RiskScoreAdmin(ReadOnlyAdmin[RiskScore]):
    about_officer = "officer"
    list_display = ["officer", "as_of", "model_version", "score"]
    list_select_related = ["officer"]
    date_hierarchy = "as_of"


class InterventionInline(ReadOnlyInline):
    model = Intervention
    fields = ["kind", "note", "by", "at"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin[Alert]):
    about_officer = "officer"
    list_display = ["officer", "raised_at", "state", "rule"]
    list_filter = ["state"]
    list_select_related = ["officer", "rule"]
    inlines = [InterventionInline]
