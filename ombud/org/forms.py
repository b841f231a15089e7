"""The form that moves an officer. What a move must hold is decided by ``org.services.officer_move``,
whose errors are put back on the fields here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ombud.core.forms import IdsChoiceField, ServiceForm
from ombud.org.models import Place, Unit

# Two no-break spaces a level: the select reads as the tree it is.
INDENT = "\u00a0\u00a0"


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{INDENT * obj.depth}{obj.name} ({obj.code})"


class PlacesField(IdsChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.unit.name})"


class OfficerMoveForm(ServiceForm):
    unit = UnitChoiceField(label=_("Serves at"), queryset=Unit.objects.order_by("path"), empty_label=None)
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
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the move takes effect: today, or a past day after his last recorded change."),
    )

    def __init__(self, *args: Any, unit: Unit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        places = self.fields["places"]
        assert isinstance(places, forms.ModelMultipleChoiceField)
        if unit is not None:
            places.queryset = (
                Place.objects.filter(unit__path__startswith=unit.path).select_related("unit").order_by("name")
            )
