"""Admin for the force's structure. The unit tree's paths and an officer's current unit are kept by
``org.services``, so here they are set through the services or shown read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ombud.core.admin import AuditedAdmin, ReadOnlyInline
from ombud.discipline.services import officer_held_by_measures
from ombud.org.models import (
    Jurisdiction,
    Officer,
    Official,
    OfficialPost,
    OfficialRole,
    OversightBody,
    Place,
    PlaceAssignment,
    StationAssignment,
    Unit,
    UnitKind,
)
from ombud.org.services import unit_create


@admin.register(UnitKind)
class UnitKindAdmin(AuditedAdmin[UnitKind]):
    list_display = ["name", "code", "level", "is_station"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin[Unit]):
    list_display = ["name", "code", "kind", "parent", "depth"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "depth"]

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> Any:
        # Moving a unit would rewrite the paths of its whole subtree: not an admin edit.
        return [*self.readonly_fields, "parent"] if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new unit's path holds its own id: the service computes it.
        created = unit_create(actor=request.user, code=obj.code, name=obj.name, kind=obj.kind, parent=obj.parent)
        obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
        obj._state.adding = False


@admin.register(Place)
class PlaceAdmin(AuditedAdmin[Place]):
    list_display = ["name", "code", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["unit"]


class StationAssignmentInline(ReadOnlyInline):
    model = StationAssignment
    fields = ["unit", "start_on", "end_on"]


class PlaceAssignmentInline(ReadOnlyInline):
    model = PlaceAssignment
    fields = ["place", "start_on", "end_on"]


class OfficerForm(forms.ModelForm[Officer]):
    """An officer's suspension, standby and dismissal follow the measures decided on him under due
    process (notice, response, decision, appeal): the admin cannot set or lift them. It records that
    he retired (from any status: leaving the force while under a measure is part of his record) and,
    where no measure holds him, that he came back."""

    class Meta:
        model = Officer
        fields = ["status"]  # the admin adds the others it shows

    def clean_status(self) -> str:
        status = str(self.cleaned_data["status"])
        before = self.initial.get("status", Officer.Status.ACTIVE) if self.instance.pk else Officer.Status.ACTIVE
        if status == before or status == Officer.Status.RETIRED:
            return status
        if status == Officer.Status.ACTIVE and before == Officer.Status.RETIRED:
            if self.instance.pk and officer_held_by_measures(self.instance.pk):
                raise forms.ValidationError(
                    _("A measure in force holds this officer: his status follows it, not this form.")
                )
            return status
        raise forms.ValidationError(
            _(
                "Suspension, standby and dismissal are measures decided under due process on the case page, "
                "and end or are overturned there; here an officer can only be recorded as retired, or back "
                "from retirement."
            )
        )


@admin.register(Officer)
class OfficerAdmin(AuditedAdmin[Officer]):
    form = OfficerForm
    list_display = ["last_name", "first_name", "badge", "rank", "status", "unit"]
    list_filter = ["status"]
    search_fields = ["last_name", "first_name", "badge"]
    list_select_related = ["unit"]
    # The current unit follows the station assignments (org.services.officer_assign_station).
    readonly_fields = ["unit", "source", "external_id"]
    inlines = [StationAssignmentInline, PlaceAssignmentInline]


@admin.register(OfficialRole)
class OfficialRoleAdmin(AuditedAdmin[OfficialRole]):
    list_display = ["name", "code"]


class OfficialPostInline(ReadOnlyInline):
    model = OfficialPost
    fields = ["role", "place", "start_on", "end_on"]


@admin.register(Official)
class OfficialAdmin(AuditedAdmin[Official]):
    list_display = ["last_name", "first_name"]
    search_fields = ["last_name", "first_name"]
    inlines = [OfficialPostInline]


class JurisdictionInline(ReadOnlyInline):
    model = Jurisdiction
    fields = ["unit"]


@admin.register(OversightBody)
class OversightBodyAdmin(AuditedAdmin[OversightBody]):
    list_display = ["name", "code", "level", "seat", "ack_days", "action_days"]
    search_fields = ["name", "code"]
    raw_id_fields = ["seat"]
    inlines = [JurisdictionInline]
