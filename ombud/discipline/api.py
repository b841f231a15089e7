"""REST endpoints of discipline: measures with due process. Staff propose, serve notice and decide;
the officer concerned responds and appeals through his own account, and reads his own measures at
``/api/v1/me/measures/``, which never carries the complainant's identity or the complaint's text.

Thin: measures are loaded through ``measure_get_for_user`` and changed by ``discipline.services``;
four eyes and every other rule are the services' (a wrong person gets their PermissionDenied: 403)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ombud.accounts.barred import NotBarred
from ombud.cases import selectors
from ombud.cases.api import (
    FollowUpSerializer,
    ListAnswers,
    MeasureSummarySerializer,
    ServiceErrors,
    StaffView,
)
from ombud.cases.models import Allegation, Case
from ombud.cases.selectors import OwnMeasure
from ombud.core.access import NotFoundForUser
from ombud.core.api_fields import SafePrimaryKeyRelatedField
from ombud.discipline.models import Measure
from ombud.discipline.services import (
    follow_up_add,
    follow_up_done,
    measure_appeal,
    measure_appeal_decide,
    measure_decide,
    measure_notify,
    measure_propose,
    measure_respond,
)
from ombud.org.models import Officer

# -- input -----------------------------------------------------------------------------------------------


class MeasureProposeSerializer(serializers.Serializer[dict[str, Any]]):
    officer = SafePrimaryKeyRelatedField(queryset=Officer.objects.none())
    kind = serializers.ChoiceField(choices=Measure.Kind.choices)
    reason = serializers.CharField(max_length=20000)
    allegation = SafePrimaryKeyRelatedField(queryset=Allegation.objects.none(), required=False, allow_null=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:
            # A measure concerns an officer named in one of the case's allegations.
            officers = Officer.objects.filter(allegations__case=case).distinct()
            self.fields["officer"].queryset = officers  # type: ignore[attr-defined]
            self.fields["allegation"].queryset = case.allegations.all()  # type: ignore[attr-defined]


class NotifySerializer(serializers.Serializer[dict[str, Any]]):
    response_days = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True)


class TextSerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(max_length=20000)


class DecideSerializer(serializers.Serializer[dict[str, Any]]):
    approve = serializers.BooleanField()
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class AppealDecideSerializer(serializers.Serializer[dict[str, Any]]):
    uphold = serializers.BooleanField()
    text = serializers.CharField(max_length=20000)


# -- the officer's own view --------------------------------------------------------------------------------


class OwnStepSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="label")
    at = serializers.DateTimeField()
    text = serializers.CharField()


class OwnAllegationSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    particulars = serializers.JSONField()
    occurred_on = serializers.DateField(allow_null=True)
    finding = serializers.CharField()
    finding_label = serializers.CharField()


class OwnEvidenceSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    description = serializers.CharField()
    added_on = serializers.DateField()


class OwnMeasureSerializer(serializers.Serializer[OwnMeasure]):
    """What the officer concerned sees: the measure, its steps, the allegations against him (category,
    particulars, finding) and the evidence by name and description. Nothing about who complained."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    reason = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    response_due_on = serializers.DateField(allow_null=True)
    case_number = serializers.CharField()
    steps = OwnStepSerializer(many=True)
    allegations = OwnAllegationSerializer(many=True)
    evidence = OwnEvidenceSerializer(many=True)
    can_respond = serializers.BooleanField()
    can_appeal = serializers.BooleanField()
    appeal_until = serializers.DateTimeField(allow_null=True)


def _own(user: Any, measure: Measure) -> dict[str, Any]:
    for own in selectors.measures_own(user):
        if own.id == measure.pk:
            return dict(OwnMeasureSerializer(own).data)
    raise NotFoundForUser


class MyMeasures(ListAnswers, ServiceErrors, APIView):
    """The signed-in officer's own measures, from the notice on. Open to him while suspended too."""

    permission_classes = [IsAuthenticated, NotBarred]
    allow_barred = True

    @extend_schema(responses={200: OwnMeasureSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.listed(request, OwnMeasureSerializer, selectors.measures_own(request.user))


# -- staff steps -------------------------------------------------------------------------------------------


class CaseMeasures(StaffView):
    @extend_schema(request=MeasureProposeSerializer, responses={201: MeasureSummarySerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(request.user, pk)
        serializer = MeasureProposeSerializer(data=request.data, case=case)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        measure = measure_propose(
            actor=request.user,
            case=case,
            officer=data["officer"],
            kind=data["kind"],
            reason=data["reason"],
            allegation=data.get("allegation"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
        )
        return Response(MeasureSummarySerializer(measure).data, status=status.HTTP_201_CREATED)


class MeasureNotify(StaffView):
    """Serve notice on the officer: he may respond until ``response_days`` from today."""

    @extend_schema(request=NotifySerializer, responses={200: MeasureSummarySerializer})
    def post(self, request: Request, pk: int) -> Response:
        measure = selectors.staff_measure_get_for_user(request.user, pk)
        serializer = NotifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        days = serializer.validated_data.get("response_days")
        measure = measure_notify(actor=request.user, measure=measure, response_days=days)
        return Response(MeasureSummarySerializer(measure).data)


class MeasureDecide(StaffView):
    """The body head approves or rejects; never the proposer, and not while the officer may still respond."""

    @extend_schema(request=DecideSerializer, responses={200: MeasureSummarySerializer})
    def post(self, request: Request, pk: int) -> Response:
        measure = selectors.staff_measure_get_for_user(request.user, pk)
        serializer = DecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure = measure_decide(actor=request.user, measure=measure, **serializer.validated_data)
        return Response(MeasureSummarySerializer(measure).data)


class MeasureDecideAppeal(StaffView):
    """A body head who neither proposed nor decided the measure upholds or overturns it."""

    @extend_schema(request=AppealDecideSerializer, responses={200: MeasureSummarySerializer})
    def post(self, request: Request, pk: int) -> Response:
        measure = selectors.staff_measure_get_for_user(request.user, pk)
        serializer = AppealDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure = measure_appeal_decide(actor=request.user, measure=measure, **serializer.validated_data)
        return Response(MeasureSummarySerializer(measure).data)


# -- the officer's steps -----------------------------------------------------------------------------------


class _OfficerStep(ServiceErrors, APIView):
    permission_classes = [IsAuthenticated, NotBarred]
    # Due process goes on while he is suspended: responding and appealing stay open to him.
    allow_barred = True


class MeasureRespond(_OfficerStep):
    """The officer's response to the notice, through his own account, by the response deadline."""

    @extend_schema(request=TextSerializer, responses={200: OwnMeasureSerializer})
    def post(self, request: Request, pk: int) -> Response:
        measure = selectors.measure_get_for_user(request.user, pk)
        serializer = TextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure = measure_respond(actor=request.user, measure=measure, text=serializer.validated_data["text"])
        return Response(_own(request.user, measure))


class MeasureAppeal(_OfficerStep):
    """The officer's appeal against a decided measure, within the appeal period."""

    @extend_schema(request=TextSerializer, responses={200: OwnMeasureSerializer})
    def post(self, request: Request, pk: int) -> Response:
        measure = selectors.measure_get_for_user(request.user, pk)
        serializer = TextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        measure = measure_appeal(actor=request.user, measure=measure, text=serializer.validated_data["text"])
        return Response(_own(request.user, measure))


class FollowUpAddSerializer(serializers.Serializer[dict[str, Any]]):
    description = serializers.CharField(max_length=2000)
    due_on = serializers.DateField()


class MeasureFollowUps(StaffView):
    """What must follow a decided measure, and by when; escalated to the body above if not done."""

    @extend_schema(request=FollowUpAddSerializer, responses={201: FollowUpSerializer})
    def post(self, request: Request, pk: int) -> Response:
        measure = selectors.staff_measure_get_for_user(request.user, pk)
        serializer = FollowUpAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        follow_up = follow_up_add(actor=request.user, measure=measure, **serializer.validated_data)
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class FollowUpDone(StaffView):
    """Mark a follow-up done (400 if it was already)."""

    @extend_schema(request=None, responses={200: FollowUpSerializer})
    def post(self, request: Request, pk: int) -> Response:
        follow_up = follow_up_done(
            actor=request.user, follow_up=selectors.follow_up_get_for_user(request.user, pk)
        )
        return Response(FollowUpSerializer(follow_up).data)
