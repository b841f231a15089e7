"""Full-text search over the complaints and cases a user may see (SQLite FTS5 or PostgreSQL
full-text search, see the migration cases 0003). Results go through the access gates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from ombud.cases.selectors import case_list_for_user
from ombud.intake.selectors import complaint_list_for_user

MAX_CANDIDATES = 500


@dataclass(frozen=True)
class Hit:
    kind: str  # "complaint" or "case"
    id: int
    label: str
    text: str
    at: str


def _terms(q: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in q.replace("\x00", ""))
    return [t for t in cleaned.split() if t][:8]


def _fts_ids(table: str, terms: list[str]) -> list[int]:
    # Each term quoted, so nothing a user types is FTS syntax; terms are ANDed; prefix match on each.
    match = " ".join(f'"{t}"*' for t in terms)
    with connection.cursor() as cursor:
        # The table name is one of ours; the user's words travel as a parameter.
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rank LIMIT %s"  # noqa: S608
        cursor.execute(sql, [match, MAX_CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def _pg_filter(expression: str, terms: list[str]) -> RawSQL:
    query = " & ".join(f"{t}:*" for t in terms)
    return RawSQL(  # noqa: S611 - the expression is ours; the user's words travel as a parameter
        f"to_tsvector('simple', {expression}) @@ to_tsquery('simple', %s)", [query], output_field=BooleanField()
    )


def text_search(user: Any, q: str, *, limit: int = 50) -> list[Hit]:
    terms = _terms(q)
    if not terms:
        return []
    complaints = complaint_list_for_user(user)
    cases = case_list_for_user(user)
    if connection.vendor == "sqlite":
        complaints = complaints.filter(pk__in=_fts_ids("ombud_complaint_fts", terms))
        cases = cases.filter(pk__in=_fts_ids("ombud_case_fts", terms))
    else:
        complaints = complaints.filter(_pg_filter('"intake_complaint"."description"', terms))
        cases = cases.filter(_pg_filter("""("cases_case"."title" || ' ' || "cases_case"."summary")""", terms))
    hits = [
        Hit("case", c.pk, c.number, f"{c.title} — {c.summary[:200]}", c.opened_at.date().isoformat())
        for c in cases.order_by("-opened_at")[:limit]
    ]
    hits += [
        Hit("complaint", c.pk, c.reference, c.description[:240], c.received_at.date().isoformat())
        for c in complaints.order_by("-received_at")[:limit]
    ]
    return hits[:limit]
