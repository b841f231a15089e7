"""Measure the early-warning model over many as-of dates at once, and on parts of the force.

The figures of issue 5 (the model's precision at the rules' own flag counts) rest on a few dozen
officers a year on a small force: one officer moves them by several points, and three as-of dates
say little about a change to the model. This benchmark pools the true positives over many dates
(and, with ``--parts``, over disjoint sub-forces made by splitting the officers by a hash of their id, to see
how the model does with less data) and prints the ratios a change should be judged by:

    OMBUD_DATA_DIR=DIR .venv/bin/python bench/risk_pooled.py --dates 2009-12-31 2010-12-31 ... [--parts 8 --use 4]

For each set it prints the model's true positives against ``count_12m``'s in the top 1 % and 5 %,
and against each rule's at the rule's own flag count, summed over the dates, and in how many
of the comparisons issue 5 judges (the top 5 % and each rule, per date) the model does at least as
well.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dates", nargs="+", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--label", default="sustained")
    parser.add_argument("--parts", type=int, default=0, help="split the officers into this many sub-forces")
    parser.add_argument("--use", type=int, default=0, help="measure only the first N sub-forces")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombud.settings")
    import django

    django.setup()

    from django.core.exceptions import ValidationError

    from ombud.risk.evaluation import evaluate, picked
    from ombud.risk.events import events_load
    from ombud.risk.rules import rule_specs
    from ombud.risk.services import _outcome_year_over

    for as_of in args.dates:
        # A year still under way would count as a year with fewer outcomes (ombud risk evaluate
        # refuses it the same way).
        try:
            _outcome_year_over(as_of)
        except ValidationError as exc:
            print(f"risk_pooled.py: {' '.join(exc.messages)}", file=sys.stderr)
            return 2
    ev = events_load()
    rules = [rule for rule in rule_specs() if not rule.finding]
    forces = {"whole force": ev}
    if args.parts:
        # A fixed multiplicative hash of the officer id: the same split on every run.
        bucket = (ev.officer_id * 2654435761 % 2**32) % args.parts
        for i in range(args.use or args.parts):
            forces[f"part {i + 1}/{args.parts}"] = ev.restricted_to(bucket == i)

    for name, record in forces.items():
        started = time.perf_counter()
        # Per comparison: the model's true positives and the other ranker's, summed over the dates.
        sums: dict[str, list[float]] = {}
        wins = comparisons = 0
        for as_of in args.dates:
            result = evaluate(record, as_of, label=args.label, rules=rules)
            rankers, n = result["rankers"], result["cohort"]
            # (name, model hits, other hits, judged by issue 5)
            pairs = [
                (
                    f"top {share} %",
                    rankers["model"][f"p_at_{share}"] * picked(n, share),
                    rankers["count_12m"][f"p_at_{share}"] * picked(n, share),
                    share == 5,
                )
                for share in (1, 5)
            ]
            for rule in rules:
                figures = rankers[f"rule:{rule.name}"]
                if figures["flags"]:
                    pairs.append(
                        (rule.name, figures["model_true_positives_at_same_flags"], figures["true_positives"], True)
                    )
            for key, model_hits, other_hits, judged in pairs:
                total = sums.setdefault(key, [0.0, 0.0])
                total[0] += model_hits
                total[1] += other_hits
                comparisons += judged
                wins += judged and model_hits >= other_hits
        ratios = ", ".join(
            f"{key} {model:.0f} vs {other:.0f}" + (f" ({model / other:.2f}x)" if other else "")
            for key, (model, other) in sums.items()
        )
        print(
            f"{name} ({record.n_officers} officers, {len(args.dates)} dates, {time.perf_counter() - started:.0f} s): "
            f"{ratios}; model at least as good in {wins} of {comparisons} comparisons",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
