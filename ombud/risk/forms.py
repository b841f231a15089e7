"""Forms of the alert page (an intervention, or a dismissal with its reason) and of the report page
(an evaluation asked of the worker)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ombud.risk.models import EvaluationRequest, Intervention

KINDS = [(k, label) for k, label in Intervention.Kind.choices if k != Intervention.Kind.DISMISSAL]


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Intervention"), choices=KINDS)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the alert is dismissed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Say in a sentence why the alert is dismissed (10 characters or more).")},
    )


class EvaluationRequestForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("More than a year ago: the model is measured on the year after it."),
    )
    label = forms.ChoiceField(
        label=_("Label"), choices=EvaluationRequest.Label.choices, initial=EvaluationRequest.Label.SUSTAINED
    )
