"""Full-text search over the complaints and cases a user may see. Results go through the access
gates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ombud.cases.fulltext import case_text_q, complaint_text_q, terms
from ombud.cases.selectors import case_list_for_user
from ombud.intake.selectors import complaint_list_for_user


@dataclass(frozen=True)
class Hit:
    kind: str  # "complaint" or "case"
    id: int
    label: str
    text: str
    at: str


def text_search(user: Any, q: str, *, limit: int = 50) -> list[Hit]:
    if not terms(q):
        return []
    cases = case_list_for_user(user).filter(case_text_q(q))
    complaints = complaint_list_for_user(user).filter(complaint_text_q(q))
    hits = [
        Hit("case", c.pk, c.number, f"{c.title} — {c.summary[:200]}", c.opened_at.date().isoformat())
        for c in cases.order_by("-opened_at")[:limit]
    ]
    hits += [
        Hit("complaint", c.pk, c.reference, c.description[:240], c.received_at.date().isoformat())
        for c in complaints.order_by("-received_at")[:limit]
    ]
    return hits[:limit]
