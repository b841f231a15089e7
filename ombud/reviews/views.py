"""The officer dossier page, and the pages of directives, meetings, period reports (``pages.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ombud.accounts.models import Role
from ombud.accounts.scope import active_memberships, scope_for
from ombud.audit.services import audit_record_now
from ombud.core.access import NotFoundForUser
from ombud.core.charts import bar_chart
from ombud.core.forms import ServiceForm
from ombud.core.typed import parse_id
from ombud.core.views import render_page
from ombud.org.models import OversightBody
from ombud.org.selectors import officer_mover, unit_get_for_user, unit_list_for_user
from ombud.org.services import NOT_MOVED
from ombud.reviews.forms import (
    AttendanceForm,
    DirectiveForm,
    ItemMinutesForm,
    MeetingForm,
    MinutesForm,
    ReportForm,
    ResolutionForm,
    SignOffForm,
)
from ombud.reviews.models import AgendaItem, Attendance, DirectiveTarget, Meeting
from ombud.reviews.reports import chart_values, period_report, report_file, report_sections
from ombud.reviews.selectors import (
    AGENDA_REASONS,
    ItemAsRead,
    acts_for_body,
    directive_compliance,
    directive_get_for_user,
    directive_list_for_user,
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


@login_required
@require_safe
def officer_dossier_page(request: HttpRequest, officer_id: int) -> HttpResponse:
    dossier = dossier_read(request.user, officer_id, request.GET)
    movable = officer_mover(request.user, dossier.officer) and dossier.officer.status not in NOT_MOVED
    return render_page(request, "reviews/officer_dossier.html", {"dossier": dossier, "movable": movable})


# --- directives and their compliance ------------------------------------------------------------------


@login_required
@require_safe
def reviews_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    if not scope.is_staff_role or scope.barred:
        raise NotFoundForUser
    directives = (
        directive_list_for_user(user)
        .select_related("body", "unit")
        .annotate(
            targets_total=Count("targets", distinct=True),
            targets_overdue=Count(
                "targets", filter=Q(targets__state=DirectiveTarget.State.OVERDUE), distinct=True
            ),
            targets_done=Count(
                "targets", filter=Q(targets__state=DirectiveTarget.State.MINUTES_FILED), distinct=True
            ),
        )
    )
    meetings = meeting_list_for_user(user).select_related("unit", "body", "directive")[:MEETINGS_LISTED]
    return render_page(
        request,
        "reviews/index.html",
        {
            "directives": directives,
            "meetings": meetings,
            "can_issue": _issuing_bodies(user).exists(),
            "can_report": _may_report(user),
            "can_publish": bool(scope.body_ids) or scope.administrator,
        },
    )


MEETINGS_LISTED = 50


def _issuing_bodies(user: Any) -> QuerySet[OversightBody]:
    scope = scope_for(user)
    if scope.barred:
        return OversightBody.objects.none()
    if scope.administrator:
        return OversightBody.objects.order_by("level", "name")
    heads = {m.body_id for m in active_memberships(user) if m.role == Role.BODY_HEAD and m.body_id is not None}
    return OversightBody.objects.filter(pk__in=heads).order_by("level", "name")


def _may_report(user: Any) -> bool:
    try:
        report_units_for_user(user)
    except NotFoundForUser:
        return False
    return True


@login_required
def directive_new(request: HttpRequest) -> HttpResponse:
    bodies = _issuing_bodies(request.user)
    if not bodies.exists():
        raise NotFoundForUser
    units = unit_list_for_user(request.user).order_by("path")
    form = DirectiveForm(request.POST or None, bodies=bodies, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                directive = directive_issue(actor=request.user, **data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Directive issued: every unit it reaches now has its duty."))
                return redirect("directive_detail", directive.pk)
    response = render_page(request, "reviews/directive_new.html", {"form": form})
    response.status_code = status
    return response


@login_required
@require_safe
def directive_detail(request: HttpRequest, directive_id: int) -> HttpResponse:
    directive = directive_get_for_user(request.user, directive_id)
    return render_page(
        request, "reviews/directive_detail.html", {"compliance": directive_compliance(request.user, directive)}
    )


# --- meetings -----------------------------------------------------------------------------------------


def _query_id(request: HttpRequest, name: str) -> int | None:
    return parse_id(request.GET.get(name, ""))


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    """Schedule a meeting: ``?directive=&unit=`` to answer a directive, ``?unit=`` for a unit's own,
    ``?body=`` for a body's."""
    user = request.user
    directive_id, unit_id, body_id = (_query_id(request, name) for name in ("directive", "unit", "body"))
    directive = directive_get_for_user(user, directive_id) if directive_id else None
    unit = unit_get_for_user(user, unit_id) if unit_id else None
    body = None
    if body_id is not None:
        body = OversightBody.objects.filter(pk=body_id).first()
        if body is None or not acts_for_body(user, body.pk):
            raise NotFoundForUser
    if unit is None and body is None:
        raise NotFoundForUser
    scope = scope_for(user)
    # The form is for those who will be allowed to send it (the service checks again).
    allowed = (
        acts_for_body(user, directive.body_id)
        if directive is not None
        else (body is not None or scope.administrator or bool(scope.body_ids)) and not scope.barred
    )
    if not allowed:
        raise NotFoundForUser
    where = unit.name if unit else (body.name if body else "")
    initial: dict[str, Any] = {
        "starts_on": timezone.localdate(),
        "title": _("General assembly of %(unit)s") % {"unit": where},
    }
    if directive is not None:
        initial.update(
            kind=directive.meeting_kind,
            period_start=directive.period_start,
            period_end=directive.period_end,
            title=_("%(kind)s of %(unit)s")
            % {"kind": directive.get_meeting_kind_display().capitalize(), "unit": where},
        )
    form = MeetingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                meeting = meeting_schedule(
                    actor=user, unit=unit, body=body, directive=directive, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Meeting scheduled; the expected attendees are listed."))
                return redirect("meeting_detail", meeting.pk)
    response = render_page(
        request, "reviews/meeting_new.html", {"form": form, "directive": directive, "unit": unit, "body": body}
    )
    response.status_code = status
    return response


@dataclass(frozen=True)
class ItemView:
    item: AgendaItem
    form: ItemMinutesForm
    dossier_query: str
    as_read: ItemAsRead


def meeting_response(
    request: HttpRequest, meeting: Meeting, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    bound = bound or {}
    page = meeting_page(request.user, meeting)
    since, until = page.period
    query = urlencode({"since": since.isoformat(), "until": until.isoformat()})
    items = [
        ItemView(
            item,
            bound.get(f"item-{item.pk}")
            or ItemMinutesForm(
                prefix=f"item-{item.pk}", initial={"statement": item.statement, "criticisms": item.criticisms}
            ),
            query,
            page.as_read[item.pk],
        )
        for item in page.items
    ]
    context = {
        "page": page,
        "meeting": meeting,
        "items": items,
        "reasons": AGENDA_REASONS,
        "attendance_form": bound.get("attendance") or AttendanceForm(prefix="attendance", rows=page.attendance),
        "resolution_form": bound.get("resolution")
        or ResolutionForm(
            prefix="resolution", items=AgendaItem.objects.filter(meeting=meeting).select_related("officer")
        ),
        "minutes_form": bound.get("minutes")
        or MinutesForm(prefix="minutes", initial={"minutes": meeting.minutes}),
        "sign_form": bound.get("sign") or SignOffForm(prefix="sign"),
        "show_errors": bool(bound),
    }
    response = render_page(request, "reviews/meeting_detail.html", context)
    response.status_code = status
    return response


@login_required
@require_safe
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, meeting_id)
    # The agenda carries officers' compiled records: reading it is a read of sensitive data.
    audit_record_now(actor=request.user, action="meeting.view", obj=meeting)
    return meeting_response(request, meeting)


def _meeting_step(
    request: HttpRequest,
    meeting: Meeting,
    key: str,
    form: ServiceForm,
    action: Callable[[dict[str, Any]], object],
    *,
    success: str,
    anchor: str,
) -> HttpResponse:
    """Run ``action`` with a valid form's data; back to the meeting on success, else the page again with
    the form's errors (400). PermissionDenied from the service goes up: a 403."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, success)
            return redirect(f"{reverse('meeting_detail', args=[meeting.pk])}#{anchor}")
    return meeting_response(request, meeting, bound={key: form}, status=400)


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, meeting_id)
    rows = list(Attendance.objects.filter(meeting=meeting).select_related("officer"))
    form = AttendanceForm(request.POST, prefix="attendance", rows=rows)

    def record(data: dict[str, Any]) -> object:
        present, notes = form.parsed()
        return attendance_record(actor=request.user, meeting=meeting, present=present, notes=notes)

    return _meeting_step(
        request, meeting, "attendance", form, record, success=_("Attendance recorded."), anchor="attendance"
    )


@login_required
@require_POST
def meeting_agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, meeting_id)
    return _meeting_step(
        request,
        meeting,
        "agenda",
        ServiceForm({}),
        lambda data: agenda_compile(actor=request.user, meeting=meeting),
        success=_("Agenda compiled from the records."),
        anchor="agenda",
    )


@login_required
@require_POST
def meeting_item(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, meeting_id)
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).select_related("meeting").first()
    if item is None:
        raise NotFoundForUser
    form = ItemMinutesForm(request.POST, prefix=f"item-{item.pk}")
    return _meeting_step(
        request,
        meeting,
        f"item-{item.pk}",
        form,
        lambda data: agenda_item_minutes(actor=request.user, item=item, **data),
        success=_("Minutes of the item recorded."),
        anchor=f"item-{item.pk}",
    )


@login_required
@require_POST
def meeting_minutes_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, meeting_id)
    form = MinutesForm(request.POST, prefix="minutes")
    return _meeting_step(
        request,
        meeting,
        "minutes",
        form,
        lambda data: meeting_minutes(actor=request.user, meeting=meeting, minutes=data["minutes"]),
        success=_("General minutes recorded."),
        anchor="minutes",
    )


@login_required
@require_POST
def meeting_resolution(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, meeting_id)
    items = AgendaItem.objects.filter(meeting=meeting).select_related("officer")
    form = ResolutionForm(request.POST, prefix="resolution", items=items)

    def resolve(data: dict[str, Any]) -> object:
        return resolution_add(actor=request.user, meeting=meeting, **data)

    return _meeting_step(
        request, meeting, "resolution", form, resolve, success=_("Resolution recorded."), anchor="resolutions"
    )


@login_required
@require_POST
def meeting_sign_off_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = meeting_get_for_user(request.user, meeting_id)
    form = SignOffForm(request.POST, prefix="sign")
    return _meeting_step(
        request,
        meeting,
        "sign",
        form,
        lambda data: meeting_sign_off(actor=request.user, meeting=meeting),
        success=_("Minutes signed off: they are now frozen."),
        anchor="sign-off",
    )


# --- the period report --------------------------------------------------------------------------------


CHART_WIDTH = 720


@login_required
@require_safe
def period_report_page(request: HttpRequest) -> HttpResponse:
    """The report of a unit (or the whole force) for a period, with a chart per section; the same
    report as CSV (``?format=csv``) or PDF (``?format=pdf``)."""
    units, whole_force = report_units_for_user(request.user)
    today = timezone.localdate()
    params = request.GET if "since" in request.GET else None
    initial: dict[str, Any] = {"since": today.replace(month=1, day=1), "until": today}
    if not whole_force:
        initial["unit"] = units.first()
    form = ReportForm(params, units=units, whole_force=whole_force, initial=initial)
    report = None
    if params is not None and form.is_valid():
        data = form.cleaned_data
        report = period_report(unit=data["unit"], since=data["since"], until=data["until"])
        fmt = request.GET.get("format")
        if fmt in ("csv", "pdf"):
            return report_file(report, fmt)
    sections = [
        (heading, header, rows, bar_chart(chart_values(bars, CHART_WIDTH), title=heading, width=CHART_WIDTH))
        for heading, header, rows, bars in (report_sections(report) if report else [])
    ]
    response = render_page(
        request,
        "reviews/period_report.html",
        {
            "form": form,
            "report": report,
            "sections": sections,
            "query": request.GET.urlencode() if report else "",
        },
    )
    if params is not None and report is None:
        response.status_code = 400
    return response
