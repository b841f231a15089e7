"""Publication pages: the public page of published outcomes and figures (no account needed), and the
staff page where a body drafts an outcome's wording and a head who did not write it publishes it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from ombud.accounts.scope import scope_for
from ombud.cases.models import Case
from ombud.cases.selectors import HEAD_ROLES, WORK_ROLES, acts_for
from ombud.core.access import NotFoundForUser
from ombud.core.forms import ServiceForm
from ombud.core.views import page_header, render_page
from ombud.transparency.models import PublishedOutcome
from ombud.transparency.selectors import (
    outcome_cases_for_user,
    outcome_list_for_user,
    public_figures_cached,
    published_outcomes,
)
from ombud.transparency.services import CHECKLIST, outcome_draft, outcome_publish


class CaseChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} · {obj.title}"


class OutcomeForm(ServiceForm):
    case = CaseChoiceField(label=_("Case"), queryset=Case.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text for the public"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Say what was decided, about whom and where, as the public may read it: never a complaint's "
            "reference, a receipt, a telephone number or anything that points at who complained."
        ),
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = cases


class PublishForm(ServiceForm):
    checklist = forms.MultipleChoiceField(
        label=_("Reviewer's checklist"),
        choices=[(key, label) for key, label in CHECKLIST.items()],
        widget=forms.CheckboxSelectMultiple,
    )


def outcomes_response(
    request: HttpRequest, *, bound: dict[str, ServiceForm] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    if scope.barred or not (scope.administrator or scope.body_ids):
        raise NotFoundForUser
    bound = bound or {}
    cases = outcome_cases_for_user(user)
    rows = []
    for outcome in outcome_list_for_user(user):
        can_publish = (
            outcome.state == PublishedOutcome.State.DRAFT
            and outcome.case is not None
            and acts_for(user, outcome.case.body_id, HEAD_ROLES)
            and outcome.drafted_by_id != getattr(user, "pk", None)
        )
        form = bound.get(f"publish-{outcome.pk}") or PublishForm(prefix=f"publish-{outcome.pk}")
        rows.append((outcome, form if can_publish else None))
    can_draft = scope.administrator or any(acts_for(user, body_id, WORK_ROLES) for body_id in scope.body_ids)
    context = {
        "rows": rows,
        "form": bound.get("draft") or OutcomeForm(prefix="draft", cases=cases),
        "can_draft": can_draft,
        "checklist": CHECKLIST,
    }
    response = render_page(request, "transparency/outcomes.html", context)
    response.status_code = status
    return response


@login_required
def outcomes(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return outcomes_response(request)
    form = OutcomeForm(request.POST, prefix="draft", cases=outcome_cases_for_user(request.user))
    if form.is_valid():
        try:
            outcome_draft(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Draft saved. A body head who did not write it reviews and publishes it."))
            return redirect("outcomes")
    return outcomes_response(request, bound={"draft": form}, status=400)


@login_required
@require_POST
def outcome_publish_page(request: HttpRequest, outcome_id: int) -> HttpResponse:
    outcome = outcome_list_for_user(request.user).filter(pk=outcome_id).first()
    if outcome is None:
        raise NotFoundForUser
    form = PublishForm(request.POST, prefix=f"publish-{outcome.pk}")
    if form.is_valid():
        try:
            outcome_publish(actor=request.user, outcome=outcome, checklist=form.cleaned_data["checklist"])
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Published: the outcome is on the public page."))
            return redirect("outcomes")
    return outcomes_response(request, bound={f"publish-{outcome.pk}": form}, status=400)


@require_safe
def public_outcomes(request: HttpRequest) -> HttpResponse:
    """What anyone may read: the published outcomes and the force's figures, small counts hidden."""
    return render(
        request,
        "transparency/public.html",
        {
            "header": page_header(request),
            "outcomes": published_outcomes()[:100],
            "figures": public_figures_cached(),
        },
    )
