"""Pages of reviews: directives and their compliance, meetings and their minutes, the period report;
and, mounted here so ombud's URLs need one line for both, the publication pages of transparency.
The dossier's ``officers/<id>/`` stays in ``ombud/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from ombud.reviews import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reviews/", views.reviews_index, name="reviews"),
    path("reviews/directives/new/", views.directive_new, name="directive_new"),
    path("reviews/directives/<int:directive_id>/", views.directive_detail, name="directive_detail"),
    path("reviews/meetings/new/", views.meeting_new, name="meeting_new"),
    path("reviews/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("reviews/meetings/<int:meeting_id>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("reviews/meetings/<int:meeting_id>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("reviews/meetings/<int:meeting_id>/items/<int:item_id>/", views.meeting_item, name="meeting_item"),
    path("reviews/meetings/<int:meeting_id>/minutes/", views.meeting_minutes_page, name="meeting_minutes"),
    path("reviews/meetings/<int:meeting_id>/resolutions/", views.meeting_resolution, name="meeting_resolution"),
    path("reviews/meetings/<int:meeting_id>/sign-off/", views.meeting_sign_off_page, name="meeting_sign_off"),
    path("reports/period/", views.period_report_page, name="period_report"),
    path("", include("ombud.transparency.urls")),
]
