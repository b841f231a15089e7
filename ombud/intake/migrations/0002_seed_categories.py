from django.db import migrations

# Categories are data: an instance may add its own; these are the ones every instance starts with.
CATEGORIES = [
    ("bribery", "Bribery (money, cigarettes, liquor, grain or other goods)", True),
    ("collusion", "Collusion with local officials", False),
    ("grain_diversion", "Concealing or diverting grain", False),
    ("cover_up", "Covering up for others", False),
    ("abuse_of_authority", "Abuse of authority", False),
    ("use_of_force", "Excessive use of force", False),
    ("neglect", "Neglect of duty", False),
    ("discourtesy", "Discourtesy", False),
    ("other", "Other", False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("intake", "Category")
    for position, (code, name, bribery) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "is_bribery": bribery, "ordering": position})


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
