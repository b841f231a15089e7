"""ombud's URLs: the server-rendered pages here, the REST API under ``api/`` (added by its part)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ombud.audit import views as audit_views
from ombud.core import views as core_views
from ombud.org import views as org_views
from ombud.reviews import views as reviews_views

handler404 = core_views.not_found

urlpatterns = [
    path("", core_views.root, name="root"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("home/", core_views.home, name="home"),
    path("units/", org_views.unit_tree, name="unit_tree"),
    path("audit/", audit_views.audit_page, name="audit"),
    path("units/<int:unit_id>/", org_views.unit_detail, name="unit_detail"),
    path("officers/<int:officer_id>/", reviews_views.officer_dossier_page, name="officer_dossier"),
    path("officers/<int:officer_id>/move/", org_views.officer_move_page, name="officer_move"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("ombud.api_urls")),
    path("", include("ombud.intake.urls")),
    path("", include("ombud.cases.urls")),
    path("", include("ombud.discipline.urls")),
    path("", include("ombud.reviews.urls")),
    path("", include("ombud.risk.urls")),
]
