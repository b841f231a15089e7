"""Evidence is immutable in the database itself: no UPDATE may change what an item is, and on
PostgreSQL no DELETE may remove one. (SQLite's test flush deletes rows, so there the service layer,
the admin and PROTECT foreign keys guard deletion.)"""

from django.db import migrations

COLUMNS = "sha256, name, content_type, size, case_id, added_at, added_by_id, received_from, supersedes_id"

SQLITE = [
    f"""CREATE TRIGGER evidence_immutable BEFORE UPDATE OF {COLUMNS} ON cases_evidenceitem
        BEGIN SELECT RAISE(ABORT, 'evidence items are immutable: add a superseding item instead'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS evidence_immutable;"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION ombud_evidence_immutable() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'evidence items are immutable: add a superseding item instead'
           USING ERRCODE = 'restrict_violation';
       END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER evidence_immutable BEFORE UPDATE OF {COLUMNS} ON cases_evidenceitem
        FOR EACH ROW EXECUTE FUNCTION ombud_evidence_immutable();""",
    """CREATE TRIGGER evidence_undeletable BEFORE DELETE ON cases_evidenceitem
        FOR EACH ROW EXECUTE FUNCTION ombud_evidence_immutable();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS evidence_undeletable ON cases_evidenceitem;",
    "DROP TRIGGER IF EXISTS evidence_immutable ON cases_evidenceitem;",
    "DROP FUNCTION IF EXISTS ombud_evidence_immutable();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
