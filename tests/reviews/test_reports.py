"""The period report: complaints, allegations by category and finding, the sustained rate, measures by
kind, escalations and the median days to decision, per unit and in total, beside the previous period;
as a page with a chart per section, a CSV with a ``total`` row, a PDF with its charts drawn, and
``ombud report period``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zlib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from ombud.cases.models import Finding
from ombud.discipline.models import Measure
from ombud.intake.models import Complaint, ComplaintEvent, ComplaintSubject
from ombud.org.services import officer_assign_station
from ombud.reviews.reports import period_report, previous_period, report_csv, report_pdf
from ombud.transparency.selectors import force_stats
from tests.conftest import Force, Login, cjk_font_required, in_language, pdf_text
from tests.factories import (
    AllegationFactory,
    CaseFactory,
    ComplaintFactory,
    ComplaintSubjectFactory,
    MeasureFactory,
    days_ago,
)

pytestmark = pytest.mark.django_db

ALL_YEARS = (dt.date(1900, 1, 1), dt.date(2100, 1, 1))


def rows_of(text: str) -> dict[str, dict[str, str]]:
    return {row["unit"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.fixture
def shared(force: Force) -> Complaint:
    """A complaint naming officers of two counties, and one naming nobody."""
    both = ComplaintFactory(reference="CX-0001", routed_to=force.bodies["province"], received_at=days_ago(12))
    ComplaintSubjectFactory(complaint=both, officer=force.officers["frank"])
    ComplaintSubjectFactory(complaint=both, officer=force.officers["ivan"])
    nobody = ComplaintFactory(reference="CX-0002", routed_to=force.bodies["b"], received_at=days_ago(11))
    ComplaintSubject.objects.create(
        complaint=nobody, kind=ComplaintSubject.Kind.UNIDENTIFIED, description="a clerk"
    )
    return both


def test_the_whole_force_total_counts_each_complaint_once(force: Force, shared: Complaint) -> None:
    report = period_report(unit=None, since=ALL_YEARS[0], until=ALL_YEARS[1])
    rows = rows_of(report_csv(report))
    assert int(rows["total"]["complaints"]) == Complaint.objects.count() == force_stats()["complaints"] == 6
    # The shared complaint counts in both counties; the one naming nobody at its body's seat (county B).
    assert (int(rows["CTY-A"]["complaints"]), int(rows["CTY-B"]["complaints"])) == (4, 3)
    assert int(rows["STN-A1"]["complaints"]) == 3 and int(rows["STN-B1"]["complaints"]) == 2
    assert int(rows["MIN"]["complaints"]) == 6


def test_the_csv_has_one_row_per_unit_and_a_last_row_reading_total(force: Force) -> None:
    report = period_report(unit=None, since=ALL_YEARS[0], until=ALL_YEARS[1])
    lines = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert [row["unit"] for row in lines] == [
        "MIN",
        "PRV",
        "CTY-A",
        "STN-A1",
        "STN-A2",
        "CTY-B",
        "STN-B1",
        "STN-B2",
        "total",
    ]
    assert {"complaints", "closed", "sustained_rate", "median_days_to_decision", "previous_complaints"} <= set(
        lines[0]
    )


def test_a_units_report_covers_its_subtree_and_its_total_is_the_unit(force: Force, shared: Complaint) -> None:
    report = period_report(unit=force.units["county_a"], since=ALL_YEARS[0], until=ALL_YEARS[1])
    rows = rows_of(report_csv(report))
    assert list(rows) == ["CTY-A", "STN-A1", "STN-A2", "total"]
    assert rows["total"]["complaints"] == rows["CTY-A"]["complaints"] == "4"


def test_allegations_count_by_category_and_finding_with_the_sustained_rate(force: Force) -> None:
    case = CaseFactory(body=force.bodies["a"], opened_at=days_ago(50))
    for finding in (Finding.SUSTAINED, Finding.UNFOUNDED, Finding.NOT_SUSTAINED, Finding.CLOSED, ""):
        AllegationFactory(
            case=case,
            officer=force.officers["gus"],
            category=force.categories["bribery"],
            occurred_on=timezone.localdate() - dt.timedelta(days=60),
            finding=finding,
            decided_at=days_ago(5) if finding else None,
        )
    report = period_report(
        unit=force.units["a1"], since=timezone.localdate() - dt.timedelta(days=365), until=timezone.localdate()
    )
    current = report.current
    # frank's sustained grain diversion (120 days ago) and gus's five.
    assert (current.allegations, current.decided, current.sustained) == (6, 5, 2)
    # The one closed without a finding is decided, but not in the rate: 2 of 4 with a finding.
    assert current.sustained_rate == 50.0
    assert current.by_category_finding[("bribery", "pending")] == 1
    assert current.by_finding == {"sustained": 2, "unfounded": 1, "not_sustained": 1, "closed": 1, "pending": 1}


def test_an_allegation_counts_where_the_officer_served_when_it_happened(force: Force) -> None:
    frank = force.officers["frank"]
    officer_assign_station(
        actor=None, officer=frank, unit=force.units["b1"], start_on=timezone.localdate() - dt.timedelta(days=10)
    )
    report = period_report(unit=None, since=ALL_YEARS[0], until=ALL_YEARS[1])
    rows = {row.code: row.current for row in report.rows}
    assert rows["STN-A1"].sustained == 1 and rows["STN-B1"].sustained == 0


def test_measures_count_by_kind_without_the_rejected(force: Force) -> None:
    MeasureFactory(officer=force.officers["gus"], kind=Measure.Kind.DEMOTION, state=Measure.State.REJECTED)
    MeasureFactory(officer=force.officers["gus"], kind=Measure.Kind.WARNING, state=Measure.State.DECIDED)
    report = period_report(unit=force.units["county_a"], since=ALL_YEARS[0], until=ALL_YEARS[1])
    assert report.current.measures_by_kind == {"reprimand": 1, "warning": 1}


def test_escalations_and_the_median_days_to_decision(force: Force) -> None:
    gus_complaint = force.complaints["gus"]
    ComplaintEvent.objects.create(complaint=gus_complaint, kind=ComplaintEvent.Kind.ESCALATED, at=days_ago(5))
    Complaint.objects.filter(pk=gus_complaint.pk).update(closed_at=days_ago(30), status="closed")  # 10 days after
    year = {"since": timezone.localdate() - dt.timedelta(days=365), "until": timezone.localdate()}
    # Closed without a case: closed, not decided. frank's complaint (100 days ago) is decided by the
    # finding 30 days ago: 70 days.
    report = period_report(unit=force.units["a1"], **year)
    assert report.current.escalations == 1
    assert (report.current.decisions, report.current.median_days, report.current.closed) == (1, 70.0, 1)
    # Closed with the case it was taken into: decided by its closing, 10 days.
    CaseFactory(body=gus_complaint.routed_to).complaints.add(gus_complaint)
    report = period_report(unit=force.units["a1"], **year)
    assert (report.current.decisions, report.current.median_days) == (2, 40.0)


def test_the_complaints_still_open_at_the_period_s_end_are_counted(force: Force, login: Login) -> None:
    a1 = force.units["a1"]
    gus_complaint = force.complaints["gus"]
    Complaint.objects.filter(pk=gus_complaint.pk).update(closed_at=days_ago(30), status="closed")
    today = timezone.localdate()
    now = period_report(unit=a1, since=today - dt.timedelta(days=365), until=today)
    then = period_report(unit=a1, since=today - dt.timedelta(days=400), until=today - dt.timedelta(days=31))
    # gus's complaint was open 31 days ago and is closed now; the others at A1 are open throughout.
    assert then.current.open_at_end == now.current.open_at_end + 1
    assert now.running and not then.running
    rows = list(csv.DictReader(io.StringIO(report_csv(now))))
    assert rows[-1]["open_at_end"] == str(now.current.open_at_end)
    page = login("erin").get(
        reverse("period_report"), {"unit": "", "since": str(today - dt.timedelta(days=30)), "until": str(today)}
    )
    assert 'id="running"' in page.content.decode()


def test_the_previous_period_is_the_one_of_the_same_length_just_before() -> None:
    assert previous_period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == (
        dt.date(2023, 1, 1),
        dt.date(2023, 12, 31),
    )
    assert previous_period(dt.date(2024, 3, 1), dt.date(2024, 3, 31)) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )
    assert previous_period(dt.date(2024, 1, 11), dt.date(2024, 1, 20)) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 10),
    )


def test_the_report_compares_with_the_previous_period(force: Force) -> None:
    today = timezone.localdate()
    report = period_report(unit=None, since=today - dt.timedelta(days=29), until=today)
    # Received 15 and 20 days ago (ivan, hana) against 40 days ago (gus) in the 30 days before.
    assert (report.current.complaints, report.previous.complaints) == (2, 1)


def test_the_pdf_renders_with_a_chart_drawn_for_each_section(force: Force) -> None:
    data = report_pdf(period_report(unit=None, since=ALL_YEARS[0], until=ALL_YEARS[1]))
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    content = b""
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content += zlib.decompress(stream)
        except zlib.error:
            content += stream
    filled_bars = re.findall(rb"[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ re f", content)
    axes = re.findall(rb"[\d.]+ [\d.]+ m [\d.]+ [\d.]+ l S", content)
    assert len(axes) >= 5 and len(filled_bars) >= 5


@pytest.mark.parametrize(("language", "unit_name"), [("zh-hans", "木山县公安局"), ("ko", "무산군 경찰서")])
def test_a_report_read_in_chinese_or_korean_is_a_pdf_in_that_language(
    force: Force, language: str, unit_name: str
) -> None:
    """The words of the report in the reader's language, and a unit named in it, are in the PDF's
    text (drawn with the machine's CJK font), not dropped or replaced by question marks."""
    cjk_font_required()
    force.units["county_a"].name = unit_name
    force.units["county_a"].save(update_fields=["name"])
    with translation.override(language):
        data = report_pdf(period_report(unit=None, since=ALL_YEARS[0], until=ALL_YEARS[1]))
    text = pdf_text(data)
    assert in_language(language, "Allegations by category") in text
    assert unit_name in text and "?" not in text
    # The labels under the bars too (as well as in the table), drawn in cells that fall back to the
    # CJK font: ``text()`` dropped every glyph the body font lacks.
    assert text.count(in_language(language, "unfounded")) == 2


def test_the_command_writes_the_csv_and_the_pdf(force: Force, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "report",
        "period",
        "--since",
        "1900-01-01",
        "--until",
        "2100-01-01",
        "--format",
        "csv",
        "--out",
        str(tmp_path / "r.csv"),
        stdout=out,
    )
    rows = rows_of((tmp_path / "r.csv").read_text())
    assert rows["total"]["complaints"] == str(Complaint.objects.count())
    call_command(
        "report",
        "period",
        "--unit",
        "CTY-A",
        "--since",
        "2000-01-01",
        "--until",
        "2100-01-01",
        "--format",
        "pdf",
        "--out",
        str(tmp_path / "a.pdf"),
        stdout=out,
    )
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def test_the_command_refuses_an_unknown_unit_and_a_reversed_period(force: Force, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No unit"):
        call_command(
            "report",
            "period",
            "--unit",
            "NOPE",
            "--since",
            "2020-01-01",
            "--until",
            "2021-01-01",
            "--out",
            str(tmp_path / "x"),
        )
    with pytest.raises(CommandError):
        call_command(
            "report", "period", "--since", "2021-01-01", "--until", "2020-01-01", "--out", str(tmp_path / "x")
        )


# --- the page and the API --------------------------------------------------------------------------


def test_the_report_page_draws_a_chart_per_section(login: Login, force: Force) -> None:
    response = login("erin").get(
        reverse("period_report"), {"unit": "", "since": "2000-01-01", "until": "2100-01-01"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<svg class="chart"') == len(response.context["sections"]) == 5
    assert "sustained rate" in page


def test_the_report_page_downloads_the_csv_and_the_pdf(login: Login, force: Force) -> None:
    client = login("erin")
    query = {"unit": force.units["county_a"].pk, "since": "2000-01-01", "until": "2100-01-01"}
    as_csv = client.get(reverse("period_report"), {**query, "format": "csv"})
    assert as_csv["Content-Type"].startswith("text/csv")
    # gus's and frank's at A1, hana's at A2 (sent over the county's head: counted all the same).
    assert rows_of(as_csv.content.decode())["total"]["complaints"] == "3"
    as_pdf = client.get(reverse("period_report"), {**query, "format": "pdf"})
    assert as_pdf["Content-Type"] == "application/pdf" and as_pdf.content.startswith(b"%PDF")
    # The API gives the same files, the unit by its code.
    api_query = {**query, "unit": force.units["county_a"].code}
    api_csv = client.get(reverse("api-period-report-csv"), api_query)
    assert api_csv["Content-Type"].startswith("text/csv") and api_csv.content == as_csv.content
    assert api_csv["Content-Disposition"] == as_csv["Content-Disposition"]
    assert client.get(reverse("api-period-report-pdf"), api_query).content.startswith(b"%PDF")
    assert client.get(reverse("api-period-report-csv"), {**api_query, "until": "x"}).status_code == 400
    assert login("alice").get(reverse("api-period-report-csv"), api_query).status_code == 404


def test_the_report_is_for_analysts_and_administrators(login: Login, force: Force) -> None:
    for persona, status in (("erin", 200), ("admin", 200), ("alice", 404), ("dave", 404), ("frank", 404)):
        assert login(persona).get(reverse("period_report")).status_code == status, persona


def test_a_unit_analyst_reads_only_his_subtree(login: Login, force: Force) -> None:
    from ombud.accounts.models import Role
    from ombud.accounts.services import membership_grant

    membership_grant(actor=None, user=force.users["dave"], role=Role.ANALYST, unit=force.units["county_a"])
    client = login("dave")
    page = client.get(reverse("period_report"))
    assert list(page.context["form"].fields["unit"].queryset.values_list("code", flat=True)) == [
        "CTY-A",
        "STN-A1",
        "STN-A2",
    ]
    whole = client.get(reverse("period_report"), {"unit": "", "since": "2000-01-01", "until": "2100-01-01"})
    assert whole.status_code == 400 and whole.context["report"] is None
    other = client.get(
        reverse("period_report"), {"unit": force.units["b1"].pk, "since": "2000-01-01", "until": "2100-01-01"}
    )
    assert other.status_code == 400


def test_the_api_answers_the_reports_figures(login: Login, force: Force) -> None:
    response = login("erin").get(reverse("api-period-report"), {"since": "1900-01-01", "until": "2100-01-01"})
    assert response.status_code == 200
    data = response.json()
    assert data["current"]["complaints"] == Complaint.objects.count()
    assert data["units"][-1]["unit"] == "total"
    assert (
        login("alice")
        .get(reverse("api-period-report"), {"since": "1900-01-01", "until": "2100-01-01"})
        .status_code
        == 404
    )
    unknown = login("erin").get(
        reverse("api-period-report"), {"since": "2000-01-01", "until": "2001-01-01", "unit": "B\x001"}
    )
    assert unknown.status_code == 404
