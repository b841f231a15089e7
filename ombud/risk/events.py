"""The record of the whole force as flat NumPy arrays, read once: every feature, label, rule and
cohort for any as-of date is then computed from these arrays by masking, never by asking the
database about one officer at a time.

Days are proleptic ordinals (``date.toordinal()``); a missing day is ``NO_DAY``. Two dates matter
for every event and are kept apart on purpose:

- when it was *known*: a complaint on its receipt, an allegation when its case was opened, a
  finding when it was decided, a measure when it was proposed;
- when it *happened*: the incident date where the record has one, else the day it was known.

Features at an as-of date use only events known by then; windows count by the day it happened.
Labels count allegations by the day the incident happened."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt
from django.utils import timezone

from ombud.cases.models import Allegation, Case, Finding
from ombud.discipline.models import Measure
from ombud.intake.models import Category, Complaint, ComplaintEvent, ComplaintSubject
from ombud.org.models import Officer, StationAssignment, Unit

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
NO_DAY = -1
# The end of what has no end (a day no date reaches).
FOREVER = int(np.iinfo(np.int64).max)
# Finding codes in the arrays; 0 is pending (no finding yet, or none known on the day).
FINDING_CODES: tuple[str, ...] = ("", *Finding.values)
SUSTAINED = FINDING_CODES.index(Finding.SUSTAINED)
SEVERE_MEASURES = frozenset(
    {
        Measure.Kind.SUSPENSION,
        Measure.Kind.STANDBY,
        Measure.Kind.DEMOTION,
        Measure.Kind.DISMISSAL,
        Measure.Kind.CRIMINAL_REFERRAL,
        Measure.Kind.PARTY_REFERRAL,
    }
)


def day(value: dt.date | dt.datetime | None) -> int:
    if value is None:
        return NO_DAY
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value.toordinal()


def _days(values: Iterable[Any]) -> I64:
    return np.fromiter((day(v) for v in values), dtype=np.int64)


def _ints(values: Iterable[Any]) -> I64:
    return np.fromiter((-1 if v is None else v for v in values), dtype=np.int64)


@dataclass
class Events:
    # Officers (index = position in ``officer_id``, sorted by id).
    officer_id: I64
    hired: I64
    left: I64
    active: B
    unit: I64  # current unit id, -1 if none
    race: list[str]
    sex: list[str]
    # Complaint subjects: one row per (officer, complaint).
    cs_officer: I64
    cs_complaint: I64  # compact complaint index
    cs_received: I64
    cs_event: I64
    cs_complainant: I64
    cs_addressed: B  # the complainant addressed a higher body directly
    cs_unit: I64  # the officer's unit when the complaint came, -1 if unknown
    # The categories each complaint subject counts under (``_subject_categories``), each known from
    # ``sc_known`` until ``sc_until`` (``FOREVER``: still).
    sc_officer: I64
    sc_complaint: I64
    sc_category: I64  # index into ``category_codes``
    sc_known: I64
    sc_until: I64
    sc_event: I64
    # Allegations against officers.
    al_officer: I64
    al_category: I64
    al_finding: I64  # index into FINDING_CODES
    al_known: I64
    al_event: I64
    al_decided: I64
    # Measures.
    ms_officer: I64
    ms_proposed: I64
    ms_severe: B
    # Escalations of complaints naming an officer (one row per officer and escalation).
    es_officer: I64
    es_day: I64
    # Local officials named in the same complaint as an officer.
    of_officer: I64
    of_official: I64
    of_received: I64
    # Station assignments.
    sa_officer: I64
    sa_unit: I64
    sa_start: I64
    sa_end: I64
    category_codes: list[str]
    category_names: list[str]
    unit_names: dict[int, str] = field(default_factory=dict)
    n_complaints: int = 0

    @property
    def n_officers(self) -> int:
        return len(self.officer_id)

    def index_of(self, officer_ids: Iterable[int]) -> I64:
        ids = np.fromiter(officer_ids, dtype=np.int64)
        at = np.searchsorted(self.officer_id, ids)
        if len(ids) and (at.max(initial=0) >= len(self.officer_id) or not np.all(self.officer_id[at] == ids)):
            raise KeyError("an officer id is not in the events")
        return at

    def restricted_to(self, keep: B) -> Events:
        """The record of the officers in the boolean mask ``keep`` only (a sub-force, for
        ``bench/risk_pooled.py``): every event row of an officer left out is dropped, and the
        officer indices of the rows kept are renumbered. Event arrays are the fields sharing a
        prefix with an ``<prefix>_officer`` field."""
        renumber = np.full(self.n_officers, -1, dtype=np.int64)
        renumber[keep] = np.arange(int(keep.sum()))
        names = [f.name for f in fields(self)]
        values = {name: getattr(self, name) for name in names}
        for name in ("officer_id", "hired", "left", "active", "unit"):
            values[name] = values[name][keep]
        for name in ("race", "sex"):
            values[name] = [v for v, k in zip(values[name], keep.tolist(), strict=True) if k]
        for prefix in [name[: -len("_officer")] for name in names if name.endswith("_officer")]:
            kept = renumber[values[f"{prefix}_officer"]] >= 0
            for name in names:
                if name.startswith(prefix + "_"):
                    values[name] = values[name][kept]
            values[f"{prefix}_officer"] = renumber[values[f"{prefix}_officer"]]
        return Events(**values)

    def sc_known_at(self, t: int) -> B:
        """The subject-category rows that hold on ``t``."""
        return np.asarray((self.sc_known <= t) & (t < self.sc_until))

    def first_day(self) -> int:
        """The first day anything was known."""
        days = np.concatenate([self.cs_received, self.al_known])
        days = days[days != NO_DAY]
        return int(days.min()) if len(days) else NO_DAY

    def last_day(self) -> int:
        days = np.concatenate([self.cs_received, self.al_known, self.al_event])
        days = days[days != NO_DAY]
        return int(days.max()) if len(days) else NO_DAY


def _complainant_keys(rows: list[tuple[Any, ...]]) -> I64:
    """One key per complainant person, -1 where anonymous. The portal makes a complainant row per
    complaint; the keyed digest of the identity is what tells that two rows are the same person."""
    # (row 4: the complainant row, 7: its identity digest); a row without a digest stands for itself.
    keys = ["" if row[4] is None else (row[7] or f"#{row[4]}") for row in rows]
    known = np.array([bool(key) for key in keys], dtype=bool)
    out = np.full(len(rows), -1, dtype=np.int64)
    if known.any():
        out[known] = np.unique([key for key in keys if key], return_inverse=True)[1]
    return out


def events_load() -> Events:
    """Read the whole record once (a few queries, however many officers)."""
    officers = list(
        Officer.objects.order_by("pk").values_list("pk", "hired_on", "left_on", "status", "unit_id", "race", "sex")
    )
    officer_id = np.array([o[0] for o in officers], dtype=np.int64)

    def index(ids: I64) -> I64:
        at = np.searchsorted(officer_id, ids)
        return at.astype(np.int64)

    categories = list(Category.objects.order_by("pk").values_list("pk", "code", "name"))
    category_index = {pk: i for i, (pk, _, _) in enumerate(categories)}

    subjects = list(
        ComplaintSubject.objects.filter(kind=ComplaintSubject.Kind.OFFICER, officer__isnull=False)
        .order_by("complaint_id", "officer_id")
        .values_list(
            "officer_id",
            "complaint_id",
            "complaint__received_at",
            "complaint__occurred_on",
            "complaint__complainant_id",
            "complaint__addressee_id",
            "unit_id",
            "complaint__complainant__identity_digest",
        )
    )
    # One row per officer and complaint, even if a complaint names him twice.
    seen: set[tuple[int, int]] = set()
    rows = []
    for row in subjects:
        if (row[0], row[1]) not in seen:
            seen.add((row[0], row[1]))
            rows.append(row)
    cs_officer = index(_ints(r[0] for r in rows))
    complaint_pk = _ints(r[1] for r in rows)
    complaint_keys, cs_complaint = np.unique(complaint_pk, return_inverse=True)
    cs_received = _days(r[2] for r in rows)
    occurred = _days(r[3] for r in rows)
    # An incident cannot be known before the complaint reporting it; a record saying so is read as
    # happening on the day of receipt.
    cs_event = np.where((occurred == NO_DAY) | (occurred > cs_received), cs_received, occurred)

    allegations = list(
        Allegation.objects.filter(officer__isnull=False).values_list(
            "officer_id",
            "category_id",
            "finding",
            "occurred_on",
            "case__opened_at",
            "decided_at",
            "case_id",
            "added_at",
        )
    )
    finding_index = {code: i for i, code in enumerate(FINDING_CODES)}
    # Known when its case was opened, or, added to the case later, when it was added.
    al_known = np.maximum(_days(a[4] for a in allegations), _days(a[7] for a in allegations))
    al_occurred = _days(a[3] for a in allegations)
    # An allegation written without its own incident date is about its case's complaints naming
    # that officer (or, if none names him, all of the case's): their earliest incident (or receipt)
    # dates it, not the day the case was opened, which may be weeks later and, near an as-of date, on
    # the other side of it. A case with no complaint (opened on a body's own initiative) is dated by
    # its opening.
    case_event: dict[int, int] = {}
    officer_event: dict[tuple[int, int], int] = {}
    for case_id, officer, received, occurred_on in Case.complaints.through.objects.values_list(
        "case_id", "complaint__subjects__officer_id", "complaint__received_at", "complaint__occurred_on"
    ):
        got = day(received)
        if occurred_on is not None and occurred_on.toordinal() <= got:
            got = occurred_on.toordinal()
        case_event[case_id] = min(got, case_event.get(case_id, got))
        if officer is not None:
            officer_event[case_id, officer] = min(got, officer_event.get((case_id, officer), got))
    al_case_event = np.array(
        [officer_event.get((a[6], a[0]), case_event.get(a[6], NO_DAY)) for a in allegations], dtype=np.int64
    )
    al_occurred = np.where((al_occurred == NO_DAY) & (al_case_event != NO_DAY), al_case_event, al_occurred)
    sc_row, sc_category, sc_known, sc_until = _subject_categories(
        [(r[0], r[1]) for r in rows], cs_received, allegations, al_known, category_index
    )
    measures = list(Measure.objects.values_list("officer_id", "proposed_at", "kind"))
    escalations = np.array(
        [
            (c, day(at))
            for c, at in ComplaintEvent.objects.filter(kind=ComplaintEvent.Kind.ESCALATED).values_list(
                "complaint_id", "at"
            )
        ],
        dtype=np.int64,
    ).reshape(-1, 2)
    es = _join(complaint_pk, escalations[:, 0])
    officials = np.array(
        list(
            ComplaintSubject.objects.filter(
                kind=ComplaintSubject.Kind.OFFICIAL, official__isnull=False
            ).values_list("complaint_id", "official_id")
        ),
        dtype=np.int64,
    ).reshape(-1, 2)
    of = _join(complaint_pk, officials[:, 0])
    assignments = list(StationAssignment.objects.values_list("officer_id", "unit_id", "start_on", "end_on"))
    return Events(
        officer_id=officer_id,
        hired=_days(o[1] for o in officers),
        left=_days(o[2] for o in officers),
        active=np.array([o[3] == Officer.Status.ACTIVE for o in officers], dtype=bool),
        unit=_ints(o[4] for o in officers),
        race=[o[5] for o in officers],
        sex=[o[6] for o in officers],
        cs_officer=cs_officer,
        cs_complaint=cs_complaint.astype(np.int64),
        cs_received=cs_received,
        cs_event=cs_event,
        cs_complainant=_complainant_keys(rows),
        cs_addressed=np.array([r[5] is not None for r in rows], dtype=bool),
        cs_unit=_ints(r[6] for r in rows),
        sc_officer=cs_officer[sc_row],
        sc_complaint=cs_complaint.astype(np.int64)[sc_row],
        sc_category=sc_category,
        sc_known=sc_known,
        sc_until=sc_until,
        sc_event=cs_event[sc_row],
        al_officer=index(_ints(a[0] for a in allegations)),
        al_category=np.array([category_index[a[1]] for a in allegations], dtype=np.int64),
        al_finding=np.array([finding_index.get(a[2], 0) for a in allegations], dtype=np.int64),
        al_known=al_known,
        al_event=np.where((al_occurred == NO_DAY) | (al_occurred > al_known), al_known, al_occurred),
        al_decided=_days(a[5] for a in allegations),
        ms_officer=index(_ints(m[0] for m in measures)),
        ms_proposed=_days(m[1] for m in measures),
        ms_severe=np.array([m[2] in SEVERE_MEASURES for m in measures], dtype=bool),
        es_officer=cs_officer[es[0]],
        es_day=escalations[es[1], 1] if len(es[1]) else np.zeros(0, dtype=np.int64),
        of_officer=cs_officer[of[0]],
        of_official=officials[of[1], 1] if len(of[1]) else np.zeros(0, dtype=np.int64),
        of_received=cs_received[of[0]],
        sa_officer=index(_ints(a[0] for a in assignments)),
        sa_unit=_ints(a[1] for a in assignments),
        sa_start=_days(a[2] for a in assignments),
        sa_end=_days(a[3] for a in assignments),
        category_codes=[c[1] for c in categories],
        category_names=[c[2] for c in categories],
        # Every unit, not only those with officers today: the fairness figures group officers by the
        # unit they served in on the date, which may since have been emptied or merged.
        unit_names=dict(Unit.objects.values_list("pk", "name")),
        n_complaints=len(complaint_keys),
    )


def _subject_categories(
    subjects: list[tuple[int, int]],
    received: I64,
    allegations: list[tuple[Any, ...]],
    al_known: I64,
    category_index: dict[int, int],
) -> tuple[I64, I64, I64, I64]:
    """The categories each (officer, complaint) subject counts under, as rows (subject, category,
    known from, until). Until the complaint's case is built (its first allegation, against anyone,
    is known), the categories the complaint was filed under; from then on, the categories of the
    officer's own allegations in the case, each from the day it is known. An allegation is about one
    of the case's complaints naming him: the first filed under its category, else the first; so a
    case joining three complaints counts one bribery allegation once. A complaint alleging bribery
    against one officer and discourtesy against the other is no bribery complaint about the second,
    and an officer named but alleged nothing counts under no category."""
    case_complaints: dict[int, list[int]] = defaultdict(list)
    for case_id, complaint_id in Case.complaints.through.objects.values_list("case_id", "complaint_id"):
        case_complaints[case_id].append(complaint_id)
    filed: dict[int, list[int]] = defaultdict(list)
    for complaint_id, category_id in Complaint.categories.through.objects.values_list(
        "complaint_id", "category_id"
    ):
        filed[complaint_id].append(category_index[category_id])
    day_of = {key: day for key, day in zip(subjects, received.tolist(), strict=True)}
    built: dict[int, int] = {}  # complaint -> the day its case's first allegation was known
    own: dict[tuple[int, int], dict[int, int]] = {}  # subject -> {category: known from}
    for a, known in zip(allegations, al_known.tolist(), strict=True):
        complaints = case_complaints.get(a[6], [])
        for complaint_id in complaints:
            built[complaint_id] = min(known, built.get(complaint_id, known))
        naming = sorted((day_of[(a[0], c)], c) for c in complaints if (a[0], c) in day_of)
        if not naming:
            continue
        category = category_index[a[1]]
        about = next((c for _day, c in naming if category in filed.get(c, ())), naming[0][1])
        seen = own.setdefault((a[0], about), {})
        seen[category] = min(known, seen.get(category, known))
    out: list[tuple[int, int, int, int]] = []
    for i, key in enumerate(subjects):
        day, until = day_of[key], built.get(key[1], FOREVER)
        if until > day:
            out += [(i, category, day, until) for category in filed.get(key[1], ())]
        out += [(i, category, max(day, known), FOREVER) for category, known in sorted(own.get(key, {}).items())]
    table = np.array(out, dtype=np.int64).reshape(-1, 4)
    return table[:, 0], table[:, 1], table[:, 2], table[:, 3]


def _join(left_keys: I64, right_keys: I64) -> tuple[I64, I64]:
    """Row pairs (i, j) with ``left_keys[i] == right_keys[j]``: a many-to-many equi-join by sorting."""
    if not len(left_keys) or not len(right_keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(left_keys, kind="stable")
    sorted_keys = left_keys[order]
    lo = np.searchsorted(sorted_keys, right_keys, side="left")
    hi = np.searchsorted(sorted_keys, right_keys, side="right")
    counts = hi - lo
    right = np.repeat(np.arange(len(right_keys), dtype=np.int64), counts)
    starts = np.repeat(lo, counts)
    offsets = np.arange(len(right), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    left = order[starts + offsets]
    return left.astype(np.int64), right
