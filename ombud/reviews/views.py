"""The officer dossier page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from ombud.audit.services import audit_record_now
from ombud.core.views import render_page
from ombud.reviews.selectors import officer_dossier

MAX_YEARS = 100


@login_required
@require_safe
def officer_dossier_page(request: HttpRequest, officer_id: int) -> HttpResponse:
    dossier = officer_dossier(user=request.user, officer_id=officer_id, years=_years(request))
    # Reading an officer's whole record is a read of sensitive data: the log says who read whose.
    audit_record_now(
        actor=request.user, action="officer.dossier.view", obj=dossier.officer, data={"years": dossier.years}
    )
    return render_page(request, "reviews/officer_dossier.html", {"dossier": dossier})


def _years(request: HttpRequest) -> int | None:
    """``?years=N`` narrows or widens the summary's period; anything else keeps the default."""
    raw = request.GET.get("years", "")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_YEARS else None
