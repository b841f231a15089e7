"""The interchange format: a force's history in CSV files loads into the tables the portal fills,
twice without adding anything, and bad rows are named by file and line and skipped."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ombud.audit.models import AuditEntry
from ombud.cases.models import Allegation, Case
from ombud.discipline.models import Measure
from ombud.intake.models import Category, Complaint, ComplaintSubject
from ombud.org.models import Officer, OversightBody, Unit
from ombud.transparency.selectors import force_stats
from tests.factories import MeasureFactory, UserFactory
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
    assert "4 bad rows were skipped" in err
    assert Allegation.objects.count() == 4
    # A closing date before receipt is a slip in an optional column: the complaint is kept without it.
    assert "complaints.csv:5: closed_on comes before received_on: closed_on left empty, the row kept" in err
    assert "1 row was kept without a bad value" in err
    assert Complaint.objects.get(external_id="X-4").closed_at is None


def test_a_row_with_more_values_than_columns_is_reported_and_not_stored_cut_short(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    columns = (directory / "complaints.csv").read_text().splitlines()[0].split(",")
    # An unquoted comma in the summary: the row has one value too many.
    cells = {"complaint_id": "X-5", "received_on": "2019-03-01", "summary": "He pushed me, then he swore at me"}
    with (directory / "complaints.csv").open("a") as handle:
        handle.write(",".join(cells.get(c, "") for c in columns) + "\n")
        handle.write("X-6,2019-03-02" + "," * (len(columns) - 2) + ",,\n")  # trailing empty cells are fine
    with (directory / "allegations.csv").open("a") as handle:
        handle.write("X-5,A1,Neglect,pending,,\n")
    _, err = run_import(directory)
    assert f"complaints.csv:4: {len(columns) + 1} values where the header has {len(columns)} columns" in err
    assert "allegations.csv:6: complaint 'X-5' was skipped (complaints.csv:4)" in err
    assert not Complaint.objects.filter(external_id="X-5").exists()
    assert Complaint.objects.filter(external_id="X-6").exists()


def test_an_allegation_row_fixed_after_a_first_import_lands_under_its_own_number(tmp_path: Path) -> None:
    # Two allegations of one officer in one complaint are numbered by their order in the file: a
    # row skipped for a stray comma keeps its number, so fixing it adds it, and nothing twice.
    directory = small_force(tmp_path / "force")
    text = (directory / "allegations.csv").read_text()
    broken = text.replace("X-1,A1,Use of Force,sustained", "X-1,A1,Use of Force, then more,sustained", 1)
    (directory / "allegations.csv").write_text(broken)
    _, err = run_import(directory)
    assert "allegations.csv:2: " in err
    (directory / "allegations.csv").write_text(text)
    run_import(directory)
    mine = Allegation.objects.filter(officer__external_id="A1", case__external_id="X-1").order_by("external_id")
    assert [(a.external_id, a.category.code) for a in mine] == [("A1:1", "use_of_force"), ("A1:2", "discourtesy")]


def test_a_missing_required_file_or_column_stops_the_import_before_writing(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    (directory / "complaints.csv").write_text("complaint_id,summary\nX-1,hello\n")
    with pytest.raises(CommandError, match="received_on"):
        run_import(directory)
    assert not Officer.objects.exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("latin1", "officers.csv:2: not UTF-8 text"),
        ("stray_quote", "allegations.csv:3: this row runs to line 65"),
        ("column_twice", "officer_id more than once"),
        ("semicolons", "lacks the column.s. officer_id .its header is one column.*separated by ';'"),
        (
            "no_readable_complaint",
            "complaints.csv: none of its 2 rows could be read.*complaints.csv:2: received_on",
        ),
        ("no_readable_unit", "units.csv: none of its 2 rows could be read.*units.csv:2: unit_id is empty"),
    ],
)
def test_a_file_that_cannot_be_read_as_a_whole_stops_the_import_before_writing(
    tmp_path: Path, damage: str, message: str
) -> None:
    directory = small_force(tmp_path / "force")
    if damage == "latin1":
        (directory / "officers.csv").write_bytes("officer_id,last_name\nA1,Müller\n".encode("latin-1"))
    elif damage == "stray_quote":
        # Read leniently, the quote would swallow every row after it into one category.
        lines = (directory / "allegations.csv").read_text().splitlines()
        lines[2] = lines[2].replace("Discourtesy", '"Discourtesy')
        lines += ["X-2,C3,Neglect,pending,,"] * 60
        (directory / "allegations.csv").write_text("\n".join(lines) + "\n")
    elif damage == "semicolons":
        (directory / "officers.csv").write_text("officer_id;last_name\nA1;Lee\n")
    elif damage == "no_readable_unit":
        (directory / "units.csv").write_text("unit_id,name\n,North\n,South\n")
    elif damage == "column_twice":
        (directory / "officers.csv").write_text("officer_id,last_name,officer_id\nA1,Lee,A1\n")
    else:
        (directory / "complaints.csv").write_text("complaint_id,received_on\nX-1,03/02/2018\nX-2,01/15/2019\n")
    with pytest.raises(CommandError, match=message):
        run_import(directory)
    assert not Officer.objects.exists() and not Complaint.objects.exists()


def test_a_row_fixed_after_a_first_import_lands_on_the_second(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    text = (directory / "allegations.csv").read_text()
    # The first of Ann's two allegations in X-1 has a finding nobody agreed on.
    (directory / "allegations.csv").write_text(text.replace("Use of Force,sustained", "Use of Force,guilty"))
    run_import(directory)
    assert Allegation.objects.count() == 3
    (directory / "allegations.csv").write_text(text)
    run_import(directory)
    # The fixed row keeps its place among the pair's rows: it lands, and its neighbour is not doubled.
    ann = Allegation.objects.filter(officer__external_id="A1").order_by("finding")
    assert list(ann.values_list("finding", flat=True)) == ["not_sustained", "sustained"]
    assert Allegation.objects.count() == 4


def test_allegations_need_only_their_complaint_and_officer(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    # A column the format does not read may even be there twice.
    (directory / "allegations.csv").write_text("complaint_id,officer_id,note,note\nX-1,A1,a,b\nX-2,C3,,\n")
    _, err = run_import(directory)
    assert not err
    assert set(Allegation.objects.values_list("category__code", "finding")) == {("other", "")}


def test_categories_written_in_any_script_stay_apart(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    (directory / "allegations.csv").write_text(
        "complaint_id,officer_id,category\nX-1,A1,受贿\nX-1,B2,Грубость\nX-2,C3,Détention arbitraire\n"
    )
    run_import(directory)
    assert {"受贿", "грубость", "detention_arbitraire"} <= set(Category.objects.values_list("code", flat=True))


def test_implausible_dates_and_what_hangs_on_skipped_rows_are_named(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    text = (directory / "complaints.csv").read_text()
    (directory / "complaints.csv").write_text(text.replace("2019-01-15", "0219-01-15"))
    text = (directory / "officers.csv").read_text()
    (directory / "officers.csv").write_text(text.replace("2010-01-04", "04.01.2010"))
    _, err = run_import(directory)
    assert "complaints.csv:3: received_on '0219-01-15' is not a plausible date" in err
    assert "complaint 'X-2' was skipped (complaints.csv:3)" in err
    # A bad hiring date is left out, not the officer with every allegation about him.
    assert (
        "officers.csv:2: hired_on '04.01.2010' is not a valid date (YYYY-MM-DD): left empty, the row kept" in err
    )
    a1 = Officer.objects.get(external_id="A1")
    assert a1.hired_on is None and Allegation.objects.filter(officer=a1).exists()
    assert "was skipped (officers.csv" not in err


@pytest.mark.parametrize("written", ["20100104", "2010-W01-1", "2010-1-4"])
def test_dates_not_written_yyyy_mm_dd_are_refused_though_python_would_read_them(
    tmp_path: Path, written: str
) -> None:
    directory = small_force(tmp_path / "force")
    text = (directory / "officers.csv").read_text()
    (directory / "officers.csv").write_text(text.replace("2010-01-04", written))
    _, err = run_import(directory)
    assert f"officers.csv:2: hired_on '{written}' is not a valid date (YYYY-MM-DD)" in err
    assert not Complaint.objects.filter(received_at__year__lt=1900).exists()


def test_units_that_loop_or_name_an_unknown_parent_hang_under_the_root(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    (directory / "units.csv").write_text(
        "unit_id,name,parent_id\nHQ,Headquarters,\nD1,First,D1\nP1,North,P2\nP2,South,P1\nP3,East,ZZ\n"
    )
    _, err = run_import(directory)
    assert "units.csv:3: unit 'D1' is its own ancestor (D1 → D1)" in err
    assert "units.csv:4: unit 'P1' is its own ancestor (P1 → P2 → P1)" in err
    assert "units.csv:6: parent_id 'ZZ' is not a unit of units.csv" in err
    # Placed, not skipped: they are not counted as bad rows.
    assert "3 rows were kept without a bad value" in err and "skipped" not in err
    root = Unit.objects.get(code="testforce:root")
    assert Unit.objects.get(code="testforce:D1").parent == root
    assert Unit.objects.get(code="testforce:P3").parent == root
    assert Unit.objects.get(code="testforce:P2").parent == Unit.objects.get(code="testforce:P1")


def test_officers_whose_unit_is_not_given_serve_in_one_unit_under_the_root_with_a_body_above(
    tmp_path: Path,
) -> None:
    from ombud.intake.routing import route

    run_import(
        write_interchange(
            tmp_path / "force",
            officers=[{"officer_id": "N1", "last_name": "Nobody"}, {"officer_id": "N2", "last_name": "Noone"}],
            complaints=[{"complaint_id": "N-1", "received_on": "2018-03-01"}],
            allegations=[{"complaint_id": "N-1", "officer_id": "N1"}],
        )
    )
    n1, n2 = Officer.objects.get(external_id="N1"), Officer.objects.get(external_id="N2")
    # The root's supervisors see them (it is above them), and so do their alerts' readers.
    assert n1.unit == n2.unit and n1.unit is not None and n1.unit.name == "Unit not given"
    assert n1.unit.parent == Unit.objects.get(code="testforce:root")
    # A complaint about one of them has the force's body above him to go to.
    assert route(officers=[n1], place=None).body == OversightBody.objects.get(code="testforce:body")


def test_an_impossible_day_and_a_badge_held_twice_are_said(tmp_path: Path) -> None:
    directory = write_interchange(
        tmp_path / "force",
        officers=[
            {"officer_id": "S1", "last_name": "Shin", "badge": "77", "hired_on": "2011-02-30"},
            {"officer_id": "S2", "last_name": "Seo", "badge": "77"},
            {"officer_id": "S3", "last_name": "Song", "badge": "78"},
            # Two bad dates on one row: one row kept; an unreadable leaving date still means he left.
            {"officer_id": "S4", "last_name": "Sim", "hired_on": "1999-13-01", "left_on": "2019-02-30"},
        ],
        complaints=[{"complaint_id": "S-1", "received_on": "2018-03-01"}],
        allegations=[{"complaint_id": "S-1", "officer_id": "S1"}],
    )
    out, err = run_import(directory)
    assert "officers.csv:2: hired_on '2011-02-30' is not a valid date (YYYY-MM-DD)" in err
    assert "2 officers were imported without the badge numbers given" in err
    assert dict(Officer.objects.values_list("external_id", "badge")) == {"S1": "", "S2": "", "S3": "78", "S4": ""}
    assert "2 rows were kept without a bad value" in err
    s4 = Officer.objects.get(external_id="S4")
    assert (s4.hired_on, s4.left_on, s4.status) == (None, None, "retired")
    assert "Imported “force” (source testforce) in" in out


def test_a_newer_release_may_add_an_allegation_to_a_complaint_of_an_earlier_one(tmp_path: Path) -> None:
    run_import(small_force(tmp_path / "first"))
    later = write_interchange(
        tmp_path / "second",
        officers=[{"officer_id": "D4", "last_name": "Ng"}],
        complaints=[],
        allegations=[{"complaint_id": "X-1", "officer_id": "D4", "category": "Neglect", "finding": "pending"}],
    )
    run_import(later)
    added = Allegation.objects.get(officer__external_id="D4")
    assert added.occurred_on == dt.date(2018, 2, 27) and added.case == Case.objects.get(
        complaints__external_id="X-1"
    )


def test_an_officer_imported_earlier_takes_new_allegations_whatever_his_new_row_says(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    run_import(directory)
    text = (directory / "officers.csv").read_text()
    (directory / "officers.csv").write_text(text.replace("2010-01-04", "04.01.2010"))
    with (directory / "allegations.csv").open("a") as handle:
        handle.write('X-2,A1,"Neglect, of a\nrequest",pending,,\n')
    _, err = run_import(directory)
    assert "officers.csv:2: hired_on '04.01.2010' is not a valid date" in err
    assert Allegation.objects.filter(officer__external_id="A1", case__complaints__external_id="X-2").exists()


def test_a_source_no_run_could_use_stops_the_command_before_it_reads(tmp_path: Path) -> None:
    # (From the command line: exit status 2 with the usage, tests/core/test_cli.py.)
    directory = small_force(tmp_path / "force")
    with pytest.raises(CommandError, match="argument --source: give 1 to 32 lowercase letters"):
        call_command(
            "import", "interchange", str(directory), "--source", "ABC", stdout=StringIO(), stderr=StringIO()
        )
    assert not Officer.objects.exists()


def test_a_reference_another_source_holds_stops_the_import_naming_the_complaint(tmp_path: Path) -> None:
    first = write_interchange(
        tmp_path / "first",
        officers=[{"officer_id": "A1", "last_name": "Lee"}],
        complaints=[{"complaint_id": "C", "received_on": "2019-01-15"}],
        allegations=[{"complaint_id": "C", "officer_id": "A1", "category": "Neglect"}],
    )
    call_command("import", "interchange", str(first), "--source", "a-b", "--quiet", stdout=StringIO())
    second = write_interchange(
        tmp_path / "second",
        officers=[{"officer_id": "Z9", "last_name": "Moss"}],
        complaints=[{"complaint_id": "B-C", "received_on": "2019-02-15"}],
        allegations=[{"complaint_id": "B-C", "officer_id": "Z9", "category": "Neglect"}],
    )
    with pytest.raises(
        CommandError, match="Complaint B-C would be filed as A-B-C, which a complaint of source a-b"
    ):
        call_command("import", "interchange", str(second), "--source", "a", "--quiet", stdout=StringIO())
    assert not Officer.objects.filter(source="a").exists() and Complaint.objects.count() == 1


@pytest.mark.parametrize("name", ["Київ", "---"])
def test_a_directory_named_in_another_script_must_be_given_a_source(tmp_path: Path, name: str) -> None:
    directory = small_force(tmp_path / name)
    with pytest.raises(CommandError, match="give one with --source"):
        call_command("import", "interchange", str(directory), "--quiet", stdout=StringIO(), stderr=StringIO())
    assert not Officer.objects.exists()


def test_the_import_shows_its_progress_and_ends_at_100_percent(tmp_path: Path) -> None:
    # Three allegations against one officer in one complaint, of one category: one complaint
    # subject and one category link, fewer rows than the bar's upper bound counts on.
    directory = write_interchange(
        tmp_path / "force",
        officers=[{"officer_id": "A1", "last_name": "Lee"}],
        complaints=[{"complaint_id": "X-1", "received_on": "2018-03-02"}],
        allegations=[
            {"complaint_id": "X-1", "officer_id": "A1", "category": "Discourtesy", "finding": finding}
            for finding in ("sustained", "unfounded", "exonerated")
        ],
    )
    err = StringIO()
    call_command("import", "interchange", str(directory), "--source", "testforce", stdout=StringIO(), stderr=err)
    shown = err.getvalue().replace("\r", "\n").strip().splitlines()
    assert shown[0].startswith("reading:")
    # The finished load reads 100 %, not where the upper bound left it.
    assert shown[-1].startswith("writing: 100%"), shown


def test_the_unit_an_officer_served_in_at_the_time_feeds_the_unit_peers_of_past_dates(tmp_path: Path) -> None:
    from ombud.risk.events import events_load
    from ombud.risk.features import unit_at

    directory = write_interchange(
        tmp_path / "force",
        officers=[{"officer_id": "U1", "last_name": "Um", "unit": "NOW"}, {"officer_id": "U2", "last_name": "Yu"}],
        complaints=[
            {"complaint_id": "U-1", "received_on": "2016-03-01"},
            {"complaint_id": "U-2", "received_on": "2016-04-01"},
        ],
        allegations=[
            {"complaint_id": "U-1", "officer_id": "U1", "unit": "THEN"},
            {"complaint_id": "U-2", "officer_id": "U2"},
        ],
    )
    run_import(directory)
    subject = ComplaintSubject.objects.get(complaint__external_id="U-1")
    assert subject.unit == Unit.objects.get(code="testforce:THEN")
    assert ComplaintSubject.objects.get(complaint__external_id="U-2").unit is None
    # On a date after his complaint, U1 was in THEN (today's NOW is never read back); U2 is unknown.
    ev = events_load()
    units = unit_at(ev, dt.date(2016, 6, 30).toordinal())
    u1, u2 = ev.index_of(Officer.objects.get(external_id=x).pk for x in ("U1", "U2"))
    assert units[u1] == Unit.objects.get(code="testforce:THEN").pk and units[u2] == -1


def a_newer_release(directory: Path, *, rows_reordered: bool = False) -> Path:
    """``small_force`` a year on: complaint X-2 closed, its allegation sustained, Ann Lee moved to
    D2 as a sergeant, Cole gone; the rest as before (Moss's row no longer gives his leaving)."""
    allegations = [
        {
            "complaint_id": "X-1",
            "officer_id": "A1",
            "category": "Use of Force",
            "finding": "sustained",
            "finding_raw": "Substantiated",
        },
        {"complaint_id": "X-1", "officer_id": "B2", "category": "Discourtesy", "finding": "unfounded"},
        {"complaint_id": "X-1", "officer_id": "A1", "category": "Discourtesy", "finding": "not_sustained"},
        {
            "complaint_id": "X-2",
            "officer_id": "C3",
            "category": "Neglect",
            "finding": "sustained",
            "finding_raw": "Founded",
        },
    ]
    if rows_reordered:
        # Ann Lee's two allegations of X-1 in the other order, and the second decided otherwise.
        allegations[0], allegations[2] = {**allegations[2], "finding": "exonerated"}, allegations[0]
    return write_interchange(
        directory,
        officers=[
            {
                "officer_id": "A1",
                "first_name": "Ann",
                "last_name": "Lee",
                "badge": "101",
                "unit": "D2",
                "rank": "sergeant",
                "status": "active",
            },
            {"officer_id": "B2", "last_name": "Moss", "badge": "102", "unit": "D1"},
            {"officer_id": "C3", "last_name": "Cole", "unit": "D2", "left_on": "2020-01-31"},
        ],
        complaints=[
            {
                "complaint_id": "X-1",
                "received_on": "2018-03-02",
                "occurred_on": "2018-02-27",
                "closed_on": "2018-09-01",
                "summary": "Pushed a man at a bus stop.",
            },
            {
                "complaint_id": "X-2",
                "received_on": "2019-01-15",
                "occurred_on": "2019-01-10",
                "closed_on": "2019-06-01",
            },
        ],
        allegations=allegations,
    )


def test_a_newer_release_updates_findings_closings_and_officers_imported_earlier(tmp_path: Path) -> None:
    run_import(small_force(tmp_path / "2019"))
    before = AuditEntry.objects.count()
    out, _ = run_import(a_newer_release(tmp_path / "2020"))
    assert "0 rows added" in out
    assert re.search(r"allegations +0 added, 4 already there \(1 updated\)", out)
    decided = Allegation.objects.get(officer__external_id="C3")
    assert (decided.finding, decided.finding_raw) == ("sustained", "Founded")
    # Known from the complaint's closing, which the release gives.
    assert decided.decided_at is not None and decided.decided_at.date() == dt.date(2019, 6, 1)
    complaint = Complaint.objects.get(external_id="X-2")
    assert complaint.status == "closed" and complaint.closed_at is not None
    assert complaint.occurred_on == dt.date(2019, 1, 10)
    assert Case.objects.get(external_id="X-2").status == Case.Status.CLOSED
    ann = Officer.objects.get(external_id="A1")
    assert ann.unit is not None and ann.unit.name == "D2" and ann.rank == "sergeant"
    assert ann.hired_on == dt.date(2010, 1, 4)  # an empty cell says nothing
    cole = Officer.objects.get(external_id="C3")
    assert (cole.left_on, cole.status) == (dt.date(2020, 1, 31), Officer.Status.RETIRED)
    # Moss's leaving, known from the first release, stands though this one leaves the cell empty.
    moss = Officer.objects.get(external_id="B2")
    assert (moss.left_on, moss.status) == (dt.date(2019, 6, 30), Officer.Status.RETIRED)
    (entry,) = AuditEntry.objects.filter(seq__gt=before)
    assert '"updated":{"allegations":1,"cases":1,"complaints":1,"officers":2}' in entry.payload
    # The same release again changes nothing.
    counts = force_stats()
    again, _ = run_import(tmp_path / "2020")
    assert "updated" not in again and force_stats() == {**counts, "audit_entries": counts["audit_entries"] + 1}


def test_a_finding_decided_since_without_a_closing_date_is_known_from_the_import(tmp_path: Path) -> None:
    run_import(small_force(tmp_path / "2019"))
    directory = small_force(tmp_path / "2020")
    text = (directory / "allegations.csv").read_text()
    (directory / "allegations.csv").write_text(text.replace("Neglect,pending", "Neglect,sustained"))
    run_import(directory)
    decided = Allegation.objects.get(officer__external_id="C3")
    assert decided.finding == "sustained" and decided.decided_at is not None
    # Not on the complaint's receipt (2019): the features of any date before this run must not know it.
    assert decided.decided_at.date() == timezone.localdate()
    assert Complaint.objects.get(external_id="X-2").status == "closed"


def test_a_release_does_not_undo_a_finding_or_a_measure_decided_here(tmp_path: Path) -> None:
    run_import(small_force(tmp_path / "2019"))
    investigator = UserFactory()
    Allegation.objects.filter(officer__external_id="C3").update(
        finding="unfounded", decided_by=investigator, decided_at=timezone.now()
    )
    ann = Officer.objects.get(external_id="A1")
    MeasureFactory(officer=ann, kind=Measure.Kind.STANDBY, state=Measure.State.IN_FORCE)
    Officer.objects.filter(pk=ann.pk).update(status=Officer.Status.STANDBY)
    # A measure that holds him no more (rejected) decides nothing: Cole's status is the release's.
    cole = Officer.objects.get(external_id="C3")
    MeasureFactory(officer=cole, kind=Measure.Kind.STANDBY, state=Measure.State.REJECTED)
    run_import(a_newer_release(tmp_path / "2020"))
    assert Allegation.objects.get(officer__external_id="C3").finding == "unfounded"
    ann.refresh_from_db()
    # His unit and rank follow the release; his status is his measure's.
    assert (ann.status, ann.rank) == (Officer.Status.STANDBY, "sergeant")
    assert Officer.objects.get(pk=cole.pk).status == Officer.Status.RETIRED


def test_an_allegation_given_another_category_by_a_release_is_left_and_said(tmp_path: Path) -> None:
    run_import(small_force(tmp_path / "2019"))
    _, err = run_import(a_newer_release(tmp_path / "2020", rows_reordered=True))
    assert "2 allegations imported earlier were left as they were: this release gives them another category" in err
    assert set(Allegation.objects.filter(officer__external_id="A1").values_list("finding", flat=True)) == {
        "sustained",
        "not_sustained",
    }


def test_a_leaving_date_ahead_means_serving_until_then_and_9999_means_none(tmp_path: Path) -> None:
    directory = write_interchange(
        tmp_path / "force",
        officers=[
            {"officer_id": "F1", "last_name": "Fry", "left_on": "2090-06-30"},
            {"officer_id": "F2", "last_name": "Fox", "left_on": "9999-12-31"},
            # An "active" status beside a leaving date that has passed: the date is believed, and said.
            {"officer_id": "F3", "last_name": "Fay", "left_on": "2015-06-01", "status": "Active"},
            {"officer_id": "F4", "last_name": "Fern", "status": "On Leave"},  # still on the force
        ],
        complaints=[{"complaint_id": "F-1", "received_on": "2014-03-01"}],
        allegations=[{"complaint_id": "F-1", "officer_id": "F1"}],
    )
    _, err = run_import(directory)
    status = {o.external_id: (o.left_on, o.status) for o in Officer.objects.all()}
    assert status == {
        "F1": (dt.date(2090, 6, 30), "active"),
        "F2": (None, "active"),
        "F3": (dt.date(2015, 6, 1), "retired"),
        "F4": (None, "active"),
    }
    assert "officers.csv:4: status 'Active' but left_on 2015-06-01 has passed: taken as retired" in err
    assert "officers.csv:2" not in err and "officers.csv:3" not in err
    # A later release's "no end date" clears a leaving date known before, and he serves.
    text = (directory / "officers.csv").read_text()
    (directory / "officers.csv").write_text(text.replace("2015-06-01,Active", "9999-12-31,"))
    run_import(directory)
    assert Officer.objects.filter(external_id="F3").values_list("left_on", "status").get() == (None, "active")


def test_an_allegation_naming_no_officer_makes_the_complaint_name_someone_unidentified(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "force")
    with (directory / "allegations.csv").open("a") as handle:
        handle.write("X-2,,Discourtesy,pending,,\n")
    _, err = run_import(directory)
    assert "allegations.csv" not in err
    subjects = ComplaintSubject.objects.filter(complaint__external_id="X-2")
    assert sorted((s.kind, s.officer_id is None) for s in subjects) == [("officer", False), ("unidentified", True)]
    assert Allegation.objects.count() == 4


def test_a_category_is_the_one_of_that_name_whatever_its_code(tmp_path: Path) -> None:
    seeded = Category.objects.get(code="neglect")
    directory = small_force(tmp_path / "force")
    text = (directory / "allegations.csv").read_text()
    (directory / "allegations.csv").write_text(text.replace("Neglect", "neglect of duty"))
    run_import(directory)
    assert Allegation.objects.get(officer__external_id="C3").category == seeded
    assert not Category.objects.filter(code="neglect_of_duty").exists()


def test_a_release_that_rehires_corrects_or_leaves_out_a_column_is_taken_as_it_means(tmp_path: Path) -> None:
    first = write_interchange(
        tmp_path / "2019",
        officers=[
            {"officer_id": "R1", "last_name": "Roe", "hired_on": "2005-01-01", "left_on": "2015-01-01"},
            {"officer_id": "R2", "last_name": "Rye", "hired_on": "2015-01-01"},
            {"officer_id": "R3", "last_name": "Ray", "status": "retired"},
        ],
        complaints=[{"complaint_id": "R-1", "received_on": "2019-03-01", "closed_on": "2019-09-01"}],
        allegations=[{"complaint_id": "R-1", "officer_id": "R1", "finding": "pending"}],
    )
    run_import(first)
    # Roe hired again; Rye's new dates out of order (the reader drops the hiring); Ray's row and the
    # allegations without a status or a finding; the complaint's receipt corrected to before its closing.
    later = tmp_path / "2020"
    write_interchange(
        later,
        officers=[
            {"officer_id": "R1", "last_name": "Roe", "hired_on": "2018-01-01", "status": "active"},
            {"officer_id": "R2", "last_name": "Rye", "hired_on": "2015-01-01", "left_on": "2012-06-30"},
            {"officer_id": "R3", "last_name": "Ray"},
        ],
        complaints=[{"complaint_id": "R-1", "received_on": "2019-01-15", "closed_on": "2019-02-01"}],
        allegations=[{"complaint_id": "R-1", "officer_id": "R1"}],
    )
    run_import(later)
    dates = {o.external_id: (o.hired_on, o.left_on, o.status) for o in Officer.objects.all()}
    assert dates == {
        "R1": (dt.date(2018, 1, 1), None, "active"),
        "R2": (None, dt.date(2012, 6, 30), "retired"),
        "R3": (None, None, "retired"),
    }
    assert Complaint.objects.get(external_id="R-1").closed_at.date() == dt.date(2019, 9, 1)


def test_a_release_renames_and_renumbers_officers_but_gives_no_badge_another_holds(tmp_path: Path) -> None:
    def release(directory: Path, officers: list[dict[str, str]]) -> Path:
        return write_interchange(
            directory,
            officers=officers,
            complaints=[{"complaint_id": "N-1", "received_on": "2019-03-01"}],
            allegations=[{"complaint_id": "N-1", "officer_id": "N1", "finding": "pending"}],
        )

    run_import(
        release(
            tmp_path / "2019",
            [
                {"officer_id": "N1", "first_name": "Ann", "last_name": "Lee", "badge": "501"},
                {"officer_id": "N2", "last_name": "Moss", "badge": "502"},
                {"officer_id": "N3", "last_name": "Cole", "badge": "503"},
                {"officer_id": "N4"},
            ],
        )
    )
    assert Officer.objects.get(external_id="N4").last_name == "Officer N4"
    # Ann married; Moss renumbered; Cole given Ann's badge (a typing slip: she keeps it, he keeps
    # his); N4's name first known; nothing said of Moss's first name.
    out, _ = run_import(
        release(
            tmp_path / "2020",
            [
                {"officer_id": "N1", "first_name": "Ann", "last_name": "Park", "badge": "501"},
                {"officer_id": "N2", "last_name": "Moss", "badge": "602"},
                {"officer_id": "N3", "last_name": "Cole", "badge": "501"},
                {"officer_id": "N4", "first_name": "Ida", "last_name": "Roe"},
            ],
        )
    )
    assert re.search(r"officers +0 added, 4 already there \(3 updated\)", out)
    names = {o.external_id: (o.first_name, o.last_name, o.badge) for o in Officer.objects.all()}
    assert names == {
        "N1": ("Ann", "Park", "501"),
        "N2": ("", "Moss", "602"),
        "N3": ("", "Cole", "503"),
        "N4": ("Ida", "Roe", ""),
    }
    # A release without names (as Philadelphia's are) leaves the names known.
    run_import(release(tmp_path / "2021", [{"officer_id": f"N{i}"} for i in range(1, 5)]))
    assert {o.external_id: (o.first_name, o.last_name, o.badge) for o in Officer.objects.all()} == names


def test_a_finding_first_given_by_a_release_is_not_dated_back_to_a_closing_known_before(tmp_path: Path) -> None:
    directory = small_force(tmp_path / "2019")
    text = (directory / "complaints.csv").read_text()
    (directory / "complaints.csv").write_text(text.replace("X-2,2019-01-15,,,,,", "X-2,2019-01-15,,,2019-05-01,,"))
    run_import(directory)
    assert Complaint.objects.get(external_id="X-2").closed_at is not None
    text = (directory / "allegations.csv").read_text()
    (directory / "allegations.csv").write_text(text.replace("Neglect,pending", "Neglect,sustained"))
    run_import(directory)
    decided = Allegation.objects.get(officer__external_id="C3")
    # The closing was known before, the finding was not: it is known from this run.
    assert decided.finding == "sustained" and decided.decided_at.date() == timezone.localdate()


def test_a_release_closes_no_case_that_people_here_are_still_working_on(tmp_path: Path) -> None:
    from tests.factories import CategoryFactory

    run_import(small_force(tmp_path / "2019"))
    case = Case.objects.get(external_id="X-2")
    cole = Officer.objects.get(external_id="C3")
    Allegation.objects.create(case=case, officer=cole, category=CategoryFactory())  # added here, open
    run_import(a_newer_release(tmp_path / "2020"))
    assert Allegation.objects.get(officer=cole, external_id__gt="").finding == "sustained"
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN
    assert Complaint.objects.get(external_id="X-2").status == "investigating"


def test_an_unidentified_officer_is_one_person_whatever_language_the_import_ran_in(tmp_path: Path) -> None:
    from django.utils import translation

    directory = small_force(tmp_path / "force")
    with (directory / "allegations.csv").open("a") as handle:
        handle.write("X-2,,Discourtesy,pending,,\n")
    run_import(directory)
    with translation.override("ko"):
        run_import(directory)
    assert ComplaintSubject.objects.filter(complaint__external_id="X-2", officer__isnull=True).count() == 1


def test_another_forces_records_under_a_source_already_used_are_said(tmp_path: Path) -> None:
    run_import(small_force(tmp_path / "export"))
    other = write_interchange(
        tmp_path / "other" / "export",
        officers=[{"officer_id": "Z9", "last_name": "Zhu"}],
        complaints=[{"complaint_id": "Z-1", "received_on": "2019-04-01"}],
        allegations=[{"complaint_id": "Z-1", "officer_id": "Z9"}],
    )
    _, err = run_import(other)
    assert "None of these records names an officer or a complaint of the 2 complaints source testforce held" in err
    # A newer release of the same force that only adds is no such thing: it names what was there.
    _, err = run_import(a_newer_release(tmp_path / "2020"))
    assert "None of these records" not in err
