"""Pages of discipline: the measure steps staff take from the case page (propose, serve notice,
decide, decide an appeal), and the officer's own page, ``/me/measures/``, where he reads the
measures against him and responds or appeals through his own account.

The officer's page is built from ``measures_own``, which carries only what due process owes him:
never the complaint, its text or the complainant. Thin: forms parse, ``discipline.services`` write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ombud.accounts.scope import scope_for
from ombud.cases.selectors import (
    OwnMeasure,
    case_get_for_user,
    follow_up_get_for_user,
    measure_get_for_user,
    measures_own,
    staff_measure_get_for_user,
)
from ombud.cases.views import submit
from ombud.core.access import NotFoundForUser
from ombud.core.forms import ServiceForm
from ombud.core.views import render_page
from ombud.discipline.forms import (
    AppealDecideForm,
    AppealForm,
    DecideForm,
    FollowUpForm,
    MeasureProposeForm,
    NotifyForm,
    ResponseForm,
)
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

# -- staff steps, from the case page -------------------------------------------------------------------


@login_required
@require_POST
def measure_propose_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get_for_user(request.user, case_id)
    form = MeasureProposeForm(request.POST, case=case, prefix="measure")

    def propose(data: dict[str, Any]) -> object:
        return measure_propose(actor=request.user, case=case, **data)

    return submit(
        request,
        case.pk,
        form,
        propose,
        success=_("Measure proposed. Serve notice on the officer next."),
        anchor="measures",
    )


def _staff_measure(request: HttpRequest, measure_id: int) -> Measure:
    return staff_measure_get_for_user(request.user, measure_id)


@login_required
@require_POST
def measure_notify_page(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = _staff_measure(request, measure_id)
    form = NotifyForm(request.POST, prefix=f"notify-{measure.pk}")
    return submit(
        request,
        measure.case_id or 0,
        form,
        lambda data: measure_notify(actor=request.user, measure=measure, response_days=data["response_days"]),
        success=_("Notice served. The officer sees the measure on his own page and may respond."),
        anchor=f"measure-{measure.pk}",
    )


@login_required
@require_POST
def measure_decide_page(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = _staff_measure(request, measure_id)
    form = DecideForm(request.POST, prefix=f"mdecide-{measure.pk}")
    return submit(
        request,
        measure.case_id or 0,
        form,
        lambda data: measure_decide(
            actor=request.user, measure=measure, approve=data["decision"] == "approve", text=data["text"]
        ),
        success=_("Measure decided."),
        anchor=f"measure-{measure.pk}",
    )


@login_required
@require_POST
def measure_decide_appeal_page(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = _staff_measure(request, measure_id)
    form = AppealDecideForm(request.POST, prefix=f"appeal-{measure.pk}")
    return submit(
        request,
        measure.case_id or 0,
        form,
        lambda data: measure_appeal_decide(
            actor=request.user, measure=measure, uphold=data["decision"] == "uphold", text=data["text"]
        ),
        success=_("Appeal decided."),
        anchor=f"measure-{measure.pk}",
    )


@login_required
@require_POST
def follow_up_add_page(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = _staff_measure(request, measure_id)
    form = FollowUpForm(request.POST, prefix=f"followup-{measure.pk}")
    return submit(
        request,
        measure.case_id or 0,
        form,
        lambda data: follow_up_add(actor=request.user, measure=measure, **data),
        success=_("Follow-up added: it is escalated to the body above if it is not done by its date."),
        anchor=f"measure-{measure.pk}",
    )


@login_required
@require_POST
def follow_up_done_page(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    follow_up = follow_up_get_for_user(request.user, follow_up_id)
    form = ServiceForm(request.POST, prefix=f"followupdone-{follow_up.measure_id}")
    return submit(
        request,
        follow_up.measure.case_id or 0,
        form,
        lambda data: follow_up_done(actor=request.user, follow_up=follow_up),
        success=_("Follow-up marked done."),
        anchor=f"measure-{follow_up.measure_id}",
    )


# -- the officer's own page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnMeasureItem:
    measure: OwnMeasure
    respond: forms.Form
    appeal: forms.Form


def my_measures_response(
    request: HttpRequest, *, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    if scope_for(request.user).own_officer_id is None:
        raise NotFoundForUser
    bound = bound or {}
    items = [
        OwnMeasureItem(
            own,
            bound.get(f"respond-{own.id}") or ResponseForm(prefix=f"respond-{own.id}"),
            bound.get(f"appeal-{own.id}") or AppealForm(prefix=f"appeal-{own.id}"),
        )
        for own in measures_own(request.user)
    ]
    response = render_page(request, "discipline/my_measures.html", {"items": items})
    response.status_code = status
    return response


@login_required
@require_safe
def my_measures(request: HttpRequest) -> HttpResponse:
    return my_measures_response(request)


def _officer_step(
    request: HttpRequest, measure_id: int, form: ServiceForm, step: Any, success: str
) -> HttpResponse:
    measure = measure_get_for_user(request.user, measure_id)
    if form.is_valid():
        try:
            step(actor=request.user, measure=measure, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, success)
            return redirect(f"{reverse('my_measures')}#measure-{measure.pk}")
    return my_measures_response(request, bound={form.prefix or "": form}, status=400)


@login_required
@require_POST
def my_measure_respond(request: HttpRequest, measure_id: int) -> HttpResponse:
    form = ResponseForm(request.POST, prefix=f"respond-{measure_id}")
    return _officer_step(request, measure_id, form, measure_respond, _("Your response is recorded."))


@login_required
@require_POST
def my_measure_appeal(request: HttpRequest, measure_id: int) -> HttpResponse:
    form = AppealForm(request.POST, prefix=f"appeal-{measure_id}")
    return _officer_step(request, measure_id, form, measure_appeal, _("Your appeal is recorded."))
