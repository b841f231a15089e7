"""Users and their roles without the admin: administrators list accounts, give roles, end them and
close accounts through the API, and the console does the same with ``ombud user``; one service
each, audited; nobody closes his own account, and the force always keeps an administrator."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ombud.accounts.models import Membership, Role, User
from ombud.accounts.scope import scope_for
from ombud.accounts.services import membership_end, membership_grant, user_create, user_deactivate
from ombud.audit.models import AuditEntry
from ombud.org.models import Officer
from tests.conftest import Force

TODAY = timezone.localdate()


def api_for(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def rows() -> tuple[int, int, int, int]:
    return User.objects.count(), Membership.objects.count(), Token.objects.count(), AuditEntry.objects.count()


def role_of(user: User, role: str) -> Membership:
    return Membership.objects.get(user=user, role=role)


# --- the services ------------------------------------------------------------------------------


def test_an_ended_role_no_longer_opens_anything_and_stays_on_record(force: Force) -> None:
    bob = force.users["bob"]
    membership_end(actor=force.users["admin"], membership=role_of(bob, Role.INVESTIGATOR))
    bob = User.objects.get(pk=bob.pk)
    assert Role.INVESTIGATOR not in scope_for(bob).roles
    kept = role_of(bob, Role.INVESTIGATOR)
    assert kept.end_on == TODAY
    entry = json.loads(AuditEntry.objects.get(action="membership.end").payload)
    assert entry == {"user": bob.pk, "role": "investigator", "on": TODAY.isoformat()}


def test_a_role_ends_today_or_later_and_only_once(force: Force) -> None:
    bob = force.users["bob"]
    role = role_of(bob, Role.INVESTIGATOR)
    with pytest.raises(ValidationError, match="not on a day past"):
        membership_end(actor=None, membership=role, on=TODAY - dt.timedelta(days=1))
    membership_end(actor=None, membership=role, on=TODAY + dt.timedelta(days=30))
    assert Role.INVESTIGATOR in scope_for(User.objects.get(pk=bob.pk)).roles  # until that day
    membership_end(actor=None, membership=role)
    with pytest.raises(ValidationError, match="already ended"):
        membership_end(actor=None, membership=role)


def test_a_closed_account_cannot_log_in_nor_use_its_token(force: Force, client) -> None:  # type: ignore[no-untyped-def]
    bob = force.users["bob"]
    bob.set_password("a-long-password-42")
    bob.save()
    token = Token.objects.create(user=bob)
    user_deactivate(actor=force.users["admin"], user=bob)
    assert not client.login(username="bob", password="a-long-password-42")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(reverse("api-complaints")).status_code == 401
    assert not Token.objects.filter(user=bob).exists()
    assert Membership.objects.filter(user=bob).exists()  # his roles stay on record


def test_only_administrators_manage_users_and_the_force_keeps_one(force: Force) -> None:
    admin, bob = force.users["admin"], force.users["bob"]
    for name in ("alice", "dave", "erin", "frank"):
        with pytest.raises(PermissionDenied):
            user_deactivate(actor=force.users[name], user=bob)
        with pytest.raises(PermissionDenied):
            membership_end(actor=force.users[name], membership=role_of(bob, Role.INVESTIGATOR))
    with pytest.raises(ValidationError, match="Nobody closes his own account"):
        user_deactivate(actor=admin, user=admin)
    # The only administrator (a superuser too): neither his role nor his account can be taken away.
    with pytest.raises(ValidationError, match="Nobody else administers the force"):
        user_deactivate(actor=None, user=admin)
    with pytest.raises(ValidationError, match="Nobody else administers the force"):
        User.objects.filter(pk=admin.pk).update(is_superuser=False)
        membership_end(actor=None, membership=role_of(admin, Role.ADMINISTRATOR))
    assert User.objects.get(pk=admin.pk).is_active and role_of(admin, Role.ADMINISTRATOR).end_on is None


def test_two_administrators_cannot_each_end_the_other(force: Force) -> None:
    admin = force.users["admin"]
    User.objects.filter(pk=admin.pk).update(is_superuser=False)
    ada = user_create(actor=None, username="ada", password=None)
    membership_grant(actor=None, user=ada, role=Role.ADMINISTRATOR)
    tomorrow = TODAY + dt.timedelta(days=1)
    membership_end(actor=None, membership=role_of(admin, Role.ADMINISTRATOR), on=tomorrow)
    # A role ending tomorrow leaves nobody from then on: it does not count.
    with pytest.raises(ValidationError, match="Nobody else administers the force"):
        membership_end(actor=None, membership=role_of(ada, Role.ADMINISTRATOR), on=tomorrow)
    with pytest.raises(ValidationError, match="Nobody else administers the force"):
        user_deactivate(actor=None, user=ada)


def test_an_administrator_barred_by_a_measure_does_not_count(force: Force) -> None:
    admin, frank = force.users["admin"], force.users["frank"]
    User.objects.filter(pk=admin.pk).update(is_superuser=False)
    membership_grant(actor=None, user=frank, role=Role.ADMINISTRATOR)
    Officer.objects.filter(pk=force.officers["frank"].pk).update(status=Officer.Status.SUSPENDED)
    with pytest.raises(ValidationError, match="Nobody else administers the force"):
        membership_end(actor=None, membership=role_of(admin, Role.ADMINISTRATOR))


def test_an_ordinary_account_closes_whoever_administers(force: Force) -> None:
    # Even with nobody left to administer (the last administrator is barred), a clerk's account closes.
    admin = force.users["admin"]
    User.objects.filter(pk=admin.pk).update(is_active=False)
    user_deactivate(actor=None, user=force.users["bob"])
    assert not User.objects.get(pk=force.users["bob"].pk).is_active


def test_a_role_is_ended_not_lengthened_and_a_closed_account_gets_none(force: Force) -> None:
    bob = force.users["bob"]
    role = role_of(bob, Role.INVESTIGATOR)
    membership_end(actor=None, membership=role, on=TODAY + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="a role is ended, not lengthened"):
        membership_end(actor=None, membership=role, on=TODAY + dt.timedelta(days=300))
    user_deactivate(actor=None, user=bob)
    with pytest.raises(ValidationError, match="This account is closed"):
        membership_grant(actor=None, user=User.objects.get(pk=bob.pk), role=Role.ANALYST)


def test_a_closed_account_opened_again_keeps_none_of_its_old_sessions(force: Force, client) -> None:  # type: ignore[no-untyped-def]
    bob = force.users["bob"]
    bob.set_password("a-long-password-42")
    bob.save()
    assert client.login(username="bob", password="a-long-password-42")
    assert client.get(reverse("home")).status_code == 200
    user_deactivate(actor=None, user=bob)
    User.objects.filter(pk=bob.pk).update(is_active=True)  # opened again in the admin
    assert client.get(reverse("home")).status_code == 302  # to the login page
    assert not client.login(username="bob", password="a-long-password-42")


# --- the API -----------------------------------------------------------------------------------


def test_the_api_lists_accounts_with_their_roles(force: Force) -> None:
    answer = api_for(force.users["admin"]).get(reverse("api-users"))
    assert answer.status_code == 200
    listed = {row["username"]: row for row in answer.json()["results"]}
    assert listed["alice"]["memberships"][0] | {"id": 0, "start_on": ""} == {
        "id": 0,
        "role": "body_head",
        "body": "BODY-A",
        "unit": None,
        "start_on": "",
        "end_on": None,
    }
    assert listed["dave"]["memberships"][0]["unit"] == "STN-A1"
    assert listed["frank"]["officer"] == force.officers["frank"].pk and listed["frank"]["memberships"] == []


def test_the_api_makes_an_account_with_a_role_and_a_password_shown_once(force: Force, client) -> None:  # type: ignore[no-untyped-def]
    api = api_for(force.users["admin"])
    answer = api.post(
        reverse("api-users"),
        {"username": "ivy", "first_name": "Ivy", "role": "investigator", "body": "BODY-B"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert made["user"]["memberships"][0]["body"] == "BODY-B"
    assert client.login(username="ivy", password=made["password"])
    again = api.post(reverse("api-user-roles", args=[made["user"]["id"]]), {"role": "analyst"}, format="json")
    assert again.status_code == 201 and [m["role"] for m in again.json()["memberships"]] == [
        "investigator",
        "analyst",
    ]
    assert "password" not in again.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "alice", "role": "analyst"}, "username"),
        ({"username": "bad name!", "role": "analyst"}, "username"),
        ({"username": "ivy", "role": "officer"}, "role"),
        ({"username": "ivy", "role": "investigator"}, "non_field_errors"),
        ({"username": "ivy", "role": "investigator", "body": "NOPE"}, "body"),
        ({"username": "ivy", "role": "analyst", "body": "BODY-A"}, "body"),
        ({"username": "ivy", "role": "investigator", "body": "BODY-A", "unit": "STN-A1"}, "unit"),
        ({"username": "ivy", "role": "supervisor"}, "non_field_errors"),
    ],
)
def test_the_api_refuses_a_bad_account_whole(force: Force, body: dict, field: str) -> None:  # type: ignore[type-arg]
    before = rows()
    answer = api_for(force.users["admin"]).post(reverse("api-users"), body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.content
    assert rows() == before


def test_the_api_stores_a_user_name_as_the_login_form_reads_it(force: Force) -> None:
    answer = api_for(force.users["admin"]).post(
        reverse("api-users"), {"username": "\uff4eew5", "role": "analyst"}, format="json"
    )
    assert answer.status_code == 201 and answer.json()["user"]["username"] == "new5"


def test_the_api_ends_a_role_and_closes_an_account(force: Force) -> None:
    api, bob = api_for(force.users["admin"]), force.users["bob"]
    role = role_of(bob, Role.INVESTIGATOR)
    later = (TODAY + dt.timedelta(days=7)).isoformat()
    ended = api.post(reverse("api-membership-end", args=[role.pk]), {"on": later}, format="json")
    assert ended.status_code == 200 and ended.json()["memberships"][0]["end_on"] == later
    past = api.post(reverse("api-membership-end", args=[role.pk]), {"on": "2020-01-01"}, format="json")
    assert past.status_code == 400 and "on" in past.json()
    closed = api.post(reverse("api-user-deactivate", args=[bob.pk]))
    assert closed.status_code == 200 and closed.json()["is_active"] is False
    assert api.post(reverse("api-user-deactivate", args=[bob.pk])).status_code == 400
    assert api.post(reverse("api-user-deactivate", args=[99999])).status_code == 404


@pytest.mark.parametrize("name", ["alice", "dave", "erin", "frank"])
def test_the_api_answers_others_403_before_reading_anything(force: Force, name: str) -> None:
    api, before = api_for(force.users[name]), rows()
    assert api.get(reverse("api-users")).status_code == 403
    assert api.post(reverse("api-users"), {"username": "x"}, format="json").status_code == 403
    assert api.post(reverse("api-user-deactivate", args=[force.users["bob"].pk])).status_code == 403
    assert api.post(reverse("api-membership-end", args=[99999])).status_code == 403
    assert rows() == before


# --- the command line --------------------------------------------------------------------------


def user(*args: str) -> str:
    out = StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


def test_the_command_ends_a_role_and_closes_an_account(force: Force) -> None:
    assert "investigator of bob ends on" in user("end", "bob", "--role", "investigator")
    assert role_of(force.users["bob"], Role.INVESTIGATOR).end_on == TODAY
    with pytest.raises(CommandError, match="bob holds no such role now"):
        user("end", "bob", "--role", "investigator")
    assert user("deactivate", "charlie").strip() == "Closed the account charlie."
    listed = json.loads(user("list", "--json"))
    charlie = next(row for row in listed if row["username"] == "charlie")
    assert charlie["is_active"] is False and charlie["memberships"][0]["body"] == "BODY-B"
    assert "charlie (closed)" in user("list")
    with pytest.raises(CommandError, match="No user 'nobody'"):
        user("deactivate", "nobody")


def test_the_command_asks_which_when_a_role_is_held_twice(force: Force) -> None:
    user("add", "dave", "--role", "supervisor", "--unit", "STN-A2")
    with pytest.raises(CommandError, match="more than one place"):
        user("end", "dave", "--role", "supervisor")
    user("end", "dave", "--role", "supervisor", "--unit", "STN-A2")
    held = Membership.objects.filter(user=force.users["dave"], role=Role.SUPERVISOR, end_on__isnull=True)
    assert [m.unit.code for m in held] == ["STN-A1"]


# --- the administration site --------------------------------------------------------------------


def admin_user_change(client, user: User, **changes: object):  # type: ignore[no-untyped-def]
    """Post the admin's user form as shown, with ``changes``."""
    memberships = list(Membership.objects.filter(user=user).order_by("start_on", "id"))
    data: dict[str, object] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "officer": user.officer_id or "",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
    }
    for n, m in enumerate(memberships):
        data |= {
            f"memberships-{n}-id": m.pk,
            f"memberships-{n}-user": user.pk,
            f"memberships-{n}-role": m.role,
            f"memberships-{n}-body": m.body_id or "",
            f"memberships-{n}-unit": m.unit_id or "",
            f"memberships-{n}-start_on": m.start_on.isoformat(),
            f"memberships-{n}-end_on": m.end_on.isoformat() if m.end_on else "",
        }
    data |= changes
    return client.post(
        reverse("admin:accounts_user_change", args=[user.pk]), {k: v for k, v in data.items() if v != ""}
    )


def test_closing_an_account_in_the_admin_closes_it_as_the_service_does(force: Force, login) -> None:  # type: ignore[no-untyped-def]
    client, bob = login("admin"), force.users["bob"]
    Token.objects.create(user=bob)
    answer = admin_user_change(client, bob, is_active="")
    assert answer.status_code == 302, answer.content.decode()[:2000]
    bob.refresh_from_db()
    assert not bob.is_active and not bob.has_usable_password() and not Token.objects.filter(user=bob).exists()
    assert AuditEntry.objects.filter(action="user.deactivate").count() == 1


def test_the_admin_refuses_to_close_ones_own_account(force: Force, login) -> None:  # type: ignore[no-untyped-def]
    client, admin = login("admin"), force.users["admin"]
    answer = admin_user_change(client, admin, is_active="")
    assert answer.status_code == 200
    assert "Nobody closes his own account" in answer.content.decode()
    assert User.objects.get(pk=admin.pk).is_active
