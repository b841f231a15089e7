"""Cases, allegations, evidence and its chain of custody, and findings under four eyes."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ombud.audit.models import AuditEntry
from ombud.audit.selectors import audit_verify
from ombud.cases.models import Allegation, Case, CustodyEntry, EvidenceItem
from ombud.cases.services import (
    allegation_add,
    case_close,
    case_open,
    custody_record,
    evidence_add,
    evidence_read,
    finding_decide,
    finding_propose,
    task_add,
    task_done,
)
from ombud.core.files import blob_path
from ombud.intake.models import Category, Complaint, ComplaintEvent
from ombud.intake.services import complaint_file
from tests.cases.conftest import Casework
from tests.intake.conftest import complaint_about


def _bribery() -> Category:
    return Category.objects.get(code="bribery")


def test_opening_a_case_puts_its_complaints_under_investigation(casework: Casework) -> None:
    complaint = casework.case.complaints.get()
    assert complaint.status == Complaint.Status.INVESTIGATING
    assert complaint.events.filter(kind=ComplaintEvent.Kind.CASE_OPENED).exists()
    assert casework.case.number.startswith("CA-B-")


def test_a_body_cannot_open_a_case_on_another_body_s_complaint(casework: Casework, make_member) -> None:  # type: ignore[no-untyped-def]
    outsider = make_member(casework.force.body_b)
    with pytest.raises(PermissionDenied):
        case_open(actor=outsider, body=casework.force.body_a, title="Not mine")
    complaint = casework.case.complaints.get()
    with pytest.raises(ValidationError):
        case_open(actor=outsider, body=casework.force.body_b, title="Grab", complaints=[complaint])


def test_a_closed_complaint_is_not_taken_into_a_new_case(casework: Casework) -> None:
    filed = complaint_file(actor=None, data=complaint_about(casework.force.grain_officer))
    Complaint.objects.filter(pk=filed.complaint.pk).update(status=Complaint.Status.CLOSED)
    cases = Case.objects.count()
    # The form that offered it showed it open: the service reads it again, under lock.
    with pytest.raises(ValidationError, match="These complaints are closed"):
        case_open(
            actor=casework.investigator, body=casework.force.body_a, title="Late", complaints=[filed.complaint]
        )
    assert Case.objects.count() == cases
    assert Complaint.objects.get(pk=filed.complaint.pk).status == Complaint.Status.CLOSED


def test_a_bribery_allegation_says_what_was_given(casework: Casework) -> None:
    with pytest.raises(ValidationError):
        allegation_add(
            actor=casework.investigator,
            case=casework.case,
            category=_bribery(),
            officer=casework.force.grain_officer,
        )
    allegation = allegation_add(
        actor=casework.investigator,
        case=casework.case,
        category=_bribery(),
        officer=casework.force.grain_officer,
        particulars={"goods": "grain", "value": "300"},
    )
    assert allegation.particulars == {"goods": "grain", "value": 300.0}


def test_an_allegation_added_to_an_open_case_is_known_from_its_adding_not_from_the_cases_opening(
    casework: Casework,
) -> None:
    from ombud.risk.events import events_load
    from ombud.risk.features import FeatureSpec, features

    Case.objects.filter(pk=casework.case.pk).update(opened_at=timezone.now() - dt.timedelta(days=30))
    allegation_add(
        actor=casework.investigator,
        case=casework.case,
        category=Category.objects.get(code="neglect"),
        officer=casework.force.grain_officer,
    )
    ev, spec = events_load(), FeatureSpec(())
    officer = ev.index_of([casework.force.grain_officer.pk])
    column = spec.names().index("allegations_all")

    def allegations_known(day: dt.date) -> float:
        return float(features(ev, day.toordinal(), officer, spec)[0, column])

    # Ten days ago the case was open, but nobody had alleged anything of him in it yet.
    assert allegations_known(timezone.localdate() - dt.timedelta(days=10)) == 0
    assert allegations_known(timezone.localdate()) == 1


def test_an_allegation_names_exactly_one_subject(casework: Casework) -> None:
    with pytest.raises(ValidationError):
        allegation_add(
            actor=casework.investigator, case=casework.case, category=Category.objects.get(code="neglect")
        )


def test_evidence_is_stored_by_its_sha256_exactly_as_received(casework: Casework, settings) -> None:  # type: ignore[no-untyped-def]
    data = b"Ledger page: 2 sacks to the officer, 14 March."
    item = evidence_add(
        actor=casework.investigator, case=casework.case, name="ledger.txt", data=data, received_from="villager"
    )
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert (settings.MEDIA_ROOT / blob_path(item.sha256)).read_bytes() == data
    entry = item.custody.get()
    assert (entry.action, entry.from_party, entry.to_party) == ("received", "villager", "Musan County Committee")


def test_a_correction_supersedes_and_keeps_the_original(casework: Casework) -> None:
    first = evidence_add(actor=casework.investigator, case=casework.case, name="photo.txt", data=b"first")
    second = evidence_add(
        actor=casework.investigator, case=casework.case, name="photo.txt", data=b"second", supersedes=first
    )
    assert EvidenceItem.objects.count() == 2 and second.supersedes == first
    with pytest.raises(ValidationError):
        evidence_add(
            actor=casework.investigator, case=casework.case, name="again.txt", data=b"third", supersedes=first
        )


def test_an_upload_over_the_limit_is_refused_and_nothing_is_written(casework: Casework) -> None:
    with pytest.raises(ValidationError):
        evidence_add(
            actor=casework.investigator, case=casework.case, name="big.bin", data=b"x" * 2048, max_bytes=1024
        )
    assert not EvidenceItem.objects.exists() and not CustodyEntry.objects.exists()


def test_the_database_refuses_to_alter_stored_evidence(casework: Casework) -> None:
    item = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=b"original")
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceItem.objects.filter(pk=item.pk).update(sha256="0" * 64)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("update cases_evidenceitem set name = 'renamed.txt' where id = %s", [item.pk])
    assert EvidenceItem.objects.get(pk=item.pk).name == "ledger.txt"


def test_a_download_is_checked_against_the_hash_and_recorded(casework: Casework, settings) -> None:  # type: ignore[no-untyped-def]
    item = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=b"original")
    assert evidence_read(actor=casework.head, item=item) == b"original"
    assert item.custody.filter(action="downloaded", actor=casework.head).exists()
    (settings.MEDIA_ROOT / blob_path(item.sha256)).write_bytes(b"forged")
    with pytest.raises(ValidationError):
        evidence_read(actor=casework.head, item=item)


def test_every_hand_over_is_a_custody_entry(casework: Casework) -> None:
    item = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=b"original")
    with pytest.raises(ValidationError):
        custody_record(actor=casework.investigator, item=item, action="transferred")
    custody_record(
        actor=casework.investigator, item=item, action="transferred", from_party="Investigator Ri", to_party="Lab"
    )
    assert list(item.custody.values_list("action", flat=True)) == ["received", "transferred"]
    assert audit_verify().ok


def _proposed(casework: Casework) -> Allegation:
    allegation = allegation_add(
        actor=casework.investigator,
        case=casework.case,
        category=_bribery(),
        officer=casework.force.grain_officer,
        particulars={"goods": "grain"},
    )
    return finding_propose(
        actor=casework.investigator, allegation=allegation, finding="sustained", reason="Ledger and two witnesses."
    )


def test_the_body_head_decides_a_proposed_finding(casework: Casework) -> None:
    decided = finding_decide(actor=casework.head, allegation=_proposed(casework))
    assert decided.finding == "sustained" and decided.decided_by == casework.head


def test_the_proposer_cannot_decide_his_own_finding(casework: Casework) -> None:
    allegation = allegation_add(
        actor=casework.head,
        case=casework.case,
        category=Category.objects.get(code="neglect"),
        officer=casework.force.grain_officer,
    )
    finding_propose(actor=casework.head, allegation=allegation, finding="sustained", reason="Seen.")
    with pytest.raises(PermissionDenied):
        finding_decide(actor=casework.head, allegation=allegation)
    assert Allegation.objects.get(pk=allegation.pk).finding == ""


def test_the_database_itself_refuses_a_decision_by_the_proposer(casework: Casework) -> None:
    allegation = _proposed(casework)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allegation.objects.filter(pk=allegation.pk).update(
            finding="sustained", decided_by=casework.investigator, decided_at=allegation.proposed_at
        )


def test_an_investigator_cannot_decide_and_nothing_is_decided_unproposed(casework: Casework) -> None:
    allegation = _proposed(casework)
    with pytest.raises(PermissionDenied):
        finding_decide(actor=casework.investigator, allegation=allegation)
    fresh = allegation_add(
        actor=casework.investigator,
        case=casework.case,
        category=_bribery(),
        officer=casework.force.grain_officer,
        particulars={"goods": "money"},
    )
    with pytest.raises(ValidationError):
        finding_decide(actor=casework.head, allegation=fresh)


def test_departing_from_the_proposal_needs_reasons(casework: Casework) -> None:
    allegation = _proposed(casework)
    with pytest.raises(ValidationError):
        finding_decide(actor=casework.head, allegation=allegation, finding="not_sustained")
    decided = finding_decide(
        actor=casework.head, allegation=allegation, finding="not_sustained", reason="Witnesses retracted."
    )
    assert decided.finding == "not_sustained"
    with pytest.raises(ValidationError):
        finding_decide(actor=casework.deputy_head, allegation=allegation)


REASONS = "Every allegation is decided; the measures go on."


def test_a_case_closes_only_when_every_finding_is_decided(casework: Casework) -> None:
    with pytest.raises(ValidationError, match="Add the allegations"):
        case_close(actor=casework.head, case=casework.case, reason=REASONS)
    allegation = _proposed(casework)
    with pytest.raises(ValidationError, match="decided finding"):
        case_close(actor=casework.head, case=casework.case, reason=REASONS)
    finding_decide(actor=casework.head, allegation=allegation)
    with pytest.raises(PermissionDenied):
        case_close(actor=casework.investigator, case=casework.case, reason=REASONS)
    with pytest.raises(ValidationError) as short:
        case_close(actor=casework.head, case=casework.case, reason="done")
    assert "reason" in short.value.error_dict
    assert Case.objects.get(pk=casework.case.pk).status == "open"
    closed = case_close(actor=casework.head, case=casework.case, reason=REASONS, outcome="referred")
    assert (closed.status, closed.closing_reason) == ("referred", REASONS)
    complaint = casework.case.complaints.get()
    assert complaint.status == Complaint.Status.CLOSED and complaint.events.filter(kind="closed").count() == 1
    assert AuditEntry.objects.filter(action="case.close", object_id=str(closed.pk)).count() == 1
    with pytest.raises(ValidationError, match="closed"):
        case_close(actor=casework.head, case=casework.case, reason=REASONS)
    with pytest.raises(ValidationError):
        allegation_add(
            actor=casework.investigator,
            case=casework.case,
            category=Category.objects.get(code="abuse_of_authority"),
            officer=casework.force.grain_officer,
        )


def test_closing_one_case_leaves_open_a_complaint_another_case_still_investigates(casework: Casework) -> None:
    complaint = casework.case.complaints.get()
    other = case_open(
        actor=casework.investigator, body=casework.force.body_a, title="The same grain", complaints=[complaint]
    )
    allegation = _proposed(casework)
    finding_decide(actor=casework.head, allegation=allegation)
    case_close(actor=casework.head, case=casework.case, reason=REASONS)
    assert Complaint.objects.get(pk=complaint.pk).status != Complaint.Status.CLOSED
    assert Case.objects.get(pk=other.pk).status == "open"


def test_a_task_is_done_once_and_never_due_before_the_case(casework: Casework) -> None:
    with pytest.raises(ValidationError) as early:
        task_add(
            actor=casework.investigator,
            case=casework.case,
            title="Weigh the store",
            due_on=timezone.localdate(casework.case.opened_at) - dt.timedelta(days=1),
        )
    assert "due_on" in early.value.error_dict
    task = task_add(
        actor=casework.investigator, case=casework.case, title="Weigh the store", due_on=timezone.localdate()
    )
    assert task_done(actor=casework.investigator, task=task).done_at is not None
    with pytest.raises(ValidationError, match="already"):
        task_done(actor=casework.investigator, task=task)


def test_an_allegation_s_date_is_a_real_day_up_to_today(casework: Casework) -> None:
    for day in (dt.date(1899, 12, 31), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            allegation_add(
                actor=casework.investigator,
                case=casework.case,
                category=Category.objects.get(code="abuse_of_authority"),
                officer=casework.force.grain_officer,
                occurred_on=day,
            )
        assert "occurred_on" in refused.value.error_dict
    kept = allegation_add(
        actor=casework.investigator,
        case=casework.case,
        category=Category.objects.get(code="abuse_of_authority"),
        officer=casework.force.grain_officer,
        particulars={"goods": "grain", "value": 3, "details": "Struck at the gate."},
    )
    # What was given belongs to bribery only.
    assert kept.particulars == {"details": "Struck at the gate."}


def test_only_the_case_s_body_records_custody_or_packages_it(casework: Casework, make_member) -> None:  # type: ignore[no-untyped-def]
    from ombud.cases.packages import package_build

    item = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=b"original")
    outsider = make_member(casework.force.body_b)
    with pytest.raises(PermissionDenied):
        custody_record(actor=outsider, item=item, action="transferred", to_party="my desk")
    with pytest.raises(PermissionDenied):
        package_build(actor=outsider, case=casework.case)
    assert list(item.custody.values_list("action", flat=True)) == ["received"]


def test_filing_the_same_bytes_again_repairs_a_damaged_stored_copy(casework: Casework, settings) -> None:  # type: ignore[no-untyped-def]
    item = evidence_add(actor=casework.investigator, case=casework.case, name="ledger.txt", data=b"true content")
    (settings.MEDIA_ROOT / blob_path(item.sha256)).write_bytes(b"damaged")
    again = evidence_add(actor=casework.investigator, case=casework.case, name="copy.txt", data=b"true content")
    assert again.sha256 == item.sha256
    assert evidence_read(actor=casework.head, item=item) == b"true content"


@pytest.mark.django_db(transaction=True)
def test_upgrading_dates_the_allegations_added_before_from_the_audit_log() -> None:
    # (Built with factories: a transactional test may follow one that emptied the seeded tables.)
    from django.db.migrations.executor import MigrationExecutor

    from ombud.audit.services import audit_record
    from tests.factories import AllegationFactory

    added, came_with_its_case = AllegationFactory(), AllegationFactory()
    with transaction.atomic():
        audit_record(actor=None, action="allegation.add", obj=added, data={})
    at = AuditEntry.objects.get(action="allegation.add", object_id=str(added.pk)).at
    before = [("cases", "0004_case_closing_reason")]
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("cases")
    MigrationExecutor(connection).migrate(before)  # the field and its value are gone
    MigrationExecutor(connection).migrate(latest)
    added.refresh_from_db()
    came_with_its_case.refresh_from_db()
    assert added.added_at == at and came_with_its_case.added_at is None
