"""The embedded database: WAL mode, and writers that queue instead of failing."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from ombud.audit.models import AuditEntry
from ombud.audit.selectors import audit_verify
from ombud.audit.services import audit_record

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite behaviour")


@sqlite_only
@pytest.mark.django_db
def test_the_database_runs_in_wal_mode() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_wait_for_each_other_and_all_commit() -> None:
    """Each writer reads the chain head, dawdles, then writes: with deferred transactions the
    second would fail to upgrade its lock; with IMMEDIATE ones it waits its turn."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                with transaction.atomic():
                    AuditEntry.objects.count()
                    time.sleep(0.01)
                    audit_record(actor=None, action="test.concurrent", object_type="t", object_id=f"{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.filter(action="test.concurrent").count() == 20
    assert audit_verify().ok
