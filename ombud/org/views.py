"""Pages of the force's structure: the unit tree and one unit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ombud.accounts.scope import scope_for
from ombud.core.access import NotFoundForUser
from ombud.core.charts import bar_chart
from ombud.core.typed import parse_id
from ombud.core.views import complaints_per_year, render_page
from ombud.intake.models import ComplaintSubject
from ombud.intake.selectors import complaint_list_for_user
from ombud.org.forms import PLACES_LISTED, OfficerMoveForm
from ombud.org.models import Officer, OversightBody, Place, PlaceAssignment, Unit
from ombud.org.selectors import (
    officer_get_for_user,
    officer_list_for_user,
    officer_mover,
    unit_get_for_user,
    unit_list_for_user,
)
from ombud.org.services import NOT_MOVED, officer_move

# Officers who have left the force keep their last unit; they are not counted as serving there.
SERVING = (Officer.Status.ACTIVE, Officer.Status.SUSPENDED, Officer.Status.STANDBY)


@login_required
@require_safe
def unit_tree(request: HttpRequest) -> HttpResponse:
    return render_page(request, "org/unit_tree.html", {"tree": unit_tree_for(request.user)})


@login_required
@require_safe
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    return render_page(request, "org/unit_detail.html", {"page": unit_page_for(request.user, unit_id)})


@login_required
@require_http_methods(["GET", "POST"])
def officer_move_page(request: HttpRequest, officer_id: int) -> HttpResponse:
    """Where an officer serves and what he answers for, changed (administrators). The places offered
    are those of the unit chosen: "Show its places", or a move sent with another unit than the one
    whose places were listed, lists that unit's places to tick and moves nothing yet."""
    officer = officer_get_for_user(request.user, officer_id)
    if not officer_mover(request.user, officer) or officer.status in NOT_MOVED:
        raise NotFoundForUser
    posted = request.method == "POST"
    data = request.POST if posted else request.GET
    chosen = parse_id(data.get("unit", ""))
    unit = unit_list_for_user(request.user).filter(pk=chosen).first() if chosen is not None else officer.unit
    listed_for = parse_id(request.POST.get("shown", "")) if posted else None
    unit_changed = posted and unit is not None and listed_for != unit.pk
    showing = posted and ("show" in request.POST or unit_changed)
    current = list(
        PlaceAssignment.objects.filter(officer=officer, end_on__isnull=True)
        .select_related("place__unit")
        .order_by("place__name")
    )
    form = OfficerMoveForm(
        request.POST if posted and not showing else None,
        unit=unit,
        initial={
            "unit": unit,
            "on": data.get("on") or timezone.localdate(),
            "places": [a.place_id for a in current if unit and a.place.unit.path.startswith(unit.path)],
        },
    )
    if posted and not showing and form.is_valid():
        target, places = form.cleaned_data["unit"], list(form.cleaned_data["places"])
        if form.places_under > PLACES_LISTED:
            # None was listed to tick: he keeps those he answers for under the unit.
            places = [a.place for a in current if a.place.unit.path.startswith(target.path)]
        try:
            officer_move(
                actor=request.user, officer=officer, unit=target, places=places, on=form.cleaned_data["on"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("Moved. His record keeps where he served before."))
            return redirect("officer_dossier", officer_id=officer.pk)
    context = {
        "officer": officer,
        "form": form,
        "current": current,
        "unit": unit,
        "reshown": unit_changed and "show" not in request.POST,
    }
    return render_page(request, "org/officer_move.html", context)


# --- the tree -----------------------------------------------------------------------------------


@dataclass
class UnitNode:
    unit: Unit
    officers: int = 0
    places: int = 0
    complaint_ids: set[int] = field(default_factory=set)
    children: list[UnitNode] = field(default_factory=list)

    @property
    def complaints(self) -> int:
        return len(self.complaint_ids)


@dataclass(frozen=True)
class UnitTree:
    roots: list[UnitNode]
    # Complaint counts are shown only to those who work complaints, and count only what they may see.
    shows_complaints: bool
    since: dt.date


def unit_tree_for(user: Any) -> UnitTree:
    """The visible units as a tree, each with counts over its whole subtree.

    Four queries whatever the tree's size: the units, then officers, places and complaint subjects
    grouped by unit; each count is added to the unit and to every visible ancestor."""
    units = unit_list_for_user(user)
    nodes = {unit.pk: UnitNode(unit) for unit in units.order_by("path")}

    def lineage(unit_id: int) -> list[UnitNode]:
        node = nodes.get(unit_id)
        return [] if node is None else [nodes[a] for a in node.unit.ancestor_ids() if a in nodes]

    serving = officer_list_for_user(user).filter(status__in=SERVING, unit__isnull=False)
    for unit_id, count in serving.values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"):
        for node in lineage(unit_id):
            node.officers += count
    places = Place.objects.filter(unit__in=units.values("pk"))
    for unit_id, count in places.values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"):
        for node in lineage(unit_id):
            node.places += count

    scope = scope_for(user)
    since = timezone.now() - dt.timedelta(days=365)
    if scope.works_cases:
        # Pairs, not counts: a complaint naming officers of two stations counts once for their county.
        pairs = (
            ComplaintSubject.objects.filter(
                complaint__in=complaint_list_for_user(user).values("pk"),
                complaint__received_at__gte=since,
                unit__isnull=False,
            )
            .values_list("unit_id", "complaint_id")
            .distinct()
        )
        for unit_id, complaint_id in pairs:
            for node in lineage(unit_id):
                node.complaint_ids.add(complaint_id)

    roots: list[UnitNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda child: child.unit.name)
    return UnitTree(
        roots=sorted(roots, key=lambda node: node.unit.name),
        shows_complaints=scope.works_cases,
        since=since.date(),
    )


# --- one unit -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crumb:
    unit: Unit
    # False for an ancestor above the user's reach: named, not linked.
    visible: bool


@dataclass(frozen=True)
class PlaceRow:
    place: Place
    officers: list[Officer]


@dataclass(frozen=True)
class UnitPage:
    unit: Unit
    crumbs: list[Crumb]
    children: list[Unit]
    officers: list[Officer]
    places: list[PlaceRow]
    bodies: list[OversightBody]
    per_year: list[tuple[str, int]] | None
    chart: SafeString | None


def unit_page_for(user: Any, unit_id: int) -> UnitPage:
    unit = unit_get_for_user(user, unit_id)
    ancestors = (
        Unit.objects.filter(pk__in=unit.ancestor_ids()[:-1])
        .annotate(visible=Exists(unit_list_for_user(user).filter(pk=OuterRef("pk"))))
        .order_by("depth")
    )
    places = list(Place.objects.filter(unit=unit).order_by("name"))
    responsible: dict[int, list[Officer]] = defaultdict(list)
    for assignment in PlaceAssignment.objects.filter(place__unit=unit, end_on__isnull=True).select_related(
        "officer"
    ):
        responsible[assignment.place_id].append(assignment.officer)
    per_year = None
    if scope_for(user).works_cases:
        per_year = complaints_per_year(
            complaint_list_for_user(user).filter(subjects__unit__path__startswith=unit.path)
        )
    return UnitPage(
        unit=unit,
        crumbs=[Crumb(ancestor, bool(getattr(ancestor, "visible", False))) for ancestor in ancestors],
        children=list(unit_list_for_user(user).filter(parent=unit).order_by("name")),
        officers=list(officer_list_for_user(user).filter(unit=unit).order_by("last_name", "first_name", "pk")),
        places=[PlaceRow(place, responsible[place.pk]) for place in places],
        # A body with jurisdiction over any ancestor oversees this unit too.
        bodies=list(
            OversightBody.objects.filter(jurisdictions__unit_id__in=unit.ancestor_ids())
            .distinct()
            .order_by("level", "name")
        ),
        per_year=per_year,
        chart=bar_chart(per_year, title=_("Complaints per year")) if per_year else None,
    )
