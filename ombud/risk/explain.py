"""Why an officer scores high, in plain words.

Features come in families (complaints in every window, sustained findings, one category...). A
family's weight for an officer is how much his score drops when that family's values are replaced
by the values typical of the officers scored with him (their median): the model is asked again with
one family neutralised at a time. The five heaviest families are then described with the officer's
own figures, e.g. "4 complaints in the last 12 months, 3.0 times the average at the same unit"."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ombud.intake.models import category_label
from ombud.risk.events import F64
from ombud.risk.model import TrainedModel

TOP_FACTORS = 5
CHUNK_ROWS = 200_000


@dataclass(frozen=True)
class Family:
    key: str
    columns: tuple[int, ...]


def families(names: list[str]) -> list[Family]:
    prefixes: list[tuple[str, tuple[str, ...]]] = [
        # The repeat complaints belong to the complaints: neutralised apart, they would leave rows the
        # model's voices cannot come from (more repeats than complaints). The factor's sentence is
        # about complaints only: alerts go to the officer's chain of command, and a sentence saying
        # that some came from people who had complained before would help it guess who complained.
        ("complaints", ("complaints_", "complainants_", "allegations_per_complaint", "repeat_complaints_")),
        ("allegations", ("allegations_",)),
        ("sustained", ("sustained_", "days_since_last_sustained")),
        ("other_findings", ("not_sustained_", "unfounded_", "exonerated_", "closed_", "pending_")),
        ("recency", ("days_since_last_complaint", "days_since_first_complaint")),
        ("tenure", ("tenure_days",)),
        ("unit", ("unit_",)),
        ("co_subjects", ("co_subjects",)),
        ("officials", ("officials_named",)),
        ("escalations", ("escalations_", "addressed_higher")),
        ("measures", ("measures_", "severe_measures")),
    ]
    groups: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if name.startswith("category:"):
            key = name.rsplit("_", 1)[0]
        else:
            key = next((k for k, starts in prefixes if name.startswith(starts)), "other")
        groups.setdefault(key, []).append(index)
    return [Family(key, tuple(columns)) for key, columns in groups.items()]


def contributions(model: TrainedModel, matrix: F64, score: F64) -> tuple[list[Family], F64]:
    """Each family's weight (score drop when neutralised) per row: shape (rows, families)."""
    fams = families(model.feature_names)
    if not len(matrix):
        return fams, np.zeros((0, len(fams)))
    with warnings.catch_warnings():
        # A column empty for every officer (no hiring dates in this force) stays empty.
        warnings.simplefilter("ignore", RuntimeWarning)
        typical = np.nanmedian(matrix, axis=0)
    out = np.zeros((len(matrix), len(fams)))
    per_chunk = max(1, CHUNK_ROWS // max(len(fams), 1))
    for lo in range(0, len(matrix), per_chunk):
        part = matrix[lo : lo + per_chunk]
        stacked = np.repeat(part[np.newaxis, :, :], len(fams), axis=0)
        for f, family in enumerate(fams):
            for column in family.columns:
                stacked[f, :, column] = typical[column]
        neutral = model.predict(stacked.reshape(-1, part.shape[1])).reshape(len(fams), len(part))
        out[lo : lo + len(part)] = (score[lo : lo + len(part)][np.newaxis, :] - neutral).T
    return fams, out


def _value(row: dict[str, float], name: str) -> float:
    value = row.get(name, math.nan)
    return value if not math.isnan(value) else math.nan


def _n(value: float) -> int:
    return 0 if math.isnan(value) else round(value)


def describe(key: str, row: dict[str, float], category_names: dict[str, str]) -> str:
    """A family in plain words, with the officer's own figures."""
    if key.startswith("category:"):
        code = key.removeprefix("category:")
        n5, n1 = _n(_value(row, f"{key}_5y")), _n(_value(row, f"{key}_1y"))
        name = category_label(category_names.get(code, code))
        if math.isnan(_value(row, f"{key}_5y")):
            n = _n(_value(row, f"{key}_all"))
            return ngettext(
                "%(n)d complaint of %(category)s since the records began",
                "%(n)d complaints of %(category)s since the records began",
                n,
            ) % {"n": n, "category": name.lower()}
        return ngettext(
            "%(n)d complaint of %(category)s in the last 5 years (%(recent)d in the last 12 months)",
            "%(n)d complaints of %(category)s in the last 5 years (%(recent)d in the last 12 months)",
            n5,
        ) % {"n": n5, "category": name.lower(), "recent": n1}
    writers: dict[str, Callable[[], str]] = {
        "complaints": lambda: _complaints(row),
        "allegations": lambda: (
            ngettext(
                "%(n)d allegation in the last 12 months (%(all)d on record)",
                "%(n)d allegations in the last 12 months (%(all)d on record)",
                _n(_value(row, "allegations_1y")),
            )
            % {"n": _n(_value(row, "allegations_1y")), "all": _n(_value(row, "allegations_all"))}
        ),
        "sustained": lambda: _sustained(row),
        "other_findings": lambda: (
            _("Allegations on record not sustained: %(ns)d, unfounded: %(un)d, exonerated: %(ex)d")
            % {
                "ns": _n(_value(row, "not_sustained_all")),
                "un": _n(_value(row, "unfounded_all")),
                "ex": _n(_value(row, "exonerated_all")),
            }
        ),
        "recency": lambda: _recency(row),
        "tenure": lambda: (
            _("%(y).0f years of service") % {"y": _value(row, "tenure_days") / 365.25}
            if not math.isnan(_value(row, "tenure_days"))
            else _("No hiring date on record")
        ),
        "unit": lambda: (
            _("Officers of the same unit average %(m).1f complaints a year")
            % {"m": _value(row, "unit_peer_mean_1y")}
            if not math.isnan(_value(row, "unit_peer_mean_1y"))
            else _("No unit on record for the day")
        ),
        "co_subjects": lambda: (
            ngettext(
                "Named with %(n)d other officer, %(s)d of them with a sustained finding",
                "Named with %(n)d other officers, %(s)d of them with a sustained finding",
                _n(_value(row, "co_subjects")),
            )
            % {"n": _n(_value(row, "co_subjects")), "s": _n(_value(row, "co_subjects_sustained"))}
        ),
        "officials": lambda: (
            ngettext(
                "Named in complaints together with %(n)d local official",
                "Named in complaints together with %(n)d local officials",
                _n(_value(row, "officials_named_all")),
            )
            % {"n": _n(_value(row, "officials_named_all"))}
        ),
        "escalations": lambda: (
            ngettext(
                "%(n)d complaint about him escalated to a higher body",
                "%(n)d complaints about him escalated to a higher body",
                _n(_value(row, "escalations_all")),
            )
            % {"n": _n(_value(row, "escalations_all"))}
        ),
        "measures": lambda: (
            ngettext(
                "%(n)d measure on record (%(s)d severe)",
                "%(n)d measures on record (%(s)d severe)",
                _n(_value(row, "measures_all")),
            )
            % {"n": _n(_value(row, "measures_all")), "s": _n(_value(row, "severe_measures_all"))}
        ),
    }
    writer = writers.get(key)
    return writer() if writer else key


def _complaints(row: dict[str, float]) -> str:
    if math.isnan(_value(row, "complaints_1y")):
        # The records began less than a year before: the year's count is not known, all of it is.
        n = _n(_value(row, "complaints_all"))
        return ngettext(
            "%(n)d complaint since the records began", "%(n)d complaints since the records began", n
        ) % {"n": n}
    n1, n5 = _n(_value(row, "complaints_1y")), _n(_value(row, "complaints_5y"))
    if math.isnan(_value(row, "complaints_5y")):
        n5 = _n(_value(row, "complaints_all"))
    text = ngettext(
        "%(n)d complaint in the last 12 months (%(five)d in 5 years)",
        "%(n)d complaints in the last 12 months (%(five)d in 5 years)",
        n1,
    ) % {"n": n1, "five": n5}
    ratio = _value(row, "unit_ratio_1y")
    if not math.isnan(ratio) and ratio >= 1.5:
        text += ", " + _("%(r).1f times the average at the same unit") % {"r": ratio}
    return text


def _sustained(row: dict[str, float]) -> str:
    n = _n(_value(row, "sustained_all"))
    if not n:
        return _("No sustained finding so far")
    days = _value(row, "days_since_last_sustained")
    text = ngettext("%(n)d sustained finding", "%(n)d sustained findings", n) % {"n": n}
    if not math.isnan(days):
        text += ", " + _("the last about an incident %(d)d days before the date scored") % {"d": round(days)}
    return text


def _recency(row: dict[str, float]) -> str:
    days = _value(row, "days_since_last_complaint")
    if math.isnan(days):
        return _("No complaint on record")
    first = _value(row, "days_since_first_complaint")
    return _("Last complaint %(d)d days before the date scored, the first %(y).1f years before") % {
        "d": round(days),
        "y": first / 365.25 if not math.isnan(first) else 0.0,
    }


def factors_for(
    model: TrainedModel,
    matrix: F64,
    score: F64,
    category_names: dict[str, str],
    *,
    top: int = TOP_FACTORS,
) -> list[list[dict[str, object]]]:
    """The ``top`` heaviest families per row, described: ``[{"text", "weight", "family"}, ...]``."""
    fams, weights = contributions(model, matrix, score)
    names = model.feature_names
    out = []
    # A family where the officer has nothing on record (all zero or unknown) says nothing about him:
    # it comes after every family that does, and families that raise his score come first.
    empty = np.array(
        [[not np.nansum(np.abs(matrix[i, list(fam.columns)])) for fam in fams] for i in range(len(matrix))]
    )
    for i in range(len(matrix)):
        row = dict(zip(names, matrix[i].tolist(), strict=True))
        order = np.lexsort((-weights[i], empty[i], weights[i] <= 0))[:top].tolist()
        out.append(
            [
                {
                    "text": describe(fams[f].key, row, category_names),
                    "weight": round(float(weights[i, f]), 5),
                    "family": fams[f].key,
                }
                for f in order
            ]
        )
    return out
