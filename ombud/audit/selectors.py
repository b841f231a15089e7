"""Reading and checking the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ombud.audit.chain import GENESIS, leaf_hash, link_hash
from ombud.audit.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    head_hash: str
    problem: str = ""
    bad_seq: int | None = None


def audit_verify(*, progress: Callable[[int], object] | None = None) -> ChainReport:
    """Walk the chain from the first entry; stop at the first that does not hold."""
    expected_prev = GENESIS
    expected_seq = 1
    count = 0
    rows = AuditEntry.objects.order_by("seq").values_list(
        "seq", "at", "actor_id", "action", "object_type", "object_id", "payload", "prev_hash", "hash"
    )
    for seq, at, actor_id, action, object_type, object_id, payload, prev_hash, stored in rows.iterator(
        chunk_size=5000
    ):
        if seq != expected_seq:
            return ChainReport(
                False,
                count,
                expected_prev,
                _("entry %(seq)d is missing (next is %(next)d)") % {"seq": expected_seq, "next": seq},
                seq,
            )
        if prev_hash != expected_prev:
            return ChainReport(
                False,
                count,
                expected_prev,
                _("entry %(seq)d does not follow entry %(before)d") % {"seq": seq, "before": seq - 1},
                seq,
            )
        leaf = leaf_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            payload=payload,
        )
        if link_hash(prev_hash, leaf) != stored:
            return ChainReport(False, count, expected_prev, _("entry %(seq)d was altered") % {"seq": seq}, seq)
        expected_prev = stored
        expected_seq += 1
        count += 1
        if progress is not None:
            progress(1)
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != count or head_hash != expected_prev:
        return ChainReport(
            False,
            count,
            expected_prev,
            _("the chain ends at entry %(seq)d but its recorded head is entry %(head)d")
            % {"seq": count, "head": head_seq},
            count + 1,
        )
    return ChainReport(True, count, expected_prev)


def audit_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS)
