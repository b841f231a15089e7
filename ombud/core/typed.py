"""Values as people and programs type them into a query string, a form or a command's argument,
made into what a database can be asked about without failing the query."""

from __future__ import annotations

# Beyond this no database can even compare an id: SQLite and PostgreSQL fail the query outright.
MAX_ID = 2**63 - 1


def parse_id(raw: object) -> int | None:
    """The id ``raw`` spells in ASCII digits, or None where it spells none a record could have
    (``str.isdigit`` also takes a superscript two, which ``int`` refuses, and full-width digits)."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def search_text(raw: object, limit: int) -> str:
    """What was typed into a search box, cut at ``limit`` characters; NUL, which PostgreSQL text
    cannot hold and nobody types on purpose, is dropped."""
    return str(raw).replace("\x00", "").strip()[:limit]
