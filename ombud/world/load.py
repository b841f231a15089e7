"""Writing a simulated ``World`` into the database: every table in one transaction, so a failure
leaves nothing half-written, with a few audit entries that summarise the run.

Rows go in through ``executemany`` on prepared INSERTs with primary keys allocated here, not
through ``bulk_create``: at 100,000 officers the world is about seven million rows, and building a
model instance per row would cost several times the insert itself. Allocating the keys up front
also lets every foreign key be computed from the simulator's indices without reading anything
back."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from ombud.audit.services import audit_record
from ombud.cases.models import Allegation, Case
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Category, Complainant, Complaint, ComplaintEvent, ComplaintSubject
from ombud.org.models import (
    Jurisdiction,
    Officer,
    Official,
    OfficialPost,
    OfficialRole,
    OversightBody,
    Place,
    PlaceAssignment,
    StationAssignment,
    Unit,
    UnitKind,
)
from ombud.world import names, sim
from ombud.world.digest import world_digest
from ombud.world.models import BodyTruth, ComplaintTruth, Retaliation, RingMember, Truth, WorldRun

Progress = Callable[[str, int], object]
I64 = sim.I64
BATCH = 20_000
SOURCE = "sim"
CACHE_KIB = -512_000  # negative: KiB, as SQLite counts it


class WorldLoadError(RuntimeError):
    """The database lacks what a world needs (the seeded unit kinds, roles or categories)."""


@dataclass(frozen=True)
class LoadedWorld:
    run: WorldRun
    counts: dict[str, int]
    digest: str


class _Values:
    """Column values in the form the database driver takes, built from the simulator's arrays. JSON
    goes in as its text, which both SQLite and PostgreSQL (casting to jsonb) take."""

    def __init__(self) -> None:
        self.sqlite = connection.vendor == "sqlite"

    @staticmethod
    def ids(index: I64, table: I64) -> list[Any]:
        """Database ids for indices into a table of ids; None where the index is -1."""
        out: list[Any] = table[np.maximum(index, 0)].tolist()
        for i in np.flatnonzero(index < 0).tolist():
            out[i] = None
        return out

    def days(self, day: I64) -> list[Any]:
        stamps = day.astype("datetime64[D]")
        out: list[Any] = np.datetime_as_string(stamps).tolist() if self.sqlite else stamps.astype(object).tolist()
        for i in np.flatnonzero(day < 0).tolist():
            out[i] = None
        return out

    def instants(self, seconds: I64) -> list[Any]:
        stamps = seconds.astype("datetime64[s]")
        out: list[Any]
        if self.sqlite:
            # Django keeps aware datetimes in SQLite as naive UTC text "YYYY-MM-DD HH:MM:SS".
            out = [s.replace("T", " ") for s in np.datetime_as_string(stamps).tolist()]
        else:
            out = [v.replace(tzinfo=dt.UTC) for v in stamps.astype(object).tolist()]
        for i in np.flatnonzero(seconds < 0).tolist():
            out[i] = None
        return out

    @staticmethod
    def pick(labels: Sequence[str], index: I64) -> list[Any]:
        return [labels[i] if i >= 0 else "" for i in index.tolist()]


class _Writer:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.counts: dict[str, int] = {}

    def insert(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        n: int,
        make: Callable[[slice], Sequence[Iterable[Any]]],
        label: str,
    ) -> None:
        """Insert n rows; ``make(slice)`` gives the listed fields' columns for that slice. Fields
        not listed get their model default."""
        opts = model._meta
        given = [_concrete(model, name) for name in fields]
        given_names = {f.name for f in given}
        rest = [
            f
            for f in opts.concrete_fields
            if f.name not in given_names
            and not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
        ]
        defaults = [f.get_db_prep_save(f.get_default(), connection) for f in rest]
        for f, value in zip(rest, defaults, strict=True):
            if value is None and not f.null:
                raise WorldLoadError(f"{opts.label}.{f.name} has no value and no default")
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in [*given, *rest])
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        # Table and column names come from the models, never from input.
        sql = f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            for lo in range(0, n, BATCH):
                part = slice(lo, min(n, lo + BATCH))
                cols = make(part)
                rows = zip(*cols, *(itertools.repeat(v) for v in defaults), strict=False)
                cursor.executemany(sql, list(itertools.islice(rows, part.stop - part.start)))
                if self.progress is not None:
                    self.progress(label, part.stop - part.start)
        self.counts[label] = self.counts.get(label, 0) + n


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise WorldLoadError(f"{model._meta.label}.{name} is not a column")
    return field


def world_rows(w: sim.World) -> int:
    """How many rows ``world_load`` writes (for a progress bar)."""
    return (
        len(w.units.code)
        + 2 * len(w.bodies.code)
        + len(w.places.code)
        + 2 * len(w.officers.badge)  # and their truth
        + len(w.station_assignments.who)
        + len(w.place_assignments.who)
        + len(w.officials.last_name)
        + len(w.posts.official)
        + len(w.complainants)
        + len(w.complaints.reference)
        + len(w.complaint_categories.left)
        + len(w.subjects.complaint)
        + len(w.events.complaint)
        + len(w.cases.number)
        + len(w.case_complaints.left)
        + len(w.allegations.case)
        + len(w.measures.officer)
        + len(w.steps.measure)
        + len(w.ring_members.left)
        + int((w.captured | (w.bodies.level == 2)).sum())
        + len(w.complaint_truth.motive)
        + len(w.retaliations.officer)
    )


def _next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=Max("pk"))["top"]
    return int(top or 0) + 1


def _id_block(model: type[models.Model], n: int) -> I64:
    return np.arange(_next_id(model), _next_id(model) + n, dtype=np.int64)


def _lock(tables: Sequence[type[models.Model]]) -> None:
    """On PostgreSQL, keep other writers out of the tables whose ids are allocated here (SQLite's
    IMMEDIATE transaction already holds the database's write lock)."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"LOCK TABLE {quote(model._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE")


def _reset_sequences(tables: Sequence[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(tables))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _lookup(model: type[models.Model], codes: Sequence[str]) -> dict[str, int]:
    found = dict(model._default_manager.filter(code__in=codes).values_list("code", "pk"))
    missing = sorted(set(codes) - set(found))
    if missing:
        raise WorldLoadError(
            f"{model._meta.verbose_name_plural} missing: {', '.join(missing)} (run `ombud migrate` to seed them)"
        )
    return {str(k): int(v) for k, v in found.items()}


def world_load(world: sim.World, *, progress: Progress | None = None) -> LoadedWorld:
    """Write the world in one transaction, compute its digest, record the run and audit it."""
    with transaction.atomic(), _big_cache():
        return _load(world, progress)


@contextlib.contextmanager
def _big_cache() -> Iterator[None]:
    """Give SQLite a page cache the size of a large world's indexes while it loads: with the
    default 2 MB, inserting millions of rows spends most of its time spilling pages."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _load(w: sim.World, progress: Progress | None) -> LoadedWorld:
    allocated: list[type[models.Model]] = [
        Unit,
        OversightBody,
        Place,
        Officer,
        Official,
        Complainant,
        Complaint,
        Case,
        Allegation,
        Measure,
    ]
    _lock(allocated)
    kinds = _lookup(UnitKind, sorted(set(w.units.kind)))
    roles = _lookup(OfficialRole, list(sim.ROLE_CODES))
    categories = _lookup(Category, list(names.CATEGORY_CODES))
    role_ids = np.array([roles[c] for c in sim.ROLE_CODES], dtype=np.int64)
    category_ids = np.array([categories[c] for c in names.CATEGORY_CODES], dtype=np.int64)
    v = _Values()
    out = _Writer(progress)

    # A second world joins the existing ministry and its national body rather than founding another.
    root = Unit.objects.filter(parent__isnull=True, kind__code="ministry").order_by("pk").first()
    national = (
        OversightBody.objects.filter(seat=root, level=0).order_by("pk").first() if root is not None else None
    )
    n_units = len(w.units.code)
    unit_ids = _id_block(Unit, n_units)
    paths: list[str] = []
    new_units = np.arange(n_units)
    if root is not None:
        unit_ids = np.concatenate([[root.pk], unit_ids[: n_units - 1]]).astype(np.int64)
        new_units = np.arange(1, n_units)
    parent = w.units.parent.tolist()
    for i in range(n_units):
        if i == 0 and root is not None:
            paths.append(root.path)
        else:
            base = paths[parent[i]] if parent[i] >= 0 else "/"
            paths.append(f"{base}{int(unit_ids[i])}/")
    kind_ids = [kinds[k] for k in w.units.kind]
    u = new_units
    out.insert(
        Unit,
        ["id", "code", "name", "kind", "parent", "path", "depth"],
        len(u),
        lambda s: (
            unit_ids[u[s]].tolist(),
            [w.units.code[i] for i in u[s].tolist()],
            [w.units.name[i] for i in u[s].tolist()],
            [kind_ids[i] for i in u[s].tolist()],
            v.ids(w.units.parent[u[s]], unit_ids),
            [paths[i] for i in u[s].tolist()],
            w.units.depth[u[s]].tolist(),
        ),
        "units",
    )

    n_bodies = len(w.bodies.code)
    body_ids = _id_block(OversightBody, n_bodies)
    new_bodies = np.arange(n_bodies)
    if national is not None:
        body_ids = np.concatenate([[national.pk], body_ids[: n_bodies - 1]]).astype(np.int64)
        new_bodies = np.arange(1, n_bodies)
    b = new_bodies
    out.insert(
        OversightBody,
        ["id", "code", "name", "level", "seat"],
        len(b),
        lambda s: (
            body_ids[b[s]].tolist(),
            [w.bodies.code[i] for i in b[s].tolist()],
            [w.bodies.name[i] for i in b[s].tolist()],
            w.bodies.level[b[s]].tolist(),
            v.ids(w.bodies.seat[b[s]], unit_ids),
        ),
        "bodies",
    )
    out.insert(
        Jurisdiction,
        ["body", "unit"],
        len(b),
        lambda s: (body_ids[b[s]].tolist(), v.ids(w.bodies.seat[b[s]], unit_ids)),
        "jurisdictions",
    )

    p = w.places
    place_ids = _id_block(Place, len(p.code))
    out.insert(
        Place,
        ["id", "code", "name", "kind", "unit"],
        len(p.code),
        lambda s: (
            place_ids[s].tolist(),
            p.code[s],
            p.name[s],
            v.pick(sim.PLACE_KINDS, p.kind[s]),
            v.ids(p.unit[s], unit_ids),
        ),
        "places",
    )

    o = w.officers
    officer_ids = _id_block(Officer, len(o.badge))
    out.insert(
        Officer,
        [
            "id",
            "badge",
            "first_name",
            "last_name",
            "rank",
            "status",
            "sex",
            "hired_on",
            "left_on",
            "unit",
            "source",
        ],
        len(o.badge),
        lambda s: (
            officer_ids[s].tolist(),
            o.badge[s],
            o.first_name[s],
            o.last_name[s],
            o.rank[s],
            v.pick(sim.OFFICER_STATUSES, o.status[s]),
            o.sex[s],
            v.days(o.hired_on[s]),
            v.days(o.left_on[s]),
            v.ids(o.unit[s], unit_ids),
            itertools.repeat(SOURCE),
        ),
        "officers",
    )
    for model, periods, what_ids, what, label in (
        (StationAssignment, w.station_assignments, unit_ids, "unit", "station assignments"),
        (PlaceAssignment, w.place_assignments, place_ids, "place", "place assignments"),
    ):
        out.insert(
            model,
            ["officer", what, "start_on", "end_on"],
            len(periods.who),
            lambda s, periods=periods, what_ids=what_ids: (  # type: ignore[misc]
                v.ids(periods.who[s], officer_ids),
                v.ids(periods.what[s], what_ids),
                v.days(periods.start[s]),
                v.days(periods.end[s]),
            ),
            label,
        )

    official_ids = _id_block(Official, len(w.officials.last_name))
    out.insert(
        Official,
        ["id", "first_name", "last_name"],
        len(official_ids),
        lambda s: (official_ids[s].tolist(), w.officials.first_name[s], w.officials.last_name[s]),
        "officials",
    )
    posts = w.posts
    out.insert(
        OfficialPost,
        ["official", "role", "place", "start_on", "end_on"],
        len(posts.official),
        lambda s: (
            v.ids(posts.official[s], official_ids),
            v.ids(posts.role[s], role_ids),
            v.ids(posts.place[s], place_ids),
            v.days(posts.start[s]),
            v.days(posts.end[s]),
        ),
        "official posts",
    )

    complainant_ids = _id_block(Complainant, len(w.complainants))
    out.insert(
        Complainant,
        ["id", "anonymous", "identity_digest"],
        len(complainant_ids),
        lambda s: (complainant_ids[s].tolist(), itertools.repeat(True), w.complainants[s]),
        "complainants",
    )

    c = w.complaints
    complaint_ids = _id_block(Complaint, len(c.reference))
    named = np.full(len(c.reference), -1, dtype=np.int64)
    first_named = np.flatnonzero(w.subjects.kind == 0)
    named[w.subjects.complaint[first_named]] = w.subjects.officer[first_named]
    out.insert(
        Complaint,
        [
            "id",
            "reference",
            "received_at",
            "occurred_on",
            "place",
            "description",
            "channel",
            "status",
            "complainant",
            "addressee",
            "routed_to",
            "routing_reason",
            "ack_due_at",
            "action_due_at",
            "acknowledged_at",
            "closed_at",
            "escalations",
            "source",
        ],
        len(c.reference),
        lambda s: (
            complaint_ids[s].tolist(),
            c.reference[s],
            v.instants(c.received_at[s]),
            v.days(c.occurred_on[s]),
            v.ids(c.place[s], place_ids),
            c.description[s],
            v.pick(sim.CHANNELS, c.channel[s]),
            v.pick(sim.COMPLAINT_STATUSES, c.status[s]),
            v.ids(c.complainant[s], complainant_ids),
            v.ids(c.addressee[s], body_ids),
            v.ids(c.routed_to[s], body_ids),
            _reasons(w, s, named, body_ids, unit_ids, officer_ids),
            v.instants(c.ack_due_at[s]),
            v.instants(c.action_due_at[s]),
            v.instants(c.acknowledged_at[s]),
            v.instants(c.closed_at[s]),
            c.escalations[s].tolist(),
            itertools.repeat(SOURCE),
        ),
        "complaints",
    )
    cc = w.complaint_categories
    out.insert(
        Complaint.categories.through,
        ["complaint", "category"],
        len(cc.left),
        lambda s: (v.ids(cc.left[s], complaint_ids), v.ids(cc.right[s], category_ids)),
        "complaint categories",
    )
    sj = w.subjects
    out.insert(
        ComplaintSubject,
        ["complaint", "kind", "officer", "official", "description", "unit"],
        len(sj.complaint),
        lambda s: (
            v.ids(sj.complaint[s], complaint_ids),
            v.pick(sim.SUBJECT_KINDS, sj.kind[s]),
            v.ids(sj.officer[s], officer_ids),
            v.ids(sj.official[s], official_ids),
            sj.description[s],
            v.ids(sj.unit[s], unit_ids),
        ),
        "complaint subjects",
    )
    ev = w.events
    out.insert(
        ComplaintEvent,
        ["complaint", "kind", "at", "body", "note"],
        len(ev.complaint),
        lambda s: (
            v.ids(ev.complaint[s], complaint_ids),
            v.pick(sim.EVENT_KINDS, ev.kind[s]),
            v.instants(ev.at[s]),
            v.ids(ev.body[s], body_ids),
            [sim.EVENT_NOTES.get(k, "") for k in ev.kind[s].tolist()],
        ),
        "complaint events",
    )

    k = w.cases
    case_ids = _id_block(Case, len(k.number))
    out.insert(
        Case,
        ["id", "number", "body", "title", "status", "opened_at", "closed_at", "source"],
        len(k.number),
        lambda s: (
            case_ids[s].tolist(),
            k.number[s],
            v.ids(k.body[s], body_ids),
            k.title[s],
            v.pick(sim.CASE_STATUSES, k.status[s]),
            v.instants(k.opened_at[s]),
            v.instants(k.closed_at[s]),
            itertools.repeat(SOURCE),
        ),
        "cases",
    )
    links = w.case_complaints
    out.insert(
        Case.complaints.through,
        ["case", "complaint"],
        len(links.left),
        lambda s: (v.ids(links.left[s], case_ids), v.ids(links.right[s], complaint_ids)),
        "case complaints",
    )
    a = w.allegations
    allegation_ids = _id_block(Allegation, len(a.case))
    out.insert(
        Allegation,
        [
            "id",
            "case",
            "officer",
            "official",
            "category",
            "particulars",
            "occurred_on",
            "proposed_finding",
            "proposed_at",
            "finding",
            "decided_at",
        ],
        len(a.case),
        lambda s: (
            allegation_ids[s].tolist(),
            v.ids(a.case[s], case_ids),
            v.ids(a.officer[s], officer_ids),
            v.ids(a.official[s], official_ids),
            v.ids(a.category[s], category_ids),
            [
                json.dumps({"goods": names.GOODS[g], "value": val} if g >= 0 else {})
                for g, val in zip(a.goods[s].tolist(), a.value[s].tolist(), strict=True)
            ],
            v.days(a.occurred_on[s]),
            v.pick(sim.FINDINGS, a.proposed_finding[s]),
            v.instants(a.proposed_at[s]),
            v.pick(sim.FINDINGS, a.finding[s]),
            v.instants(a.decided_at[s]),
        ),
        "allegations",
    )
    ms = w.measures
    measure_ids = _id_block(Measure, len(ms.officer))
    out.insert(
        Measure,
        [
            "id",
            "officer",
            "case",
            "allegation",
            "kind",
            "state",
            "reason",
            "starts_on",
            "ends_on",
            "proposed_at",
            "notified_at",
            "response_due_on",
            "decided_at",
            "source",
        ],
        len(ms.officer),
        lambda s: (
            measure_ids[s].tolist(),
            v.ids(ms.officer[s], officer_ids),
            v.ids(ms.case[s], case_ids),
            v.ids(ms.allegation[s], allegation_ids),
            v.pick(sim.MEASURE_KINDS, ms.kind[s]),
            v.pick(sim.MEASURE_STATES, ms.state[s]),
            ms.reason[s],
            v.days(ms.starts_on[s]),
            v.days(ms.ends_on[s]),
            v.instants(ms.proposed_at[s]),
            v.instants(ms.notified_at[s]),
            v.days(ms.response_due_on[s]),
            v.instants(ms.decided_at[s]),
            itertools.repeat(SOURCE),
        ),
        "measures",
    )
    st = w.steps
    out.insert(
        MeasureStep,
        ["measure", "kind", "at"],
        len(st.measure),
        lambda s: (v.ids(st.measure[s], measure_ids), v.pick(sim.STEP_KINDS, st.kind[s]), v.instants(st.at[s])),
        "measure steps",
    )

    # Ground truth, in the world app's own tables only. Ring numbers continue those already stored.
    ring_base = int(RingMember.objects.aggregate(top=Max("ring"))["top"] or 0) + 1
    t = w.truth
    rings = np.where(t.ring >= 0, t.ring + ring_base, -1)
    out.insert(
        Truth,
        ["officer", "kind", "ring", "retaliated", "corrupt_from"],
        len(t.kind),
        lambda s: (
            officer_ids[s].tolist(),
            v.pick(sim.TRUTH_KINDS, t.kind[s]),
            [r if r >= 0 else None for r in rings[s].tolist()],
            t.retaliated[s].tolist(),
            v.days(t.corrupt_from[s]),
        ),
        "truth",
    )
    rm = w.ring_members
    out.insert(
        RingMember,
        ["ring", "official"],
        len(rm.left),
        lambda s: ((rm.left[s] + ring_base).tolist(), v.ids(rm.right[s], official_ids)),
        "ring members",
    )
    captured = np.flatnonzero(w.captured | (w.bodies.level == 2))
    out.insert(
        BodyTruth,
        ["body", "captured"],
        len(captured),
        lambda s: (body_ids[captured[s]].tolist(), w.captured[captured[s]].tolist()),
        "body truth",
    )
    ct = w.complaint_truth
    out.insert(
        ComplaintTruth,
        ["complaint", "motive", "founded"],
        len(ct.motive),
        lambda s: (complaint_ids[s].tolist(), v.pick(sim.MOTIVES, ct.motive[s]), ct.founded[s].tolist()),
        "complaint truth",
    )
    rt = w.retaliations
    out.insert(
        Retaliation,
        ["officer", "official", "refused_on"],
        len(rt.officer),
        lambda s: (
            v.ids(rt.officer[s], officer_ids),
            v.ids(rt.official[s], official_ids),
            v.days(rt.refused_on[s]),
        ),
        "retaliations",
    )
    _reset_sequences([*allocated, Jurisdiction, StationAssignment, PlaceAssignment, OfficialPost])

    counts = w.counts()
    run = WorldRun.objects.create(
        seed=w.params.seed, parameters=w.params.as_json(), digest="", created_at=timezone.now()
    )
    digest = world_digest(progress=progress)
    run.digest = digest
    run.save(update_fields=["digest"])
    audit_record(
        actor=None,
        action="world.simulate",
        object_type="world.worldrun",
        object_id=run.pk,
        data={
            "seed": w.params.seed,
            "years": w.params.years,
            "end_date": w.params.resolved_end().isoformat(),
            "prefix": w.params.prefix,
            "digest": digest,
            **{key: counts[key] for key in ("units", "places", "officers", "officials", "complaints")},
        },
    )
    audit_record(
        actor=None,
        action="world.simulate.casework",
        object_type="world.worldrun",
        object_id=run.pk,
        data={key: counts[key] for key in ("cases", "allegations", "measures", "complaint_years")},
    )
    return LoadedWorld(run, counts, digest)


def _reasons(
    w: sim.World, s: slice, subject_officer: I64, body_ids: I64, unit_ids: I64, officer_ids: I64
) -> list[str]:
    """Routing reasons with the keys ``intake.routing.route`` gives them, as JSON text. The list of
    bodies considered is left out: with no memberships in a simulated force there is no conflict
    to report, and repeating it would make the reasons a fifth of the database."""
    c = w.complaints
    out = []
    for i in range(s.start, s.stop):
        rule = int(c.rule[i])
        officer = int(subject_officer[i])
        officers = f"[{int(officer_ids[officer])}]" if officer >= 0 else "[]"
        chosen = int(body_ids[c.addressee[i]] if rule == 1 else body_ids[c.routed_to[i]])
        why = ', "why": "action_deadline"' if rule == 2 else ""
        out.append(
            f'{{"rule": "{sim.ROUTING_RULES[rule]}", "chosen": {chosen}, "subject_officers": {officers}, '
            f'"subject_units": [{int(unit_ids[int(c.subject_unit[i])])}]{why}}}'
        )
    return out
