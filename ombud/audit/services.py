"""Appending to the audit log. Every service write calls ``audit_record`` inside its own
transaction, so the entry and the change commit together or not at all."""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from ombud.audit.chain import GENESIS, canonical_json, leaf_hash, link_hash
from ombud.audit.models import AuditEntry, AuditHead


class AuditOutsideTransaction(RuntimeError):
    """An audit entry must be written in the same transaction as the change it records."""


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. ``data`` must hold ids, codes and counts only, never personal data."""
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(f"audit entry {action!r} written outside a transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    head = _locked_head()
    seq = head.seq + 1
    at = timezone.now()
    payload = canonical_json(data or {})
    leaf = leaf_hash(
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        payload=payload,
    )
    entry = AuditEntry.objects.create(
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        payload=payload,
        prev_hash=head.hash,
        hash=link_hash(head.hash, leaf),
    )
    head.seq, head.hash = seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


def _locked_head() -> AuditHead:
    # The row lock serialises writers on PostgreSQL (SQLite's IMMEDIATE transactions already do).
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Only the very first entry gets here; ignoring the conflict lets racing first writers meet
        # on the one row.
        AuditHead.objects.bulk_create([AuditHead(pk=1, seq=0, hash=GENESIS)], ignore_conflicts=True)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_record_now(**kwargs: Any) -> AuditEntry:
    """For a read worth auditing outside any write (a view of sensitive data)."""
    with transaction.atomic():
        return audit_record(**kwargs)
