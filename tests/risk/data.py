"""Datasets for the risk tests, written in the interchange format and imported the way a real
force's history is."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

from tests.risk.helpers import write_interchange


def import_dir(directory: Path, source: str = "riskforce") -> None:
    call_command(
        "import",
        "interchange",
        str(directory),
        "--source",
        source,
        "--quiet",
        stdout=StringIO(),
        stderr=StringIO(),
    )


def synthetic_force(
    directory: Path,
    *,
    officers: int = 240,
    seed: int = 7,
    start: int = 2012,
    end: int = 2018,
    closed_after: int | None = 90,
) -> Path:
    """A force whose officers each have a steady rate of complaints and a propensity to have them
    sustained, so that a model has something to learn; no hiring dates (like CCRB). Complaints are
    closed ``closed_after`` days after their receipt (``None``: no closing dates)."""
    rng = random.Random(seed)
    people: list[dict[str, Any]] = []
    complaints: list[dict[str, Any]] = []
    allegations: list[dict[str, Any]] = []
    categories = ["Use of Force", "Discourtesy", "Abuse of Authority", "Neglect"]
    serial = 0
    for n in range(officers):
        officer_id = f"P{n:04d}"
        people.append(
            {
                "officer_id": officer_id,
                "last_name": f"Officer {n}",
                "unit": f"U{n % 6}",
                "sex": rng.choice(["male", "female"]),
                "race": rng.choice(["a", "b", "c"]),
            }
        )
        rate = rng.choice([0.2, 0.5, 1.0, 2.5, 5.0])
        holds = rng.choice([0.02, 0.08, 0.3])
        day = dt.date(start, 1, 1)
        while day < dt.date(end, 12, 31):
            day += dt.timedelta(days=max(1, int(rng.expovariate(rate / 365))))
            if day >= dt.date(end, 12, 31):
                break
            serial += 1
            complaint_id = f"K{serial:06d}"
            received = day + dt.timedelta(days=rng.randint(0, 20))
            complaints.append(
                {
                    "complaint_id": complaint_id,
                    "received_on": received.isoformat(),
                    "occurred_on": day.isoformat(),
                    "closed_on": (received + dt.timedelta(days=closed_after)).isoformat()
                    if closed_after is not None
                    else "",
                }
            )
            allegations.append(
                {
                    "complaint_id": complaint_id,
                    "officer_id": officer_id,
                    "category": rng.choice(categories),
                    "finding": "sustained"
                    if rng.random() < holds
                    else rng.choice(["not_sustained", "unfounded", "exonerated"]),
                }
            )
    return write_interchange(directory, officers=people, complaints=complaints, allegations=allegations)
