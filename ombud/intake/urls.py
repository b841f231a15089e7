"""Pages of intake: the public portal under /report/ and the staff inbox under /complaints/."""

from __future__ import annotations

from django.urls import URLPattern, path

from ombud.intake import views

urlpatterns: list[URLPattern] = [
    path("report/", views.report, name="report"),
    path("report/status/", views.report_status, name="report_status"),
    path("report/proof/", views.report_proof, name="report_proof"),
    path("complaints/", views.inbox, name="complaint_inbox"),
    path("complaints/new/", views.complaint_enter, name="complaint_enter"),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint_detail"),
    path(
        "complaints/<int:complaint_id>/acknowledge/",
        views.complaint_acknowledge_page,
        name="complaint_acknowledge",
    ),
    path("complaints/<int:complaint_id>/close/", views.complaint_close_page, name="complaint_close"),
    path("complaints/<int:complaint_id>/refer/", views.complaint_refer_page, name="complaint_refer"),
    path("complaints/<int:complaint_id>/messages/", views.complaint_message_page, name="complaint_message"),
    path("complaints/<int:complaint_id>/identity/", views.complaint_identity_page, name="complaint_identity"),
    path(
        "complaints/<int:complaint_id>/files/<int:file_id>/",
        views.complaint_file_download,
        name="complaint_file",
    ),
]
