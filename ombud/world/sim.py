"""The synthetic world: a whole force with twelve years of complaints, cases and measures, and the
hidden truth behind them. Pure Python and NumPy, no Django: ``simulate(params)`` returns plain
arrays, deterministic for a seed, and ``ombud.world.load`` writes them into the database.

Dates are whole days since 1970-01-01 and instants whole seconds since then (UTC); -1 means
"none" (an open period, a missing link). Rows refer to each other by index into their tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ombud.world import names
from ombud.world.params import WorldParams

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]

EPOCH = dt.date(1970, 1, 1)
DAY = 86_400
NONE = -1
# Wide enough to pack (row, day) pairs into one sortable int64 key.
KEY = 1 << 21

TRUTH_KINDS = ("honest", "bribe_taker", "colluder", "vampire")
HONEST, BRIBE_TAKER, COLLUDER, VAMPIRE = range(4)
ROLE_CODES = ("farm_manager", "chief_technician", "village_secretary", "village_head")
RING_ROLES = (0, 1, 2)  # the village head stays out of the rings
PLACE_KINDS = ("village", "hamlet")
OFFICER_STATUSES = ("active", "suspended", "standby", "dismissed", "retired")
ACTIVE, SUSPENDED, STANDBY, DISMISSED, RETIRED = range(5)
CHANNELS = ("portal", "paper", "phone", "letter", "visit")
COMPLAINT_STATUSES = ("received", "acknowledged", "investigating", "closed")
RECEIVED, ACKNOWLEDGED, INVESTIGATING, CLOSED = range(4)
SUBJECT_KINDS = ("officer", "official", "unidentified")
ROUTING_RULES = ("nearest_unconflicted", "addressed_by_complainant", "escalated")
EVENT_KINDS = ("filed", "routed", "acknowledged", "escalated", "case_opened", "closed")
EV_FILED, EV_ROUTED, EV_ACK, EV_ESCALATED, EV_CASE, EV_CLOSED = range(6)
EVENT_NOTES = {EV_ESCALATED: "No action in time: sent to a higher body."}
CASE_STATUSES = ("open", "closed", "referred")
FINDINGS = ("sustained", "not_sustained", "unfounded", "exonerated", "closed")
MEASURE_KINDS = (
    "warning",
    "reprimand",
    "suspension",
    "standby",
    "reassignment",
    "demotion",
    "dismissal",
    "criminal_referral",
    "party_referral",
)
M_WARNING, M_REPRIMAND, M_SUSPENSION, M_STANDBY, M_REASSIGN, M_DEMOTION, M_DISMISSAL, M_CRIMINAL, M_PARTY = range(
    9
)
MEASURE_STATES = ("proposed", "notified", "responded", "decided", "appealed", "in_force", "ended", "rejected")
S_PROPOSED, S_NOTIFIED, S_RESPONDED, S_DECIDED, S_APPEALED, S_IN_FORCE, S_ENDED, S_REJECTED = range(8)
STEP_KINDS = ("proposed", "notice", "response", "decision", "appeal", "appeal_decision", "in_force", "ended")

# Complaint streams: who complains, about what, and how often it is true.
BG, BRIBE, RING, VAMP, RETAL, BURST = range(6)
MOTIVES = ("background", "bribe_taking", "ring", "vampire", "retaliation", "before_dismissal")
#                        bribe coll grain cover abuse force negl disc other
_STREAM_CATEGORIES = np.array(
    [
        [0.06, 0.00, 0.00, 0.02, 0.14, 0.08, 0.28, 0.30, 0.12],  # background
        [0.75, 0.00, 0.00, 0.05, 0.10, 0.00, 0.10, 0.00, 0.00],  # bribe-taking
        [0.10, 0.35, 0.35, 0.20, 0.00, 0.00, 0.00, 0.00, 0.00],  # a ring at work
        [0.50, 0.00, 0.00, 0.05, 0.20, 0.15, 0.10, 0.00, 0.00],  # a vampire at large
        [0.25, 0.00, 0.00, 0.00, 0.35, 0.00, 0.20, 0.20, 0.00],  # retaliation by officials
        [0.50, 0.15, 0.15, 0.10, 0.10, 0.00, 0.00, 0.00, 0.00],  # the year before a dismissal
    ]
)
_CUM_CATEGORIES = np.cumsum(_STREAM_CATEGORIES, axis=1)
_MEASURE_BY_SEVERITY = np.array(
    #  warn  repr  susp  stby  reas  demo  dism  crim  party
    [
        [0.60, 0.40, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
        [0.40, 0.50, 0.00, 0.00, 0.10, 0.00, 0.00, 0.00, 0.00],
        [0.00, 0.40, 0.25, 0.00, 0.20, 0.15, 0.00, 0.00, 0.00],
        [0.00, 0.15, 0.25, 0.05, 0.15, 0.20, 0.00, 0.08, 0.12],
    ]
)
_CUM_MEASURES = np.cumsum(_MEASURE_BY_SEVERITY, axis=1)
_MEASURE_DAYS = {M_WARNING: (365, 366), M_REPRIMAND: (730, 731), M_SUSPENSION: (30, 181), M_STANDBY: (30, 121)}


def day_of(day: dt.date) -> int:
    return (day - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def _i64(values: object) -> I64:
    return np.asarray(values, dtype=np.int64)


# -- the world, as tables ---------------------------------------------------------------------------


@dataclass
class Units:
    """Ministry first, then provinces, county branches and stations, each parent before its children."""

    code: list[str]
    name: list[str]
    kind: list[str]
    parent: I64
    depth: I64


@dataclass
class Bodies:
    """Body i sits at unit i (the ministry, the provinces, the county branches) and oversees its subtree."""

    code: list[str]
    name: list[str]
    level: I64
    seat: I64


@dataclass
class Places:
    code: list[str]
    name: list[str]
    kind: I64  # PLACE_KINDS
    unit: I64


@dataclass
class Officers:
    badge: list[str]
    first_name: list[str]
    last_name: list[str]
    sex: list[str]
    rank: list[str]
    status: I64  # OFFICER_STATUSES
    hired_on: I64
    left_on: I64
    unit: I64  # the station of the open assignment, or NONE


@dataclass
class Periods:
    """Who (an officer, an official) held what (a unit, a place, a post) from start until end."""

    who: I64
    what: I64
    start: I64
    end: I64


@dataclass
class Officials:
    first_name: list[str]
    last_name: list[str]


@dataclass
class Posts:
    official: I64
    role: I64  # ROLE_CODES
    place: I64
    start: I64
    end: I64


@dataclass
class Complaints:
    reference: list[str]
    description: list[str]
    received_at: I64
    occurred_on: I64
    place: I64
    channel: I64
    status: I64
    complainant: I64
    addressee: I64
    first_body: I64  # where routing first sent it
    routed_to: I64  # where it is now
    rule: I64  # ROUTING_RULES
    escalations: I64
    ack_due_at: I64
    action_due_at: I64
    acknowledged_at: I64
    closed_at: I64
    subject_unit: I64


@dataclass
class Subjects:
    complaint: I64
    kind: I64  # SUBJECT_KINDS
    officer: I64
    official: I64
    unit: I64
    description: list[str]


@dataclass
class Links:
    """A many-to-many table: complaint x category, case x complaint."""

    left: I64
    right: I64


@dataclass
class Events:
    complaint: I64
    kind: I64  # EVENT_KINDS
    at: I64
    body: I64


@dataclass
class Cases:
    number: list[str]
    title: list[str]
    body: I64
    status: I64  # CASE_STATUSES
    opened_at: I64
    closed_at: I64


@dataclass
class Allegations:
    case: I64
    officer: I64
    official: I64
    category: I64
    goods: I64  # names.GOODS or NONE
    value: I64
    occurred_on: I64
    proposed_finding: I64  # FINDINGS or NONE
    proposed_at: I64
    finding: I64
    decided_at: I64


@dataclass
class Measures:
    officer: I64
    case: I64
    allegation: I64
    kind: I64
    state: I64
    reason: list[str]
    starts_on: I64
    ends_on: I64
    proposed_at: I64
    notified_at: I64
    response_due_on: I64
    decided_at: I64


@dataclass
class Steps:
    measure: I64
    kind: I64  # STEP_KINDS
    at: I64


@dataclass
class Truth:
    """Aligned with the officers: what each really is."""

    kind: I64  # TRUTH_KINDS
    ring: I64
    retaliated: Bool
    corrupt_from: I64


@dataclass
class ComplaintTruth:
    """Aligned with the complaints: why each was filed, and whether it describes what happened."""

    motive: I64  # MOTIVES
    founded: Bool


@dataclass
class Retaliations:
    officer: I64
    official: I64
    refused_on: I64


@dataclass
class World:
    params: WorldParams
    start_day: int
    end_day: int
    units: Units
    bodies: Bodies
    captured: Bool  # per body: a county body whose members are friends of the local chain
    places: Places
    officers: Officers
    station_assignments: Periods
    place_assignments: Periods
    officials: Officials
    posts: Posts
    complainants: list[str]  # one identity digest per distinct complainant
    complaints: Complaints
    complaint_categories: Links
    subjects: Subjects
    events: Events
    cases: Cases
    case_complaints: Links
    allegations: Allegations
    measures: Measures
    steps: Steps
    truth: Truth
    ring_members: Links  # ring number x official
    complaint_truth: ComplaintTruth
    retaliations: Retaliations

    def counts(self) -> dict[str, int]:
        years = {date_of(d).year for d in np.unique(self.complaints.received_at // DAY).tolist()}
        return {
            "units": len(self.units.code),
            "bodies": len(self.bodies.code),
            "places": len(self.places.code),
            "officers": len(self.officers.badge),
            "station_assignments": len(self.station_assignments.who),
            "place_assignments": len(self.place_assignments.who),
            "officials": len(self.officials.last_name),
            "official_posts": len(self.posts.official),
            "complainants": len(self.complainants),
            "complaints": len(self.complaints.reference),
            "complaint_subjects": len(self.subjects.complaint),
            "complaint_events": len(self.events.complaint),
            "cases": len(self.cases.number),
            "allegations": len(self.allegations.case),
            "measures": len(self.measures.officer),
            "measure_steps": len(self.steps.measure),
            "rings": len(np.unique(self.ring_members.left)),
            "complaint_years": len(years),
        }


# -- the tree of units and the oversight bodies -----------------------------------------------------


@dataclass
class _Tree:
    units: Units
    bodies: Bodies
    n_prov: int
    n_county: int
    n_station: int
    county_province: I64
    station_county: I64
    county_first_station: I64
    county_stations: I64
    province_first_county: I64
    province_counties: I64
    captured: Bool  # per county

    def station_unit(self, station: I64) -> I64:
        return 1 + self.n_prov + self.n_county + station

    def county_body(self, county: I64) -> I64:
        return 1 + self.n_prov + county

    def province_body(self, province: I64) -> I64:
        return 1 + province


def _spread(n: int, groups: int) -> I64:
    """Which of ``groups`` contiguous groups each of n items falls in, as evenly as possible."""
    return (np.arange(n, dtype=np.int64) * groups) // n


def _first_and_count(group: I64, groups: int) -> tuple[I64, I64]:
    count = np.bincount(group, minlength=groups).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    return first, count


def _tree(p: WorldParams, rng: np.random.Generator) -> _Tree:
    n_station = max(1, round(p.officers / p.officers_per_station))
    n_county = min(n_station, max(1, round(n_station / p.stations_per_county)))
    n_prov = min(n_county, p.provinces or max(1, round(p.officers / 20_000)))
    county_province = _spread(n_county, n_prov)
    station_county = _spread(n_station, n_county)
    province_first_county, province_counties = _first_and_count(county_province, n_prov)
    county_first_station, county_stations = _first_and_count(station_county, n_county)
    pre = p.prefix
    prov_names = names.place_names(rng, n_prov)
    county_names = names.place_names(rng, n_county)
    station_names = names.place_names(rng, n_station)

    codes, labels, kinds, parents, depths = (
        [f"{pre}MPS"],
        ["Ministry of Public Security"],
        ["ministry"],
        [NONE],
        [0],
    )
    body_names = ["National Supervisory Commission"]
    prov_codes = [f"{pre}P{i + 1:02d}" for i in range(n_prov)]
    for i in range(n_prov):
        codes.append(prov_codes[i])
        labels.append(f"{prov_names[i]} Province")
        kinds.append("province")
        parents.append(0)
        depths.append(1)
        body_names.append(f"{prov_names[i]} Provincial Discipline Inspection Committee")
    county_codes = []
    for c in range(n_county):
        prov = int(county_province[c])
        code = f"{prov_codes[prov]}-C{c - int(province_first_county[prov]) + 1:03d}"
        county_codes.append(code)
        codes.append(code)
        labels.append(f"{county_names[c]} County Branch")
        kinds.append("county")
        parents.append(1 + prov)
        depths.append(2)
        body_names.append(f"{county_names[c]} County Discipline Committee")
    for s in range(n_station):
        county = int(station_county[s])
        codes.append(f"{county_codes[county]}-S{s - int(county_first_station[county]) + 1:02d}")
        labels.append(f"{station_names[s]} Station")
        kinds.append("station")
        parents.append(1 + n_prov + county)
        depths.append(3)
    units = Units(codes, labels, kinds, _i64(parents), _i64(depths))
    n_bodies = 1 + n_prov + n_county
    bodies = Bodies(
        code=[f"{c}-DC" for c in codes[:n_bodies]],
        name=body_names,
        level=units.depth[:n_bodies].copy(),
        seat=np.arange(n_bodies, dtype=np.int64),
    )
    captured = rng.random(n_county) < p.captured_county_share
    return _Tree(
        units,
        bodies,
        n_prov,
        n_county,
        n_station,
        county_province,
        station_county,
        county_first_station,
        county_stations,
        province_first_county,
        province_counties,
        captured,
    )


# -- places ---------------------------------------------------------------------------------------


@dataclass
class _Places:
    places: Places
    station: I64
    station_first: I64
    station_count: I64


def _places(p: WorldParams, rng: np.random.Generator, tree: _Tree) -> _Places:
    total = max(tree.n_station, round(p.officers * p.places_per_officer))
    # Every station answers for at least one place; the rest fall where they fall.
    extra = rng.multinomial(total - tree.n_station, np.full(tree.n_station, 1.0 / tree.n_station))
    per_station = (extra + 1).astype(np.int64)
    station = np.repeat(np.arange(tree.n_station, dtype=np.int64), per_station)
    first, count = _first_and_count(station, tree.n_station)
    local = np.arange(total, dtype=np.int64) - first[station]
    kind = (rng.random(total) < p.hamlet_share).astype(np.int64)
    units = tree.station_unit(station)
    codes = [f"{tree.units.code[u]}-V{k + 1:03d}" for u, k in zip(units.tolist(), local.tolist(), strict=True)]
    return _Places(Places(codes, names.place_names(rng, total), kind, units), station, first, count)


# -- officers, their careers and what they really are ---------------------------------------------


@dataclass
class _Force:
    n: int
    hired: I64
    left: I64
    span_start: I64  # first day in the window
    span_end: I64  # last day + 1 in the window (the left day or the end day)
    female: Bool
    eligible: Bool  # may answer for villages
    kind: I64
    corrupt_from: I64
    dismissed: Bool
    station_assignments: Periods  # sorted by officer, then start


def _force(p: WorldParams, rng: np.random.Generator, tree: _Tree, start_day: int, end_day: int) -> _Force:
    stay = p.officers
    leave = round(p.officers * p.attrition_per_year * p.years)
    n = stay + leave
    left = np.full(n, NONE, dtype=np.int64)
    left[stay:] = start_day + np.floor(rng.random(leave) * (end_day - start_day)).astype(np.int64)
    hired = np.empty(n, dtype=np.int64)
    hired[:stay] = end_day - 30 - np.floor(rng.random(stay) * 35 * 365).astype(np.int64)
    hired[stay:] = left[stay:] - 365 - np.floor(rng.random(leave) * 34 * 365).astype(np.int64)
    # Badges follow the order of hiring, as a real force numbers them.
    order = np.argsort(hired, kind="stable")
    hired, left = hired[order], left[order]
    span_start = np.maximum(hired, start_day)
    span_end = np.where(left >= 0, left, end_day)
    female = rng.random(n) < 0.15
    eligible = rng.random(n) < p.village_officer_share
    home = rng.permutation(n).astype(np.int64) % tree.n_station
    home_county = tree.station_county[home]

    weight = np.where(tree.captured[home_county], p.captured_corruption_factor, 1.0)
    weight = weight / weight.mean()
    u = rng.random(n)
    kind = np.full(n, HONEST, dtype=np.int64)
    bribe_band = p.bribe_taker_share * weight
    kind[u < bribe_band] = BRIBE_TAKER
    collude_band = bribe_band + p.colluder_share / p.village_officer_share * weight
    kind[(u >= bribe_band) & (u < collude_band) & eligible] = COLLUDER
    n_vampires = max(1, round(p.officers * p.vampires_per_1000 / 1000))
    candidates = np.flatnonzero((kind == HONEST) & eligible & (left < 0) & (hired < start_day))
    vampires = np.sort(rng.choice(candidates, size=min(n_vampires, len(candidates)), replace=False))
    kind[vampires] = VAMPIRE
    # Villagers had to go over the county's head: the vampires' county bodies are their friends.
    tree.captured[home_county[vampires]] = True

    length = span_end - span_start
    partway = rng.random(n) < p.corrupt_partway_share
    corrupt_from = np.where(
        partway, span_start + np.floor(rng.random(n) * 0.6 * length).astype(np.int64), span_start
    )
    corrupt_from[vampires] = np.maximum(span_start[vampires], start_day + rng.integers(0, 730, len(vampires)))
    corrupt_from[kind == HONEST] = NONE
    dismissed = (
        (kind != HONEST)
        & (kind != VAMPIRE)
        & (left >= 0)
        & (left - corrupt_from >= 540)
        & (rng.random(n) < p.dismissed_share)
    )
    assignments = _station_moves(p, rng, tree, hired, span_start, span_end, left, home, kind, start_day)
    return _Force(
        n, hired, left, span_start, span_end, female, eligible, kind, corrupt_from, dismissed, assignments
    )


def _station_moves(
    p: WorldParams,
    rng: np.random.Generator,
    tree: _Tree,
    hired: I64,
    span_start: I64,
    span_end: I64,
    left: I64,
    home: I64,
    kind: I64,
    start_day: int,
) -> Periods:
    n = len(hired)
    first_start = np.maximum(
        hired, start_day - np.floor(rng.random(n) * p.transfer_every_years * 365).astype(np.int64)
    )
    lo = np.maximum(first_start, span_start) + 30
    hi = span_end - 1
    room = np.maximum(hi - lo, 0)
    # Vampires stay where they have built their little kingdom.
    lam = np.where(kind == VAMPIRE, 0.0, room / 365.0 / p.transfer_every_years)
    moves = rng.poisson(lam).astype(np.int64)
    who = np.repeat(np.arange(n, dtype=np.int64), moves)
    when = lo[who] + np.floor(rng.random(len(who)) * room[who]).astype(np.int64)
    order = np.lexsort((when, who))
    who, when = who[order], when[order]
    keep = np.ones(len(who), dtype=bool)
    keep[1:] = ~((who[1:] == who[:-1]) & (when[1:] == when[:-1]))
    u_same, u_county, u_station = rng.random(len(who)), rng.random(len(who)), rng.random(len(who))

    current = home.copy()
    dest = np.full(len(who), NONE, dtype=np.int64)
    sc, cfs, cst = tree.station_county.tolist(), tree.county_first_station.tolist(), tree.county_stations.tolist()
    cp, pfc, pc = (
        tree.county_province.tolist(),
        tree.province_first_county.tolist(),
        tree.province_counties.tolist(),
    )
    cur = current.tolist()
    for j, officer in enumerate(who.tolist()):
        if not keep[j]:
            continue
        here = cur[officer]
        county = sc[here]
        if u_same[j] >= p.same_county_transfer:
            prov = cp[county]
            county = pfc[prov] + int(u_county[j] * pc[prov])
        count = cst[county]
        if county == sc[here]:
            if count == 1:
                keep[j] = False
                continue
            offset = here - cfs[county]
            station = cfs[county] + (offset + 1 + int(u_station[j] * (count - 1))) % count
        else:
            station = cfs[county] + int(u_station[j] * count)
        dest[j] = station
        cur[officer] = station
    who, when, dest = who[keep], when[keep], dest[keep]

    all_who = np.concatenate([np.arange(n, dtype=np.int64), who])
    all_start = np.concatenate([first_start, when])
    all_unit = np.concatenate([home, dest])
    order = np.lexsort((all_start, all_who))
    all_who, all_start, all_unit = all_who[order], all_start[order], all_unit[order]
    end = np.empty_like(all_start)
    end[:-1] = all_start[1:]
    last = np.ones(len(all_who), dtype=bool)
    last[:-1] = all_who[1:] != all_who[:-1]
    end[last] = left[all_who[last]]
    return Periods(all_who, all_unit, all_start, end)


# -- villages and who answers for them ------------------------------------------------------------


def _place_assignments(
    p: WorldParams, rng: np.random.Generator, pl: _Places, force: _Force, start_day: int, end_day: int
) -> Periods:
    sa = force.station_assignments
    mask = force.eligible[sa.who]
    station = sa.what[mask]
    order = np.argsort(station, kind="stable")
    iv_who, iv_start = sa.who[mask][order], sa.start[mask][order]
    iv_end = np.where(sa.end[mask] < 0, np.iinfo(np.int64).max, sa.end[mask])[order]
    n_station = len(pl.station_first)
    ptr = np.searchsorted(station[order], np.arange(n_station + 1))
    rotation = p.place_rotation_years * 365
    out_who: list[int] = []
    out_place: list[int] = []
    out_start: list[int] = []
    out_end: list[int] = []
    for s in range(n_station):
        who, st, en = iv_who[ptr[s] : ptr[s + 1]], iv_start[ptr[s] : ptr[s + 1]], iv_end[ptr[s] : ptr[s + 1]]
        for place in range(int(pl.station_first[s]), int(pl.station_first[s] + pl.station_count[s])):
            t, previous = start_day, NONE
            while t < end_day:
                cand = np.flatnonzero((st <= t) & (en > t))
                if cand.size == 0:
                    later = st[st > t]
                    if later.size == 0:
                        break
                    t = int(later.min())
                    continue
                if cand.size > 1 and previous != NONE:
                    others = cand[who[cand] != previous]
                    cand = others if others.size else cand
                k = int(cand[int(rng.integers(cand.size))])
                until = min(int(en[k]), t + 90 + int(rng.exponential(rotation)))
                out_who.append(int(who[k]))
                out_place.append(place)
                out_start.append(t)
                out_end.append(until if until < end_day else NONE)
                previous, t = int(who[k]), until
    pa = Periods(_i64(out_who), _i64(out_place), _i64(out_start), _i64(out_end))
    order = np.lexsort((pa.start, pa.who))
    return Periods(pa.who[order], pa.what[order], pa.start[order], pa.end[order])


# -- local officials ------------------------------------------------------------------------------


@dataclass
class _Locals:
    officials: Officials
    posts: Posts
    seat: I64  # (place x role) -> seat, or NONE
    post_key: I64  # seat * KEY + start, sorted: which post of a seat covers a day


def _officials(p: WorldParams, rng: np.random.Generator, pl: _Places, start_day: int, end_day: int) -> _Locals:
    n_places = len(pl.places.code)
    has_role = np.ones((n_places, 4), dtype=bool)
    hamlet = pl.places.kind == 1
    has_role[hamlet, 1] = False
    has_role[hamlet, 2] = False
    seat = np.full((n_places, 4), NONE, dtype=np.int64)
    seat[has_role] = np.arange(int(has_role.sum()), dtype=np.int64)
    seat_place, seat_role = np.nonzero(has_role)
    n_seats = len(seat_place)
    tenure = p.official_tenure_years * 365
    # Every term lasts at least a year, so this many terms always reach the end date.
    k = p.years + int(np.ceil(p.official_tenure_years)) + 2
    first = start_day - np.floor(rng.random(n_seats) * tenure).astype(np.int64)
    lengths = 365 + np.floor(rng.exponential(tenure - 365, size=(n_seats, k))).astype(np.int64)
    starts = first[:, None] + np.concatenate(
        [np.zeros((n_seats, 1), dtype=np.int64), np.cumsum(lengths, axis=1)[:, :-1]], axis=1
    )
    live = starts < end_day
    ends = np.where(np.roll(live, -1, axis=1) & (np.arange(k) < k - 1), starts + lengths, NONE)
    post_seat = np.repeat(np.arange(n_seats, dtype=np.int64), live.sum(axis=1))
    post_start = starts[live]
    post_end = ends[live]
    n_posts = len(post_seat)
    female = rng.random(n_posts) < 0.2
    first_names, last_names = names.person_names(rng, female)
    posts = Posts(
        official=np.arange(n_posts, dtype=np.int64),
        role=seat_role[post_seat].astype(np.int64),
        place=seat_place[post_seat].astype(np.int64),
        start=post_start,
        end=post_end,
    )
    return _Locals(Officials(first_names, last_names), posts, seat, post_seat * KEY + post_start)


def _official_at(locals_: _Locals, place: int, role: int, day: int) -> int:
    seat = int(locals_.seat[place, role])
    if seat == NONE:
        return NONE
    k = int(np.searchsorted(locals_.post_key, seat * KEY + day, side="right")) - 1
    if k < 0 or locals_.post_key[k] // KEY != seat:
        return NONE
    end = int(locals_.posts.end[k])
    return k if end == NONE or end > day else NONE


# -- rings and retaliation --------------------------------------------------------------------------


@dataclass
class _Plots:
    ring: I64  # per officer
    ring_place: I64
    ring_start: I64
    ring_end: I64
    members: list[list[int]]  # per ring: officials
    retaliated: Bool
    refusal_place: I64
    refusal_day: I64
    retaliators: dict[int, list[int]]


def _plots(
    p: WorldParams, rng: np.random.Generator, force: _Force, pa: Periods, locals_: _Locals, end_day: int
) -> _Plots:
    n = force.n
    ptr = np.searchsorted(pa.who, np.arange(n + 1))
    seg_end = np.where(pa.end < 0, end_day, pa.end)
    ring = np.full(n, NONE, dtype=np.int64)
    ring_place = np.full(n, NONE, dtype=np.int64)
    ring_start = np.full(n, NONE, dtype=np.int64)
    ring_end = np.full(n, NONE, dtype=np.int64)
    members: list[list[int]] = []
    for officer in np.flatnonzero((force.kind == COLLUDER) | (force.kind == VAMPIRE)).tolist():
        a, b = int(ptr[officer]), int(ptr[officer + 1])
        lo = np.maximum(pa.start[a:b], force.corrupt_from[officer])
        hi = np.minimum(seg_end[a:b], force.span_end[officer])
        overlap = hi - lo
        need = 90 if force.kind[officer] == VAMPIRE else 180
        best = int(np.argmax(overlap)) if b > a else -1
        found: list[int] = []
        if best >= 0 and overlap[best] >= need:
            place, day = int(pa.what[a + best]), int(lo[best])
            found = [o for o in (_official_at(locals_, place, role, day) for role in RING_ROLES) if o != NONE]
        if not found:
            if force.kind[officer] == COLLUDER:
                force.kind[officer] = BRIBE_TAKER
            continue
        ring[officer] = len(members)
        ring_place[officer] = place
        ring_start[officer], ring_end[officer] = int(lo[best]), int(hi[best])
        members.append(found)

    retaliated = np.zeros(n, dtype=bool)
    refusal_place = np.full(n, NONE, dtype=np.int64)
    refusal_day = np.full(n, NONE, dtype=np.int64)
    retaliators: dict[int, list[int]] = {}
    long_enough = (seg_end - pa.start) >= 180
    honest = (force.kind == HONEST) & force.eligible
    draws = rng.random(n)
    for officer in np.flatnonzero(honest & (draws < p.refusal_share)).tolist():
        a, b = int(ptr[officer]), int(ptr[officer + 1])
        options = np.flatnonzero(long_enough[a:b]) + a
        if options.size == 0:
            continue
        k = int(options[int(rng.integers(options.size))])
        day = int(pa.start[k]) + int(rng.integers(0, max(1, int(seg_end[k] - pa.start[k]) - 90)))
        place = int(pa.what[k])
        crossed = [o for o in (_official_at(locals_, place, role, day) for role in RING_ROLES) if o != NONE]
        if not crossed:
            continue
        retaliated[officer] = True
        refusal_place[officer], refusal_day[officer] = place, day
        retaliators[officer] = crossed
    return _Plots(
        ring, ring_place, ring_start, ring_end, members, retaliated, refusal_place, refusal_day, retaliators
    )


# -- complaints -----------------------------------------------------------------------------------


@dataclass
class _Draft:
    """Complaints before they are sorted and numbered."""

    officer: I64
    stream: I64
    occurred: I64
    founded: Bool
    ring_officer: I64  # whose ring the co-subjects come from, or NONE
    place: I64  # fixed by the stream, or NONE


def _streams(
    p: WorldParams, rng: np.random.Generator, force: _Force, plots: _Plots, start_day: int, end_day: int
) -> _Draft:
    parts: list[tuple[I64, I64, I64, I64]] = []  # officer, stream, occurred, place

    def poisson(who: I64, lo: I64, hi: I64, rate: F64 | float, stream: int, place: I64 | None = None) -> None:
        length = np.maximum(hi - lo, 0)
        count = rng.poisson(rate * length / 365.0).astype(np.int64)
        idx = np.repeat(np.arange(len(who), dtype=np.int64), count)
        day = lo[idx] + np.floor(rng.random(len(idx)) * length[idx]).astype(np.int64)
        where = place[idx] if place is not None else np.full(len(idx), NONE, dtype=np.int64)
        parts.append((who[idx], np.full(len(idx), stream, dtype=np.int64), day, where))

    everyone = np.arange(force.n, dtype=np.int64)
    poisson(everyone, force.span_start, force.span_end, p.background_rate, BG)
    corrupt = np.flatnonzero(force.kind != HONEST)
    cf = force.corrupt_from[corrupt]
    kinds = force.kind[corrupt]
    rate = np.where(kinds == BRIBE_TAKER, p.bribe_rate, np.where(kinds == COLLUDER, 0.3 * p.bribe_rate, 0.0))
    poisson(corrupt, cf, force.span_end[corrupt], rate, BRIBE)
    ringed = np.flatnonzero(plots.ring >= 0)
    ring_rate = np.where(force.kind[ringed] == VAMPIRE, 2.0 * p.ring_rate, p.ring_rate)
    poisson(ringed, plots.ring_start[ringed], plots.ring_end[ringed], ring_rate, RING, plots.ring_place[ringed])

    # A vampire's appetite grows: complaints thin out from 1.7x the mean rate along a ramp.
    vampires = np.flatnonzero(force.kind == VAMPIRE)
    before = len(parts)
    poisson(vampires, force.corrupt_from[vampires], force.span_end[vampires], 1.7 * p.vampire_rate, VAMP)
    who, stream, day, where = parts[before]
    lo, hi = force.corrupt_from[who], force.span_end[who]
    frac = (day - lo) / np.maximum(hi - lo, 1)
    keep = rng.random(len(who)) < (0.3 + 1.4 * frac) / 1.7
    parts[before] = (who[keep], stream[keep], day[keep], where[keep])

    hit = np.flatnonzero(plots.retaliated)
    lo = plots.refusal_day[hit]
    hi = np.minimum(lo + int(p.retaliation_years * 365), force.span_end[hit])
    poisson(hit, lo, hi, p.retaliation_rate, RETAL, plots.refusal_place[hit])
    # Officials who bother to complain do it at least twice.
    parts.append(
        (
            np.repeat(hit, 2),
            np.full(2 * len(hit), RETAL, dtype=np.int64),
            np.repeat(lo, 2) + rng.integers(0, 120, 2 * len(hit)),
            np.repeat(plots.refusal_place[hit], 2),
        )
    )

    # The complaints that finally got a dismissal through, in the year before it.
    fired = np.flatnonzero(force.dismissed)
    count = 3 + rng.poisson(2.0, len(fired)).astype(np.int64)
    idx = np.repeat(np.arange(len(fired), dtype=np.int64), count)
    day = force.left[fired][idx] - 120 - rng.integers(0, 210, len(idx))
    parts.append(
        (fired[idx], np.full(len(idx), BURST, dtype=np.int64), day, np.full(len(idx), NONE, dtype=np.int64))
    )

    officer = np.concatenate([q[0] for q in parts])
    stream = np.concatenate([q[1] for q in parts])
    occurred = np.concatenate([q[2] for q in parts])
    place = np.concatenate([q[3] for q in parts])
    founded_p = np.array([p.background_founded, p.corrupt_founded, p.corrupt_founded, 0.95, 0.0, 1.0])
    founded = rng.random(len(officer)) < founded_p[stream]
    ring_officer = np.where((stream == RING) & (plots.ring[officer] >= 0), officer, NONE)
    keep = (occurred >= start_day) & (occurred < end_day)
    return _Draft(officer[keep], stream[keep], occurred[keep], founded[keep], ring_officer[keep], place[keep])


def _lookup(key: I64, who: I64, day: I64) -> I64:
    """Index of the latest period of ``who`` starting on or before ``day`` (key = who * KEY + start)."""
    found: I64 = np.searchsorted(key, who * KEY + day, side="right").astype(np.int64)
    return found - 1


def _draw_categories(rng: np.random.Generator, stream: I64) -> I64:
    u = rng.random(len(stream))
    drawn: I64 = (u[:, None] > _CUM_CATEGORIES[stream]).sum(axis=1).astype(np.int64)
    return np.minimum(drawn, len(names.CATEGORY_CODES) - 1)


@dataclass
class _Intake:
    complaints: Complaints
    officer: I64  # the officer named, or NONE (unidentified)
    stream: I64
    founded: Bool
    category: I64
    second: I64
    goods: I64
    value: I64
    ring_officer: I64
    route_time: I64  # when it reached the body that holds it now
    escalated_at: I64  # when it was first sent up (to the province body), or NONE
    province_body: I64
    forced: I64  # NONE, or the officer whose scripted case takes it
    ack: I64
    complainants: list[str]
    extra_categories: Links
    subjects: Subjects


def _intake(
    p: WorldParams,
    rng: np.random.Generator,
    tree: _Tree,
    pl: _Places,
    force: _Force,
    pa: Periods,
    plots: _Plots,
    draft: _Draft,
    start_day: int,
    end_day: int,
    vampire_open: dict[int, int],
) -> _Intake:
    m = len(draft.officer)
    delay = np.minimum(60, np.floor(rng.exponential(12.0, m))).astype(np.int64)
    delay[draft.stream == BURST] = np.minimum(delay[draft.stream == BURST], 30)
    received_day = draft.occurred + delay
    ok = received_day < end_day
    officer, stream, occurred, founded = draft.officer[ok], draft.stream[ok], draft.occurred[ok], draft.founded[ok]
    ring_officer, fixed_place, received_day = draft.ring_officer[ok], draft.place[ok], received_day[ok]
    m = len(officer)
    portal_share = 0.1 + 0.4 * (received_day - start_day) / max(1, end_day - start_day)
    portal = rng.random(m) < portal_share
    seconds = np.where(portal, rng.integers(0, DAY, m), 8 * 3600 + rng.integers(0, 10 * 3600, m))
    received = received_day * DAY + seconds
    order = np.lexsort((np.arange(m), received))
    officer, stream, occurred, founded = officer[order], stream[order], occurred[order], founded[order]
    ring_officer, fixed_place = ring_officer[order], fixed_place[order]
    received, received_day, portal = received[order], received_day[order], portal[order]

    sa = force.station_assignments
    station = sa.what[_lookup(sa.who * KEY + sa.start, officer, received_day)]
    county = tree.station_county[station]
    province = tree.county_province[county]
    holds, held_place = np.zeros(m, dtype=bool), np.full(m, NONE, dtype=np.int64)
    if len(pa.who):  # a force of one officer may have no village assignment at all
        k = _lookup(pa.who * KEY + pa.start, officer, occurred)
        valid = (k >= 0) & (pa.who[np.maximum(k, 0)] == officer)
        k = np.maximum(k, 0)
        holds = valid & (pa.start[k] <= occurred) & ((pa.end[k] < 0) | (pa.end[k] > occurred))
        held_place = pa.what[k]
    random_place = pl.station_first[station] + np.floor(rng.random(m) * pl.station_count[station]).astype(np.int64)
    place = np.where(fixed_place >= 0, fixed_place, np.where(holds, held_place, random_place))

    category = _draw_categories(rng, stream)
    second = _draw_categories(rng, stream)
    second[(second == category) | (rng.random(m) >= p.second_category_share)] = NONE
    unidentified = (stream == BG) & (rng.random(m) < p.unidentified_share)
    bribe = (category == 0) | (second == 0)
    goods = np.where(bribe, rng.integers(0, len(names.GOODS), m), NONE)
    base = np.array([300.0, 80.0, 120.0, 500.0])
    value = np.where(bribe, np.round(base[np.maximum(goods, 0)] * rng.lognormal(0.0, 0.6, m)), 0).astype(np.int64)
    value = np.maximum(value, 1) * bribe

    # Complainants: villagers of the place, or the officials an honest officer crossed.
    anonymous = rng.random(m) < p.anonymous_share
    villager = place * p.villagers_per_place + rng.integers(0, p.villagers_per_place, m)
    retal = stream == RETAL
    crossed = np.full(m, NONE, dtype=np.int64)
    for i in np.flatnonzero(retal).tolist():
        pool = plots.retaliators[int(officer[i])]
        crossed[i] = pool[int(rng.integers(len(pool)))]
    villagers = np.unique(villager[~anonymous & ~retal])
    officials_crossed = np.unique(crossed[retal])
    complainant = np.full(m, NONE, dtype=np.int64)
    named = ~anonymous & ~retal
    complainant[named] = np.searchsorted(villagers, villager[named])
    complainant[retal] = len(villagers) + np.searchsorted(officials_crossed, crossed[retal])
    n_complainants = len(villagers) + len(officials_crossed)
    digests = rng.bytes(32 * n_complainants).hex()
    complainants = [digests[64 * i : 64 * (i + 1)] for i in range(n_complainants)]

    channel = np.where(portal, 0, 1 + rng.integers(0, 4, m))

    # Routing: the county body, unless the complainant addressed a higher one.
    county_body = tree.county_body(county)
    province_body = tree.province_body(province)
    u = rng.random(m)
    addressee = np.full(m, NONE, dtype=np.int64)
    addressee[u < p.direct_province_share + p.direct_national_share] = province_body[
        u < p.direct_province_share + p.direct_national_share
    ]
    addressee[u < p.direct_national_share] = 0
    is_vampire = force.kind[officer] == VAMPIRE
    # In the last three years before their case, villagers learn to go over the county's head.
    opens = np.zeros(force.n, dtype=np.int64)
    for v, opened in vampire_open.items():
        opens[v] = opened
    ramp = np.clip((received_day - (opens[officer] - 3 * 365)) / (3 * 365), 0.0, 1.0)
    climb = is_vampire & (rng.random(m) < 0.7 * ramp)
    up = rng.random(m) < 0.5
    addressee[climb] = np.where(up[climb], 0, province_body[climb])

    forced = np.full(m, NONE, dtype=np.int64)
    for v, opened in vampire_open.items():
        window = (officer == v) & (received_day >= opened - 365) & (received_day <= opened - 7)
        addressee[window] = 0
        forced[window] = v
    for d in np.flatnonzero(force.dismissed).tolist():
        leave = int(force.left[d])
        window = (officer == d) & (received_day >= leave - 365) & (received_day <= leave - 45)
        forced[window] = d
        addressee[window] = np.where(tree.captured[county[window]], province_body[window], NONE)
    unidentified &= forced < 0
    officer_named = np.where(unidentified, NONE, officer)

    first_body = np.where(addressee >= 0, addressee, county_body)
    rule = np.where(addressee >= 0, 1, 0).astype(np.int64)
    captured_first = (first_body == county_body) & tree.captured[county]
    esc_p = np.where(captured_first, p.escalate_captured, p.escalate_normal)
    escalate = (first_body == county_body) & (rng.random(m) < esc_p) & (forced < 0)
    escalate &= received + 30 * DAY + 3600 < end_day * DAY
    routed = first_body.copy()
    escalations = np.zeros(m, dtype=np.int64)
    route_time = received.copy()
    routed[escalate] = province_body[escalate]
    escalations[escalate] = 1
    route_time[escalate] = received[escalate] + 30 * DAY + rng.integers(0, 3600, int(escalate.sum()))
    escalated_at = np.where(escalate, route_time, NONE)
    # A vampire's complaints that reach the province may be sent on, over its head too.
    again = escalate & is_vampire & (rng.random(m) < 0.3) & (route_time + 30 * DAY + 3600 < end_day * DAY)
    routed[again] = 0
    escalations[again] = 2
    route_time[again] += 30 * DAY + rng.integers(0, 3600, int(again.sum()))
    rule[escalations > 0] = 2

    captured_now = (routed == county_body) & tree.captured[county]
    ack = route_time + np.where(
        captured_now, rng.integers(DAY, 12 * DAY, m), rng.integers(DAY // 5, 6 * DAY, m)
    ).astype(np.int64)

    template = rng.integers(0, 3, m)
    place_names = pl.places.name
    unit_names = tree.units.name
    descriptions = []
    cats = names.CATEGORY_CODES
    for i in range(m):
        text = names.TEMPLATES[cats[int(category[i])]][int(template[i])]
        descriptions.append(
            text.format(
                place=place_names[int(place[i])],
                station=unit_names[int(tree.station_unit(station[i : i + 1])[0])].removesuffix(" Station"),
                goods=names.goods_phrase(int(goods[i]), int(value[i])) if goods[i] >= 0 else "money",
            )
        )

    year_of = np.array([date_of(int(d)).year for d in received_day.tolist()]) if m else np.zeros(0, np.int64)
    references = []
    seq: dict[int, int] = {}
    for y in year_of.tolist():
        seq[y] = seq.get(y, 0) + 1
        references.append(f"{p.prefix}SIM-{y}-{seq[y]:06d}")

    subject_unit = tree.station_unit(station)
    subjects = _subjects(rng, officer_named, ring_officer, category, second, plots, tree, subject_unit)
    has_second = second >= 0
    extra = Links(np.flatnonzero(has_second).astype(np.int64), second[has_second])
    complaints = Complaints(
        reference=references,
        description=descriptions,
        received_at=received,
        occurred_on=occurred,
        place=place,
        channel=channel.astype(np.int64),
        status=np.zeros(m, dtype=np.int64),
        complainant=complainant,
        addressee=addressee,
        first_body=first_body,
        routed_to=routed,
        rule=rule,
        escalations=escalations,
        ack_due_at=route_time + 7 * DAY,
        action_due_at=route_time + 30 * DAY,
        acknowledged_at=np.full(m, NONE, dtype=np.int64),
        closed_at=np.full(m, NONE, dtype=np.int64),
        subject_unit=subject_unit,
    )
    return _Intake(
        complaints,
        officer_named,
        stream,
        founded,
        category,
        second,
        goods,
        value,
        ring_officer,
        route_time,
        escalated_at,
        province_body,
        forced,
        ack,
        complainants,
        extra,
        subjects,
    )


def _subjects(
    rng: np.random.Generator,
    officer: I64,
    ring_officer: I64,
    category: I64,
    second: I64,
    plots: _Plots,
    tree: _Tree,
    subject_unit: I64,
) -> Subjects:
    m = len(officer)
    idx = np.arange(m, dtype=np.int64)
    named = officer >= 0
    c_rows = [idx]
    kind_rows = [np.where(named, 0, 2).astype(np.int64)]
    off_rows = [officer]
    offl_rows = [np.full(m, NONE, dtype=np.int64)]
    unit_rows = [subject_unit]
    descriptions = [
        "" if named[i] else f"An officer from {tree.units.name[int(subject_unit[i])]}; name not known."
        for i in range(m)
    ]
    ringy = (ring_officer >= 0) & (
        names.RING_CATEGORIES[category] | (second >= 0) & names.RING_CATEGORIES[np.maximum(second, 0)]
    )
    co_c: list[int] = []
    co_o: list[int] = []
    for i in np.flatnonzero(ringy).tolist():
        members = plots.members[int(plots.ring[int(ring_officer[i])])]
        take = 1 + int(rng.integers(len(members)))
        chosen = rng.permutation(len(members))[:take]
        for j in sorted(chosen.tolist()):
            co_c.append(i)
            co_o.append(members[j])
    co = len(co_c)
    c_rows.append(_i64(co_c))
    kind_rows.append(np.ones(co, dtype=np.int64))
    off_rows.append(np.full(co, NONE, dtype=np.int64))
    offl_rows.append(_i64(co_o))
    unit_rows.append(np.full(co, NONE, dtype=np.int64))
    descriptions.extend([""] * co)
    return Subjects(
        np.concatenate(c_rows),
        np.concatenate(kind_rows),
        np.concatenate(off_rows),
        np.concatenate(offl_rows),
        np.concatenate(unit_rows),
        descriptions,
    )


# -- cases, findings, measures ------------------------------------------------------------------------


def _uniform(rng: np.random.Generator, lo: int, hi: int, n: int) -> I64:
    return rng.integers(lo, hi, n).astype(np.int64)


def _casework(
    p: WorldParams,
    rng: np.random.Generator,
    tree: _Tree,
    force: _Force,
    intake: _Intake,
    subjects: Subjects,
    badges: list[str],
    end_day: int,
    vampire_open: dict[int, int],
) -> tuple[Cases, Links, Allegations, Measures, Steps]:
    c = intake.complaints
    m = len(c.reference)
    end = end_day * DAY
    county_level = tree.bodies.level[c.routed_to] == 2
    body_captured = np.zeros(len(tree.bodies.code), dtype=bool)
    body_captured[1 + tree.n_prov :] = tree.captured
    serious = names.SERIOUS[intake.category] | ((intake.second >= 0) & names.SERIOUS[np.maximum(intake.second, 0)])
    chance = np.where(serious, p.case_serious, p.case_minor)
    chance = np.where(county_level, chance, np.minimum(0.9, chance * p.case_higher_factor))
    chance = np.where(body_captured[c.routed_to], chance * p.captured_case_factor, chance)
    investigated = ((rng.random(m) < chance) | (intake.forced >= 0)) & (intake.officer >= 0)

    bucket = np.where(intake.forced >= 0, -1, (intake.route_time // DAY) // p.case_bucket_days)
    ci = np.flatnonzero(investigated)
    order = np.lexsort((intake.route_time[ci], bucket[ci], c.routed_to[ci], intake.officer[ci]))
    ci = ci[order]
    new = np.ones(len(ci), dtype=bool)
    new[1:] = (
        (intake.officer[ci][1:] != intake.officer[ci][:-1])
        | (c.routed_to[ci][1:] != c.routed_to[ci][:-1])
        | (bucket[ci][1:] != bucket[ci][:-1])
    )
    group = np.cumsum(new) - 1
    n_groups = int(new.sum())
    heads = ci[new]
    g_officer, g_body = intake.officer[heads], c.routed_to[heads]
    g_forced = intake.forced[heads]
    first_route = np.full(n_groups, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_route, group, intake.route_time[ci])
    last_route = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(last_route, group, intake.route_time[ci])
    opened = first_route + _uniform(rng, 5 * DAY, 30 * DAY, n_groups)
    decided = np.maximum(opened + _uniform(rng, 30 * DAY, 240 * DAY, n_groups), last_route + 14 * DAY)
    for g in np.flatnonzero(g_forced >= 0).tolist():
        officer = int(g_forced[g])
        if officer in vampire_open:
            opened[g] = vampire_open[officer] * DAY + 9 * 3600
            decided[g] = opened[g] + int(rng.integers(20, 45)) * DAY
        else:
            decided[g] = (int(force.left[officer]) - int(rng.integers(15, 25))) * DAY + 10 * 3600
            opened[g] = max(int(first_route[g]) + 3600, min(int(opened[g]), int(decided[g]) - 20 * DAY))
    alive = opened < end
    # Cases that would open after the end date never happened: their complaints stay uninvestigated.
    keep_rows = alive[group]
    ci, group = ci[keep_rows], group[keep_rows]
    renumber = np.cumsum(alive) - 1
    group = renumber[group]
    g_officer, g_body, g_forced = g_officer[alive], g_body[alive], g_forced[alive]
    opened, decided = opened[alive], decided[alive]
    n_cases = len(opened)
    decided_ok = decided < end
    case_of = np.full(m, NONE, dtype=np.int64)
    case_of[ci] = group

    # Allegations: each officer x category named in the case's complaints, and each ring official
    # named with him for collusion, grain or cover-up.
    a_case: list[I64] = []
    a_officer: list[I64] = []
    a_official: list[I64] = []
    a_cat: list[I64] = []
    a_src: list[I64] = []
    for cats in (intake.category, intake.second):
        rows = ci[cats[ci] >= 0]
        a_case.append(case_of[rows])
        a_officer.append(intake.officer[rows])
        a_official.append(np.full(len(rows), NONE, dtype=np.int64))
        a_cat.append(cats[rows])
        a_src.append(rows)
    co = np.flatnonzero((subjects.kind == 1) & (case_of[subjects.complaint] >= 0))
    for cats in (intake.category, intake.second):
        src = subjects.complaint[co]
        ok = (cats[src] >= 0) & names.RING_CATEGORIES[np.maximum(cats[src], 0)]
        rows = src[ok]
        a_case.append(case_of[rows])
        a_officer.append(np.full(len(rows), NONE, dtype=np.int64))
        a_official.append(subjects.official[co][ok])
        a_cat.append(cats[rows])
        a_src.append(rows)
    al_case, al_officer, al_official = (
        np.concatenate(a_case),
        np.concatenate(a_officer),
        np.concatenate(a_official),
    )
    al_cat, al_src = np.concatenate(a_cat), np.concatenate(a_src)
    order = np.lexsort((c.received_at[al_src], al_cat, al_official, al_officer, al_case))
    al_case, al_officer, al_official, al_cat, al_src = (
        al_case[order],
        al_officer[order],
        al_official[order],
        al_cat[order],
        al_src[order],
    )
    first = np.ones(len(al_case), dtype=bool)
    first[1:] = (
        (al_case[1:] != al_case[:-1])
        | (al_officer[1:] != al_officer[:-1])
        | (al_official[1:] != al_official[:-1])
        | (al_cat[1:] != al_cat[:-1])
    )
    a_group = np.cumsum(first) - 1
    n_al = int(first.sum())
    founded = np.zeros(n_al, dtype=bool)
    np.logical_or.at(founded, a_group, intake.founded[al_src])
    src = al_src[first]
    al_case, al_officer, al_official, al_cat = al_case[first], al_officer[first], al_official[first], al_cat[first]
    al_occ = c.occurred_on[src]
    bribe = al_cat == 0
    al_goods = np.where(bribe, intake.goods[src], NONE)
    al_value = np.where(bribe, intake.value[src], 0)

    case_body = g_body[al_case]
    level = tree.bodies.level[case_body]
    captured = body_captured[case_body]
    p_true = np.where(
        level == 2, p.sustain_true * np.where(captured, p.captured_sustain_factor, 1.0), p.sustain_true_higher
    )
    p_false = np.where(
        captured, p.sustain_false_captured, np.where(level == 2, p.sustain_false, 0.6 * p.sustain_false)
    )
    p_sustain = np.where(founded, p_true, p_false)
    forced_case = g_forced[al_case] >= 0
    p_sustain = np.where(forced_case & founded & (al_officer >= 0), 1.0, p_sustain)
    sustained = rng.random(n_al) < p_sustain
    other = 1 + np.minimum((rng.random(n_al)[:, None] > np.array([0.45, 0.75, 0.9])).sum(axis=1), 3)
    finding = np.where(sustained, 0, other).astype(np.int64)
    decided_here = decided_ok[al_case]
    a_decided = np.where(decided_here, decided[al_case], NONE)
    a_proposed_at = np.where(
        decided_here,
        np.maximum(opened[al_case], decided[al_case] - _uniform(rng, DAY, 10 * DAY, n_al)),
        NONE,
    )
    proposing = ~decided_here & (rng.random(n_al) < 0.3)
    pending_at = opened[al_case] + ((end - opened[al_case]) * rng.random(n_al)).astype(np.int64)
    a_proposed_at = np.where(proposing, pending_at, a_proposed_at)
    proposed_finding = np.where(decided_here | proposing, finding, NONE)
    finding = np.where(decided_here, finding, NONE)
    allegations = Allegations(
        case=al_case,
        officer=al_officer,
        official=al_official,
        category=al_cat,
        goods=al_goods,
        value=al_value,
        occurred_on=al_occ,
        proposed_finding=proposed_finding,
        proposed_at=a_proposed_at,
        finding=finding,
        decided_at=a_decided,
    )

    measures, steps, referred = _measures(p, rng, force, allegations, g_forced, decided, end_day, vampire_open)

    # Complaint statuses follow their case, or are closed by the body without one.
    in_case = case_of >= 0
    # Index the case arrays only where a complaint has a case (a short world may have none at all).
    case_row = np.maximum(case_of, 0) if len(decided) else np.zeros(0, dtype=np.int64)
    case_decided_on = np.zeros(m, dtype=decided.dtype)
    case_closed = np.zeros(m, dtype=bool)
    if len(decided):
        case_decided_on = decided[case_row]
        case_closed = np.where(in_case, decided_ok[case_row], False)
    county_body_now = county_level & body_captured[c.routed_to]
    close = intake.route_time + np.where(
        county_body_now, _uniform(rng, 10 * DAY, 75 * DAY, m), _uniform(rng, 10 * DAY, 28 * DAY, m)
    )
    close = np.maximum(close, intake.ack + DAY)
    close = np.where(in_case, case_decided_on + _uniform(rng, 0, 3 * DAY, m), close)
    closed = np.where(in_case, case_closed & (close < end), close < end)
    c.closed_at = np.where(closed, close, NONE)
    c.acknowledged_at = np.where(intake.ack < end, intake.ack, NONE)
    c.status = np.where(
        closed, CLOSED, np.where(in_case, INVESTIGATING, np.where(intake.ack < end, ACKNOWLEDGED, RECEIVED))
    ).astype(np.int64)

    case_status = np.where(decided_ok, 1, 0).astype(np.int64)
    case_status[referred & decided_ok] = 2
    vampire_case = np.isin(g_forced, np.array(list(vampire_open), dtype=np.int64))
    # The vampires' case stays open: the follow-up measures, political or criminal, are still to come.
    case_status[vampire_case] = 0
    closed_at = np.where(case_status > 0, decided + _uniform(rng, 0, 5 * DAY, n_cases), NONE)
    closed_at = np.where(closed_at >= end, NONE, closed_at)
    case_status[(case_status > 0) & (closed_at < 0)] = 0

    # Number cases by the year they opened, in the order they opened.
    order = np.lexsort((np.arange(n_cases), opened))
    rank = np.empty(n_cases, dtype=np.int64)
    rank[order] = np.arange(n_cases)
    years = [date_of(int(t // DAY)).year for t in opened[order].tolist()]
    numbers_sorted = []
    seq: dict[int, int] = {}
    for y in years:
        seq[y] = seq.get(y, 0) + 1
        numbers_sorted.append(f"{p.prefix}CASE-{y}-{seq[y]:05d}")
    numbers = [numbers_sorted[int(r)] for r in rank.tolist()]
    severest = np.full(n_cases, -1, dtype=np.int64)
    np.maximum.at(severest, al_case, names.SEVERITY[al_cat] * 16 + (15 - al_cat))
    main_cat = 15 - severest % 16
    titles = [
        f"{names.CATEGORY_LABELS[int(main_cat[g])]}: officer {badges[int(g_officer[g])]}" for g in range(n_cases)
    ]
    cases = Cases(numbers, titles, g_body, case_status, opened, closed_at)
    case_links = Links(group.astype(np.int64), ci.astype(np.int64))
    return cases, case_links, allegations, measures, steps


def _measures(
    p: WorldParams,
    rng: np.random.Generator,
    force: _Force,
    al: Allegations,
    g_forced: I64,
    case_decided: I64,
    end_day: int,
    vampire_open: dict[int, int],
) -> tuple[Measures, Steps, Bool]:
    end = end_day * DAY
    n_cases = len(g_forced)
    eligible = np.flatnonzero((al.finding == 0) & (al.officer >= 0))
    # One measure (more for scripted cases) per case and officer, for the gravest sustained allegation.
    score = names.SEVERITY[al.category[eligible]] * 16 + (15 - al.category[eligible])
    order = np.lexsort((-score, al.officer[eligible], al.case[eligible]))
    eligible = eligible[order]
    lead = np.ones(len(eligible), dtype=bool)
    lead[1:] = (al.case[eligible][1:] != al.case[eligible][:-1]) | (
        al.officer[eligible][1:] != al.officer[eligible][:-1]
    )
    target = eligible[lead]
    t_case = al.case[target]
    forced = g_forced[t_case] >= 0
    chosen = forced | (rng.random(len(target)) < p.measure_share)
    target, t_case, forced = target[chosen], t_case[chosen], forced[chosen]
    severity = names.SEVERITY[al.category[target]]
    u = rng.random(len(target))
    kind = np.minimum((u[:, None] > _CUM_MEASURES[severity]).sum(axis=1), 8).astype(np.int64)

    rows: list[tuple[int, int, int]] = []  # allegation, kind, script (0 normal, 1 vampire, 2 dismissal)
    for a, k, f, case in zip(target.tolist(), kind.tolist(), forced.tolist(), t_case.tolist(), strict=True):
        officer = int(al.officer[a])
        if f and officer in vampire_open:
            rows.extend([(a, M_SUSPENSION, 1), (a, M_STANDBY, 1), (a, M_CRIMINAL, 1), (a, M_PARTY, 1)])
        elif f and force.dismissed[officer] and int(g_forced[case]) == officer:
            rows.append((a, M_DISMISSAL, 2))
            if rng.random() < 0.4:
                rows.append((a, M_CRIMINAL, 2))
        else:
            rows.append((a, k, 0))
    n = len(rows)
    m_al = _i64([r[0] for r in rows])
    m_kind = _i64([r[1] for r in rows])
    script = _i64([r[2] for r in rows])
    m_case = al.case[m_al] if n else np.zeros(0, dtype=np.int64)
    m_officer = al.officer[m_al] if n else np.zeros(0, dtype=np.int64)
    base = case_decided[m_case] if n else np.zeros(0, dtype=np.int64)
    proposed = base + _uniform(rng, DAY, 10 * DAY, n)
    notified = proposed + _uniform(rng, DAY, 5 * DAY, n)
    responded = notified + _uniform(rng, 2 * DAY, 13 * DAY, n)
    answers = rng.random(n) < 0.6
    decided = notified + _uniform(rng, 15 * DAY, 30 * DAY, n)
    # The vampires: suspended and on standby at once; the referrals are announced, not yet decided.
    vamp = script == 1
    proposed[vamp] = base[vamp] + DAY
    notified[vamp] = proposed[vamp] + 2 * DAY
    decided[vamp] = notified[vamp] + 8 * DAY
    answers[vamp] = False
    fired = script == 2
    leave_day = force.left[m_officer] if n else np.zeros(0, dtype=np.int64)
    proposed[fired] = base[fired] + DAY
    notified[fired] = proposed[fired] + 2 * DAY
    decided[fired] = (leave_day[fired] - 1) * DAY + 11 * 3600
    responded[fired] = notified[fired] + DAY
    starts = decided // DAY + 1
    ends = np.full(n, NONE, dtype=np.int64)
    for k, (lo, hi) in _MEASURE_DAYS.items():
        mask = m_kind == k
        ends[mask] = starts[mask] + rng.integers(lo, hi, int(mask.sum()))
    ends[vamp & (m_kind == M_SUSPENSION)] = starts[vamp & (m_kind == M_SUSPENSION)] + 365
    ends[vamp & (m_kind == M_STANDBY)] = NONE
    referral = vamp & ((m_kind == M_CRIMINAL) | (m_kind == M_PARTY))
    notified[referral & (m_kind == M_CRIMINAL)] = end + DAY  # proposed, notice not yet served
    decided[referral] = end + DAY

    state = np.full(n, S_PROPOSED, dtype=np.int64)
    state[notified < end] = S_NOTIFIED
    state[(notified < end) & answers & (responded < end) & (responded < decided)] = S_RESPONDED
    done = decided < end
    state[done] = S_DECIDED
    state[done & (starts <= end_day)] = S_IN_FORCE
    state[done & (ends >= 0) & (ends < end_day)] = S_ENDED
    # A measure is not proposed against someone who had already left, unless it is his dismissal.
    left = force.left[m_officer] if n else np.zeros(0, dtype=np.int64)
    keep = (proposed < end) & ((script > 0) | (left < 0) | (proposed // DAY < left))
    idx = np.flatnonzero(keep)
    m_al, m_kind, m_case, m_officer, state = m_al[idx], m_kind[idx], m_case[idx], m_officer[idx], state[idx]
    proposed, notified, responded, decided = proposed[idx], notified[idx], responded[idx], decided[idx]
    answers, starts, ends = answers[idx], starts[idx], ends[idx]
    n = len(idx)
    measures = Measures(
        officer=m_officer,
        case=m_case,
        allegation=m_al,
        kind=m_kind,
        state=state,
        reason=[
            f"Sustained finding: {names.CATEGORY_LABELS[int(al.category[a])].lower()}." for a in m_al.tolist()
        ],
        # A proposed suspension already names its period (the database insists on an end).
        starts_on=np.where((decided < end) | (m_kind == M_SUSPENSION), starts, NONE),
        ends_on=np.where((decided < end) | (m_kind == M_SUSPENSION), ends, NONE),
        proposed_at=proposed,
        notified_at=np.where(notified < end, notified, NONE),
        response_due_on=np.where(notified < end, notified // DAY + 14, NONE),
        decided_at=np.where(decided < end, decided, NONE),
    )
    s_m: list[I64] = []
    s_k: list[I64] = []
    s_at: list[I64] = []
    every = np.arange(n, dtype=np.int64)
    for kind_code, at, mask in (
        (0, proposed, np.ones(n, dtype=bool)),
        (1, notified, notified < end),
        (2, responded, answers & (responded < end) & (responded < decided)),
        (3, decided, decided < end),
        (6, starts * DAY + 8 * 3600, (decided < end) & (starts <= end_day)),
        (7, ends * DAY + 8 * 3600, (decided < end) & (ends >= 0) & (ends < end_day)),
    ):
        s_m.append(every[mask])
        s_k.append(np.full(int(mask.sum()), kind_code, dtype=np.int64))
        s_at.append(at[mask])
    steps = Steps(np.concatenate(s_m), np.concatenate(s_k), np.concatenate(s_at))
    referred = np.zeros(n_cases, dtype=bool)
    referred[m_case[(m_kind == M_CRIMINAL) & (decided < end)]] = True
    return measures, steps, referred


# -- putting it together ----------------------------------------------------------------------------


def simulate(params: WorldParams) -> World:
    """Build the world for ``params``: the same parameters give the same world, to the last byte."""
    if params.officers < 1 or params.years < 1:
        raise ValueError("a world needs at least one officer and one year")
    rng = np.random.default_rng(params.seed)
    end = params.resolved_end()
    end_day = day_of(end)
    start_day = day_of(dt.date(end.year - params.years + 1, 1, 1))
    tree = _tree(params, rng)
    pl = _places(params, rng, tree)
    force = _force(params, rng, tree, start_day, end_day)
    pa = _place_assignments(params, rng, pl, force, start_day, end_day)
    locals_ = _officials(params, rng, pl, start_day, end_day)
    plots = _plots(params, rng, force, pa, locals_, end_day)

    n = force.n
    female = force.female
    first_names, last_names = names.person_names(rng, female)
    badges = [f"{params.prefix}{i + 1:06d}" for i in range(n)]
    vampires = np.flatnonzero(force.kind == VAMPIRE).tolist()
    vampire_open = {v: end_day - int(rng.integers(90, 200)) for v in vampires}

    draft = _streams(params, rng, force, plots, start_day, end_day)
    intake = _intake(params, rng, tree, pl, force, pa, plots, draft, start_day, end_day, vampire_open)
    cases, case_links, allegations, measures, steps = _casework(
        params, rng, tree, force, intake, intake.subjects, badges, end_day, vampire_open
    )

    # Today's status and rank, after the measures.
    status = np.full(n, ACTIVE, dtype=np.int64)
    in_force = measures.state == S_IN_FORCE
    covering = in_force & (measures.starts_on <= end_day) & ((measures.ends_on < 0) | (measures.ends_on > end_day))
    status[measures.officer[covering & (measures.kind == M_STANDBY)]] = STANDBY
    status[measures.officer[covering & (measures.kind == M_SUSPENSION)]] = SUSPENDED
    status[force.left >= 0] = RETIRED
    status[force.dismissed] = DISMISSED
    service = (force.span_end - force.hired) / 365.0
    rank = np.digitize(service, np.array([3.0, 8.0, 15.0, 22.0, 30.0])) + rng.integers(-1, 2, n)
    demoted = (measures.kind == M_DEMOTION) & ((measures.state == S_IN_FORCE) | (measures.state == S_ENDED))
    rank = rank - np.bincount(measures.officer[demoted], minlength=n)
    rank = np.clip(rank, 0, len(names.RANKS) - 1)
    pa = _release_places(pa, measures, covering)
    sa = force.station_assignments
    open_unit = np.full(n, NONE, dtype=np.int64)
    is_open = sa.end < 0
    open_unit[sa.who[is_open]] = tree.station_unit(sa.what[is_open])
    officers = Officers(
        badge=badges,
        first_name=first_names,
        last_name=last_names,
        sex=["female" if f else "male" for f in female.tolist()],
        rank=[names.RANKS[int(r)] for r in rank.tolist()],
        status=status,
        hired_on=force.hired,
        left_on=force.left,
        unit=open_unit,
    )
    members_ring = [r for r, group in enumerate(plots.members) for _ in group]
    members_official = [o for group in plots.members for o in group]
    categories = Links(
        np.concatenate([np.arange(len(intake.category), dtype=np.int64), intake.extra_categories.left]),
        np.concatenate([intake.category, intake.extra_categories.right]),
    )
    events = _events(intake, cases, case_links, end_day)
    captured_bodies = np.zeros(len(tree.bodies.code), dtype=bool)
    captured_bodies[1 + tree.n_prov :] = tree.captured
    return World(
        params=params,
        start_day=start_day,
        end_day=end_day,
        units=tree.units,
        bodies=tree.bodies,
        captured=captured_bodies,
        places=pl.places,
        officers=officers,
        station_assignments=Periods(sa.who, tree.station_unit(sa.what), sa.start, sa.end),
        place_assignments=pa,
        officials=locals_.officials,
        posts=locals_.posts,
        complainants=intake.complainants,
        complaints=intake.complaints,
        complaint_categories=categories,
        subjects=intake.subjects,
        events=events,
        cases=cases,
        case_complaints=case_links,
        allegations=allegations,
        measures=measures,
        steps=steps,
        truth=Truth(force.kind, plots.ring, plots.retaliated, force.corrupt_from),
        ring_members=Links(_i64(members_ring), _i64(members_official)),
        complaint_truth=ComplaintTruth(intake.stream, intake.founded),
        retaliations=Retaliations(
            _i64([o for o, crossed in sorted(plots.retaliators.items()) for _ in crossed]),
            _i64([x for _, crossed in sorted(plots.retaliators.items()) for x in crossed]),
            _i64([plots.refusal_day[o] for o, crossed in sorted(plots.retaliators.items()) for _ in crossed]),
        ),
    )


def _release_places(pa: Periods, measures: Measures, covering: Bool) -> Periods:
    """A suspended officer, or one on standby, answers for no village from the day it starts."""
    out = covering & ((measures.kind == M_SUSPENSION) | (measures.kind == M_STANDBY))
    since = np.full(int(pa.who.max(initial=-1)) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(since, measures.officer[out], measures.starts_on[out])
    cut = since[pa.who]
    keep = pa.start < cut
    end = np.where(keep & (pa.end < 0) & (cut < np.iinfo(np.int64).max), cut, pa.end)
    return Periods(pa.who[keep], pa.what[keep], pa.start[keep], end[keep])


def _events(intake: _Intake, cases: Cases, links: Links, end_day: int) -> Events:
    c = intake.complaints
    m = len(c.reference)
    end = end_day * DAY
    idx = np.arange(m, dtype=np.int64)
    parts: list[tuple[I64, int, I64, I64]] = [
        (idx, EV_FILED, c.received_at, np.full(m, NONE, dtype=np.int64)),
        (idx, EV_ROUTED, c.received_at + 60, c.first_body),
    ]
    once = c.escalations >= 1
    twice = c.escalations >= 2
    # Escalation climbs county -> province -> national.
    parts.append((idx[once], EV_ESCALATED, intake.escalated_at[once], intake.province_body[once]))
    parts.append((idx[twice], EV_ESCALATED, intake.route_time[twice], c.routed_to[twice]))
    acked = c.acknowledged_at >= 0
    parts.append((idx[acked], EV_ACK, c.acknowledged_at[acked], c.routed_to[acked]))
    # A complaint joins its case once it has reached the case's body.
    joined = np.maximum(cases.opened_at[links.left], intake.route_time[links.right] + 3600)
    keep = joined < end
    parts.append((links.right[keep], EV_CASE, joined[keep], cases.body[links.left[keep]]))
    closed = c.closed_at >= 0
    parts.append((idx[closed], EV_CLOSED, c.closed_at[closed], c.routed_to[closed]))
    return Events(
        np.concatenate([q[0] for q in parts]),
        np.concatenate([np.full(len(q[0]), q[1], dtype=np.int64) for q in parts]),
        np.concatenate([q[2] for q in parts]),
        np.concatenate([q[3] for q in parts]),
    )


def world_fields(world: World) -> dict[str, object]:
    """Every table of the world by name (for tests and digests of the pure output)."""
    out: dict[str, object] = {}
    for f in dataclasses.fields(world):
        value = getattr(world, f.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for g in dataclasses.fields(value):
                out[f"{f.name}.{g.name}"] = getattr(value, g.name)
        else:
            out[f.name] = value
    return out
