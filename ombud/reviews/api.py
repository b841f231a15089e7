"""REST endpoints of reviews: directives and their compliance, meetings (schedule, attendance, agenda,
sign-off), and the period report's figures. Thin: objects come through the reviews gates
(``reviews.selectors``), writes are ``reviews.services`` calls whose rules answer 400 or 403."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ombud.audit.services import audit_record_now
from ombud.cases.api import ListAnswers, StaffView, many
from ombud.core.access import NotFoundForUser
from ombud.core.api_fields import CalendarDateField, SafePrimaryKeyRelatedField
from ombud.core.trees import depth_first
from ombud.core.typed import search_text
from ombud.discipline.models import Measure
from ombud.org.models import OversightBody, Unit
from ombud.org.selectors import unit_list_for_user
from ombud.reviews.models import AgendaItem, Attendance, Directive, Meeting, MeetingKind
from ombud.reviews.reports import Figures, parse_period, period_report, report_file
from ombud.reviews.reports import PeriodReport as PeriodReportData
from ombud.reviews.selectors import (
    ItemAsRead,
    TargetNode,
    directive_compliance,
    directive_get_for_user,
    directive_list_for_user,
    dossier_json,
    dossier_read,
    meeting_get_for_user,
    meeting_list_for_user,
    meeting_page,
    report_units_for_user,
)
from ombud.reviews.services import (
    agenda_compile,
    agenda_item_minutes,
    attendance_record,
    directive_issue,
    meeting_minutes,
    meeting_schedule,
    meeting_sign_off,
    resolution_add,
)

# -- input -----------------------------------------------------------------------------------------------


class DirectiveIssueSerializer(serializers.Serializer[dict[str, Any]]):
    body = SafePrimaryKeyRelatedField(queryset=OversightBody.objects.all())
    unit = SafePrimaryKeyRelatedField(queryset=Unit.objects.none(), required=False, allow_null=True)
    title = serializers.CharField(max_length=200)
    meeting_kind = serializers.ChoiceField(choices=MeetingKind.choices)
    due_on = CalendarDateField()
    period_start = CalendarDateField()
    period_end = CalendarDateField()
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
    starts_on = CalendarDateField()
    ends_on = CalendarDateField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["unit"].queryset = unit_list_for_user(user)  # type: ignore[attr-defined]


class OwnMeetingSerializer(MeetingScheduleSerializer):
    """A meeting no directive asked for: a unit's own (``unit``; the body is the one the user acts
    for over it) or a body's (``body``)."""

    unit = SafePrimaryKeyRelatedField(queryset=Unit.objects.none(), required=False, allow_null=True)
    body = SafePrimaryKeyRelatedField(queryset=OversightBody.objects.all(), required=False, allow_null=True)
    period_start = CalendarDateField(required=False, help_text="The records' period (default: as a dossier's)")
    period_end = CalendarDateField(required=False, help_text="Default: the meeting's first day")


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
    due_on = CalendarDateField()
    period_start = CalendarDateField()
    period_end = CalendarDateField()


class TargetSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(source="target.unit.code")
    unit_name = serializers.CharField(source="target.unit.name")
    state = serializers.CharField(source="target.state")
    late = serializers.BooleanField(source="target.late")
    # The meeting's id only for a reader who may open it (as the page links it); its date for all
    # who follow the duty.
    meeting = serializers.SerializerMethodField()
    meeting_starts_on = serializers.DateField(source="meeting.starts_on", allow_null=True, default=None)

    def get_meeting(self, node: TargetNode) -> int | None:
        return node.meeting.pk if node.meeting is not None and node.meeting_readable else None


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
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    officer = serializers.IntegerField(source="officer_id")
    name = serializers.CharField(source="officer.full_name")
    # The record and reasons as the reader may read them (``agenda_as_read``, in the context).
    reasons = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()
    statement = serializers.CharField()
    criticisms = serializers.CharField()
    resolutions = ResolutionSerializer(many=True, source="resolutions.all")

    def get_reasons(self, item: AgendaItem) -> list[str]:
        return self._as_read(item).reasons

    def get_record(self, item: AgendaItem) -> dict[str, Any]:
        return self._as_read(item).record

    def _as_read(self, item: AgendaItem) -> ItemAsRead:
        as_read: dict[int, ItemAsRead] = self.context["as_read"]
        return as_read[item.pk]


class MeetingSerializer(serializers.Serializer[Meeting]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None)
    body = serializers.CharField(source="body.code", allow_null=True, default=None)
    directive = serializers.IntegerField(source="directive_id", allow_null=True)
    starts_on = CalendarDateField()
    ends_on = CalendarDateField()
    place = serializers.CharField()
    period_start = CalendarDateField(allow_null=True)
    period_end = CalendarDateField(allow_null=True)
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
    open_at_end = serializers.IntegerField()


class UnitFiguresSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField()
    complaints = serializers.IntegerField()
    sustained = serializers.IntegerField()


class PeriodReportSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(allow_null=True)
    since = CalendarDateField()
    until = CalendarDateField()
    previous_since = CalendarDateField()
    previous_until = CalendarDateField()
    current = FiguresSerializer()
    previous = FiguresSerializer()
    units = UnitFiguresSerializer(many=True)


def _meeting_data(user: Any, meeting: Meeting) -> dict[str, Any]:
    """The meeting as every answer about it carries it; its agenda holds officers' compiled records,
    so each such answer is a read, audited as the page's showing is."""
    audit_record_now(actor=user, action="meeting.view", obj=meeting)
    page = meeting_page(user, meeting)
    return {
        **MeetingSerializer(meeting).data,
        "attendance": many(AttendeeSerializer, page.attendance),
        "agenda": many(AgendaItemSerializer, page.items, {"as_read": page.as_read}),
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
        "open_at_end": figures.open_at_end,
    }


# -- endpoints -------------------------------------------------------------------------------------------


class DirectiveListCreate(ListAnswers, StaffView):
    @extend_schema(responses={200: DirectiveSerializer(many=True)})
    def get(self, request: Request) -> Response:
        directives = directive_list_for_user(request.user).select_related("body", "unit").order_by("-issued_at")
        return self.listed(request, DirectiveSerializer, directives)

    @extend_schema(request=DirectiveIssueSerializer, responses={201: DirectiveSerializer})
    def post(self, request: Request) -> Response:
        serializer = DirectiveIssueSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        directive = directive_issue(actor=request.user, **serializer.validated_data)
        return Response(DirectiveSerializer(directive).data, status=status.HTTP_201_CREATED)


class MeetingListCreate(ListAnswers, StaffView):
    """The meetings the user may read, the latest first; a POST schedules one no directive asked for."""

    @extend_schema(responses={200: MeetingSerializer(many=True)})
    def get(self, request: Request) -> Response:
        meetings = meeting_list_for_user(request.user).select_related("unit", "body").order_by("-starts_on", "-pk")
        return self.listed(request, MeetingSerializer, meetings)

    @extend_schema(request=OwnMeetingSerializer, responses={201: MeetingRecordSerializer})
    def post(self, request: Request) -> Response:
        serializer = OwnMeetingSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["kind"] = data.pop("meeting_kind", MeetingKind.GENERAL_ASSEMBLY)
        meeting = meeting_schedule(actor=request.user, **data)
        return Response(_meeting_data(request.user, meeting), status=status.HTTP_201_CREATED)


class DirectiveDetail(StaffView):
    @extend_schema(responses={200: DirectiveComplianceSerializer})
    def get(self, request: Request, pk: int) -> Response:
        directive = directive_get_for_user(request.user, pk)
        compliance = directive_compliance(request.user, directive)
        nodes = depth_first(compliance.roots, lambda node: node.children)
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


class OfficerDossier(StaffView):
    """An officer's whole record, as on his dossier page (reading it is audited). The complaints and
    allegations are left out for readers the page shows none to (``shows_cases`` false)."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "years", int, description="the summary's period in years (default OMBUD_DOSSIER_YEARS)"
            ),
            OpenApiParameter("since", str, description="a period's first day, YYYY-MM-DD (with until)"),
            OpenApiParameter("until", str, description="a period's last day, YYYY-MM-DD"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(dossier_json(dossier_read(request.user, pk, request.query_params)))


class MeetingDetail(StaffView):
    @extend_schema(responses={200: MeetingRecordSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_meeting_data(request.user, meeting_get_for_user(request.user, pk)))


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


class ItemMinutesInput(serializers.Serializer[dict[str, Any]]):
    statement = serializers.CharField(max_length=50000, allow_blank=True, default="")
    criticisms = serializers.CharField(max_length=50000, allow_blank=True, default="")


class MinutesInput(serializers.Serializer[dict[str, Any]]):
    minutes = serializers.CharField(max_length=100000)


class ResolutionInput(serializers.Serializer[dict[str, Any]]):
    agenda_item = SafePrimaryKeyRelatedField(queryset=AgendaItem.objects.none(), required=False, allow_null=True)
    text = serializers.CharField(max_length=20000)
    measure_kind = serializers.ChoiceField(
        choices=Measure.Kind.choices, required=False, allow_blank=True, default=""
    )
    starts_on = CalendarDateField(required=False, allow_null=True)
    ends_on = CalendarDateField(required=False, allow_null=True)

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        assert isinstance(field, SafePrimaryKeyRelatedField)
        field.queryset = AgendaItem.objects.filter(meeting=meeting) if meeting else AgendaItem.objects.none()


class MeetingItemMinutes(StaffView):
    """What the officer of one agenda item said, and the criticisms made of him (until sign-off)."""

    @extend_schema(request=ItemMinutesInput, responses={200: MeetingRecordSerializer})
    def post(self, request: Request, pk: int) -> Response:
        item = AgendaItem.objects.filter(pk=pk, meeting__in=meeting_list_for_user(request.user)).first()
        if item is None:
            raise NotFoundForUser
        data = ItemMinutesInput(data=request.data)
        data.is_valid(raise_exception=True)
        agenda_item_minutes(actor=request.user, item=item, **data.validated_data)
        return Response(_meeting_data(request.user, item.meeting))


class MeetingMinutes(StaffView):
    """The general minutes: what was said beyond the agenda items (until sign-off)."""

    @extend_schema(request=MinutesInput, responses={200: MeetingRecordSerializer})
    def post(self, request: Request, pk: int) -> Response:
        meeting = meeting_get_for_user(request.user, pk)
        data = MinutesInput(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = meeting_minutes(actor=request.user, meeting=meeting, minutes=data.validated_data["minutes"])
        return Response(_meeting_data(request.user, meeting))


class MeetingResolutions(StaffView):
    """A resolution of the meeting; with ``measure_kind`` it proposes a measure against the agenda
    item's officer, which enters due process in a case of the meeting's body."""

    @extend_schema(request=ResolutionInput, responses={201: MeetingRecordSerializer})
    def post(self, request: Request, pk: int) -> Response:
        meeting = meeting_get_for_user(request.user, pk)
        data = ResolutionInput(data=request.data, meeting=meeting)
        data.is_valid(raise_exception=True)
        resolution_add(actor=request.user, meeting=meeting, **data.validated_data)
        return Response(_meeting_data(request.user, meeting), status=status.HTTP_201_CREATED)


def _period_report_asked(request: Request) -> PeriodReportData:
    """The report the query asks for (``since``, ``until``, ``unit`` as a code), through the reader's
    reach: a unit outside it, or the whole force for one who holds only some units, is not found."""
    units, whole_force = report_units_for_user(request.user)
    try:
        since, until = parse_period(request.query_params.get("since", ""), request.query_params.get("until", ""))
    except ValueError as exc:
        raise ApiValidationError({"since": [str(exc)]}) from None
    code = search_text(request.query_params.get("unit", ""), 100)
    unit = units.filter(code=code).first() if code else None
    if (code and unit is None) or (unit is None and not whole_force):
        raise NotFoundForUser
    return period_report(unit=unit, since=since, until=until)


REPORT_QUERY = [
    OpenApiParameter("since", str, required=True, description="first day, YYYY-MM-DD"),
    OpenApiParameter("until", str, required=True, description="last day, YYYY-MM-DD"),
    OpenApiParameter("unit", str, required=False, description="unit code (default: the whole force)"),
]


class PeriodReportFile(StaffView):
    """The same report as the page's CSV (a ``total`` row) or PDF (its charts drawn)."""

    fmt = "csv"

    @extend_schema(
        parameters=REPORT_QUERY,
        responses={(200, "text/csv"): OpenApiTypes.STR, (200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> HttpResponse:
        return report_file(_period_report_asked(request), self.fmt)


class PeriodReport(StaffView):
    @extend_schema(parameters=REPORT_QUERY, responses={200: PeriodReportSerializer})
    def get(self, request: Request) -> Response:
        report = _period_report_asked(request)
        unit, since, until = report.unit, report.since, report.until
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
