"""The early-warning model on forces it has never seen, built unlike ombud's own simulated world.

Each force is drawn from a plain generative story, written in the interchange format
(docs/interchange.md), loaded with ``ombud import interchange`` into a fresh SQLite data directory,
and measured with ``ombud risk evaluate --json`` at year-ends, as issue 5 judges a force:

- each officer complains at his own rate (log-normal across officers), which drifts month by
  month in spells (an AR(1) process), and serves between his hiring and leaving dates;
- a complaint names him and, now and then, one or two colleagues of his unit; each named officer
  draws one or more allegations of a category (one of them bribery);
- an allegation is sustained with a chance set by the officer's propensity (correlated with his
  rate by ``rho``) and, with ``recent``, by his current spell; the complaint is received a few days
  after the incident and closed 40-500 days after its receipt, when its findings become known.

    .venv/bin/python bench/generic_force.py [--seed 1] [--set hot=1.0 --set hiring=0 ...]
    .venv/bin/python bench/generic_force.py --suite        # the nine forces of docs/early-warning.md

For each force it prints, per as-of date, the model's precision in the top 1 % and 5 % against
the 12-month count's, and the model's precision at each rule's flag count against the rule's; then
the true positives summed over the dates (and, with ``--suite``, over the forces).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

DEFAULTS: dict[str, float] = {
    "officers": 3000,
    "start": 2010,
    "end": 2019,
    "sigma": 1.0,  # spread of the officers' complaint rates (log-normal)
    "mean": 0.6,  # mean complaints a year
    "rho": 0.6,  # correlation of the propensity to be sustained with the complaint rate
    "hot": 0.5,  # size of the monthly spells
    "sustained": -3.2,  # log-odds of a sustained allegation for an average officer
    "slope": 0.8,  # its change per standard deviation of propensity
    "recent": 0.0,  # its change per unit of the current spell
    "co_subjects": 0.3,  # share of complaints naming colleagues too
    "hiring": 1,  # 1: hiring and leaving dates are in the record
    "units": 40,
    "bribery": 0.04,  # weight of the bribery category among the seven
}
# The forces of docs/early-warning.md: (seed, changes to the defaults).
SUITE: list[tuple[int, dict[str, float]]] = [
    (1, {}),
    (2, {"hot": 1.0}),
    (3, {"recent": 1.0, "hot": 0.8}),
    (4, {"hiring": 0}),
    (5, {"officers": 800}),
    (6, {"rho": 0.2}),
    (7, {"sigma": 0.5, "mean": 1.0}),
    (8, {"officers": 800, "hiring": 0, "hot": 1.0, "recent": 1.0}),
    (9, {"co_subjects": 0.0, "slope": 0.3}),
]
CATEGORIES = (
    "Use of Force",
    "Abuse of Authority",
    "Discourtesy",
    "Offensive Language",
    "Bribery",
    "Neglect",
    "Search",
)
OTHER_FINDINGS = ("not_sustained", "unfounded", "exonerated", "closed")


def write_force(directory: Path, seed: int, p: dict[str, float]) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    n, units = int(p["officers"]), int(p["units"])
    first, last = dt.date(int(p["start"]), 1, 1).toordinal(), dt.date(int(p["end"]), 12, 31).toordinal()
    hired = rng.integers(first - 15 * 365, last - 200, n)
    left = hired + rng.exponential(12 * 365, n).astype(int)
    unit = rng.integers(0, units, n)
    z = rng.normal(size=n)
    rate = p["mean"] * np.exp(p["sigma"] * z - p["sigma"] ** 2 / 2)
    propensity = p["rho"] * z + np.sqrt(1 - p["rho"] ** 2) * rng.normal(size=n)
    weights = np.array([0.25, 0.3, 0.2, 0.05, p["bribery"], 0.1, 0.1])
    weights /= weights.sum()
    members = [np.flatnonzero(unit == u) for u in range(units)]
    day = dt.date.fromordinal
    officers = [
        {
            "officer_id": f"P{i:05d}",
            "last_name": f"Officer {i}",
            "unit": f"U{unit[i]}",
            "race": rng.choice(["a", "b", "c"]),
            "sex": rng.choice(["male", "female"], p=[0.8, 0.2]),
            "hired_on": day(int(hired[i])).isoformat() if p["hiring"] else "",
            "left_on": day(int(left[i])).isoformat() if p["hiring"] and left[i] < last else "",
        }
        for i in range(n)
    ]
    complaints: list[dict[str, str]] = []
    allegations: list[dict[str, str]] = []
    spell = np.zeros(n)
    keep = 0.85  # month-to-month persistence of a spell
    for month in range((last - first) // 30):
        spell = keep * spell + np.sqrt(1 - keep**2) * rng.normal(size=n) * p["hot"]
        start = first + 30 * month
        serving = (hired <= start) & (left > start)
        drawn = rng.poisson(rate * np.exp(spell - p["hot"] ** 2 / 2) / 12 * serving)
        for i in np.flatnonzero(drawn):
            for _ in range(int(drawn[i])):
                occurred = start + int(rng.integers(0, 30))
                received = occurred + int(rng.geometric(1 / 15))
                if received > last:
                    continue
                closed = received + int(rng.integers(40, 500))
                complaint_id = f"C{len(complaints) + 1:06d}"
                complaints.append(
                    {
                        "complaint_id": complaint_id,
                        "received_on": day(received).isoformat(),
                        "occurred_on": day(occurred).isoformat(),
                        "closed_on": day(closed).isoformat() if closed <= last else "",
                    }
                )
                named = {int(i)}
                if rng.random() < p["co_subjects"]:
                    mates = members[unit[i]]
                    mates = mates[serving[mates] & (mates != i)]
                    if len(mates):
                        chosen = rng.choice(mates, size=min(len(mates), int(rng.integers(1, 3))), replace=False)
                        named |= {int(m) for m in chosen}
                for j in sorted(named):
                    odds = p["sustained"] + p["slope"] * propensity[j] + p["recent"] * spell[j]
                    chance = 1 / (1 + np.exp(-odds))
                    for _ in range(1 + rng.poisson(0.6)):
                        if closed > last:
                            finding = "pending"
                        elif rng.random() < chance:
                            finding = "sustained"
                        else:
                            finding = OTHER_FINDINGS[rng.choice(4, p=[0.4, 0.3, 0.2, 0.1])]
                        allegations.append(
                            {
                                "complaint_id": complaint_id,
                                "officer_id": f"P{j:05d}",
                                "category": CATEGORIES[rng.choice(len(CATEGORIES), p=weights)],
                                "finding": finding,
                            }
                        )
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in (("officers", officers), ("complaints", complaints), ("allegations", allegations)):
        with (directory / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return {"officers": n, "complaints": len(complaints), "allegations": len(allegations)}


def measure(seed: int, changes: dict[str, float], years: list[int], totals: dict[str, list[float]]) -> None:
    params = {**DEFAULTS, **changes}
    with tempfile.TemporaryDirectory(prefix="ombud-generic-") as scratch:
        record, data = Path(scratch) / "force", Path(scratch) / "data"
        sizes = write_force(record, seed, params)
        env = {**os.environ, "OMBUD_DATA_DIR": str(data)}
        env.pop("DATABASE_URL", None)
        ombud = [sys.executable, "-m", "ombud"]
        subprocess.run([*ombud, "migrate", "--verbosity", "0"], env=env, check=True)
        subprocess.run(
            [*ombud, "import", "interchange", str(record), "--quiet"], env=env, check=True, capture_output=True
        )
        named = ", ".join(f"{key}={value:g}" for key, value in changes.items()) or "defaults"
        print(f"force seed {seed} ({named}): {sizes}", flush=True)
        for year in years:
            out = subprocess.run(
                [*ombud, "risk", "evaluate", "--as-of", f"{year}-12-31", "--json"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            result: dict[str, Any] = json.loads(out.stdout)
            rankers, n = result["rankers"], result["cohort"]
            line = [f"  {result['as_of']}: cohort {n}, {result['positives']} positives"]
            for share in (1, 5):
                # The places of the top k %, rounded as ``ombud.risk.evaluation.picked`` does; this
                # script reads only the JSON a user gets, without setting Django up.
                k = max(1, round(n * share / 100))
                model, count = rankers["model"][f"p_at_{share}"], rankers["count_12m"][f"p_at_{share}"]
                line.append(f"top {share} % {model:.3f} vs {count:.3f}")
                add(totals, f"top {share} %", model * k, count * k)
            for name, rule in rankers.items():
                if name.startswith("rule:") and rule["flags"]:
                    model_precision = rule["model_precision_at_same_flags"]
                    line.append(f"{name[5:]} ({rule['flags']}) {model_precision:.3f} vs {rule['precision']:.3f}")
                    add(totals, name[5:], rule["model_true_positives_at_same_flags"], rule["true_positives"])
            print(", ".join(line), flush=True)


def add(totals: dict[str, list[float]], key: str, model: float, other: float) -> None:
    pair = totals.setdefault(key, [0.0, 0.0])
    pair[0] += model
    pair[1] += other


def report(totals: dict[str, list[float]]) -> str:
    return "; ".join(
        f"{key} {model:.0f} vs {other:.0f}" + (f" ({model / other:.2f}x)" if other else "")
        for key, (model, other) in totals.items()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help=f"one of {sorted(DEFAULTS)}"
    )
    # 2018's outcome year ends on the record's last day: its cases closing after it are still open.
    parser.add_argument("--years", type=int, nargs="+", default=[2015, 2016, 2017])
    parser.add_argument("--suite", action="store_true", help="the nine forces of docs/early-warning.md")
    args = parser.parse_args()
    changes: dict[str, float] = {}
    for item in args.set:
        name, _, value = item.partition("=")
        if name not in DEFAULTS:
            parser.error(f"unknown parameter {name!r}: one of {sorted(DEFAULTS)}")
        changes[name] = float(value)
    everything: dict[str, list[float]] = {}
    for seed, change in SUITE if args.suite else [(args.seed, changes)]:
        totals: dict[str, list[float]] = {}
        measure(seed, change, args.years, totals)
        print(f"  true positives, model vs the other: {report(totals)}", flush=True)
        for key, (model, other) in totals.items():
            add(everything, key, model, other)
    if args.suite:
        print(f"all forces, true positives, model vs the other: {report(everything)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
