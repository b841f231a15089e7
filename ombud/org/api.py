"""The unit tree through the API: the units the user may see, each with the counts the tree page
shows over its whole subtree (``org.views.unit_tree_for``, the page's own reading)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ombud.cases.api import ListAnswers, StaffView
from ombud.core.trees import depth_first
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
