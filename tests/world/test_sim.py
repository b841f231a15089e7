"""The pure simulator: deterministic, with a hidden corrupt minority that shows only through what
villagers report and what bodies find."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from ombud.world import names, sim
from ombud.world.params import WorldParams
from ombud.world.sim import World, simulate, world_fields

END = dt.date(2026, 11, 26)


def _same(a: World, b: World) -> bool:
    fa, fb = world_fields(a), world_fields(b)
    assert fa.keys() == fb.keys()
    for key, value in fa.items():
        other = fb[key]
        if isinstance(value, np.ndarray):
            if not (isinstance(other, np.ndarray) and value.dtype == other.dtype and np.array_equal(value, other)):
                return False
        elif value != other:
            return False
    return True


@pytest.fixture(scope="module")
def demo() -> World:
    return simulate(WorldParams(officers=2000, years=12, seed=1, end_date=END))


def test_the_same_seed_gives_the_same_world() -> None:
    params = WorldParams(officers=300, years=4, seed=11, end_date=END)
    assert _same(simulate(params), simulate(params))


def test_a_different_seed_gives_a_different_world() -> None:
    a = simulate(WorldParams(officers=300, years=4, seed=11, end_date=END))
    b = simulate(WorldParams(officers=300, years=4, seed=12, end_date=END))
    assert not _same(a, b)
    assert a.complaints.description != b.complaints.description


def test_the_demo_world_has_the_volumes_of_a_county_force(demo: World) -> None:
    counts = demo.counts()
    assert counts["officers"] >= 2000
    assert counts["places"] >= 1000
    assert counts["officials"] >= 1000
    assert 8000 <= counts["complaints"] <= 15000
    assert counts["cases"] >= 500
    assert counts["measures"] >= 50
    assert counts["complaint_years"] == 12
    assert 8 <= counts["units"] - 1 - 1 - 60 <= 14  # about ten county branches
    years = {sim.date_of(d).year for d in (demo.complaints.received_at // sim.DAY).tolist()}
    assert years == set(range(END.year - 11, END.year + 1))


def test_complaints_stay_between_the_first_year_and_the_end_date(demo: World) -> None:
    received = demo.complaints.received_at // sim.DAY
    assert received.min() >= sim.day_of(dt.date(END.year - 11, 1, 1))
    assert received.max() < sim.day_of(END)
    assert (demo.complaints.occurred_on <= received).all()
    closed = demo.complaints.closed_at >= 0
    assert (demo.complaints.closed_at[closed] >= demo.complaints.received_at[closed]).all()
    # Recent complaints are still open.
    assert (demo.complaints.status != sim.CLOSED).sum() > 0


def test_corruption_is_a_hidden_minority(demo: World) -> None:
    kind = demo.truth.kind
    corrupt = (kind != sim.HONEST).mean()
    assert 0.03 <= corrupt <= 0.2
    assert (kind == sim.VAMPIRE).sum() == 2
    assert (kind == sim.COLLUDER).sum() > 0
    assert (kind == sim.BRIBE_TAKER).sum() > 0
    retaliated = demo.truth.retaliated
    assert retaliated.sum() > 0
    assert (kind[retaliated] == sim.HONEST).all()
    assert (demo.truth.corrupt_from[kind == sim.HONEST] == -1).all()
    assert (demo.truth.corrupt_from[kind != sim.HONEST] >= 0).all()


def test_corruption_may_start_partway_through_the_years(demo: World) -> None:
    corrupt = demo.truth.kind != sim.HONEST
    start = np.maximum(demo.officers.hired_on, demo.start_day)
    assert (demo.truth.corrupt_from[corrupt] > start[corrupt] + 365).any()


def test_corrupt_officers_draw_more_complaints(demo: World) -> None:
    named = demo.subjects.kind == 0
    per_officer = np.bincount(demo.subjects.officer[named], minlength=len(demo.officers.badge))
    kind = demo.truth.kind
    honest = per_officer[kind == sim.HONEST].mean()
    assert per_officer[kind == sim.BRIBE_TAKER].mean() > 2 * honest
    assert per_officer[kind == sim.COLLUDER].mean() > 2 * honest
    assert per_officer[kind == sim.VAMPIRE].min() > 10 * honest
    assert per_officer[demo.truth.retaliated].mean() > honest


def test_findings_are_noisy_both_ways(demo: World) -> None:
    a = demo.allegations
    decided = (a.finding >= 0) & (a.officer >= 0)
    kind = demo.truth.kind[np.maximum(a.officer, 0)]
    corrupt_category = names.SERIOUS[a.category] & (a.category != 5)
    against_corrupt = decided & (kind != sim.HONEST) & corrupt_category
    against_honest = decided & (kind == sim.HONEST)
    sustained = a.finding == 0
    assert 0 < sustained[against_corrupt].mean() < 1
    assert 0 < sustained[against_honest].mean() < sustained[against_corrupt].mean()


def test_captured_county_bodies_bury_complaints(demo: World) -> None:
    c = demo.complaints
    in_case = np.zeros(len(c.reference), dtype=bool)
    in_case[demo.case_complaints.right] = True
    at_county = (demo.bodies.level[c.routed_to] == 2) & (c.escalations == 0) & (c.addressee < 0)
    captured = demo.captured[c.routed_to]
    assert in_case[at_county & captured].mean() < 0.6 * in_case[at_county & ~captured].mean()


def test_vampires_end_suspended_after_villagers_went_over_the_county(demo: World) -> None:
    c = demo.complaints
    named = demo.subjects.kind == 0
    for vampire in np.flatnonzero(demo.truth.kind == sim.VAMPIRE).tolist():
        mine = demo.subjects.complaint[named & (demo.subjects.officer == vampire)]
        climbed = (c.addressee[mine] >= 0) | (c.escalations[mine] > 0)
        assert (demo.bodies.level[c.routed_to[mine[climbed]]] == 0).sum() >= 5
        assert demo.officers.status[vampire] == sim.SUSPENDED
        measures = demo.measures.officer == vampire
        in_force = set(demo.measures.kind[measures & (demo.measures.state == sim.S_IN_FORCE)].tolist())
        assert {sim.M_SUSPENSION, sim.M_STANDBY} <= in_force
        pending = set(demo.measures.kind[measures & (demo.measures.state < sim.S_DECIDED)].tolist())
        assert {sim.M_CRIMINAL, sim.M_PARTY} <= pending
        # A suspended officer answers for no village.
        assert not ((demo.place_assignments.who == vampire) & (demo.place_assignments.end < 0)).any()


def test_dismissed_officers_leave_with_a_dismissal_in_force(demo: World) -> None:
    dismissed = np.flatnonzero(demo.officers.status == sim.DISMISSED)
    assert len(dismissed) > 0
    m = demo.measures
    for officer in dismissed.tolist():
        mine = (m.officer == officer) & (m.kind == sim.M_DISMISSAL) & (m.state == sim.S_IN_FORCE)
        assert mine.sum() == 1
        assert m.starts_on[mine][0] == demo.officers.left_on[officer]
        assert demo.officers.unit[officer] == -1


def test_history_is_temporal_and_the_current_unit_follows_it(demo: World) -> None:
    for periods in (demo.station_assignments, demo.place_assignments):
        closed = periods.end >= 0
        assert (periods.end[closed] >= periods.start[closed]).all()
    sa = demo.station_assignments
    order = np.lexsort((sa.start, sa.who))
    who, start, end = sa.who[order], sa.start[order], sa.end[order]
    same = who[1:] == who[:-1]
    # Each assignment ends the day the next one starts: nothing overlaps, nothing is overwritten.
    assert (end[:-1][same] == start[1:][same]).all()
    assert (start[1:][same] > start[:-1][same]).all()
    open_ = sa.end < 0
    assert len(np.unique(sa.who[open_])) == open_.sum()
    current = np.full(len(demo.officers.badge), -1)
    current[sa.who[open_]] = sa.what[open_]
    assert np.array_equal(current, demo.officers.unit)
    assert ((demo.officers.left_on >= 0) == (demo.officers.unit < 0)).all()
    moved = np.bincount(sa.who, minlength=len(current)) > 1
    assert moved.mean() > 0.3


def test_every_village_has_a_responsible_officer_and_officials(demo: World) -> None:
    pa = demo.place_assignments
    assert set(pa.what.tolist()) == set(range(len(demo.places.code)))
    posts = demo.posts
    roles = {(p, r) for p, r in zip(posts.place.tolist(), posts.role.tolist(), strict=True)}
    villages = np.flatnonzero(demo.places.kind == 0)
    assert all((int(p), r) in roles for p in villages[:50] for r in range(4))
    assert (posts.start[posts.end >= 0] <= posts.end[posts.end >= 0]).all()


def test_rings_bind_officers_to_their_villages_officials(demo: World) -> None:
    rings = demo.ring_members
    sizes = np.bincount(rings.left)
    assert sizes.min() >= 1 and sizes.max() <= 3
    roles = demo.posts.role[rings.right]
    assert set(roles.tolist()) <= {0, 1, 2}
    ringed = demo.truth.ring >= 0
    assert set(demo.truth.kind[ringed].tolist()) <= {sim.COLLUDER, sim.VAMPIRE}
    co_subjects = set(demo.subjects.official[demo.subjects.kind == 1].tolist())
    assert co_subjects and co_subjects <= set(rings.right.tolist())


def test_bribery_allegations_name_the_goods(demo: World) -> None:
    a = demo.allegations
    bribery = a.category == 0
    assert bribery.any()
    assert (a.goods[bribery] >= 0).all() and (a.value[bribery] > 0).all()
    assert (a.goods[~bribery] == -1).all()


def test_measures_obey_due_process_dates(demo: World) -> None:
    m = demo.measures
    assert (m.ends_on[m.kind == sim.M_SUSPENSION] >= 0).all()
    dated = m.ends_on >= 0
    assert (m.ends_on[dated] >= m.starts_on[dated]).all()
    notified = m.notified_at >= 0
    assert (m.notified_at[notified] > m.proposed_at[notified]).all()
    states = set(m.state.tolist())
    assert {sim.S_IN_FORCE, sim.S_ENDED} <= states
    assert states & {sim.S_PROPOSED, sim.S_NOTIFIED, sim.S_RESPONDED}


def test_no_text_carries_the_ground_truth(demo: World) -> None:
    words = re.compile(r"vampire|corrupt|collud|retaliat|honest|bribe.taker|captured", re.IGNORECASE)
    texts = [
        *demo.complaints.description,
        *demo.cases.title,
        *demo.measures.reason,
        *demo.subjects.description,
        *demo.units.name,
        *demo.bodies.name,
    ]
    assert not [t for t in texts if words.search(t)]


def test_a_world_needs_someone_in_it() -> None:
    with pytest.raises(ValueError, match="at least one officer"):
        simulate(WorldParams(officers=0))


@pytest.mark.parametrize(("officers", "years", "seed"), [(100, 1, 7), (50, 1, 3), (1, 2, 3)])
def test_a_world_too_small_to_open_a_case_is_still_a_world(officers: int, years: int, seed: int) -> None:
    # No case opened (100 officers over one year), no village to serve (a force of one).
    world = simulate(WorldParams(officers=officers, years=years, seed=seed, end_date=END))
    assert len(world.officers.badge) >= officers
    assert len(world.complaints.reference) == len(world.complaints.closed_at) == len(world.complaints.status)
