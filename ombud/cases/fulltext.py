"""Full-text conditions on complaint and case text: SQLite FTS5 tables or PostgreSQL tsvector
indexes (migration cases 0003). Whatever a user types is only ever words, never query syntax."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

MAX_CANDIDATES = 500


def terms(q: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in q.replace("\x00", ""))
    return [t for t in cleaned.split() if t][:8]


def _fts_ids(table: str, words: list[str]) -> list[int]:
    # Each word quoted, so nothing typed is FTS syntax; words are ANDed; each matches as a prefix.
    match = " ".join(f'"{w}"*' for w in words)
    with connection.cursor() as cursor:
        # The table name is one of ours; the words travel as a parameter.
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rank LIMIT %s"  # noqa: S608
        cursor.execute(sql, [match, MAX_CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


def _tsquery(*fields: str, words: list[str]) -> Q:
    # Imported here: only PostgreSQL deployments need (or can use) these expressions.
    from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact

    query = SearchQuery(" & ".join(f"{w}:*" for w in words), config="simple", search_type="raw")
    return Q(SearchVectorExact(SearchVector(*fields, config="simple"), query))


def complaint_text_q(q: str) -> Q:
    """Complaints whose description holds every word (as a prefix)."""
    words = terms(q)
    if not words:
        return Q(pk__in=[])
    if connection.vendor == "sqlite":
        return Q(pk__in=_fts_ids("ombud_complaint_fts", words))
    return _tsquery("description", words=words)


def case_text_q(q: str) -> Q:
    """Cases whose title and summary hold every word (as a prefix)."""
    words = terms(q)
    if not words:
        return Q(pk__in=[])
    if connection.vendor == "sqlite":
        return Q(pk__in=_fts_ids("ombud_case_fts", words))
    return _tsquery("title", "summary", words=words)
