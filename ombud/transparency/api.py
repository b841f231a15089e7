"""Publication through the API: a body drafts an outcome's public wording, a head who did not write
it publishes it against the checklist (the services of the ``/outcomes/`` page), and anyone reads
the published outcomes and the figures (the public page's content)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ombud.accounts.scope import scope_for
from ombud.cases.api import ListAnswers, StaffView, UserNameField, many
from ombud.cases.models import Case
from ombud.core.access import NotFoundForUser
from ombud.core.api_fields import SafePrimaryKeyRelatedField
from ombud.intake.throttles import SearchThrottle
from ombud.transparency.models import PublishedOutcome
from ombud.transparency.selectors import (
    PublicFigures,
    outcome_cases_for_user,
    outcome_list_for_user,
    public_figures_cached,
    published_outcomes,
)
from ombud.transparency.services import CHECKLIST, outcome_draft, outcome_publish


class OutcomeSerializer(serializers.Serializer[PublishedOutcome]):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.number", allow_null=True)
    title = serializers.CharField()
    text = serializers.CharField()
    state = serializers.CharField()
    drafted_by = UserNameField(allow_null=True)
    drafted_at = serializers.DateTimeField(allow_null=True)
    published_by = UserNameField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    checklist = serializers.ListField(child=serializers.CharField())


class PublicOutcomeSerializer(serializers.Serializer[PublishedOutcome]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    text = serializers.CharField()
    published_at = serializers.DateTimeField()


class OutcomeDraftSerializer(serializers.Serializer[dict[str, Any]]):
    case = SafePrimaryKeyRelatedField(queryset=Case.objects.none())
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=5000)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        assert isinstance(field, SafePrimaryKeyRelatedField)
        field.queryset = outcome_cases_for_user(user)


class PublishSerializer(serializers.Serializer[dict[str, Any]]):
    checklist = serializers.ListField(
        child=serializers.ChoiceField(choices=list(CHECKLIST)),
        help_text="Every item of the reviewer's checklist: " + ", ".join(CHECKLIST),
    )


def _require_desk(user: Any) -> None:
    scope = scope_for(user)
    if scope.barred or not (scope.administrator or scope.body_ids):
        raise NotFoundForUser


class OutcomeListCreate(ListAnswers, StaffView):
    """The outcomes of my bodies' cases (drafts first); POST drafts one."""

    @extend_schema(responses={200: OutcomeSerializer(many=True)})
    def get(self, request: Request) -> Response:
        _require_desk(request.user)
        return self.listed(request, OutcomeSerializer, outcome_list_for_user(request.user))

    @extend_schema(request=OutcomeDraftSerializer, responses={201: OutcomeSerializer})
    def post(self, request: Request) -> Response:
        _require_desk(request.user)
        serializer = OutcomeDraftSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        outcome = outcome_draft(actor=request.user, **serializer.validated_data)
        return Response(OutcomeSerializer(outcome).data, status=status.HTTP_201_CREATED)


class OutcomePublish(StaffView):
    """A body head who did not write it publishes the draft, every checklist item confirmed, once
    every measure of its case is final."""

    @extend_schema(request=PublishSerializer, responses={200: OutcomeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        outcome = outcome_list_for_user(request.user).filter(pk=pk).first()
        if outcome is None:
            raise NotFoundForUser
        serializer = PublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = outcome_publish(
            actor=request.user, outcome=outcome, checklist=serializer.validated_data["checklist"]
        )
        return Response(OutcomeSerializer(outcome).data)


def figures_json(figures: PublicFigures) -> dict[str, Any]:
    return {
        "as_of": figures.as_of,
        "years": [
            {
                "year": row.year,
                "complaints": row.complaints.value,
                "sustained": row.sustained.value,
                "measures": row.measures.value,
            }
            for row in figures.years
        ],
        "branch_year": figures.branch_year,
        "branches": [{"name": name, "complaints": count.value} for name, count in figures.branches],
        "measures_by_kind": [{"kind": kind, "count": count.value} for kind, count in figures.measures_by_kind],
    }


class PublicOutcomes(APIView):
    """What the public page shows, without an account: the published outcomes and the figures of
    complete years, every small count null."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [SearchThrottle]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "outcomes": many(PublicOutcomeSerializer, published_outcomes()[:100]),
                "figures": figures_json(public_figures_cached()),
            }
        )
