"""Pages of discipline: the staff's measure steps, and the officer's own measures under /me/ (the
prefix a suspended officer's account may still use, for his due process)."""

from __future__ import annotations

from django.urls import URLPattern, path

from ombud.discipline import views

urlpatterns: list[URLPattern] = [
    path("cases/<int:case_id>/measures/", views.measure_propose_page, name="measure_propose"),
    path("measures/<int:measure_id>/notify/", views.measure_notify_page, name="measure_notify"),
    path("measures/<int:measure_id>/decide/", views.measure_decide_page, name="measure_decide"),
    path(
        "measures/<int:measure_id>/decide-appeal/", views.measure_decide_appeal_page, name="measure_decide_appeal"
    ),
    path("measures/<int:measure_id>/follow-ups/", views.follow_up_add_page, name="follow_up_add"),
    path("follow-ups/<int:follow_up_id>/done/", views.follow_up_done_page, name="follow_up_done"),
    path("me/measures/", views.my_measures, name="my_measures"),
    path("me/measures/<int:measure_id>/respond/", views.my_measure_respond, name="my_measure_respond"),
    path("me/measures/<int:measure_id>/appeal/", views.my_measure_appeal, name="my_measure_appeal"),
]
