"""The officer dossier: every assignment, complaint, allegation, finding, measure and alert of one
officer over the years, compiled from the records (never typed by hand). The page shows it and a
meeting's agenda reuses its figures (``officer_records``, the same compilation for many officers).

It is read in two queries however long the history: the officer, through the access gate, then his
whole record in one UNION query, folded into rows in Python. ``officer_records`` reads any number of
officers' records in that one UNION query too."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    DateField,
    DateTimeField,
    Exists,
    F,
    Field,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextChoices,
    TextField,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ombud.accounts.models import Role
from ombud.accounts.scope import Scope, scope_for
from ombud.audit.services import audit_record_now
from ombud.cases.models import Allegation, Case, Finding
from ombud.cases.selectors import case_list_for_user
from ombud.core.access import NotFoundForUser
from ombud.core.typed import parse_id
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Complaint, category_label
from ombud.intake.selectors import complaint_list_for_user
from ombud.org.models import Jurisdiction, Officer, PlaceAssignment, StationAssignment, Unit
from ombud.org.selectors import officer_get_for_user
from ombud.reviews.models import AgendaItem, Attendance, Directive, DirectiveTarget, Meeting, Resolution
from ombud.risk.explain import LazyCategoryNames, reason_text
from ombud.risk.models import Alert

if TYPE_CHECKING:
    # A stubs-only name: django-stubs-ext is a development dependency.
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class AssignmentRow:
    start_on: dt.date
    end_on: dt.date | None
    # The station served at, or the place answered for.
    name: str
    # The unit whose page a link may open (the station, or the place's unit), if the reader may see it.
    unit_id: int | None


@dataclass(frozen=True)
class ComplaintRow:
    reference: str
    received_on: dt.date
    status: str
    # Left empty when the officer reads his own dossier.
    categories: tuple[str, ...]
    routed_to: str


@dataclass(frozen=True)
class AllegationRow:
    id: int
    case_number: str
    category: str
    occurred_on: dt.date | None
    finding: str
    finding_label: str
    decided_on: dt.date | None
    # The day the allegation counts from: when it happened, or when its case was opened.
    dated_on: dt.date

    @property
    def sustained(self) -> bool:
        return self.finding == Finding.SUSTAINED


@dataclass(frozen=True)
class MeasureStepRow:
    kind: str
    on: dt.date


@dataclass(frozen=True)
class MeasureRow:
    id: int
    kind: str
    state: str
    rejected: bool
    starts_on: dt.date | None
    ends_on: dt.date | None
    proposed_on: dt.date
    decided_on: dt.date | None
    case_number: str
    steps: tuple[MeasureStepRow, ...]


@dataclass(frozen=True)
class AlertRow:
    raised_on: dt.date
    state: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    complaints: int
    allegations: int
    sustained: int
    # Measures taken or pending; a rejected proposal is not counted.
    measures: int
    # Early-warning alerts raised (none when the reader is the officer himself).
    alerts: int = 0
    # Allegations still undecided at the end of the period: an open case against the officer.
    pending: int = 0


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    kind: str
    text: str
    in_period: bool


@dataclass(frozen=True)
class Dossier:
    officer: Officer
    # The reader is the officer himself: complaint rows keep only date, reference and status, and
    # early-warning alerts (a tool for his supervisors) are left out.
    own: bool
    # Whether complaints and cases are shown at all: to the officer himself and to oversight bodies,
    # not to his chain of command (supervisors) nor to analysts of a part of the force.
    shows_cases: bool
    years: int
    since: dt.date
    station_assignments: list[AssignmentRow]
    place_assignments: list[AssignmentRow]
    complaints: list[ComplaintRow]
    allegations: list[AllegationRow]
    measures: list[MeasureRow]
    alerts: list[AlertRow]
    recent: Counts
    all_time: Counts
    timeline: list[TimelineEntry]
    # Set when the reader asked for a period that ends before today (a meeting's period).
    until: dt.date | None = None


MAX_DOSSIER_YEARS = 100


def dossier_read(user: Any, officer_id: int, params: Mapping[str, str]) -> Dossier:
    """The dossier as the page and the API read it, from their query: ``?years=N`` narrows or widens
    the summary's period; ``?since=YYYY-MM-DD&until=YYYY-MM-DD`` is a meeting's period, so that its
    compiled record can be read again (``until`` alone means nothing; a reversed period is ignored;
    anything unusable keeps the default). Reading an officer's whole record is audited."""
    years = parse_id(params.get("years", ""))
    since: dt.date | None = None
    until: dt.date | None = None
    try:
        since = dt.date.fromisoformat(params.get("since", ""))
        until = dt.date.fromisoformat(params.get("until", ""))
    except ValueError:
        until = None
    if since is not None and until is not None and until < since:
        since = until = None
    dossier = officer_dossier(
        user=user,
        officer_id=officer_id,
        years=years if years is not None and years <= MAX_DOSSIER_YEARS else None,
        since=since,
        until=until,
    )
    audit_record_now(actor=user, action="officer.dossier.view", obj=dossier.officer, data={"years": dossier.years})
    return dossier


def officer_dossier(
    *,
    user: Any,
    officer_id: int,
    years: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Dossier:
    """The dossier of an officer the user may see (else ``NotFoundForUser``).

    ``recent`` counts the last ``years`` years, or from ``since`` (to ``until``) when given."""
    officer = officer_get_for_user(user, officer_id)
    scope = scope_for(user)
    own = scope.own_officer_id == officer.pk
    years = years or settings.OMBUD_DOSSIER_YEARS
    if since is None:
        since = years_before(timezone.localdate(), years)
    else:
        years = max(1, round(((until or timezone.localdate()) - since).days / 365.25))

    record = _records([officer.pk], user, scope, own=own).get(officer.pk) or _Record(scope)
    stations = sorted(record.stations, key=lambda row: (row.start_on, row.end_on or dt.date.max))
    places = sorted(record.places, key=lambda row: (row.start_on, row.end_on or dt.date.max))
    complaints = sorted(record.complaints.values(), key=lambda row: (row.received_on, row.reference), reverse=True)
    allegations = sorted(record.allegations, key=lambda row: (row.dated_on, row.id))
    measures = sorted(record.measures.values(), key=lambda row: (row.proposed_on, row.id))
    alerts = sorted(record.alerts, key=lambda row: row.raised_on)
    recent = _counts(complaints, allegations, measures, alerts, since=since, until=until)
    all_time = _counts(complaints, allegations, measures, alerts, since=None)
    if own:
        # The day a complaint came could point to the one villager he met that day, and its
        # reference is the one on the complainant's proof of filing: the officer reads the month.
        complaints = [replace(row, reference="", received_on=row.received_on.replace(day=1)) for row in complaints]
    return Dossier(
        officer=officer,
        own=own,
        shows_cases=own or scope.works_cases,
        years=years,
        since=since,
        station_assignments=stations,
        place_assignments=places,
        complaints=complaints,
        allegations=allegations,
        measures=measures,
        alerts=alerts,
        recent=recent,
        all_time=all_time,
        timeline=_timeline(
            stations, places, complaints, allegations, measures, alerts, since=since, until=until, own=own
        ),
        until=until,
    )


@dataclass(frozen=True)
class CompiledRecord:
    """An officer's record for one period, as a meeting's agenda carries it: the dossier's rows and
    figures for that period, read through the reader's gates like the dossier."""

    officer_id: int
    since: dt.date
    until: dt.date
    counts: Counts
    complaints: list[ComplaintRow]
    # Allegations dated in the period, and older ones still undecided at its end.
    allegations: list[AllegationRow]
    measures: list[MeasureRow]
    alerts: list[AlertRow]


def officer_records(
    *, user: Any, officer_ids: list[int], since: dt.date, until: dt.date
) -> dict[int, CompiledRecord]:
    """The compiled records of many officers for a period, in one query whatever their number.

    The caller has reached the officers through its own gate (a meeting's attendees); complaints and
    cases are still read through the reader's gates, as in the dossier. Nobody reads his own record
    here: the figures are those of the dossier as read by someone else."""
    scope = scope_for(user)
    ids = sorted(set(officer_ids) - {scope.own_officer_id})
    records = _records(ids, user, scope, own=False) if ids else {}
    compiled = {}
    for officer_id in ids:
        record = records.get(officer_id) or _Record(scope)
        complaints = sorted(record.complaints.values(), key=lambda row: (row.received_on, row.reference))
        allegations = sorted(record.allegations, key=lambda row: (row.dated_on, row.id))
        measures = sorted(record.measures.values(), key=lambda row: (row.proposed_on, row.id))
        alerts = sorted(record.alerts, key=lambda row: row.raised_on)

        def within(day: dt.date) -> bool:
            return since <= day <= until

        compiled[officer_id] = CompiledRecord(
            officer_id=officer_id,
            since=since,
            until=until,
            counts=_counts(complaints, allegations, measures, alerts, since=since, until=until),
            complaints=[row for row in complaints if within(row.received_on)],
            allegations=[row for row in allegations if within(row.dated_on) or _pending_at(row, until)],
            measures=[row for row in measures if within(row.proposed_on)],
            alerts=[row for row in alerts if within(row.raised_on)],
        )
    return compiled


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` years earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _unit_visible(scope: Scope, path: str) -> bool:
    """Whether the unit page gate (``unit_get_for_user``) would open this unit for the reader."""
    return scope.is_staff_role and (scope.everything or any(path.startswith(p) for p in scope.unit_paths))


# --- reading the record in one query ----------------------------------------------------------

# Every kind of record is read into these columns, so that one UNION ALL query reads them all
# however long the history. A kind leaves the columns it has no use for as typed NULLs: PostgreSQL
# types a UNION's columns pairwise, and two untyped NULLs would make a date column text.
_COLUMNS: dict[str, Field[Any, Any]] = {
    "kind": TextField(),
    # The record's id; for an assignment, the unit its link may open.
    "ref": BigIntegerField(),
    # A complaint's reference or a case's number.
    "reference": TextField(),
    # A unit's or place's name, a category, a measure's kind.
    "label": TextField(),
    # A complaint's status, a finding, a measure's or an alert's state.
    "outcome": TextField(),
    # A unit's path, the body a complaint went to, an alert's reasons (as JSON).
    "detail": TextField(),
    "day_from": DateField(),
    "day_to": DateField(),
    "at_from": DateTimeField(),
    "at_to": DateTimeField(),
    "step": TextField(),
    "step_at": DateTimeField(),
    # Whose record the row belongs to.
    "officer": BigIntegerField(),
}


def _shaped(queryset: QuerySet[Any], kind: str, **sources: str | Combinable) -> QuerySet[Any]:
    """``queryset`` read into the shared columns; ``sources`` maps a column to a field path."""
    columns: dict[str, Combinable] = {}
    for name, output_field in _COLUMNS.items():
        source = Value(kind) if name == "kind" else sources.get(name)
        if source is None:
            columns[f"dossier_{name}"] = Cast(Value(None), output_field=output_field)
        else:
            columns[f"dossier_{name}"] = F(source) if isinstance(source, str) else source
    shaped: QuerySet[Any] = queryset.order_by().annotate(**columns).values_list(*columns)
    return shaped


class _Row(NamedTuple):
    """One row of the UNION query, in the order of ``_COLUMNS``."""

    kind: str
    ref: int
    reference: str | None
    label: str | None
    outcome: str | None
    detail: str | None
    day_from: dt.date | None
    day_to: dt.date | None
    at_from: dt.datetime | None
    at_to: dt.datetime | None
    step: str | None
    step_at: dt.datetime | None
    officer: int


@dataclass
class _Record:
    """The rows folded back: a complaint comes once per category and a measure once per step."""

    scope: Scope
    stations: list[AssignmentRow] = field(default_factory=list)
    places: list[AssignmentRow] = field(default_factory=list)
    complaints: dict[int, ComplaintRow] = field(default_factory=dict)
    categories: dict[int, set[str]] = field(default_factory=dict)
    allegations: list[AllegationRow] = field(default_factory=list)
    measures: dict[int, MeasureRow] = field(default_factory=dict)
    steps: dict[int, list[MeasureStepRow]] = field(default_factory=dict)
    alerts: list[AlertRow] = field(default_factory=list)
    # Alerts' factors are written again in the reader's language; category names are read once for
    # all the records of a page, and only if a factor names a category.
    names: LazyCategoryNames = field(default_factory=LazyCategoryNames)

    def add(self, row: _Row) -> None:
        if row.kind in ("station", "place"):
            assert row.day_from is not None and row.detail is not None
            visible = _unit_visible(self.scope, row.detail)
            rows = self.stations if row.kind == "station" else self.places
            rows.append(AssignmentRow(row.day_from, row.day_to, row.label or "", row.ref if visible else None))
        elif row.kind == "complaint":
            assert row.at_from is not None
            if row.ref not in self.complaints:
                received_on = timezone.localdate(row.at_from)
                status = _label(Complaint.Status, row.outcome or "")
                self.complaints[row.ref] = ComplaintRow(
                    row.reference or "", received_on, status, (), row.detail or ""
                )
            if row.label:
                self.categories.setdefault(row.ref, set()).add(category_label(row.label))
        elif row.kind == "allegation":
            self.allegations.append(_allegation_row(row))
        elif row.kind == "measure":
            if row.ref not in self.measures:
                self.measures[row.ref] = _measure_row(row)
                self.steps[row.ref] = []
            if row.step and row.step_at:
                step = MeasureStepRow(_label(MeasureStep.Kind, row.step), timezone.localdate(row.step_at))
                self.steps[row.ref].append(step)
        elif row.kind == "alert":
            assert row.at_from is not None
            reasons = json.loads(row.detail) if row.detail else []
            reasons = reasons if isinstance(reasons, list) else [reasons]
            state = _label(Alert.State, row.outcome or "")
            texts = tuple(reason_text(reason, self.names) for reason in reasons)
            self.alerts.append(AlertRow(timezone.localdate(row.at_from), state, tuple(t for t in texts if t)))

    def folded(self) -> _Record:
        """The complaints with their categories, the measures with their steps in order."""
        self.complaints = {
            ref: replace(row, categories=tuple(sorted(self.categories.get(ref, ()))))
            for ref, row in self.complaints.items()
        }
        self.measures = {
            ref: replace(row, steps=tuple(sorted(self.steps[ref], key=lambda step: step.on)))
            for ref, row in self.measures.items()
        }
        return self


def _records(officer_ids: list[int], user: Any, scope: Scope, *, own: bool) -> dict[int, _Record]:
    """Assignments, complaints, allegations, measures with their steps and alerts of each officer:
    one query, however many officers. ``own`` is for one officer reading his own record.

    An officer reading his own record sees all of it but learns of a complaint only that it exists
    and how far it got (not its categories nor where it went), and not the early-warning alerts
    meant for his supervisors. Anyone else reads complaints and cases through their gates, so the
    dossier is no side door: the officer's own chain sees no complaint, a county none that went over
    its head, nobody a case about his own unit."""
    # A complaint naming two of the officers comes once for each: the officer column below reuses
    # this filter's join to the complaint's subjects.
    complaints = Complaint.objects.filter(subjects__officer__in=officer_ids)
    allegations = Allegation.objects.filter(officer__in=officer_ids)
    measures = Measure.objects.filter(officer__in=officer_ids)
    complaint_more: dict[str, str] = {}
    if own:
        # Learning of a complaint while it is looked into would let the accused find and pressure
        # the complainant: he sees complaints once closed and past the weeks in which the
        # complainant may have the closing reviewed above (a complaint closed without a case within
        # days, or dropping out again when reopened, would tell him), allegations once his case is
        # closed or notice of a measure was served on him in it, and no measure only proposed.
        settled = timezone.now() - dt.timedelta(days=settings.OMBUD_REVIEW_DAYS)
        complaints = complaints.filter(status=Complaint.Status.CLOSED, closed_at__lte=settled)
        noticed = Measure.objects.filter(officer__in=officer_ids).exclude(state=Measure.State.PROPOSED)
        allegations = allegations.filter(~Q(case__status=Case.Status.OPEN) | Q(case__in=noticed.values("case_id")))
        measures = measures.exclude(state=Measure.State.PROPOSED)
    else:
        visible_cases = case_list_for_user(user).values("pk")
        complaints = complaints.filter(pk__in=complaint_list_for_user(user).values("pk"))
        allegations = allegations.filter(case__in=visible_cases)
        measures = measures.filter(Q(case__isnull=True) | Q(case__in=visible_cases))
        complaint_more = {"label": "categories__name", "detail": "routed_to__name"}
    parts = [
        _shaped(
            StationAssignment.objects.filter(officer__in=officer_ids),
            "station",
            officer="officer_id",
            ref="unit_id",
            label="unit__name",
            detail="unit__path",
            day_from="start_on",
            day_to="end_on",
        ),
        _shaped(
            PlaceAssignment.objects.filter(officer__in=officer_ids),
            "place",
            officer="officer_id",
            ref="place__unit_id",
            label="place__name",
            detail="place__unit__path",
            day_from="start_on",
            day_to="end_on",
        ),
        _shaped(
            complaints,
            "complaint",
            officer="subjects__officer_id",
            ref="pk",
            reference="reference",
            outcome="status",
            at_from="received_at",
            **complaint_more,
        ),
        _shaped(
            allegations,
            "allegation",
            officer="officer_id",
            ref="pk",
            reference="case__number",
            label="category__name",
            outcome="finding",
            day_from="occurred_on",
            at_from="case__opened_at",
            at_to="decided_at",
        ),
        _shaped(
            measures,
            "measure",
            officer="officer_id",
            ref="pk",
            reference="case__number",
            label="kind",
            outcome="state",
            day_from="starts_on",
            day_to="ends_on",
            at_from="proposed_at",
            at_to="decided_at",
            step="steps__kind",
            step_at="steps__at",
        ),
    ]
    if not own:
        parts.append(
            _shaped(
                Alert.objects.filter(officer__in=officer_ids),
                "alert",
                officer="officer_id",
                ref="pk",
                outcome="state",
                detail=Cast("reasons", output_field=TextField()),
                at_from="raised_at",
            )
        )
    records: dict[int, _Record] = {}
    names = LazyCategoryNames()
    for values in parts[0].union(*parts[1:], all=True):
        row = _Row._make(values)
        records.setdefault(row.officer, _Record(scope, names=names)).add(row)
    return {officer_id: record.folded() for officer_id, record in records.items()}


def _allegation_row(row: _Row) -> AllegationRow:
    assert row.at_from is not None  # the case's opening
    finding = row.outcome or ""
    return AllegationRow(
        id=row.ref,
        case_number=row.reference or "",
        category=category_label(row.label or ""),
        occurred_on=row.day_from,
        finding=finding,
        finding_label=_label(Finding, finding) if finding else _("pending"),
        decided_on=timezone.localdate(row.at_to) if row.at_to else None,
        dated_on=row.day_from or timezone.localdate(row.at_from),
    )


def _measure_row(row: _Row) -> MeasureRow:
    assert row.at_from is not None  # the proposal
    return MeasureRow(
        id=row.ref,
        kind=_label(Measure.Kind, row.label or ""),
        state=_label(Measure.State, row.outcome or ""),
        rejected=row.outcome == Measure.State.REJECTED,
        starts_on=row.day_from,
        ends_on=row.day_to,
        proposed_on=timezone.localdate(row.at_from),
        decided_on=timezone.localdate(row.at_to) if row.at_to else None,
        case_number=row.reference or "",
        steps=(),
    )


def _label(choices: type[TextChoices], code: str) -> str:
    """The translated label of a stored choice; an imported value outside the choices shows as is."""
    return str(choices(code).label) if code in choices.values else code


def _counts(
    complaints: list[ComplaintRow],
    allegations: list[AllegationRow],
    measures: list[MeasureRow],
    alerts: list[AlertRow],
    *,
    since: dt.date | None,
    until: dt.date | None = None,
) -> Counts:
    def within(day: dt.date) -> bool:
        return (since is None or day >= since) and (until is None or day <= until)

    counted = [a for a in allegations if within(a.dated_on)]
    return Counts(
        complaints=sum(1 for c in complaints if within(c.received_on)),
        allegations=len(counted),
        sustained=sum(1 for a in counted if a.sustained),
        measures=sum(1 for m in measures if within(m.proposed_on) and not m.rejected),
        alerts=sum(1 for a in alerts if within(a.raised_on)),
        pending=sum(1 for a in allegations if _pending_at(a, until)),
    )


def _pending_at(allegation: AllegationRow, day: dt.date | None) -> bool:
    """Whether the allegation was made and still undecided on ``day`` (today when None)."""
    if day is None:
        return not allegation.finding
    return allegation.dated_on <= day and (allegation.decided_on is None or allegation.decided_on > day)


def _timeline(
    stations: list[AssignmentRow],
    places: list[AssignmentRow],
    complaints: list[ComplaintRow],
    allegations: list[AllegationRow],
    measures: list[MeasureRow],
    alerts: list[AlertRow],
    *,
    since: dt.date,
    own: bool,
    until: dt.date | None = None,
) -> list[TimelineEntry]:
    events: list[tuple[dt.date, str, str]] = []

    def add(on: dt.date, kind: str, text: str) -> None:
        events.append((on, kind, capfirst(text)))

    for row in stations:
        add(row.start_on, "assignment", _("Began serving at %(unit)s") % {"unit": row.name})
        if row.end_on is not None:
            add(row.end_on, "assignment", _("Stopped serving at %(unit)s") % {"unit": row.name})
    for row in places:
        add(row.start_on, "assignment", _("Became responsible for %(place)s") % {"place": row.name})
        if row.end_on is not None:
            add(row.end_on, "assignment", _("No longer responsible for %(place)s") % {"place": row.name})
    for complaint in complaints:
        names = {"reference": complaint.reference, "categories": ", ".join(complaint.categories)}
        if own:
            add(complaint.received_on, "complaint", _("A complaint received"))
        elif complaint.categories:
            add(complaint.received_on, "complaint", _("Complaint %(reference)s received (%(categories)s)") % names)
        else:
            add(complaint.received_on, "complaint", _("Complaint %(reference)s received") % names)
    for allegation in allegations:
        names = {
            "category": allegation.category,
            "case": allegation.case_number,
            "finding": allegation.finding_label,
        }
        add(allegation.dated_on, "allegation", _("Allegation of %(category)s (case %(case)s)") % names)
        if allegation.decided_on is not None:
            add(
                allegation.decided_on, "finding", _("Finding on %(category)s (case %(case)s): %(finding)s") % names
            )
    for measure in measures:
        if not measure.steps:
            add(measure.proposed_on, "measure", _("%(measure)s proposed") % {"measure": measure.kind})
        for step in measure.steps:
            add(step.on, "measure", _("%(measure)s: %(step)s") % {"measure": measure.kind, "step": step.kind})
    for alert in alerts:
        add(alert.raised_on, "alert", _("Early-warning alert raised (%(state)s)") % {"state": alert.state})
    # Python's sort is stable, so same-day events keep the order above (assignment before complaint...).
    events.sort(key=lambda event: event[0])
    return [
        TimelineEntry(on, kind, text, on >= since and (until is None or on <= until)) for on, kind, text in events
    ]


# --- directives, meetings and agendas ---------------------------------------------------------------
#
# Directives are seen by the issuing body and by the staff of the units they reach (a supervisor
# follows his station's duty); meetings, whose agendas carry complaints and cases, by oversight bodies
# whose jurisdiction holds the meeting's unit, never by someone serving at that unit.


def directive_list_for_user(user: Any) -> QuerySet[Directive]:
    scope = scope_for(user)
    if not scope.is_staff_role or scope.barred:
        return Directive.objects.none()
    if scope.everything:
        return Directive.objects.all()
    reaching = DirectiveTarget.objects.filter(scope.units_q("unit__"), directive=OuterRef("pk"))
    return Directive.objects.filter(Q(body_id__in=scope.body_ids) | Exists(reaching))


def directive_get_for_user(user: Any, directive_id: int) -> Directive:
    directive = directive_list_for_user(user).filter(pk=directive_id).select_related("body", "unit").first()
    if directive is None:
        raise NotFoundForUser
    return directive


def meeting_list_for_user(user: Any) -> QuerySet[Meeting]:
    scope = scope_for(user)
    if not scope.works_cases:
        return Meeting.objects.none()
    meetings = Meeting.objects.filter(scope.units_q("unit__") | Q(body_id__in=scope.body_ids))
    if scope.own_unit_id is not None:
        # The meeting that reviews his own colleagues is no business of an officer-investigator.
        meetings = meetings.exclude(unit_id=scope.own_unit_id)
    return meetings


def meeting_get_for_user(user: Any, meeting_id: int) -> Meeting:
    meeting = (
        meeting_list_for_user(user)
        .filter(pk=meeting_id)
        .select_related("unit", "body", "directive", "signed_off_by")
        .first()
    )
    if meeting is None:
        raise NotFoundForUser
    return meeting


def acts_for_body(user: Any, body_id: int | None, *, head: bool = False) -> bool:
    """Whether the user may write for the body (its investigators and heads; ``head``: heads only):
    the services' rule, asked ahead so a page shows only the forms its user may send."""
    if body_id is None:
        return False
    scope = scope_for(user)
    if scope.barred:
        return False
    roles = {Role.BODY_HEAD} if head else {Role.BODY_HEAD, Role.INVESTIGATOR}
    return scope.administrator or scope.acts_in(body_id, roles)


def _serving_on(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_on__lte": day}) & (
        Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gt": day})
    )


def meeting_circle(meeting: Meeting) -> QuerySet[Officer]:
    """The officers a meeting concerns, on its first day: for a unit, every officer serving there
    and every officer answering for one of its villages; for a body, every officer serving in its
    jurisdiction."""
    day = meeting.starts_on
    if meeting.unit_id is not None:
        at_unit = StationAssignment.objects.filter(_serving_on(day), unit_id=meeting.unit_id)
        for_place = PlaceAssignment.objects.filter(_serving_on(day), place__unit_id=meeting.unit_id)
        q = Q(pk__in=at_unit.values("officer_id")) | Q(pk__in=for_place.values("officer_id"))
    else:
        paths = Jurisdiction.objects.filter(body_id=meeting.body_id).values_list("unit__path", flat=True)
        within = Q(pk__in=[])
        for path in paths:
            within |= Q(unit__path__startswith=path)
        q = Q(pk__in=StationAssignment.objects.filter(_serving_on(day), within).values("officer_id"))
    return Officer.objects.filter(q).order_by("last_name", "first_name", "pk")


def meeting_expected_officers(meeting: Meeting) -> QuerySet[Officer]:
    """Who is expected: a unit's whole circle; at a body's meeting, the officers it discusses."""
    if meeting.unit_id is not None:
        return meeting_circle(meeting)
    return Officer.objects.filter(agenda_items__meeting=meeting).order_by("last_name", "first_name", "pk")


# Why the rule puts an officer on the agenda, in the order the page lists the reasons.
AGENDA_REASONS: dict[str, StrOrPromise] = {
    "sustained": gettext_lazy("sustained findings"),
    "pending": gettext_lazy("an open case"),
    "measures": gettext_lazy("measures"),
    "alerts": gettext_lazy("early-warning alerts"),
}


def agenda_reasons(counts: Counts) -> list[str]:
    """The rule: an officer is discussed for sustained findings, open cases (allegations undecided at
    the period's end), measures or early-warning alerts in the period. Complaints alone are not
    enough: a complaint is a claim until a finding says otherwise."""
    figures = {"sustained": counts.sustained, "pending": counts.pending, "measures": counts.measures}
    figures["alerts"] = counts.alerts
    return [code for code in AGENDA_REASONS if figures[code]]


@dataclass(frozen=True)
class AgendaProposal:
    officer: Officer
    reasons: list[str]
    record: CompiledRecord

    def record_json(self) -> dict[str, Any]:
        """The compiled record as the minutes keep it: frozen with them at sign-off."""
        return compiled_record_json(self.record)


def agenda_proposal(*, user: Any, meeting: Meeting) -> list[AgendaProposal]:
    """The officers of the meeting's circle whom the rule selects for its period, each with his
    compiled record (the dossier's figures for that period, read through the user's gates)."""
    since, until = meeting_period(meeting)
    officers = list(meeting_circle(meeting).select_related("unit"))
    records = officer_records(user=user, officer_ids=[o.pk for o in officers], since=since, until=until)
    proposals = []
    for officer in officers:
        record = records.get(officer.pk)
        if record is None:
            continue
        reasons = agenda_reasons(record.counts)
        if reasons:
            proposals.append(AgendaProposal(officer, reasons, record))
    return proposals


def meeting_period(meeting: Meeting) -> tuple[dt.date, dt.date]:
    until = meeting.period_end or meeting.starts_on
    return meeting.period_start or years_before(until, settings.OMBUD_DOSSIER_YEARS), until


def dossier_json(dossier: Dossier) -> dict[str, Any]:
    """The dossier as the API answers it: the page's rows and figures, field by field."""
    officer = dossier.officer
    rows: dict[str, Sequence[Any]] = {
        "station_assignments": dossier.station_assignments,
        "place_assignments": dossier.place_assignments,
        "complaints": dossier.complaints if dossier.shows_cases else [],
        "allegations": dossier.allegations if dossier.shows_cases else [],
        "measures": dossier.measures,
        "alerts": dossier.alerts,
    }
    return {
        "officer": {
            "id": officer.pk,
            "first_name": officer.first_name,
            "last_name": officer.last_name,
            "badge": officer.badge,
            "unit": officer.unit.name if officer.unit else "",
            "status": officer.status,
        },
        "own": dossier.own,
        "shows_cases": dossier.shows_cases,
        "years": dossier.years,
        "since": dossier.since,
        "until": dossier.until,
        "recent": asdict(dossier.recent),
        "all_time": asdict(dossier.all_time),
        **{name: [asdict(row) for row in found] for name, found in rows.items()},
        **_risk_history_json(dossier),
    }


def _risk_history_json(dossier: Dossier) -> dict[str, list[dict[str, Any]]]:
    """The early-warning scores and the answers to the officer's alerts, as the page shows them below
    the alerts: to his supervisors and bodies, never to himself."""
    if dossier.own:
        return {"risk_scores": [], "risk_answers": []}
    from ombud.risk.selectors import officer_risk_history

    history = officer_risk_history(dossier.officer)
    return {
        "risk_scores": [
            {
                "as_of": score.as_of.isoformat(),
                "score": score.score,
                "percentile": score.percentile,
                "model_version": score.model_version,
            }
            for score in history.scores
        ],
        "risk_answers": [
            {**asdict(answer), "raised_on": answer.raised_on.isoformat(), "on": answer.on.isoformat()}
            for answer in history.answers
        ],
    }


def compiled_record_json(record: CompiledRecord) -> dict[str, Any]:
    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "since": record.since.isoformat(),
        "until": record.until.isoformat(),
        "counts": asdict(record.counts),
        "complaints": [
            {
                "reference": row.reference,
                "received_on": day(row.received_on),
                "status": row.status,
                "categories": list(row.categories),
            }
            for row in record.complaints
        ],
        "allegations": [
            {
                "case_number": row.case_number,
                "category": row.category,
                "dated_on": day(row.dated_on),
                "finding": row.finding,
                "finding_label": row.finding_label,
                "decided_on": day(row.decided_on),
            }
            for row in record.allegations
        ],
        "measures": [
            {
                "kind": row.kind,
                "state": row.state,
                "proposed_on": day(row.proposed_on),
                "starts_on": day(row.starts_on),
                "ends_on": day(row.ends_on),
                "case_number": row.case_number,
                "rejected": row.rejected,
            }
            for row in record.measures
        ],
        "alerts": [
            {"raised_on": day(row.raised_on), "state": row.state, "reasons": list(row.reasons)}
            for row in record.alerts
        ],
    }


# --- compliance -------------------------------------------------------------------------------------


@dataclass
class TargetNode:
    target: DirectiveTarget
    meeting: Meeting | None
    # Whether the user may open the meeting's page (a supervisor follows the directive, not the
    # meetings of the bodies; an officer-investigator never his own unit's): else its date alone.
    meeting_readable: bool = False
    children: list[TargetNode] = field(default_factory=list)
    # Overdue units in this node's subtree, itself included: a collapsed branch still shows them.
    overdue_below: int = 0


@dataclass(frozen=True)
class Compliance:
    directive: Directive
    roots: list[TargetNode]
    # (state code, label, count) in the states' order.
    states: list[tuple[str, str, int]]
    late: int
    total: int
    # Whether the user schedules meetings for the directive's body.
    can_schedule: bool


def directive_compliance(user: Any, directive: Directive) -> Compliance:
    """The tree of the units the directive reaches, each with its state and meeting; the body that
    issued it sees all of them, anyone else the units in his own reach. Four queries."""
    scope = scope_for(user)
    targets = DirectiveTarget.objects.filter(directive=directive).select_related("unit__kind")
    if not (scope.everything or directive.body_id in scope.body_ids):
        targets = targets.filter(scope.units_q("unit__"))
    meetings = {m.unit_id: m for m in Meeting.objects.filter(directive=directive)}
    readable = set(meeting_list_for_user(user).filter(directive=directive).values_list("pk", flat=True))
    nodes: dict[int, TargetNode] = {}
    for target in targets.order_by("unit__path"):
        meeting = meetings.get(target.unit_id)
        nodes[target.unit_id] = TargetNode(target, meeting, meeting is not None and meeting.pk in readable)
    roots: list[TargetNode] = []
    for node in nodes.values():
        parent = nodes.get(node.target.unit.parent_id or 0)
        (parent.children if parent else roots).append(node)
        if node.target.state == DirectiveTarget.State.OVERDUE:
            for ancestor in node.target.unit.ancestor_ids():
                if ancestor in nodes:
                    nodes[ancestor].overdue_below += 1
    counts: dict[str, int] = {}
    for node in nodes.values():
        counts[node.target.state] = counts.get(node.target.state, 0) + 1
    return Compliance(
        directive=directive,
        roots=roots,
        states=[(code, str(label), counts.get(code, 0)) for code, label in DirectiveTarget.State.choices],
        late=sum(1 for node in nodes.values() if node.target.late),
        total=len(nodes),
        can_schedule=acts_for_body(user, directive.body_id),
    )


# --- the meeting page -------------------------------------------------------------------------------


class ItemAsRead(NamedTuple):
    """An agenda item's stored record and reasons as this reader may read them."""

    record: dict[str, Any]
    reasons: list[str]
    # Reasons the record gave that come from complaints or cases outside the reader's gates.
    withheld: bool


def agenda_as_read(user: Any, items: Sequence[AgendaItem]) -> dict[int, ItemAsRead]:
    """Each item's record as the minutes keep it, less what the reader's own gates do not let him
    read: the record was compiled through its compiler's gates (a provincial body's head reads
    complaints a county clerk does not), and a reader of the meeting may be in the chain of command
    of an officer on its agenda, or once named with him. His complaints and allegations outside the
    reader's gates are left out, and the figures and reasons counted again without them, as his
    dossier would show them to that reader; measures and alerts stay as the dossier shows them."""
    references = {row["reference"] for item in items for row in item.record.get("complaints", [])}
    numbers = {row["case_number"] for item in items for row in item.record.get("allegations", [])}
    readable_complaints = set(
        complaint_list_for_user(user).filter(reference__in=references).values_list("reference", flat=True)
    )
    readable_cases = set(case_list_for_user(user).filter(number__in=numbers).values_list("number", flat=True))
    shown = {}
    for item in items:
        record = item.record
        complaints = [row for row in record.get("complaints", []) if row["reference"] in readable_complaints]
        allegations = [row for row in record.get("allegations", []) if row["case_number"] in readable_cases]
        if len(complaints) == len(record.get("complaints", [])) and len(allegations) == len(
            record.get("allegations", [])
        ):
            shown[item.pk] = ItemAsRead(record, list(item.reasons), withheld=False)
            continue
        since, until = record["since"], record["until"]
        counted = [row for row in allegations if since <= row["dated_on"] <= until]
        counts = {
            **record["counts"],
            "complaints": len(complaints),
            "allegations": len(counted),
            "sustained": sum(1 for row in counted if row["finding"] == Finding.SUSTAINED),
            "pending": sum(
                1
                for row in allegations
                if row["dated_on"] <= until and (row["decided_on"] is None or row["decided_on"] > until)
            ),
        }
        reasons = [code for code in item.reasons if code not in ("sustained", "pending") or counts[code]]
        as_read = {**record, "counts": counts, "complaints": complaints, "allegations": allegations}
        shown[item.pk] = ItemAsRead(as_read, reasons, withheld=len(reasons) < len(item.reasons))
    return shown


@dataclass(frozen=True)
class MeetingPage:
    meeting: Meeting
    attendance: list[Attendance]
    items: list[AgendaItem]
    # Each item's record and reasons as the reader may read them (``agenda_as_read``), by item id.
    as_read: dict[int, ItemAsRead]
    # Resolutions about no agenda item.
    general: list[Resolution]
    target: DirectiveTarget | None
    period: tuple[dt.date, dt.date]
    can_work: bool
    can_sign: bool

    @property
    def frozen(self) -> bool:
        return self.meeting.signed_off_at is not None

    @property
    def held(self) -> bool:
        return self.meeting.held_at is not None

    @property
    def attendance_open(self) -> bool:
        """Attendance is recorded from the meeting's first day, until the sign-off."""
        return self.can_work and self.meeting.starts_on <= timezone.localdate()

    @property
    def present(self) -> int:
        return sum(1 for row in self.attendance if row.present)

    @property
    def absent(self) -> int:
        return sum(1 for row in self.attendance if row.present is False)


def meeting_page(user: Any, meeting: Meeting) -> MeetingPage:
    resolutions = Resolution.objects.select_related("measure__case").order_by("pk")
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("officer__unit")
        .prefetch_related(Prefetch("resolutions", queryset=resolutions))
    )
    target = None
    if meeting.directive_id is not None and meeting.unit_id is not None:
        target = DirectiveTarget.objects.filter(directive_id=meeting.directive_id, unit_id=meeting.unit_id).first()
    frozen = meeting.signed_off_at is not None
    return MeetingPage(
        meeting=meeting,
        attendance=list(Attendance.objects.filter(meeting=meeting).select_related("officer")),
        items=items,
        as_read=agenda_as_read(user, items),
        general=list(resolutions.filter(meeting=meeting, agenda_item__isnull=True)),
        target=target,
        period=meeting_period(meeting),
        can_work=not frozen and acts_for_body(user, meeting.body_id),
        can_sign=not frozen and acts_for_body(user, meeting.body_id, head=True),
    )


# --- the period report's reach ----------------------------------------------------------------------


def report_units_for_user(user: Any) -> tuple[QuerySet[Unit], bool]:
    """The units whose period report the user may read, and whether he may read the whole force's.

    The report is the analysts' (and administrators') tool: aggregates of the subtrees they hold,
    the whole force for a force-wide analyst. Anyone else gets ``NotFoundForUser``."""
    scope = scope_for(user)
    if scope.barred or not (scope.administrator or Role.ANALYST in scope.roles):
        raise NotFoundForUser
    return Unit.objects.filter(scope.units_q()).select_related("kind").order_by("path"), scope.everything
