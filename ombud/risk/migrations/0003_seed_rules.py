from django.db import migrations

# The threshold rules most forces use today; an administrator edits them (or adds others) in the admin.
RULES = [
    ("3_in_12_months", "3 or more complaints in 12 months", 365, 3, "", False),
    ("3_in_180_days", "3 or more complaints in 180 days", 180, 3, "", False),
    ("sustained_bribery", "Any sustained bribery allegation", None, 1, "sustained", True),
]


def seed(apps, schema_editor):
    ThresholdRule = apps.get_model("risk", "ThresholdRule")
    Category = apps.get_model("intake", "Category")
    for name, description, window, count, finding, bribery in RULES:
        rule, created = ThresholdRule.objects.get_or_create(
            name=name,
            defaults={"description": description, "window_days": window, "min_count": count, "finding": finding},
        )
        if created and bribery:
            rule.categories.set(Category.objects.filter(is_bribery=True))


class Migration(migrations.Migration):
    dependencies = [("risk", "0002_score_inputs_alert_unit"), ("intake", "0002_seed_categories")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
