"""The simulator's knobs, with their defaults. ``docs/world.md`` explains each of them; the defaults
are tuned so that the demo world (2,000 officers, 12 years) has the volumes of a real county-level
force: about ten thousand complaints, several hundred cases, a few hundred measures."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WorldParams:
    # -- size and time --------------------------------------------------------------------------
    officers: int = 2000  # officers serving on the end date; those who left over the years come on top
    years: int = 12  # calendar years of history, the last one being the end date's year
    seed: int = 1
    end_date: dt.date | None = None  # None: today
    provinces: int = 0  # 0: one per 20,000 officers
    prefix: str = ""  # put before every code, badge, reference and case number (``--add``)

    # -- shape of the force ---------------------------------------------------------------------
    officers_per_station: float = 33.0
    stations_per_county: float = 6.0
    places_per_officer: float = 0.65
    hamlet_share: float = 0.3  # hamlets have a village head and a farm manager only
    village_officer_share: float = 0.45  # officers who can be made responsible for villages

    # -- careers --------------------------------------------------------------------------------
    attrition_per_year: float = 0.025  # officers leaving (retired, dismissed) per serving officer-year
    transfer_every_years: float = 5.0  # mean time between two station moves
    same_county_transfer: float = 0.75  # a move stays within the county branch
    place_rotation_years: float = 4.0  # mean time a village keeps its responsible officer
    official_tenure_years: float = 9.0  # mean time a local official keeps a post
    villagers_per_place: int = 40  # distinct villagers of a place who ever complain

    # -- hidden corruption (ground truth, world.Truth) ------------------------------------------
    captured_county_share: float = 0.2  # county oversight bodies whose members are friends of the local chain
    captured_corruption_factor: float = 2.0  # corruption is this many times likelier in a captured county
    bribe_taker_share: float = 0.05
    colluder_share: float = 0.035  # of all officers; colluders are drawn among village officers
    vampires_per_1000: float = 1.0  # at least one
    corrupt_partway_share: float = 0.5  # corruption starting partway through the years, not before them
    dismissed_share: float = 0.5  # of corrupt officers who leave: dismissed rather than retired
    refusal_share: float = 0.05  # honest village officers who refuse to collude and are retaliated against

    # -- complaints (per officer-year unless said otherwise) ------------------------------------
    background_rate: float = 0.35  # every officer: discourtesy, neglect... mostly unfounded
    background_founded: float = 0.25  # background complaints describing real (minor) misconduct
    bribe_rate: float = 1.2  # bribe-takers
    ring_rate: float = 1.5  # colluders, while their ring is active (collusion, grain, cover-up)
    vampire_rate: float = 6.0  # on average; it grows over the years
    retaliation_rate: float = 2.5  # complaints by the officials an honest officer crossed
    retaliation_years: float = 1.5
    corrupt_founded: float = 0.9  # complaints against corrupt officers that describe what happened
    second_category_share: float = 0.2
    unidentified_share: float = 0.03  # the complainant could not name the officer
    anonymous_share: float = 0.35  # complaints with no complainant record at all

    # -- routing --------------------------------------------------------------------------------
    direct_province_share: float = 0.02  # complainants addressing the province body directly
    direct_national_share: float = 0.005
    escalate_captured: float = 0.15  # complaints a captured county sits on until they escalate
    escalate_normal: float = 0.03

    # -- investigation and findings -------------------------------------------------------------
    case_serious: float = 0.25  # a complaint of bribery, collusion, grain, cover-up or force becomes a case
    case_minor: float = 0.08
    case_higher_factor: float = 2.2  # province and national bodies open cases this many times more often
    captured_case_factor: float = 0.3
    sustain_true: float = 0.6  # a founded allegation is sustained (county body)
    sustain_true_higher: float = 0.8  # ...by a province or national body
    captured_sustain_factor: float = 0.3
    sustain_false: float = 0.05  # an unfounded allegation is sustained anyway
    sustain_false_captured: float = 0.15  # ...by a captured county body (the officials' friends)
    measure_share: float = 0.7  # sustained officer allegations that lead to a measure
    case_bucket_days: int = 240  # complaints about one officer at one body within this window share a case

    def resolved_end(self) -> dt.date:
        return self.end_date or dt.date.today()  # noqa: DTZ011 -- the simulated world ends on the local today

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["end_date"] = self.resolved_end().isoformat()
        return data
