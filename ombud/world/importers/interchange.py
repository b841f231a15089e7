"""The interchange format (docs/interchange.md): a directory of CSV files in which any force's
history can be handed to ombud. ``officers.csv``, ``complaints.csv`` and ``allegations.csv`` are
required, ``units.csv`` optional; empty cells are allowed in every optional column; dates are ISO."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.utils.translation import gettext as _

from ombud.intake.models import Complaint
from ombud.org.models import Officer
from ombud.world.importers.base import (
    AllegationRow,
    Batch,
    ComplaintRow,
    OfficerRow,
    Problem,
    UnitRow,
    normal_finding,
    normal_status,
    parse_date,
    read_csv,
    slug,
)
from ombud.world.importers.progress import Progress, counted

MAX_ID = 64


def interchange_read(directory: Path, *, source: str, name: str = "", progress: Progress | None = None) -> Batch:
    label = name or directory.resolve().name
    batch = Batch(source=source, body_name=_("%(name)s (imported)") % {"name": label}, force_name=label)
    _units(directory, batch, progress)
    unit_keys = {u.key for u in batch.units}
    officers = set(Officer.objects.filter(source=source).values_list("external_id", flat=True))
    complaints = set(Complaint.objects.filter(source=source).values_list("external_id", flat=True))

    file = "officers.csv"
    listed: set[str] = set()
    for line, row in counted(read_csv(directory / file, required=("officer_id",)), progress, file):

        def bad(message: str, line: int = line) -> None:
            batch.problems.append(Problem(file, line, message))

        officer_id = row["officer_id"]
        if not officer_id or len(officer_id) > MAX_ID:
            bad(_("officer_id is empty or longer than %(n)d characters") % {"n": MAX_ID})
            continue
        if officer_id in listed:
            bad(_("officer %(id)r is listed twice") % {"id": officer_id})
            continue
        try:
            hired_on, left_on = parse_date(row.get("hired_on", "")), parse_date(row.get("left_on", ""))
        except ValueError as exc:
            bad(_("a date is not ISO (YYYY-MM-DD): %(e)s") % {"e": exc})
            continue
        if hired_on and left_on and left_on < hired_on:
            bad(_("left_on comes before hired_on"))
            continue
        unit = row.get("unit", "")
        if unit and unit not in unit_keys:
            # A unit named only by its officers becomes a unit of its own under the force's root.
            unit_keys.add(unit)
            batch.units.append(UnitRow(key=unit, name=unit))
        listed.add(officer_id)
        batch.officers.append(
            OfficerRow(
                external_id=officer_id,
                last_name=row.get("last_name", "") or _("Officer %(id)s") % {"id": officer_id},
                first_name=row.get("first_name", ""),
                badge=row.get("badge", ""),
                rank=row.get("rank", ""),
                unit_key=unit,
                race=row.get("race", ""),
                sex=row.get("sex", ""),
                hired_on=hired_on,
                left_on=left_on,
                status=normal_status(row.get("status", ""), left_on),
            )
        )
    officers |= listed

    file = "complaints.csv"
    occurred: dict[str, dt.date | None] = {}
    for line, row in counted(read_csv(directory / file, required=("complaint_id", "received_on")), progress, file):

        def bad(message: str, line: int = line) -> None:
            batch.problems.append(Problem(file, line, message))

        complaint_id = row["complaint_id"]
        if not complaint_id or len(complaint_id) > MAX_ID:
            bad(_("complaint_id is empty or longer than %(n)d characters") % {"n": MAX_ID})
            continue
        if complaint_id in occurred:
            bad(_("complaint %(id)r is listed twice") % {"id": complaint_id})
            continue
        try:
            received = parse_date(row["received_on"])
            happened = parse_date(row.get("occurred_on", ""))
            closed = parse_date(row.get("closed_on", ""))
        except ValueError as exc:
            bad(_("a date is not ISO (YYYY-MM-DD): %(e)s") % {"e": exc})
            continue
        if received is None:
            bad(_("received_on is required"))
            continue
        if closed is not None and closed < received:
            bad(_("closed_on comes before received_on"))
            continue
        occurred[complaint_id] = happened
        batch.complaints.append(
            ComplaintRow(
                external_id=complaint_id,
                received_on=received,
                occurred_on=happened,
                place=row.get("place", ""),
                closed_on=closed,
                summary=row.get("summary", ""),
                origin=row.get("source", ""),
            )
        )
    complaints |= set(occurred)

    file = "allegations.csv"
    ordinal: dict[tuple[str, str], int] = defaultdict(int)
    for line, row in counted(
        read_csv(directory / file, required=("complaint_id", "officer_id", "category", "finding")), progress, file
    ):

        def bad(message: str, line: int = line) -> None:
            batch.problems.append(Problem(file, line, message))

        complaint_id, officer_id = row["complaint_id"], row["officer_id"]
        if complaint_id not in complaints:
            bad(_("complaint %(id)r is not in complaints.csv") % {"id": complaint_id})
            continue
        if officer_id not in officers:
            bad(_("officer %(id)r is not in officers.csv") % {"id": officer_id})
            continue
        finding = normal_finding(row["finding"])
        if finding is None:
            bad(
                _("finding %(f)r is not one of sustained, not_sustained, unfounded, exonerated, closed, pending")
                % {"f": row["finding"]}
            )
            continue
        category = row["category"]
        ordinal[(complaint_id, officer_id)] += 1
        batch.allegations.append(
            AllegationRow(
                external_id=f"{officer_id}:{ordinal[(complaint_id, officer_id)]}",
                complaint_id=complaint_id,
                officer_id=officer_id,
                category=slug(category) if category else "other",
                category_name=category or "Other",
                finding=finding,
                finding_raw=row.get("finding_raw", "") or row["finding"],
                occurred_on=occurred.get(complaint_id),
                particulars={"outcome": row["outcome"]} if row.get("outcome") else {},
            )
        )
    return batch


def _units(directory: Path, batch: Batch, progress: Progress | None) -> None:
    path = directory / "units.csv"
    if not path.exists():
        return
    seen: set[str] = set()
    for line, row in counted(read_csv(path, required=("unit_id",)), progress, "units.csv"):
        unit_id = row["unit_id"]
        if not unit_id or unit_id in seen:
            batch.problems.append(Problem("units.csv", line, _("unit_id is empty or listed twice")))
            continue
        seen.add(unit_id)
        kind = row.get("kind", "")
        batch.units.append(
            UnitRow(
                key=unit_id,
                name=row.get("name", "") or unit_id,
                parent_key=row.get("parent_id", ""),
                kind=slug(kind) if kind else "",
            )
        )
