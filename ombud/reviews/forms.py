"""Forms of the reviews pages: issuing a directive, scheduling a meeting, attendance, the minutes, a
resolution, the sign-off, the period report. They parse what was typed; the rules are the services'
(``reviews.services``), whose errors are put back on the fields."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ombud.core.forms import ServiceForm
from ombud.discipline.models import Measure
from ombud.org.models import OversightBody, Unit
from ombud.reviews.models import AgendaItem, Attendance, MeetingKind
from ombud.reviews.selectors import years_before

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _date(label: StrOrPromise, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        # Indented by depth, so the list reads as the tree it is.
        return f"{'· ' * obj.depth}{obj.name}"


class DirectiveForm(ServiceForm):
    body = forms.ModelChoiceField(label=_("Issued by"), queryset=OversightBody.objects.none())
    unit = UnitChoiceField(
        label=_("To the units under"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— the body's own seat —"),
        help_text=_("The directive reaches this unit and every unit below it."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    meeting_kind = forms.ChoiceField(label=_("Meeting to hold"), choices=MeetingKind.choices)
    due_on = _date(_("Hold by"))
    period_start = _date(_("Records from"), help_text=_("The period whose records the meetings review."))
    period_end = _date(_("Records until"))
    instructions = forms.CharField(
        label=_("Instructions"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, bodies: Any, units: Any, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "meeting_kind": MeetingKind.GENERAL_ASSEMBLY,
                "due_on": today + dt.timedelta(days=30),
                "period_start": years_before(today, settings.OMBUD_DOSSIER_YEARS),
                "period_end": today,
            },
        )
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        assert isinstance(body, forms.ModelChoiceField)
        body.queryset = bodies
        if bodies.count() == 1:
            body.initial = bodies.first()
            body.empty_label = None
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units


class MeetingForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = _date(_("First day"))
    ends_on = _date(_("Last day"), required=False, help_text=_("Leave empty for a one-day meeting."))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    period_start = _date(_("Records from"), required=False)
    period_end = _date(_("Records until"), required=False)


class AttendanceForm(ServiceForm):
    """One pair of choices per expected officer: present or absent, and a note (excused, sick...)."""

    CHOICES = [("present", _("present")), ("absent", _("absent"))]

    def __init__(self, *args: Any, rows: list[Attendance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            initial = {True: "present", False: "absent"}.get(row.present) if row.present is not None else None
            self.fields[f"present_{row.officer_id}"] = forms.ChoiceField(
                label=row.officer.full_name, choices=self.CHOICES, widget=forms.RadioSelect, initial=initial
            )
            self.fields[f"note_{row.officer_id}"] = forms.CharField(
                label=_("Note"), required=False, max_length=200, initial=row.note
            )

    def lines(self) -> list[tuple[Attendance, forms.BoundField, forms.BoundField]]:
        return [(row, self[f"present_{row.officer_id}"], self[f"note_{row.officer_id}"]) for row in self.rows]

    def parsed(self) -> tuple[dict[int, bool], dict[int, str]]:
        data = self.cleaned_data
        present = {row.officer_id: data[f"present_{row.officer_id}"] == "present" for row in self.rows}
        notes = {row.officer_id: data.get(f"note_{row.officer_id}", "") for row in self.rows}
        return present, notes


class ItemMinutesForm(ServiceForm):
    statement = forms.CharField(
        label=_("The officer's statement"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    criticisms = forms.CharField(
        label=_("Criticisms raised"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MinutesForm(ServiceForm):
    minutes = forms.CharField(
        label=_("General minutes"), required=False, max_length=50000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ItemChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.position}. {obj.officer.full_name}"


class ResolutionForm(ServiceForm):
    agenda_item = ItemChoiceField(
        label=_("About"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("— the meeting as a whole —"),
    )
    text = forms.CharField(label=_("Resolution"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    measure_kind = forms.ChoiceField(
        label=_("Propose a measure"),
        choices=[("", _("— no measure —")), *Measure.Kind.choices],
        required=False,
        help_text=_(
            "The measure enters due process: the body opens a case, serves notice on the officer, who may "
            "respond, and a body head other than the proposer decides."
        ),
    )
    starts_on = _date(_("Measure starts on"), required=False)
    ends_on = _date(_("Measure ends on"), required=False, help_text=_("Required for a temporary suspension."))

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = items


class SignOffForm(ServiceForm):
    confirm = forms.BooleanField(
        label=_("I have read the minutes: sign them off. They can no longer change afterwards."), required=True
    )


class ReportForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    since = _date(_("From"))
    until = _date(_("Until"))

    def __init__(self, *args: Any, units: Any, whole_force: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        field.required = not whole_force
        field.empty_label = _("— the whole force —") if whole_force else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The period must end on or after the day it starts."))
        return data
