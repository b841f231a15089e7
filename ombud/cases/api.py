"""REST endpoints of casework for oversight bodies' staff (token or session): cases, allegations,
findings, notes, tasks, evidence and its custody, referral packages. Thin: every object is loaded
through the access gate (``ombud.cases.selectors``), every write is a ``cases.services`` call.

Evidence has no update or delete: its views answer GET (and POST where something is added), so
PUT, PATCH and DELETE get 405 whatever the URL."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ombud.accounts.barred import NotBarred
from ombud.accounts.models import User
from ombud.audit.services import audit_record_now
from ombud.cases import selectors
from ombud.cases.models import Allegation, Case, CaseNote, CaseTask, CustodyEntry, EvidenceItem, Finding
from ombud.cases.packages import package_build
from ombud.cases.services import (
    BRIBERY_GOODS,
    CLOSING_OUTCOMES,
    MIN_CLOSING_REASON,
    allegation_add,
    case_close,
    case_open,
    custody_record,
    evidence_add,
    evidence_read,
    finding_decide,
    finding_propose,
    note_add,
    task_add,
    task_done,
)
from ombud.core.api_fields import CalendarDateField, SafePrimaryKeyRelatedField, SafeSlugRelatedField
from ombud.discipline.models import FollowUp, Measure
from ombud.intake.models import Category, Complaint
from ombud.intake.selectors import complaint_list_for_user
from ombud.org.models import Officer, Official, OversightBody


def service_error(exc: DjangoValidationError) -> ApiValidationError:
    """A service's ValidationError as a 400 answer, per field where the service named one."""
    if hasattr(exc, "error_dict"):
        return ApiValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return ApiValidationError({"non_field_errors": exc.messages})


class ServiceErrors:
    """Mixin for API views: a service's ValidationError answers 400 (its PermissionDenied is already
    a 403 and the gates' NotFoundForUser a 404, by DRF's own handler)."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoValidationError):
            exc = service_error(exc)
        return super().handle_exception(exc)  # type: ignore[misc, no-any-return]


class StaffView(ServiceErrors, APIView):
    permission_classes = [IsAuthenticated, NotBarred]


class ListAnswers:
    """For an APIView whose GET answers a list: pages of it as every list of the API is paginated
    (``{"count", "next", "previous", "results"}``, ``?page=N``); the schema then says so too."""

    # The API's pagination (settings.REST_FRAMEWORK), which generic list views take by default.
    pagination_class = PageNumberPagination

    def listed(
        self,
        request: Request,
        serializer: type[serializers.BaseSerializer[Any]],
        items: Iterable[Any],
        context: dict[str, Any] | None = None,
    ) -> Response:
        paginator = self.pagination_class()
        page: list[Any] | None = paginator.paginate_queryset(items, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(many(serializer, page or [], context))


def require_work_role(user: Any, case: Case) -> None:
    """Custody entries and referral packages are the work of the case's own body (whose services do
    not check the role themselves): others who may read the case get 403."""
    if not selectors.acts_for(user, case.body_id, selectors.WORK_ROLES):
        raise PermissionDenied(_("You do not act for this body in that role."))


def read_upload(upload: Any) -> bytes:
    """At most one byte past the limit: enough for the service to refuse an oversized file with its
    own message, without holding the whole of it in memory."""
    limit: int = settings.OMBUD_MAX_UPLOAD_BYTES
    return bytes(upload.read(limit + 1))


def many(
    serializer: type[serializers.BaseSerializer[Any]], items: Iterable[Any], context: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Each item through the serializer (``many=True`` without the ListSerializer's loose typing)."""
    context = {} if context is None else context  # one dict for all: what is asked once stays asked
    return [dict(serializer(item, context=context).data) for item in items]


def _sees_sources(context: dict[str, Any], case_id: int) -> bool:
    """Whether the reader of this answer sees who handed in the case's evidence (never without a
    request to tell who reads); asked once per case and answer, however many items and custody
    entries it holds (the context is shared by every serializer of one answer)."""
    request = context.get("request")
    if request is None:
        return False
    known: dict[int, bool] = context.setdefault("sees_sources", {})
    if case_id not in known:
        known[case_id] = selectors.sees_evidence_sources(
            request.user, Case.objects.select_related("body").get(pk=case_id)
        )
    return known[case_id]


# -- output --------------------------------------------------------------------------------------------


class UserNameField(serializers.CharField):
    def to_representation(self, value: Any) -> str:
        return str(value.get_username()) if value is not None else ""


class OfficerRefSerializer(serializers.Serializer[Officer]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")
    badge = serializers.CharField()


class AllegationSerializer(serializers.Serializer[Allegation]):
    id = serializers.IntegerField()
    officer = OfficerRefSerializer(allow_null=True)
    official = serializers.SerializerMethodField()
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    particulars = serializers.JSONField()
    occurred_on = CalendarDateField(allow_null=True)
    proposed_finding = serializers.CharField()
    proposed_reason = serializers.CharField()
    proposed_by = UserNameField(allow_null=True)
    proposed_at = serializers.DateTimeField(allow_null=True)
    finding = serializers.CharField()
    finding_reason = serializers.CharField()
    decided_by = UserNameField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_official(self, allegation: Allegation) -> dict[str, Any] | None:
        if allegation.official is None:
            return None
        return {"id": allegation.official.pk, "name": str(allegation.official)}


class CustodySerializer(serializers.Serializer[CustodyEntry]):
    id = serializers.IntegerField()
    action = serializers.CharField()
    at = serializers.DateTimeField()
    actor = UserNameField(allow_null=True)
    from_party = serializers.CharField(
        allow_null=True,
        help_text="null: withheld (the item's receipt, read by someone who may not see its source)",
    )
    to_party = serializers.CharField()
    note = serializers.CharField()

    def to_representation(self, instance: CustodyEntry) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if selectors.source_withheld(instance, _sees_sources(self.context, instance.item.case_id)):
            data["from_party"] = None
        return data


class EvidenceSerializer(serializers.Serializer[EvidenceItem]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    description = serializers.CharField()
    received_from = serializers.CharField(
        allow_null=True,
        help_text="Who handed the item in; null: withheld from this reader (shown to the investigators and "
        "heads of the case's body only)",
    )
    added_by = UserNameField(allow_null=True)
    added_at = serializers.DateTimeField()
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)

    def to_representation(self, instance: EvidenceItem) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not _sees_sources(self.context, instance.case_id):
            data["name"] = instance.neutral_name
            if instance.received_from:
                data["received_from"] = None
        return data


class EvidenceDetailSerializer(EvidenceSerializer):
    custody = CustodySerializer(many=True)


class NoteSerializer(serializers.Serializer[CaseNote]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    author = UserNameField(allow_null=True)
    at = serializers.DateTimeField()


class TaskSerializer(serializers.Serializer[CaseTask]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_on = CalendarDateField()
    assignee = UserNameField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)


class FollowUpSerializer(serializers.Serializer[FollowUp]):
    id = serializers.IntegerField()
    measure = serializers.IntegerField(source="measure_id")
    description = serializers.CharField()
    due_on = CalendarDateField()
    done_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)


class MeasureSummarySerializer(serializers.Serializer[Measure]):
    id = serializers.IntegerField()
    officer = serializers.IntegerField(source="officer_id")
    allegation = serializers.IntegerField(source="allegation_id", allow_null=True)
    kind = serializers.CharField()
    state = serializers.CharField()
    # In the reader's language; a measure under appeal says whether it is in force or over meanwhile.
    state_label = serializers.CharField(read_only=True)
    reason = serializers.CharField()
    starts_on = CalendarDateField(allow_null=True)
    ends_on = CalendarDateField(allow_null=True)
    response_due_on = CalendarDateField(allow_null=True)
    proposed_by = UserNameField(allow_null=True)
    decided_by = UserNameField(allow_null=True)
    steps = serializers.SerializerMethodField()
    follow_ups = FollowUpSerializer(many=True)

    def get_steps(self, measure: Measure) -> list[dict[str, Any]]:
        return [{"kind": s.kind, "at": s.at.isoformat(), "text": s.text} for s in measure.steps.all()]


class CaseListSerializer(serializers.Serializer[Case]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    body = serializers.CharField(source="body.code")
    body_name = serializers.CharField(source="body.name")
    lead = UserNameField(allow_null=True)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    complaints = serializers.SerializerMethodField()
    open_tasks = serializers.SerializerMethodField()

    def get_complaints(self, case: Case) -> list[int]:
        return sorted(c.pk for c in case.complaints.all())

    def get_open_tasks(self, case: Case) -> list[dict[str, Any]]:
        tasks = getattr(case, "open_tasks", None)
        if tasks is None:
            tasks = case.tasks.filter(done_at__isnull=True)
        return [{"id": t.pk, "title": t.title, "due_on": t.due_on.isoformat()} for t in tasks]


class CaseDetailSerializer(CaseListSerializer):
    summary = serializers.CharField()
    closing_reason = serializers.CharField()
    complaint_references = serializers.SerializerMethodField()
    allegations = AllegationSerializer(many=True)
    evidence = serializers.SerializerMethodField()
    measures = serializers.SerializerMethodField()
    notes = NoteSerializer(many=True)
    tasks = TaskSerializer(many=True)

    def get_complaint_references(self, case: Case) -> list[dict[str, Any]]:
        return [{"id": c.pk, "reference": c.reference} for c in case.complaints.all()]

    def get_evidence(self, case: Case) -> dict[str, Any]:
        items = list(case.evidence.select_related("added_by"))
        superseded = {item.supersedes_id for item in items if item.supersedes_id}
        return {
            "count": len(items),
            "total_size": sum(item.size for item in items),
            "current": [item.pk for item in items if item.pk not in superseded],
            "items": many(EvidenceSerializer, items, self.context),
        }

    def get_measures(self, case: Case) -> list[dict[str, Any]]:
        measures = case.measures.select_related("proposed_by", "decided_by").prefetch_related(
            "steps", "follow_ups"
        )
        return many(MeasureSummarySerializer, measures)


def _case_detail(case: Case) -> Case:
    return (
        Case.objects.select_related("body", "lead")
        .prefetch_related(
            "complaints",
            "allegations__officer",
            "allegations__official",
            "allegations__category",
            "allegations__proposed_by",
            "allegations__decided_by",
            "notes__author",
            "tasks__assignee",
        )
        .get(pk=case.pk)
    )


# -- input ---------------------------------------------------------------------------------------------


class CaseOpenSerializer(serializers.Serializer[dict[str, Any]]):
    body = SafeSlugRelatedField(slug_field="code", queryset=OversightBody.objects.all())
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    complaints = SafePrimaryKeyRelatedField(many=True, queryset=Complaint.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Complaints are looked up through their gate: one the user may not see does not exist.
        complaints = self.fields["complaints"]
        complaints.child_relation.queryset = complaint_list_for_user(user)  # type: ignore[attr-defined]


class ParticularsSerializer(serializers.Serializer[dict[str, Any]]):
    goods = serializers.ChoiceField(choices=list(BRIBERY_GOODS), required=False)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AllegationAddSerializer(serializers.Serializer[dict[str, Any]]):
    officer = SafePrimaryKeyRelatedField(queryset=Officer.objects.none(), required=False, allow_null=True)
    official = SafePrimaryKeyRelatedField(queryset=Official.objects.all(), required=False, allow_null=True)
    category = SafeSlugRelatedField(slug_field="code", queryset=Category.objects.all())
    particulars = ParticularsSerializer(required=False)
    occurred_on = CalendarDateField(required=False, allow_null=True)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = selectors.officers_for_allegation(user)  # type: ignore[attr-defined]


def particulars_of(data: dict[str, Any]) -> dict[str, Any]:
    """Particulars as the service stores them: numbers as numbers, nothing empty."""
    particulars: dict[str, Any] = {}
    if data.get("goods"):
        particulars["goods"] = data["goods"]
    if data.get("value") is not None:
        particulars["value"] = float(data["value"])
    if data.get("details", "").strip():
        particulars["details"] = data["details"].strip()
    return particulars


class FindingProposeSerializer(serializers.Serializer[dict[str, Any]]):
    finding = serializers.ChoiceField(choices=Finding.choices)
    reason = serializers.CharField(max_length=20000)


class FindingDecideSerializer(serializers.Serializer[dict[str, Any]]):
    finding = serializers.ChoiceField(choices=Finding.choices, required=False)
    reason = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class EvidenceUploadSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField()
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    received_from = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    supersedes = SafePrimaryKeyRelatedField(queryset=EvidenceItem.objects.none(), required=False, allow_null=True)

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["supersedes"].queryset = case.evidence.all()  # type: ignore[attr-defined]


class CustodyTransferSerializer(serializers.Serializer[dict[str, Any]]):
    to_party = serializers.CharField(max_length=200)
    from_party = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class NoteAddSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=CaseNote.Kind.choices, default=CaseNote.Kind.NOTE)
    text = serializers.CharField(max_length=50000)


class TaskAddSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200)
    due_on = CalendarDateField()
    assignee = SafeSlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text="The username of an investigator or head of the case's body who may read the case",
    )


class CaseCloseSerializer(serializers.Serializer[dict[str, Any]]):
    outcome = serializers.ChoiceField(choices=list(CLOSING_OUTCOMES), default=Case.Status.CLOSED)
    reason = serializers.CharField(max_length=20000, min_length=MIN_CLOSING_REASON)


# -- cases -----------------------------------------------------------------------------------------------


class CaseListCreate(ServiceErrors, generics.ListAPIView[Case]):
    """My cases (led by me or of my bodies; ``?status=`` and ``?q=`` filter); POST opens one."""

    permission_classes = [IsAuthenticated, NotBarred]
    serializer_class = CaseListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Case.Status.values, required=False),
            OpenApiParameter(
                "q", str, required=False, description="words in the number, title, summary or complaints"
            ),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Case]:
        return selectors.case_workspace(
            self.request.user, **selectors.workspace_filters(self.request.query_params)
        )

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseDetailSerializer})
    def post(self, request: Request) -> Response:
        serializer = CaseOpenSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = case_open(
            actor=request.user,
            body=data["body"],
            title=data["title"],
            summary=data.get("summary", ""),
            complaints=list(data.get("complaints", [])),
        )
        return Response(
            CaseDetailSerializer(_case_detail(case), context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CaseDetail(StaffView):
    @extend_schema(responses={200: CaseDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(request.user, pk)
        audit_record_now(actor=request.user, action="case.view", obj=case)
        return Response(CaseDetailSerializer(_case_detail(case), context={"request": request}).data)


class CaseAllegations(StaffView):
    @extend_schema(request=AllegationAddSerializer, responses={201: AllegationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(request.user, pk)
        serializer = AllegationAddSerializer(data=request.data, user=request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        allegation = allegation_add(
            actor=request.user,
            case=case,
            category=data["category"],
            officer=data.get("officer"),
            official=data.get("official"),
            particulars=particulars_of(data.get("particulars") or {}),
            occurred_on=data.get("occurred_on"),
        )
        return Response(AllegationSerializer(allegation).data, status=status.HTTP_201_CREATED)


class CaseNotes(StaffView):
    @extend_schema(request=NoteAddSerializer, responses={201: NoteSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(request.user, pk)
        serializer = NoteAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = note_add(actor=request.user, case=case, **serializer.validated_data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class CaseTasks(StaffView):
    @extend_schema(request=TaskAddSerializer, responses={201: TaskSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(request.user, pk)
        serializer = TaskAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = task_add(actor=request.user, case=case, **serializer.validated_data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskDone(StaffView):
    """Mark a case's task done (400 if it was already)."""

    @extend_schema(request=None, responses={200: TaskSerializer})
    def post(self, request: Request, pk: int) -> Response:
        task = task_done(actor=request.user, task=selectors.task_get_for_user(request.user, pk))
        return Response(TaskSerializer(task).data)


class CaseClose(StaffView):
    """A body head closes the case (``outcome`` "closed", or "referred" for prosecution) with the
    reasons; every allegation must have its decided finding, and the case's complaints close with it."""

    @extend_schema(request=CaseCloseSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(request.user, pk)
        serializer = CaseCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = case_close(actor=request.user, case=case, **serializer.validated_data)
        # The answer is the whole case: a showing of it, audited as the detail's is.
        audit_record_now(actor=request.user, action="case.view", obj=case)
        return Response(CaseDetailSerializer(_case_detail(case), context={"request": request}).data)


class CasePackage(StaffView):
    """The referral package: a signed ZIP that ``ombud case verify-package`` checks. Building it is a
    custody event for every evidence item."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        case = selectors.case_get_for_user(request.user, pk)
        require_work_role(request.user, case)
        data = package_build(actor=request.user, case=case)
        return FileResponse(
            io.BytesIO(data),
            as_attachment=True,
            filename=f"{case.number}-referral.zip",
            content_type="application/zip",
        )


# -- findings --------------------------------------------------------------------------------------------


class AllegationProposeFinding(StaffView):
    @extend_schema(request=FindingProposeSerializer, responses={200: AllegationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        allegation = selectors.allegation_get_for_user(request.user, pk)
        serializer = FindingProposeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        allegation = finding_propose(actor=request.user, allegation=allegation, **serializer.validated_data)
        return Response(AllegationSerializer(allegation).data)


class AllegationDecideFinding(StaffView):
    """The body head decides the proposed finding; the proposer never may (403)."""

    @extend_schema(request=FindingDecideSerializer, responses={200: AllegationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        allegation = selectors.allegation_get_for_user(request.user, pk)
        serializer = FindingDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        allegation = finding_decide(
            actor=request.user, allegation=allegation, finding=data.get("finding"), reason=data["reason"]
        )
        return Response(AllegationSerializer(allegation).data)


# -- evidence --------------------------------------------------------------------------------------------


class CaseEvidence(ListAnswers, StaffView):
    """The case's evidence items; POST (multipart) adds one. ``supersedes`` names the item it corrects."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: EvidenceSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(request.user, pk)
        # Who handed each item in can be a witness: a read of the case, audited as the page's is.
        audit_record_now(actor=request.user, action="case.view", obj=case, data={"evidence": "list"})
        return self.listed(
            request, EvidenceSerializer, case.evidence.select_related("added_by"), {"request": request}
        )

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: EvidenceDetailSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(request.user, pk)
        serializer = EvidenceUploadSerializer(data=request.data, case=case)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        item = evidence_add(
            actor=request.user,
            case=case,
            name=upload.name or "file",
            data=read_upload(upload),
            description=data["description"],
            received_from=data["received_from"],
            supersedes=data.get("supersedes"),
            max_bytes=settings.OMBUD_MAX_UPLOAD_BYTES,
        )
        return Response(
            EvidenceDetailSerializer(item, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class EvidenceDetail(StaffView):
    """One evidence item and its chain of custody. Evidence is never updated or deleted: PUT, PATCH
    and DELETE answer 405."""

    @extend_schema(responses={200: EvidenceDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        item = selectors.evidence_get_for_user(request.user, pk)
        audit_record_now(actor=request.user, action="case.view", obj=item.case, data={"evidence": item.pk})
        return Response(EvidenceDetailSerializer(item, context={"request": request}).data)


class EvidenceDownload(StaffView):
    """The file's bytes, checked against its SHA-256; the download is a custody entry."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        item = selectors.evidence_get_for_user(request.user, pk)
        data = evidence_read(actor=request.user, item=item)
        response = FileResponse(
            io.BytesIO(data),
            as_attachment=True,
            filename=selectors.evidence_name_for(request.user, item),
            content_type=item.content_type,
        )
        response["X-Content-SHA256"] = item.sha256
        response["Cache-Control"] = "no-store"
        return response


class EvidenceCustody(StaffView):
    """Record a hand-over of the item (a custody entry of kind "transferred")."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=CustodyTransferSerializer, responses={201: CustodySerializer})
    def post(self, request: Request, pk: int) -> Response:
        item = selectors.evidence_get_for_user(request.user, pk)
        require_work_role(request.user, item.case)
        serializer = CustodyTransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = custody_record(
            actor=request.user, item=item, action=CustodyEntry.Action.TRANSFERRED, **serializer.validated_data
        )
        return Response(
            CustodySerializer(entry, context={"request": request}).data, status=status.HTTP_201_CREATED
        )
