"""Background tasks of reviews: thin, they call a service."""

from __future__ import annotations

from django_tasks import task

from ombud.reviews.services import directive_targets_mark_overdue


@task()
def mark_overdue_targets() -> dict[str, int]:
    return {"overdue": directive_targets_mark_overdue(actor=None)}
