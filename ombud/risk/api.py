"""REST endpoints of early warning: a supervisor's open alerts, and his answer to one (an
intervention, or a dismissal with its reason). Thin: alerts are read through ``alert_list_for_user``
and answered through ``ombud.risk.services``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ombud.cases.api import ServiceErrors, StaffView
from ombud.cases.models import Finding
from ombud.core.access import NotFoundForUser
from ombud.core.api_fields import CalendarDateField, TextField
from ombud.risk.explain import LazyCategoryNames
from ombud.risk.forms import KINDS
from ombud.risk.model import LABELS
from ombud.risk.models import Alert, Evaluation, EvaluationRequest, Intervention, ThresholdRule
from ombud.risk.selectors import (
    alert_get_for_user,
    alert_list_for_user,
    evaluation_get_for_user,
    evaluation_list_for_user,
    evaluation_request_get_for_user,
    evaluation_request_list_for_user,
    evaluations_pooled,
)
from ombud.risk.services import (
    DISMISS_REASON_MIN,
    alert_dismiss,
    alert_intervene,
    evaluation_request,
    evaluator_required,
    rule_editor_required,
    rule_save,
)
from ombud.risk.views import ALERT_STATES, reason_texts


class AnswerSerializer(serializers.Serializer[Intervention]):
    kind = serializers.CharField()
    note = serializers.CharField()
    by = serializers.CharField(source="by.get_username")
    at = serializers.DateTimeField()


class AlertSerializer(serializers.Serializer[Alert]):
    id = serializers.IntegerField()
    officer = serializers.IntegerField(source="officer_id")
    officer_name = serializers.CharField(source="officer.full_name")
    unit = serializers.SerializerMethodField()
    raised_at = serializers.DateTimeField()
    as_of = serializers.SerializerMethodField()
    state = serializers.CharField()
    score = serializers.SerializerMethodField()
    rule = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()

    def get_unit(self, alert: Alert) -> str:
        """The officer's unit when the alert was raised."""
        unit = alert.unit or alert.officer.unit
        return unit.name if unit else ""

    def get_as_of(self, alert: Alert) -> dt.date | None:
        """The date the officer was scored as of (the reasons' "the date scored"): a back-dated
        scoring raises alerts today about an earlier date."""
        return alert.score.as_of if alert.score else None

    def get_score(self, alert: Alert) -> float | None:
        return alert.score.score if alert.score else None

    def get_rule(self, alert: Alert) -> str:
        return alert.rule.name if alert.rule else ""

    def get_reasons(self, alert: Alert) -> list[str]:
        # One lazy map for the whole page of alerts (read only if a factor names a category).
        names = self.context.setdefault("category_names", LazyCategoryNames())
        return reason_texts(alert, names)

    @extend_schema_field(AnswerSerializer(allow_null=True))
    def get_answer(self, alert: Alert) -> dict[str, Any] | None:
        """The intervention or dismissal that closed the alert; null while it is open."""
        answer = getattr(alert, "intervention", None) if alert.state != Alert.State.OPEN else None
        return dict(AnswerSerializer(answer).data) if answer is not None else None


class InterventionInput(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=KINDS)
    note = TextField(max_length=5000)


class DismissInput(serializers.Serializer[dict[str, Any]]):
    # Checked here as the service does, so that a short reason is named under the field sent.
    reason = TextField(
        max_length=5000,
        min_length=DISMISS_REASON_MIN,
        error_messages={
            "min_length": gettext_lazy("Say in a sentence why the alert is dismissed (10 characters or more).")
        },
    )


class InterventionSerializer(serializers.Serializer[Intervention]):
    alert = serializers.IntegerField(source="alert_id")
    kind = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class AlertList(ServiceErrors, generics.ListAPIView[Alert]):
    """Alerts about the officers the user supervises: open ones, or by ``?state=``; paged like every
    list (``count``, ``next``, ``previous``, ``results``)."""

    permission_classes = StaffView.permission_classes
    serializer_class = AlertSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=ALERT_STATES,
                required=False,
                description="open (the default), answered ones, or all",
            )
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Alert]:
        state = self.request.query_params.get("state", Alert.State.OPEN)
        if state not in ALERT_STATES:
            raise ApiValidationError(
                {"state": [_("Choose one of: %(states)s.") % {"states": ", ".join(ALERT_STATES)}]}
            )
        alerts = alert_list_for_user(self.request.user, state=None if state == "all" else state)
        return alerts.select_related("intervention__by")


class AlertIntervene(StaffView):
    """Answer an open alert with an intervention: counselling, training, reassignment or review."""

    @extend_schema(request=InterventionInput, responses={201: InterventionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        alert = alert_get_for_user(request.user, pk)
        data = InterventionInput(data=request.data)
        data.is_valid(raise_exception=True)
        made = alert_intervene(
            actor=request.user, alert=alert, kind=data.validated_data["kind"], note=data.validated_data["note"]
        )
        return Response(InterventionSerializer(made).data, status=status.HTTP_201_CREATED)


class AlertDismiss(StaffView):
    """Dismiss an open alert; the reason is required and kept."""

    @extend_schema(request=DismissInput, responses={201: InterventionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        alert = alert_get_for_user(request.user, pk)
        data = DismissInput(data=request.data)
        data.is_valid(raise_exception=True)
        made = alert_dismiss(actor=request.user, alert=alert, reason=data.validated_data["reason"])
        return Response(InterventionSerializer(made).data, status=status.HTTP_201_CREATED)


class EvaluationSummarySerializer(serializers.ModelSerializer[Evaluation]):
    # Read from the stored figures (DRF looks a dotted source up in a dict).
    cohort = serializers.IntegerField(source="result.cohort", read_only=True, allow_null=True)
    positives = serializers.IntegerField(source="result.positives", read_only=True, allow_null=True)

    class Meta:
        model = Evaluation
        # "label" is also a serializer field's own attribute, so the fields are named here.
        fields: tuple[str, ...] = ("id", "as_of", "label", "created_at", "cohort", "positives")


class EvaluationSerializer(EvaluationSummarySerializer):
    result = serializers.JSONField(help_text="the figures as `ombud risk evaluate --json` prints them")

    class Meta(EvaluationSummarySerializer.Meta):
        fields = (*EvaluationSummarySerializer.Meta.fields, "result")


class EvaluationList(ServiceErrors, generics.ListAPIView[Evaluation]):
    """The stored runs of ``ombud risk evaluate``, newest first (analysts and administrators; others
    see none)."""

    permission_classes = StaffView.permission_classes
    serializer_class = EvaluationSummarySerializer

    def get_queryset(self) -> QuerySet[Evaluation]:
        return evaluation_list_for_user(self.request.user)


class EvaluationsPooled(StaffView):
    """The kept evaluations of one label (the latest of each as-of date) pooled: their comparisons of
    the model with ``count_12m`` and each rule summed over the dates, as ``ombud risk pooled --json``
    prints them (docs/early-warning.md)."""

    @extend_schema(
        parameters=[OpenApiParameter("label", str, enum=list(LABELS), description="sustained (default) or any")],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        label = request.query_params.get("label", "sustained")
        if label not in LABELS:
            return Response({"label": [_("Choose sustained or any.")]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(evaluations_pooled(evaluation_list_for_user(request.user), label))


class EvaluationDetail(StaffView):
    """One stored evaluation with all its figures (rankers, rules, curve, fairness, ground truth)."""

    @extend_schema(responses=EvaluationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EvaluationSerializer(evaluation_get_for_user(request.user, pk)).data)


class EvaluationRequestSerializer(serializers.ModelSerializer[EvaluationRequest]):
    requested_by = serializers.CharField(source="requested_by.get_username", read_only=True)
    evaluation = serializers.IntegerField(
        source="evaluation_id",
        read_only=True,
        allow_null=True,
        help_text="the evaluation made, once done: GET /api/v1/risk/evaluations/<id>/",
    )
    error = serializers.CharField(read_only=True, help_text="why it failed, in words (empty unless failed)")

    class Meta:
        model = EvaluationRequest
        fields: tuple[str, ...] = (
            "id",
            "as_of",
            "label",
            "state",
            "requested_by",
            "requested_at",
            "finished_at",
            "evaluation",
            "error",
        )


class EvaluationRequestCreateSerializer(serializers.Serializer[EvaluationRequest]):
    as_of = CalendarDateField(help_text="more than a year ago: the model is measured on the year after it")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "label" is also an attribute every serializer field has: it cannot be declared on the class.
        fields = super().get_fields()
        fields["label"] = serializers.ChoiceField(choices=EvaluationRequest.Label.choices, default="sustained")
        return fields


class EvaluationRequestList(ServiceErrors, generics.ListAPIView[EvaluationRequest]):
    """Evaluations asked of the worker, newest first, with how each went; POST asks for one (202:
    queued; the same date and label already queued or running answers that request)."""

    permission_classes = StaffView.permission_classes
    serializer_class = EvaluationRequestSerializer

    def get_queryset(self) -> QuerySet[EvaluationRequest]:
        return evaluation_request_list_for_user(self.request.user)

    @extend_schema(request=EvaluationRequestCreateSerializer, responses={202: EvaluationRequestSerializer})
    def post(self, request: Request) -> Response:
        evaluator_required(request.user)
        data = EvaluationRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = evaluation_request(actor=request.user, **data.validated_data)
        return Response(EvaluationRequestSerializer(made).data, status=status.HTTP_202_ACCEPTED)


class EvaluationRequestDetail(StaffView):
    """One evaluation asked of the worker: queued, running, done (with its evaluation) or failed."""

    @extend_schema(responses=EvaluationRequestSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EvaluationRequestSerializer(evaluation_request_get_for_user(request.user, pk)).data)


class RuleSerializer(serializers.ModelSerializer[ThresholdRule]):
    categories = serializers.SerializerMethodField()

    def get_categories(self, rule: ThresholdRule) -> list[str]:
        """The codes of the categories counted (empty: any)."""
        return sorted(category.code for category in rule.categories.all())

    class Meta:
        model = ThresholdRule
        fields = ("id", "name", "description", "window_days", "min_count", "categories", "finding", "active")


RULES = ThresholdRule.objects.prefetch_related("categories")


class RuleChangeSerializer(serializers.Serializer[ThresholdRule]):
    """What an administrator sets; the rule checks the ranges (a window of at most 36,525 days, a
    count of at most 10,000) and the service the category codes."""

    description = serializers.CharField(max_length=200)
    window_days = serializers.IntegerField(allow_null=True, help_text="days; null: the whole record")
    min_count = serializers.IntegerField()
    categories = serializers.ListField(
        child=serializers.CharField(max_length=40), help_text="category codes counted (empty: any)"
    )
    finding = serializers.ChoiceField(
        choices=Finding.choices, allow_blank=True, help_text="empty: count complaints"
    )
    active = serializers.BooleanField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A field the rule does not take is refused rather than ignored without a word: a rule keeps
        # its name (alerts cite it) and its id. A rule as GET gave it may be sent back changed: the
        # same name and id are no change.
        sent = self.initial_data if isinstance(self.initial_data, dict) else {}
        rule = self.context.get("rule")
        kept = {"id": rule.pk, "name": rule.name} if rule is not None else {"id": sent.get("id")}
        refused = sorted(
            name for name in sent if name not in self.fields and (name not in kept or sent[name] != kept[name])
        )
        if refused:
            raise serializers.ValidationError({name: [_("This field cannot be set here.")] for name in refused})
        return attrs


class RuleAddSerializer(RuleChangeSerializer):
    name = serializers.SlugField(max_length=60)


class RuleList(ServiceErrors, generics.ListAPIView[ThresholdRule]):
    """The threshold rules alerts and evaluations use; POST adds one (administrators, who also edit
    them in the admin)."""

    permission_classes = StaffView.permission_classes
    serializer_class = RuleSerializer
    queryset = RULES.order_by("name")

    @extend_schema(request=RuleAddSerializer, responses={201: RuleSerializer})
    def post(self, request: Request) -> Response:
        rule_editor_required(request.user)
        data = RuleAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        made = rule_save(actor=request.user, rule=None, name=changes.pop("name"), changes=changes)
        return Response(RuleSerializer(made).data, status=status.HTTP_201_CREATED)


class RuleDetail(StaffView):
    """One threshold rule; PATCH changes any of its settings (administrators). A rule is never
    deleted: alerts name it. Set ``active`` false to stop it."""

    def _rule(self, pk: int) -> ThresholdRule:
        found = RULES.filter(pk=pk).first()
        if found is None:
            raise NotFoundForUser
        return found

    @extend_schema(responses=RuleSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(RuleSerializer(self._rule(pk)).data)

    @extend_schema(request=RuleChangeSerializer(partial=True), responses=RuleSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        rule_editor_required(request.user)
        rule = self._rule(pk)
        data = RuleChangeSerializer(data=request.data, partial=True, context={"rule": rule})
        data.is_valid(raise_exception=True)
        changed = rule_save(actor=request.user, rule=rule, changes=dict(data.validated_data))
        return Response(RuleSerializer(self._rule(changed.pk)).data)
