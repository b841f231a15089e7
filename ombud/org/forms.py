"""The form that moves an officer. What a move must hold is decided by ``org.services.officer_move``,
whose errors are put back on the fields here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ombud.core.forms import IdsChoiceField, ServiceForm
from ombud.core.trees import depth_first
from ombud.org.models import Place, Unit

# Two no-break spaces a level: the select reads as the tree it is.
INDENT = "\u00a0\u00a0"
# More places than a page of ticks can sensibly offer: the administrator picks a lower unit.
PLACES_LISTED = 300


def unit_choices() -> list[tuple[int, str]]:
    """Every unit in the tree's order, each below its parent and siblings by name (the stored
    paths sort as text: /1/10/ before /1/2/)."""
    units = list(Unit.objects.order_by("name", "pk"))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered = depth_first(children.get(None, []), lambda unit: children.get(unit.pk, []))
    return [(unit.pk, f"{INDENT * unit.depth}{unit.name} ({unit.code})") for unit in ordered]


class PlacesField(IdsChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.unit.name})"


class OfficerMoveForm(ServiceForm):
    unit = forms.ModelChoiceField(label=_("Serves at"), queryset=Unit.objects.all(), empty_label=None)
    places = PlacesField(
        label=_("Answers for"),
        queryset=Place.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The places of the unit chosen and the units under it. He answers for exactly those ticked: "
            "the others he answers for now end on the day of the move."
        ),
    )
    on = forms.DateField(
        label=_("From"),
        # ISO whatever the language: a date input reads no other form.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the move takes effect: today, or a past day after his last recorded change."),
    )

    def __init__(self, *args: Any, unit: Unit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.fields["unit"].choices = unit_choices()  # type: ignore[attr-defined]
        places = self.fields["places"]
        assert isinstance(places, forms.ModelMultipleChoiceField)
        self.places_under = 0
        if unit is not None:
            under = Place.objects.filter(unit__path__startswith=unit.path)
            self.places_under = under.count()
            if self.places_under <= PLACES_LISTED:
                places.queryset = under.select_related("unit").order_by("name")
