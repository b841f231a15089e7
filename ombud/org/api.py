"""The force's structure through the API: the units the user may see, each with the counts the tree
page shows over its whole subtree (``org.views.unit_tree_for``, the page's own reading), and an
officer moved to another unit or other places (``org.services.officer_move``, as the page does)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ombud.cases.api import ListAnswers, StaffView
from ombud.core.api_fields import CalendarDateField, SafeSlugRelatedField
from ombud.core.trees import depth_first
from ombud.org.models import Officer, Place, PlaceAssignment, Unit
from ombud.org.selectors import officer_get_for_user
from ombud.org.services import officer_move, officer_mover_required
from ombud.org.views import UnitNode, unit_tree_for


class UnitSerializer(serializers.Serializer[UnitNode]):
    id = serializers.IntegerField(source="unit.pk")
    code = serializers.CharField(source="unit.code")
    name = serializers.CharField(source="unit.name")
    kind = serializers.CharField(source="unit.kind.code")
    parent_id = serializers.IntegerField(source="unit.parent_id", allow_null=True, help_text="The unit above it")
    officers = serializers.IntegerField(help_text="Officers serving in the unit and the units under it")
    places = serializers.IntegerField(help_text="Places (villages) the unit and the units under it answer for")
    complaints = serializers.SerializerMethodField(
        help_text="Complaints of the last 365 days naming its officers that the reader may read; null for "
        "readers who do not work complaints"
    )

    def get_complaints(self, node: UnitNode) -> int | None:
        return node.complaints if self.context.get("shows_complaints") else None


class UnitList(ListAnswers, StaffView):
    """The units the user may see, parents before their children, as the tree page lists them."""

    @extend_schema(responses={200: UnitSerializer(many=True)})
    def get(self, request: Request) -> Response:
        tree = unit_tree_for(request.user)
        nodes = depth_first(tree.roots, lambda node: node.children)
        context: dict[str, Any] = {"shows_complaints": tree.shows_complaints}
        return self.listed(request, UnitSerializer, nodes, context)


class MoveSerializer(serializers.Serializer[dict[str, Any]]):
    unit = SafeSlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        required=False,
        help_text="The code of the unit he serves at from the day on; left out: where he serves now",
    )
    places = serializers.ListField(
        child=SafeSlugRelatedField(slug_field="code", queryset=Place.objects.select_related("unit")),
        allow_empty=True,
        max_length=1000,
        help_text="The codes of the places he answers for from the day on, exactly (the others end; [] for none)",
    )
    on = CalendarDateField(
        required=False, help_text="The day it takes effect (default today; never in the future)"
    )


class PostingSerializer(serializers.Serializer[Officer]):
    """Where an officer serves and what he answers for, today."""

    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code", allow_null=True, help_text="The unit's code")
    places = serializers.SerializerMethodField(help_text="The codes of the places he answers for")

    def get_places(self, officer: Officer) -> list[str]:
        return list(
            PlaceAssignment.objects.filter(officer=officer, end_on__isnull=True)
            .order_by("place__code")
            .values_list("place__code", flat=True)
        )


class OfficerMove(StaffView):
    """Administrators move an officer to another unit or other places, from a day on (never
    himself); his earlier assignments stay on his record."""

    @extend_schema(request=MoveSerializer, responses={200: PostingSerializer})
    def post(self, request: Request, pk: int) -> Response:
        officer = officer_get_for_user(request.user, pk)
        officer_mover_required(request.user, officer)
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        move = officer_move(
            actor=request.user,
            officer=officer,
            unit=serializer.validated_data.get("unit"),
            places=serializer.validated_data["places"],
            on=serializer.validated_data.get("on"),
        )
        return Response(PostingSerializer(move.officer).data)
