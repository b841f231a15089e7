"""Names read as their own language writes them, wherever a person is shown."""

from __future__ import annotations

import pytest

from ombud.accounts.models import User
from ombud.core.names import full_name
from ombud.org.models import Officer, Official


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        ("Ann", "Lee", "Ann Lee"),
        ("强", "赵", "赵强"),
        ("민준", "김", "김민준"),
        ("", "赵", "赵"),
        ("Min-jun", "Kim", "Min-jun Kim"),
        ("Qiang", "赵", "Qiang 赵"),  # mixed: left as given
        ("强", "民警 A17", "强 民警 A17"),  # a placeholder for a missing family name does not go first
    ],
)
def test_family_name_first_where_the_script_writes_it_first(first: str, last: str, shown: str) -> None:
    assert full_name(first, last) == shown


def test_officers_officials_and_users_are_shown_alike() -> None:
    assert Officer(first_name="强", last_name="赵").full_name == "赵强"
    assert str(Official(first_name="秀英", last_name="王")) == "王秀英"
    assert User(first_name="Erin", last_name="Lam").get_full_name() == "Erin Lam"
    assert User(first_name="英", last_name="李").get_full_name() == "李英"


@pytest.mark.django_db
def test_a_complainant_finds_an_officer_by_his_name_as_it_is_written() -> None:
    from ombud.intake.selectors import officer_search

    zhao = Officer.objects.create(first_name="强", last_name="赵")
    assert list(officer_search("赵强")) == [zhao]
    assert list(officer_search("强")) == [zhao]
