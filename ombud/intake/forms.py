"""The complaint form of the public portal and of the clerk's entry: one form, one conversion to the
service's ``ComplaintInput``. The form only parses what was typed; what a complaint must hold is
decided by ``complaint_file``, whose errors are put back on the fields here.

Without JavaScript, places and officers are found by a submit button that re-renders the form with
the matches as radio buttons; everything typed is kept (files excepted: browsers never re-send them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Self

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ombud.core.typed import parse_id
from ombud.intake.models import Category, Complaint
from ombud.intake.selectors import officer_search, place_search
from ombud.intake.services import ComplaintInput, SubjectInput, UploadInput
from ombud.org.models import Officer, OversightBody, Place

# How many matches a search shows; more means the complainant should type more.
MATCHES_SHOWN = 20

FIND_PLACE = "find_place"
FIND_OFFICER = "find_officer"
# The form's first, off-screen submit button: the one Enter presses in a text input. It searches
# what was typed and not yet chosen, so Enter never files a complaint half-written.
FIND_TYPED = "find_typed"

# Service errors about the complaint as a whole, put next to the field that can fix them.
SERVICE_ERROR_FIELDS = {"subjects": "officer_text", "place": "place_text"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


@dataclass(frozen=True)
class Search:
    """Which lists a search button asked for."""

    places: bool = False
    officers: bool = False


@dataclass
class Matches:
    """The radio buttons shown under the place and officer inputs."""

    places: list[Place] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)
    # True when the search found more than are shown.
    more_places: bool = False
    more_officers: bool = False
    searched_place: bool = False
    searched_officer: bool = False


class ComplaintForm(forms.Form):
    description = forms.CharField(
        label=_("Describe what happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Say what was done, by whom, and what was given or taken, in your own words."),
    )
    occurred_on = forms.DateField(
        label=_("When (if you know)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day it happened. You can leave it empty."),
    )
    place_text = forms.CharField(
        label=_("Village or place"),
        required=False,
        help_text=_("Type the village or place, then press “Find place” to choose it from the list."),
    )
    place = forms.ModelChoiceField(queryset=Place.objects.all(), required=False)
    officer_text = forms.CharField(
        label=_("Officer's name or badge number"),
        required=False,
        help_text=_("Type a name or badge number, then press “Find officer” to choose from the list."),
    )
    officer = forms.ModelChoiceField(queryset=Officer.objects.all(), required=False)
    person = forms.CharField(
        label=_("Someone you cannot name"),
        required=False,
        help_text=_(
            "Describe an officer you cannot name, or a local official (farm manager, technician, "
            "village secretary...): what they look like, their post, where they work."
        ),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("What kind of wrongdoing"),
        queryset=Category.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_(
            "Photos, PDF or text files. Location, camera and author details are removed from photos and PDFs, "
            "and file names are not kept; what a document itself says is kept as it is."
        ),
    )
    anonymous = forms.ChoiceField(
        label=_("Your name, or not"),
        choices=[("anonymous", _("Anonymous")), ("named", _("Named"))],
        initial="anonymous",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), required=False)
    contact = forms.CharField(label=_("How to reach you (phone or address)"), required=False)
    addressee = forms.ModelChoiceField(
        label=_("Send to a higher body"),
        queryset=OversightBody.objects.order_by("level", "name"),
        required=False,
        empty_label=_("Let ombud choose"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].widget.attrs["accept"] = "image/*,application/pdf,text/plain"

    # -- the complaint -----------------------------------------------------------------------------

    def filing_channel(self) -> str:
        return Complaint.Channel.PORTAL

    def to_input(self) -> ComplaintInput:
        """The service's input from a valid form. Nothing typed is dropped: a name typed without
        choosing from the list is kept as a description, a place typed as text."""
        data = self.cleaned_data
        officer: Officer | None = data["officer"]
        place: Place | None = data["place"]
        subjects = []
        if officer is not None:
            subjects.append(SubjectInput(officer=officer))
        elif data["officer_text"].strip():
            subjects.append(SubjectInput(description=data["officer_text"]))
        if data["person"].strip():
            subjects.append(SubjectInput(description=data["person"]))
        anonymous = data["anonymous"] == "anonymous"
        return ComplaintInput(
            description=data["description"],
            occurred_on=data["occurred_on"],
            place=place,
            # With a place chosen, the text was only the search that found it.
            place_text="" if place is not None else data["place_text"],
            subjects=subjects,
            categories=list(data["categories"]),
            anonymous=anonymous,
            # Name and contact are only used when the complainant chose to be named.
            name="" if anonymous else data["name"],
            contact="" if anonymous else data["contact"],
            addressee=data["addressee"],
            channel=self.filing_channel(),
            files=[UploadInput(upload.name or "file", upload.read()) for upload in data["evidence"]],
        )

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = SERVICE_ERROR_FIELDS.get(key, key)
            self.add_error(name if name in self.fields else None, errors)

    # -- searching without JavaScript ------------------------------------------------------------------

    @classmethod
    def kept(cls, data: Any) -> Self:
        """An unbound form showing what was typed: a search must not flag the rest as errors."""
        form = cls()
        initial: dict[str, Any] = {}
        for name, form_field in form.fields.items():
            if name not in data or isinstance(form_field, forms.FileField):
                continue
            multiple = isinstance(form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
            initial[name] = data.getlist(name) if multiple else data.get(name)
        return cls(initial=initial)

    def matches(self, search: Search | None = None) -> Matches:
        """Search results for the button pressed, else the choice already made, so a later search
        or an error does not lose it."""
        search = search or Search()
        found = Matches(searched_place=search.places, searched_officer=search.officers)
        if found.searched_place:
            places = list(place_search(str(self["place_text"].value() or ""))[: MATCHES_SHOWN + 1])
            found.places, found.more_places = places[:MATCHES_SHOWN], len(places) > MATCHES_SHOWN
        else:
            found.places = _chosen(Place.objects.select_related("unit"), self["place"].value())
        if found.searched_officer:
            officers = list(officer_search(str(self["officer_text"].value() or ""))[: MATCHES_SHOWN + 1])
            found.officers, found.more_officers = officers[:MATCHES_SHOWN], len(officers) > MATCHES_SHOWN
        else:
            found.officers = _chosen(Officer.objects.select_related("unit"), self["officer"].value())
        return found


def _chosen(queryset: Any, value: Any) -> list[Any]:
    pk = parse_id(value or "")
    return list(queryset.filter(pk=pk)) if pk is not None else []


def searching(data: Any) -> Search | None:
    """The search a button asked for, or None when the complaint is being sent."""
    if FIND_PLACE in data:
        return Search(places=True)
    if FIND_OFFICER in data:
        return Search(officers=True)
    if FIND_TYPED in data:
        return Search(
            places=bool(str(data.get("place_text", "")).strip()) and not data.get("place"),
            officers=bool(str(data.get("officer_text", "")).strip()) and not data.get("officer"),
        )
    return None


class ClerkComplaintForm(ComplaintForm):
    """The same complaint, received on paper, by phone, by letter or in person."""

    channel = forms.ChoiceField(
        label=_("How did the complaint arrive?"),
        choices=[
            (c.value, c.label)
            for c in (
                Complaint.Channel.PAPER,
                Complaint.Channel.PHONE,
                Complaint.Channel.LETTER,
                Complaint.Channel.VISIT,
            )
        ],
        initial=Complaint.Channel.PAPER,
        widget=forms.RadioSelect,
    )

    def filing_channel(self) -> str:
        return str(self.cleaned_data["channel"])
