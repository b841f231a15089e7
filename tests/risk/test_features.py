"""Features as of a date see nothing of what came after it: changing every later record leaves
them exactly as they were."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from ombud.cases.models import Allegation, Case, Finding
from ombud.discipline.models import Measure
from ombud.org.models import Officer, StationAssignment
from ombud.risk.events import events_load
from ombud.risk.features import FeatureSpec, cohort, features, labels, spec_for
from tests.factories import (
    AllegationFactory,
    CaseFactory,
    CategoryFactory,
    ComplaintFactory,
    ComplaintSubjectFactory,
    OfficerFactory,
)
from tests.risk.data import import_dir
from tests.risk.helpers import write_interchange

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2017, 6, 30)


def history(directory: Path) -> Path:
    return write_interchange(
        directory,
        officers=[
            {"officer_id": "A", "last_name": "Able", "unit": "D1"},
            {"officer_id": "B", "last_name": "Baker", "unit": "D1"},
            {"officer_id": "C", "last_name": "Cain", "unit": "D2", "hired_on": "2016-01-01"},
        ],
        complaints=[
            {
                "complaint_id": "1",
                "received_on": "2016-02-01",
                "occurred_on": "2016-01-20",
                "closed_on": "2016-08-01",
            },
            {
                "complaint_id": "2",
                "received_on": "2017-03-01",
                "occurred_on": "2017-02-25",
                "closed_on": "2017-09-01",
            },
            {"complaint_id": "3", "received_on": "2017-05-01"},
            {
                "complaint_id": "4",
                "received_on": "2016-11-11",
                "occurred_on": "2016-11-10",
                "closed_on": "2016-12-01",
            },
        ],
        allegations=[
            {"complaint_id": "1", "officer_id": "A", "category": "Use of Force", "finding": "sustained"},
            {"complaint_id": "1", "officer_id": "B", "category": "Use of Force", "finding": "unfounded"},
            {"complaint_id": "2", "officer_id": "A", "category": "Discourtesy", "finding": "sustained"},
            {"complaint_id": "3", "officer_id": "B", "category": "Discourtesy", "finding": "pending"},
            {"complaint_id": "4", "officer_id": "C", "category": "Neglect", "finding": "exonerated"},
        ],
    )


def later(directory: Path) -> Path:
    """Everything here happens, or becomes known, after AS_OF."""
    return write_interchange(
        directory,
        officers=[{"officer_id": "D", "last_name": "Dale", "unit": "D1"}],
        complaints=[
            # About an incident before AS_OF, but received after it: not known on AS_OF.
            {
                "complaint_id": "5",
                "received_on": "2017-07-15",
                "occurred_on": "2017-06-01",
                "closed_on": "2017-12-01",
            },
            {
                "complaint_id": "6",
                "received_on": "2017-08-01",
                "occurred_on": "2017-07-30",
                "closed_on": "2018-01-10",
            },
            {"complaint_id": "7", "received_on": "2018-02-01", "occurred_on": "2018-01-30"},
        ],
        allegations=[
            {"complaint_id": "5", "officer_id": "A", "category": "Use of Force", "finding": "sustained"},
            {"complaint_id": "5", "officer_id": "C", "category": "Use of Force", "finding": "sustained"},
            {"complaint_id": "6", "officer_id": "B", "category": "Neglect", "finding": "sustained"},
            {"complaint_id": "6", "officer_id": "D", "category": "Neglect", "finding": "sustained"},
            {"complaint_id": "7", "officer_id": "A", "category": "Discourtesy", "finding": "pending"},
        ],
    )


def matrix_as_of(day: dt.date, spec: FeatureSpec) -> tuple[list[int], np.ndarray]:
    ev = events_load()
    rows = cohort(ev, day.toordinal())
    return ev.officer_id[rows].tolist(), features(ev, day.toordinal(), rows, spec)


def test_changing_every_record_after_the_as_of_date_leaves_the_features_unchanged(tmp_path: Path) -> None:
    import_dir(history(tmp_path / "history"))
    spec = spec_for(events_load(), AS_OF.toordinal())
    ids_before, before = matrix_as_of(AS_OF, spec)

    import_dir(later(tmp_path / "later"))
    # The pending finding on complaint 3 is decided after AS_OF, and a measure is proposed then.
    pending = Allegation.objects.get(case__external_id="3")
    pending.finding, pending.decided_at = Finding.SUSTAINED, dt.datetime(2017, 9, 1, tzinfo=dt.UTC)
    pending.save(update_fields=["finding", "decided_at"])
    Measure.objects.create(
        officer=Officer.objects.get(external_id="B"),
        kind=Measure.Kind.WARNING,
        proposed_at=dt.datetime(2017, 10, 1, tzinfo=dt.UTC),
    )
    Officer.objects.filter(external_id="C").update(left_on=dt.date(2019, 1, 1))
    ids_after, after = matrix_as_of(AS_OF, spec)

    assert ids_after == ids_before
    np.testing.assert_array_equal(after, before)
    # ... while the same change does move the features of a later date.
    assert not np.array_equal(matrix_as_of(dt.date(2018, 6, 30), spec)[1][: len(ids_before)], before)


def test_a_complaint_received_after_the_date_is_not_known_on_it_even_about_an_earlier_incident(
    tmp_path: Path,
) -> None:
    import_dir(history(tmp_path / "history"))
    import_dir(later(tmp_path / "later"))
    ev = events_load()
    spec = FeatureSpec(())
    names = spec.names()
    t = AS_OF.toordinal()
    a = ev.index_of([Officer.objects.get(external_id="A").pk])
    row = dict(zip(names, features(ev, t, a, spec)[0].tolist(), strict=True))
    # Complaint 2's finding was decided after the date: pending then.
    assert (row["complaints_all"], row["complaints_1y"], row["sustained_all"], row["pending_all"]) == (
        2.0,
        1.0,
        1.0,
        1.0,
    )
    # Known a fortnight later, complaint 5 counts from then on, dated by its incident.
    later_row = dict(zip(names, features(ev, t + 20, a, spec)[0].tolist(), strict=True))
    assert (later_row["complaints_all"], later_row["complaints_90d"]) == (3.0, 1.0)


def test_an_allegation_without_its_own_date_happened_when_its_complaint_says_not_when_the_case_opened(
    tmp_path: Path,
) -> None:
    # Received ten days before the date about an incident twelve days before; the case is opened ten
    # days after the date and the allegation written without the incident's date.
    import_dir(
        write_interchange(
            tmp_path / "force",
            officers=[{"officer_id": "D", "last_name": "Dale", "unit": "D1", "hired_on": "2010-01-04"}],
            complaints=[{"complaint_id": "9", "received_on": "2017-06-20", "occurred_on": "2017-06-18"}],
            allegations=[{"complaint_id": "9", "officer_id": "D", "category": "Neglect", "finding": ""}],
        )
    )
    Case.objects.filter(external_id="9").update(opened_at=dt.datetime(2017, 7, 10, tzinfo=dt.UTC))
    Allegation.objects.filter(case__external_id="9").update(occurred_on=None)
    ev = events_load()
    officer = ev.index_of([Officer.objects.get(external_id="D").pk])
    t = AS_OF.toordinal()
    spec = FeatureSpec(())
    assert features(ev, t, officer, spec)[0, spec.names().index("complaints_all")] == 1  # known on the date
    # ... so it is no outcome of the year after it.
    assert labels(ev, t, officer, kind="any").tolist() == [False]
    assert ev.al_event.tolist() == [dt.date(2017, 6, 18).toordinal()]


def test_an_allegation_without_its_own_date_takes_the_complaint_naming_its_officer_in_a_joined_case(
    tmp_path: Path,
) -> None:
    # One case joins an old complaint about E and a recent one about D: D's undated allegation is
    # about the recent incident, not the case's earliest.
    import_dir(
        write_interchange(
            tmp_path / "force",
            officers=[
                {"officer_id": "D", "last_name": "Dale", "unit": "D1", "hired_on": "2010-01-04"},
                {"officer_id": "E", "last_name": "Eddy", "unit": "D1", "hired_on": "2010-01-04"},
            ],
            complaints=[
                {"complaint_id": "8", "received_on": "2016-02-01", "occurred_on": "2016-01-30"},
                {"complaint_id": "9", "received_on": "2017-06-20", "occurred_on": "2017-06-18"},
            ],
            allegations=[
                {"complaint_id": "8", "officer_id": "E", "category": "Neglect", "finding": ""},
                {"complaint_id": "9", "officer_id": "D", "category": "Neglect", "finding": ""},
            ],
        )
    )
    joined = Case.objects.get(external_id="8")
    joined.complaints.add(*Case.objects.get(external_id="9").complaints.all())
    # (added to the older case when the second complaint came in, as allegation_add records it)
    Allegation.objects.filter(case__external_id="9").update(
        case=joined, added_at=dt.datetime(2017, 6, 22, tzinfo=dt.UTC)
    )
    Allegation.objects.update(occurred_on=None)
    ev = events_load()
    events = dict(zip(ev.officer_id[ev.al_officer].tolist(), ev.al_event.tolist(), strict=True))
    pk = dict(Officer.objects.values_list("external_id", "pk"))
    assert events == {pk["E"]: dt.date(2016, 1, 30).toordinal(), pk["D"]: dt.date(2017, 6, 18).toordinal()}


def test_a_finding_decided_after_the_date_is_still_pending_on_it(tmp_path: Path) -> None:
    import_dir(history(tmp_path / "history"))
    spec = FeatureSpec(())

    def sustained_and_pending() -> tuple[float, float]:
        ev = events_load()
        a = ev.index_of([Officer.objects.get(external_id="A").pk])
        row = dict(zip(spec.names(), features(ev, AS_OF.toordinal(), a, spec)[0].tolist(), strict=True))
        return row["sustained_all"], row["pending_all"]

    assert sustained_and_pending() == (1.0, 1.0)
    Allegation.objects.filter(case__external_id="1", officer__external_id="A").update(
        decided_at=dt.datetime(2017, 8, 1, tzinfo=dt.UTC)
    )
    assert sustained_and_pending() == (0.0, 2.0)


def test_the_label_counts_allegations_with_an_incident_in_the_year_after(tmp_path: Path) -> None:
    import_dir(history(tmp_path / "history"))
    import_dir(later(tmp_path / "later"))
    ev = events_load()
    t = AS_OF.toordinal()
    rows = cohort(ev, t)
    ids = ev.officer_id[rows].tolist()
    held = dict(zip(ids, labels(ev, t, rows, kind="sustained").tolist(), strict=True))
    anything = dict(zip(ids, labels(ev, t, rows, kind="any").tolist(), strict=True))
    pk = {o.external_id: o.pk for o in Officer.objects.all()}
    # A's complaint 5 is about an incident before the date: not in the label year.
    assert held == {pk["A"]: False, pk["B"]: True, pk["C"]: False}
    assert anything[pk["A"]] is True  # complaint 7 (pending) falls in the year
    # Seen from a horizon before the finding was decided, B's label is not known yet.
    horizon = dt.date(2017, 12, 31).toordinal()
    assert labels(ev, t, rows, kind="sustained", horizon=horizon).tolist() == [False, False, False]


def test_the_cohort_holds_officers_serving_on_the_date_or_named_in_the_three_years_before(tmp_path: Path) -> None:
    import_dir(history(tmp_path / "history"))
    ev = events_load()
    pk = {o.external_id: o.pk for o in Officer.objects.all()}
    assert set(ev.officer_id[cohort(ev, AS_OF.toordinal())].tolist()) == {pk["A"], pk["B"], pk["C"]}
    # C was hired in 2016: he is in the cohort for serving, not for a complaint.
    assert pk["C"] not in ev.officer_id[cohort(ev, dt.date(2015, 12, 31).toordinal())].tolist()
    assert set(ev.officer_id[cohort(ev, dt.date(2021, 1, 1).toordinal())].tolist()) == {pk["C"]}


def test_a_sub_force_keeps_exactly_its_own_officers_records(tmp_path: Path) -> None:
    import_dir(history(tmp_path / "history"))
    ev = events_load()
    t = AS_OF.toordinal()
    spec = spec_for(ev, t)
    names = spec.names()
    external = dict(Officer.objects.values_list("pk", "external_id"))
    keep = np.array([external[int(pk)] in ("B", "C") for pk in ev.officer_id])
    sub = ev.restricted_to(keep)

    assert sorted(external[int(pk)] for pk in sub.officer_id) == ["B", "C"]
    whole = features(ev, t, np.flatnonzero(keep), spec)
    part = features(sub, t, np.arange(sub.n_officers), spec)
    own = [i for i, name in enumerate(names) if not name.startswith(("co_subjects", "unit_"))]
    # Each officer's own complaints, allegations and findings are all there; only what he shared
    # with the officer left out (co-subjects, unit peers) may differ.
    np.testing.assert_array_equal(part[:, own], whole[:, own])
    assert part[:, names.index("co_subjects")].tolist() == [0.0, 0.0]
    assert whole[:, names.index("co_subjects")].tolist() == [1.0, 0.0]


def test_each_column_holds_the_figure_its_name_says(tmp_path: Path) -> None:
    import_dir(history(tmp_path / "history"))
    day = dt.date(2018, 3, 1)
    ev = events_load()
    spec = spec_for(ev, day.toordinal())
    ids, matrix = matrix_as_of(day, spec)
    external = dict(Officer.objects.values_list("pk", "external_id"))
    rows = {external[pk]: dict(zip(spec.names(), matrix[i].tolist(), strict=True)) for i, pk in enumerate(ids)}
    a, b, c = rows["A"], rows["B"], rows["C"]
    # A: two complaints, both sustained by now (complaint 2 was decided in September 2017).
    assert (a["complaints_all"], a["allegations_all"], a["sustained_all"], a["sustained_share_all"]) == (
        2,
        2,
        2,
        1.0,
    )
    assert (a["category:use_of_force_all"], a["category:discourtesy_all"], a["category:neglect_all"]) == (1, 1, 0)
    # B: one unfounded, one still pending; one complaint in the two years, with one allegation.
    assert (b["unfounded_all"], b["pending_all"], b["sustained_share_all"]) == (1, 1, 0.0)
    assert (b["complaints_2y"], b["allegations_per_complaint_2y"]) == (1, 1.0)
    # C: one exonerated complaint of neglect; hired on 2016-01-01.
    assert (c["category:neglect_all"], c["exonerated_all"], c["tenure_days"]) == (
        1,
        1,
        (day - dt.date(2016, 1, 1)).days,
    )
    # Five years back reaches before the first record: unknown, not zero.
    assert np.isnan(a["sustained_share_5y"]) and np.isnan(a["complaints_5y"])


def test_complaints_by_one_person_count_as_one_complainant_however_many_rows_the_portal_made(
    tmp_path: Path,
) -> None:
    from ombud.intake.models import Complainant, Complaint

    import_dir(history(tmp_path / "history"))
    # As the portal files them: a complainant row per complaint, the same person told by the digest.
    for external_id, digest in (("1", "same-person"), ("2", "same-person"), ("3", "someone-else")):
        complaint = Complaint.objects.get(external_id=external_id)
        complaint.complainant = Complainant.objects.create(anonymous=False, identity_digest=digest)
        complaint.save(update_fields=["complainant"])
    day = dt.date(2018, 3, 1)
    spec = spec_for(events_load(), day.toordinal())
    ids, matrix = matrix_as_of(day, spec)
    external = dict(Officer.objects.values_list("pk", "external_id"))
    rows = {external[pk]: dict(zip(spec.names(), matrix[i].tolist(), strict=True)) for i, pk in enumerate(ids)}
    a, b = rows["A"], rows["B"]
    # A: complaints 1 and 2, both from one person; only complaint 2 is within two years.
    assert (a["complainants_all"], a["repeat_complaints_all"], a["repeat_complaints_2y"]) == (1, 1, 0)
    # B: complaints 1 and 3, from two people.
    assert (b["complainants_all"], b["repeat_complaints_all"]) == (2, 0)


def test_a_complainant_without_a_digest_stands_for_himself_and_anonymous_ones_for_no_one() -> None:
    from ombud.risk.events import _complainant_keys

    # (officer, complaint, received, occurred, complainant row, addressee, unit, identity digest)
    rows = [
        (1, 1, None, None, 10, None, None, "same-person"),
        (1, 2, None, None, 11, None, None, "same-person"),
        (1, 3, None, None, 12, None, None, ""),
        (1, 4, None, None, 13, None, None, ""),
        (1, 5, None, None, None, None, None, None),
    ]
    keys = _complainant_keys(rows).tolist()
    assert keys[0] == keys[1] and len({keys[0], keys[2], keys[3]}) == 3 and keys[4] == -1


def test_a_window_that_starts_on_the_first_day_of_record_is_known_one_that_starts_before_is_not(
    tmp_path: Path,
) -> None:
    import_dir(
        write_interchange(
            tmp_path / "force",
            officers=[{"officer_id": "A", "last_name": "Able", "unit": "D1"}],
            complaints=[{"complaint_id": "1", "received_on": "2016-01-01", "occurred_on": "2016-01-01"}],
            allegations=[{"complaint_id": "1", "officer_id": "A", "category": "Neglect"}],
        )
    )
    ev, spec = events_load(), FeatureSpec(())
    column = spec.names().index("complaints_1y")
    first = dt.date(2016, 1, 1).toordinal()
    # The 1-year window as of the 365th day of the record holds the whole record.
    assert features(ev, first + 364, np.array([0]), spec)[0, column] == 1
    assert np.isnan(features(ev, first + 363, np.array([0]), spec)[0, column])


def test_an_officers_unit_peers_are_the_same_whoever_else_is_scored_with_him(tmp_path: Path) -> None:
    # Scoring reads today's active officers, training the cohort of each date: the figures about
    # his unit must not depend on which (nor on who is still active today).
    import_dir(history(tmp_path / "history"))
    for officer in Officer.objects.filter(external_id__in=["A", "B"]):
        StationAssignment.objects.create(officer=officer, unit=officer.unit, start_on=dt.date(2015, 1, 1))
    ev, spec = events_load(), FeatureSpec(())
    t = AS_OF.toordinal()
    a = ev.index_of([Officer.objects.get(external_id="A").pk])
    peers = [spec.names().index(name) for name in spec.names() if name.startswith("unit_")]
    alone = features(ev, t, a, spec)[0, peers]
    with_all = features(ev, t, cohort(ev, t), spec)[list(cohort(ev, t)).index(a[0]), peers]
    np.testing.assert_array_equal(alone, with_all)
    assert alone[0] == 1  # unit_peers: Baker, named in the three years before, serves in his unit
    Officer.objects.filter(external_id="B").update(status=Officer.Status.RETIRED)
    np.testing.assert_array_equal(features(events_load(), t, a, spec)[0, peers], alone)


def test_a_complaint_counts_under_the_categories_alleged_against_each_officer_once_alleged() -> None:
    bribery, rudeness = CategoryFactory(code="bribe_t"), CategoryFactory(code="rude_t")
    taker, bystander = OfficerFactory(), OfficerFactory()
    filed = dt.datetime(2017, 1, 10, tzinfo=dt.UTC)
    complaint = ComplaintFactory(received_at=filed, categories=[bribery, rudeness])
    for officer in (taker, bystander):
        ComplaintSubjectFactory(complaint=complaint, officer=officer)
    case = CaseFactory(opened_at=filed + dt.timedelta(days=22))
    case.complaints.add(complaint)
    AllegationFactory(case=case, officer=taker, category=bribery, occurred_on=dt.date(2017, 1, 5))
    AllegationFactory(case=case, officer=bystander, category=rudeness, occurred_on=dt.date(2017, 1, 5))
    spec = FeatureSpec(("bribe_t", "rude_t"))

    def counts(day: dt.date) -> dict[int, tuple[float, float]]:
        ids, matrix = matrix_as_of(day, spec)
        names = spec.names()
        at = names.index("category:bribe_t_all"), names.index("category:rude_t_all")
        return {pk: (matrix[i, at[0]], matrix[i, at[1]]) for i, pk in enumerate(ids)}

    # Filed, no case yet: the complaint's own categories, for both.
    assert counts(dt.date(2017, 1, 20)) == {taker.pk: (1, 1), bystander.pk: (1, 1)}
    # Once the allegations are known, each counts what he is alleged: the bystander took no bribe.
    assert counts(dt.date(2017, 3, 1)) == {taker.pk: (1, 0), bystander.pk: (0, 1)}


def test_one_allegation_in_a_case_joining_complaints_counts_once_and_a_bystander_for_nothing() -> None:
    bribery, rudeness = CategoryFactory(code="bribe_t"), CategoryFactory(code="rude_t")
    taker, bystander = OfficerFactory(), OfficerFactory()
    case = CaseFactory(opened_at=dt.datetime(2017, 2, 1, tzinfo=dt.UTC))
    for day in (3, 10, 17):
        complaint = ComplaintFactory(received_at=dt.datetime(2017, 1, day, tzinfo=dt.UTC), categories=[rudeness])
        ComplaintSubjectFactory(complaint=complaint, officer=taker)
        case.complaints.add(complaint)
    ComplaintSubjectFactory(complaint=complaint, officer=bystander)  # named in the last one only
    AllegationFactory(case=case, officer=taker, category=bribery, occurred_on=dt.date(2017, 1, 2))
    spec = FeatureSpec(("bribe_t", "rude_t"))
    ids, matrix = matrix_as_of(dt.date(2017, 3, 1), spec)
    names = spec.names()
    row = {
        pk: (matrix[i, names.index("category:bribe_t_all")], matrix[i, names.index("category:rude_t_all")])
        for i, pk in enumerate(ids)
    }
    # Three complaints about him, one bribery allegation: one bribery complaint, not three.
    assert row[taker.pk] == (1, 0) and matrix[ids.index(taker.pk), names.index("complaints_all")] == 3
    # Named, alleged nothing once the case was built: no category counts against him.
    assert row[bystander.pk] == (0, 0)
