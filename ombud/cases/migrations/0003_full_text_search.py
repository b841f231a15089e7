"""Full-text search over complaint descriptions and case titles and summaries: SQLite FTS5 tables
kept in step by triggers, or PostgreSQL GIN indexes on the same text's tsvector."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS ombud_complaint_fts USING fts5("
    "description, content='intake_complaint', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    """CREATE TRIGGER ombud_complaint_fts_ai AFTER INSERT ON intake_complaint BEGIN
         INSERT INTO ombud_complaint_fts(rowid, description) VALUES (new.id, new.description); END""",
    """CREATE TRIGGER ombud_complaint_fts_ad AFTER DELETE ON intake_complaint BEGIN
         INSERT INTO ombud_complaint_fts(ombud_complaint_fts, rowid, description) VALUES ('delete', old.id, old.description); END""",
    """CREATE TRIGGER ombud_complaint_fts_au AFTER UPDATE OF description ON intake_complaint BEGIN
         INSERT INTO ombud_complaint_fts(ombud_complaint_fts, rowid, description) VALUES ('delete', old.id, old.description);
         INSERT INTO ombud_complaint_fts(rowid, description) VALUES (new.id, new.description); END""",
    "INSERT INTO ombud_complaint_fts(ombud_complaint_fts) VALUES ('rebuild')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS ombud_case_fts USING fts5("
    "title, summary, content='cases_case', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    """CREATE TRIGGER ombud_case_fts_ai AFTER INSERT ON cases_case BEGIN
         INSERT INTO ombud_case_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END""",
    """CREATE TRIGGER ombud_case_fts_ad AFTER DELETE ON cases_case BEGIN
         INSERT INTO ombud_case_fts(ombud_case_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); END""",
    """CREATE TRIGGER ombud_case_fts_au AFTER UPDATE OF title, summary ON cases_case BEGIN
         INSERT INTO ombud_case_fts(ombud_case_fts, rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary);
         INSERT INTO ombud_case_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END""",
    "INSERT INTO ombud_case_fts(ombud_case_fts) VALUES ('rebuild')",
]
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
