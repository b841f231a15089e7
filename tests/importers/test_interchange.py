"""The interchange format: a force's history in CSV files loads into the tables the portal fills,
twice without adding anything, and bad rows are named by file and line and skipped."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ombud.audit.models import AuditEntry
from ombud.cases.models import Allegation, Case
from ombud.intake.models import Category, Complaint, ComplaintSubject
from ombud.org.models import Officer, OversightBody, Unit
from ombud.transparency.selectors import force_stats
from tests.risk.helpers import write_interchange

pytestmark = pytest.mark.django_db


def small_force(directory: Path) -> Path:
    return write_interchange(
        directory,
        units=[
            {"unit_id": "HQ", "name": "Headquarters", "parent_id": "", "kind": "headquarters"},
            {"unit_id": "D1", "name": "First District", "parent_id": "HQ", "kind": "precinct"},
        ],
        officers=[
            {
                "officer_id": "A1",
                "first_name": "Ann",
                "last_name": "Lee",
                "badge": "101",
                "unit": "D1",
                "race": "asian",
                "sex": "female",
                "hired_on": "2010-01-04",
                "status": "active",
            },
            {
                "officer_id": "B2",
                "last_name": "Moss",
                "badge": "102",
                "unit": "D1",
                "hired_on": "2008-05-01",
                "left_on": "2019-06-30",
                "status": "retired",
            },
            {"officer_id": "C3", "last_name": "Cole", "unit": "D2"},
        ],
        complaints=[
            {
                "complaint_id": "X-1",
                "received_on": "2018-03-02",
                "occurred_on": "2018-02-27",
                "closed_on": "2018-09-01",
                "summary": "Pushed a man at a bus stop.",
            },
            {"complaint_id": "X-2", "received_on": "2019-01-15"},
        ],
        allegations=[
            {
                "complaint_id": "X-1",
                "officer_id": "A1",
                "category": "Use of Force",
                "finding": "sustained",
                "finding_raw": "Substantiated",
            },
            {"complaint_id": "X-1", "officer_id": "B2", "category": "Discourtesy", "finding": "unfounded"},
            {"complaint_id": "X-1", "officer_id": "A1", "category": "Discourtesy", "finding": "not_sustained"},
            {"complaint_id": "X-2", "officer_id": "C3", "category": "Neglect", "finding": "pending"},
        ],
    )


def run_import(directory: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "import", "interchange", str(directory), "--source", "testforce", "--quiet", *args, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def test_an_interchange_directory_loads_into_the_tables_the_portal_fills(tmp_path: Path) -> None:
    run_import(small_force(tmp_path / "force"))
    ann = Officer.objects.get(source="testforce", external_id="A1")
    assert (ann.full_name, ann.badge, ann.race, ann.sex, ann.hired_on) == (
        "Ann Lee",
        "101",
        "asian",
        "female",
        dt.date(2010, 1, 4),
    )
    assert ann.unit is not None and ann.unit.name == "First District" and ann.unit.parent is not None
    assert Officer.objects.get(external_id="B2").status == Officer.Status.RETIRED
    # A unit named only by an officer becomes a unit under the force's root.
    assert Unit.objects.filter(name="D2").exists()
    first = Complaint.objects.get(source="testforce", external_id="X-1")
    assert (first.channel, first.status, first.occurred_on) == ("import", "closed", dt.date(2018, 2, 27))
    assert first.description == "Pushed a man at a bus stop."
    assert set(
        ComplaintSubject.objects.filter(complaint=first).values_list("officer__external_id", flat=True)
    ) == {"A1", "B2"}
    case = Case.objects.get(source="testforce", external_id="X-1")
    assert list(case.complaints.all()) == [first]
    assert OversightBody.objects.filter(pk=case.body_id, name__contains="imported").exists()
    sustained = Allegation.objects.get(case=case, officer=ann, finding="sustained")
    assert sustained.category.code == "use_of_force" and sustained.finding_raw == "Substantiated"
    assert sustained.decided_at is not None and sustained.decided_at.date() == dt.date(2018, 9, 1)
    pending = Allegation.objects.get(officer__external_id="C3")
    assert (pending.finding, pending.decided_at) == ("", None)
    assert Complaint.objects.get(external_id="X-2").status == "investigating"
    assert Category.objects.filter(code="neglect").exists()
    assert force_stats()["allegations"] == 4 and force_stats()["officers"] == 3


def test_importing_the_same_directory_twice_adds_nothing(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    run_import(directory)
    counts = force_stats()
    out, _ = run_import(directory)
    assert force_stats() == {**counts, "audit_entries": counts["audit_entries"] + 1}
    assert "0 rows added" in out


def test_each_import_run_writes_one_audit_entry_with_counts_only(tmp_path: Path) -> None:
    before = AuditEntry.objects.count()
    run_import(small_force(tmp_path / "force"))
    (entry,) = AuditEntry.objects.filter(seq__gt=before)
    assert entry.action == "world.import"
    assert "Pushed" not in entry.payload and '"allegations":4' in entry.payload


def test_bad_rows_are_reported_with_file_and_line_skipped_and_counted(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    with (directory / "complaints.csv").open("a") as handle:
        handle.write("X-3,not-a-date,,,,,\n")
        handle.write("X-4,2019-02-01,,,2019-01-01,,\n")
    with (directory / "allegations.csv").open("a") as handle:
        handle.write("X-9,A1,Use of Force,sustained,,\n")
        handle.write("X-2,ZZ,Use of Force,sustained,,\n")
        handle.write("X-2,A1,Use of Force,guilty,,\n")
    _, err = run_import(directory)
    assert "complaints.csv:4:" in err and "complaints.csv:5:" in err
    assert "allegations.csv:6:" in err and "allegations.csv:7:" in err and "allegations.csv:8:" in err
    assert "5 bad rows were skipped" in err
    assert Allegation.objects.count() == 4


def test_a_missing_required_file_or_column_stops_the_import_before_writing(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    (directory / "complaints.csv").write_text("complaint_id,summary\nX-1,hello\n")
    with pytest.raises(CommandError, match="received_on"):
        run_import(directory)
    assert not Officer.objects.exists()
