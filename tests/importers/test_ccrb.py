"""The NYC CCRB adapter on a tiny file of the same shape: findings from the board's disposition,
the receipt day estimated inside the complaint's year, the unreliable NYPD columns never read."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ombud.cases.models import Allegation
from ombud.intake.models import Complaint
from ombud.org.models import Officer
from ombud.world.importers.ccrb import ccrb_finding, received_estimate

pytestmark = pytest.mark.django_db

OFFICERS = """officer_id,command,last_name,first_name,rank,shield_no,officer_status
000001,075 PCT,Stone,Ray,Police Officer,1234,active
000002,075 PCT,Bay,Lu,Sergeant,00000,inactive
000003,DB CEIS,Oak,Jo,Detective,1234,active
"""
ALLEGATIONS = (
    "officer_id,complaint_id,incident_date,fado_type,allegation,ccrb_disposition,"
    "nypd_disposition_raw,penalty_raw,officer_status\n"
    """000001,201500011,2015-03-04,Force,Physical force,Substantiated (Charges),Command Discipline - A,Vacation days: 10,active
000001,201500011,2015-03-04,Discourtesy,Word,Exonerated,Command Discipline - A,Vacation days: 10,active
000002,201500011,2015-03-04,Abuse of Authority,Stop,Complainant Uncooperative,APU Guilty,,inactive
000002,201600020,2015-11-30,Untruthful Statement,Statement,Unsubstantiated,,,inactive
000009,201600021,2016-01-02,Force,Physical force,Unfounded,,,active
000003,BAD,2016-01-02,Force,Physical force,Unfounded,,,active
"""
)


def ccrb_dir(tmp_path: Path) -> Path:
    (tmp_path / "officers.csv").write_text(OFFICERS)
    (tmp_path / "allegations.csv").write_text(ALLEGATIONS)
    return tmp_path


def run(tmp_path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", "ccrb", str(ccrb_dir(tmp_path)), "--quiet", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_boards_dispositions_become_findings() -> None:
    assert ccrb_finding("Substantiated (Command Discipline A)") == "sustained"
    assert ccrb_finding("Unsubstantiated") == "not_sustained"
    assert ccrb_finding("Complaint Withdrawn") == "closed"
    assert ccrb_finding("Miscellaneous - Subject Retired") == "closed"
    assert ccrb_finding("") == ""


def test_the_receipt_day_is_the_incident_day_kept_inside_the_complaints_year() -> None:
    assert received_estimate(2016, dt.date(2015, 11, 30)) == dt.date(2016, 1, 1)
    assert received_estimate(2015, dt.date(2015, 3, 4)) == dt.date(2015, 3, 4)
    assert received_estimate(2015, dt.date(2016, 1, 2)) == dt.date(2015, 12, 31)
    assert received_estimate(2015, None) == dt.date(2015, 1, 1)


def test_a_ccrb_file_loads_and_a_second_run_adds_nothing(tmp_path: Path) -> None:
    _, err = run(tmp_path)
    assert Officer.objects.filter(source="ccrb").count() == 3
    assert Allegation.objects.count() == 4
    stone = Officer.objects.get(external_id="000001")
    assert (stone.unit.name if stone.unit else "", stone.status) == ("075 PCT", "active")
    # A shield number held by two officers, or all zeros, is no badge.
    assert set(Officer.objects.values_list("badge", flat=True)) == {""}
    held = Allegation.objects.get(finding="sustained")
    assert held.category.code == "use_of_force" and held.finding_raw == "Substantiated (Charges)"
    assert held.particulars == {"allegation": "Physical force"}
    assert "APU" not in str(list(Allegation.objects.values_list("particulars", "finding_raw")))
    late = Complaint.objects.get(external_id="201600020")
    assert (late.occurred_on, late.received_at.date()) == (dt.date(2015, 11, 30), dt.date(2016, 1, 1))
    assert "allegations.csv:6:" in err and "allegations.csv:7:" in err
    run(tmp_path)
    assert Allegation.objects.count() == 4 and Complaint.objects.count() == 2
