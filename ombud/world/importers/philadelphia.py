"""Philadelphia Police Department complaints (../shared/data/philadelphia-ppd-complaints): the
city's ``ppd_complaints.csv`` (one row per complaint) and ``ppd_complaint_disciplines.csv`` (one row
per officer and allegation).

Exact duplicate rows of the disciplines file are dropped (the README counts 594). Rows without an
officer id name an officer the investigation could not identify: the complaint gets an
"unidentified" subject and no allegation. ``investigative_findings`` gives the finding;
``disciplinary_findings`` is kept in the allegation's particulars, never as a finding. The officer's
unit on each row is where he served then, so it becomes the complaint subject's unit; his current
unit is the one on his latest complaint. There is no roster: only officers named in a complaint
exist here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
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

SOURCE = "philadelphia"
# allegations_investigated (or the complaint's class) -> category code and name.
CATEGORIES = {
    "departmental violation": ("departmental_violation", "Departmental violation"),
    "departmental violations": ("departmental_violation", "Departmental violation"),
    "lack of service": ("neglect", "Neglect of duty"),
    "verbal abuse": ("verbal_abuse", "Verbal abuse"),
    "physical abuse": ("use_of_force", "Excessive use of force"),
    "unprofessional conduct": ("unprofessional_conduct", "Unprofessional conduct"),
    "harassment": ("harassment", "Harassment"),
    "criminal allegation": ("criminal_allegation", "Criminal allegation"),
    "civil rights complaint": ("civil_rights", "Civil rights violation"),
    "domestic": ("domestic", "Domestic incident"),
    "falsification": ("untruthful_statement", "Untruthful statement"),
    "sexual crime/misconduct": ("sexual_misconduct", "Sexual crime or misconduct"),
    "drugs": ("drugs", "Drugs"),
}
# Rows whose allegation column says how the complaint was handled rather than what it alleged.
HANDLING = (
    "investigation ongoing",
    "no c.a.p. investigation",
    "referred to other agency",
    "non-investigatory incident",
)
FINDINGS = {
    "sustained finding": "sustained",
    "no sustained findings": "not_sustained",
    "pending": "",
    "not applicable": "closed",
}


def _category(text: str) -> tuple[str, str]:
    key = " ".join(text.lower().split())
    if key in CATEGORIES:
        return CATEGORIES[key]
    return (slug(key), text.strip().capitalize()) if key else ("other", "Other")


def _unit(text: str) -> tuple[str, str]:
    """ "2400 24TH DISTRICT" -> key "2400"; a unit without a leading code is keyed by its name."""
    head, _sep, rest = text.partition(" ")
    return (head, text) if head.isdigit() and rest else (slug(text, max_length=60), text)


def philadelphia_read(directory: Path, *, progress: Progress | None = None) -> Batch:
    batch = Batch(
        source=SOURCE,
        body_name="Philadelphia Police complaints (imported)",
        force_name="Philadelphia Police Department",
    )
    classes: dict[str, str] = {}
    for line, row in counted(
        read_csv(directory / "ppd_complaints.csv", required=("complaint_id", "date_received")),
        progress,
        "ppd_complaints.csv",
    ):
        complaint_id = row["complaint_id"]
        if row.overflow:
            batch.problems.append(Problem("ppd_complaints.csv", line, row.overflow))
            continue
        try:
            received = parse_date(row["date_received"])
        except ValueError:
            received = None
        if not complaint_id or received is None or complaint_id in classes:
            why = _("complaint listed twice") if complaint_id in classes else _("no complaint_id or date_received")
            batch.problems.append(Problem("ppd_complaints.csv", line, why))
            continue
        classes[complaint_id] = row.get("general_cap_classification", "")
        district = row.get("district_occurrence", "")
        batch.complaints.append(
            ComplaintRow(
                external_id=complaint_id,
                received_on=received,
                place=_("district %(d)s") % {"d": district} if district else "",
                summary=row.get("summary", ""),
                origin=classes[complaint_id].strip().lower(),
            )
        )

    seen: set[tuple[str, ...]] = set()
    ordinal: dict[tuple[str, str], int] = defaultdict(int)
    latest: dict[str, tuple[str, str]] = {}  # officer -> (date received, unit key)
    people: dict[str, OfficerRow] = {}
    units: dict[str, str] = {}
    received_on = {c.external_id: c.received_on.isoformat() for c in batch.complaints}
    file = "ppd_complaint_disciplines.csv"
    for line, row in counted(
        read_csv(directory / file, required=("complaint_id", "officer_id", "investigative_findings")),
        progress,
        file,
    ):
        if row.overflow:
            batch.problems.append(Problem(file, line, row.overflow))
            continue
        values = tuple(row.values())
        if values in seen:
            continue
        seen.add(values)
        complaint_id, officer_id = row["complaint_id"], row["officer_id"]
        if complaint_id not in classes:
            batch.problems.append(
                Problem(file, line, _("complaint %(id)r is not in ppd_complaints.csv") % {"id": complaint_id})
            )
            continue
        finding_raw = row["investigative_findings"]
        finding = FINDINGS.get(finding_raw.lower())
        if finding is None:
            batch.problems.append(Problem(file, line, _("unknown finding %(f)r") % {"f": finding_raw}))
            continue
        if not officer_id:
            batch.unidentified.append((complaint_id, _("officer not identified")))
            continue
        unit_text = row.get("po_assigned_unit", "")
        unit_key = ""
        if unit_text:
            unit_key, unit_name = _unit(unit_text)
            units[unit_key] = unit_name
        if officer_id not in people:
            people[officer_id] = OfficerRow(
                external_id=officer_id,
                race=row.get("po_race", ""),
                sex=row.get("po_sex", ""),
                status_given=False,  # the data has no status: serving, as far as it says
            )
        when = received_on[complaint_id]
        if unit_key and (officer_id not in latest or latest[officer_id][0] <= when):
            latest[officer_id] = (when, unit_key)
        alleged = row.get("allegations_investigated", "")
        handled = not alleged or alleged.lower().startswith(HANDLING)
        category = _category(classes[complaint_id] if handled else alleged)
        ordinal[(complaint_id, officer_id)] += 1
        batch.allegations.append(
            AllegationRow(
                external_id=f"{officer_id}:{ordinal[(complaint_id, officer_id)]}",
                complaint_id=complaint_id,
                officer_id=officer_id,
                category=category[0],
                category_name=category[1],
                finding=finding,
                finding_raw=finding_raw,
                unit_key=unit_key,
                particulars={
                    key: value
                    for key, value in (
                        ("allegation", alleged),
                        ("discipline", row.get("disciplinary_findings", "")),
                    )
                    if value
                },
            )
        )
    for officer_id, person in people.items():
        unit_key = latest.get(officer_id, ("", ""))[1]
        batch.officers.append(replace(person, unit_key=unit_key))
    batch.units = [UnitRow(key=key, name=name) for key, name in sorted(units.items())]
    return batch
