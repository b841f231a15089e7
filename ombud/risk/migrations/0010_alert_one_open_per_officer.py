from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0009_drop_raced_duplicate_alerts"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "open")), fields=("officer",), name="alert_one_open_per_officer"
            ),
        ),
    ]
