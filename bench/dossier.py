"""Benchmark: the dossier page of the officer with the longest history, served by Django's test
client against a demo database: server time (median of repeated renders) and query count.

    OMBUD_DATA_DIR=var .venv/bin/python bench/dossier.py [--repeat 20]

Builds the demo province first if the data directory is empty."""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from ombud.accounts.models import User  # noqa: E402
from ombud.org.models import Officer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if not Officer.objects.exists():
        call_command("demo", "--no-serve")
    officer = (
        Officer.objects.annotate(
            events=Count("complaint_subjects", distinct=True)
            + Count("allegations", distinct=True)
            + Count("measures", distinct=True)
            + Count("station_assignments", distinct=True)
        )
        .order_by("-events", "pk")
        .first()
    )
    assert officer is not None
    admin = User.objects.get(username="admin")
    client = Client()
    client.force_login(admin)
    url = f"/officers/{officer.pk}/"
    timings = []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    print(
        f"officer {officer.pk} ({officer.full_name}): {officer.events} complaints+allegations+measures+assignments"
    )
    print(
        f"dossier render: median {statistics.median(timings) * 1000:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms over {args.repeat} renders; {len(queries.captured_queries)} queries"
    )


if __name__ == "__main__":
    main()
