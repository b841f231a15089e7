from django.db import migrations, models


def added_when_audited(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Allegations added through the portal before this field existed: the audit log says when
    # (``allegation.add``). Those that came with their case (imported, simulated) stay empty.
    AuditEntry = apps.get_model("audit", "AuditEntry")
    Allegation = apps.get_model("cases", "Allegation")
    added = {
        int(object_id): at
        for object_id, at in AuditEntry.objects.filter(
            action="allegation.add", object_type="cases.allegation"
        ).values_list("object_id", "at")
        if object_id.isdigit()
    }
    ids = sorted(added)
    for lo in range(0, len(ids), 5000):
        found = list(Allegation.objects.filter(pk__in=ids[lo : lo + 5000]).only("pk"))
        for allegation in found:
            allegation.added_at = added[allegation.pk]
        Allegation.objects.bulk_update(found, ["added_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_hash_not_unique"),
        ("cases", "0004_case_closing_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="allegation",
            name="added_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="added"),
        ),
        migrations.RunPython(added_when_audited, migrations.RunPython.noop),
    ]
