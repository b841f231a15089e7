"""REST endpoints of intake: the public portal's (no account; throttled) and the staff inbox's
(token or session). Thin: they parse, call intake.services / selectors, and format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ombud.accounts.barred import NotBarred
from ombud.audit.services import audit_record_now
from ombud.core import keys
from ombud.core.api_fields import SafePrimaryKeyRelatedField, SafeSlugRelatedField
from ombud.intake import selectors
from ombud.intake.models import Category, Complaint
from ombud.intake.proofs import proof_verify
from ombud.intake.selectors import complaint_status_data
from ombud.intake.services import (
    CLOSING_REASONS,
    ComplaintInput,
    SubjectInput,
    UploadInput,
    complainant_add_files,
    complainant_identity_reveal,
    complainant_message,
    complaint_acknowledge,
    complaint_by_receipt,
    complaint_close,
    complaint_file,
    complaint_refer_up,
    complaint_review_request,
    staff_message,
)
from ombud.intake.throttles import FilingThrottle, ReceiptGlobalThrottle, ReceiptThrottle, SearchThrottle
from ombud.intake.views import MAX_PROOF_LENGTH, complaint_file_response
from ombud.org.models import Officer, Official, OversightBody, Place


def _django_errors(exc: DjangoValidationError) -> ApiValidationError:
    if hasattr(exc, "error_dict"):
        return ApiValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return ApiValidationError({"non_field_errors": exc.messages})


# -- public search -----------------------------------------------------------------------------------


class PublicOfficerSerializer(serializers.Serializer[Officer]):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")
    badge = serializers.CharField()
    station = serializers.CharField(source="unit.name", default="")


class PublicPlaceSerializer(serializers.Serializer[Place]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    station = serializers.CharField(source="unit.name")


SEARCH = extend_schema(
    parameters=[OpenApiParameter("q", str, required=False, description="a name, a badge or part of one")]
)


@extend_schema_view(get=SEARCH)
class PublicOfficerSearch(generics.ListAPIView[Officer]):
    """Officers by name or badge, for the complaint form. Serving officers only."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [SearchThrottle]
    serializer_class = PublicOfficerSerializer

    def get_queryset(self) -> QuerySet[Officer]:
        return selectors.officer_search(self.request.query_params.get("q", ""))


@extend_schema_view(get=SEARCH)
class PublicPlaceSearch(generics.ListAPIView[Place]):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [SearchThrottle]
    serializer_class = PublicPlaceSerializer

    def get_queryset(self) -> QuerySet[Place]:
        return selectors.place_search(self.request.query_params.get("q", ""))


class ProofSerializer(serializers.Serializer[dict[str, Any]]):
    proof = serializers.CharField(max_length=MAX_PROOF_LENGTH, trim_whitespace=True)


class ProofCheckSerializer(serializers.Serializer[dict[str, Any]]):
    ok = serializers.BooleanField()
    statement = serializers.DictField(
        help_text="What the proof states: date, receiving body, content digest, signer"
    )
    problems = serializers.ListField(child=serializers.CharField())
    fingerprint = serializers.CharField(help_text="This instance's signing key, which a valid proof names")


class PublicProofCheck(APIView):
    """Anyone may check a proof of filing, as on /report/proof/: it states a date, a body and a
    digest, no content."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [SearchThrottle]

    @extend_schema(request=ProofSerializer, responses={200: ProofCheckSerializer})
    def post(self, request: Request) -> Response:
        serializer = ProofSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = proof_verify(serializer.validated_data["proof"])
        return Response(ProofCheckSerializer({**asdict(check), "fingerprint": keys.fingerprint()}).data)


# -- filing ----------------------------------------------------------------------------------------------


class SubjectSerializer(serializers.Serializer[dict[str, Any]]):
    officer = SafePrimaryKeyRelatedField(queryset=Officer.objects.all(), required=False, allow_null=True)
    official = SafePrimaryKeyRelatedField(queryset=Official.objects.all(), required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [k for k in ("officer", "official", "description") if attrs.get(k)]
        if len(given) != 1:
            raise serializers.ValidationError(_("Give exactly one of officer, official or description."))
        return attrs


class ComplaintFileSerializer(serializers.Serializer[dict[str, Any]]):
    description = serializers.CharField(max_length=20000, trim_whitespace=True)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    place = SafePrimaryKeyRelatedField(queryset=Place.objects.all(), required=False, allow_null=True)
    place_text = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    subjects = SubjectSerializer(many=True, required=False, default=list)
    categories = SafeSlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), many=True, required=False, default=list
    )
    anonymous = serializers.BooleanField(default=True)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    contact = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    addressee = SafeSlugRelatedField(
        slug_field="code", queryset=OversightBody.objects.all(), required=False, allow_null=True
    )
    idempotency_key = serializers.CharField(
        required=False, allow_blank=True, min_length=16, max_length=80, default=""
    )

    def to_input(self, channel: str, idempotency_header: str = "") -> ComplaintInput:
        v = self.validated_data
        return ComplaintInput(
            description=v["description"],
            occurred_on=v.get("occurred_on"),
            place=v.get("place"),
            place_text=v.get("place_text", ""),
            subjects=[
                SubjectInput(s.get("officer"), s.get("official"), s.get("description", "")) for s in v["subjects"]
            ],
            categories=list(v["categories"]),
            anonymous=v["anonymous"],
            name=v.get("name", ""),
            contact=v.get("contact", ""),
            addressee=v.get("addressee"),
            channel=channel,
            idempotency_key=v.get("idempotency_key") or idempotency_header,
        )


FILED_RESPONSE = inline_serializer(
    "FiledComplaint",
    {
        "receipt": serializers.CharField(),
        "status": serializers.CharField(),
        "reference": serializers.CharField(),
        "routed_to": serializers.CharField(),
        "addressee_refused": serializers.CharField(allow_null=True),
        "proof": serializers.CharField(),
    },
)


def _file(request: Request, channel: str, actor: Any) -> Response:
    serializer = ComplaintFileSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    header = request.headers.get("Idempotency-Key", "")
    if header and not 16 <= len(header) <= 80:
        raise ApiValidationError({"idempotency_key": [_("An idempotency key has 16 to 80 characters.")]})
    try:
        filed = complaint_file(actor=actor, data=serializer.to_input(channel, header))
    except DjangoValidationError as exc:
        raise _django_errors(exc) from None
    complaint = filed.complaint
    body = {
        "receipt": filed.receipt,
        "status": complaint.status,
        "reference": complaint.reference,
        "routed_to": complaint.routed_to.name if complaint.routed_to else "",
        # The body the complainant asked for, when it could not take the complaint (else null).
        "addressee_refused": complaint.addressee.code
        if complaint.addressee and complaint.routing_reason.get("addressee_refused") == complaint.addressee_id
        else None,
        "proof": filed.proof,
    }
    response = Response(body, status=status.HTTP_200_OK if filed.repeated else status.HTTP_201_CREATED)
    # The receipt is shown once: no cache along the way may keep a copy.
    add_never_cache_headers(response)
    return response


class PublicComplaintCreate(APIView):
    """File a complaint without an account. The receipt in the answer is shown once: keep it."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [FilingThrottle]
    # JSON only: a form body cannot carry the list of subjects, which would be lost unseen (415 instead).
    parser_classes = [JSONParser]

    @extend_schema(request=ComplaintFileSerializer, responses={201: FILED_RESPONSE})
    def post(self, request: Request) -> Response:
        return _file(request, Complaint.Channel.PORTAL, None)


# -- the complainant's follow-up ------------------------------------------------------------------------


class ReceiptSerializer(serializers.Serializer[dict[str, Any]]):
    receipt = serializers.CharField(max_length=64)


class ReceiptMessageSerializer(ReceiptSerializer):
    message = serializers.CharField(max_length=20000)


class _ReceiptView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [ReceiptThrottle, ReceiptGlobalThrottle]

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        # What a receipt opens (history, messages, files) is the complainant's alone: never cached.
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def complaint(self, request: Request) -> Complaint:
        serializer = ReceiptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = complaint_by_receipt(serializer.validated_data["receipt"])
        if complaint is None:
            # The same answer for a wrong, malformed or expired receipt.
            raise NotFound(_("No complaint matches this receipt."))
        return complaint


class PublicComplaintStatus(_ReceiptView):
    """The status of a complaint, its history and messages, given its receipt (in the body, never in a URL)."""

    @extend_schema(request=ReceiptSerializer, responses={200: dict[str, Any]})
    def post(self, request: Request) -> Response:
        return Response(complaint_status_data(self.complaint(request)))


class PublicComplaintMessage(_ReceiptView):
    @extend_schema(request=ReceiptMessageSerializer, responses={201: dict[str, Any]})
    def post(self, request: Request) -> Response:
        complaint = self.complaint(request)
        serializer = ReceiptMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            complainant_message(complaint=complaint, text=serializer.validated_data["message"])
        except DjangoValidationError as exc:
            raise _django_errors(exc) from None
        return Response(complaint_status_data(complaint), status=status.HTTP_201_CREATED)


class ReceiptReviewSerializer(ReceiptSerializer):
    reason = serializers.CharField(max_length=20000)


class PublicComplaintReview(_ReceiptView):
    """Ask the body above the one that closed the complaint to review it, within OMBUD_REVIEW_DAYS
    of its closing: the complaint is open again with that body, and the reasons are a message on it."""

    @extend_schema(request=ReceiptReviewSerializer, responses={200: dict[str, Any]})
    def post(self, request: Request) -> Response:
        complaint = self.complaint(request)
        serializer = ReceiptReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            complaint = complaint_review_request(complaint=complaint, reason=serializer.validated_data["reason"])
        except DjangoValidationError as exc:
            raise _django_errors(exc) from None
        return Response(complaint_status_data(complaint))


class PublicComplaintFiles(_ReceiptView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ReceiptSerializer}, responses={201: dict[str, Any]})
    def post(self, request: Request) -> Response:
        complaint = self.complaint(request)
        uploads = [UploadInput(f.name or "file", f.read()) for f in request.FILES.getlist("files")]
        added, refused = complainant_add_files(complaint=complaint, files=uploads)
        return Response(
            {"added": added, "refused": [{"name": r.name, "why": r.why} for r in refused]},
            status=status.HTTP_201_CREATED if added else status.HTTP_400_BAD_REQUEST,
        )


# -- staff: inbox and detail -----------------------------------------------------------------------------


class InboxItemSerializer(serializers.ModelSerializer[Complaint]):
    routed_to = serializers.CharField(source="routed_to.name", default="")
    categories: serializers.SlugRelatedField[Category] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    subjects = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "reference",
            "received_at",
            "occurred_on",
            "status",
            "channel",
            "routed_to",
            "ack_due_at",
            "action_due_at",
            "escalations",
            "categories",
            "subjects",
        ]

    def get_subjects(self, complaint: Complaint) -> list[dict[str, Any]]:
        return [
            {"kind": s.kind, "officer": s.officer_id, "official": s.official_id, "description": s.description}
            for s in complaint.subjects.all()
        ]


class ComplaintDetailSerializer(InboxItemSerializer):
    routing_reason = serializers.JSONField()
    routing_reason_text = serializers.SerializerMethodField()
    description = serializers.CharField()
    anonymous = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta(InboxItemSerializer.Meta):
        fields = [
            *InboxItemSerializer.Meta.fields,
            "description",
            "place",
            "place_text",
            "routing_reason",
            "routing_reason_text",
            "anonymous",
            "history",
            "messages",
            "files",
        ]

    def get_history(self, complaint: Complaint) -> list[dict[str, Any]]:
        """What happened to it: filed, routed, acknowledged, escalated, closed..."""
        return [
            {"at": e.at, "kind": e.kind, "body": e.body.code if e.body else "", "note": e.note}
            for e in complaint.events.select_related("body")
        ]

    def get_messages(self, complaint: Complaint) -> list[dict[str, Any]]:
        """The exchange with the complainant: ``from`` is "complainant" or the staff member's username."""
        return [
            {"at": m.at, "from": m.author.get_username() if m.author else "complainant", "body": m.body}
            for m in complaint.messages.select_related("author")
        ]

    def get_files(self, complaint: Complaint) -> list[dict[str, Any]]:
        """The complainant's files (cleaned of their metadata), each with its download address."""
        return [
            {
                "id": f.pk,
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "added_at": f.added_at,
                "download": reverse("api-complaint-file", args=[complaint.pk, f.pk]),
            }
            for f in complaint.files.order_by("added_at", "pk")
        ]

    def get_routing_reason_text(self, complaint: Complaint) -> list[str]:
        return selectors.routing_reason_lines(complaint)

    def get_anonymous(self, complaint: Complaint) -> bool:
        return complaint.complainant is None or complaint.complainant.anonymous


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Complaint.Status.values, required=False),
            OpenApiParameter(
                "overdue", str, enum=["1", "true", "yes"], required=False, description="past a deadline"
            ),
            OpenApiParameter("q", str, required=False, description="words of the reference or the description"),
            OpenApiParameter("body", int, required=False, description="routed to this body"),
            OpenApiParameter("officer", int, required=False, description="naming this officer"),
        ]
    )
)
class StaffInbox(generics.ListCreateAPIView[Complaint]):
    """The complaints routed to my bodies, overdue first; POST files one received on paper, by phone or letter."""

    permission_classes = [IsAuthenticated, NotBarred]
    serializer_class = InboxItemSerializer
    # A filing is JSON: a form body cannot carry the list of subjects, which would be lost unseen.
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[Complaint]:
        return selectors.complaint_inbox(self.request.user, **selectors.inbox_filters(self.request.query_params))

    @extend_schema(request=ComplaintFileSerializer, responses={201: FILED_RESPONSE})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not selectors.can_enter_complaints(request.user):
            raise NotFound
        # A body that is not an object (JSON null, a list) is left to the serializer to refuse.
        fields = request.data if hasattr(request.data, "get") else {}
        channel = str(fields.get("channel", Complaint.Channel.PAPER))
        if channel not in Complaint.Channel.values or channel == Complaint.Channel.IMPORT:
            raise ApiValidationError({"channel": [_("Choose paper, phone, letter, visit or portal.")]})
        return _file(request, channel, request.user)


class StaffComplaintDetail(generics.RetrieveAPIView[Complaint]):
    permission_classes = [IsAuthenticated, NotBarred]
    serializer_class = ComplaintDetailSerializer

    def get_object(self) -> Complaint:
        complaint = selectors.complaint_get_for_user(self.request.user, int(self.kwargs["pk"]))
        audit_record_now(actor=self.request.user, action="complaint.view", obj=complaint)
        return complaint


class StaffComplaintFile(APIView):
    """One of the complainant's files, as stored (metadata removed); each download is audited."""

    permission_classes = [IsAuthenticated, NotBarred]

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, pk: int, file_id: int) -> FileResponse:
        return complaint_file_response(request.user, pk, file_id)


def _step_answer(request: Request, step: Callable[[], Complaint]) -> Response:
    """A step on a complaint, answered with the complaint as it now stands: a showing of it, audited
    as every other (its own words can say who wrote it)."""
    try:
        complaint = step()
    except DjangoValidationError as exc:
        raise _django_errors(exc) from None
    audit_record_now(actor=request.user, action="complaint.view", obj=complaint)
    return Response(ComplaintDetailSerializer(complaint).data)


class StaffComplaintAcknowledge(APIView):
    permission_classes = [IsAuthenticated, NotBarred]

    @extend_schema(request=None, responses={200: ComplaintDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for_user(request.user, pk)
        return _step_answer(request, lambda: complaint_acknowledge(actor=request.user, complaint=complaint))


class CloseSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.ChoiceField(choices=list(CLOSING_REASONS))
    explanation = serializers.CharField(max_length=20000, help_text="What the complainant reads, as a message")


class StaffComplaintClose(APIView):
    """A head of the body it is with closes a complaint no case holds, with a reason and an
    explanation the complainant reads (who may ask the body above to review it)."""

    permission_classes = [IsAuthenticated, NotBarred]

    @extend_schema(request=CloseSerializer, responses={200: ComplaintDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for_user(request.user, pk)
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _step_answer(
            request, lambda: complaint_close(actor=request.user, complaint=complaint, **serializer.validated_data)
        )


class StaffComplaintRefer(APIView):
    """Its investigators and heads send an open complaint no case holds to the body above."""

    permission_classes = [IsAuthenticated, NotBarred]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "Referred", {"reference": serializers.CharField(), "routed_to": serializers.CharField()}
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for_user(request.user, pk)
        try:
            complaint = complaint_refer_up(actor=request.user, complaint=complaint)
        except DjangoValidationError as exc:
            raise _django_errors(exc) from None
        # It has left the body: the answer names where it went, not what it says.
        body = complaint.routed_to.name if complaint.routed_to else ""
        return Response({"reference": complaint.reference, "routed_to": body})


class StaffMessageSerializer(serializers.Serializer[dict[str, Any]]):
    message = serializers.CharField(max_length=20000)


class StaffComplaintMessage(APIView):
    permission_classes = [IsAuthenticated, NotBarred]

    @extend_schema(request=StaffMessageSerializer, responses={201: dict[str, Any]})
    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for_user(request.user, pk)
        serializer = StaffMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = staff_message(actor=request.user, complaint=complaint, text=serializer.validated_data["message"])
        return Response({"id": message.pk, "at": message.at}, status=status.HTTP_201_CREATED)


class IdentityRequestSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(min_length=10, max_length=1000)


class StaffComplainantIdentity(APIView):
    """A named complainant's identity, after stating why (audited)."""

    permission_classes = [IsAuthenticated, NotBarred]

    @extend_schema(request=IdentityRequestSerializer, responses={200: dict[str, Any]})
    def post(self, request: Request, pk: int) -> Response:
        complaint = selectors.complaint_get_for_user(request.user, pk)
        serializer = IdentityRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        identity = complainant_identity_reveal(
            actor=request.user, complaint=complaint, reason=serializer.validated_data["reason"]
        )
        if identity is None:
            return Response({"anonymous": True})
        response = Response({"anonymous": False, "name": identity.name, "contact": identity.contact})
        add_never_cache_headers(response)
        return response


API_PARSERS = [JSONParser, FormParser, MultiPartParser]
