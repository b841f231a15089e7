"""The period report: for a unit's subtree (or the whole force) and a period, complaints received
and closed, allegations by category and finding, the sustained rate, measures by kind, escalations
and the median days from complaint to decision, each beside the previous period of the same length;
as a page (``views``), a CSV with one row per unit and a ``total`` row, and a PDF with its charts.

The records of both periods are read once (five queries whatever the number of units) into small
facts, each carrying the unit paths it belongs to; every unit's figures are then counted from those
facts in Python, so a unit's row and the total are counted by the same code.

Where a record belongs:

- a complaint, to the units of the officers it names (where each served when it was filed), the unit
  of the place it names, or, when it names neither, the seat of the body it was routed to. The total
  counts each complaint once, whatever it names, and also those it could place nowhere;
- an allegation against an officer, to the unit he served at on its date (the dossier's date: when
  it happened, or when its case was opened); against a local official, to the seat of the body
  whose case it is;
- a measure, to the unit the officer served at when it was proposed (rejected proposals are not
  counted, as in the dossier)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, Min, OuterRef, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ombud.cases.models import Allegation, Case, Finding
from ombud.core.pdf import Document
from ombud.discipline.models import Measure
from ombud.intake.models import Category, Complaint, ComplaintEvent, ComplaintSubject, category_label
from ombud.org.models import StationAssignment, Unit

PENDING = "pending"
TOTAL = "total"


# --- the facts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintFact:
    id: int
    received: dt.date
    closed: dt.date | None
    # The first finding decided in a case opened from it, else its closing.
    decided: dt.date | None
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Fact:
    """An allegation (``key`` its category, ``value`` its finding or "pending") or a measure (``key``
    its kind), dated and placed."""

    on: dt.date
    key: str
    value: str
    path: str


@dataclass
class Facts:
    complaints: list[ComplaintFact] = field(default_factory=list)
    # (complaint id, day) of each escalation.
    escalations: list[tuple[int, dt.date]] = field(default_factory=list)
    allegations: list[Fact] = field(default_factory=list)
    measures: list[Fact] = field(default_factory=list)


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _end(day: dt.date) -> dt.datetime:
    """The first instant after ``day``."""
    if day >= dt.date.max - dt.timedelta(days=1):
        return timezone.make_aware(dt.datetime.combine(dt.date.max, dt.time.max))
    return _start(day + dt.timedelta(days=1))


class _Stations:
    """Where each officer served when: one query for all the officers involved."""

    def __init__(self, officer_ids: Iterable[int]) -> None:
        self.spans: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
        rows = StationAssignment.objects.filter(officer_id__in=set(officer_ids)).values_list(
            "officer_id", "start_on", "end_on", "unit__path"
        )
        for officer_id, start, end, path in rows.order_by("officer_id", "start_on"):
            self.spans.setdefault(officer_id, []).append((start, end, path))

    def path_on(self, officer_id: int, day: dt.date, fallback: str) -> str:
        spans = self.spans.get(officer_id, [])
        for start, end, path in spans:
            if start <= day and (end is None or day < end):
                return path
        # Before his first assignment or in a gap: the nearest earlier station, else his current unit.
        earlier = [path for start, _end, path in spans if start <= day]
        return earlier[-1] if earlier else fallback


def load_facts(since: dt.date, until: dt.date) -> Facts:
    start, end = _start(since), _end(until)
    facts = Facts()

    complaints = (
        Complaint.objects.order_by()
        .annotate(
            first_finding=Min("cases__allegations__decided_at"),
            in_case=Exists(Case.objects.filter(complaints=OuterRef("pk"))),
        )
        .filter(received_at__lt=end)
        .filter(
            Q(received_at__gte=start)
            | Q(closed_at__gte=start)
            | Q(first_finding__gte=start)
            | Q(closed_at__isnull=True)
        )
        .values_list(
            "pk",
            "received_at",
            "closed_at",
            "first_finding",
            "in_case",
            "place__unit__path",
            "routed_to__seat__path",
        )
    )
    rows = list(complaints)
    subject_paths: dict[int, set[str]] = {}
    subjects = ComplaintSubject.objects.filter(
        complaint_id__in=[row[0] for row in rows], officer__isnull=False
    ).values_list("complaint_id", Coalesce("unit__path", "officer__unit__path"))
    for complaint_id, path in subjects:
        if path:
            subject_paths.setdefault(complaint_id, set()).add(path)
    for pk, received_at, closed_at, first_finding, in_case, place_path, seat_path in rows:
        paths = set(subject_paths.get(pk, ()))
        if place_path:
            paths.add(place_path)
        if not paths and seat_path:
            paths.add(seat_path)
        # A complaint closed without a case (intake.services.complaint_close) is closed, not decided:
        # counting it would let a body shorten its own time to decision by quick dismissals.
        decided_at = first_finding or (closed_at if in_case else None)
        facts.complaints.append(
            ComplaintFact(
                id=pk,
                received=timezone.localdate(received_at),
                closed=timezone.localdate(closed_at) if closed_at else None,
                decided=timezone.localdate(decided_at) if decided_at else None,
                paths=tuple(sorted(paths)),
            )
        )

    escalated = ComplaintEvent.objects.filter(
        kind=ComplaintEvent.Kind.ESCALATED, at__gte=start, at__lt=end
    ).values_list("complaint_id", "at")
    facts.escalations = [(complaint_id, timezone.localdate(at)) for complaint_id, at in escalated]

    allegations = list(
        Allegation.objects.filter(
            Q(occurred_on__gte=since, occurred_on__lte=until)
            | Q(occurred_on__isnull=True, case__opened_at__gte=start, case__opened_at__lt=end)
        ).values_list(
            "officer_id",
            "occurred_on",
            "case__opened_at",
            "category__code",
            "finding",
            "officer__unit__path",
            "case__body__seat__path",
        )
    )
    measures = list(
        Measure.objects.filter(proposed_at__gte=start, proposed_at__lt=end)
        .exclude(state=Measure.State.REJECTED)
        .values_list("officer_id", "proposed_at", "kind", "officer__unit__path")
    )
    stations = _Stations([row[0] for row in allegations if row[0]] + [row[0] for row in measures])
    for officer_id, occurred_on, opened_at, category, finding, unit_path, seat_path in allegations:
        on = occurred_on or timezone.localdate(opened_at)
        path = stations.path_on(officer_id, on, unit_path or "") if officer_id else seat_path
        facts.allegations.append(Fact(on, category, finding or PENDING, path or ""))
    for officer_id, proposed_at, kind, unit_path in measures:
        on = timezone.localdate(proposed_at)
        facts.measures.append(Fact(on, kind, "", stations.path_on(officer_id, on, unit_path or "")))
    return facts


# --- the figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    complaints: int
    closed: int
    escalations: int
    allegations: int
    # Allegations decided (a finding, or closed without one); the sustained rate is sustained over
    # those with a finding: a closure without a finding says nothing either way.
    decided: int
    sustained: int
    by_category: dict[str, int]
    by_finding: dict[str, int]
    by_category_finding: dict[tuple[str, str], int]
    measures: int
    measures_by_kind: dict[str, int]
    # Complaints decided in the period, and the median of their days from receipt to decision.
    decisions: int
    median_days: float | None
    # Complaints received by the period's last day and not closed by then: the work still open at
    # its end, which the median leaves out.
    open_at_end: int = 0

    @property
    def sustained_rate(self) -> float | None:
        found = self.decided - self.by_finding.get(Finding.CLOSED, 0)
        return round(100 * self.sustained / found, 1) if found else None


def figures(facts: Facts, since: dt.date, until: dt.date, path: str | None) -> Figures:
    """The figures of the subtree at ``path`` (the whole force when None) for a period."""

    def within(day: dt.date | None) -> bool:
        return day is not None and since <= day <= until

    def placed(paths: Sequence[str]) -> bool:
        return path is None or any(p.startswith(path) for p in paths)

    complaints = [c for c in facts.complaints if placed(c.paths)]
    received = [c for c in complaints if within(c.received)]
    decided = [c for c in complaints if within(c.decided)]
    ids = {c.id for c in complaints}
    allegations = [a for a in facts.allegations if within(a.on) and placed((a.path,))]
    measures = [m for m in facts.measures if within(m.on) and placed((m.path,))]
    by_finding = Counter(a.value for a in allegations)
    days = [(c.decided - c.received).days for c in decided if c.decided is not None]
    return Figures(
        complaints=len(received),
        closed=sum(1 for c in complaints if within(c.closed)),
        escalations=sum(1 for complaint_id, day in facts.escalations if complaint_id in ids and within(day)),
        allegations=len(allegations),
        decided=sum(n for finding, n in by_finding.items() if finding != PENDING),
        sustained=by_finding.get(Finding.SUSTAINED, 0),
        by_category=dict(Counter(a.key for a in allegations)),
        by_finding=dict(by_finding),
        by_category_finding=dict(Counter((a.key, a.value) for a in allegations)),
        measures=len(measures),
        measures_by_kind=dict(Counter(m.key for m in measures)),
        decisions=len(days),
        median_days=float(statistics.median(days)) if days else None,
        open_at_end=sum(1 for c in complaints if c.received <= until and (c.closed is None or c.closed > until)),
    )


# --- the report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    unit: Unit | None  # None: the total
    current: Figures
    previous: Figures

    @property
    def code(self) -> str:
        return self.unit.code if self.unit else TOTAL


@dataclass(frozen=True)
class PeriodReport:
    unit: Unit | None
    since: dt.date
    until: dt.date
    previous_since: dt.date
    previous_until: dt.date
    current: Figures
    previous: Figures
    # Every unit of the subtree (every unit of the force), in tree order; then the total.
    rows: list[UnitRow]
    categories: list[tuple[str, str]]
    findings: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    # Complaints received per year (per month for a period of two years or less), this period.
    per_time: list[tuple[str, int]]

    @property
    def title(self) -> str:
        where = self.unit.name if self.unit else _("the whole force")
        return _("Period report: %(where)s, %(since)s to %(until)s") % {
            "where": where,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
        }

    @property
    def total(self) -> UnitRow:
        return self.rows[-1]

    @property
    def running(self) -> bool:
        """The period has not ended: its figures are those recorded so far."""
        return self.until >= timezone.localdate()

    @property
    def running_note(self) -> str:
        return _(
            "This period has not ended: its figures are those recorded up to today, set against a whole "
            "previous period."
        )

    def summary_rows(self, levels: int = 2) -> list[UnitRow]:
        """The rows a page or a printed report lists: the top units and two levels below them."""
        top = self.unit.depth if self.unit else 0
        return [row for row in self.rows if row.unit is None or row.unit.depth <= top + levels]


def previous_period(since: dt.date, until: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before: the same number of whole months when the period
    is whole months (2024 is compared with 2023, not with 366 days from 31 December 2022), else the
    same number of days."""
    if since == dt.date.min:
        return since, since
    previous_until = since - dt.timedelta(days=1)
    after = until + dt.timedelta(days=1) if until < dt.date.max else until
    if since.day == 1 and after.day == 1:
        months = (after.year - since.year) * 12 + after.month - since.month
        index = since.year * 12 + since.month - 1 - months
        if index >= 12:  # year 1 at least
            return dt.date(index // 12, index % 12 + 1, 1), previous_until
        return dt.date.min, previous_until
    try:
        return since - dt.timedelta(days=(until - since).days + 1), previous_until
    except OverflowError:
        return dt.date.min, previous_until


def period_report(*, unit: Unit | None, since: dt.date, until: dt.date) -> PeriodReport:
    """The report of ``unit``'s subtree (the whole force when None) for ``since``..``until``, both
    days included, compared with the period of the same length just before."""
    if until < since:
        raise ValueError("the period ends before it starts")
    previous_since, previous_until = previous_period(since, until)
    facts = load_facts(previous_since, until)
    units = Unit.objects.select_related("kind").order_by("path")
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    rows = [
        UnitRow(
            u,
            figures(facts, since, until, u.path),
            figures(facts, previous_since, previous_until, u.path),
        )
        for u in units
    ]
    top = unit.path if unit else None
    current = figures(facts, since, until, top)
    previous = figures(facts, previous_since, previous_until, top)
    rows.append(UnitRow(None, current, previous))
    return PeriodReport(
        unit=unit,
        since=since,
        until=until,
        previous_since=previous_since,
        previous_until=previous_until,
        current=current,
        previous=previous,
        rows=rows,
        categories=[
            (code, category_label(name))
            for code, name in Category.objects.order_by("ordering", "code").values_list("code", "name")
        ],
        findings=[(code, str(label)) for code, label in Finding.choices] + [(PENDING, _("pending"))],
        kinds=[(code, str(label)) for code, label in Measure.Kind.choices],
        per_time=_per_time(facts, since, until, top),
    )


def _per_time(facts: Facts, since: dt.date, until: dt.date, path: str | None) -> list[tuple[str, int]]:
    days = [
        c.received
        for c in facts.complaints
        if since <= c.received <= until and (path is None or any(p.startswith(path) for p in c.paths))
    ]
    if not days:
        return []
    monthly = (until - since).days <= 731
    counted = Counter(f"{d:%Y-%m}" if monthly else str(d.year) for d in days)
    first, last = min(days), max(days)
    if not monthly:
        return [(str(year), counted.get(str(year), 0)) for year in range(first.year, last.year + 1)]
    buckets = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        key = f"{year:04d}-{month:02d}"
        buckets.append((key, counted.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return buckets


# --- CSV --------------------------------------------------------------------------------------------

HEADLINE = ["complaints", "closed", "escalations", "allegations", "decided", "sustained", "measures"]


def _headline(figures: Figures) -> list[object]:
    return [
        figures.complaints,
        figures.closed,
        figures.escalations,
        figures.allegations,
        figures.decided,
        figures.sustained,
        figures.measures,
    ]


def _blank(value: float | None) -> object:
    return "" if value is None else value


def report_csv(report: PeriodReport) -> str:
    """One row per unit and a last row whose unit column reads ``total``; the previous period's
    headline figures in ``previous_*`` columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["unit", "name", "kind", "depth", "since", "until"]
        + HEADLINE
        + ["sustained_rate", "median_days_to_decision"]
        + [f"allegations_{code}" for code, _name in report.categories]
        + [f"finding_{code}" for code, _name in report.findings]
        + [f"measures_{code}" for code, _name in report.kinds]
        + [f"previous_{name}" for name in HEADLINE]
        + ["previous_sustained_rate", "previous_median_days_to_decision"]
        # Added later, so at the end: a reader of the earlier columns by position is not misled.
        + ["decisions", "open_at_end", "previous_decisions", "previous_open_at_end"]
    )
    for row in report.rows:
        current, previous = row.current, row.previous
        unit = row.unit
        writer.writerow(
            [
                row.code,
                unit.name if unit else (report.unit.name if report.unit else _("whole force")),
                unit.kind.name if unit else "",
                unit.depth if unit else "",
                report.since.isoformat(),
                report.until.isoformat(),
            ]
            + _headline(current)
            + [_blank(current.sustained_rate), _blank(current.median_days)]
            + [current.by_category.get(code, 0) for code, _name in report.categories]
            + [current.by_finding.get(code, 0) for code, _name in report.findings]
            + [current.measures_by_kind.get(code, 0) for code, _name in report.kinds]
            + _headline(previous)
            + [_blank(previous.sustained_rate), _blank(previous.median_days)]
            + [current.decisions, current.open_at_end, previous.decisions, previous.open_at_end]
        )
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------------


def _centred(doc: Document, x: float, baseline: float, text: str) -> None:
    """Text centred on ``x`` with its baseline near ``baseline``. A cell, not ``text()``: only cells
    fall back to the CJK font for glyphs the body font lacks (Korean and Chinese labels)."""
    line = doc.font_size * 1.2
    # fpdf2 reads a negative x as measured from the right edge: the cell never starts left of 0.
    half = min(20.0, x - 0.1)
    doc.set_xy(x - half, baseline - line * 0.75)
    doc.cell(2 * half, line, doc.clean(text), align="C")


def _pdf_bars(doc: Document, bars: Sequence[tuple[str, float]], title: str) -> None:
    """A bar chart drawn with fpdf2's own lines and rectangles: the value above each bar, the label
    below (every n-th label when they would collide)."""
    height, label_band = 42.0, 8.0
    width = doc.epw
    if doc.will_page_break(height + label_band + 14):
        doc.add_page()
    doc.set_font(doc.family_name, "B", 9)
    doc.cell(0, 5, doc.clean(title), new_x="LMARGIN", new_y="NEXT")
    x0, y0 = doc.l_margin, doc.get_y() + 4
    doc.set_draw_color(150, 150, 150)
    doc.line(x0, y0 + height, x0 + width, y0 + height)
    if not bars:
        doc.set_font(doc.family_name, "", 8)
        _centred(doc, x0 + width / 2, y0 + height / 2, _("Nothing in this period."))
    top = max((value for _label, value in bars), default=0) or 1
    slot = width / max(len(bars), 1)
    thick = slot * 0.7
    every = max(1, int(10 / slot) + 1) if slot < 10 else 1
    doc.set_fill_color(31, 78, 140)
    doc.set_font(doc.family_name, "", 6)
    for index, (label, value) in enumerate(bars):
        tall = height * value / top
        x = x0 + index * slot + (slot - thick) / 2
        if tall > 0:
            doc.rect(x, y0 + height - tall, thick, tall, style="F")
        if slot >= 6:
            _centred(doc, x + thick / 2, y0 + height - tall - 1, f"{value:g}")
        if index % every == 0:
            _centred(
                doc, x + thick / 2, y0 + height + 4, chart_label(label, width=max(CHART_LABEL, int(slot / 1.6)))
            )
    # fpdf2's tables draw with the current colours: give them back.
    doc.set_fill_color(255, 255, 255)
    doc.set_draw_color(0, 0, 0)
    doc.set_y(y0 + height + label_band)
    doc.ln(2)


def report_sections(
    report: PeriodReport,
) -> list[tuple[str, list[str], list[list[object]], list[tuple[str, float]]]]:
    """Each section as (heading, table header, table rows, chart bars): the page and the PDF draw
    the same sections."""
    c, p = report.current, report.previous

    def change(now: float | None, before: float | None) -> str:
        if now is None or before is None:
            return "—"
        return f"{now - before:+g}"

    header = [_("figure"), _("this period"), _("previous period"), _("change")]

    def line(label: str, now: float | None, before: float | None) -> list[object]:
        return [
            label,
            "—" if now is None else f"{now:g}",
            "—" if before is None else f"{before:g}",
            change(now, before),
        ]

    categories = dict(report.categories)
    findings = dict(report.findings)
    kinds = dict(report.kinds)
    return [
        (
            _("Complaints"),
            header,
            [
                line(_("received"), c.complaints, p.complaints),
                line(_("closed"), c.closed, p.closed),
                line(_("escalations"), c.escalations, p.escalations),
                line(_("still open at the period's end"), c.open_at_end, p.open_at_end),
            ],
            [(label, float(n)) for label, n in report.per_time],
        ),
        (
            _("Allegations by category"),
            [_("category"), *[findings[code] for code in findings], _("total")],
            [
                [name, *[c.by_category_finding.get((code, f), 0) for f in findings], c.by_category.get(code, 0)]
                for code, name in report.categories
                if c.by_category.get(code)
            ],
            [(categories[code], float(c.by_category.get(code, 0))) for code in categories],
        ),
        (
            _("Findings and the sustained rate"),
            header,
            [
                line(_("allegations"), c.allegations, p.allegations),
                line(_("decided"), c.decided, p.decided),
                line(_("sustained"), c.sustained, p.sustained),
                line(_("sustained rate (%)"), c.sustained_rate, p.sustained_rate),
            ],
            [(findings[code], float(c.by_finding.get(code, 0))) for code in findings],
        ),
        (
            _("Measures by kind"),
            header,
            [line(kinds[code], c.measures_by_kind.get(code, 0), p.measures_by_kind.get(code, 0)) for code in kinds]
            + [line(_("all measures"), c.measures, p.measures)],
            [(kinds[code], float(c.measures_by_kind.get(code, 0))) for code in kinds],
        ),
        (
            _("Time to decision"),
            header,
            [
                line(_("complaints decided"), c.decisions, p.decisions),
                line(_("median days from complaint to decision"), c.median_days, p.median_days),
            ],
            [
                (_("this period"), c.median_days or 0.0),
                (_("previous period"), p.median_days or 0.0),
            ],
        ),
    ]


def report_pdf(report: PeriodReport) -> bytes:
    doc = Document(report.title)
    doc.heading(report.title)
    doc.para(
        _("Compared with the previous period of the same length, %(since)s to %(until)s.")
        % {"since": report.previous_since.isoformat(), "until": report.previous_until.isoformat()}
    )
    if report.running:
        doc.para(report.running_note)
    for heading, header, rows, bars in report_sections(report):
        doc.heading(heading, size=12)
        if rows:
            doc.grid(header, rows)
        _pdf_bars(doc, bars, heading)
    doc.heading(_("By unit"), size=12)
    doc.grid(
        [
            _("unit"),
            _("complaints"),
            _("closed"),
            _("allegations"),
            _("sustained"),
            _("measures"),
            _("escalations"),
        ],
        [
            [
                (row.unit.name if row.unit else _("total")),
                row.current.complaints,
                row.current.closed,
                row.current.allegations,
                row.current.sustained,
                row.current.measures,
                row.current.escalations,
            ]
            for row in report.summary_rows()
        ],
        widths=[60, 20, 20, 20, 20, 20, 20],
    )
    return doc.bytes()


def parse_period(since: str, until: str) -> tuple[dt.date, dt.date]:
    """Two ISO dates, checked: for the command line, the page and the API alike."""
    try:
        start, end = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    except ValueError:
        raise ValueError(_("Give the dates as YYYY-MM-DD.")) from None
    if end < start:
        raise ValueError(_("The period must end on or after the day it starts."))
    return start, end


CHART_LABEL = 11
# Roughly how many pixels a character of the SVG chart's labels takes.
CHAR_PIXELS = 6.5


def chart_label(label: str, width: int = CHART_LABEL) -> str:
    """A label short enough to sit under its bar; the table beside the chart has the full name."""
    short = label.split(" (")[0]
    return short if len(short) <= width else short[: width - 1] + "…"


def chart_values(bars: Sequence[tuple[str, float]], chart_width: int = 720) -> list[tuple[str, int]]:
    """Bars for the page's SVG chart, which draws whole numbers, with labels that fit their slot."""
    width = max(CHART_LABEL, int(chart_width / max(len(bars), 1) / CHAR_PIXELS))
    return [(chart_label(label, width), round(value)) for label, value in bars]


def report_file(report: PeriodReport, fmt: str) -> HttpResponse:
    """The report as a CSV or PDF download (the page's ``?format=`` and the API's files)."""
    name = f"period-report-{report.unit.code if report.unit else 'force'}-{report.since}-{report.until}"
    if fmt == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
