"""The officer dossier: every assignment, complaint, allegation, finding, measure and alert of one
officer over the years, compiled from the records (never typed by hand). The page shows it and a
meeting's agenda reuses its figures.

It is read in two queries however long the history: the officer, through the access gate, then his
whole record in one UNION query, folded into rows in Python."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    DateField,
    DateTimeField,
    F,
    Field,
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

from ombud.accounts.scope import Scope, scope_for
from ombud.cases.models import Allegation, Finding
from ombud.cases.selectors import case_list_for_user
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Complaint
from ombud.intake.selectors import complaint_list_for_user
from ombud.org.models import Officer, PlaceAssignment, StationAssignment
from ombud.org.selectors import officer_get_for_user
from ombud.risk.models import Alert


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


def officer_dossier(*, user: Any, officer_id: int, years: int | None = None) -> Dossier:
    """The dossier of an officer the user may see (else ``NotFoundForUser``)."""
    officer = officer_get_for_user(user, officer_id)
    scope = scope_for(user)
    own = scope.own_officer_id == officer.pk
    years = years or settings.OMBUD_DOSSIER_YEARS
    since = _years_before(timezone.localdate(), years)

    record = _record(officer, user, scope, own=own)
    stations = sorted(record.stations, key=lambda row: (row.start_on, row.end_on or dt.date.max))
    places = sorted(record.places, key=lambda row: (row.start_on, row.end_on or dt.date.max))
    complaints = sorted(record.complaints.values(), key=lambda row: (row.received_on, row.reference), reverse=True)
    allegations = sorted(record.allegations, key=lambda row: (row.dated_on, row.id))
    measures = sorted(record.measures.values(), key=lambda row: (row.proposed_on, row.id))
    alerts = sorted(record.alerts, key=lambda row: row.raised_on)
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
        recent=_counts(complaints, allegations, measures, since=since),
        all_time=_counts(complaints, allegations, measures, since=None),
        timeline=_timeline(stations, places, complaints, allegations, measures, alerts, since=since, own=own),
    )


def _years_before(day: dt.date, years: int) -> dt.date:
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
                self.categories.setdefault(row.ref, set()).add(row.label)
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
            self.alerts.append(AlertRow(timezone.localdate(row.at_from), state, tuple(map(_reason_text, reasons))))

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


def _record(officer: Officer, user: Any, scope: Scope, *, own: bool) -> _Record:
    """Assignments, complaints, allegations, measures with their steps and alerts: one query.

    An officer reading his own record sees all of it but learns of a complaint only that it exists
    and how far it got (not its categories nor where it went), and not the early-warning alerts
    meant for his supervisors. Anyone else reads complaints and cases through their gates, so the
    dossier is no side door: the officer's own chain sees no complaint, a county none that went over
    its head, nobody a case about his own unit."""
    complaints = Complaint.objects.filter(subjects__officer=officer)
    allegations = Allegation.objects.filter(officer=officer)
    measures = Measure.objects.filter(officer=officer)
    complaint_more: dict[str, str] = {}
    if not own:
        visible_cases = case_list_for_user(user).values("pk")
        complaints = complaints.filter(pk__in=complaint_list_for_user(user).values("pk"))
        allegations = allegations.filter(case__in=visible_cases)
        measures = measures.filter(Q(case__isnull=True) | Q(case__in=visible_cases))
        complaint_more = {"label": "categories__name", "detail": "routed_to__name"}
    parts = [
        _shaped(
            StationAssignment.objects.filter(officer=officer),
            "station",
            ref="unit_id",
            label="unit__name",
            detail="unit__path",
            day_from="start_on",
            day_to="end_on",
        ),
        _shaped(
            PlaceAssignment.objects.filter(officer=officer),
            "place",
            ref="place__unit_id",
            label="place__name",
            detail="place__unit__path",
            day_from="start_on",
            day_to="end_on",
        ),
        _shaped(
            complaints,
            "complaint",
            ref="pk",
            reference="reference",
            outcome="status",
            at_from="received_at",
            **complaint_more,
        ),
        _shaped(
            allegations,
            "allegation",
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
                Alert.objects.filter(officer=officer),
                "alert",
                ref="pk",
                outcome="state",
                detail=Cast("reasons", output_field=TextField()),
                at_from="raised_at",
            )
        )
    record = _Record(scope)
    for values in parts[0].union(*parts[1:], all=True):
        record.add(_Row._make(values))
    return record.folded()


def _allegation_row(row: _Row) -> AllegationRow:
    assert row.at_from is not None  # the case's opening
    finding = row.outcome or ""
    return AllegationRow(
        id=row.ref,
        case_number=row.reference or "",
        category=row.label or "",
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


def _reason_text(reason: object) -> str:
    """A contributing factor as stored by the risk model: a sentence, or a small mapping."""
    if isinstance(reason, dict):
        for key in ("text", "label", "factor", "name", "rule"):
            if reason.get(key):
                return str(reason[key])
        return ", ".join(f"{key}: {value}" for key, value in reason.items())
    return str(reason)


def _counts(
    complaints: list[ComplaintRow],
    allegations: list[AllegationRow],
    measures: list[MeasureRow],
    *,
    since: dt.date | None,
) -> Counts:
    def within(day: dt.date) -> bool:
        return since is None or day >= since

    counted = [a for a in allegations if within(a.dated_on)]
    return Counts(
        complaints=sum(1 for c in complaints if within(c.received_on)),
        allegations=len(counted),
        sustained=sum(1 for a in counted if a.sustained),
        measures=sum(1 for m in measures if within(m.proposed_on) and not m.rejected),
    )


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
        if complaint.categories and not own:
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
    return [TimelineEntry(on, kind, text, on >= since) for on, kind, text in events]
