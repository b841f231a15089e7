"""``ombud user add``: accounts with a role for a force's people, without the admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ombud.accounts.models import Membership, User
from ombud.audit.models import AuditEntry
from tests.factories import OversightBodyFactory, UnitFactory

pytestmark = pytest.mark.django_db


def add(*args: str) -> str:
    out = StringIO()
    call_command("user", "add", *args, stdout=out)
    return out.getvalue()


def test_a_supervisor_gets_an_account_for_a_unit_named_as_the_force_names_it() -> None:
    unit = UnitFactory(name="East Station 6")
    out = add("sam", "--role", "supervisor", "--unit", "east station 6", "--last-name", "Sands")
    assert "Created user sam, supervisor of East Station 6." in out
    password = out.split("Password (shown once): ")[1].strip()
    sam = User.objects.get(username="sam")
    assert sam.check_password(password) and sam.last_name == "Sands"
    assert Membership.objects.filter(user=sam, role="supervisor", unit=unit).exists()
    assert AuditEntry.objects.filter(action__in=["user.create", "membership.grant"]).count() == 2
    # A second role for the same person: no new account, no new password.
    again = add("sam", "--role", "analyst")
    assert again.strip() == "User sam is now also analyst." and User.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--role", "supervisor"], "A supervisor supervises a unit."),
        (["--role", "supervisor", "--unit", "Nowhere"], "No unit has the code or name 'Nowhere'."),
        (["--role", "investigator", "--unit", "U1"], "give --body, not --unit"),
        (["--role", "analyst", "--body", "B1"], "leave out --body"),
        (["--role", "investigator"], "This role is held in an oversight body."),
    ],
)
def test_a_role_without_its_place_is_refused_and_no_account_is_left(args: list[str], said: str) -> None:
    UnitFactory(code="U1", name="First")
    OversightBodyFactory(code="B1")
    with pytest.raises(CommandError, match=said.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        add("ivy", *args)
    assert not User.objects.filter(username="ivy").exists()
