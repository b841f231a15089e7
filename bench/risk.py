"""Benchmark the early-warning model: reading the record, training and scoring as of a date, on
whatever database ``OMBUD_DATA_DIR`` holds (CCRB after ``bench/import_ccrb.py --keep DIR``, or a
simulated force of 100,000 officers after ``ombud simulate --officers 100000 --years 12``).

    OMBUD_DATA_DIR=DIR .venv/bin/python bench/risk.py --as-of 2017-12-31 [--score] [--train-as-of DATE]

Training and scoring run in-process; ``--score`` also writes the scores and alerts (as
``ombud risk score`` does) and times that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--train-as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--score", action="store_true", help="also store scores and raise alerts")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")
    import django

    django.setup()
    from ombud.risk import model as risk_model
    from ombud.risk.events import events_load
    from ombud.risk.explain import factors_for
    from ombud.risk.features import active_rows, cohort, features
    from ombud.risk.services import risk_score

    started = time.perf_counter()
    ev = events_load()
    read = time.perf_counter() - started
    print(
        f"read the record: {read:.1f} s ({ev.n_officers} officers, {len(ev.cs_officer)} complaint subjects, "
        f"{len(ev.al_officer)} allegations)"
    )

    train_as_of = args.train_as_of or args.as_of
    started = time.perf_counter()
    trained = risk_model.train(ev, train_as_of)
    print(
        f"train as of {train_as_of}: {time.perf_counter() - started:.1f} s "
        f"({trained.training['rows']} officer-years from {len(trained.training['as_of_dates'])} as-of dates)"
    )

    t = args.as_of.toordinal()
    for name, rows in (("cohort", cohort(ev, t)), ("active officers", active_rows(ev, t))):
        started = time.perf_counter()
        matrix = features(ev, t, rows, trained.spec)
        built = time.perf_counter() - started
        score = trained.predict(matrix)
        scored = time.perf_counter() - started
        top = score.argsort()[::-1][: max(1, len(score) // 50)]
        factors_for(trained, matrix[top], score[top], {})
        explained = time.perf_counter() - started
        print(
            f"score {len(rows)} {name}: features {built:.1f} s, model {scored - built:.1f} s, "
            f"factors for the top 2 % ({len(top)}) {explained - scored:.1f} s"
        )
    if args.score:
        risk_model.save(trained)
        started = time.perf_counter()
        report = risk_score(as_of=args.as_of)
        print(
            f"ombud risk score (read, score, explain top 10 %, store, alert): {time.perf_counter() - started:.1f} s "
            f"for {report.scored} officers, {report.alerts} alerts"
        )
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
