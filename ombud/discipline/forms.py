"""Forms of the measure steps: proposal, notice, decision and appeal decision for staff; response and
appeal for the officer concerned. The rules (four eyes, deadlines, a suspension's end date) are the
services'; their errors are put back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ombud.cases.models import Allegation, Case
from ombud.core.forms import ServiceForm
from ombud.discipline.models import Measure
from ombud.org.models import Officer


class OfficerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.badge})" if obj.badge else str(obj.full_name)


class AllegationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        subject = obj.officer.full_name if obj.officer else str(obj.official)
        return f"#{obj.pk} {subject} · {obj.category} · {obj.get_finding_display() or _('no finding')}"


class MeasureProposeForm(ServiceForm):
    officer = OfficerChoiceField(label=_("Officer"), queryset=Officer.objects.none())
    # No kind chosen in advance: a measure forgotten in the form must not be proposed as a warning.
    kind = forms.ChoiceField(label=_("Measure"), choices=[("", _("— choose —")), *Measure.Kind.choices])
    allegation = AllegationChoiceField(
        label=_("Following the sustained allegation"),
        queryset=Allegation.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Required for a temporary suspension."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officer = self.fields["officer"]
        assert isinstance(officer, forms.ModelChoiceField)
        officer.queryset = Officer.objects.filter(allegations__case=case).distinct().order_by("last_name", "pk")
        allegation = self.fields["allegation"]
        assert isinstance(allegation, forms.ModelChoiceField)
        allegation.queryset = case.allegations.filter(officer__isnull=False).select_related("officer", "category")


class FollowUpForm(ServiceForm):
    description = forms.CharField(label=_("What must follow"), max_length=2000)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))


class NotifyForm(ServiceForm):
    response_days = forms.IntegerField(
        label=_("Days to respond"),
        required=False,
        min_value=1,
        max_value=365,
        help_text=_("Leave empty for the instance's default."),
    )


class DecideForm(ServiceForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the measure")), ("reject", _("Reject it"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=20000,
        help_text=_("Required when the officer has responded: the decision answers him."),
    )


class AppealDecideForm(ServiceForm):
    decision = forms.ChoiceField(
        label=_("Appeal decision"),
        choices=[("uphold", _("Uphold the measure")), ("overturn", _("Overturn it"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), max_length=20000)


class ResponseForm(ServiceForm):
    text = forms.CharField(
        label=_("Your response"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text=_("Your account of the facts. It is recorded with the measure and read before the decision."),
    )


class AppealForm(ServiceForm):
    text = forms.CharField(
        label=_("Grounds of your appeal"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text=_("The appeal is decided by someone who neither proposed nor decided the measure."),
    )
