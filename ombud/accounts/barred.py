"""While a suspension or standby is in force (or after dismissal), the officer's account can act on
nothing: every staff page and endpoint answers 403. He keeps what due process needs: his own
record, his own measures (to respond and appeal), logging out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from ombud.accounts.scope import scope_for

# Paths a barred officer may still use: due process and his own record.
ALLOWED_PREFIXES = ("/static/", "/i18n/", "/me/", "/api/v1/me/", "/accounts/")


def _allowed(request: HttpRequest, officer_id: int | None) -> bool:
    path = request.path
    if path.startswith(ALLOWED_PREFIXES) or path in ("/", reverse("home")):
        return True
    return officer_id is not None and path == reverse("officer_dossier", args=[officer_id])


class BarredOfficerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            scope = scope_for(user)
            if scope.barred and not _allowed(request, scope.own_officer_id):
                return HttpResponseForbidden(render_to_string("403_barred.html", request=request))
        return self.get_response(request)


class NotBarred(BasePermission):
    """The API's side of the same rule (token-authenticated requests are known only to DRF)."""

    message = _("Your account cannot act while you are suspended, on standby or dismissed.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if getattr(view, "allow_barred", False):
            return True
        return not scope_for(request.user).barred
