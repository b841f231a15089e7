"""Measuring the model against the simple count ranking and the threshold rules, on whatever the
database holds, with the time split of docs/early-warning.md: features from what was known on the
as-of date, the label from the year after it, training only on years whose outcome was known by it.

Ties are broken at random *in expectation*: when k officers must be picked and the k-th place is
shared, the tied officers count for their share of the remaining places. A ranking with many ties
(the count of complaints) is then neither favoured nor penalised by the order rows happen to be in."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ombud.risk.events import F64, I64, NO_DAY, SUSTAINED, B, Events
from ombud.risk.features import cohort, complaints_in, features, label_completeness, labels, unit_at
from ombud.risk.model import TrainedModel, train, training_dates
from ombud.risk.rules import RuleSpec, categories_in_record, rule_flags

TOP_SHARES = (1, 5, 10)
CURVE_SHARES = tuple(range(1, 21))
FLAG_SHARE = 5  # the model's "flag" for fairness and ground-truth figures: its top 5 %
MIN_GROUP = 20  # smaller groups are pooled, so no figure is about a handful of officers


def picked(n_total: int, share: float) -> int:
    return max(1, round(n_total * share / 100))


def expected_hits(score: F64, y: B, k: int) -> float:
    """Positives expected among the top ``k`` by ``score``, ties broken at random."""
    if k <= 0 or not len(score):
        return 0.0
    k = min(k, len(score))
    cut = np.sort(score)[::-1][k - 1]
    above, tied = score > cut, score == cut
    room = k - int(above.sum())
    return float(y[above].sum()) + room * float(y[tied].sum()) / max(int(tied.sum()), 1)


def precision_at(score: F64, y: B, k: int) -> float:
    return expected_hits(score, y, k) / k if k > 0 else 0.0


def top_mask(score: F64, k: int) -> F64:
    """Each row's chance of being among the top ``k`` (1 above the cut, a share at the cut)."""
    if k <= 0 or not len(score):
        return np.zeros(len(score))
    k = min(k, len(score))
    cut = np.sort(score)[::-1][k - 1]
    above, tied = score > cut, score == cut
    room = k - int(above.sum())
    return np.where(above, 1.0, np.where(tied, room / max(int(tied.sum()), 1), 0.0))


def auc(score: F64, y: B) -> float | None:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    positives, negatives = int(y.sum()), int((~y).sum())
    if not positives or not negatives:
        return None
    from scipy.stats import rankdata  # type: ignore[import-untyped]

    ranks = rankdata(score)
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def paired(y: B, model_picks: F64, other_picks: F64) -> dict[str, float]:
    """The model against another ranking at the same number of picks, officer by officer: the
    positives only the model picked and only the other picked (expected, where ties straddle a cut),
    and ``p``, the chance of a split of those at least this uneven if the two picked equally well
    (exact two-sided sign test). The officers both picked, or neither, say nothing about which is
    better; at six flags a year, one officer either way is well within chance."""
    model_only = float((y * model_picks * (1 - other_picks)).sum())
    other_only = float((y * other_picks * (1 - model_picks)).sum())
    p = sign_test(model_only, other_only)
    return {"model_only": round(model_only, 2), "other_only": round(other_only, 2), "p": round(p, 4)}


def sign_test(model_only: float, other_only: float) -> float:
    """The exact two-sided sign test's p for a split of the positives only one of two rankings
    picked (expected counts, halves rounded up): 1.0 where neither picked any alone."""
    split = math.floor(model_only + 0.5)
    total = split + math.floor(other_only + 0.5)
    if not total:
        return 1.0
    from scipy.stats import binomtest

    return float(binomtest(split, total, 0.5).pvalue)


def pooled(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several evaluations' comparisons of the model with ``count_12m`` (top 5 %) and each rule (its
    flags), summed over their dates: a rule that flags six officers a year cannot be judged on one
    year (``differences``, above, say so), but it may be on ten. Per comparison, the dates it had
    picks on, the picks and true positives of both, the positives only one of them picked and the
    sign test on that pooled split, and the mean of the dates' precisions (as issue 5's check
    averages them). Only results with ``differences`` (made since they were measured) count."""
    usable = sorted((r for r in results if "differences" in r), key=lambda r: str(r["as_of"]))
    comparisons: dict[str, dict[str, Any]] = {}

    def add(
        key: str, picks: float, model_tp: float, other_tp: float, difference: dict[str, float]
    ) -> dict[str, Any]:
        c = comparisons.setdefault(
            key,
            {
                "dates": 0,
                "picks": 0,
                "model_true_positives": 0.0,
                "other_true_positives": 0.0,
                "model_only": 0.0,
                "other_only": 0.0,
                "model_precisions": [],
                "other_precisions": [],
            },
        )
        c["dates"] += 1
        c["picks"] += picks
        c["model_true_positives"] += model_tp
        c["other_true_positives"] += other_tp
        c["model_only"] += difference.get("model_only", 0.0)
        c["other_only"] += difference.get("other_only", 0.0)
        c["model_precisions"].append(model_tp / picks)
        c["other_precisions"].append(other_tp / picks)
        return c

    for r in usable:
        picks = picked(r["cohort"], 5) if r["cohort"] else 0
        model, count = r["rankers"]["model"], r["rankers"]["count_12m"]
        if picks and model.get("p_at_5") is not None and count.get("p_at_5") is not None:
            add(
                "count_12m", picks, model["p_at_5"] * picks, count["p_at_5"] * picks, r["differences"]["count_12m"]
            )
        for name, f in r["rankers"].items():
            if name.startswith("rule:") and f.get("flags"):
                c = add(
                    name,
                    f["flags"],
                    f["model_true_positives_at_same_flags"],
                    f["true_positives"],
                    r["differences"].get(name, {}),
                )
                # A rule edited between the dates is pooled under its name, every wording it had kept.
                c.setdefault("descriptions", [])
                if f.get("description") and f["description"] not in c["descriptions"]:
                    c["descriptions"].append(f["description"])
    for c in comparisons.values():
        model_precisions, other_precisions = c.pop("model_precisions"), c.pop("other_precisions")
        c["model_mean_precision"] = round(sum(model_precisions) / len(model_precisions), 4)
        c["other_mean_precision"] = round(sum(other_precisions) / len(other_precisions), 4)
        for key in ("model_true_positives", "other_true_positives", "model_only", "other_only"):
            c[key] = round(c[key], 2)
        c["p"] = round(sign_test(c["model_only"], c["other_only"]), 4)
    return {
        "as_of": [str(r["as_of"]) for r in usable],
        "left_out": len(results) - len(usable),
        "comparisons": comparisons,
    }


def ranker_figures(score: F64, y: B) -> dict[str, float | None]:
    n, positives = len(score), int(y.sum())
    out: dict[str, float | None] = {}
    for share in TOP_SHARES:
        out[f"p_at_{share}"] = round(precision_at(score, y, picked(n, share)), 4) if n else None
    hits = expected_hits(score, y, picked(n, 5))
    out["recall_at_5"] = round(hits / positives, 4) if positives else None
    value = auc(score, y)
    out["auc"] = round(value, 4) if value is not None else None
    return out


@dataclass(frozen=True)
class Context:
    """One as-of date's cohort, labels, scores and baselines."""

    as_of: dt.date
    label: str
    rows: I64
    y: B
    score: F64
    count_12m: F64
    model: TrainedModel


def context_build(ev: Events, as_of: dt.date, label: str, model: TrainedModel | None = None) -> Context:
    t = as_of.toordinal()
    model = model or train(ev, as_of, label=label)
    rows = cohort(ev, t)
    score = model.predict(features(ev, t, rows, model.spec))
    return Context(
        as_of=as_of,
        label=label,
        rows=rows,
        y=labels(ev, t, rows, kind=label),
        score=score,
        count_12m=complaints_in(ev, t, 365)[rows],
        model=model,
    )


def outcomes_known(ev: Events, as_of: dt.date, label: str = "sustained") -> float | None:
    """The share of the year after ``as_of``'s outcomes the record holds yet (``label_completeness``
    measured up to the record's last day): findings about its last months may still be under
    investigation, and a year short of them gives every ranker a lower precision than it will have.
    None where the record is too short to measure it (no settled year with positives enough)."""
    decided = ev.al_decided[ev.al_decided != NO_DAY]
    last = max(ev.last_day(), int(decided.max()) if len(decided) else NO_DAY)
    if last == NO_DAY:
        return 1.0
    days = [d.toordinal() for d in training_dates(ev, as_of)] + [as_of.toordinal()]
    share = label_completeness(ev, days, [cohort(ev, t) for t in days], last, kind=label, unmeasured=np.nan)[-1]
    return None if np.isnan(share) else float(share)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# Below this share of the evaluated year's outcomes known, the report says its figures will rise.
OUTCOMES_SETTLED = 0.95


def outcomes_warning(result: dict[str, Any]) -> str:
    """What a reader of the figures must know when the year they are measured on is not settled
    (an evaluation stored before the share was measured says nothing), or when it holds no outcome
    at all (a record with no findings, evaluated on sustained ones)."""
    if result.get("cohort") and not result.get("positives"):
        if result.get("label") == "sustained":
            return _(
                "Nobody in the cohort drew a sustained allegation in the year after %(as_of)s, so every "
                "precision here is 0 and says nothing of the rankers. If the record holds no findings, "
                "evaluate with the label “any” (allegations whatever their finding)."
            ) % {"as_of": result["as_of"]}
        return _(
            "Nobody in the cohort drew an allegation in the year after %(as_of)s, so every precision here is 0 "
            "and says nothing of the rankers."
        ) % {"as_of": result["as_of"]}
    share = result.get("outcomes_known")
    if share is None or share >= OUTCOMES_SETTLED:
        return ""
    return _(
        "Only about %(share)d%% of the outcomes of the year after %(as_of)s are in the record yet (findings "
        "still under investigation, or complaints still to come): every precision here is lower than it will "
        "be. A date a year earlier measures the model on a settled year."
    ) % {"share": int(100 * share), "as_of": result["as_of"]}  # 94.6 % is not "about 95 %" here


def unmatched_rule_text(name: str, categories: Sequence[str]) -> str:
    """Why a category rule flags no one on this record, and what to do about it."""
    return ngettext(
        "Rule %(rule)s counts the category %(categories)s, which no complaint in this record has: it can flag "
        "no one here. An administrator can set it to the force's own categories.",
        "Rule %(rule)s counts the categories %(categories)s, which no complaint in this record has: it can flag "
        "no one here. An administrator can set it to the force's own categories.",
        len(categories),
    ) % {"rule": name, "categories": ", ".join(categories)}


def evaluate(
    ev: Events,
    as_of: dt.date,
    *,
    label: str = "sustained",
    rules: Sequence[RuleSpec] = (),
    truth: dict[str, Any] | None = None,
    model: TrainedModel | None = None,
) -> dict[str, Any]:
    """The evaluation as JSON-ready data (the keys ``ombud risk evaluate --json`` prints)."""
    ctx = context_build(ev, as_of, label, model)
    n, y = len(ctx.rows), ctx.y
    rankers: dict[str, Any] = {
        "model": ranker_figures(ctx.score, y),
        "count_12m": ranker_figures(ctx.count_12m, y),
    }
    positives = int(y.sum())
    top_5 = picked(n, 5) if n else 0
    differences = {"count_12m": paired(y, top_mask(ctx.score, top_5), top_mask(ctx.count_12m, top_5))}
    for rule in rules:
        flags = rule_flags(ev, as_of.toordinal(), rule)[ctx.rows]
        flagged = int(flags.sum())
        hits = int(y[flags].sum())
        rankers[f"rule:{rule.name}"] = {
            # As the rule read when measured: an administrator may edit it later.
            "description": rule.description,
            "flags": flagged,
            "precision": round(hits / flagged, 4) if flagged else None,
            "recall": round(hits / positives, 4) if positives else None,
            "model_precision_at_same_flags": round(precision_at(ctx.score, y, flagged), 4) if flagged else None,
            "true_positives": hits,
            "model_true_positives_at_same_flags": round(expected_hits(ctx.score, y, flagged), 2),
        }
        if rule.categories:
            rankers[f"rule:{rule.name}"]["categories"] = list(rule.categories)
            rankers[f"rule:{rule.name}"]["categories_in_record"] = categories_in_record(ev, rule)
        if flagged:
            differences[f"rule:{rule.name}"] = paired(y, top_mask(ctx.score, flagged), flags.astype(np.float64))
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "label": label,
        "cohort": n,
        "positives": positives,
        "outcomes_known": _rounded(outcomes_known(ev, as_of, label)),
        "rankers": rankers,
        "differences": differences,
        "curve": {
            "shares": list(CURVE_SHARES),
            "model": [round(precision_at(ctx.score, y, picked(n, s)), 4) for s in CURVE_SHARES],
            "count_12m": [round(precision_at(ctx.count_12m, y, picked(n, s)), 4) for s in CURVE_SHARES],
        },
        "training": {**ctx.model.training, "as_of": ctx.model.as_of.isoformat()},
        "fairness": fairness(ev, ctx),
    }
    if truth:
        result["ground_truth"] = ground_truth(ev, ctx, truth)
    return result


_WITHHELD = ("positives", "base_rate", "flags", "flag_rate", "precision")


def _group_figures(keys: Sequence[str], ctx: Context, flagged: F64) -> list[dict[str, Any]]:
    members: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        members[key or "unknown"].append(i)
    small = [key for key, idx in members.items() if len(idx) < MIN_GROUP]
    if len(small) > 1 or (small and len(members) > 1):
        pooled = [i for key in small for i in members.pop(key)]
        if pooled:
            members["other (small groups)"] = pooled
    ordered = sorted(members.items(), key=lambda item: -len(item[1]))
    # Still a handful after pooling (a lone small group, or small groups that add up to few): its size
    # is said, its figures would be about a few named officers, so they are not; nor are the next
    # smallest group's, or the cohort's totals less the others' would give them back.
    withheld = {key for key, idx in ordered if len(idx) < MIN_GROUP}
    if withheld and len(ordered) > len(withheld):
        withheld.add(next(key for key, _idx in reversed(ordered) if key not in withheld))
    out: list[dict[str, Any]] = []
    for key, idx in ordered:
        at = np.array(idx)
        if key in withheld:
            out.append({"group": key, "officers": len(at)} | dict.fromkeys(_WITHHELD))
            continue
        flags = float(flagged[at].sum())
        hits = float((flagged[at] * ctx.y[at]).sum())
        out.append(
            {
                "group": key,
                "officers": len(at),
                "positives": int(ctx.y[at].sum()),
                "base_rate": round(float(ctx.y[at].mean()), 4),
                "flags": round(flags, 1),
                "flag_rate": round(flags / len(at), 4),
                "precision": round(hits / flags, 4) if flags else None,
            }
        )
    return out


def _unit_labels(ev: Events, units: I64) -> list[str]:
    """Each officer's unit by name; two units of one name (a "1st District" in each county) are told
    apart by their number, so their officers are not counted as one group."""
    present = {int(u) for u in units if u >= 0}
    names = Counter(ev.unit_names.get(u, "") for u in present)
    label = {u: ev.unit_names.get(u, "") for u in present}
    for u in present:
        if names[label[u]] > 1:
            label[u] = f"{label[u]} (#{u})"
    return [label.get(int(u), "") for u in units]


def fairness(ev: Events, ctx: Context) -> dict[str, Any]:
    """Flag rates and precision of the model's top 5 % per unit and, where the data has them, per
    race and sex of officers."""
    flagged = top_mask(ctx.score, picked(len(ctx.rows), FLAG_SHARE))
    t = ctx.as_of.toordinal()
    units = unit_at(ev, t)[ctx.rows]
    # Where the record has no unit for the day, the officer's current one stands in: for grouping
    # the figures only, never as a feature.
    units = np.where(units >= 0, units, ev.unit[ctx.rows])
    out: dict[str, Any] = {
        "flag_share": FLAG_SHARE,
        "unit": _group_figures(_unit_labels(ev, units), ctx, flagged),
    }
    for attribute in ("race", "sex"):
        values = getattr(ev, attribute)
        keys = [values[i].strip().lower() for i in ctx.rows]
        if any(keys):
            out[attribute] = _group_figures(keys, ctx, flagged)
    return out


def ground_truth(ev: Events, ctx: Context, truth: dict[str, Any]) -> dict[str, Any]:
    """On a simulated force: how many hidden corrupt officers (and vampires) the top 5 % holds, how
    long before their first sustained finding, and how often honest officers targeted by
    retaliatory complaints are flagged against honest officers in general."""
    t = ctx.as_of.toordinal()
    flagged = top_mask(ctx.score, picked(len(ctx.rows), FLAG_SHARE))
    ids = ev.officer_id[ctx.rows]
    kinds = truth["kind"]
    corrupt_from = truth["corrupt_from"]
    kind = np.array([kinds.get(int(i), "") for i in ids])
    since = np.array([corrupt_from.get(int(i), NO_DAY) for i in ids])
    corrupt = (kind != "honest") & (kind != "") & ((since == NO_DAY) | (since <= t))
    vampire = corrupt & (kind == "vampire")
    honest = kind == "honest"
    retaliated = honest & np.isin(ids, np.fromiter(truth["retaliated"], dtype=np.int64))

    first_held = np.full(ev.n_officers, np.inf)
    held = (ev.al_finding == SUSTAINED) & (ev.al_decided != NO_DAY)
    np.minimum.at(first_held, ev.al_officer[held], ev.al_decided[held].astype(np.float64))
    first = first_held[ctx.rows]

    def caught(mask: B) -> dict[str, Any]:
        picked_rows = mask & (flagged > 0)
        unknown_yet = picked_rows & (first > t)
        lead = (first[unknown_yet & np.isfinite(first)] - t) / 365.25
        return {
            "in_cohort": int(mask.sum()),
            "in_top_5": round(float(flagged[mask].sum()), 1),
            "share_in_top_5": round(float(flagged[mask].sum()) / max(int(mask.sum()), 1), 4),
            "flagged_before_any_sustained_finding": round(float(flagged[unknown_yet].sum()), 1),
            "sustained_later": int(np.isfinite(first[unknown_yet]).sum()),
            "never_sustained": int((~np.isfinite(first[unknown_yet])).sum()),
            "mean_years_before_first_sustained": round(float(lead.mean()), 2) if len(lead) else None,
            "median_years_before_first_sustained": round(float(np.median(lead)), 2) if len(lead) else None,
        }

    def rate(mask: B) -> float | None:
        return round(float(flagged[mask].mean()), 4) if mask.any() else None

    return {
        "corrupt": caught(corrupt),
        "vampires": caught(vampire),
        "honest_flag_rate": rate(honest),
        "retaliated_honest_flag_rate": rate(retaliated),
        "retaliated_honest_officers": int(retaliated.sum()),
    }
