"""Publication: the public page of outcomes and figures, and the staff page that drafts and publishes
outcomes. Mounted from ``ombud/reviews/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from ombud.transparency import views

urlpatterns: list[URLPattern] = [
    path("public/outcomes/", views.public_outcomes, name="public_outcomes"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("outcomes/<int:outcome_id>/publish/", views.outcome_publish_page, name="outcome_publish"),
]
