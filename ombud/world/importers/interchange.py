"""The interchange format (docs/interchange.md): a directory of CSV files in which any force's
history can be handed to ombud. ``officers.csv``, ``complaints.csv`` and ``allegations.csv`` are
required, ``units.csv`` optional; empty cells are allowed in every optional column; dates are ISO."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ombud.core.arguments import FIRST_DATE
from ombud.intake.models import Complaint
from ombud.org.models import Officer
from ombud.world.importers.base import (
    AllegationRow,
    Batch,
    ComplaintRow,
    ImportError_,
    OfficerRow,
    Problem,
    UnitRow,
    has_left,
    normal_finding,
    normal_status,
    parse_date,
    read_csv,
    slug,
)
from ombud.world.importers.progress import Progress, counted

MAX_ID = 64
# The optional columns of each file (docs/interchange.md), read when present; any other column is not read.
OFFICER_COLUMNS = (
    "first_name",
    "last_name",
    "badge",
    "rank",
    "unit",
    "race",
    "sex",
    "hired_on",
    "left_on",
    "status",
)
# A leaving date in this year or later is a personnel system's "no end date" (9999-12-31), not one.
NO_END_YEAR = 2100
COMPLAINT_COLUMNS = ("occurred_on", "place", "closed_on", "source", "summary")
ALLEGATION_COLUMNS = ("category", "finding", "outcome", "finding_raw", "unit")
# Dates before FIRST_DATE are typing errors (0202 for 2020), not history; kept, they would make
# the early-warning model train on decades with no records as if nobody had complained.


def _date(row: dict[str, str], column: str, *, future: bool = False) -> dt.date | None:
    """The row's date in this column; ValueError naming the column if it is not a date written
    YYYY-MM-DD, is before 1900, or (unless ``future``) after today."""
    try:
        day = parse_date(row.get(column, ""))
    except ValueError:
        raise ValueError(
            _("%(column)s %(value)r is not a valid date (YYYY-MM-DD)") % {"column": column, "value": row[column]}
        ) from None
    if day is not None and (day < FIRST_DATE or (day > timezone.localdate() and not future)):
        raise ValueError(
            _("%(column)s %(value)r is not a plausible date (before 1900 or in the future)")
            % {"column": column, "value": row[column]}
        )
    return day


def _optional_date(row: dict[str, str], column: str, kept: list[str], *, future: bool = False) -> dt.date | None:
    """An optional date: a bad one is left empty and said (in ``kept``), and the row is kept; one
    typing slip in a hiring date should not cost the officer and every allegation about him."""
    try:
        return _date(row, column, future=future)
    except ValueError as exc:
        kept.append(_("%(problem)s: left empty, the row kept") % {"problem": exc})
        return None


def _not_all_bad(file: str, read: int, kept: int, problems: list[Problem]) -> None:
    # A file none of whose rows can be read is the wrong file or another format (dates written
    # 03/15/2021, ids in another column): loading the other files without it would be half an import.
    if read and not kept:
        first = [str(p) for p in problems if p.file == file][:3]
        raise ImportError_(
            ngettext(
                "%(file)s: its only row could not be read, so nothing was imported: %(first)s",
                "%(file)s: none of its %(n)d rows could be read, so nothing was imported. The first: %(first)s",
                read,
            )
            % {"file": file, "n": read, "first": "; ".join(first)}
        )


def interchange_read(directory: Path, *, source: str, name: str = "", progress: Progress | None = None) -> Batch:
    label = name or directory.resolve().name
    batch = Batch(source=source, body_name=_("%(name)s (imported)") % {"name": label}, force_name=label)
    _units(directory, batch, progress)
    unit_keys = {u.key for u in batch.units}
    officers = set(Officer.objects.filter(source=source).values_list("external_id", flat=True))
    # Complaints of an earlier release, with their incident day: a new release may add allegations to them.
    earlier = dict(Complaint.objects.filter(source=source).values_list("external_id", "occurred_on"))
    complaints = set(earlier)

    file = "officers.csv"
    listed: set[str] = set()
    # Rows skipped for a bad value, by id: the allegations naming them say so instead of "not in file".
    skipped_officers: dict[str, int] = {}
    read = 0
    for line, row in counted(
        read_csv(directory / file, required=("officer_id",), optional=OFFICER_COLUMNS),
        progress,
        file,
    ):
        read += 1

        def bad(message: str, line: int = line) -> None:
            batch.problems.append(Problem(file, line, message))

        officer_id = row["officer_id"]
        if not officer_id or len(officer_id) > MAX_ID:
            bad(_("officer_id is empty or longer than %(n)d characters") % {"n": MAX_ID})
            continue
        if officer_id in listed:
            bad(_("officer %(id)r is listed twice") % {"id": officer_id})
            continue
        if row.overflow:
            bad(row.overflow)
            skipped_officers[officer_id] = line
            continue
        notes: list[str] = []
        hired_on = _optional_date(row, "hired_on", notes)
        left_on = _optional_date(row, "left_on", notes, future=True)
        # A leaving date was written, though unreadable: he left, on a day not known (not "active").
        left_unknown_day = left_on is None and bool(row.get("left_on"))
        no_end = left_on is not None and left_on.year >= NO_END_YEAR  # personnel systems' "no end date"
        if no_end:
            left_on = None
        if hired_on and left_on and left_on < hired_on:
            # Which of the two is wrong cannot be told; leaving matters more (who served when).
            notes.append(_("left_on comes before hired_on: hired_on left empty, the row kept"))
            hired_on = None
        status = normal_status(row.get("status", ""), left_on, left=left_unknown_day)
        if status == "active" and has_left(left_on):
            # Which of the two is out of date cannot be told; the date is the more specific.
            notes.append(
                _("status %(status)r but left_on %(day)s has passed: taken as retired, the row kept")
                % {"status": row["status"], "day": left_on}
            )
            status = "retired"
        batch.problems += [Problem(file, line, note, kept=True) for note in notes]
        unit = row.get("unit", "")
        if unit and unit not in unit_keys:
            # A unit named only by its officers becomes a unit of its own under the force's root.
            unit_keys.add(unit)
            batch.units.append(UnitRow(key=unit, name=unit))
        listed.add(officer_id)
        batch.officers.append(
            OfficerRow(
                external_id=officer_id,
                last_name=row.get("last_name", ""),
                first_name=row.get("first_name", ""),
                badge=row.get("badge", ""),
                rank=row.get("rank", ""),
                unit_key=unit,
                race=row.get("race", ""),
                sex=row.get("sex", ""),
                hired_on=hired_on,
                left_on=left_on,
                status=status,
                status_given=bool(row.get("status")) or left_unknown_day or has_left(left_on) or no_end,
                no_end=no_end,
            )
        )
    _not_all_bad(file, read, len(listed), batch.problems)
    officers |= listed

    file = "complaints.csv"
    occurred: dict[str, dt.date | None] = {}
    skipped_complaints: dict[str, int] = {}
    read = 0
    for line, row in counted(
        read_csv(directory / file, required=("complaint_id", "received_on"), optional=COMPLAINT_COLUMNS),
        progress,
        file,
    ):
        read += 1

        def bad(message: str, line: int = line) -> None:
            batch.problems.append(Problem(file, line, message))

        complaint_id = row["complaint_id"]
        if not complaint_id or len(complaint_id) > MAX_ID:
            bad(_("complaint_id is empty or longer than %(n)d characters") % {"n": MAX_ID})
            continue
        if complaint_id in occurred:
            bad(_("complaint %(id)r is listed twice") % {"id": complaint_id})
            continue
        if row.overflow:
            bad(row.overflow)
            skipped_complaints[complaint_id] = line
            continue
        try:
            received = _date(row, "received_on")
        except ValueError as exc:
            bad(str(exc))
            skipped_complaints[complaint_id] = line
            continue
        if received is None:
            bad(_("received_on is required"))
            skipped_complaints[complaint_id] = line
            continue
        notes = []
        happened = _optional_date(row, "occurred_on", notes)
        closed = _optional_date(row, "closed_on", notes)
        if closed is not None and closed < received:
            notes.append(_("closed_on comes before received_on: closed_on left empty, the row kept"))
            closed = None
        batch.problems += [Problem(file, line, note, kept=True) for note in notes]
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
    _not_all_bad(file, read, len(occurred), batch.problems)
    complaints |= set(occurred)

    file = "allegations.csv"
    ordinal: dict[tuple[str, str], int] = defaultdict(int)
    read = kept = 0
    for line, row in counted(
        read_csv(directory / file, required=("complaint_id", "officer_id"), optional=ALLEGATION_COLUMNS),
        progress,
        file,
    ):
        read += 1

        def bad(message: str, line: int = line) -> None:
            batch.problems.append(Problem(file, line, message))

        complaint_id, officer_id = row["complaint_id"], row["officer_id"]
        # Counted before any check, so that a row fixed after a first import keeps its number and
        # its neighbours keep theirs.
        ordinal[(complaint_id, officer_id)] += 1
        if row.overflow:
            bad(row.overflow)
            continue
        # (An officer or complaint imported earlier still takes new allegations, whatever this
        # release's row about him says.)
        if complaint_id not in complaints:
            if complaint_id in skipped_complaints:
                bad(
                    _("complaint %(id)r was skipped (complaints.csv:%(line)d)")
                    % {"id": complaint_id, "line": skipped_complaints[complaint_id]}
                )
            else:
                bad(_("complaint %(id)r is not in complaints.csv") % {"id": complaint_id})
            continue
        if not officer_id:
            # An allegation against an officer the complainant could not name: the complaint names
            # someone unidentified (the portal's own form allows it), not a bad row.
            batch.unidentified.append((complaint_id, _("officer not identified")))
            kept += 1
            continue
        if officer_id not in officers:
            if officer_id in skipped_officers:
                bad(
                    _("officer %(id)r was skipped (officers.csv:%(line)d)")
                    % {"id": officer_id, "line": skipped_officers[officer_id]}
                )
            else:
                bad(_("officer %(id)r is not in officers.csv") % {"id": officer_id})
            continue
        finding = normal_finding(row.get("finding", ""))
        if finding is None:
            bad(
                _("finding %(f)r is not one of sustained, not_sustained, unfounded, exonerated, closed, pending")
                % {"f": row["finding"]}
            )
            continue
        category = row.get("category", "")
        kept += 1
        batch.allegations.append(
            AllegationRow(
                external_id=f"{officer_id}:{ordinal[(complaint_id, officer_id)]}",
                complaint_id=complaint_id,
                officer_id=officer_id,
                category=slug(category) if category else "other",
                category_name=category or "Other",
                finding=finding,
                finding_raw=row.get("finding_raw", "") or row.get("finding", ""),
                occurred_on=occurred[complaint_id] if complaint_id in occurred else earlier.get(complaint_id),
                # His unit then: the early-warning model's unit peers on past dates (never today's unit).
                unit_key=row.get("unit", ""),
                particulars={"outcome": row["outcome"]} if row.get("outcome") else {},
            )
        )
    _not_all_bad(file, read, kept, batch.problems)
    return batch


def _units(directory: Path, batch: Batch, progress: Progress | None) -> None:
    path = directory / "units.csv"
    if not path.exists():
        return
    seen: dict[str, int] = {}
    read = 0
    for line, row in counted(
        read_csv(path, required=("unit_id",), optional=("name", "parent_id", "kind")),
        progress,
        "units.csv",
    ):
        read += 1
        if row.overflow:
            batch.problems.append(Problem("units.csv", line, row.overflow))
            continue
        unit_id = row["unit_id"]
        if not unit_id or unit_id in seen:
            batch.problems.append(Problem("units.csv", line, _("unit_id is empty or listed twice")))
            continue
        seen[unit_id] = line
        kind = row.get("kind", "")
        batch.units.append(
            UnitRow(
                key=unit_id,
                name=row.get("name", "") or unit_id,
                parent_key=row.get("parent_id", ""),
                kind=slug(kind) if kind else "",
            )
        )
    _not_all_bad("units.csv", read, len(seen), batch.problems)
    batch.units[:] = _tree(batch.units, seen, batch.problems)


def _tree(units: list[UnitRow], lines: dict[str, int], problems: list[Problem]) -> list[UnitRow]:
    """The units with every parent a listed unit and no unit its own ancestor: a parent that is not
    listed, or that closes a loop, is reported and dropped (the unit hangs under the force's root)."""
    parent = {u.key: u.parent_key for u in units}
    dropped: set[str] = set()
    for unit in units:
        if unit.parent_key and unit.parent_key not in parent:
            message = _("parent_id %(p)r is not a unit of units.csv: placed under the force's root")
            problems.append(Problem("units.csv", lines[unit.key], message % {"p": unit.parent_key}, kept=True))
            dropped.add(unit.key)
            parent[unit.key] = ""
    for unit in units:
        key, path = unit.key, [unit.key]
        while parent.get(key):
            key = parent[key]
            if key == unit.key:
                message = _("unit %(u)r is its own ancestor (%(path)s): placed under the force's root")
                problems.append(
                    Problem(
                        "units.csv",
                        lines[unit.key],
                        message % {"u": unit.key, "path": " → ".join([*path, key])},
                        kept=True,
                    )
                )
                dropped.add(unit.key)
                parent[unit.key] = ""
                break
            if key in path:  # a loop above this unit, broken when its own units are met
                break
            path.append(key)
    return [dataclasses.replace(u, parent_key="") if u.key in dropped else u for u in units]
