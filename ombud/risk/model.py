"""The early-warning model: training on rolling as-of dates, scoring, and the signed artifact.

The model has two stages, each the average of two calibrated learners: scikit-learn's histogram
gradient boosting (sigmoid-calibrated; it finds interactions when there is data enough) and a
logistic regression on the logarithms of the counts (stable when there is little: a force with two
years of records gets a sensible ranking from it where the boosted trees would stop early):

1. the chance that an officer draws at least one allegation in the year after the as-of date;
2. the chance that at least one of them is sustained, learnt on the officer-years that drew one.

Their product is the chance of a sustained allegation in the year. Sustained findings are rare (one
officer in fifty a year on real data), and a model fitted on them alone learns little about the
officers at the very top; the first stage learns from every allegation, and the second only needs
to tell which allegations tend to hold. That product is blended with a third, small learner on the
complaint counts alone (``_Counts``), which ranks the top of a small force's record more reliably
than eighty features can be learnt from it. The same hyperparameters serve every force.

scikit-learn is imported inside the functions that need it, so that the web process starts without
it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.conf import write_atomically
from ombud.core.keys import keyed_digest
from ombud.risk.events import F64, I64, Events
from ombud.risk.features import WINDOWS, FeatureSpec, cohort, features, label_completeness, labels, spec_for

# Changelog of the artifact format:
#   1: two stages (any allegation, then sustained given one), each the mean of a calibrated
#      HistGradientBoosting and a logistic regression, in a pickled TrainedModel after a signed
#      JSON header.
#   2: monotonic constraints on the boosted trees, and a third learner on recent complaint counts
#      (``_Recent``) blended geometrically with the two stages' product.
#   3: the feature matrix's columns in the order of their names (in 2, the sustained shares and
#      allegations per complaint sat under the first category columns' names and the categories
#      three places later, so constraints and plain-language factors read the wrong columns).
#   4: two features, complaints beyond each complainant's first (in two years and on record), so a
#      few people writing again and again are not read as many.
#   5: those repeat complaints in every complaint window, and the recent-activity learner counts
#      voices (each complainant once; anonymous complaints each once) instead of complaints.
#   6: every learner reads voices: the complaint counts less the repeats, allegations and categories
#      scaled alike (``as_voices``), so the monotonic constraints hold for people; repeats stay free.
#   7: the recent-activity learner becomes the complaint-count learner (``_Counts``): log(1 + voices)
#      and of the repeats in every window from 90 days to all time, and of the officials named with
#      the officer, weighing 0.7 in the blend instead of 0.3.
#   8: the last training years' positives are weighted up by how complete their labels are yet
#      (``label_completeness``): their findings are still being decided on the date trained for.
#   9: the features it reads changed meaning at the edges, so a model trained on the old ones is not
#      applied to the new: a window that starts on the record's first day is known (it was missing);
#      an allegation without its own date happened when the complaint naming its officer says (it was
#      the case's opening), and one added to an open case is known from its adding; unit peers are
#      the cohort's whoever is scored; complaints addressed over the chain's head and severe measures
#      may only raise the risk.
#  10: an officer's complaints by category count the categories of his own allegations (those of the
#      complaint as filed only until the first is known): a complaint alleging bribery against one
#      officer and discourtesy against the other was a bribery complaint about both.
FORMAT_VERSION = 10
MAGIC = b"OMBUD-RISK-MODEL\n"
PURPOSE = "risk.model"
LABELS = ("sustained", "any")
TRAINING_YEARS = 12
MIN_HISTORY_DAYS = 180
# Officers of one kind of officer-year outnumber the other by this much at most in training;
# the rest are sampled out and the kept ones weighted up, which changes no expected count.
MAX_NEGATIVE_RATIO = 30
SEED = 20160101
# The boosted trees' smallest leaf: one officer-year in LEAF_DIVISOR of the training rows, between
# these bounds (a small force's top officers are otherwise averaged with a hundred others).
MIN_LEAF, MAX_LEAF, LEAF_DIVISOR = 20, 100, 200
# A feature known for fewer training rows than this is not learnt from by the boosted trees.
MIN_KNOWN = 50
# Fewer officer-years of one kind (with the label, or without) than this in a calibration fold's
# training part: the stage is the logistic regression alone.
MIN_BOOSTED_CLASS = 20
# The weight of the complaint-count learner (``_Counts``) in the final, geometric blend, and the
# features it reads. 0.7 was measured against 0.3-0.8 over many as-of dates (bench/risk_pooled.py);
# docs/early-warning.md has the figures.
COUNT_WEIGHT = 0.7
COUNT_FEATURES = (
    tuple(f"complaints_{w}" for w, _days in WINDOWS)
    + tuple(f"repeat_complaints_{w}" for w, _days in WINDOWS)
    + ("officials_named_2y", "officials_named_all")
)
# The stages' logistic regression reads some eighty correlated log counts. Held this tight, it
# weighs them nearly evenly by their plain association with the label instead of playing one window
# off against another, which transfers from the training years to the next one better: over ten
# as-of dates on each of CCRB and Philadelphia (bench/risk_pooled.py), 0.002-0.005 beat 0.05 at
# the rules' flag counts on both, and 1.0 lost on both.
LINEAR_C = 0.005
# A training year whose labels are expected to be less complete than this (see
# ``label_completeness``) has its positives weighted up as if they were this complete.
MIN_COMPLETENESS = 0.2


class ModelError(Exception):
    """A model artifact is missing, was altered, or was built by other software. ``tampered``: the
    file is there but is not what this instance signed (never to be replaced without a word)."""

    def __init__(self, message: str, *, tampered: bool = False) -> None:
        super().__init__(message)
        self.tampered = tampered


@dataclass
class TrainedModel:
    as_of: dt.date
    label: str
    spec: FeatureSpec
    stages: list[Any]
    training: dict[str, Any] = field(default_factory=dict)
    sklearn_version: str = ""
    version: str = ""

    @property
    def feature_names(self) -> list[str]:
        return self.spec.names()

    def predict(self, matrix: F64) -> F64:
        """The chance of the label in the year after the as-of date, per row."""
        if not len(matrix):
            return np.zeros(0)
        ready = as_voices(matrix, self.spec)
        score = np.asarray(self.stages[0].predict_proba(ready)[:, 1], dtype=np.float64)
        counts = [stage for stage in self.stages[1:] if isinstance(stage, _Counts)]
        for stage in self.stages[1:]:
            if not isinstance(stage, _Counts):
                score = score * np.asarray(stage.predict_proba(ready)[:, 1], dtype=np.float64)
        for stage in counts:
            p = np.asarray(stage.predict_proba(ready)[:, 1], dtype=np.float64)
            score = score ** (1 - stage.weight) * p**stage.weight
        return np.clip(score, 0.0, 1.0)


def as_voices(matrix: F64, spec: FeatureSpec, *, copy: bool = True) -> F64:
    """The matrix the learners read: each complaint count less the complaints beyond each
    complainant's first in the same window, i.e. the voices (a complainant, however many complaints
    he wrote, or an anonymous complaint), and the allegations and category counts of the window
    scaled by the same share (three bribery complaints from one official weigh as one). The
    monotonic constraints then say "more people complained, more risk", which a few officials
    writing again and again about the honest officer who crossed them cannot force; the repeats
    themselves stay a free feature. On records that identify no complainant, voices are complaints
    and nothing is scaled. The features (and the factors read from them) keep the plain counts.
    Without ``copy`` the matrix itself is changed (training's is large and used for nothing else)."""
    ready = np.array(matrix, dtype=np.float64) if copy else np.asarray(matrix, dtype=np.float64)
    column = {name: i for i, name in enumerate(spec.names())}
    for w, _days in WINDOWS:
        complaints, repeats = column[f"complaints_{w}"], column[f"repeat_complaints_{w}"]
        voices = np.clip(ready[:, complaints] - np.nan_to_num(ready[:, repeats]), 0, None)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(ready[:, complaints] > 0, voices / ready[:, complaints], 1.0)
        ready[:, complaints] = voices
        # Allegations and categories in the window count each complaint for its share of a voice.
        for name in [f"allegations_{w}"] + [f"category:{c}_{w}" for c in spec.categories]:
            if name in column:
                ready[:, column[name]] *= share
    return ready


def training_dates(ev: Events, as_of: dt.date, *, years: int = TRAINING_YEARS) -> list[dt.date]:
    """Yearly as-of dates before ``as_of`` whose label year ends by it, back to half a year after
    the first record (features need some history to mean anything)."""
    first = ev.first_day()
    dates = []
    for back in range(1, years + 1):
        try:
            day = as_of.replace(year=as_of.year - back)
        except ValueError:  # 29 February
            day = as_of.replace(year=as_of.year - back, day=28)
        if first < 0 or day.toordinal() - MIN_HISTORY_DAYS < first:
            break
        dates.append(day)
    return sorted(dates)


def first_trainable(ev: Events) -> dt.date | None:
    """The first as-of date with a training date before it (``training_dates``): half a year of
    records, then a year of outcomes. None for an empty record."""
    first = ev.first_day()
    if first < 0:
        return None
    start = dt.date.fromordinal(first + MIN_HISTORY_DAYS)
    day = dt.date(start.year + 1, start.month, min(start.day, 28))
    while not training_dates(ev, day, years=1):
        day += dt.timedelta(days=1)
    return day


# Features whose growth can only raise the risk (more complaints, allegations, findings of any kind,
# complainants, escalations and complaints addressed over the chain's head, measures, severe ones
# too) and those whose growth can only lower it (days since the last complaint or finding).
# Everything else (tenure, unit size, shares, the peers' mean, colleagues' records) is free.
_FINDINGS = ("pending", "sustained", "not_sustained", "unfounded", "exonerated", "closed")
_RISING: tuple[str, ...] = (
    "complaints_",
    "allegations_",
    "category:",
    "complainants_",
    "escalations_",
    "addressed_higher_",
    "measures_",
    "severe_measures_",
)
_RISING += tuple(f"{f}_" for f in _FINDINGS)
_FREE = ("allegations_per_complaint_2y", "sustained_share_5y", "sustained_share_all")
_FALLING = ("days_since_last_complaint", "days_since_last_sustained")


def monotonic(names: list[str]) -> list[int]:
    """+1, -1 or 0 per feature: the direction the risk must move when the feature grows."""
    out = []
    for name in names:
        if name in _FREE:
            out.append(0)
        elif name in _FALLING:
            out.append(-1)
        elif name.startswith(_RISING) or name == "unit_ratio_1y":
            out.append(1)
        else:
            out.append(0)
    return out


def _estimator(classes_seen: int, constraints: list[int] | None = None, min_leaf: int = 100) -> Any:
    from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
    from sklearn.ensemble import HistGradientBoostingClassifier  # type: ignore[import-untyped]

    boosted = HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=300,
        max_leaf_nodes=15,
        min_samples_leaf=min_leaf,
        l2_regularization=1.0,
        early_stopping=True,
        validation_fraction=0.15,
        n_iter_no_change=20,
        random_state=SEED,
        monotonic_cst=constraints,
    )
    return CalibratedClassifierCV(boosted, method="sigmoid", cv=min(3, classes_seen))


def log_counts(matrix: F64) -> F64:
    """The features a linear model reads: signed log(1 + |x|), and a 0/1 column per feature for
    "not known" (no hiring date, no unit, no complaint yet)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    missing = np.isnan(matrix)
    filled = np.where(missing, 0.0, matrix)
    return np.hstack([np.sign(filled) * np.log1p(np.abs(filled)), missing.astype(np.float64)])


def _linear() -> Any:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.pipeline import make_pipeline  # type: ignore[import-untyped]
    from sklearn.preprocessing import FunctionTransformer, StandardScaler  # type: ignore[import-untyped]

    return make_pipeline(
        FunctionTransformer(log_counts), StandardScaler(), LogisticRegression(C=LINEAR_C, max_iter=3000)
    )


class _Blend:
    """The mean of the two learners' probabilities."""

    def __init__(self, boosted: Any, linear: Any) -> None:
        self.boosted = boosted
        self.linear = linear

    def predict_proba(self, matrix: F64) -> F64:
        p = (self.boosted.predict_proba(matrix)[:, 1] + self.linear.predict_proba(matrix)[:, 1]) / 2
        return np.column_stack([1 - p, p])


def _fit(x: F64, y: Any, groups: I64, constraints: list[int] | None = None, weight: F64 | None = None) -> Any:
    """One calibrated stage; folds keep each officer's years together, so calibration is measured on
    officers the boosted trees did not see."""
    positives, negatives = int(y.sum()), int((~y).sum())
    if min(positives, negatives) < 2:
        return _Constant(positives / max(positives + negatives, 1))
    rng = np.random.default_rng(SEED)
    weight = np.ones(len(y)) if weight is None else weight.copy()
    keep = np.ones(len(y), dtype=bool)
    rare, common = (y, ~y) if positives <= negatives else (~y, y)
    limit = MAX_NEGATIVE_RATIO * int(rare.sum())
    if int(common.sum()) > limit:
        share = limit / int(common.sum())
        keep = rare | (rng.random(len(y)) < share)
        weight[common] /= share
    x, y, weight, groups = x[keep], y[keep], weight[keep], groups[keep]
    from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]

    # Folds by officer: a label that only one officer drew teaches nothing that could be checked on
    # another (GroupKFold does not stratify, so a fold may still lack one kind; scikit-learn copes).
    folds = min(3, len(np.unique(groups[y])), len(np.unique(groups[~y])))
    if folds < 2:
        return _Constant(float(np.average(y, weights=weight)))
    linear = _linear()
    linear.fit(x, y, logisticregression__sample_weight=weight)
    cv = list(GroupKFold(n_splits=folds).split(x, y, groups))
    fewest = min(min(int(y[train].sum()), int((~y[train]).sum())) for train, _test in cv)
    if fewest < MIN_BOOSTED_CLASS:
        # A handful of officer-years of one kind in a fold: the boosted trees' early stopping cannot
        # even set some aside to check itself on (scikit-learn refuses), and would learn noise. The
        # regression alone serves (a small force, a short record).
        return _Blend(linear, linear)
    leaf = int(np.clip(len(y) // LEAF_DIVISOR, MIN_LEAF, MAX_LEAF))
    boosted = _estimator(folds, constraints, leaf)
    boosted.cv = cv
    boosted.fit(_known_enough(x, boosted.cv), y, sample_weight=weight)
    return _Blend(boosted, linear)


def _known_enough(x: F64, folds: list[tuple[I64, I64]]) -> F64:
    """The matrix for the boosted trees, with a column known (not NaN) for fewer than
    ``MIN_KNOWN`` rows of the training part of any fold set to 0: a hiring date known for one
    officer cannot be learnt from, and scikit-learn's binning fails on a column with nothing known.
    A constant column is never split on, so the trees ignore it when scoring too."""
    known = ~np.isnan(x)
    rare = known.sum(axis=0) < MIN_KNOWN
    for train, _test in folds:
        rare |= known[train].sum(axis=0) < MIN_KNOWN
    if not rare.any():
        return x
    x = x.copy()
    x[:, rare] = 0.0
    return x


class _Counts:
    """The complaint-count learner: a logistic regression on log(1 + voices) in each window, from
    the last 90 days to all time (the columns of ``as_voices``' matrix); on log(1 + repeats), free to
    weigh as the record teaches, as in the stages (zero where no complainant is identified); and on
    the local officials named with the officer in two years and on record (villagers name the
    officials an officer colludes with; officials retaliating against an honest officer do not name
    themselves; zero where the record has no officials), fitted on the final label.
    Its probability is blended geometrically with the stages' product (weight ``COUNT_WEIGHT``).
    With its handful of coefficients it learns from a small force's few years what the stages,
    reading eighty features, cannot reliably: how far the recent complaints and the long record each
    weigh at the very top of the ranking, where the threshold rules flag. The stages reorder the
    officers it finds alike, by findings, categories, peers and co-subjects."""

    def __init__(self, columns: list[int], weight: float) -> None:
        self.columns = columns
        self.weight = weight
        self.linear: Any = None

    def fit(self, x: F64, y: Any, weight: F64 | None = None) -> _Counts:
        from sklearn.linear_model import LogisticRegression

        self.linear = LogisticRegression(C=1.0, max_iter=1000).fit(self._x(x), y, sample_weight=weight)
        return self

    def _x(self, x: F64) -> F64:
        return np.log1p(np.clip(np.nan_to_num(np.asarray(x[:, self.columns], dtype=np.float64)), 0, None))

    def predict_proba(self, matrix: F64) -> F64:
        return np.asarray(self.linear.predict_proba(self._x(matrix)), dtype=np.float64)


class _Constant:
    """A stage with nothing to learn (no positive or no negative officer-year): one rate for all."""

    def __init__(self, rate: float) -> None:
        self.rate = rate

    def predict_proba(self, matrix: F64) -> F64:
        return np.column_stack([np.full(len(matrix), 1 - self.rate), np.full(len(matrix), self.rate)])


def train(ev: Events, as_of: dt.date, *, label: str = "sustained") -> TrainedModel:
    """Fit on the yearly as-of dates before ``as_of``, seeing only what was known on ``as_of``."""
    import sklearn  # type: ignore[import-untyped]

    if label not in LABELS:
        raise ValueError(f"label must be one of {LABELS}")
    started = time.monotonic()
    horizon = as_of.toordinal()
    spec = spec_for(ev, horizon)
    dates = training_dates(ev, as_of)
    if ev.first_day() < 0:
        raise ModelError(
            _(
                "The record names no officer in any complaint (no allegations were imported, or none names a "
                "known officer): there is nothing to train on."
            )
        )
    if not dates:
        raise ModelError(
            _(
                "There is not enough history before %(date)s to train on (half a year of records and a year of "
                "outcomes): the first date to train as of is %(first)s."
            )
            % {"date": as_of.isoformat(), "first": str(first_trainable(ev))}
        )
    blocks, any_labels, held_labels, groups = [], [], [], []
    for day in dates:
        t = day.toordinal()
        rows = cohort(ev, t)
        blocks.append(features(ev, t, rows, spec))
        any_labels.append(labels(ev, t, rows, kind="any", horizon=horizon))
        held_labels.append(labels(ev, t, rows, kind="sustained", horizon=horizon))
        groups.append(rows)
    x = as_voices(np.vstack(blocks), spec, copy=False)
    # A column never filled in this force's history (no hiring dates, no units) is a constant.
    x[:, np.all(np.isnan(x), axis=0)] = 0.0
    drew, held, officer = np.concatenate(any_labels), np.concatenate(held_labels), np.concatenate(groups)
    # Where nobody drew the label in the training years, the stages are constants: the model scores
    # every officer alike, raises no alert of its own (see ``risk_score``), and the threshold rules
    # still raise theirs; ``ombud risk train`` says so.
    target = held if label == "sustained" else drew
    # The last training years' outcomes are not all known on ``as_of``: their positives stand for
    # the ones still to be decided (inverse-probability weights), so that a feature which only
    # those years have (a five-year window the record first reaches then) is not learnt as a sign
    # of fewer findings. On a record that dates findings by the complaint's receipt, all are 1.
    ordinals = [d.toordinal() for d in dates]
    share = {kind: label_completeness(ev, ordinals, groups, horizon, kind=kind) for kind in LABELS}
    year = np.repeat(np.arange(len(dates)), [len(rows) for rows in groups])

    def weights(y: Any, complete: F64) -> F64:
        return np.where(y, 1 / np.maximum(complete[year], MIN_COMPLETENESS), 1.0)

    cst = monotonic(spec.names())
    stages = [_fit(x, drew, officer, cst, weights(drew, share["any"]))]
    if label == "sustained":
        # Stage 2 learns among the officers whose allegations are known: a sustained finding still
        # to come is missing from them in the share its allegation is known already.
        given = np.minimum(1.0, share["sustained"] / np.maximum(share["any"], MIN_COMPLETENESS))
        stages.append(_fit(x[drew], held[drew], officer[drew], cst, weights(held, given)[drew]))
    if 0 < int(target.sum()) < len(target):
        names = spec.names()
        counts = _Counts([names.index(n) for n in COUNT_FEATURES], COUNT_WEIGHT)
        stages.append(counts.fit(x, target, weights(target, share[label])))
    model = TrainedModel(
        as_of=as_of,
        label=label,
        spec=spec,
        stages=stages,
        training={
            "as_of_dates": [d.isoformat() for d in dates],
            "label_completeness": [round(float(c), 3) for c in share[label]],
            "rows": len(x),
            "positives": int(target.sum()),
            "features": len(spec.names()),
            "seconds": round(time.monotonic() - started, 1),
        },
        sklearn_version=sklearn.__version__,
    )
    return model


# -- the artifact -----------------------------------------------------------------------------------------


def models_dir() -> Path:
    return Path(settings.DATA_DIR) / "models"


def artifact_path(label: str = "sustained") -> Path:
    return models_dir() / f"risk-{label}.model"


def _sign(header: dict[str, Any]) -> str:
    unsigned = {key: value for key, value in header.items() if key != "signature"}
    return keyed_digest(json.dumps(unsigned, sort_keys=True, separators=(",", ":")), PURPOSE)


def dumps(model: TrainedModel) -> bytes:
    # The version names the payload (its hash's first digits), so the payload cannot hold it: it is
    # pickled without, and ``loads`` gives the model the version its signed header states.
    model.version = ""
    payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    digest = hashlib.sha256(payload).hexdigest()
    model.version = f"{FORMAT_VERSION}.{digest[:12]}"
    header: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "sklearn_version": model.sklearn_version,
        "as_of": model.as_of.isoformat(),
        "label": model.label,
        "version": model.version,
        "created_at": timezone.now().isoformat(),
        "payload_sha256": digest,
    }
    header["signature"] = _sign(header)
    return MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + payload


def save(model: TrainedModel, path: Path | None = None) -> Path:
    """Write the signed artifact atomically: a temporary file in the same directory, then a rename,
    so a reader never sees half a model."""
    path = path or artifact_path(model.label)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, dumps(model), mode=0o600)
    return path


def loads(data: bytes) -> TrainedModel:
    import sklearn

    if not data.startswith(MAGIC):
        raise ModelError(_("This is not an ombud risk model file."), tampered=True)
    head, sep, payload = data[len(MAGIC) :].partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        header = None
    if not sep or not isinstance(header, dict):
        raise ModelError(_("The model file is damaged: its header cannot be read."), tampered=True)
    signature = str(header.get("signature", ""))
    if not hmac.compare_digest(signature, _sign(header)):
        raise ModelError(
            _("The model file was altered or signed with another instance's key: refused."), tampered=True
        )
    if not hmac.compare_digest(hashlib.sha256(payload).hexdigest(), str(header.get("payload_sha256", ""))):
        raise ModelError(_("The model file was altered after it was signed: refused."), tampered=True)
    if header.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            _(
                "The model file has format %(found)s; this ombud reads format %(wanted)s. Train again: ombud risk train."
            )
            % {"found": header.get("format_version"), "wanted": FORMAT_VERSION}
        )
    if header.get("sklearn_version") != sklearn.__version__:
        raise ModelError(
            _(
                "The model was built with scikit-learn %(built)s and this is scikit-learn %(here)s: refused. "
                "Train again: ombud risk train."
            )
            % {"built": header.get("sklearn_version"), "here": sklearn.__version__}
        )
    model = pickle.loads(payload)  # noqa: S301 -- signed by this instance's key, checked above
    if not isinstance(model, TrainedModel):
        raise ModelError(_("The model file holds something else than a risk model."), tampered=True)
    model.version = str(header.get("version", ""))
    return model


def load(path: Path | None = None, *, label: str | None = None) -> TrainedModel:
    """The stored model for ``label`` (by default the sustained one); a file named by ``path`` is
    checked against ``label`` only when one is given."""
    wanted = label or ("sustained" if path is None else None)
    path = path or artifact_path(wanted or "sustained")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if not wanted:
            raise ModelError(_("There is no risk model at %(path)s.") % {"path": path}) from None
        # Alerts are raised on the "sustained" model: one trained with --label any does not serve.
        raise ModelError(
            _(
                "No risk model for the label “%(label)s” has been trained yet (%(path)s): "
                "ombud risk train --label %(label)s."
            )
            % {"label": wanted, "path": path}
        ) from None
    model = loads(data)
    if wanted and model.label != wanted:
        # A file renamed from another label's: its scores would answer another question.
        raise ModelError(
            _("The model file %(path)s holds a model for the label “%(found)s”, not “%(wanted)s”: refused.")
            % {"path": path, "found": model.label, "wanted": wanted},
            tampered=True,
        )
    return model


def header_of(path: Path) -> dict[str, Any]:
    """The artifact's header without loading the model (for status pages)."""
    with path.open("rb") as handle:
        data = handle.read(len(MAGIC) + 4096)
    head = io.BytesIO(data[len(MAGIC) :]).readline()
    try:
        parsed = json.loads(head)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
