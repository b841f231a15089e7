"""REST endpoints of reviews: directives and their compliance, meetings (schedule, attendance, agenda,
sign-off), and the period report's figures. Thin: objects come through the reviews gates
(``reviews.selectors``), writes are ``reviews.services`` calls whose rules answer 400 or 403."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ombud.audit.services import audit_record_now
from ombud.cases.api import StaffView, many
from ombud.core.access import NotFoundForUser
from ombud.core.api_fields import SafePrimaryKeyRelatedField
from ombud.core.typed import search_text
from ombud.org.models import OversightBody, Unit
from ombud.org.selectors import unit_list_for_user
from ombud.reviews.models import AgendaItem, Attendance, Directive, Meeting, MeetingKind
from ombud.reviews.reports import Figures, parse_period, period_report
from ombud.reviews.selectors import (
    directive_compliance,
    directive_get_for_user,
    directive_list_for_user,
    meeting_get_for_user,
    meeting_page,
    report_units_for_user,
)
from ombud.reviews.services import (
    agenda_compile,
    attendance_record,
    directive_issue,
    meeting_schedule,
    meeting_sign_off,
)

# -- input -----------------------------------------------------------------------------------------------


class DirectiveIssueSerializer(serializers.Serializer[dict[str, Any]]):
    body = SafePrimaryKeyRelatedField(queryset=OversightBody.objects.all())
    unit = SafePrimaryKeyRelatedField(queryset=Unit.objects.none(), required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    meeting_kind = serializers.ChoiceField(choices=MeetingKind.choices)
    due_on = serializers.DateField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    instructions = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["unit"].queryset = unit_list_for_user(user)  # type: ignore[attr-defined]


class MeetingScheduleSerializer(serializers.Serializer[dict[str, Any]]):
    unit = SafePrimaryKeyRelatedField(queryset=Unit.objects.none())
    # Named as in a directive: the schema then has one enumeration of meeting kinds.
    meeting_kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False)
    title = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["unit"].queryset = unit_list_for_user(user)  # type: ignore[attr-defined]


class AttendanceSerializer(serializers.Serializer[dict[str, Any]]):
    present = serializers.DictField(child=serializers.BooleanField(), help_text="officer id -> present")
    notes = serializers.DictField(child=serializers.CharField(max_length=200, allow_blank=True), required=False)


# -- output ----------------------------------------------------------------------------------------------


class DirectiveSerializer(serializers.Serializer[Directive]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField(source="body.code")
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None)
    meeting_kind = serializers.CharField()
    issued_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class TargetSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(source="target.unit.code")
    unit_name = serializers.CharField(source="target.unit.name")
    state = serializers.CharField(source="target.state")
    late = serializers.BooleanField(source="target.late")
    meeting = serializers.IntegerField(source="meeting.pk", allow_null=True, default=None)


class AttendeeSerializer(serializers.Serializer[Attendance]):
    officer = serializers.IntegerField(source="officer_id")
    name = serializers.CharField(source="officer.full_name")
    present = serializers.BooleanField(allow_null=True)
    note = serializers.CharField()


class ResolutionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()
    measure = serializers.IntegerField(source="measure_id", allow_null=True)


class AgendaItemSerializer(serializers.Serializer[AgendaItem]):
    position = serializers.IntegerField()
    officer = serializers.IntegerField(source="officer_id")
    name = serializers.CharField(source="officer.full_name")
    reasons = serializers.ListField(child=serializers.CharField())
    record = serializers.JSONField()
    statement = serializers.CharField()
    criticisms = serializers.CharField()
    resolutions = ResolutionSerializer(many=True, source="resolutions.all")


class MeetingSerializer(serializers.Serializer[Meeting]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None)
    body = serializers.CharField(source="body.code", allow_null=True, default=None)
    directive = serializers.IntegerField(source="directive_id", allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField()
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    held_at = serializers.DateTimeField(allow_null=True)
    signed_off_at = serializers.DateTimeField(allow_null=True)


class MeetingRecordSerializer(MeetingSerializer):
    """A meeting with its attendance, agenda (each item with its compiled record) and resolutions."""

    attendance = AttendeeSerializer(many=True)
    agenda = AgendaItemSerializer(many=True)
    resolutions = ResolutionSerializer(many=True)


class DirectiveComplianceSerializer(DirectiveSerializer):
    states = serializers.DictField(child=serializers.IntegerField())
    late = serializers.IntegerField()
    targets = TargetSerializer(many=True)


class FiguresSerializer(serializers.Serializer[Any]):
    complaints = serializers.IntegerField()
    closed = serializers.IntegerField()
    escalations = serializers.IntegerField()
    allegations = serializers.IntegerField()
    decided = serializers.IntegerField()
    sustained = serializers.IntegerField()
    sustained_rate = serializers.FloatField(allow_null=True)
    by_category = serializers.DictField(child=serializers.IntegerField())
    by_finding = serializers.DictField(child=serializers.IntegerField())
    measures = serializers.IntegerField()
    measures_by_kind = serializers.DictField(child=serializers.IntegerField())
    decisions = serializers.IntegerField()
    median_days_to_decision = serializers.FloatField(allow_null=True)


class UnitFiguresSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField()
    complaints = serializers.IntegerField()
    sustained = serializers.IntegerField()


class PeriodReportSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(allow_null=True)
    since = serializers.DateField()
    until = serializers.DateField()
    previous_since = serializers.DateField()
    previous_until = serializers.DateField()
    current = FiguresSerializer()
    previous = FiguresSerializer()
    units = UnitFiguresSerializer(many=True)


def _meeting_data(user: Any, meeting: Meeting) -> dict[str, Any]:
    page = meeting_page(user, meeting)
    return {
        **MeetingSerializer(meeting).data,
        "attendance": many(AttendeeSerializer, page.attendance),
        "agenda": many(AgendaItemSerializer, page.items),
        "resolutions": many(ResolutionSerializer, page.general),
    }


def _figures(figures: Figures) -> dict[str, Any]:
    return {
        "complaints": figures.complaints,
        "closed": figures.closed,
        "escalations": figures.escalations,
        "allegations": figures.allegations,
        "decided": figures.decided,
        "sustained": figures.sustained,
        "sustained_rate": figures.sustained_rate,
        "by_category": figures.by_category,
        "by_finding": figures.by_finding,
        "measures": figures.measures,
        "measures_by_kind": figures.measures_by_kind,
        "decisions": figures.decisions,
        "median_days_to_decision": figures.median_days,
    }


# -- endpoints -------------------------------------------------------------------------------------------


class DirectiveListCreate(StaffView):
    @extend_schema(responses={200: DirectiveSerializer(many=True)})
    def get(self, request: Request) -> Response:
        directives = directive_list_for_user(request.user).select_related("body", "unit").order_by("-issued_at")
        return Response(many(DirectiveSerializer, directives))

    @extend_schema(request=DirectiveIssueSerializer, responses={201: DirectiveSerializer})
    def post(self, request: Request) -> Response:
        serializer = DirectiveIssueSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        directive = directive_issue(actor=request.user, **serializer.validated_data)
        return Response(DirectiveSerializer(directive).data, status=status.HTTP_201_CREATED)


class DirectiveDetail(StaffView):
    @extend_schema(responses={200: DirectiveComplianceSerializer})
    def get(self, request: Request, pk: int) -> Response:
        directive = directive_get_for_user(request.user, pk)
        compliance = directive_compliance(request.user, directive)
        nodes = []
        stack = list(reversed(compliance.roots))
        while stack:
            node = stack.pop()
            nodes.append(node)
            stack.extend(reversed(node.children))
        return Response(
            {
                **DirectiveSerializer(directive).data,
                "states": {code: n for code, _label, n in compliance.states},
                "late": compliance.late,
                "targets": many(TargetSerializer, nodes),
            }
        )


class DirectiveMeetings(StaffView):
    @extend_schema(request=MeetingScheduleSerializer, responses={201: MeetingRecordSerializer})
    def post(self, request: Request, pk: int) -> Response:
        directive = directive_get_for_user(request.user, pk)
        serializer = MeetingScheduleSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["kind"] = data.pop("meeting_kind", directive.meeting_kind)
        meeting = meeting_schedule(actor=request.user, directive=directive, **data)
        return Response(_meeting_data(request.user, meeting), status=status.HTTP_201_CREATED)


class MeetingDetail(StaffView):
    @extend_schema(responses={200: MeetingRecordSerializer})
    def get(self, request: Request, pk: int) -> Response:
        meeting = meeting_get_for_user(request.user, pk)
        # As on the page: the agenda carries officers' compiled records.
        audit_record_now(actor=request.user, action="meeting.view", obj=meeting)
        return Response(_meeting_data(request.user, meeting))


class MeetingAttendance(StaffView):
    @extend_schema(request=AttendanceSerializer, responses={200: MeetingRecordSerializer})
    def post(self, request: Request, pk: int) -> Response:
        meeting = meeting_get_for_user(request.user, pk)
        serializer = AttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            present = {int(k): v for k, v in serializer.validated_data["present"].items()}
            notes = {int(k): v for k, v in serializer.validated_data.get("notes", {}).items()}
        except ValueError:
            raise ApiValidationError({"present": [_("Officers are given by their numeric id.")]}) from None
        meeting = attendance_record(actor=request.user, meeting=meeting, present=present, notes=notes)
        return Response(_meeting_data(request.user, meeting))


class MeetingAgenda(StaffView):
    @extend_schema(request=None, responses={200: MeetingRecordSerializer})
    def post(self, request: Request, pk: int) -> Response:
        meeting = meeting_get_for_user(request.user, pk)
        agenda_compile(actor=request.user, meeting=meeting)
        return Response(_meeting_data(request.user, meeting))


class MeetingSignOff(StaffView):
    @extend_schema(request=None, responses={200: MeetingRecordSerializer})
    def post(self, request: Request, pk: int) -> Response:
        meeting = meeting_get_for_user(request.user, pk)
        meeting = meeting_sign_off(actor=request.user, meeting=meeting)
        return Response(_meeting_data(request.user, meeting))


class PeriodReport(StaffView):
    @extend_schema(
        parameters=[
            OpenApiParameter("since", str, required=True, description="first day, YYYY-MM-DD"),
            OpenApiParameter("until", str, required=True, description="last day, YYYY-MM-DD"),
            OpenApiParameter("unit", str, required=False, description="unit code (default: the whole force)"),
        ],
        responses={200: PeriodReportSerializer},
    )
    def get(self, request: Request) -> Response:
        units, whole_force = report_units_for_user(request.user)
        try:
            since, until = parse_period(
                request.query_params.get("since", ""), request.query_params.get("until", "")
            )
        except ValueError as exc:
            raise ApiValidationError({"since": [str(exc)]}) from None
        code = search_text(request.query_params.get("unit", ""), 100)
        unit = units.filter(code=code).first() if code else None
        if (code and unit is None) or (unit is None and not whole_force):
            raise NotFoundForUser
        report = period_report(unit=unit, since=since, until=until)
        return Response(
            {
                "unit": unit.code if unit else None,
                "since": since,
                "until": until,
                "previous_since": report.previous_since,
                "previous_until": report.previous_until,
                "current": _figures(report.current),
                "previous": _figures(report.previous),
                "units": [
                    {"unit": row.code, "complaints": row.current.complaints, "sustained": row.current.sustained}
                    for row in report.rows
                ],
            }
        )
