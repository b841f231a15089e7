from bisect import bisect_left

from django.db import migrations


def places_at_least(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Scores stored before held the place from 0 (the highest "top 0 %", equal scores ranked by id);
    # they are given the meaning new ones have, so an officer's history reads one way: the share of
    # the officers scored with him (same date, same model) whose score is at least his.
    RiskScore = apps.get_model("risk", "RiskScore")
    runs = RiskScore.objects.order_by().values_list("as_of", "model_version").distinct()
    for as_of, version in list(runs):
        rows = list(RiskScore.objects.filter(as_of=as_of, model_version=version).only("pk", "score", "percentile"))
        scores = sorted(row.score for row in rows)
        for row in rows:
            row.percentile = round((len(rows) - bisect_left(scores, row.score)) / len(rows) * 100, 3)
        RiskScore.objects.bulk_update(rows, ["percentile"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("risk", "0010_alert_one_open_per_officer")]

    operations = [migrations.RunPython(places_at_least, migrations.RunPython.noop)]
