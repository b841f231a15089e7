"""Features, cohorts and labels as of a date, computed from ``Events`` with NumPy alone.

Nothing here reads an event that was not known on the as-of date: every mask starts from the day
an event became known (``tests/risk/test_features.py`` changes everything after a date and checks
that the features do not move). Feature names are generic; the categories counted are the ones
most frequent in the data known on the day the model's feature set is fixed, whatever they are."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]

from ombud.risk.events import F64, I64, NO_DAY, SUSTAINED, B, Events

YEAR = 365
WINDOWS: tuple[tuple[str, int | None], ...] = (
    ("90d", 90),
    ("180d", 180),
    ("1y", YEAR),
    ("2y", 2 * YEAR),
    ("5y", 5 * YEAR + 1),
    ("all", None),
)
# Findings and categories are counted in three of those windows: all six doubled their columns and
# measured no better (docs/early-warning.md, "What was tried").
FINDING_WINDOWS: tuple[tuple[str, int | None], ...] = (("1y", YEAR), ("5y", 5 * YEAR + 1), ("all", None))
COHORT_DAYS = 3 * YEAR + 1
LABEL_DAYS = YEAR
TOP_CATEGORIES = 10
FINDING_NAMES = ("pending", "sustained", "not_sustained", "unfounded", "exonerated", "closed")


@dataclass(frozen=True)
class FeatureSpec:
    """Which categories are counted (indices into ``Events.category_codes``, and their codes, so a
    stored model can be applied to a freshly read record)."""

    categories: tuple[str, ...]

    def names(self) -> list[str]:
        names = [f"complaints_{w}" for w, _ in WINDOWS]
        names += [f"allegations_{w}" for w, _ in WINDOWS]
        names += [f"{f}_{w}" for f in FINDING_NAMES for w, _ in FINDING_WINDOWS]
        names += [f"category:{c}_{w}" for c in self.categories for w, _ in FINDING_WINDOWS]
        names += [f"repeat_complaints_{w}" for w, _ in WINDOWS]
        names += [
            "sustained_share_5y",
            "sustained_share_all",
            "allegations_per_complaint_2y",
            "complainants_1y",
            "complainants_all",
            "days_since_last_complaint",
            "days_since_first_complaint",
            "days_since_last_sustained",
            "tenure_days",
            "unit_peers",
            "unit_peer_mean_1y",
            "unit_ratio_1y",
            "unit_peer_sustained_share",
            "co_subjects",
            "co_subjects_sustained",
            "co_subjects_mean_complaints",
            "officials_named_all",
            "officials_named_2y",
            "escalations_all",
            "escalations_2y",
            "addressed_higher_all",
            "measures_all",
            "measures_2y",
            "severe_measures_all",
        ]
        return names


def spec_for(ev: Events, t: int) -> FeatureSpec:
    """The categories most often named in complaints known by ``t``."""
    counts = np.bincount(ev.sc_category[ev.sc_known_at(t)], minlength=len(ev.category_codes))
    counts = counts + np.bincount(ev.al_category[ev.al_known <= t], minlength=len(ev.category_codes))
    top = [int(i) for i in np.argsort(-counts, kind="stable")[:TOP_CATEGORIES] if counts[i] > 0]
    return FeatureSpec(tuple(ev.category_codes[i] for i in sorted(top)))


def _count(officer: I64, mask: B, n: int) -> F64:
    return np.bincount(officer[mask], minlength=n).astype(np.float64)


def _within(event: I64, t: int, days: int | None) -> B:
    if days is None:
        return np.asarray(event <= t)
    return np.asarray((event > t - days) & (event <= t))


def serving(ev: Events, t: int) -> B:
    """Officers not known to have left by ``t`` (and hired by then, where hiring dates are known)."""
    return np.asarray(((ev.left == NO_DAY) | (ev.left > t)) & ((ev.hired == NO_DAY) | (ev.hired <= t)))


def cohort(ev: Events, t: int) -> I64:
    """Officers serving on ``t`` where the data has hiring dates; elsewhere, those named in at least
    one complaint known in the three years up to ``t`` (and not known to have left)."""
    recent = np.zeros(ev.n_officers, dtype=bool)
    recent[ev.cs_officer[(ev.cs_received <= t) & (ev.cs_received > t - COHORT_DAYS)]] = True
    recent[ev.al_officer[(ev.al_known <= t) & (ev.al_known > t - COHORT_DAYS)]] = True
    dated = ev.hired != NO_DAY
    keep = serving(ev, t) & (dated | recent)
    return np.flatnonzero(keep).astype(np.int64)


def active_rows(ev: Events, t: int) -> I64:
    """Officers to score on ``t``: active on the roster and serving."""
    return np.flatnonzero(ev.active & serving(ev, t)).astype(np.int64)


def labels(ev: Events, t: int, rows: I64, *, kind: str, horizon: int | None = None) -> B:
    """At least one allegation (sustained, for ``kind="sustained"``) whose incident falls in the 365
    days after ``t``. With a ``horizon``, only what was known (and decided) by that day counts: a
    model trained on that day cannot have seen more."""
    mask = (ev.al_event > t) & (ev.al_event <= t + LABEL_DAYS)
    if horizon is not None:
        mask &= ev.al_known <= horizon
    if kind == "sustained":
        mask &= ev.al_finding == SUSTAINED
        if horizon is not None:
            mask &= (ev.al_decided != NO_DAY) & (ev.al_decided <= horizon)
    positive = np.zeros(ev.n_officers, dtype=bool)
    positive[ev.al_officer[mask]] = True
    return positive[rows]


# A training date whose label year ended this long before the horizon has its outcomes known (the
# longest that leaves a reference, for ``label_completeness``), and the fewest positives such dates
# must have between them for the measure to mean anything.
LABEL_SETTLED = (2 * YEAR, YEAR)
MIN_REFERENCE = 20


def label_completeness(
    ev: Events, days: list[int], cohorts: list[I64], horizon: int, *, kind: str, unmeasured: float = 1.0
) -> F64:
    """For each training day ``t`` (with its cohort), the share of the officers who will draw the
    label whose label is already known on ``horizon``: an allegation counts only once received (and,
    for ``kind="sustained"``, decided) by then, and investigations take months, so the last training
    years are short of positives for a reason no officer's record explains.

    Measured on the record itself: the earlier training days whose label year ended long enough
    before ``horizon`` to be settled (two years, else one) are labelled again as if only as much
    time had passed after their label year as has after ``t``'s; the share of their positives still
    found is ``t``'s completeness. 1.0 for a day itself settled; ``unmeasured`` (training takes 1.0)
    for the others where no earlier day is settled (a record only a few years long) or they have
    fewer than ``MIN_REFERENCE`` positives between them."""
    out = np.ones(len(days))
    waited = [horizon - (t + LABEL_DAYS) for t in days]
    for settled_after in LABEL_SETTLED:
        settled = [i for i, w in enumerate(waited) if w >= settled_after]
        known = sum(int(labels(ev, days[i], cohorts[i], kind=kind, horizon=horizon).sum()) for i in settled)
        if known >= MIN_REFERENCE:
            break
    else:
        return np.where(np.array(waited) >= LABEL_SETTLED[0], 1.0, unmeasured)
    for j, w in enumerate(waited):
        if w < settled_after:
            found = sum(
                int(labels(ev, days[i], cohorts[i], kind=kind, horizon=days[i] + LABEL_DAYS + w).sum())
                for i in settled
            )
            out[j] = found / known
    return out


def complaints_in(ev: Events, t: int, days: int) -> F64:
    """Complaints known by ``t`` about incidents in the ``days`` before it, per officer."""
    mask = (ev.cs_received <= t) & _within(ev.cs_event, t, days)
    return _count(ev.cs_officer, mask, ev.n_officers)


def unit_at(ev: Events, t: int) -> I64:
    """Each officer's unit on ``t``: his station assignment then, else the unit recorded with his
    latest complaint known by then, else unknown (-1). Never today's unit for a past date."""
    unit = np.full(ev.n_officers, -1, dtype=np.int64)
    known = (ev.cs_received <= t) & (ev.cs_unit >= 0)
    if known.any():
        order = np.argsort(ev.cs_received[known], kind="stable")
        officers, units = ev.cs_officer[known][order], ev.cs_unit[known][order]
        # The last complaint of each officer wins: take the first of the reversed order.
        last = len(officers) - 1 - np.unique(officers[::-1], return_index=True)[1]
        unit[officers[last]] = units[last]
    covering = (ev.sa_start <= t) & ((ev.sa_end == NO_DAY) | (ev.sa_end > t))
    unit[ev.sa_officer[covering]] = ev.sa_unit[covering]
    return unit


def features(ev: Events, t: int, rows: I64, spec: FeatureSpec) -> F64:
    """The feature matrix (one row per officer in ``rows``) as of day ``t``, its columns in the order
    of ``spec.names()``."""
    n = ev.n_officers
    # Each column is filed under its name and the matrix is stacked in the names' order, so a column
    # can never sit under another's name (format 2 had three shifted by one block).
    col: dict[str, F64] = {}
    cs_known = ev.cs_received <= t
    al_known = ev.al_known <= t
    known_days = np.concatenate([ev.cs_received[cs_known], ev.al_known[al_known]])
    start = int(known_days.min()) if len(known_days) else t

    def seen(column: F64, days: int | None) -> F64:
        # A window reaching back before the first record is not "no complaints" but unknown: a force
        # whose records began last year has no five-year counts, and its all-time count is its
        # last year (the all-time window is always "since the records began").
        # The window holds the days t - days + 1 to t.
        return np.full(n, np.nan) if days is not None and t - days + 1 < start else column

    for w, days in WINDOWS:
        col[f"complaints_{w}"] = seen(_count(ev.cs_officer, cs_known & _within(ev.cs_event, t, days), n), days)
        col[f"allegations_{w}"] = seen(_count(ev.al_officer, al_known & _within(ev.al_event, t, days), n), days)
    # A finding decided after t is, on t, still pending.
    decided = al_known & (ev.al_decided != NO_DAY) & (ev.al_decided <= t)
    finding = np.where(decided, ev.al_finding, 0)
    for code, name in enumerate(FINDING_NAMES):
        for w, days in FINDING_WINDOWS:
            mask = al_known & (finding == code) & _within(ev.al_event, t, days)
            col[f"{name}_{w}"] = seen(_count(ev.al_officer, mask, n), days)
    for w, days in (("5y", 5 * YEAR + 1), ("all", None)):
        window = al_known & _within(ev.al_event, t, days)
        held_n = _count(ev.al_officer, window & (finding == SUSTAINED), n)
        decided_n = _count(ev.al_officer, window & (finding > 0), n)
        with np.errstate(divide="ignore", invalid="ignore"):
            col[f"sustained_share_{w}"] = seen(np.where(decided_n > 0, held_n / decided_n, np.nan), days)
    with np.errstate(divide="ignore", invalid="ignore"):
        complaints_2y, allegations_2y = col["complaints_2y"], col["allegations_2y"]
        col["allegations_per_complaint_2y"] = np.where(complaints_2y > 0, allegations_2y / complaints_2y, np.nan)
    sc_known = ev.sc_known_at(t)
    codes = {code: i for i, code in enumerate(ev.category_codes)}
    for category in spec.categories:
        index = codes.get(category, -1)
        for w, days in FINDING_WINDOWS:
            mask = sc_known & (ev.sc_category == index) & _within(ev.sc_event, t, days)
            col[f"category:{category}_{w}"] = seen(_count(ev.sc_officer, mask, n), days)

    # Distinct complainants, and the complaints in the window beyond the first from each of them: a
    # few people writing again and again (officials an honest officer crossed, say) are not many
    # voices. The repeats are free of any monotonic constraint, so the model may learn that such
    # complaints weigh less; the complaint-count learner counts voices (complaints less these).
    for w, days in WINDOWS:
        mask = cs_known & (ev.cs_complainant >= 0) & _within(ev.cs_event, t, days)
        distinct = _distinct(ev.cs_officer[mask], ev.cs_complainant[mask], n)
        if w in ("1y", "all"):
            col[f"complainants_{w}"] = distinct
        col[f"repeat_complaints_{w}"] = seen(_count(ev.cs_officer, mask, n) - distinct, days)

    last = np.full(n, np.nan)
    first = np.full(n, np.nan)
    past = cs_known & (ev.cs_event <= t)
    _extreme(last, ev.cs_officer[past], ev.cs_event[past], np.fmax)
    _extreme(first, ev.cs_officer[past], ev.cs_event[past], np.fmin)
    col["days_since_last_complaint"], col["days_since_first_complaint"] = t - last, t - first
    last_sustained = np.full(n, np.nan)
    held = decided & (ev.al_finding == SUSTAINED)
    _extreme(last_sustained, ev.al_officer[held], ev.al_event[held].clip(max=t), np.fmax)
    col["days_since_last_sustained"] = t - last_sustained
    col["tenure_days"] = np.where((ev.hired != NO_DAY) & (ev.hired <= t), t - ev.hired, np.nan).astype(np.float64)

    sustained = _count(ev.al_officer, held, n)
    peers = _peers(ev, t, rows, col["complaints_1y"], sustained)
    peer_names = ("unit_peers", "unit_peer_mean_1y", "unit_ratio_1y", "unit_peer_sustained_share")
    for name, values in zip(peer_names, peers, strict=True):
        col[name] = values
    linked = _co_subjects(ev, t, col["complaints_all"], sustained)
    for name, values in zip(
        ("co_subjects", "co_subjects_sustained", "co_subjects_mean_complaints"), linked, strict=True
    ):
        col[name] = values

    for w, days in (("all", None), ("2y", 2 * YEAR)):
        mask = (ev.of_received <= t) & _within(ev.of_received, t, days)
        col[f"officials_named_{w}"] = _distinct(ev.of_officer[mask], ev.of_official[mask], n)
    for w, days in (("all", None), ("2y", 2 * YEAR)):
        col[f"escalations_{w}"] = _count(ev.es_officer, _within(ev.es_day, t, days), n)
    col["addressed_higher_all"] = _count(ev.cs_officer, cs_known & ev.cs_addressed, n)
    ms_known = (ev.ms_proposed != NO_DAY) & (ev.ms_proposed <= t)
    col["measures_all"] = _count(ev.ms_officer, ms_known, n)
    col["measures_2y"] = _count(ev.ms_officer, ms_known & _within(ev.ms_proposed, t, 2 * YEAR), n)
    col["severe_measures_all"] = _count(ev.ms_officer, ms_known & ev.ms_severe, n)
    names = spec.names()
    if set(col) != set(names):  # a programming error: a feature computed but not named, or named but not computed
        raise AssertionError(f"feature columns and names differ: {sorted(set(col) ^ set(names))}")
    matrix = np.column_stack([col[name] for name in names])[rows]
    return np.asarray(matrix, dtype=np.float64)


def _distinct(officer: I64, other: I64, n: int) -> F64:
    if not len(officer):
        return np.zeros(n)
    pairs = np.unique(np.column_stack([officer, other]), axis=0)
    return np.bincount(pairs[:, 0], minlength=n).astype(np.float64)


def _extreme(out: F64, officer: I64, value: I64, how: np.ufunc) -> None:
    how.at(out, officer, value.astype(np.float64))


def _peers(ev: Events, t: int, rows: I64, complaints_1y: F64, sustained: F64) -> list[F64]:
    """Each officer of ``rows`` against the others of his unit on ``t``: how many they are, their
    mean complaints in the year, his ratio to it, and the share of them with a sustained finding.
    "The others" are the unit's officers in the cohort of ``t`` (``cohort``), whoever is being scored:
    training, evaluation and scoring read the same figure, and nothing known after ``t`` (who is
    active today) changes it."""
    n = ev.n_officers
    unit = unit_at(ev, t)
    population = cohort(ev, t)
    members = population[unit[population] >= 0]
    targets = rows[unit[rows] >= 0]
    out = [np.full(n, np.nan) for _ in range(4)]
    if not len(targets):
        return out
    keys, group = np.unique(np.concatenate([unit[members], unit[targets]]), return_inverse=True)
    of_member, of_target = group[: len(members)], group[len(members) :]
    had = (sustained > 0).astype(np.float64)
    size = np.bincount(of_member, minlength=len(keys)).astype(np.float64)
    total = np.bincount(of_member, weights=complaints_1y[members], minlength=len(keys))
    held = np.bincount(of_member, weights=had[members], minlength=len(keys))
    inside = np.zeros(n, dtype=bool)
    inside[members] = True
    own = inside[targets]
    others = size[of_target] - own
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(others > 0, (total[of_target] - own * complaints_1y[targets]) / others, np.nan)
        ratio = np.where(mean > 0, complaints_1y[targets] / mean, np.nan)
        share = np.where(others > 0, (held[of_target] - own * had[targets]) / others, np.nan)
    out[0][targets] = others
    out[1][targets] = mean
    out[2][targets] = ratio
    out[3][targets] = share
    return out


def _co_subjects(ev: Events, t: int, complaints_all: F64, sustained: F64) -> list[F64]:
    """Links through complaints known by ``t``: how many other officers were named with him, how many
    of them have a sustained finding, and their mean number of complaints."""
    n = ev.n_officers
    known = ev.cs_received <= t
    if not known.any():
        return [np.zeros(n), np.zeros(n), np.full(n, np.nan)]
    ones = np.ones(int(known.sum()))
    incidence = sparse.csr_matrix(
        (ones, (ev.cs_officer[known], ev.cs_complaint[known])), shape=(n, max(ev.n_complaints, 1))
    )
    linked = (incidence @ incidence.T).tocsr()
    linked.setdiag(0)
    linked.eliminate_zeros()
    linked.data[:] = 1.0
    count = np.asarray(linked.sum(axis=1)).ravel()
    with_sustained = linked @ (sustained > 0).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(count > 0, (linked @ complaints_all) / count, np.nan)
    return [count, np.asarray(with_sustained, dtype=np.float64), mean]
