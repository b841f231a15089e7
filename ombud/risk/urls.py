"""Pages of early warning: the supervisors' alerts and the analysts' evaluation report."""

from __future__ import annotations

from django.urls import URLPattern, path

from ombud.risk import views

urlpatterns: list[URLPattern] = [
    path("risk/alerts/", views.alert_list_page, name="risk_alerts"),
    path("risk/alerts/<int:alert_id>/intervene/", views.alert_intervene_page, name="risk_alert_intervene"),
    path("risk/alerts/<int:alert_id>/dismiss/", views.alert_dismiss_page, name="risk_alert_dismiss"),
    path("risk/report/", views.report_page, name="risk_report"),
    path("risk/report/evaluate/", views.evaluation_request_page, name="risk_evaluation_request"),
]
