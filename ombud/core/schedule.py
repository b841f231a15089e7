"""Periodic jobs: the worker queues each one when its period has passed. Parts add theirs here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.db import transaction
from django.utils import timezone

from ombud.core.models import PeriodicJob


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta
    task_path: str  # "module:attribute" of a django-tasks Task

    def task(self) -> Any:
        module, _, attribute = self.task_path.partition(":")
        return getattr(import_module(module), attribute)


PERIODIC: list[Periodic] = [
    Periodic("intake.escalate_due", dt.timedelta(days=1), "ombud.intake.tasks:escalate_due_complaints"),
    Periodic("discipline.apply_measures", dt.timedelta(hours=1), "ombud.discipline.tasks:apply_measures"),
    Periodic("discipline.follow_ups", dt.timedelta(days=1), "ombud.discipline.tasks:escalate_overdue_follow_ups"),
    Periodic("reviews.overdue", dt.timedelta(days=1), "ombud.reviews.tasks:mark_overdue_targets"),
    Periodic("risk.score_nightly", dt.timedelta(days=1), "ombud.risk.tasks:score_nightly"),
]


def enqueue_due_jobs(*, now: dt.datetime | None = None) -> list[str]:
    """Queue every job whose period has passed. Several workers may call this at once: the row lock
    makes sure each job is queued once, and with the database backend the task row is written in the
    same transaction as the bookkeeping."""
    now = now or timezone.now()
    queued = []
    for job in PERIODIC:
        with transaction.atomic():
            PeriodicJob.objects.bulk_create([PeriodicJob(name=job.name)], ignore_conflicts=True)
            row = PeriodicJob.objects.select_for_update().get(name=job.name)
            if row.last_enqueued_at is not None and row.last_enqueued_at + job.every > now:
                continue
            row.last_enqueued_at = now
            row.save(update_fields=["last_enqueued_at"])
            job.task().enqueue()
            queued.append(job.name)
    return queued
