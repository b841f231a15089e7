"""The audit log for administrators: its head, to publish, and a check of the whole chain, on a page
and in the API (as ``ombud audit head`` and ``ombud audit verify`` do). The head names nothing and
is public: anyone holding a published head can tell whether the log was rewritten since."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ombud.accounts.barred import NotBarred
from ombud.accounts.scope import scope_for
from ombud.audit.selectors import ChainReport, audit_head, audit_verify
from ombud.core.access import NotFoundForUser
from ombud.core.views import render_page


def _require_administrator(user: Any) -> None:
    scope = scope_for(user)
    if scope.barred or not scope.administrator:
        raise NotFoundForUser


def _report_json(report: ChainReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "entries": report.entries,
        "head_hash": report.head_hash,
        "problem": report.problem,
        "bad_seq": report.bad_seq,
    }


@login_required
@require_http_methods(["GET", "POST"])
def audit_page(request: HttpRequest) -> HttpResponse:
    """The head, and on request (a POST: it reads the whole log) the chain checked."""
    _require_administrator(request.user)
    seq, digest = audit_head()
    report = audit_verify() if request.method == "POST" else None
    return render_page(request, "audit/audit.html", {"seq": seq, "digest": digest, "report": report})


HEAD = inline_serializer("AuditHead", {"seq": serializers.IntegerField(), "hash": serializers.CharField()})
VERIFIED = inline_serializer(
    "AuditVerified",
    {
        "ok": serializers.BooleanField(),
        "entries": serializers.IntegerField(help_text="Entries that hold, from the first"),
        "head_hash": serializers.CharField(help_text="The hash of the last entry that holds"),
        "problem": serializers.CharField(help_text="The first thing that does not hold; empty when ok"),
        "bad_seq": serializers.IntegerField(allow_null=True, help_text="The entry where it breaks"),
    },
)


class AuditHeadView(APIView):
    """The chain's head: publish it, and later compare."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: HEAD})
    def get(self, request: Request) -> Response:
        seq, digest = audit_head()
        return Response({"seq": seq, "hash": digest})


class AuditVerifyView(APIView):
    """Walks the whole chain (administrators): whether every entry holds, else the first that does not."""

    permission_classes = [IsAuthenticated, NotBarred]

    @extend_schema(request=None, responses={200: VERIFIED})
    def post(self, request: Request) -> Response:
        _require_administrator(request.user)
        return Response(_report_json(audit_verify()))
