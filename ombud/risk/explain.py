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
from django.utils.translation import ngettext, pgettext

from ombud.intake.models import category_label
from ombud.risk.events import F64
from ombud.risk.model import TrainedModel
from ombud.risk.rules import description_shown

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
    # On a force whose complaints all fall under one category (or none: all "Other"), that
    # category's counts are the complaint counts, and a factor "6 complaints under “Other”" would
    # repeat the complaints' factor in other words: they are neutralised and told with them.
    categories = {name.rsplit("_", 1)[0] for name in names if name.startswith("category:")}
    groups: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        if name.startswith("category:"):
            key = name.rsplit("_", 1)[0] if len(categories) > 1 else "complaints"
        else:
            key = next((k for k, starts in prefixes if name.startswith(starts)), "other")
        groups.setdefault(key, []).append(index)
    return [Family(key, tuple(columns)) for key, columns in groups.items()]


def typical_values(matrix: F64) -> F64:
    """The median officer's value of each feature, the level a family is neutralised to."""
    with warnings.catch_warnings():
        # A column empty for every officer (no hiring dates in this force) stays empty.
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmedian(matrix, axis=0), dtype=np.float64)


def contributions(
    model: TrainedModel, matrix: F64, score: F64, typical: F64 | None = None
) -> tuple[list[Family], F64]:
    """Each family's weight (score drop when neutralised) per row: shape (rows, families).
    ``typical``: the median officer of all those scored with these rows (by default, of the rows):
    where only the top of a force is explained, the median of the top is no neutral level."""
    fams = families(model.feature_names)
    if not len(matrix):
        return fams, np.zeros((0, len(fams)))
    if typical is None:
        typical = typical_values(matrix)
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
        # Quoted as the force names it: a category called "Other" reads as a name, not as a word.
        name = category_label(category_names.get(code, code))
        if math.isnan(_value(row, f"{key}_5y")):
            n = _n(_value(row, f"{key}_all"))
            return ngettext(
                "%(n)d complaint under “%(category)s” since the records began",
                "%(n)d complaints under “%(category)s” since the records began",
                n,
            ) % {"n": n, "category": name}
        return ngettext(
            "%(n)d complaint under “%(category)s” in the last 5 years (%(recent)d in the last 12 months)",
            "%(n)d complaints under “%(category)s” in the last 5 years (%(recent)d in the last 12 months)",
            n5,
        ) % {"n": n5, "category": name, "recent": n1}
    writers: dict[str, Callable[[], str]] = {
        "complaints": lambda: _complaints(row),
        "allegations": lambda: _allegations(row),
        "sustained": lambda: _sustained(row),
        "other_findings": lambda: _other_findings(row),
        "recency": lambda: _recency(row),
        "tenure": lambda: _tenure(row),
        "unit": lambda: _unit(row),
        "co_subjects": lambda: _co_subjects(row),
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


def _unit(row: dict[str, float]) -> str:
    """His unit's figure beside his own: the unit's mean alone says nothing of him."""
    mean = _value(row, "unit_peer_mean_1y")
    if math.isnan(mean):
        return _("No unit on record for the day")
    own = _value(row, "complaints_1y")
    if math.isnan(own):
        return _("Officers of the same unit average %(m).1f complaints a year") % {"m": mean}
    return ngettext(
        "%(n)d complaint in the last 12 months where the officers of his unit average %(m).1f",
        "%(n)d complaints in the last 12 months where the officers of his unit average %(m).1f",
        _n(own),
    ) % {"n": _n(own), "m": mean}


def _co_subjects(row: dict[str, float]) -> str:
    n, held = _n(_value(row, "co_subjects")), _n(_value(row, "co_subjects_sustained"))
    if not held:
        # "0 of them with a sustained finding" states an absence; who he is named with is the point.
        return ngettext(
            "Named in complaints with %(n)d other officer", "Named in complaints with %(n)d other officers", n
        ) % {"n": n}
    return ngettext(
        "Named with %(n)d other officer, %(s)d of them with a sustained finding",
        "Named with %(n)d other officers, %(s)d of them with a sustained finding",
        n,
    ) % {"n": n, "s": held}


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
    total = max(_n(_value(row, "complaints_all")), n5, n1)
    if not total:
        return _("No complaint on record")
    if not n5 and not math.isnan(_value(row, "complaints_5y")):
        # Nothing in five years, all of it longer ago: the long record is what the model weighed.
        return ngettext(
            "%(n)d complaint on record (none in the last 5 years)",
            "%(n)d complaints on record (none in the last 5 years)",
            total,
        ) % {"n": total}
    if not n1 and math.isnan(_value(row, "complaints_5y")):
        return ngettext(
            "%(n)d complaint since the records began (none in the last 12 months)",
            "%(n)d complaints since the records began (none in the last 12 months)",
            n5,
        ) % {"n": n5}
    if not n1:
        # A reason leads with what is on his record, not with the year that has nothing.
        return ngettext(
            "%(n)d complaint in the last 5 years (none in the last 12 months)",
            "%(n)d complaints in the last 5 years (none in the last 12 months)",
            n5,
        ) % {"n": n5}
    if math.isnan(_value(row, "complaints_5y")):
        # A record shorter than five years: "in 5 years" would stretch it.
        text = ngettext(
            "%(n)d complaint in the last 12 months (%(all)d since the records began)",
            "%(n)d complaints in the last 12 months (%(all)d since the records began)",
            n1,
        ) % {"n": n1, "all": n5}
    else:
        text = ngettext(
            "%(n)d complaint in the last 12 months (%(five)d in 5 years)",
            "%(n)d complaints in the last 12 months (%(five)d in 5 years)",
            n1,
        ) % {"n": n1, "five": n5}
    ratio = _value(row, "unit_ratio_1y")
    if not math.isnan(ratio) and ratio >= 1.5:
        text = joined([text, _("%(r).1f times the average at the same unit") % {"r": ratio}])
    return text


def joined(parts: list[str]) -> str:
    """Parts of one sentence, with the separator of the reader's language (a full-width comma in
    Chinese)."""
    return pgettext("separator between the parts of a sentence", ", ").join(parts)


def _allegations(row: dict[str, float]) -> str:
    n1, total = _n(_value(row, "allegations_1y")), _n(_value(row, "allegations_all"))
    if not n1:
        return ngettext(
            "%(n)d allegation on record (none in the last 12 months)",
            "%(n)d allegations on record (none in the last 12 months)",
            total,
        ) % {"n": total}
    return ngettext(
        "%(n)d allegation in the last 12 months (%(all)d on record)",
        "%(n)d allegations in the last 12 months (%(all)d on record)",
        n1,
    ) % {"n": n1, "all": total}


def _other_findings(row: dict[str, float]) -> str:
    # Only the findings he has: "unfounded: 0" states nothing.
    ns, un, ex = (_n(_value(row, f"{finding}_all")) for finding in ("not_sustained", "unfounded", "exonerated"))
    parts = [
        ngettext("%(n)d not sustained", "%(n)d not sustained", ns) % {"n": ns} if ns else "",
        ngettext("%(n)d unfounded", "%(n)d unfounded", un) % {"n": un} if un else "",
        ngettext("%(n)d exonerated", "%(n)d exonerated", ex) % {"n": ex} if ex else "",
    ]
    return _("Other findings on the allegations on record: %(list)s") % {"list": joined([p for p in parts if p])}


def _tenure(row: dict[str, float]) -> str:
    days = _value(row, "tenure_days")
    if math.isnan(days):
        return _("No hiring date on record")
    years = round(days / 365.25)
    if not years:
        return _("Less than half a year of service")
    return ngettext("%(n)d year of service", "%(n)d years of service", years) % {"n": years}


def _sustained(row: dict[str, float]) -> str:
    n = _n(_value(row, "sustained_all"))
    if not n:
        return _("No sustained finding so far")
    days = _value(row, "days_since_last_sustained")
    text = ngettext("%(n)d sustained finding", "%(n)d sustained findings", n) % {"n": n}
    if not math.isnan(days):
        # In months or years, as the last complaint is: the day could point to whom the incident was about.
        months, years = _months_or_years(days)
        one = n == 1  # one finding is not "the last"
        if not months and not years:
            when = (
                _("for an incident within the month before the date scored")
                if one
                else _("the last for an incident within the month before the date scored")
            )
        elif years:
            when = (
                ngettext(
                    "for an incident about %(y)d year before the date scored",
                    "for an incident about %(y)d years before the date scored",
                    years,
                )
                if one
                else ngettext(
                    "the last for an incident about %(y)d year before the date scored",
                    "the last for an incident about %(y)d years before the date scored",
                    years,
                )
            ) % {"y": years}
        else:
            when = (
                ngettext(
                    "for an incident about %(m)d month before the date scored",
                    "for an incident about %(m)d months before the date scored",
                    months,
                )
                if one
                else ngettext(
                    "the last for an incident about %(m)d month before the date scored",
                    "the last for an incident about %(m)d months before the date scored",
                    months,
                )
            ) % {"m": months}
        text = joined([text, when])
    return text


def _months_or_years(days: float) -> tuple[int, int]:
    """How long ago, as a supervisor would say it: (0, 0) within the month; whole months, rounded, up
    to two years (365 days is "about 12 months", as the 12-month counts beside it say); whole years
    beyond."""
    if days < 31:
        return 0, 0
    months = round(days / 30.44)
    if months < 24:
        return max(months, 1), 0
    return 0, round(days / 365.25)


def _recency(row: dict[str, float]) -> str:
    days = _value(row, "days_since_last_complaint")
    if math.isnan(days):
        return _("No complaint on record")
    first = _value(row, "days_since_first_complaint")
    years = first / 365.25 if not math.isnan(first) else 0.0
    # The officer's chain of command reads this: the day of the last complaint could point to who
    # made it, so it is told in months.
    months, ago = _months_or_years(days)
    if not months and not ago:
        return _("Last complaint within the month before the date scored, the first %(y).1f years before") % {
            "y": years
        }
    if ago:
        # In the same tenths as the first, so that the last never reads as older than the first.
        return _("Last complaint %(a).1f years before the date scored, the first %(y).1f years before") % {
            "a": days / 365.25,
            "y": years,
        }
    return ngettext(
        "Last complaint about %(m)d month before the date scored, the first %(y).1f years before",
        "Last complaint about %(m)d months before the date scored, the first %(y).1f years before",
        months,
    ) % {"m": months, "y": years}


# Every alert shows at least this many factors (issue 5), however few families raised the score.
MIN_FACTORS = 3
# Where a record has too few families that raised the score, the facts that most often matter to
# a supervisor fill the list, in this order, then the rest of what he has on record.
RECORD_FAMILIES = ("complaints", "sustained", "allegations", "recency", "other_findings", "measures")


def says_nothing(key: str, row: dict[str, float]) -> bool:
    """Whether the family's sentence would state nothing on the officer's record ("0 complaints
    of neglect of duty in the last 5 years", "No sustained finding so far"): no reason for a flag."""

    def known(name: str) -> float:
        value = _value(row, name)
        return 0.0 if math.isnan(value) else value

    if key.startswith("category:"):
        recent = _value(row, f"{key}_5y")
        return not (known(f"{key}_all") if math.isnan(recent) else recent)
    checks: dict[str, Callable[[], bool]] = {
        "complaints": lambda: not known("complaints_all"),
        "allegations": lambda: not known("allegations_all"),
        "sustained": lambda: not known("sustained_all"),
        "other_findings": lambda: (
            not (known("not_sustained_all") + known("unfounded_all") + known("exonerated_all"))
        ),
        "recency": lambda: math.isnan(_value(row, "days_since_last_complaint")),
        "tenure": lambda: math.isnan(_value(row, "tenure_days")),
        "unit": lambda: math.isnan(_value(row, "unit_peer_mean_1y")),
        "co_subjects": lambda: not known("co_subjects"),
        "officials": lambda: not known("officials_named_all"),
        "escalations": lambda: not known("escalations_all"),
        "measures": lambda: not known("measures_all"),
    }
    check = checks.get(key)
    return check() if check else True


def _stored(value: float) -> float | None:
    # JSON has no NaN (PostgreSQL refuses it): an unknown figure is stored as null.
    return None if math.isnan(value) else round(value, 4)


def factor_values(family: Family, names: list[str], row: dict[str, float]) -> dict[str, float | None]:
    """The figures a family's sentence is written from, kept with the factor so that it can be
    written again in the reader's language."""
    wanted = [names[c] for c in family.columns]
    if family.key == "complaints":
        wanted.append("unit_ratio_1y")
    return {name: _stored(row[name]) for name in wanted if name in row}


def category_names() -> dict[str, str]:
    """Category codes and their names, for writing factors again."""
    from ombud.intake.models import Category

    return dict(Category.objects.values_list("code", "name"))


class LazyCategoryNames(dict[str, str]):
    """``category_names()``, read from the database at the first factor that names a category: a page
    of alerts whose factors name none reads nothing more."""

    loaded = False

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if not self.loaded:
            self.update(category_names())
            self.loaded = True
        return super().get(key, default)


def reason_text(reason: object, category_names: dict[str, str]) -> str:
    """One of an alert's stored reasons in the reader's language: the threshold rule as it read when
    the alert was raised, or a factor written again from its figures (older ones kept only text)."""
    if not isinstance(reason, dict):
        return str(reason)
    if "rule" in reason and "description" in reason:
        rule = description_shown(str(reason["description"]))
        if isinstance(reason.get("count"), int):
            # What the rule counted for him on the date scored (alerts raised before it was kept: none).
            return _("Threshold rule: %(rule)s (counted on the date scored: %(n)d)") % {
                "rule": rule,
                "n": reason["count"],
            }
        return _("Threshold rule: %(rule)s") % {"rule": rule}
    return factor_text(reason, category_names)


def factor_text(factor: dict[str, object], category_names: dict[str, str]) -> str:
    """A stored factor in the reader's language (older factors kept only their text)."""
    values = factor.get("values")
    family = factor.get("family")
    if isinstance(values, dict) and isinstance(family, str):
        row = {str(k): (math.nan if v is None else float(v)) for k, v in values.items()}
        return describe(family, row, category_names)
    return str(factor.get("text", ""))


def factors_for(
    model: TrainedModel,
    matrix: F64,
    score: F64,
    category_names: dict[str, str],
    *,
    top: int = TOP_FACTORS,
    required: list[tuple[str, ...]] | None = None,
    typical: F64 | None = None,
) -> list[list[dict[str, object]]]:
    """Per row, the families that raised the score most and state something on the officer's record,
    described: ``[{"text", "weight", "family", "values"}, ...]``, at most ``top``. ``required`` names,
    per row, families to put first whatever their weight (what a threshold rule flagged him for).
    Where fewer than ``MIN_FACTORS`` families raised the score, what else his record holds follows.
    ``typical``: as for ``contributions``."""
    fams, weights = contributions(model, matrix, score, typical)
    names = model.feature_names
    index = {fam.key: f for f, fam in enumerate(fams)}
    out = []
    for i in range(len(matrix)):
        row = dict(zip(names, matrix[i].tolist(), strict=True))
        telling = [f for f, fam in enumerate(fams) if not says_nothing(fam.key, row)]
        raised = sorted((f for f in telling if weights[i, f] > 0), key=lambda f: -weights[i, f])
        first = [index[key] for key in (required[i] if required else ()) if key in index]
        chosen = list(dict.fromkeys([f for f in first if f in telling] + raised))[:top]
        if len(chosen) < MIN_FACTORS:
            facts = [index[key] for key in RECORD_FAMILIES if key in index and index[key] in telling]
            facts += sorted(telling, key=lambda f: -weights[i, f])
            chosen = list(dict.fromkeys(chosen + facts))[: max(MIN_FACTORS, len(chosen))]
        if len(chosen) < MIN_FACTORS:
            # Next to nothing on record: the heaviest families, even those that state an absence.
            rest = np.argsort(-weights[i], kind="stable").tolist()
            chosen = list(dict.fromkeys(chosen + rest))[:MIN_FACTORS]
        out.append(
            [
                {
                    "text": describe(fams[f].key, row, category_names),
                    "weight": round(float(weights[i, f]), 5),
                    "family": fams[f].key,
                    "values": factor_values(fams[f], names, row),
                }
                for f in chosen
            ]
        )
    return out
