"""Full-text search over complaint descriptions and case titles and summaries: SQLite FTS5 tables
kept in step by triggers, or PostgreSQL GIN indexes on the same text's tsvector."""

from django.db import migrations

from ombud.cases.migrations import _fts

SQLITE = _fts.SQLITE_COMPLAINT + _fts.SQLITE_CASE
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS ombud_complaint_fts",
    "DROP TRIGGER IF EXISTS ombud_complaint_fts_ai",
    "DROP TRIGGER IF EXISTS ombud_complaint_fts_ad",
    "DROP TRIGGER IF EXISTS ombud_complaint_fts_au",
    "DROP TABLE IF EXISTS ombud_case_fts",
    "DROP TRIGGER IF EXISTS ombud_case_fts_ai",
    "DROP TRIGGER IF EXISTS ombud_case_fts_ad",
    "DROP TRIGGER IF EXISTS ombud_case_fts_au",
]
# The same expressions Django's SearchVector(..., config="simple") produces, so the planner uses them.
POSTGRES = [
    "CREATE INDEX IF NOT EXISTS ombud_complaint_fts ON intake_complaint "
    "USING GIN (to_tsvector('simple'::regconfig, COALESCE(description, '')))",
    "CREATE INDEX IF NOT EXISTS ombud_case_fts ON cases_case "
    "USING GIN (to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(summary, '')))",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS ombud_complaint_fts", "DROP INDEX IF EXISTS ombud_case_fts"]


def forwards(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_evidence_immutable"), ("intake", "0002_seed_categories")]
    operations = [migrations.RunPython(forwards, backwards)]
