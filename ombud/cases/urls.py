"""Pages of casework under /cases/: the workspace, opening a case, and the case page's forms."""

from __future__ import annotations

from django.urls import URLPattern, path

from ombud.cases import views

urlpatterns: list[URLPattern] = [
    path("cases/", views.case_workspace_page, name="case_list"),
    path("cases/new/", views.case_open_page, name="case_open"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/allegations/", views.allegation_add_page, name="case_allegation_add"),
    path(
        "cases/<int:case_id>/allegations/<int:allegation_id>/propose/",
        views.finding_propose_page,
        name="finding_propose",
    ),
    path(
        "cases/<int:case_id>/allegations/<int:allegation_id>/decide/",
        views.finding_decide_page,
        name="finding_decide",
    ),
    path("cases/<int:case_id>/evidence/", views.evidence_add_page, name="case_evidence_add"),
    path(
        "cases/<int:case_id>/evidence/<int:item_id>/download/",
        views.evidence_download_page,
        name="evidence_download",
    ),
    path(
        "cases/<int:case_id>/evidence/<int:item_id>/custody/",
        views.custody_transfer_page,
        name="evidence_custody",
    ),
    path("cases/<int:case_id>/notes/", views.note_add_page, name="case_note_add"),
    path("cases/<int:case_id>/tasks/", views.task_add_page, name="case_task_add"),
    path("cases/<int:case_id>/tasks/<int:task_id>/done/", views.task_done_page, name="case_task_done"),
    path("cases/<int:case_id>/close/", views.case_close_page, name="case_close"),
    path("cases/<int:case_id>/package/", views.case_package_page, name="case_package"),
]
