"""Two administrators taking each other's role away, or closing each other's account, at the same
moment: one change waits for the other and then counts what it left, so the force keeps an
administrator and nobody meets a deadlock. Real concurrency needs a server database's row locks:
PostgreSQL only (SQLite runs one write at a time)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from ombud.accounts import services
from ombud.accounts.models import Membership, Role, User

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections"),
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("verb", ["end the role", "close the account"])
def test_two_administrators_at_the_same_moment_leave_one(monkeypatch: pytest.MonkeyPatch, verb: str) -> None:
    roles = [
        services.membership_grant(actor=None, user=User.objects.create(username=name), role=Role.ADMINISTRATOR)
        for name in ("ada", "bea")
    ]
    counted = services._administrators_left

    def slow_count(**kwargs: Any) -> bool:
        # Hold the first change open after its count, while the second arrives.
        answer = counted(**kwargs)
        time.sleep(0.5)
        return answer

    monkeypatch.setattr(services, "_administrators_left", slow_count)
    refused: list[str] = []

    def change(role: Membership) -> None:
        try:
            if verb == "end the role":
                services.membership_end(actor=None, membership=role)
            else:
                services.user_deactivate(actor=None, user=role.user)
        except Exception as exc:
            refused.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(role,)) for role in roles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    open_roles = Membership.objects.filter(role=Role.ADMINISTRATOR, end_on__isnull=True, user__is_active=True)
    assert open_roles.count() == 1
    assert len(refused) == 1 and "Nobody else administers the force" in refused[0]
