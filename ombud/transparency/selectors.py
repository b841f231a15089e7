"""Aggregate figures about the whole force (what `ombud stats` prints), and what the public page
shows: published outcomes and figures with every small count suppressed."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, Max, Model, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ombud.accounts.models import User
from ombud.accounts.scope import scope_for
from ombud.audit.models import AuditEntry
from ombud.cases.models import Allegation, Case, EvidenceItem, Finding
from ombud.cases.selectors import case_list_for_user
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Complaint
from ombud.org.models import Officer, Official, OversightBody, Place, Unit
from ombud.reviews.models import Meeting
from ombud.transparency.models import PublishedOutcome

COUNTED: dict[str, type[Model]] = {
    "units": Unit,
    "places": Place,
    "officers": Officer,
    "officials": Official,
    "bodies": OversightBody,
    "complaints": Complaint,
    "cases": Case,
    "allegations": Allegation,
    "evidence_items": EvidenceItem,
    "measures": Measure,
    "meetings": Meeting,
    "users": User,
    "audit_entries": AuditEntry,
}


def force_stats() -> dict[str, int]:
    stats = {name: model._default_manager.count() for name, model in COUNTED.items()}
    stats["complaint_years"] = Complaint.objects.dates("received_at", "year").count()
    return stats


# --- published outcomes and the public figures ------------------------------------------------------

# Below this, a count is shown as "fewer than 5": a count of one or two can point at a person.
SMALL_COUNT = 5


@dataclass(frozen=True)
class Shown:
    """A count as the public sees it: the number; or hidden, as "fewer than ``SMALL_COUNT``" when it
    is small, else as withheld (hidden only so that a small one beside it cannot be worked out: it
    may be any size, and saying "fewer than 5" of it would be untrue)."""

    value: int | None
    small: bool = True

    def __str__(self) -> str:
        if self.value is not None:
            return str(self.value)
        if self.small:
            return _("fewer than %(n)d") % {"n": SMALL_COUNT}
        return _("withheld")

    @property
    def hidden(self) -> bool:
        return self.value is None


def suppress(counts: list[int]) -> list[Shown]:
    """Hide every count from 1 to SMALL_COUNT - 1; when a row hides only one, hide the next smallest
    too, so that it cannot be worked out from the row's total."""
    hidden = {i for i, n in enumerate(counts) if 0 < n < SMALL_COUNT}
    if len(hidden) == 1:
        others = sorted((n, i) for i, n in enumerate(counts) if i not in hidden and n > 0)
        if others:
            hidden.add(others[0][1])
    return [Shown(None, small=n < SMALL_COUNT) if i in hidden else Shown(n) for i, n in enumerate(counts)]


@dataclass(frozen=True)
class PublicYear:
    year: int
    complaints: Shown
    sustained: Shown
    measures: Shown


@dataclass(frozen=True)
class PublicFigures:
    # Complete years only: a year still running would change from one day to the next, and the
    # difference between two days' figures could single out one complaint or one measure.
    years: list[PublicYear]
    # Complaints received last year, by branch (the units two levels below the top): (name, count).
    branches: list[tuple[str, Shown]]
    branch_year: int
    # Over the same years as ``years``, so that the kinds add up to that column and no more.
    measures_by_kind: list[tuple[str, Shown]]
    as_of: dt.date


def outcome_cases_for_user(user: Any) -> QuerySet[Case]:
    """The cases whose outcome the user may draft or review: those of his own bodies he may read."""
    scope = scope_for(user)
    cases = case_list_for_user(user).select_related("body").order_by("-opened_at", "-pk")
    return cases if scope.administrator else cases.filter(body_id__in=scope.body_ids)


def outcome_list_for_user(user: Any) -> QuerySet[PublishedOutcome]:
    """Drafts and published outcomes of those cases, drafts first."""
    return (
        PublishedOutcome.objects.filter(case__in=outcome_cases_for_user(user))
        .select_related("case__body", "drafted_by", "published_by")
        .order_by("state", "-drafted_at", "-pk")
    )


def published_outcomes() -> QuerySet[PublishedOutcome]:
    return PublishedOutcome.objects.filter(state=PublishedOutcome.State.PUBLISHED).order_by("-published_at", "-pk")


# However long the same records give the same figures, an hour at most between two computations.
FIGURES_SECONDS = 3600


def public_figures_cached(*, today: dt.date | None = None) -> PublicFigures:
    """``public_figures``, computed once for as long as the records it reads are unchanged: the
    public page is open to anyone, and the figures read every unit's year."""
    today = today or timezone.localdate()
    stamp = (
        Complaint.objects.aggregate(n=Max("pk"), t=Max("received_at"), c=Count("pk")),
        Allegation.objects.aggregate(t=Max("decided_at"))["t"],
        Measure.objects.aggregate(t=Max("decided_at"), n=Count("pk")),
    )
    # The shape's version is in the key: a figure cached by an older release is never read back.
    key = "public-figures:2:" + hashlib.sha256(repr((today, get_language(), stamp)).encode()).hexdigest()
    figures = cache.get_or_set(key, lambda: public_figures(today=today), timeout=FIGURES_SECONDS)
    assert isinstance(figures, PublicFigures)
    return figures


def public_figures(*, today: dt.date | None = None) -> PublicFigures:
    """Aggregates for the public page, every small count suppressed."""
    from ombud.reviews.reports import period_report

    today = today or timezone.localdate()
    complaints = dict(
        Complaint.objects.order_by()
        .annotate(year=ExtractYear("received_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    sustained = dict(
        Allegation.objects.filter(finding=Finding.SUSTAINED, decided_at__isnull=False)
        .order_by()
        .annotate(year=ExtractYear("decided_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    # Measures decided (approved) in a year: one overturned on appeal later still counts in the year
    # it was decided, so that a published year never changes and two days' figures never tell that
    # one measure was overturned. A proposal rejected at its decision was never taken.
    appealed = MeasureStep.objects.filter(measure=OuterRef("pk"), kind=MeasureStep.Kind.APPEAL)
    taken = Measure.objects.exclude(
        state__in=[Measure.State.PROPOSED, Measure.State.NOTIFIED, Measure.State.RESPONDED]
    ).exclude(Q(state=Measure.State.REJECTED) & ~Exists(appealed))
    measures = dict(
        taken.order_by()
        .annotate(year=ExtractYear("decided_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    last_year = today.year - 1
    years = sorted({y for y in [*complaints, *sustained, *measures] if y is not None and y <= last_year})
    # Each column is suppressed as a whole: its years add up to a total that another table shows.
    columns = [suppress([counts.get(year, 0) for year in years]) for counts in (complaints, sustained, measures)]
    rows = [PublicYear(year, *(column[i] for column in columns)) for i, year in enumerate(years)]
    report = period_report(unit=None, since=dt.date(last_year, 1, 1), until=dt.date(last_year, 12, 31))
    depth = min((row.unit.depth for row in report.rows if row.unit is not None), default=0) + 2
    branches = sorted(
        (row for row in report.rows if row.unit is not None and row.unit.depth == depth),
        key=lambda row: row.unit.name if row.unit else "",
    )
    branch_counts = suppress([row.current.complaints for row in branches])
    # The kinds count only the years whose measures are shown: they add up to what the table shows,
    # so no hidden year is their difference.
    shown_years = [year for year, shown in zip(years, columns[2], strict=True) if not shown.hidden]
    by_kind = dict(
        taken.filter(decided_at__year__in=shown_years)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    kinds = [(str(label), by_kind.get(code, 0)) for code, label in Measure.Kind.choices]
    return PublicFigures(
        years=rows,
        branches=[
            (row.unit.name if row.unit else "", shown) for row, shown in zip(branches, branch_counts, strict=True)
        ],
        branch_year=last_year,
        measures_by_kind=list(zip([k for k, _n in kinds], suppress([n for _k, n in kinds]), strict=True)),
        as_of=today,
    )
