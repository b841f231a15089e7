"""Pages of intake: the public portal (file, receipt, status, proof check) with no account, and the
staff's inbox, complaint page and clerk entry. Thin: forms parse, services write, selectors read.

A receipt travels only in POST bodies and in the page that shows it; it is never put in a URL, a
session, a cookie or a log, and the pages that show it are not cached."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ombud.accounts.models import Role
from ombud.accounts.scope import scope_for
from ombud.audit.services import audit_record_now
from ombud.cases.models import Case
from ombud.cases.selectors import WORK_ROLES, acts_for, case_list_for_user
from ombud.core import keys
from ombud.core.access import NotFoundForUser
from ombud.core.files import open_blob
from ombud.core.views import render_page
from ombud.intake.forms import ClerkComplaintForm, ComplaintForm, searching
from ombud.intake.models import Complaint
from ombud.intake.proofs import proof_verify
from ombud.intake.receipts import receipt_normalize
from ombud.intake.selectors import (
    can_enter_complaints,
    complaint_get_for_user,
    complaint_inbox,
    complaint_status_data,
    inbox_filters,
    may_reveal_identity,
    related_complaints,
    routing_reason_lines,
)
from ombud.intake.services import (
    CLOSING_REASONS,
    FiledComplaint,
    Identity,
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
from ombud.intake.throttles import (
    FilingThrottle,
    ReceiptGlobalThrottle,
    ReceiptThrottle,
    SearchThrottle,
    throttle_wait,
)

Renderer = Callable[[HttpRequest, str, dict[str, Any]], HttpResponse]

INBOX_PAGE_SIZE = 50
# Longer than any real proof (a few hundred characters), short enough not to be a burden.
MAX_PROOF_LENGTH = 4000


def _plain(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context)


def _throttled(request: HttpRequest, wait: float) -> HttpResponse:
    seconds = max(1, math.ceil(wait))
    response = render(request, "intake/throttled.html", {"seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _uploads(request: HttpRequest) -> list[UploadInput]:
    return [UploadInput(f.name or "file", f.read()) for f in request.FILES.getlist("evidence")]


# -- filing: one flow for the portal and the clerk ----------------------------------------------------


def _complaint_form_page(
    request: HttpRequest,
    *,
    form_class: type[ComplaintForm],
    template: str,
    actor: Any,
    respond: Renderer,
    public: bool,
) -> HttpResponse:
    """Show the form, run a place or officer search, or file; the answer to a filing is the receipt."""
    if request.method != "POST":
        form = form_class()
        return respond(request, template, {"form": form, "matches": form.matches()})
    # Browsers do not send files again with a re-rendered form: the page says so.
    files_dropped = bool(request.FILES.getlist("evidence"))
    search = searching(request.POST)
    if search is not None:
        wait = throttle_wait(request, [SearchThrottle()]) if public else None
        if wait is not None:
            return _throttled(request, wait)
        form = form_class.kept(request.POST)
        context = {"form": form, "matches": form.matches(search), "files_dropped": files_dropped}
        return respond(request, template, context)
    wait = throttle_wait(request, [FilingThrottle()]) if public else None
    if wait is not None:
        return _throttled(request, wait)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            filed = complaint_file(actor=actor, data=form.to_input())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _receipt_page(request, filed, respond)
    context = {"form": form, "matches": form.matches(), "files_dropped": files_dropped}
    return respond(request, template, context)


def report_token_expired(request: HttpRequest) -> HttpResponse:
    """The portal's form sent after its session ended (no CSRF token: the browser was restarted, its
    cookies cleared): nothing is filed, and the form comes back with what was typed and a fresh
    token, to check and send again; a complaint written at length is not lost to an expired cookie."""
    form = ComplaintForm.kept(request.POST)
    context = {
        "form": form,
        "matches": form.matches(),
        "files_dropped": bool(request.FILES.getlist("evidence")),
        "token_expired": True,
    }
    response = _plain(request, "intake/report.html", context)
    response.status_code = 403
    # It may hold the complainant's name and contact: kept out of caches as the form itself is.
    add_never_cache_headers(response)
    return response


def _receipt_page(request: HttpRequest, filed: FiledComplaint, respond: Renderer) -> HttpResponse:
    """Shown once, as the answer to the filing itself: never cached, never reachable again."""
    complaint = filed.complaint
    response = respond(
        request,
        "intake/receipt.html",
        {
            "receipt_groups": filed.receipt.split("-"),
            "complaint": complaint,
            "body": complaint.routed_to,
            # A body the complainant chose that does not oversee whom he named: said here, or he
            # would believe it went where he asked.
            "addressee_refused": complaint.addressee
            if complaint.routing_reason.get("addressee_refused") == complaint.addressee_id
            else None,
            "proof": filed.proof,
            "refused": filed.refused_files,
        },
    )
    add_never_cache_headers(response)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    return _complaint_form_page(
        request, form_class=ComplaintForm, template="intake/report.html", actor=None, respond=_plain, public=True
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_enter(request: HttpRequest) -> HttpResponse:
    if not can_enter_complaints(request.user):
        raise NotFoundForUser
    return _complaint_form_page(
        request,
        form_class=ClerkComplaintForm,
        template="intake/enter.html",
        actor=request.user,
        respond=render_page,
        public=False,
    )


# -- the complainant's follow-up, through the receipt --------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def report_status(request: HttpRequest) -> HttpResponse:
    """Ask for the receipt; with the right one, show the status and take a message or files.

    Every POST is a receipt check and counts against the throttles, the message and file forms too."""
    if request.method != "POST":
        return render(request, "intake/status_ask.html", {})
    wait = throttle_wait(request, [ReceiptThrottle(), ReceiptGlobalThrottle()])
    if wait is not None:
        return _throttled(request, wait)
    receipt = request.POST.get("receipt", "")[:64]
    complaint = complaint_by_receipt(receipt)
    if complaint is None:
        # The same page, word for word, for a wrong, malformed or expired receipt.
        return render(request, "intake/status_ask.html", {"not_found": True}, status=404)
    context: dict[str, Any] = {"receipt": receipt_normalize(receipt)}
    action = request.POST.get("action")
    if action == "message":
        try:
            complainant_message(complaint=complaint, text=request.POST.get("message", ""))
        except ValidationError as exc:
            context["message_errors"] = exc.messages
            context["message_text"] = request.POST.get("message", "")
        else:
            context["message_sent"] = True
    elif action == "review":
        try:
            complaint = complaint_review_request(complaint=complaint, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            context["review_errors"] = exc.messages
            context["review_text"] = request.POST.get("reason", "")
        else:
            context["review_sent"] = True
    elif action == "files":
        uploads = _uploads(request)
        if uploads:
            context["files_added"], context["files_refused"] = complainant_add_files(
                complaint=complaint, files=uploads
            )
        else:
            context["files_missing"] = True
    context["status"] = complaint_status_data(complaint)
    refused = "message_errors" in context or "review_errors" in context
    return render(request, "intake/status.html", context, status=400 if refused else 200)


@require_http_methods(["GET", "POST"])
def report_proof(request: HttpRequest) -> HttpResponse:
    """Anyone may check a proof of filing: it states a date, a body and a digest, no content."""
    proof = request.POST.get("proof", "")[:MAX_PROOF_LENGTH] if request.method == "POST" else ""
    check = proof_verify(proof) if proof.strip() else None
    return render(
        request,
        "intake/proof.html",
        {"proof": proof, "check": check, "fingerprint": keys.fingerprint(), "asked": request.method == "POST"},
    )


# -- staff: the inbox and one complaint ----------------------------------------------------------------


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    # Only members of an oversight body (and administrators) receive complaints.
    if not (scope.administrator or scope.body_ids):
        return render_page(request, "intake/inbox.html", {"no_inbox": True})
    filters = inbox_filters(request.GET)
    complaints = complaint_inbox(request.user, **filters).prefetch_related(
        "subjects__officer", "subjects__official"
    )
    page = Paginator(complaints, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    # The selector owns the overdue rule: ask it which of this page's complaints are overdue.
    overdue = set(
        complaint_inbox(request.user, overdue=True)
        .filter(pk__in=[c.pk for c in page])
        .values_list("pk", flat=True)
    )
    return render_page(
        request,
        "intake/inbox.html",
        {
            "page": page,
            "overdue": overdue,
            "filters": filters,
            "statuses": Complaint.Status.choices,
            "can_enter": can_enter_complaints(request.user),
        },
    )


def _detail_context(request: HttpRequest, complaint: Complaint, **extra: Any) -> dict[str, Any]:
    complainant = complaint.complainant
    scope, routed_to = scope_for(request.user), complaint.routed_to_id or 0
    open_without_case = (
        complaint.status != Complaint.Status.CLOSED
        and not complaint.cases.filter(status=Case.Status.OPEN).exists()
    )
    return {
        "complaint": complaint,
        "subjects": list(complaint.subjects.select_related("officer__unit", "official")),
        "categories": list(complaint.categories.all()),
        "files": list(complaint.files.order_by("added_at", "pk")),
        "events": list(complaint.events.select_related("body")),
        "complaint_messages": list(complaint.messages.select_related("author")),
        "routing_lines": routing_reason_lines(complaint),
        "related": list(related_complaints(complaint, request.user)),
        "anonymous": complainant is None or complainant.anonymous,
        "may_reveal": may_reveal_identity(request.user, complaint),
        "cases": list(case_list_for_user(request.user).filter(complaints=complaint).order_by("opened_at")),
        "may_open_case": complaint.status != Complaint.Status.CLOSED
        and complaint.routed_to_id is not None
        and acts_for(request.user, complaint.routed_to_id, WORK_ROLES),
        # Closing without a case, or sending it up: the steps of the body it is with (the services
        # check again), offered only while no open case holds it.
        "may_close": open_without_case and scope.acts_in(routed_to, {Role.BODY_HEAD}),
        "may_refer": open_without_case and scope.acts_in(routed_to, {Role.BODY_HEAD, Role.INVESTIGATOR}),
        "closing_reasons": CLOSING_REASONS,
        **extra,
    }


def _detail_page(request: HttpRequest, complaint: Complaint, **extra: Any) -> HttpResponse:
    # Every showing of the complaint, a form's redraw too: its own words can say who wrote it.
    audit_record_now(actor=request.user, action="complaint.view", obj=complaint)
    response = render_page(request, "intake/detail.html", _detail_context(request, complaint, **extra))
    if any(value for key, value in extra.items() if key.endswith("_errors")):
        response.status_code = 400  # a form on the page was refused
    return response


def _complaint(request: HttpRequest, complaint_id: int) -> Complaint:
    complaint = complaint_get_for_user(request.user, complaint_id)
    return Complaint.objects.select_related("place", "routed_to", "addressee", "complainant").get(pk=complaint.pk)


@login_required
@require_safe
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _detail_page(request, _complaint(request, complaint_id))


@login_required
@require_POST
def complaint_acknowledge_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _complaint(request, complaint_id)
    try:
        complaint_acknowledge(actor=request.user, complaint=complaint)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Acknowledged. The complainant's status page says so."))
    return redirect("complaint_detail", complaint_id=complaint.pk)


@login_required
@require_POST
def complaint_close_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _complaint(request, complaint_id)
    reason, explanation = request.POST.get("reason", ""), request.POST.get("explanation", "")
    try:
        complaint_close(actor=request.user, complaint=complaint, reason=reason, explanation=explanation)
    except ValidationError as exc:
        return _detail_page(
            request, complaint, close_errors=exc.messages, close_reason=reason, close_explanation=explanation
        )
    messages.success(request, _("Closed. The complainant reads why, and may ask the body above to review it."))
    return redirect("complaint_detail", complaint_id=complaint.pk)


@login_required
@require_POST
def complaint_refer_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _complaint(request, complaint_id)
    try:
        complaint = complaint_refer_up(actor=request.user, complaint=complaint)
    except ValidationError as exc:
        return _detail_page(request, complaint, refer_errors=exc.messages)
    body = complaint.routed_to.name if complaint.routed_to else ""
    messages.success(request, _("Referred to %(body)s.") % {"body": body})
    # It has left the body: its page may no longer be the user's to read.
    return redirect("complaint_inbox")


@login_required
@require_POST
def complaint_message_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = _complaint(request, complaint_id)
    text = request.POST.get("message", "")
    try:
        staff_message(actor=request.user, complaint=complaint, text=text)
    except ValidationError as exc:
        return _detail_page(request, complaint, message_errors=exc.messages, message_text=text)
    messages.success(request, _("Message sent. The complainant reads it with their receipt."))
    return redirect("complaint_detail", complaint_id=complaint.pk)


@login_required
@require_POST
def complaint_identity_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Shows a named complainant's identity on this one answer, after the reason is recorded."""
    complaint = _complaint(request, complaint_id)
    reason = request.POST.get("reason", "")
    try:
        identity: Identity | None = complainant_identity_reveal(
            actor=request.user, complaint=complaint, reason=reason
        )
    except ValidationError as exc:
        return _detail_page(request, complaint, reason_errors=exc.messages, reason_text=reason)
    response = _detail_page(request, complaint, identity=identity, identity_asked=True)
    add_never_cache_headers(response)
    return response


@login_required
@require_safe
def complaint_file_download(request: HttpRequest, complaint_id: int, file_id: int) -> FileResponse:
    return complaint_file_response(request.user, complaint_id, file_id)


def complaint_file_response(user: Any, complaint_id: int, file_id: int) -> FileResponse:
    """A complaint's file for staff (the page's link and the API), through the gate, audited."""
    complaint = complaint_get_for_user(user, complaint_id)
    stored = complaint.files.filter(pk=file_id).first()
    if stored is None:
        raise Http404
    data = open_blob(stored.sha256)
    audit_record_now(actor=user, action="complaint.file.download", obj=complaint, data={"file": stored.pk})
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=stored.name, content_type=stored.content_type
    )
    add_never_cache_headers(response)
    return response
