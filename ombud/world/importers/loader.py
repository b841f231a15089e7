"""Writing an import ``Batch`` into the tables the portal fills: units, officers, complaints with
their subjects and categories, one case per complaint (held by one oversight body per source) and
its allegations with their findings.

One transaction per run with one audit entry (counts only). Every row carries its source and
external id, and ids already in the database are read first and left alone, so importing the same
files twice adds nothing. Rows whose new ids are read back (officers, complaints, cases) go in
through ``bulk_create`` in chunks; the largest tables, whose ids nobody reads (allegations, complaint
subjects, links), through one prepared INSERT (``_Loader._insert``), so CCRB's 175,000 allegations
load in well under a minute."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.audit.services import audit_record
from ombud.cases.models import Allegation, Case
from ombud.discipline.services import officers_held_by_measures
from ombud.intake.models import Category, Complaint, ComplaintSubject
from ombud.org.models import Jurisdiction, Officer, OversightBody, Unit, UnitKind
from ombud.world.importers.base import (
    AllegationRow,
    Batch,
    ComplaintRow,
    ImportError_,
    OfficerRow,
    Problem,
    UnitRow,
    has_left,
)

Progress = Callable[[str, int], object]
M = TypeVar("M", bound=models.Model)
CHUNK = 10_000
CACHE_KIB = -256_000  # negative: KiB, as SQLite counts it
ROOT_KEY = "\x00root"
# Officers whose records give no unit serve in one unit of that name under the force's root: the
# root's supervisors see them and their alerts, and a complaint about them has the force's body above
# them (an officer seated at the root itself would have no body above him).
NO_UNIT_KEY = "\x00no unit"


@dataclass
class ImportReport:
    source: str
    # The force's name as the run gave it (``--name``, else the directory's).
    force_name: str = ""
    added: dict[str, int] = field(default_factory=dict)
    # Rows already in the database from an earlier run (``updated`` of them changed to what this
    # release says: a finding decided since, a complaint closed, an officer who left or moved).
    already: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    body_id: int = 0
    # New officers whose badge was left out: shared by two of the source's officers, or already held.
    badges_left_out: int = 0
    # Allegations imported earlier that this release gives another category: left as they were.
    allegations_elsewhere: int = 0
    # Complaints the source held before this run, where this run's records name none of its
    # officers or complaints (another force's export, imported under the same source name?).
    unrelated_to: int = 0

    @property
    def skipped(self) -> list[Problem]:
        return [p for p in self.problems if not p.kept]

    @property
    def kept_rows(self) -> int:
        """Rows loaded without a bad value (a row with two bad dates is one row)."""
        return len({(p.file, p.line) for p in self.problems if p.kept})

    @property
    def added_total(self) -> int:
        return sum(self.added.values())


def _serving_dates(officer: Officer, row: OfficerRow) -> None:
    """The hiring and leaving dates of an officer imported earlier, as a newer release gives them,
    never leaving before hiring: hired again after the leaving known before, or given no end date
    (9999-12-31), the leaving no longer holds; a release whose dates the reader found out of order
    (and left the hiring empty) has its leaving kept over the hiring known before, as the reader
    keeps it."""
    hired = row.hired_on or officer.hired_on
    left = None if row.no_end else row.left_on or officer.left_on
    if hired and left and left < hired:
        if row.hired_on and not row.left_on:
            left = None
        else:
            hired = None
    officer.hired_on, officer.left_on = hired, left


def new_rows(batch: Batch) -> int:
    """At most how many rows a load writes (for a progress bar)."""
    return len(batch.officers) + 3 * len(batch.complaints) + len(batch.allegations) * 2 + len(batch.unidentified)


def batch_load(batch: Batch, *, progress: Progress | None = None, actor: Any = None) -> ImportReport:
    """Write the batch in one transaction with one audit entry; return what was added."""
    started = time.monotonic()
    # The cache is set around the transaction, not inside it: restoring it inside a transaction
    # that failed would hide the error that made it fail.
    with _big_cache(), transaction.atomic():
        report = _Loader(batch, progress).run()
        report.problems = list(batch.problems)
        audit_record(
            actor=actor,
            action="world.import",
            object_type="org.oversightbody",
            object_id=report.body_id,
            data={
                "source": batch.source,
                "added": dict(sorted(report.added.items())),
                "already": dict(sorted(report.already.items())),
                "updated": dict(sorted(report.updated.items())),
                "bad_rows": len(report.skipped),
                "rows_kept_without_a_bad_value": report.kept_rows,
                "badges_left_out": report.badges_left_out,
                "allegations_given_another_category": report.allegations_elsewhere,
            },
        )
    report.seconds = time.monotonic() - started
    return report


@contextlib.contextmanager
def _big_cache() -> Iterator[None]:
    """A larger SQLite page cache while loading: the indexes of a big import outgrow the default."""
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


def code_for(source: str, key: str, *, max_length: int) -> str:
    """A globally unique code for a source's own key; long keys are shortened by a hash."""
    code = f"{source}:{key}"
    if len(code) <= max_length:
        return code
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{source[: max_length - 18]}:~{digest}"


def reference_for(source: str, key: str) -> str:
    """A complaint reference (and case number) such as ``CCRB-200000006``."""
    reference = f"{source.upper()}-{key}"
    if len(reference) <= 32:
        return reference
    return f"{source.upper()[:12]}-~{hashlib.sha256(key.encode()).hexdigest()[:18]}"


def _badge_holders(badges: Sequence[str]) -> dict[str, int | None]:
    """Who may hold each of these badges: the officer who holds it already (his id), None where
    nobody does, and 0 (nobody may) where two of the list share it."""
    counts: dict[str, int] = defaultdict(int)
    for badge in badges:
        counts[badge] += 1
    holders: dict[str, int | None] = {badge: None if n == 1 else 0 for badge, n in counts.items() if badge}
    for part in _chunks(sorted(holders), 900):
        for badge, pk in Officer.objects.filter(badge__in=part).values_list("badge", "pk"):
            holders[badge] = holders[badge] if holders[badge] == 0 else pk
    return holders


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for lo in range(0, len(items), size):
        yield items[lo : lo + size]


class _Loader:
    def __init__(self, batch: Batch, progress: Progress | None) -> None:
        self.b = batch
        self.source = batch.source
        self.progress = progress
        self.report = ImportReport(batch.source, batch.force_name)
        self.kinds = {kind.code: kind for kind in UnitKind.objects.all()}
        # Complaints imported earlier: the closing this release is the first to give, by id, and
        # those it closes or decides (``_closings``).
        self.closing: dict[str, dt.datetime] = {}
        self.closing_due: set[int] = set()
        self.complaints_updated: set[int] = set()
        self.held_before = 0  # complaints of the source before this run

    def _tick(self, label: str, n: int) -> None:
        if self.progress is not None and n:
            self.progress(label, n)

    def _added(self, label: str, n: int) -> None:
        self.report.added[label] = self.report.added.get(label, 0) + n

    def _insert(
        self, model: type[models.Model], rows: Sequence[dict[str, Any]], label: str, *, counted: bool = True
    ) -> None:
        """Rows (field values by attribute name; the others take their defaults) written with one
        prepared INSERT, for tables whose new ids nobody reads back. Building a model instance and
        compiling SQL for each of 175,000 allegations took most of a CCRB import's time; the rows
        still pass every constraint and trigger of the table."""
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        # Names from the model's own metadata, quoted; every value goes as a parameter.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        plain = (models.CharField, models.TextField, models.IntegerField, models.ForeignKey)
        columns = [
            (
                f.attname,
                # Dates, JSON and the like need the backend's form; strings and ids go as they are.
                None if isinstance(f, plain) and not isinstance(f, models.BooleanField) else f.get_db_prep_save,
                f.get_default(),
            )
            for f in fields
        ]
        with connection.cursor() as cursor:
            for part in _chunks(rows):
                cursor.executemany(
                    sql,
                    [
                        tuple(
                            row.get(name, default) if prep is None else prep(row.get(name, default), connection)
                            for name, prep, default in columns
                        )
                        for row in part
                    ],
                )
                self._tick(label, len(part))
        if counted:
            self._added(label, len(rows))

    def _create(self, model: type[M], objects: Iterable[M], label: str) -> list[M]:
        made: list[M] = []
        for part in _chunks(list(objects)):
            made += model._default_manager.bulk_create(part, batch_size=2000)
            self._tick(label, len(part))
        self._added(label, len(made))
        return made

    def run(self) -> ImportReport:
        units = self._units()
        body = self._body(units[ROOT_KEY])
        self.report.body_id = body.pk
        officers = self._officers(units)
        categories = self._categories()
        complaints = self._complaints(body)
        self._complaint_categories(complaints, categories)
        cases = self._cases(body, complaints)
        self._subjects(complaints, officers, units)
        self._allegations(cases, complaints, officers, categories)
        self._closings()
        self.report.updated["complaints"] = len(self.complaints_updated)
        if self.held_before and not self._names_earlier_records():
            self.report.unrelated_to = self.held_before
        return self.report

    def _names_earlier_records(self) -> bool:
        """Whether this run's records name an officer or a complaint the source held before it."""
        if self.report.already.get("officers") or self.report.already.get("complaints"):
            return True
        complaints = sorted(
            {a.complaint_id for a in self.b.allegations} - {c.external_id for c in self.b.complaints}
        )
        officers = sorted({a.officer_id for a in self.b.allegations} - {o.external_id for o in self.b.officers})
        return (
            Complaint.objects.filter(source=self.source, external_id__in=complaints[:900]).exists()
            or Officer.objects.filter(source=self.source, external_id__in=officers[:900]).exists()
        )

    # -- the force ------------------------------------------------------------------------------------

    def _kind(self, code: str, level: int, *, station: bool) -> UnitKind:
        kind = self.kinds.get(code)
        if kind is None:
            kind = UnitKind.objects.create(
                code=code, name=code.replace("_", " ").capitalize(), level=level, is_station=station
            )
            self.kinds[code] = kind
            self._added("unit kinds", 1)
        return kind

    def _unit(self, code: str, name: str, kind: UnitKind, parent: Unit | None) -> Unit:
        unit = Unit(code=code, name=name[:200], kind=kind, parent=parent, path="", depth=0)
        unit.depth = parent.depth + 1 if parent else 0
        unit.save()
        # The path holds the unit's own id, known only once it is saved.
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.save(update_fields=["path"])
        self._added("units", 1)
        return unit

    def _units(self) -> dict[str, Unit]:
        """The source's root unit, the units it lists (parents first) and those only named by an
        officer or an allegation, hung under the root."""
        prefix = f"{self.source}:"
        existing = {u.code: u for u in Unit.objects.filter(code__startswith=prefix)}
        by_key: dict[str, Unit] = {}
        root_code = code_for(self.source, "root", max_length=64)
        root = existing.get(root_code) or self._unit(
            root_code, self.b.force_name, self._kind("headquarters", 0, station=False), None
        )
        by_key[ROOT_KEY] = root
        rows: dict[str, UnitRow] = {row.key: row for row in self.b.units}
        named = {o.unit_key for o in self.b.officers} | {a.unit_key for a in self.b.allegations}
        for key in sorted(named - set(rows) - {""}):
            rows[key] = UnitRow(key=key, name=key)
        placing: set[str] = set()

        def place(key: str) -> Unit:
            if key in by_key:
                return by_key[key]
            row = rows[key]
            parent = root
            if row.parent_key and row.parent_key in rows and row.parent_key not in placing:
                placing.add(key)
                parent = place(row.parent_key)
                placing.discard(key)
                if key in by_key:  # placed while placing its parents (a loop the reader let through)
                    return by_key[key]
            code = code_for(self.source, key, max_length=64)
            unit = existing.get(code)
            if unit is None:
                has_children = any(r.parent_key == key for r in rows.values())
                kind_code = row.kind or ("district" if has_children else self.b.default_unit_kind)
                kind = self._kind(kind_code, parent.depth + 1, station=not has_children)
                unit = self._unit(code, row.name or key, kind, parent)
            by_key[key] = unit
            return unit

        for key in rows:
            place(key)
        if any(not o.unit_key for o in self.b.officers):
            code = code_for(self.source, "~no-unit", max_length=64)
            by_key[NO_UNIT_KEY] = existing.get(code) or self._unit(
                code, _("Unit not given"), self._kind(self.b.default_unit_kind, 1, station=True), root
            )
        return by_key

    def _body(self, root: Unit) -> OversightBody:
        code = code_for(self.source, "body", max_length=64)
        body = OversightBody.objects.filter(code=code).first()
        if body is None:
            body = OversightBody.objects.create(
                code=code, name=self.b.body_name[:200], level=root.depth, seat=root
            )
            Jurisdiction.objects.create(body=body, unit=root)
            self._added("bodies", 1)
        return body

    def _officers(self, units: dict[str, Unit]) -> dict[str, int]:
        ids = dict(Officer.objects.filter(source=self.source).values_list("external_id", "pk"))
        fresh = [o for o in self.b.officers if o.external_id not in ids]
        self.report.already["officers"] = len(self.b.officers) - len(fresh)
        # A badge is unique in the whole database: one shared by two officers of the source, or
        # already held by someone, is left out rather than given to either.
        wanted = [o.badge for o in fresh if o.badge]
        holders = _badge_holders(wanted)

        def usable(badge: str) -> bool:
            return bool(badge) and holders[badge] is None

        self.report.badges_left_out = sum(not usable(b) for b in wanted)
        made = self._create(
            Officer,
            (
                Officer(
                    # A source without names (Philadelphia's) still gives each a name people can read.
                    last_name=o.last_name[:100] or _("Officer %(id)s") % {"id": o.external_id},
                    first_name=o.first_name[:100],
                    badge=o.badge if usable(o.badge) else "",
                    rank=o.rank[:64],
                    status=o.status,
                    sex=o.sex[:16],
                    race=o.race[:32],
                    hired_on=o.hired_on,
                    left_on=o.left_on,
                    unit=units[o.unit_key or NO_UNIT_KEY],
                    source=self.source,
                    external_id=o.external_id,
                )
                for o in fresh
            ),
            "officers",
        )
        self._officers_update([o for o in self.b.officers if o.external_id in ids], units)
        ids.update({o.external_id: o.pk for o in made})
        return ids

    def _officers_update(self, rows: Sequence[OfficerRow], units: dict[str, Unit]) -> None:
        """Officers imported earlier take what a newer release says of them: his name, badge, rank,
        race, sex, unit and hiring date where given (an empty cell says nothing), his leaving, and
        his status where the release gives one. A leaving date once known is kept (a release that
        leaves the cell empty does not make him serve again) unless the release hires him again after
        it. One whom a suspension, standby or dismissal decided here holds keeps the status it gave
        him. A new badge that another officer holds, or two of the release's share, is not taken."""
        fields = (
            "first_name",
            "last_name",
            "badge",
            "rank",
            "race",
            "sex",
            "hired_on",
            "left_on",
            "status",
            "unit_id",
        )
        by_id = {row.external_id: row for row in rows}
        mine = Officer.objects.filter(source=self.source)
        held = officers_held_by_measures(mine)
        holders = _badge_holders([o.badge for o in self.b.officers])
        changed: list[Officer] = []
        for officer in mine.only("pk", "external_id", *fields).iterator():
            row = by_id.get(officer.external_id)
            if row is None:
                continue
            before = [getattr(officer, name) for name in fields]
            officer.first_name = row.first_name[:100] or officer.first_name
            officer.last_name = row.last_name[:100] or officer.last_name
            if row.badge and holders[row.badge] in (None, officer.pk):
                officer.badge = row.badge
            officer.rank = row.rank[:64] or officer.rank
            officer.race = row.race[:32] or officer.race
            officer.sex = row.sex[:16] or officer.sex
            if row.unit_key:
                officer.unit_id = units[row.unit_key].pk
            _serving_dates(officer, row)
            if officer.pk not in held:
                if row.status_given:
                    officer.status = row.status
                if officer.status == Officer.Status.ACTIVE and has_left(officer.left_on):
                    officer.status = Officer.Status.RETIRED  # he left, as an earlier release said
            if [getattr(officer, name) for name in fields] != before:
                changed.append(officer)
        for chunk in _chunks(changed, 2000):
            Officer.objects.bulk_update(chunk, fields)
        self.report.updated["officers"] = len(changed)

    def _categories(self) -> dict[str, Category]:
        """The categories the allegations name, by their code or, failing that, their name ("Neglect
        of duty" is the portal's "Neglect of duty" whatever its code); the others are added."""
        wanted = {a.category: a.category_name for a in self.b.allegations}
        known = {c.code: c for c in Category.objects.filter(code__in=list(wanted))}
        by_name = {c.name.casefold(): c for c in Category.objects.order_by("-pk")}
        for code, name in sorted(wanted.items()):
            if code not in known and name.casefold() in by_name:
                known[code] = by_name[name.casefold()]
            if code not in known:
                known[code] = Category.objects.create(code=code, name=name[:120] or code, ordering=100)
                self._added("categories", 1)
        return known

    # -- complaints and cases ---------------------------------------------------------------------------

    def _at(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))

    def _complaints(self, body: OversightBody) -> dict[str, tuple[int, dt.datetime, dt.datetime | None]]:
        """Complaint ids by external id, with when each was received and closed."""
        found = Complaint.objects.filter(source=self.source).values_list(
            "external_id", "pk", "received_at", "closed_at", "occurred_on", "status", "channel"
        )
        out: dict[str, tuple[int, dt.datetime, dt.datetime | None]] = {}
        # What a newer release may change of a complaint imported earlier: its incident day, status.
        state: dict[str, tuple[dt.date | None, str]] = {}
        for ext, pk, received, closed, occurred, status, channel in found:
            out[ext] = (pk, received, closed)
            if channel == Complaint.Channel.IMPORT:
                state[ext] = (occurred, status)
        self.held_before = len(out)
        fresh = [c for c in self.b.complaints if c.external_id not in out]
        self.report.already["complaints"] = len(self.b.complaints) - len(fresh)
        pending: set[str] = {a.complaint_id for a in self.b.allegations if not a.finding}
        alleged: set[str] = {a.complaint_id for a in self.b.allegations}

        def build(c: Any) -> Complaint:
            received = self._at(c.received_on)
            closed = self._at(c.closed_on) if c.closed_on and c.closed_on >= c.received_on else None
            # Closed when the source says so, or when every allegation has its finding; an open one
            # is "under investigation" so that no deadline sweep of the portal's takes it up.
            done = closed is not None or (c.external_id in alleged and c.external_id not in pending)
            text = c.summary or f"{self.b.force_name}: {c.origin or 'complaint'} {c.external_id}"
            return Complaint(
                reference=reference_for(self.source, c.external_id),
                received_at=received,
                occurred_on=c.occurred_on,
                place_text=c.place[:200],
                description=text,
                channel=Complaint.Channel.IMPORT,
                status=Complaint.Status.CLOSED if done else Complaint.Status.INVESTIGATING,
                routed_to=body,
                closed_at=closed,
                source=self.source,
                external_id=c.external_id,
            )

        self._references_free(fresh)
        earlier = [c for c in self.b.complaints if c.external_id in out]
        for made in self._create(Complaint, (build(c) for c in fresh), "complaints"):
            out[made.external_id] = (made.pk, made.received_at, made.closed_at)
        self.fresh_complaints = {c.external_id for c in fresh}
        self._complaints_update(earlier, out, state, done={c for c in alleged if c not in pending})
        return out

    def _complaints_update(
        self,
        rows: Sequence[ComplaintRow],
        known: dict[str, tuple[int, dt.datetime, dt.datetime | None]],
        state: dict[str, tuple[dt.date | None, str]],
        done: set[str],
    ) -> None:
        """Complaints imported earlier take the day of the incident where they had none, and note the
        closing this release gives where none was known (a complaint it closes, or whose allegations
        it decides: ``_closings`` closes those whose cases nobody here is still working on). The new
        closing dates the findings decided since."""
        changed: list[Complaint] = []
        for row in rows:
            if row.external_id not in state:
                continue  # not the import's (a portal complaint never is)
            pk, received, closed = known[row.external_id]
            occurred, status = state[row.external_id]
            if occurred is None and row.occurred_on is not None:
                changed.append(Complaint(pk=pk, occurred_on=row.occurred_on))
            # Checked against the receipt on record: a release may have corrected the receipt too.
            if closed is None and row.closed_on and row.closed_on >= timezone.localdate(received):
                self.closing[row.external_id] = self._at(row.closed_on)
                known[row.external_id] = (pk, received, self._at(row.closed_on))
            if status == Complaint.Status.INVESTIGATING and (
                row.external_id in self.closing or row.external_id in done
            ):
                self.closing_due.add(pk)
        for chunk in _chunks(changed, 2000):
            Complaint.objects.bulk_update(chunk, ["occurred_on"])
        self.complaints_updated = {complaint.pk for complaint in changed}

    def _closings(self) -> None:
        """Close the complaints imported earlier that this release closes or decides, with their
        cases, where every allegation of the case is decided and none awaits a second reviewer's
        decision here (an allegation added here and still open, or a partial release, keeps them
        open: nobody's work is closed under them). Only complaints under investigation and open
        cases, each held by no other open case, are closed."""
        if not self.closing_due:
            return
        links = Case.complaints.through.objects.filter(complaint_id__in=self.closing_due)
        case_ids = set(links.values_list("case_id", flat=True))
        open_work = set(
            Allegation.objects.filter(case_id__in=case_ids)
            .filter(Q(finding="") | ~Q(proposed_finding=""))
            .values_list("case_id", flat=True)
        )
        cases = {case.pk: case for case in Case.objects.filter(pk__in=case_ids, status=Case.Status.OPEN)}
        held: dict[int, list[int]] = defaultdict(list)
        for case_id, complaint_id in Case.complaints.through.objects.filter(case_id__in=case_ids).values_list(
            "case_id", "complaint_id"
        ):
            held[complaint_id].append(case_id)
        complaints = Complaint.objects.filter(pk__in=self.closing_due).only(
            "pk", "external_id", "closed_at", "status"
        )
        closed: list[Complaint] = []
        for complaint in complaints:
            mine = held.get(complaint.pk, [])
            if not mine or any(c in open_work or c not in cases for c in mine):
                continue
            complaint.status = Complaint.Status.CLOSED
            complaint.closed_at = self.closing.get(complaint.external_id, complaint.closed_at)
            closed.append(complaint)
        closing_cases: list[Case] = []
        for complaint in closed:
            for case_id in held[complaint.pk]:
                case = cases[case_id]
                if case.status == Case.Status.OPEN:
                    case.status, case.closed_at = Case.Status.CLOSED, complaint.closed_at
                    closing_cases.append(case)
        Complaint.objects.bulk_update(closed, ["status", "closed_at"], batch_size=2000)
        Case.objects.bulk_update(closing_cases, ["status", "closed_at"], batch_size=2000)
        self.complaints_updated |= {complaint.pk for complaint in closed}
        self.report.updated["cases"] = len(closing_cases)

    def _references_free(self, fresh: Sequence[Any]) -> None:
        """Stop, naming the complaint, where another source's records hold the reference one of this
        run's would be filed under (source ``a-b``'s complaint ``c`` and source ``a``'s ``b-c`` are
        both ``A-B-C``): the database would refuse it halfway, in its own words."""
        wanted = {reference_for(self.source, c.external_id): c.external_id for c in fresh}
        for part in _chunks(list(wanted)):
            taken = Complaint.objects.filter(reference__in=part).values_list("reference", "source").first()
            if taken is None:
                continue
            reference, source = taken
            raise ImportError_(
                _(
                    "Complaint %(id)s would be filed as %(reference)s, which a complaint of %(other)s already "
                    "holds; nothing was imported. Import these records under another --source."
                )
                % {
                    "id": wanted[reference],
                    "reference": reference,
                    "other": _("source %(source)s") % {"source": source} if source else _("the portal"),
                }
            )

    def _complaint_categories(
        self, complaints: dict[str, tuple[int, dt.datetime, dt.datetime | None]], categories: dict[str, Category]
    ) -> None:
        through = Complaint.categories.through
        pairs = {
            (complaints[a.complaint_id][0], categories[a.category].pk)
            for a in self.b.allegations
            if a.complaint_id in self.fresh_complaints and a.complaint_id in complaints
        }
        # Only new complaints get categories here, so no pair is in the table yet.
        self._insert(
            through,
            [{"complaint_id": c, "category_id": k} for c, k in sorted(pairs)],
            "complaint categories",
            counted=False,
        )

    def _cases(
        self, body: OversightBody, complaints: dict[str, tuple[int, dt.datetime, dt.datetime | None]]
    ) -> dict[str, int]:
        out = dict(Case.objects.filter(source=self.source).values_list("external_id", "pk"))
        fresh = [c for c in self.b.complaints if c.external_id not in out and c.external_id in complaints]
        self.report.already["cases"] = len(self.b.complaints) - len(fresh)
        statuses = dict(Complaint.objects.filter(source=self.source).values_list("external_id", "status"))

        def build(c: Any) -> Case:
            _, received, closed = complaints[c.external_id]
            done = statuses.get(c.external_id) == Complaint.Status.CLOSED
            return Case(
                number=reference_for(self.source, c.external_id),
                body=body,
                title=f"{self.b.force_name} {c.external_id}"[:200],
                status=Case.Status.CLOSED if done else Case.Status.OPEN,
                opened_at=received,
                closed_at=closed if done else None,
                source=self.source,
                external_id=c.external_id,
            )

        made = self._create(Case, (build(c) for c in fresh), "cases")
        through = Case.complaints.through
        links = [through(case_id=case.pk, complaint_id=complaints[case.external_id][0]) for case in made]
        for part in _chunks(links):
            through.objects.bulk_create(part, batch_size=2000, ignore_conflicts=True)
        out.update({case.external_id: case.pk for case in made})
        return out

    def _subjects(
        self,
        complaints: dict[str, tuple[int, dt.datetime, dt.datetime | None]],
        officers: dict[str, int],
        units: dict[str, Unit],
    ) -> None:
        existing = set(
            ComplaintSubject.objects.filter(complaint__source=self.source).values_list(
                "complaint_id", "officer_id", "description"
            )
        )
        seen: set[tuple[int, int | None, str]] = {(c, o, d) for c, o, d in existing}
        rows: list[dict[str, Any]] = []
        for a in self.b.allegations:
            if a.complaint_id not in complaints or a.officer_id not in officers:
                continue
            key: tuple[int, int | None, str] = (complaints[a.complaint_id][0], officers[a.officer_id], "")
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "complaint_id": key[0],
                    "kind": ComplaintSubject.Kind.OFFICER.value,
                    "officer_id": key[1],
                    "unit_id": units[a.unit_key].pk if a.unit_key else None,
                }
            )
        # One unidentified person per complaint, whatever the words (an import run in another
        # language writes them in that language: the person is the same).
        unnamed = {c for c, o, _d in seen if o is None}
        for complaint_id, description in self.b.unidentified:
            if complaint_id not in complaints or complaints[complaint_id][0] in unnamed:
                continue
            unnamed.add(complaints[complaint_id][0])
            rows.append(
                {
                    "complaint_id": complaints[complaint_id][0],
                    "kind": ComplaintSubject.Kind.UNIDENTIFIED.value,
                    "description": description[:300],
                }
            )
        self.report.already["complaint subjects"] = len(existing)
        self._insert(ComplaintSubject, rows, "complaint subjects")

    def _allegations(
        self,
        cases: dict[str, int],
        complaints: dict[str, tuple[int, dt.datetime, dt.datetime | None]],
        officers: dict[str, int],
        categories: dict[str, Category],
    ) -> None:
        # (case, external id) -> what a newer release may change, and what says whether it may.
        existing = {
            (case, ext): rest
            for case, ext, *rest in Allegation.objects.filter(case__source=self.source)
            .values_list(
                "case_id",
                "external_id",
                "pk",
                "category_id",
                "particulars",
                "decided_by_id",
                "proposed_finding",
                "finding",
                "finding_raw",
                "decided_at",
            )
            .iterator()
        }
        fresh: list[AllegationRow] = []
        earlier: list[AllegationRow] = []
        for a in self.b.allegations:
            case = cases.get(a.complaint_id)
            if case is None or a.officer_id not in officers:
                continue
            (earlier if (case, a.external_id) in existing else fresh).append(a)
        self.report.already["allegations"] = len(self.b.allegations) - len(fresh)
        self._allegations_update(earlier, existing, cases, categories)

        def build(a: Any) -> dict[str, Any]:
            _, received, closed = complaints[a.complaint_id]
            return {
                "case_id": cases[a.complaint_id],
                "officer_id": officers[a.officer_id],
                "category_id": categories[a.category].pk,
                "particulars": a.particulars,
                "occurred_on": a.occurred_on,
                "finding": a.finding,
                "finding_raw": a.finding_raw[:120],
                # A decided finding needs its date: the complaint's closing where the source gives
                # it, else its receipt (docs/interchange.md says what that means for features).
                "decided_at": (closed or received) if a.finding else None,
                "external_id": a.external_id,
            }

        self._insert(Allegation, [build(a) for a in fresh], "allegations")

    def _allegations_update(
        self,
        rows: Sequence[AllegationRow],
        existing: dict[tuple[int, str], list[Any]],
        cases: dict[str, int],
        categories: dict[str, Category],
    ) -> None:
        """Allegations imported earlier take the finding a newer release gives them (a pending one
        decided since, one decided otherwise on review; an empty cell says nothing, and never makes
        a decided finding pending again). A new finding is known from the complaint's closing where
        this release is the first to give one, else from this run: it was not known at the earlier
        import, and the features of a date before this run must not know it. A finding decided or
        proposed here, by a person, is left as it is, and so is an allegation the release gives
        another category or another description: its rows for the complaint and officer are in
        another order, and the finding would land on another allegation."""
        now = timezone.now()
        changed: list[Allegation] = []
        elsewhere = 0
        for row in rows:
            if not row.finding:
                continue
            pk, category, particulars, decided_by, proposed, finding, raw, decided_at = existing[
                (cases[row.complaint_id], row.external_id)
            ]
            if (row.finding, row.finding_raw[:120]) == (finding, raw) or decided_by is not None or proposed:
                continue
            described = (row.particulars.get("allegation"), (particulars or {}).get("allegation"))
            if categories[row.category].pk != category or (all(described) and len(set(described)) > 1):
                elsewhere += 1
                continue
            if row.finding != finding:  # (not where only the source's wording changed)
                decided_at = self.closing.get(row.complaint_id, now)
            changed.append(
                Allegation(pk=pk, finding=row.finding, finding_raw=row.finding_raw[:120], decided_at=decided_at)
            )
        for chunk in _chunks(changed, 2000):
            Allegation.objects.bulk_update(chunk, ["finding", "finding_raw", "decided_at"])
        self.report.updated["allegations"] = len(changed)
        self.report.allegations_elsewhere = elsewhere
