"""Pages of early warning: a supervisor's open alerts (with the forms to answer each), and the
analysts' report of the latest evaluation with its precision-at-k chart. Thin: the gates are the
selectors', the writes the services'."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ombud.core.access import NotFoundForUser
from ombud.core.typed import parse_id
from ombud.core.views import render_page
from ombud.risk.charts import line_chart, paired_bar_chart
from ombud.risk.evaluation import outcomes_warning, unmatched_rule_text
from ombud.risk.explain import LazyCategoryNames, reason_text
from ombud.risk.forms import DismissForm, EvaluationRequestForm, InterventionForm
from ombud.risk.models import Alert, Evaluation, RiskScore, ThresholdRule
from ombud.risk.rules import description_shown
from ombud.risk.selectors import (
    alert_get_for_user,
    alert_list_for_user,
    evaluation_get_for_user,
    evaluation_list_for_user,
    evaluation_request_list_for_user,
    evaluations_pooled,
    may_answer_alerts,
    may_read_evaluations,
)
from ombud.risk.services import alert_dismiss, alert_intervene, evaluation_request

# Each open alert carries two forms: a page of them stays short enough to read and answer.
PAGE_LENGTH = 25
ALERT_STATES = ("all", *Alert.State.values)
# The report lists the largest groups of each fairness table; all of them are in the API's figures.
SHOWN_GROUPS = 25
# Its chart draws the largest of them, which are the first.
CHART_GROUPS = 12
# The latest evaluations asked of the worker, with how each went.
SHOWN_REQUESTS = 10


@dataclass(frozen=True)
class AlertItem:
    alert: Alert
    reasons: list[str]
    intervene: forms.Form
    dismiss: forms.Form


def reason_texts(alert: Alert, names: dict[str, str] | None = None) -> list[str]:
    """The alert's reasons in the reader's language (``explain.reason_text``)."""
    names = LazyCategoryNames() if names is None else names
    reasons = alert.reasons if isinstance(alert.reasons, list) else [alert.reasons]
    return [text for text in (reason_text(reason, names) for reason in reasons) if text]


def _alerts_page(
    request: HttpRequest, bound: dict[int, dict[str, forms.Form]] | None = None, status: int = 200
) -> HttpResponse:
    if not may_answer_alerts(request.user):
        raise NotFoundForUser
    bound = bound or {}
    # Open alerts to answer by default; answered ones stay readable with their answer.
    state = request.GET.get("state", Alert.State.OPEN)
    if state not in ALERT_STATES:
        state = Alert.State.OPEN
    alerts = alert_list_for_user(request.user, state=None if state == "all" else state).select_related(
        "intervention__by"
    )
    number: Any = request.GET.get("page")
    if bound:
        # A form sent back with its errors is shown on the page that holds its alert, whichever
        # page the list has meanwhile put it on.
        ids = list(alerts.values_list("pk", flat=True))
        held = next(iter(bound))
        if held in ids:
            number = ids.index(held) // PAGE_LENGTH + 1
    page = Paginator(alerts, PAGE_LENGTH).get_page(number)
    names = LazyCategoryNames()
    items = [
        AlertItem(
            alert=alert,
            reasons=reason_texts(alert, names),
            intervene=bound.get(alert.pk, {}).get("intervene") or InterventionForm(prefix=f"intervene-{alert.pk}"),
            dismiss=bound.get(alert.pk, {}).get("dismiss") or DismissForm(prefix=f"dismiss-{alert.pk}"),
        )
        for alert in page.object_list
    ]
    states = [(value, label) for value, label in Alert.State.choices] + [("all", _("all"))]
    response = render_page(
        request,
        "risk/alerts.html",
        {
            "items": items,
            "page": page,
            "state": state,
            "states": states,
            # An empty list before any scoring is not an all-clear: the page says which it is.
            "never_scored": not items and not RiskScore.objects.exists(),
        },
    )
    response.status_code = status
    return response


@login_required
@require_safe
def alert_list_page(request: HttpRequest) -> HttpResponse:
    return _alerts_page(request)


def _back(request: HttpRequest) -> str:
    """The list page the answered alert was on (the forms carry its number)."""
    number = request.GET.get("page", "")
    url = reverse("risk_alerts")
    return f"{url}?page={number}" if number.isdigit() else url


def _answer(request: HttpRequest, alert_id: int, key: str) -> HttpResponse:
    alert = alert_get_for_user(request.user, alert_id)
    form: forms.Form
    if key == "intervene":
        form = InterventionForm(request.POST, prefix=f"intervene-{alert.pk}")
    else:
        form = DismissForm(request.POST, prefix=f"dismiss-{alert.pk}")
    if form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        try:
            if key == "intervene":
                alert_intervene(actor=request.user, alert=alert, kind=data["kind"], note=data["note"])
            else:
                alert_dismiss(actor=request.user, alert=alert, reason=data["reason"])
        except ValidationError as exc:
            alert.refresh_from_db(fields=["state"])
            if alert.state != Alert.State.OPEN:
                # Answered meanwhile (another tab, another supervisor): its form is no longer on the
                # page, so the reason goes with the list.
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(_back(request))
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Intervention recorded.") if key == "intervene" else _("Alert dismissed; the reason is kept."),
            )
            return redirect(_back(request))
    # The refused form takes the focus, which brings its alert into view on a long page.
    next(iter(form.fields.values())).widget.attrs["autofocus"] = True
    return _alerts_page(request, bound={alert.pk: {key: form}}, status=400)


def _answer_or_back(request: HttpRequest, alert_id: int, key: str) -> HttpResponse:
    if request.method == "POST":
        return _answer(request, alert_id, key)
    # A reload of a refused answer, or a login that came back to it: the alert on its list.
    alert_get_for_user(request.user, alert_id)
    return redirect(f"{_back(request)}#alert-{alert_id}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_intervene_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _answer_or_back(request, alert_id, "intervene")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def alert_dismiss_page(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _answer_or_back(request, alert_id, "dismiss")


@dataclass(frozen=True)
class Report:
    evaluation: Evaluation
    result: dict[str, Any]
    # Each rule's description, name, figures, comparison with the model, and why it flags no one.
    rules: list[tuple[str, str, dict[str, Any], dict[str, float] | None, str]]
    chart: SafeString
    curve: list[tuple[int, float, float]]
    # Each table's heading, its groups, and a chart of the largest groups' flag and base rates.
    fairness: list[tuple[str, list[dict[str, Any]], SafeString]]
    # Said above the figures when the year they are measured on is not settled yet.
    warning: str = ""


def _fairness_chart(heading: str, groups: list[dict[str, Any]]) -> SafeString:
    """A group flagged well above its base rate stands out at a glance, as it does not in a table."""
    return paired_bar_chart(
        [
            (str(g["group"]), g["flag_rate"] or 0.0, g["base_rate"] or 0.0)
            for g in groups[:CHART_GROUPS]
            if g["base_rate"] is not None
        ],
        names=(_("flag rate"), _("base rate")),
        title=_("%(heading)s: flag rate and base rate") % {"heading": heading},
    )


def _report_page(request: HttpRequest, form: forms.Form | None = None, status: int = 200) -> HttpResponse:
    if not may_read_evaluations(request.user):
        raise NotFoundForUser
    asked = request.GET.get("evaluation")
    wanted = parse_id(asked or "")
    if asked is not None and wanted is None:
        raise NotFoundForUser  # not an evaluation's number: no page to show, not the latest
    evaluation = evaluation_get_for_user(request.user, wanted)
    report = None
    if evaluation is not None:
        result = evaluation.result
        descriptions = dict(ThresholdRule.objects.values_list("name", "description"))
        headings = {"unit": _("By unit"), "race": _("By race of the officer"), "sex": _("By sex of the officer")}
        curve = result.get("curve", {"shares": [], "model": [], "count_12m": []})
        report = Report(
            evaluation=evaluation,
            result=result,
            rules=[
                (
                    description_shown(figures.get("description") or descriptions.get(name[5:], name[5:])),
                    name[5:],
                    figures,
                    # Evaluations stored before the officer-by-officer comparison have none.
                    result.get("differences", {}).get(name),
                    unmatched_rule_text(name[5:], figures["categories"])
                    if figures.get("categories_in_record") is False
                    else "",
                )
                for name, figures in result["rankers"].items()
                if name.startswith("rule:")
            ],
            chart=line_chart(
                curve["shares"],
                [(_("model"), curve["model"]), (_("complaints in the past 12 months"), curve["count_12m"])],
                # xgettext:no-python-format
                title=_("Precision in the top k % of the cohort"),
                # xgettext:no-python-format
                x_label=_("top k % of the cohort, by each ranking"),
                y_label=_("share with the label"),
            ),
            curve=list(zip(curve["shares"], curve["model"], curve["count_12m"], strict=True)),
            fairness=[
                (headings.get(key, key), groups, _fairness_chart(headings.get(key, key), groups))
                for key, groups in result.get("fairness", {}).items()
                if key != "flag_share"
            ],
            warning=outcomes_warning(result),
        )
    runs = list(evaluation_list_for_user(request.user).only("pk", "as_of", "label", "created_at")[:50])
    pooled, pooled_rows = None, []
    if evaluation is not None:
        pooled = evaluations_pooled(evaluation_list_for_user(request.user), evaluation.label)
        for name, figures in pooled["comparisons"].items():
            if name == "count_12m":
                shown = _("complaints in the past 12 months, top 5 %")
            else:
                wording = figures.get("descriptions") or [name[5:]]
                shown = " / ".join(description_shown(d) for d in wording) + f" ({name[5:]})"
            pooled_rows.append((shown, figures))
    response = render_page(
        request,
        "risk/report.html",
        {
            "report": report,
            "pooled": pooled,
            "pooled_rows": pooled_rows,
            "runs": runs,
            "shown_groups": SHOWN_GROUPS,
            "form": form or EvaluationRequestForm(),
            "requests": list(evaluation_request_list_for_user(request.user)[:SHOWN_REQUESTS]),
        },
    )
    response.status_code = status
    return response


@login_required
@require_safe
def report_page(request: HttpRequest) -> HttpResponse:
    return _report_page(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation_request_page(request: HttpRequest) -> HttpResponse:
    """The report page's form: an evaluation for the worker to run."""
    if request.method != "POST":
        return redirect(reverse("risk_report"))
    if not may_read_evaluations(request.user):
        raise NotFoundForUser
    form = EvaluationRequestForm(request.POST)
    if form.is_valid():
        try:
            made = evaluation_request(
                actor=request.user, as_of=form.cleaned_data["as_of"], label=form.cleaned_data["label"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("as_of", message)
        else:
            messages.success(
                request,
                _(
                    "The evaluation as of %(date)s is queued: the worker runs it, and it is listed here when it "
                    "is done (a large force takes a few minutes)."
                )
                % {"date": made.as_of.isoformat()},
            )
            return redirect(f"{reverse('risk_report')}#requests")
    return _report_page(request, form=form, status=400)
