"""NYC CCRB "Member of Service Histories" (../shared/data/nyc-ccrb-mos-2021): ``officers.csv`` (the
roster) and ``allegations.csv`` (one row per allegation against one officer).

What is trusted: ``ccrb_disposition`` (the board's finding), ``fado_type`` and ``allegation``,
``incident_date``, and the year in ``complaint_id``. ``nypd_disposition_raw`` and ``penalty_raw`` are
not read at all: the scrape carried values forward from the row above (see the dataset's README).
The roster's command and rank are the 2021 values; they are stored as the officer's current unit
and rank, which the early-warning features never read for a past date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.utils.translation import gettext as _

from ombud.world.importers.base import (
    AllegationRow,
    Batch,
    ComplaintRow,
    OfficerRow,
    Problem,
    UnitRow,
    parse_date,
    read_csv,
    slug,
)
from ombud.world.importers.progress import Progress, counted

SOURCE = "ccrb"
FADO = {
    "force": ("use_of_force", "Excessive use of force"),
    "abuse of authority": ("abuse_of_authority", "Abuse of authority"),
    "discourtesy": ("discourtesy", "Discourtesy"),
    "offensive language": ("offensive_language", "Offensive language"),
    "untruthful statement": ("untruthful_statement", "Untruthful statement"),
}


def ccrb_finding(disposition: str) -> str:
    """The board's disposition as a finding: any "Substantiated (...)" is sustained; withdrawn,
    uncooperative, unavailable, litigation and "Miscellaneous" closures are closed without finding."""
    text = disposition.strip().lower()
    if not text:
        return ""
    if text.startswith("substantiated"):
        return "sustained"
    if text.startswith("unsubstantiated"):
        return "not_sustained"
    if text.startswith("exonerated"):
        return "exonerated"
    if text.startswith("unfounded"):
        return "unfounded"
    return "closed"


def ccrb_read(directory: Path, *, progress: Progress | None = None) -> Batch:
    batch = Batch(source=SOURCE, body_name="NYC CCRB (imported)", force_name="NYPD")
    officers_file, allegations_file = directory / "officers.csv", directory / "allegations.csv"
    known: set[str] = set()
    commands: dict[str, str] = {}
    for line, row in counted(read_csv(officers_file, required=("officer_id",)), progress, "officers.csv"):
        officer_id = row["officer_id"]
        if row.overflow:
            batch.problems.append(Problem("officers.csv", line, row.overflow))
            continue
        if not officer_id:
            batch.problems.append(Problem("officers.csv", line, _("no officer_id")))
            continue
        if officer_id in known:
            batch.problems.append(
                Problem("officers.csv", line, _("officer %(id)s listed twice") % {"id": officer_id})
            )
            continue
        known.add(officer_id)
        command = row.get("command", "")
        if command:
            commands[slug(command, max_length=60)] = command
        shield = row.get("shield_no", "").strip()
        batch.officers.append(
            OfficerRow(
                external_id=officer_id,
                last_name=row.get("last_name", ""),
                first_name=row.get("first_name", ""),
                badge="" if not shield.strip("0") else shield,
                rank=row.get("rank", ""),
                unit_key=slug(command, max_length=60) if command else "",
                status="active" if row.get("officer_status", "").lower() == "active" else "retired",
            )
        )
    batch.units = [UnitRow(key=key, name=name) for key, name in sorted(commands.items())]

    incidents: dict[str, list[dt.date]] = defaultdict(list)
    years: dict[str, int] = {}
    ordinal: dict[tuple[str, str], int] = defaultdict(int)
    required = ("officer_id", "complaint_id", "incident_date", "fado_type", "ccrb_disposition")
    for line, row in counted(read_csv(allegations_file, required=required), progress, "allegations.csv"):
        officer_id, complaint_id = row["officer_id"], row["complaint_id"]

        def bad(message: str, line: int = line) -> None:
            batch.problems.append(Problem("allegations.csv", line, message))

        if row.overflow:
            bad(row.overflow)
            continue
        if officer_id not in known:
            bad(_("officer %(id)r is not on the roster") % {"id": officer_id})
            continue
        year = int(complaint_id[:4]) if complaint_id[:4].isdigit() else 0
        if not complaint_id.isdigit() or not 1990 <= year <= 2100 or len(complaint_id) > 40:
            bad(_("complaint_id %(id)r does not start with its year") % {"id": complaint_id})
            continue
        try:
            incident = parse_date(row["incident_date"])
        except ValueError:
            bad(_("incident_date %(d)r is not a date") % {"d": row["incident_date"]})
            continue
        fado = row["fado_type"]
        category, name = FADO.get(fado.lower(), (slug(fado) if fado else "other", fado or "Other"))
        ordinal[(complaint_id, officer_id)] += 1
        years[complaint_id] = year
        if incident is not None:
            incidents[complaint_id].append(incident)
        disposition = row["ccrb_disposition"]
        batch.allegations.append(
            AllegationRow(
                external_id=f"{officer_id}:{ordinal[(complaint_id, officer_id)]}",
                complaint_id=complaint_id,
                officer_id=officer_id,
                category=category,
                category_name=name,
                finding=ccrb_finding(disposition),
                finding_raw=disposition,
                occurred_on=incident,
                particulars={"allegation": row["allegation"]} if row.get("allegation") else {},
            )
        )
    for complaint_id, year in years.items():
        occurred = min(incidents[complaint_id], default=None)
        batch.complaints.append(
            ComplaintRow(
                external_id=complaint_id,
                received_on=received_estimate(year, occurred),
                occurred_on=occurred,
                origin="CCRB complaint",
            )
        )
    return batch


def received_estimate(year: int, occurred: dt.date | None) -> dt.date:
    """The data gives only the year a complaint was received (its id's first four digits). The
    estimate is the incident day, kept inside that year: most complaints are made within days, one
    made later about an older incident counts from 1 January, one about a later one from 31 December.
    At a year's end every estimate is already known, which is all the yearly evaluation needs."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if occurred is None:
        return first
    return min(max(occurred, first), last)
