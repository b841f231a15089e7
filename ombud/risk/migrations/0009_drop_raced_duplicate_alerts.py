from django.db import migrations


def drop_raced_duplicates(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Two scoring runs at once could each raise an alert for the same officer: the same question,
    # twice, never answered (open). The newest is kept; the copies go before the constraint forbids them.
    Alert = apps.get_model("risk", "Alert")
    seen: set[int] = set()
    copies = []
    for pk, officer in Alert.objects.filter(state="open").order_by("-raised_at", "-id").values_list("pk", "officer_id"):
        if officer in seen:
            copies.append(pk)
        seen.add(officer)
    Alert.objects.filter(pk__in=copies).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0003_alter_officialrole_code_alter_unitkind_code"),
        ("risk", "0008_evaluation_request_language"),
    ]

    # The constraint comes in the next migration: PostgreSQL will not build its index in the
    # transaction that deleted rows (their foreign-key checks are still pending).
    operations = [
        migrations.RunPython(drop_raced_duplicates, migrations.RunPython.noop),
    ]
