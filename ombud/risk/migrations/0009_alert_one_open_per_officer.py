from django.db import migrations, models


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

    operations = [
        migrations.RunPython(drop_raced_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "open")), fields=("officer",), name="alert_one_open_per_officer"
            ),
        ),
    ]
