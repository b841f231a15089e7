"""The pages every user meets: the root, the home page per role, and the header every page shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ombud.accounts.models import Role, User
from ombud.accounts.scope import Scope, active_memberships, scope_for
from ombud.cases.models import Allegation, Case, CaseTask, Finding
from ombud.cases.selectors import case_list_for_user
from ombud.core.charts import bar_chart
from ombud.intake.models import Complaint, ComplaintSubject
from ombud.intake.selectors import complaint_list_for_user
from ombud.org.models import Officer, OversightBody, Unit
from ombud.org.selectors import officer_get_for_user, officer_list_for_user, unit_list_for_user
from ombud.risk.models import Alert

# --- the header every page shares -------------------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    current: bool


@dataclass(frozen=True)
class Header:
    name: str
    roles: list[str]
    nav: list[NavLink]


def is_administrator(user: Any, scope: Scope) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.ADMINISTRATOR in scope.roles


def page_header(request: HttpRequest) -> Header | None:
    user = request.user
    if not user.is_authenticated:
        return None
    scope = scope_for(user)
    roles = [str(role.label) for role in Role if role in scope.roles]
    if is_administrator(user, scope) and Role.ADMINISTRATOR not in scope.roles:
        roles.insert(0, str(Role.ADMINISTRATOR.label))
    links = [(reverse("home"), _("Home"))]
    if scope.works_cases:
        links.append((reverse("complaint_inbox"), _("Complaints")))
        links.append((reverse("case_list"), _("Cases")))
    if scope.is_staff_role:
        links.append((reverse("unit_tree"), _("Units")))
    if scope.own_officer_id is not None:
        links.append((reverse("officer_dossier", args=[scope.own_officer_id]), _("My record")))
        links.append((reverse("my_measures"), _("My measures")))
    if scope.is_staff_role and not scope.barred:
        links.append((reverse("reviews"), _("Reviews")))
    # Imported here: the risk pages render through this module.
    from ombud.risk.selectors import may_answer_alerts, may_read_evaluations

    if may_answer_alerts(user):
        links.append((reverse("risk_alerts"), _("Alerts")))
    if may_read_evaluations(user):
        links.append((reverse("risk_report"), _("Early warning")))
    if user.is_staff:
        links.append((reverse("admin:index"), _("Administration")))
    name = user.get_full_name() if isinstance(user, User) else ""
    return Header(
        name=name or user.get_username(),
        roles=roles,
        nav=[NavLink(url, label, request.path.startswith(url) and url != "/") for url, label in links],
    )


def render_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a page of ours: the template's context plus the shared header."""
    return render(request, template, {"header": page_header(request), **context})


# --- the pages ----------------------------------------------------------------------------------


@require_safe
def root(request: HttpRequest) -> HttpResponse:
    return redirect("home" if request.user.is_authenticated else "login")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    # The pages name their icon; the admin's and the browsable API's do not, and a browser then
    # asks for /favicon.ico (a 404 in the console of every such page).
    return redirect(static("ombud/icon.svg"))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 page, with the header, so a user who followed a dead link can find his way back; under
    the API, JSON as the API's own 404s are (an address that matches no route, e.g. a word for an id)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    response = render_page(request, "404.html", {})
    response.status_code = 404
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token: the page had been open longer than the browser kept
    its session, or its cookies were cleared. The site's own page, in the reader's language, says
    what happened and what to do (Django's own is in English, with a style the site's policy refuses).
    The complaint form comes back filled in, but only to a form this site's own page sent: a form
    another site posts is never shown back as if the visitor had typed it."""
    if request.path == reverse("report") and _sent_from_this_site(request):
        # Imported here: the portal's views build on this module's.
        from ombud.intake.views import report_token_expired

        return report_token_expired(request)
    # The page the form was on (the browser names it: the referrer policy is same-origin), else home.
    referrer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    response = render_page(request, "403_csrf.html", {"form_url": referrer if same_site else reverse("root")})
    response.status_code = 403
    return response


def _sent_from_this_site(request: HttpRequest) -> bool:
    """Whether the browser says the request came from a page of this site (``Sec-Fetch-Site``, else
    ``Origin``): what a browser sends there, another site's page cannot forge."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    return request.headers.get("Origin") == f"{request.scheme}://{request.get_host()}"


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render_page(request, "home.html", {"home": home_for(request.user)})


# --- what each role needs first -----------------------------------------------------------------


@dataclass(frozen=True)
class AdminSection:
    counts: list[tuple[str, int]]


@dataclass(frozen=True)
class BodySection:
    bodies: list[OversightBody]
    complaints: list[Complaint]
    complaint_count: int
    ack_overdue: int
    action_overdue: int
    open_cases: list[Case]
    open_case_count: int
    tasks_overdue: int


@dataclass(frozen=True)
class SupervisedUnit:
    unit: Unit
    officers: list[Officer]
    alerts: list[Alert]


@dataclass(frozen=True)
class AnalystSection:
    figures: list[tuple[str, int]]
    # None when the analyst's scope does not reach complaints (only force-wide analysts see them).
    per_year: list[tuple[str, int]] | None
    chart: SafeString | None


@dataclass(frozen=True)
class OfficerSection:
    officer: Officer


@dataclass(frozen=True)
class Home:
    admin: AdminSection | None = None
    body: BodySection | None = None
    supervised: list[SupervisedUnit] = field(default_factory=list)
    analyst: AnalystSection | None = None
    officer: OfficerSection | None = None

    @property
    def empty(self) -> bool:
        return not (self.admin or self.body or self.supervised or self.analyst or self.officer)


HOME_LIST_LENGTH = 20


def home_for(user: Any) -> Home:
    """One section per role the user holds, each read through the access gates."""
    scope = scope_for(user)
    return Home(
        admin=_admin_section() if is_administrator(user, scope) else None,
        body=_body_section(user, scope) if scope.body_ids else None,
        supervised=_supervised_units(user) if Role.SUPERVISOR in scope.roles else [],
        analyst=_analyst_section(user, scope) if Role.ANALYST in scope.roles else None,
        officer=OfficerSection(officer_get_for_user(user, scope.own_officer_id)) if scope.own_officer_id else None,
    )


def _admin_section() -> AdminSection:
    return AdminSection(
        counts=[
            (_("units"), Unit.objects.count()),
            (_("officers"), Officer.objects.count()),
            (_("complaints"), Complaint.objects.count()),
            (_("cases"), Case.objects.count()),
            (_("users"), User.objects.count()),
        ]
    )


def _body_section(user: Any, scope: Scope) -> BodySection:
    now = timezone.now()
    routed = complaint_list_for_user(user).filter(routed_to_id__in=scope.body_ids)
    tally = routed.aggregate(
        total=Count("pk"),
        ack=Count(
            "pk", filter=Q(acknowledged_at__isnull=True, ack_due_at__lt=now) & ~Q(status=Complaint.Status.CLOSED)
        ),
        action=Count("pk", filter=Q(action_due_at__lt=now) & ~Q(status=Complaint.Status.CLOSED)),
    )
    open_cases = case_list_for_user(user).filter(status=Case.Status.OPEN)
    return BodySection(
        bodies=list(OversightBody.objects.filter(pk__in=scope.body_ids).select_related("seat")),
        complaints=list(routed.select_related("routed_to")[:HOME_LIST_LENGTH]),
        complaint_count=tally["total"],
        ack_overdue=tally["ack"],
        action_overdue=tally["action"],
        open_cases=list(open_cases.select_related("body")[:HOME_LIST_LENGTH]),
        open_case_count=open_cases.count(),
        tasks_overdue=CaseTask.objects.filter(
            case__in=open_cases, done_at__isnull=True, due_on__lt=timezone.localdate()
        ).count(),
    )


def _supervised_units(user: Any) -> list[SupervisedUnit]:
    # A supervisor usually holds one unit; the loop is per membership, not per officer.
    sections = []
    for membership in active_memberships(user):
        if membership.role != Role.SUPERVISOR or membership.unit is None:
            continue
        officers = officer_list_for_user(user).filter(unit__path__startswith=membership.unit.path)
        alerts = Alert.objects.filter(officer__in=officers, state=Alert.State.OPEN).select_related(
            "officer", "rule"
        )
        sections.append(
            SupervisedUnit(membership.unit, list(officers.order_by("last_name", "first_name")), list(alerts))
        )
    return sections


def _analyst_section(user: Any, scope: Scope) -> AnalystSection:
    officers = officer_list_for_user(user)
    figures = [
        (_("units"), unit_list_for_user(user).count()),
        (_("officers"), officers.count()),
        (
            _("open early-warning alerts"),
            Alert.objects.filter(officer__in=officers, state=Alert.State.OPEN).count(),
        ),
    ]
    if not scope.works_cases:
        # Analysts work on aggregates: counts of complaints about officers of their units, never
        # the complaints themselves.
        complaints = Complaint.objects.filter(
            Exists(ComplaintSubject.objects.filter(scope.units_q("unit__"), complaint=OuterRef("pk")))
        )
        figures.append((_("complaints about officers here"), complaints.count()))
    else:
        complaints = complaint_list_for_user(user)
        figures += [
            (_("complaints"), complaints.count()),
            (_("cases"), case_list_for_user(user).count()),
            (
                _("sustained allegations"),
                Allegation.objects.filter(case__in=case_list_for_user(user), finding=Finding.SUSTAINED).count(),
            ),
        ]
    per_year = complaints_per_year(complaints)
    return AnalystSection(
        figures=figures, per_year=per_year, chart=bar_chart(per_year, title=_("Complaints per year"))
    )


def complaints_per_year(complaints: Any) -> list[tuple[str, int]]:
    """Counts by year of receipt, years without a complaint included so the chart keeps its scale."""
    counted = dict(
        complaints.order_by()
        .annotate(year=ExtractYear("received_at"))
        .values("year")
        .annotate(n=Count("pk", distinct=True))
        .values_list("year", "n")
    )
    if not counted:
        return []
    first, last = min(counted), max(max(counted), timezone.localdate().year)
    return [(str(year), counted.get(year, 0)) for year in range(first, last + 1)]
