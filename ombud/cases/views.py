"""Pages of casework: the investigator's workspace, opening a case, and the case page with its
allegations, findings, evidence, notes, tasks and measures. Thin: forms parse, ``cases.services``
write, ``cases.selectors`` read; every case is loaded through its access gate.

Each form posts to its own URL; on success the browser is sent back to the case page, on an error the
case page is shown again (400) with the form's errors and what was typed. A step the user may not
take is refused by the service (PermissionDenied: Django's 403 page)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from ombud.accounts.scope import scope_for
from ombud.audit.services import audit_record_now
from ombud.cases.forms import (
    FIND_OFFICER,
    AllegationForm,
    CaseCloseForm,
    CaseOpenForm,
    CustodyForm,
    EvidenceForm,
    FindingDecideForm,
    FindingProposeForm,
    NoteForm,
    TaskForm,
)
from ombud.cases.models import Allegation, Case, CustodyEntry, EvidenceItem
from ombud.cases.packages import package_build
from ombud.cases.selectors import (
    WORK_ROLES,
    CasePage,
    EvidenceRow,
    MeasureRow,
    acts_for,
    allegation_get_for_user,
    bodies_for_new_case,
    case_get_for_user,
    case_page_for,
    case_workspace,
    evidence_get_for_user,
    evidence_name_for,
    task_get_for_user,
    workspace_filters,
)
from ombud.cases.services import (
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
from ombud.core.access import NotFoundForUser
from ombud.core.forms import ServiceForm
from ombud.core.typed import parse_id
from ombud.core.views import render_page
from ombud.discipline.forms import AppealDecideForm, DecideForm, FollowUpForm, MeasureProposeForm, NotifyForm

WORKSPACE_PAGE_SIZE = 50

# -- the workspace and opening a case ------------------------------------------------------------------


@login_required
@require_safe
def case_workspace_page(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not scope.works_cases:
        return render_page(request, "cases/workspace.html", {"no_cases": True})
    filters = workspace_filters(request.GET)
    page = Paginator(case_workspace(request.user, **filters), WORKSPACE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_page(
        request,
        "cases/workspace.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Case.Status.choices,
            "can_open": bodies_for_new_case(request.user).exists(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_open_page(request: HttpRequest) -> HttpResponse:
    if not bodies_for_new_case(request.user).exists():
        raise NotFoundForUser
    if request.method != "POST":
        # ``?complaint=ID`` ticks that complaint, for a link from the complaint's page.
        chosen = [pk for pk in map(parse_id, request.GET.getlist("complaint")) if pk is not None]
        form = CaseOpenForm(user=request.user, initial={"complaints": chosen})
        return render_page(request, "cases/open.html", {"form": form})
    form = CaseOpenForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = case_open(
                actor=request.user,
                body=data["body"],
                title=data["title"],
                summary=data["summary"],
                complaints=list(data["complaints"]),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("case_detail", case_id=case.pk)
    response = render_page(request, "cases/open.html", {"form": form})
    response.status_code = 400
    return response


# -- the case page -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllegationItem:
    allegation: Allegation
    propose: forms.Form
    decide: forms.Form


@dataclass(frozen=True)
class EvidenceItemView:
    row: EvidenceRow
    custody: forms.Form
    supersede: forms.Form


@dataclass(frozen=True)
class MeasureItem:
    row: MeasureRow
    notify: forms.Form
    decide: forms.Form
    decide_appeal: forms.Form
    follow_up: forms.Form
    # A refused "done" on one of the measure's follow-ups, with its message.
    follow_up_done: forms.Form | None


def case_page_response(
    request: HttpRequest,
    case_id: int,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    searching: bool = False,
) -> HttpResponse:
    """The case page, with any form just sent (``bound``, keyed by its prefix) shown as it was sent."""
    page: CasePage = case_page_for(request.user, case_id)
    case = page.case
    # Past the gate (a case out of reach is a 404 before this); every showing, a form's redraw too.
    audit_record_now(actor=request.user, action="case.view", obj=case)
    bound = bound or {}
    user = request.user
    allegation_form = bound.get("allegation") or AllegationForm(user=user, prefix="allegation")
    assert isinstance(allegation_form, AllegationForm)
    matches, more_matches = allegation_form.officer_matches(searching)
    allegations = []
    for a in page.allegations:
        propose = bound.get(f"propose-{a.pk}") or FindingProposeForm(prefix=f"propose-{a.pk}")
        decide = bound.get(f"decide-{a.pk}") or FindingDecideForm(
            prefix=f"decide-{a.pk}", initial={"finding": a.proposed_finding}
        )
        allegations.append(AllegationItem(a, propose, decide))
    evidence = []
    for row in page.evidence:
        pk = row.item.pk
        custody = bound.get(f"custody-{pk}") or CustodyForm(prefix=f"custody-{pk}")
        supersede = bound.get(f"supersede-{pk}") or EvidenceForm(
            case=case, prefix=f"supersede-{pk}", initial={"supersedes": pk}
        )
        evidence.append(EvidenceItemView(row, custody, supersede))
    measures = []
    for m in page.measures:
        pk = m.measure.pk
        measures.append(
            MeasureItem(
                m,
                bound.get(f"notify-{pk}") or NotifyForm(prefix=f"notify-{pk}"),
                bound.get(f"mdecide-{pk}") or DecideForm(prefix=f"mdecide-{pk}"),
                bound.get(f"appeal-{pk}") or AppealDecideForm(prefix=f"appeal-{pk}"),
                bound.get(f"followup-{pk}") or FollowUpForm(prefix=f"followup-{pk}"),
                bound.get(f"followupdone-{pk}"),
            )
        )
    context = {
        "page": page,
        "case": case,
        "allegations": allegations,
        "evidence": evidence,
        "measures": measures,
        "allegation_form": allegation_form,
        "officer_matches": matches,
        "more_matches": more_matches,
        "searched_officer": searching,
        "evidence_form": bound.get("evidence") or EvidenceForm(case=case, prefix="evidence"),
        "note_form": bound.get("note") or NoteForm(prefix="note"),
        "task_form": bound.get("task") or TaskForm(prefix="task", case=case),
        "close_form": bound.get("close") or CaseCloseForm(prefix="close"),
        "done_form": bound.get("done"),
        "measure_form": bound.get("measure") or MeasureProposeForm(case=case, prefix="measure"),
        "show_errors": bool(bound) and status >= 400,
        "user_id": getattr(user, "pk", None),
    }
    response = render_page(request, "cases/case_detail.html", context)
    response.status_code = status
    return response


@login_required
@require_safe
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return case_page_response(request, case_id)


def submit(
    request: HttpRequest,
    case_id: int,
    form: ServiceForm,
    action: Callable[[dict[str, Any]], object],
    *,
    success: str,
    anchor: str,
) -> HttpResponse:
    """Run ``action`` with a valid form's data; back to the case page on success, else the page again
    with the form's errors (400). PermissionDenied from the service goes up: a 403."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, success)
            return redirect(f"{reverse('case_detail', args=[case_id])}#{anchor}")
    key = form.prefix or ""
    return case_page_response(request, case_id, bound={key: form}, status=400)


def _case(request: HttpRequest, case_id: int) -> Case:
    return case_get_for_user(request.user, case_id)


@login_required
@require_POST
def allegation_add_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if FIND_OFFICER in request.POST:
        form = AllegationForm.kept(request.POST, user=request.user, prefix="allegation")
        return case_page_response(request, case.pk, bound={"allegation": form}, searching=True)
    form = AllegationForm(request.POST, user=request.user, prefix="allegation")

    def add(data: dict[str, Any]) -> object:
        return allegation_add(
            actor=request.user,
            case=case,
            category=data["category"],
            officer=data["subject_officer"],
            official=data["subject_official"],
            particulars=form.particulars(),
            occurred_on=data["occurred_on"],
        )

    return submit(request, case.pk, form, add, success=_("Allegation added."), anchor="allegations")


def _allegation(request: HttpRequest, case_id: int, allegation_id: int) -> Allegation:
    allegation = allegation_get_for_user(request.user, allegation_id)
    if allegation.case_id != case_id:
        raise NotFoundForUser
    return allegation


@login_required
@require_POST
def finding_propose_page(request: HttpRequest, case_id: int, allegation_id: int) -> HttpResponse:
    allegation = _allegation(request, case_id, allegation_id)
    form = FindingProposeForm(request.POST, prefix=f"propose-{allegation.pk}")
    return submit(
        request,
        case_id,
        form,
        lambda data: finding_propose(actor=request.user, allegation=allegation, **data),
        success=_("Finding proposed. A body head other than you decides it."),
        anchor=f"allegation-{allegation.pk}",
    )


@login_required
@require_POST
def finding_decide_page(request: HttpRequest, case_id: int, allegation_id: int) -> HttpResponse:
    allegation = _allegation(request, case_id, allegation_id)
    form = FindingDecideForm(request.POST, prefix=f"decide-{allegation.pk}")
    return submit(
        request,
        case_id,
        form,
        lambda data: finding_decide(actor=request.user, allegation=allegation, **data),
        success=_("Finding decided."),
        anchor=f"allegation-{allegation.pk}",
    )


@login_required
@require_POST
def evidence_add_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    # The general upload form, or the "supersede" form under one item (prefix "supersede-<id>").
    prefix = request.POST.get("form", "evidence")
    if prefix != "evidence" and not (prefix.startswith("supersede-") and prefix[10:].isdigit()):
        prefix = "evidence"
    form = EvidenceForm(request.POST, request.FILES, case=case, prefix=prefix)

    def add(data: dict[str, Any]) -> object:
        upload = data["file"]
        return evidence_add(
            actor=request.user,
            case=case,
            name=upload.name or "file",
            data=form.data_bytes(),
            description=data["description"],
            received_from=data["received_from"],
            supersedes=data["supersedes"],
            max_bytes=form.limit,
        )

    return submit(request, case.pk, form, add, success=_("Evidence added."), anchor="evidence")


def _evidence(request: HttpRequest, case_id: int, item_id: int) -> EvidenceItem:
    item = evidence_get_for_user(request.user, item_id)
    if item.case_id != case_id:
        raise NotFoundForUser
    return item


@login_required
@require_GET
def evidence_download_page(request: HttpRequest, case_id: int, item_id: int) -> FileResponse:
    """The file as stored, checked against its SHA-256; the download is a custody entry."""
    item = _evidence(request, case_id, item_id)
    data = evidence_read(actor=request.user, item=item)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=evidence_name_for(request.user, item),
        content_type=item.content_type,
    )
    add_never_cache_headers(response)
    return response


def _require_work_role(request: HttpRequest, case: Case) -> None:
    # custody_record and package_build leave the role to their callers: the case's own body acts.
    if not acts_for(request.user, case.body_id, WORK_ROLES):
        raise PermissionDenied(_("You do not act for this body in that role."))


@login_required
@require_POST
def custody_transfer_page(request: HttpRequest, case_id: int, item_id: int) -> HttpResponse:
    item = _evidence(request, case_id, item_id)
    _require_work_role(request, item.case)
    form = CustodyForm(request.POST, prefix=f"custody-{item.pk}")
    return submit(
        request,
        case_id,
        form,
        lambda data: custody_record(actor=request.user, item=item, action=CustodyEntry.Action.TRANSFERRED, **data),
        success=_("Hand-over recorded."),
        anchor=f"item-{item.pk}",
    )


@login_required
@require_POST
def note_add_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = NoteForm(request.POST, prefix="note")
    return submit(
        request,
        case.pk,
        form,
        lambda data: note_add(actor=request.user, case=case, **data),
        success=_("Note added."),
        anchor="notes",
    )


@login_required
@require_POST
def task_add_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = TaskForm(request.POST, prefix="task", case=case)
    return submit(
        request,
        case.pk,
        form,
        lambda data: task_add(actor=request.user, case=case, **data),
        success=_("Task added."),
        anchor="tasks",
    )


@login_required
@require_POST
def task_done_page(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    task = task_get_for_user(request.user, task_id)
    if task.case_id != case_id:
        raise NotFoundForUser
    form = ServiceForm(request.POST, prefix="done")
    return submit(
        request,
        case_id,
        form,
        lambda data: task_done(actor=request.user, task=task),
        success=_("Task marked done."),
        anchor="tasks",
    )


@login_required
@require_POST
def case_close_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    form = CaseCloseForm(request.POST, prefix="close")
    return submit(
        request,
        case.pk,
        form,
        lambda data: case_close(actor=request.user, case=case, **data),
        success=_("The case is closed."),
        anchor="case",
    )


@login_required
@require_GET
def case_package_page(request: HttpRequest, case_id: int) -> FileResponse:
    """The referral package: a signed ZIP; building it is a custody event for every evidence item."""
    case = _case(request, case_id)
    _require_work_role(request, case)
    data = package_build(actor=request.user, case=case)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"{case.number}-referral.zip",
        content_type="application/zip",
    )
    add_never_cache_headers(response)
    return response
