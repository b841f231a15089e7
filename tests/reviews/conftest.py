"""Reviews in the small force of tests/conftest.py: county A's committee (alice heads it, bob
investigates) orders its units to hold general assemblies; station A1 (frank and gus) answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from ombud.reviews.models import Directive, Meeting, MeetingKind
from ombud.reviews.services import directive_issue, meeting_schedule
from tests.conftest import Force


def today() -> dt.date:
    return timezone.localdate()


def issue(force: Force, *, days_ago: int = 0, due_in: int = 30, **kwargs: Any) -> Directive:
    """A directive from county A's committee, issued ``days_ago`` days ago, due ``due_in`` days after
    today (negative: the deadline has passed), covering the last ten years."""
    fields: dict[str, Any] = {
        "actor": force.users["alice"],
        "body": force.bodies["a"],
        "title": "General assemblies after the national conference",
        "meeting_kind": MeetingKind.GENERAL_ASSEMBLY,
        "due_on": today() + dt.timedelta(days=due_in),
        "period_start": today() - dt.timedelta(days=3650),
        "period_end": today(),
        "now": timezone.now() - dt.timedelta(days=days_ago),
    }
    return directive_issue(**{**fields, **kwargs})


def schedule(
    force: Force, directive: Directive | None, station: str = "a1", *, on: dt.date | None = None
) -> Meeting:
    return meeting_schedule(
        actor=force.users["bob"],
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title=f"General assembly of station {station.upper()}",
        starts_on=on or today(),
        place="Station hall",
        unit=force.units[station],
        directive=directive,
        body=None if directive else force.bodies["a"],
    )


@pytest.fixture
def directive(force: Force) -> Directive:
    return issue(force)


@pytest.fixture
def meeting(force: Force, directive: Directive) -> Meeting:
    return schedule(force, directive)
