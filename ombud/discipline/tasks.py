"""Background tasks of discipline: thin, they call a service."""

from __future__ import annotations

from django_tasks import task

from ombud.discipline.services import follow_ups_escalate_overdue, measures_apply


@task()
def apply_measures() -> dict[str, int]:
    return measures_apply(actor=None)


@task()
def escalate_overdue_follow_ups() -> dict[str, int]:
    return {"escalated": follow_ups_escalate_overdue(actor=None)}
