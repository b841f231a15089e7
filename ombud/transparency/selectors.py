"""Aggregate figures about the whole force (what `ombud stats` prints)."""

from __future__ import annotations

from django.db.models import Model

from ombud.accounts.models import User
from ombud.audit.models import AuditEntry
from ombud.cases.models import Allegation, Case, EvidenceItem
from ombud.discipline.models import Measure
from ombud.intake.models import Complaint
from ombud.org.models import Officer, Official, OversightBody, Place, Unit
from ombud.reviews.models import Meeting

COUNTED: dict[str, type[Model]] = {
    "units": Unit,
    "places": Place,
    "officers": Officer,
    "officials": Official,
    "bodies": OversightBody,
    "complaints": Complaint,
    "cases": Case,
    "allegations": Allegation,
    "evidence_items": EvidenceItem,
    "measures": Measure,
    "meetings": Meeting,
    "users": User,
    "audit_entries": AuditEntry,
}


def force_stats() -> dict[str, int]:
    stats = {name: model._default_manager.count() for name, model in COUNTED.items()}
    stats["complaint_years"] = Complaint.objects.dates("received_at", "year").count()
    return stats
