"""Forms of the case pages. They parse what was typed into the services' arguments; what a case,
allegation, finding or evidence item must hold is decided by ``cases.services``, whose errors are
put back on the fields here (``add_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ombud.accounts.models import User
from ombud.cases.models import Case, CaseNote, EvidenceItem, Finding, Goods
from ombud.cases.selectors import (
    bodies_for_new_case,
    complaints_for_new_case,
    officers_for_allegation,
    task_assignees,
)
from ombud.core.forms import IdsChoiceField, ServiceForm
from ombud.core.typed import parse_id
from ombud.intake.models import Category, Complaint
from ombud.org.models import Officer, Official, OversightBody

# How many officers a search shows; more means the investigator should type more.
MATCHES_SHOWN = 20
FIND_OFFICER = "find_officer"

GOODS_CHOICES = [("", _("— not bribery —")), *Goods.choices]


class ComplaintsField(IdsChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        received = obj.received_at.date().isoformat()
        body = obj.routed_to.name if obj.routed_to else ""
        return f"{obj.reference} · {received} · {obj.get_status_display()} · {body}"


class EvidenceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.pk} {obj.name}"


class CaseOpenForm(ServiceForm):
    body = forms.ModelChoiceField(label=_("Oversight body"), queryset=OversightBody.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the case is about, in a few lines. The complaints keep their own text."),
    )
    complaints = ComplaintsField(
        label=_("Complaints"),
        queryset=Complaint.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Complaints routed to your body and not yet closed. Leave empty for a case of the body's own initiative."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bodies = bodies_for_new_case(user)
        body_field = self.fields["body"]
        assert isinstance(body_field, forms.ModelChoiceField)
        body_field.queryset = bodies
        if bodies.count() == 1:
            body_field.initial = bodies.first()
            body_field.empty_label = None
        complaints_field = self.fields["complaints"]
        assert isinstance(complaints_field, forms.ModelMultipleChoiceField)
        complaints_field.queryset = complaints_for_new_case(user)


class AllegationForm(ServiceForm):
    """One subject (an officer, found by name or badge or given by id, or a local official by id) and
    one category; for bribery, what was given and its estimated value."""

    officer_text = forms.CharField(
        label=_("Officer: name or badge"),
        required=False,
        max_length=100,
        help_text=_("Type a name or badge number, then press “Find officer” and choose from the list."),
    )
    officer = forms.ModelChoiceField(queryset=Officer.objects.none(), required=False, widget=forms.RadioSelect)
    officer_id = forms.IntegerField(
        label=_("or the officer's id"), required=False, min_value=1, max_value=2**63 - 1
    )
    official_id = forms.IntegerField(
        label=_("or a local official's id"), required=False, min_value=1, max_value=2**63 - 1
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), to_field_name="code", empty_label=_("— choose —")
    )
    goods = forms.ChoiceField(label=_("For bribery: what was given"), choices=GOODS_CHOICES, required=False)
    value = forms.DecimalField(
        label=_("Estimated value"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    details = forms.CharField(
        label=_("Particulars"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What exactly is alleged: amounts, places, who else took part."),
    )
    occurred_on = forms.DateField(
        label=_("Occurred on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        officer_field = self.fields["officer"]
        assert isinstance(officer_field, forms.ModelChoiceField)
        officer_field.queryset = officers_for_allegation(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        officer: Officer | None = data.get("officer")
        officer_id: int | None = data.get("officer_id")
        official_id: int | None = data.get("official_id")
        if officer is None and officer_id is not None:
            officer = officers_for_allegation(self.user).filter(pk=officer_id).first()
            if officer is None:
                self.add_error("officer_id", _("No officer you may name has this id."))
        official = None
        if official_id is not None:
            official = Official.objects.filter(pk=official_id).first()
            if official is None:
                self.add_error("official_id", _("No local official has this id."))
        if not self.errors and (officer is None) == (official is None):
            raise ValidationError(
                _("Name one subject: choose an officer (search or id) or give a local official's id.")
            )
        data["subject_officer"], data["subject_official"] = officer, official
        return data

    def particulars(self) -> dict[str, Any]:
        data = self.cleaned_data
        particulars: dict[str, Any] = {}
        if data.get("goods"):
            particulars["goods"] = data["goods"]
        if data.get("value") is not None:
            particulars["value"] = float(data["value"])
        if (data.get("details") or "").strip():
            particulars["details"] = data["details"].strip()
        return particulars

    @classmethod
    def kept(cls, data: Any, *, user: Any, prefix: str | None = None) -> AllegationForm:
        """An unbound form showing what was typed, so a search does not flag the rest as errors."""
        form = cls(user=user, prefix=prefix)
        form.initial = {
            name: data.get(form.add_prefix(name)) for name in form.fields if form.add_prefix(name) in data
        }
        return form

    def officer_matches(self, searching: bool) -> tuple[list[Officer], bool]:
        """The radio buttons under the search: the search's results, else the officer already chosen."""
        if searching:
            found = list(
                officers_for_allegation(self.user, str(self["officer_text"].value() or ""))[: MATCHES_SHOWN + 1]
            )
            return found[:MATCHES_SHOWN], len(found) > MATCHES_SHOWN
        chosen = parse_id(self["officer"].value() or "")
        if chosen is not None:
            return list(officers_for_allegation(self.user).filter(pk=chosen).select_related("unit")), False
        return [], False


class FindingProposeForm(ServiceForm):
    finding = forms.ChoiceField(label=_("Proposed finding"), choices=Finding.choices)
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class FindingDecideForm(ServiceForm):
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices)
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        help_text=_("Required when you depart from the proposed finding; otherwise the proposal's reasons stand."),
    )


class EvidenceForm(ServiceForm):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The officer concerned reads each item's description once notice of a measure is served on him: "
            "name no complainant or witness in it. Who handed it in, and the file's own name, are never shown to him."
        ),
    )
    received_from = forms.CharField(label=_("Received from"), required=False, max_length=200)
    supersedes = EvidenceChoiceField(
        label=_("Corrects (supersedes)"),
        queryset=EvidenceItem.objects.none(),
        required=False,
        empty_label=_("— a new item —"),
        help_text=_(
            "A correction never replaces the old file: both are kept, and the old one is marked superseded."
        ),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        supersedes = self.fields["supersedes"]
        assert isinstance(supersedes, forms.ModelChoiceField)
        supersedes.queryset = case.evidence.filter(superseded_by__isnull=True)

    @property
    def limit(self) -> int:
        limit: int = settings.OMBUD_MAX_UPLOAD_BYTES
        return limit

    def data_bytes(self) -> bytes:
        """At most one byte past the limit: the service refuses an oversized file with its own message,
        and a huge upload is never held whole in memory."""
        upload: UploadedFile = self.cleaned_data["file"]
        return bytes(upload.read(self.limit + 1))


class CustodyForm(ServiceForm):
    to_party = forms.CharField(label=_("Handed to"), max_length=200)
    from_party = forms.CharField(label=_("Handed over by"), required=False, max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class NoteForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseNote.Kind.choices, initial=CaseNote.Kind.NOTE)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=50000)


class AssigneeField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class TaskForm(ServiceForm):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    assignee = AssigneeField(
        label=_("Given to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("nobody in particular"),
        help_text=_("An investigator or head of the body who may read the case."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, AssigneeField)
        field.queryset = task_assignees(case)


class CaseCloseForm(ServiceForm):
    outcome = forms.ChoiceField(
        label=_("How the case ends"),
        choices=[
            (Case.Status.CLOSED, _("closed")),
            (Case.Status.REFERRED, _("closed and referred for prosecution")),
        ],
        initial=Case.Status.CLOSED,
    )
    reason = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        help_text=_("Kept on the case and in its referral package; the complaints close with the case."),
    )
