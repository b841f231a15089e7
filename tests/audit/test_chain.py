"""The audit log's hash chain: every write leaves an entry; any edit, deletion, insertion or
reordering done behind the application's back is found and named by `ombud audit verify`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from ombud.audit.models import AuditEntry, AuditHead
from ombud.audit.selectors import audit_verify
from ombud.audit.services import AuditOutsideTransaction, audit_record
from tests.conftest import Login

pytestmark = pytest.mark.django_db


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="test.write", object_type="test.thing", object_id=i, data={"i": i})


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify_fails_naming(seq: int) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", "--quiet", stdout=out)
    assert f"entry {seq}" in str(raised.value)
    return str(raised.value)


def test_an_untouched_chain_verifies() -> None:
    _write(5)
    out = io.StringIO()
    call_command("audit", "verify", "--quiet", stdout=out)
    assert "5 entries" in out.getvalue()


def test_each_entry_links_to_the_one_before() -> None:
    _write(3)
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert AuditHead.objects.get().hash == entries[2].hash


def test_an_edited_payload_is_named() -> None:
    _write(5)
    _sql("update audit_auditentry set payload = %s where seq = 3", ['{"i":99}'])
    assert "altered" in _verify_fails_naming(3)


def test_an_edited_action_is_named() -> None:
    _write(5)
    _sql("update audit_auditentry set action = %s where seq = 2", ["test.innocent"])
    _verify_fails_naming(2)


def test_an_edited_hash_is_named() -> None:
    _write(5)
    _sql("update audit_auditentry set hash = hash || 'x' where seq = 4", [])
    _verify_fails_naming(4)


def test_a_deleted_entry_is_named() -> None:
    _write(5)
    _sql("delete from audit_auditentry where seq = 3", [])
    assert "missing" in _verify_fails_naming(3)


def test_a_deleted_last_entry_is_found_through_the_head() -> None:
    _write(5)
    _sql("delete from audit_auditentry where seq = 5", [])
    assert not audit_verify().ok


def test_two_swapped_entries_are_found() -> None:
    _write(6)
    cols = ["at", "actor_id", "action", "object_type", "object_id", "payload", "prev_hash", "hash"]
    rows = {}
    with connection.cursor() as cursor:
        for seq in (3, 4):
            cursor.execute(f"select {', '.join(cols)} from audit_auditentry where seq = %s", [seq])
            rows[seq] = list(cursor.fetchone())
        for seq, other in ((4, 3), (3, 4)):
            assignments = ", ".join(f"{c} = %s" for c in cols)
            cursor.execute(f"update audit_auditentry set {assignments} where seq = %s", [*rows[other], seq])
    _verify_fails_naming(3)


def test_an_inserted_entry_is_found() -> None:
    _write(3)
    last = AuditEntry.objects.get(seq=3)
    AuditEntry.objects.create(
        seq=4,
        at=last.at,
        actor_id=None,
        action="test.forged",
        object_type="x",
        object_id="1",
        payload="{}",
        prev_hash=last.hash,
        hash="f" * 64,
    )
    assert not audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_an_entry_outside_a_transaction_is_refused() -> None:
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=None, action="test.loose")
    assert not AuditEntry.objects.exists()


def test_a_failed_write_leaves_no_entry() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.doomed")
        raise RuntimeError("the change fails after its entry")
    assert not AuditEntry.objects.filter(action="test.doomed").exists()
    assert audit_verify().ok


def test_the_head_can_be_published() -> None:
    _write(2)
    out = io.StringIO()
    call_command("audit", "head", "--json", stdout=out)
    assert '"seq": 2' in out.getvalue()
    assert AuditHead.objects.get().hash in out.getvalue()


def test_an_administrator_checks_the_chain_on_a_page_and_in_the_api(login: Login) -> None:
    _write(3)
    admin = login("admin")
    page = admin.get(reverse("audit"))
    seq, digest = AuditHead.objects.get().seq, AuditHead.objects.get().hash
    assert page.status_code == 200 and digest in page.content.decode()
    assert "The chain holds" in admin.post(reverse("audit")).content.decode()
    assert admin.post(reverse("api-audit-verify")).json()["ok"] is True
    # The head is public: it names nothing, and anyone holding it can tell a rewrite later.
    assert Client().get(reverse("api-audit-head")).json() == {"seq": seq, "hash": digest}
    _sql("update audit_auditentry set payload = %s where seq = 2", ['{"i": 99}'])
    broken = admin.post(reverse("api-audit-verify")).json()
    assert (broken["ok"], broken["bad_seq"], broken["entries"]) == (False, 2, 1)
    assert "entry 2 was altered" in broken["problem"]
    shown = admin.post(reverse("audit"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "2번 항목이 변조되었습니다" in shown
    # Nobody else checks it (it reads every entry): the page and the endpoint are not theirs.
    for name in ("alice", "dave", "frank"):
        assert login(name).get(reverse("audit")).status_code == 404
        assert login(name).post(reverse("api-audit-verify")).status_code == 404
