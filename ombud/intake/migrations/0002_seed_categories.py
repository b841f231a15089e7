from django.db import migrations
from django.utils.translation import gettext_noop

# Categories are data: an instance may add its own; these are the ones every instance starts with.
# Their names are stored in English and marked for the catalogues, so that a page shows them in the
# reader's language while nobody renames them (``Category.__str__``).
CATEGORIES = [
    ("bribery", gettext_noop("Bribery (money, cigarettes, liquor, grain or other goods)"), True),
    ("collusion", gettext_noop("Collusion with local officials"), False),
    ("grain_diversion", gettext_noop("Concealing or diverting grain"), False),
    ("cover_up", gettext_noop("Covering up for others"), False),
    ("abuse_of_authority", gettext_noop("Abuse of authority"), False),
    ("use_of_force", gettext_noop("Excessive use of force"), False),
    ("neglect", gettext_noop("Neglect of duty"), False),
    ("discourtesy", gettext_noop("Discourtesy"), False),
    ("other", gettext_noop("Other"), False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("intake", "Category")
    for position, (code, name, bribery) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "is_bribery": bribery, "ordering": position})


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
