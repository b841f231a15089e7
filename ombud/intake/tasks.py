"""Background tasks of intake: thin, they call a service."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from ombud.intake.services import complaints_escalate_due


@task()
def escalate_due_complaints() -> dict[str, Any]:
    report = complaints_escalate_due(actor=None)
    return {"escalated": len(report.escalated), "at_top": len(report.at_top)}
