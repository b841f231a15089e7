"""Why a case was closed (or referred for prosecution). On SQLite, adding a column rebuilds the
table, which drops the triggers that keep the case search index in step: they are made again."""

from django.db import migrations, models

from ombud.cases.migrations import _fts

CASE_TRIGGERS = ["ombud_case_fts_ai", "ombud_case_fts_ad", "ombud_case_fts_au"]


def triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in CASE_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    for sql in _fts.SQLITE_CASE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_full_text_search")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="closing_reason",
            field=models.TextField(blank=True, verbose_name="reason for closing"),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
