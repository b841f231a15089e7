"""The Philadelphia adapter on a tiny file of the same shape: duplicates dropped, unidentified
officers kept as unidentified subjects, the unit of each complaint kept with it."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ombud.cases.models import Allegation
from ombud.intake.models import ComplaintSubject
from ombud.org.models import Officer

pytestmark = pytest.mark.django_db

COMPLAINTS = """complaint_id,date_received,district_occurrence,general_cap_classification,summary
15-0001,2015-05-01,2400, LACK OF SERVICE,"No service, says the complainant."
16-0002,2016-02-03,1200, PHYSICAL ABUSE,Pushed.
"""
DISCIPLINES = (
    "complaint_id,officer_id,po_race,po_sex,po_assigned_unit,allegations_investigated,"
    "investigative_findings,disciplinary_findings\n"
    """15-0001,11111111,black,male,2400 24TH DISTRICT,Lack of Service,No Sustained Findings,Not Applicable
15-0001,11111111,black,male,2400 24TH DISTRICT,Lack of Service,No Sustained Findings,Not Applicable
15-0001,,,,,Lack of Service,No Sustained Findings,Not Applicable
16-0002,11111111,black,male,1200 12TH DISTRICT,Physical Abuse,Sustained Finding,Guilty Finding
16-0002,22222222,white,female,1200 12TH DISTRICT,Investigation OnGoing,Pending,Pending
16-0009,22222222,white,female,1200 12TH DISTRICT,Physical Abuse,Sustained Finding,Guilty Finding
,,,,,,,\x20\x20\x20
"""
)


def test_a_philadelphia_file_loads_once_with_units_and_demographics(tmp_path: Path) -> None:
    (tmp_path / "ppd_complaints.csv").write_text(COMPLAINTS)
    (tmp_path / "ppd_complaint_disciplines.csv").write_text(DISCIPLINES)
    err = StringIO()
    call_command("import", "philadelphia", str(tmp_path), "--quiet", stdout=StringIO(), stderr=err)
    assert "ppd_complaint_disciplines.csv:7:" in err.getvalue()
    assert Allegation.objects.count() == 3
    first = Officer.objects.get(external_id="11111111")
    assert (first.race, first.sex) == ("black", "male")
    assert first.unit is not None and first.unit.name == "1200 12TH DISTRICT"
    subjects = ComplaintSubject.objects.filter(complaint__external_id="15-0001")
    assert subjects.filter(kind="unidentified").count() == 1
    assert subjects.get(kind="officer").unit.name == "2400 24TH DISTRICT"  # type: ignore[union-attr]
    held = Allegation.objects.get(finding="sustained")
    assert held.category.code == "use_of_force" and held.particulars["discipline"] == "Guilty Finding"
    # An allegation still under investigation takes the complaint's class, and no finding.
    ongoing = Allegation.objects.get(officer__external_id="22222222")
    assert (ongoing.finding, ongoing.category.code) == ("", "use_of_force")
    assert ComplaintSubject.objects.count() == 4
    call_command("import", "philadelphia", str(tmp_path), "--quiet", stdout=StringIO(), stderr=StringIO())
    assert Allegation.objects.count() == 3 and ComplaintSubject.objects.count() == 4
