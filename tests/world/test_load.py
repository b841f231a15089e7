"""Loading a simulated world: one transaction, the same digest for the same seed, and ground truth
only in the world app's tables."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ombud.audit.models import AuditEntry
from ombud.audit.selectors import audit_verify
from ombud.cases.models import Allegation, Case
from ombud.discipline.models import Measure, MeasureStep
from ombud.intake.models import Complainant, Complaint, ComplaintEvent, ComplaintSubject
from ombud.org.models import (
    Jurisdiction,
    Officer,
    Official,
    OfficialPost,
    OversightBody,
    Place,
    PlaceAssignment,
    StationAssignment,
    Unit,
)
from ombud.world import load, sim
from ombud.world.digest import world_digest
from ombud.world.load import world_load
from ombud.world.models import BodyTruth, ComplaintTruth, Retaliation, RingMember, Truth, WorldRun
from ombud.world.params import WorldParams
from ombud.world.sim import World, simulate

END = dt.date(2026, 6, 30)
SMALL = {"officers": 150, "years": 3, "seed": 3, "end_date": END}

# Children before parents, so the rows can go with plain DELETEs.
WORLD_TABLES: list[Any] = [
    ComplaintTruth,
    Retaliation,
    BodyTruth,
    RingMember,
    Truth,
    WorldRun,
    MeasureStep,
    Measure,
    Allegation,
    Case.complaints.through,
    Case,
    ComplaintEvent,
    ComplaintSubject,
    Complaint.categories.through,
    Complaint,
    Complainant,
    OfficialPost,
    Official,
    PlaceAssignment,
    StationAssignment,
    Officer,
    Jurisdiction,
    OversightBody,
    Place,
    Unit,
]


def _wipe() -> None:
    """Empty every table a world fills, leaving the seeded kinds, roles and categories: a fresh
    database for the next load."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in WORLD_TABLES:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")


@pytest.fixture(scope="module")
def small() -> World:
    return simulate(WorldParams(**SMALL))  # type: ignore[arg-type]


def test_loading_writes_every_table(db: None, small: World) -> None:
    loaded = world_load(small)
    counts = small.counts()
    assert Unit.objects.count() == counts["units"]
    assert OversightBody.objects.count() == counts["bodies"] == Jurisdiction.objects.count()
    assert Place.objects.count() == counts["places"]
    assert Officer.objects.count() == counts["officers"] == Truth.objects.count()
    assert StationAssignment.objects.count() == counts["station_assignments"]
    assert PlaceAssignment.objects.count() == counts["place_assignments"]
    assert Official.objects.count() == counts["officials"]
    assert OfficialPost.objects.count() == counts["official_posts"]
    assert Complainant.objects.count() == counts["complainants"]
    assert Complaint.objects.count() == counts["complaints"] == ComplaintTruth.objects.count()
    assert ComplaintSubject.objects.count() == counts["complaint_subjects"]
    assert ComplaintEvent.objects.count() == counts["complaint_events"]
    assert Case.objects.count() == counts["cases"]
    assert Allegation.objects.count() == counts["allegations"]
    assert Measure.objects.count() == counts["measures"]
    assert MeasureStep.objects.count() == counts["measure_steps"]
    assert RingMember.objects.values("ring").distinct().count() == counts["rings"]
    assert loaded.run.digest == loaded.digest == world_digest()
    assert loaded.run.seed == 3 and loaded.run.parameters["end_date"] == END.isoformat()


def test_officers_serve_where_their_open_assignment_is(db: None, small: World) -> None:
    world_load(small)
    for officer in Officer.objects.prefetch_related("station_assignments"):
        open_ = [a for a in officer.station_assignments.all() if a.end_on is None]
        assert [a.unit_id for a in open_] == ([officer.unit_id] if officer.unit_id else [])
        assert (officer.left_on is None) == (officer.unit_id is not None)


def test_rows_read_back_as_the_models_expect(db: None, small: World) -> None:
    world_load(small)
    first = Complaint.objects.order_by("received_at", "reference").first()
    assert first is not None
    expected = dt.datetime.fromtimestamp(int(small.complaints.received_at[0]), dt.UTC)
    assert (first.reference, first.received_at) == (small.complaints.reference[0], expected)
    assert first.received_at.tzinfo is not None
    for complaint in Complaint.objects.select_related("routed_to")[:200]:
        reason = complaint.routing_reason
        assert complaint.routed_to is not None
        assert reason["rule"] in sim.ROUTING_RULES
        chosen = complaint.addressee_id if reason["rule"] == "addressed_by_complainant" else complaint.routed_to_id
        assert reason["chosen"] == chosen
        assert reason["subject_units"] == [complaint.subjects.get(kind__in=["officer", "unidentified"]).unit_id]
        assert complaint.routed_to.level < 3
        kinds = list(complaint.events.order_by("at", "id").values_list("kind", flat=True))
        assert kinds[:2] == ["filed", "routed"]
        assert ("closed" in kinds) == (complaint.status == Complaint.Status.CLOSED)
    assert Complaint.objects.filter(reference__startswith=f"SIM-{END.year}-").exists()
    bribery = Allegation.objects.filter(category__code="bribery").first()
    assert bribery is not None and set(bribery.particulars) == {"goods", "value"}
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        assert unit.ancestor_ids()[-1] == unit.pk
        assert unit.depth == len(unit.ancestor_ids()) - 1
        if unit.parent_id is not None:
            assert unit.path.startswith(units[unit.parent_id].path)
    assert Officer.objects.filter(status=Officer.Status.SUSPENDED).exists()


def test_the_same_seed_gives_the_same_digest_in_a_fresh_database(
    db: None, small: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = world_load(small).digest
    _wipe()
    assert Officer.objects.count() == 0
    # The second database hands out other ids; the digest must not see them.
    next_id = load._next_id
    monkeypatch.setattr(load, "_next_id", lambda model: next_id(model) + 1000)
    again = world_load(simulate(WorldParams(**SMALL))).digest  # type: ignore[arg-type]
    assert Officer.objects.order_by("pk").first().pk > 1000  # type: ignore[union-attr]
    assert again == first
    _wipe()
    other = world_load(simulate(WorldParams(**{**SMALL, "seed": 4}))).digest  # type: ignore[arg-type]
    assert other != first


def test_simulate_writes_a_world_and_the_audit_chain_holds(db: None) -> None:
    out = io.StringIO()
    call_command("simulate", **SMALL, quiet=True, stdout=out)
    assert Officer.objects.count() > 150
    assert re.search(r"complaints\s+[\d,]+", out.getvalue())
    entries = AuditEntry.objects.filter(action__startswith="world.simulate")
    assert entries.count() == 2
    run = WorldRun.objects.get()
    assert {e.object_id for e in entries} == {str(run.pk)}
    assert '"officers":' in entries.get(action="world.simulate").payload
    assert audit_verify().ok


def test_simulate_refuses_a_database_that_holds_officers(db: None) -> None:
    call_command("simulate", **SMALL, quiet=True, stdout=io.StringIO())
    before = (Officer.objects.count(), Complaint.objects.count(), Unit.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match="already holds"):
        call_command("simulate", **{**SMALL, "seed": 9}, quiet=True, stdout=io.StringIO())
    after = (Officer.objects.count(), Complaint.objects.count(), Unit.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_simulate_adds_a_second_world_next_to_the_first_with_add(db: None) -> None:
    call_command("simulate", **SMALL, quiet=True, stdout=io.StringIO())
    officers, complaints = Officer.objects.count(), Complaint.objects.count()
    rings = RingMember.objects.values("ring").distinct().count()
    call_command("simulate", **SMALL, add=True, quiet=True, stdout=io.StringIO())
    assert Officer.objects.count() == 2 * officers
    assert Complaint.objects.count() == 2 * complaints
    # One force: the second world's provinces join the first ministry and its national body.
    assert Unit.objects.filter(parent__isnull=True).count() == 1
    assert OversightBody.objects.filter(level=0).count() == 1
    prefix = Officer.objects.order_by("-pk").first().badge.split("-")[0]  # type: ignore[union-attr]
    assert prefix.startswith("S3N")
    assert Complaint.objects.filter(reference__startswith=prefix).count() == complaints
    # Ring numbers continue: the second world's rings are not mixed up with the first's.
    assert RingMember.objects.values("ring").distinct().count() == 2 * rings > 0
    assert WorldRun.objects.count() == 2
    assert audit_verify().ok


def test_a_failed_load_writes_nothing(db: None, small: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(**kwargs: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(load, "world_digest", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        world_load(small)
    assert not Unit.objects.exists()
    assert not Officer.objects.exists()
    assert not Complaint.objects.exists()
    assert not Truth.objects.exists()
    assert not AuditEntry.objects.exists()


def test_ground_truth_stays_in_the_world_tables(db: None, small: World) -> None:
    world_load(small)
    truth_words = re.compile(
        r"vampire|corrupt|collud|colluder|retaliat|honest|bribe_taker|captured", re.IGNORECASE
    )
    texts: list[str] = [
        *Complaint.objects.values_list("description", flat=True),
        *(str(r) for r in Complaint.objects.values_list("routing_reason", flat=True)),
        *Case.objects.values_list("title", flat=True),
        *Measure.objects.values_list("reason", flat=True),
        *ComplaintSubject.objects.values_list("description", flat=True),
        *ComplaintEvent.objects.values_list("note", flat=True),
        *AuditEntry.objects.values_list("payload", flat=True),
    ]
    assert not [t for t in texts if truth_words.search(t)]
    # Simulated complainants carry a token to count them by, and no identity.
    assert not Complainant.objects.filter(anonymous=False).exists()
    assert not Complainant.objects.filter(name_sealed__isnull=False).exists()
    assert Complainant.objects.exclude(identity_digest="").count() == Complainant.objects.count()
    assert Truth.objects.exclude(kind=Truth.Kind.HONEST).exists()
