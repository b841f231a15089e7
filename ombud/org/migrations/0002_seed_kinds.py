from django.db import migrations

UNIT_KINDS = [
    ("ministry", "Ministry", 0, False),
    ("province", "Province", 1, False),
    ("county", "County branch", 2, False),
    ("city", "City branch", 2, False),
    ("district", "District branch", 2, False),
    ("station", "Station", 3, True),
    ("headquarters", "Headquarters", 0, False),
    ("borough", "Borough", 1, False),
    ("precinct", "Precinct", 2, True),
]
OFFICIAL_ROLES = [
    ("farm_manager", "Head of farm management committee"),
    ("chief_technician", "Chief technician"),
    ("village_secretary", "Village party secretary"),
    ("village_head", "Village head"),
]


def seed(apps, schema_editor):
    UnitKind = apps.get_model("org", "UnitKind")
    OfficialRole = apps.get_model("org", "OfficialRole")
    for code, name, level, is_station in UNIT_KINDS:
        UnitKind.objects.get_or_create(code=code, defaults={"name": name, "level": level, "is_station": is_station})
    for code, name in OFFICIAL_ROLES:
        OfficialRole.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
